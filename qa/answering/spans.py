"""Typed answer spans inside one normalized sentence. Offsets are sentence-local."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from ..tokenize import get_jieba
from .context import NAME_AFTER_TITLE, clean_name
from .numbers import QUANTITY, RANKING, STREAK
from .places import find_places
from .question import PERSON_TITLES, Kind, Question

DATE_FULL = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")
DATE_MONTH_DAY = re.compile(r"(?<![\d年])\d{1,2}月\d{1,2}日")
DATE_YEAR_MONTH = re.compile(r"(?:19|20)\d{2}年\d{1,2}月(?![\d日])")
DATE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}年度?(?![\d度]*月)")
TITLE = re.compile(r"《[^《》]{2,80}》")
QUOTED = re.compile(r"“[^“”]{1,60}”|「[^「」]{1,60}」|\"[^\"]{1,60}\"")
LIST_RUN = re.compile(r"[^,，;；。:：、“”《》()（）]{1,30}(?:、[^,，;；。:：、“”《》()（）]{1,30})+")
LABEL_VALUE = re.compile(r"(?:地点|地址|会址)[:：]\s*([^,，;；。\s]{2,30})")
ORG_SUFFIX = re.compile(
    r"[\u4e00-\u9fff]{2,24}?(?:监督管理局|管理局|知识产权局|市场监管局|公安局|法院|检察院|海关|银行|分行|联盟|协会|商会"
    r"|中心|委员会|政府|集团|公司|大学|学院|办公室|研究院)"
)
_ORG_END = re.compile(ORG_SUFFIX.pattern + "$")
_LOCATION_END = re.compile(r"(室|厅|馆|中心|大厦|酒店|会场|广场|楼|园|城|岛|港|区|县|市|省|镇|村|大学)$")
MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_PUNCT = set(",，;；。:：、!?！？()（）“”《》「」 ")
# words that open a clause rather than belong to a list item or a name
_LEAD_WORDS = {
    "代表", "为", "是", "包括", "有", "在", "对", "向", "由", "将", "和", "及", "以及", "与", "其中", "如", "即",
    "建成", "推动", "出台", "印发", "涵盖", "聚焦", "我市", "全市", "围绕", "引导", "等", "并", "并由", "一", "一宗",
}
LOCATION = re.compile(r"在([^,，。;；在]{2,20}?)(?:召开|举行|举办|[,，])")
ORG_HEADS = ("部门", "单位", "组织", "机构", "银行", "法院", "协会", "联盟", "公司")
_PARTICLES = "了的是为在"
_ASKS_KIND = re.compile(r"什么|哪类|哪种|哪一类|哪一种")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind
    strength: float = 1.0  # how well the span fits what was asked (0..1)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


# measure words that count the same things: cases (宗, 起, 件), people (名, 人, 位), sessions (次, 场)
_COUNT_CLASSES = ("宗起件", "份件", "名人位", "次场")


def _same_count(unit: str, asked: str) -> bool:
    return len(unit) == 1 and any(unit in cls and asked in cls for cls in _COUNT_CLASSES)


_COUNT_UNITS = set("件家项宗个次名人场份起批篇所条座款种类位") | {"批次", "家次", "件次", "人次", "方面"}


def _counts(unit: str) -> bool:
    """A measure word that counts things (件, 家, 项 …), not money, time or a share."""
    return unit in _COUNT_UNITS


def quantity_spans(s: str, q: Question) -> list[Span]:
    titles = [(m.start(), m.end()) for m in TITLE.finditer(s)]
    out = []
    for m in QUANTITY.finditer(s):
        if m.group("frac"):
            continue
        unit = m.group("unit")
        if s[max(0, m.start() - 1) : m.start()] == "第" or _inside(titles, m.start(), m.end()):
            continue
        if unit in ("年", "月", "日", "天", "周", "个月") and q.unit not in ("年", "天", "周"):
            continue
        if unit in ("%", "‰", "倍") and q.unit:
            continue
        if unit == "届":
            continue
        if q.unit and ("元" in q.unit) != ("元" in unit) and unit not in ("万", "亿"):
            continue  # an amount of money asked, a count found (or the other way round)
        start = m.start("num") if m.group("pre") in (None, "共", "累计") else m.start()
        strength = 0.5 if unit in ("%", "‰", "倍") else 0.6
        if q.unit:
            if unit == q.unit or unit.endswith(q.unit) or (q.unit == "元" and "元" in unit):
                strength = 1.0
            elif _same_count(unit, q.unit):
                strength = 0.9
            elif q.unit in ("个", "批") or unit in ("万", "亿"):
                strength = 0.7
            elif _counts(unit) and _counts(q.unit):
                continue  # 多少件 asked, 50余项 found: a count of other things
            else:
                strength = 0.3
        out.append(Span(start, m.end(), Kind.quantity, strength))
    return out


# how a case ended: 最终胜诉, 败诉, 和解, 驳回起诉 …
OUTCOME = re.compile(
    r"(?:最终|最后|终审|一审|二审)?(?:胜诉|败诉|获胜|胜出|和解|撤诉|驳回[^,，。;；]{0,8}|(?:不)?构成侵权|被判[^,，。;；]{1,10})"
)


def outcome_spans(s: str, q: Question) -> list[Span]:
    return [Span(m.start(), m.end(), Kind.outcome) for m in OUTCOME.finditer(s)]


_ROLE_BREAK = ",，;；。:：()（）"
_TITLE_WORD = re.compile("|".join(sorted(PERSON_TITLES, key=len, reverse=True)))


def role_spans(s: str, q: Question, people: set[str]) -> list[Span]:
    """The posts said right before a person the question names: '…(知识产权局)机关党委书记、二级巡视员夏昆山'."""
    out = []
    for name in (p for p in people if p in q.norm):
        for m in re.finditer(re.escape(name), s):
            start = m.start()
            while start > 0 and s[start - 1] not in _ROLE_BREAK:
                start -= 1
            if m.start() - start >= 2 and _TITLE_WORD.search(s, start, m.start()):
                out.append(Span(start, m.start(), Kind.role))
    return out


def ratio_spans(s: str, q: Question) -> list[Span]:
    out = []
    for m in QUANTITY.finditer(s):
        if m.group("frac"):
            out.append(Span(m.start(), m.end(), Kind.ratio, 1.0))
        elif m.group("unit") in ("%", "‰", "倍"):
            start = m.start("num") if m.group("pre") in (None, "共", "累计") else m.start()
            out.append(Span(start, m.end(), Kind.ratio, 1.0))
    return out


def streak_spans(s: str, q: Question) -> list[Span]:
    return [Span(m.start(), m.end(), Kind.streak) for m in STREAK.finditer(s)]


def ranking_spans(s: str, q: Question) -> list[Span]:
    return [Span(m.start(), m.end(), Kind.ranking) for m in RANKING.finditer(s)]


def date_spans(s: str, q: Question) -> list[Span]:
    wants_year = bool(re.search(r"哪一?年|哪个年度|哪一年度", q.norm))
    wants_day = bool(re.search(r"哪天|哪一天|几月几日|日期", q.norm))
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for pattern, level in ((DATE_FULL, 3), (DATE_YEAR_MONTH, 2), (DATE_MONTH_DAY, 2.5), (DATE_YEAR, 1)):
        for m in pattern.finditer(s):
            if _inside(taken, m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            if wants_year:
                strength = 1.0 if level == 1 else 0.4
            elif wants_day:
                strength = 1.0 if level in (3, 2.5) else 0.3
            else:
                strength = {3: 1.0, 2.5: 0.95, 2: 0.9, 1: 0.6}[level]
            end = m.end()
            if level == 1 and not wants_year and s[m.end() : m.end() + 1] == "度":
                end += 1
            out.append(Span(m.start(), end, Kind.date, strength))
    return out


def person_spans(s: str, q: Question, people: set[str]) -> list[Span]:
    out: dict[tuple[int, int], Span] = {}
    for m in NAME_AFTER_TITLE.finditer(s):
        name = clean_name(m.group(1))
        if not name:
            continue
        title = s[m.start() : m.start(1)].strip()
        strength = 0.8
        if q.titles:
            strength = 1.0 if any(title.endswith(t) or t.endswith(title) for t in q.titles) else 0.35
        out[(m.start(1), m.start(1) + len(name))] = Span(m.start(1), m.start(1) + len(name), Kind.person, strength)
    for name in people:
        start = s.find(name)
        while start >= 0:
            key = (start, start + len(name))
            if key not in out:
                out[key] = Span(start, start + len(name), Kind.person, 0.5 if q.titles else 0.7)
            start = s.find(name, start + 1)
    return list(out.values())


def _words(text: str) -> list[str]:
    return list(_cut(text))


@lru_cache(maxsize=8192)
def _cut(text: str) -> tuple[str, ...]:
    # the same question halves and list items are cut for every candidate sentence
    return tuple(get_jieba().lcut(text))


def _trim_item(item: str, from_left: bool, bound: int, q: Question, others: str) -> str:
    """Cut an outer list item longer than the others down to its own words: stop at lead words,
    digits, question words the other items do not share, or past the bound the others set."""
    words = _words(item)
    if from_left:  # the first item: walk backwards from the 、
        words = words[::-1]
    if len(item) <= bound and not any(w in _LEAD_WORDS or re.match(r"\d", w) for w in words):
        return item
    kept: list[str] = []
    for word in words:
        if word in _LEAD_WORDS or re.match(r"\d", word):
            break
        if kept and len(word) >= 2 and word in q.norm and word not in others:
            break
        if len("".join(kept)) + len(word) > bound and kept:
            break
        kept.append(word)
    if from_left:
        kept = kept[::-1]
    return "".join(kept)


def _runs(s: str) -> list[tuple[int, list[str]]]:
    """、-separated runs as (offset, items); an inner item holding a clause-opening word (为, 是 …)
    ends one run and starts the next after that word: '书记、局长蔡英权为福田、南山' -> '福田、南山'."""
    runs: list[tuple[int, list[str]]] = []
    for m in LIST_RUN.finditer(s):
        offset, items = m.start(), m.group(0).split("、")
        current_start, current = offset, [items[0]]
        position = offset + len(items[0]) + 1
        for item in items[1:]:
            words = _words(item)
            cut = max((i for i, w in enumerate(words[:-1]) if w in _LEAD_WORDS), default=None)
            if cut is not None and item is not items[-1]:
                if len(current) >= 2:
                    runs.append((current_start, current))
                tail = "".join(words[cut + 1 :])
                current_start, current = position + len(item) - len(tail), [tail]
            else:
                current.append(item)
            position += len(item) + 1
        if len(current) >= 2:
            runs.append((current_start, current))
    return runs


def list_spans(s: str, q: Question) -> list[Span]:
    out = []
    titles = list(TITLE.finditer(s))
    if len(titles) >= 2:
        out.append(Span(titles[0].start(), titles[-1].end(), Kind.listing, 0.9))
    for start_at, items in _runs(s):
        middle = items[1:-1]
        bound = (max(len(i) for i in middle) + 2) if middle else max(len(items[0]), len(items[-1])) + 4
        if not middle:
            bound = min(len(items[0]), len(items[-1])) + 4
        first = _trim_item(items[0], True, bound, q, "".join(items[1:]))
        last = _trim_item(items[-1], False, bound, q, "".join(items[:-1]))
        if not first or not last:
            continue
        run_end = start_at + len("、".join(items))
        start = start_at + len(items[0]) - len(first)
        end = run_end - len(items[-1]) + len(last)
        strength = 0.8 if q.list_size in (None, len(items)) else 0.4
        after = s[end : end + 12]
        if any(len(w) >= 2 and w in after for w in _words(_strip_particles(q.cloze_right, False))):
            strength += 0.2  # the question's own words follow the list: 哪几个区颁发 / …5个区颁发
        if start < end:
            out.append(Span(start, end, Kind.listing, strength))
    return out


def title_spans(s: str, q: Question) -> list[Span]:
    out = []
    for m in TITLE.finditer(s):
        strength = 1.0 if q.head and q.head in m.group(0) else 0.75
        out.append(Span(m.start(), m.end(), Kind.title, strength))
    return out


def named_spans(s: str, q: Question) -> list[Span]:
    out = []
    for m in QUOTED.finditer(s):
        end = m.end()
        head_follows = bool(q.head) and s.startswith(q.head, end)
        if head_follows and _ASKS_KIND.search(q.norm):
            end += len(q.head)  # 什么机制 -> “…”机制
        elif head_follows:
            pass
        else:
            # the quote names the thing together with a few words after it: “知助”行动
            tail = re.match(r"[\u4e00-\u9fff]{1,4}", s[end:])
            if q.head and tail and q.head in tail.group(0):
                end += tail.group(0).index(q.head) + len(q.head)
        right = _strip_particles(q.cloze_right, False)
        follows_context = len(right) >= 2 and s[end : end + 6].startswith(right[:2])
        out.append(Span(m.start(), end, Kind.named, 1.0 if head_follows or follows_context else 0.7))
    for sp in title_spans(s, q):
        # a 《》 title answers 什么案件 only when it is one: '《…工作指引》' is a document
        fits = not q.head or q.head in s[sp.start : sp.end]
        out.append(Span(sp.start, sp.end, Kind.named, sp.strength * (0.8 if fits else 0.4)))
    if q.head and _ASKS_KIND.search(q.norm):
        out += _head_phrases(s, q.head)
    return out


def _head_phrases(s: str, head: str) -> list[Span]:
    """Noun phrases that end in the head asked for (什么案件 -> '网络平台店铺专利权侵权纠纷案件'), cut after
    the words that open a clause (在, 一宗 …)."""
    out = []
    for m in re.finditer(re.escape(head), s):
        start = m.start()
        while start > 0 and s[start - 1] not in _PUNCT and m.start() - start < 24:
            start -= 1
        words = _words(s[start : m.start()])
        cut = max((i + 1 for i, w in enumerate(words) if w in _LEAD_WORDS or re.match(r"\d", w)), default=0)
        text = "".join(words[cut:])
        if len(MEANINGFUL.findall(text)) >= 2:
            out.append(Span(m.start() - len(text), m.end(), Kind.named, 0.6))
    return out


def _strip_particles(text: str, left: bool) -> str:
    return text.rstrip(_PARTICLES) if left else text.lstrip(_PARTICLES)


def _left_anchor(s: str, left_words: list[str], asks: bool) -> int | None:
    """Where the sentence's match of the question's words before the gap ends (its longest tail
    found, up to 12 characters); a question with an asking word may leave out up to two final
    words ('首个被评为': the text may leave out the verb)."""
    for skip in range(0, min(3, len(left_words)) if asks else 1):
        head = "".join(left_words[: len(left_words) - skip])
        for n in range(min(len(head), 12), 1, -1):
            found = s.rfind(head[-n:])
            if found >= 0:
                return found + n
    return None


def _right_anchor(s: str, right_words: list[str], left_end: int | None) -> tuple[int | None, str]:
    """Where the sentence's match of the question's words after the gap starts, and the leading
    words of the question it skipped to find a longer match."""
    right_start, matched, skipped = None, 0, ""
    for skip in range(0, min(3, len(right_words))):
        tail = "".join(right_words[skip:])
        for n in range(min(len(tail), 12), max(1, matched), -1):
            found = s.find(tail[:n], left_end or 0)
            if found >= 0:
                right_start, matched, skipped = found, n, "".join(right_words[:skip])
                break
    return right_start, skipped


def cloze_spans(s: str, q: Question) -> list[Span]:
    """Align the question around its wh-word with the sentence and take what fills the gap."""
    left = _strip_particles(q.cloze_left, True)
    right = _strip_particles(q.cloze_right, False)
    right_words = _words(right)
    left_end = _left_anchor(s, _words(left), asks=q.cloze_left != q.norm)
    right_start, skipped = _right_anchor(s, right_words, left_end)
    if left_end is not None and right_start is not None and 0 < right_start - left_end <= 40:
        start, end = left_end, right_start
        while end > start and s[end - 1] in _PARTICLES:
            end -= 1
        if q.head and _ASKS_KIND.search(q.norm):
            head_at = s.find(q.head, end, end + 16)
            if head_at >= 0 and not any(ch in _PUNCT for ch in s[end:head_at]):
                end = head_at + len(q.head)
        if skipped and s.startswith(skipped, start) and len(MEANINGFUL.findall(s[start + len(skipped) : end])) >= 2:
            start += len(skipped)  # 哪个地理标志产品 -> '地理标志产品“亳菊”': the noun asked about is no answer
        start, end = _trim_punct(s, start, end)
        gap = s[start:end]
        if len(MEANINGFUL.findall(gap)) >= 2 and not any(ch in "。;；" for ch in gap):
            return [Span(start, end, Kind.entity, 1.0)]
    # '在哪里打造X' against '打造前海、河套X': the asked words come after the question's verb
    if len(right_words) >= 2:
        verb, rest = right_words[0], "".join(right_words[1:])[:8]
        at = s.find(verb)
        after = at + len(verb)
        found = s.find(rest, after) if at >= 0 and len(verb) >= 2 else -1
        if found > after and found - after <= 20 and not any(ch in _PUNCT.difference("、") for ch in s[after:found]):
            if len(MEANINGFUL.findall(s[after:found])) >= 2:
                return [Span(after, found, Kind.entity, 0.8)]
    if left_end is not None:
        end = left_end
        while end < len(s) and s[end] not in _PUNCT and end - left_end < 30:
            end += 1
        if len(MEANINGFUL.findall(s[left_end:end])) >= 2:
            return [Span(left_end, end, Kind.entity, 0.6)]
    if right_start is not None and right_start > 0:
        start = right_start
        while start > 0 and s[start - 1] not in _PUNCT and right_start - start < 20:
            start -= 1
        words = _words(s[start:right_start])
        while words and words[0] in _LEAD_WORDS:
            words.pop(0)
        text = "".join(words)
        end = right_start
        if q.head and _ASKS_KIND.search(q.norm) and s.startswith(q.head, end):
            end += len(q.head)
        start, end = _trim_punct(s, right_start - len(text), end)
        if len(MEANINGFUL.findall(s[start:end])) >= 2:
            return [Span(start, end, Kind.entity, 0.5)]
    return []


def _trim_punct(s: str, start: int, end: int) -> tuple[int, int]:
    while start < end and s[start] in _PUNCT and s[start] not in "“「《":
        start += 1
    while end > start and s[end - 1] in _PUNCT and s[end - 1] not in "”」》":
        end -= 1
    return start, end


def _all_places(text: str) -> bool:
    """'福田、南山': every item a place (read as a list: districts of one city count)."""
    items = text.split("、")
    return all(items) and find_places(text) == items


_ORG_LEAD = re.compile(r"^(?:并由|由|并|和|与|及|在|对|向|是|为)")


def _lead_len(name: str) -> int:
    """Length of the function word an organisation match starts with: '并由…联盟'."""
    lead = _ORG_LEAD.match(name)
    return lead.end() if lead else 0


def entity_spans(s: str, q: Question) -> list[Span]:
    out = cloze_spans(s, q)
    if q.head == "地点":
        out = [sp for sp in out if _LOCATION_END.search(s[sp.start : sp.end]) or _all_places(s[sp.start : sp.end])]
        out += [Span(m.start(1), m.end(1), Kind.entity, 1.0) for m in LABEL_VALUE.finditer(s)]
        out += [Span(m.start(1), m.end(1), Kind.entity, 0.8) for m in LOCATION.finditer(s)]
        return out
    if q.head in ORG_HEADS:
        # an organisation is asked for: only spans that name one, of the kind asked when it is
        # a specific one (哪家公司 wants a 公司, not an association)
        specific = {"公司": ("公司",), "银行": ("银行", "分行"), "法院": ("法院",), "协会": ("协会",), "联盟": ("联盟",)}
        endings = specific.get(q.head)
        found = list(ORG_SUFFIX.finditer(s))
        orgs = [Span(m.start() + _lead_len(m.group(0)), m.end(), Kind.entity, 0.8) for m in found]
        # a unit of an organisation named right after it is one name: 邮储银行 + 亳州分行
        orgs += [Span(a.start(), b.end(), Kind.entity, 0.85) for a, b in zip(found, found[1:]) if a.end() == b.start()]
        orgs += [sp for sp in out if _ORG_END.search(s[sp.start : sp.end])]
        return [sp for sp in orgs if endings is None or s[sp.start : sp.end].endswith(endings)]
    out += [Span(sp.start, sp.end, Kind.entity, sp.strength * 0.7) for sp in named_spans(s, q)]
    return out


_PAIRS = ("《》", "“”", "「」", "()", "（）")


def _balanced(text: str) -> bool:
    """No bracket or quote left open or closed alone: '《亳州市…服务' is a cut title, not a name."""
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


def find_spans(s: str, q: Question, people: set[str]) -> list[Span]:
    return [sp for sp in _typed_spans(s, q, people) if _balanced(s[sp.start : sp.end])]


def _first_clause(s: str, spans: list[Span]) -> list[Span]:
    """Cloze gaps cut at their first clause break: '围绕“20+8”…和重点产业,引导…' -> '“20+8”…和重点产业'."""
    out = []
    for sp in spans:
        cut = next((i for i in range(sp.start, sp.end) if s[i] in ",，;；"), sp.end)
        if len(MEANINGFUL.findall(s[sp.start : cut])) >= 2:
            out.append(Span(sp.start, cut, Kind.listing, sp.strength * 0.8))
    return out


def _typed_spans(s: str, q: Question, people: set[str]) -> list[Span]:
    kind = q.kind
    if kind is Kind.quantity:
        return quantity_spans(s, q)
    if kind is Kind.ratio:
        return ratio_spans(s, q)
    if kind is Kind.streak:
        return streak_spans(s, q)
    if kind is Kind.ranking:
        return ranking_spans(s, q)
    if kind is Kind.outcome:
        return outcome_spans(s, q)
    if kind is Kind.role:
        return role_spans(s, q, people)
    if kind is Kind.date:
        return date_spans(s, q)
    if kind is Kind.person:
        return person_spans(s, q, people)
    if kind is Kind.listing:
        return list_spans(s, q) + _first_clause(s, cloze_spans(s, q))
    if kind is Kind.title:
        return title_spans(s, q) + [Span(sp.start, sp.end, Kind.title, 0.5) for sp in cloze_spans(s, q)]
    if kind is Kind.named:
        return named_spans(s, q) + [Span(sp.start, sp.end, Kind.named, sp.strength * 0.9) for sp in cloze_spans(s, q)]
    return entity_spans(s, q)
