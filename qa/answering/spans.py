"""Typed answer spans inside one normalized sentence. Offsets are sentence-local.

`find_spans` picks the finders for the kind of question; the cloze alignment (cloze.py) and the
list runs (lists.py) live beside this module, what they share in span_base.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .cloze import cloze_spans
from .context import NAME_AFTER_TITLE, clean_name
from .lists import list_spans
from .numbers import CN_DAY, CN_MONTH, CN_YEAR, CASE_NUMBER, DOC_YEAR, QUANTITY, RANGE_JOIN, RANKING, SHARE_UNITS, STREAK, TIME_UNITS, YEAR, cn_to_int
from ..divisions import by_name
from .places import find_places
from .respectively import largest, respective_value
from .question import CASE_NUMBER_ASKED, DOCUMENT_NUMBER_ASKED, DURATION, LEADER, PARTY_WORDS, PERSON_TITLES, Kind, Question, asks_amount
from .span_base import ASKS_KIND, LEAD_WORDS, MEANINGFUL, PUNCT, TITLE, Span, clause_start, cut_words, strip_particles
from .words import alternation, units, words
from ..tokenize import pos_tag

__all__ = ["MEANINGFUL", "Span", "find_spans"]  # what the reader uses; the finders are below and beside

DATE_FULL = re.compile(
    r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日"
    r"|(?<![\d.])(?:19|20)\d{2}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![\d.])"  # 2024-02-27, 2024/2/27
    f"|{CN_YEAR}{CN_MONTH}{CN_DAY}"  # 二○一○年四月十四日, as official documents are signed
)
DATE_MONTH_DAY = re.compile(rf"(?<![\d年])\d{{1,2}}月\d{{1,2}}日|(?<!年){CN_MONTH}{CN_DAY}")
DATE_YEAR_MONTH = re.compile(rf"(?:19|20)\d{{2}}年\d{{1,2}}月(?![\d日])|{CN_YEAR}{CN_MONTH}(?![一二三四五六七八九十]*日)")
DATE_YEAR = re.compile(rf"(?<!\d)(?:19|20)\d{{2}}年度?(?![\d度]*月)|{CN_YEAR}度?(?![一二三四五六七八九十度]*月)")
QUOTED = re.compile(r"“[^“”]{1,60}”|「[^「」]{1,60}」|\"[^\"]{1,60}\"")
LABEL_VALUE = re.compile(r"(?:地点|地址|会址)[:：]\s*([^,，;；。\s]{2,30})")
# an organisation's name ends on one of these (words.toml), longest tried first; a place in brackets
# may sit inside the name: 星童医疗技术(苏州)有限公司
ORG_SUFFIX = re.compile(
    r"(?:(?!与|及|(?<!共)和)[\u4e00-\u9fff]|[(（][\u4e00-\u9fff]{2,8}[)）]){2,24}?(?:" + alternation(words("org_suffixes")) + ")"
)  # no 与/和/及 inside: '甲局与乙分局' is two organisations
_ORG_END = re.compile(ORG_SUFFIX.pattern + "$")
_LEGAL_FORM = re.compile(r"(?:股份)?有限(?:责任)?公司$")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


def _bare(name: str) -> bool:
    """A company's legal form with no name before it ('有限公司', '(苏州)有限公司')."""
    return bool(_LEGAL_FORM.search(name)) and len(_BRACKETED.sub("", _LEGAL_FORM.sub("", name))) < 2
_LOCATION_END = re.compile(r"(室|厅|馆|中心|大厦|酒店|会场|广场|楼|园|城|岛|港|区|县|市|省|镇|村|大学|所)$")
# 在 + a place + what is done there ('在深圳证券交易所正式挂牌', '在三亚崖州湾科技城建立…')
LOCATION = re.compile(
    r"在([^,，。;；在]{2,20}?)(?:正式|顺利|成功|率先|首次)?(?:召开|举行|举办|建立|建设|设立|打造|成立|落户|挂牌|上市|开设|[,，])"
)
ORG_HEADS = words("org_heads")


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


# measure words that count the same things: cases (宗, 起, 件), people (名, 人, 位), sessions (次, 场)
_COUNT_CLASSES = words("count_classes")


def _same_count(unit: str, asked: str) -> bool:
    return len(unit) == 1 and any(unit in cls and asked in cls for cls in _COUNT_CLASSES)


_COUNT_UNITS = frozenset(units("count"))


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
        if q.unit in TIME_UNITS:
            if unit != q.unit or YEAR.fullmatch(m.group(0)):
                continue  # 判了几年 asked: so many years, not a count (六人), a date (25日) or a year (2023年)
        elif unit in TIME_UNITS:
            if q.unit != DURATION or (unit == "年" and YEAR.fullmatch(m.group(0))):
                continue  # a date or a year is no figure; a span of time answers only a question of one
        elif q.unit == DURATION:
            continue  # 多久 asked: a span of time, not a count
        if unit in SHARE_UNITS and (q.unit or asks_amount(q)):
            continue  # 多少件 or 授权量是多少 asked: a share or a growth rate is no answer
        if unit == "届":
            continue
        if q.unit and ("元" in q.unit) != ("元" in unit) and unit not in ("万", "亿"):
            continue  # an amount of money asked, a count found (or the other way round)
        start = m.start("num") if m.group("pre") in (None, "共", "累计") else m.start()
        strength = 0.5 if unit in SHARE_UNITS else 0.6
        if q.unit:
            if unit == q.unit or unit.endswith(q.unit) or (q.unit == "元" and "元" in unit) or q.unit == DURATION:
                strength = 1.0
            elif _same_count(unit, q.unit):
                strength = 0.9
            elif q.unit in ("个", "批") or unit in ("万", "亿"):
                strength = 0.7
            elif _counts(unit) and _counts(q.unit):
                continue  # 多少件 asked, 50余项 found: a count of other things
            else:
                strength = 0.3
        bound = _BOUND.match(s, m.end())  # '缩短审查周期10个月以上': a bound, not the figure itself
        out.append(Span(start, bound.end() if bound else m.end(), Kind.quantity, strength))
    if q.unit is None and _SCORE_ASKED.search(q.norm):  # an index or a score is a figure of no unit
        out += [Span(m.start(1), m.end(1), Kind.quantity, 1.0) for m in _SCORE.finditer(s)]
    if q.cloze_left and _CHANGE_ASKED.search(q.cloze_left):  # '年增多少': a change, not the figure it came to
        # a figure said as the change ('登记增量为186168件') before one said as the count ('完成登记317690件')
        changes = [sp for sp in out if _CHANGE_LEAD.search(s, clause_start(s, sp.start), sp.start)]
        out = [sp if sp in changes else Span(sp.start, sp.end, sp.kind, sp.strength * (
            0.4 if _STOCK_LEAD.search(s, max(0, sp.start - 3), sp.start) else 0.6 if changes else 1.0)) for sp in out]
    if not _NEW_ASKED.search(q.norm):  # '有效注册商标多少件' asked: '新增有效注册商标229461件' is the year's additions
        out = [Span(sp.start, sp.end, sp.kind, sp.strength * 0.5) if _NEW_LEAD.search(s, clause_start(s, sp.start), sp.start) else sp
               for sp in out]
    if not _BEFORE_ASKED.search(q.norm):  # '从平均16个月缩短到2个月': what it is now is the figure it came to
        olds = [(m.start(1), m.end(1)) for m in _FROM_TO.finditer(s)]
        out = [Span(sp.start, sp.end, sp.kind, sp.strength * 0.5) if (sp.start, sp.end) in olds else sp for sp in out]
    return out


_BOUND = re.compile(r"以上|以下|左右")
# a change told from where a figure was to where it came ('从平均16个月缩短到2个月'): the first is the old one
_FROM_TO = re.compile(
    r"从[^\d,，;；。]{0,4}?((?:\d+(?:\.\d+)?)[万亿]?[^\d,，;；。]{0,4}?)"  # (从平均16个月, 从人民币33.9亿元)
    r"(?:缩短|压缩|降低|下降|减少|提高|提升|增加|增长|扩大|上升|延长)(?:了)?(?:到|至)"
)
# a change is asked ('年增多少', '比上年增加了多少', '同比增长多少'), and a figure said as what a total came
# to ('达9万7,411件', '为12885件'), no change
_CHANGE_ASKED = re.compile(r"(?:增|增长|增加|增幅|减少|下降|减|降|提高|提升|上升|降低|多出|多了|少了)了?[,，]?$")
_STOCK_LEAD = re.compile(r"(?:达到?|为|共计?|总计|累计|是)$")
_CHANGE_LEAD = re.compile(r"(?:增量|增加量|增长量|减少量|增幅|增加|增长|减少|下降|新增|净增|多出|多了)了?(?:为|达到?|是)?$")
# a figure of what was added (新增 / 净增 right before what it counts), and a question that asks for additions
_NEW_LEAD = re.compile(r"(?:新增|净增)[\u4e00-\u9fffA-Za-z]{0,12}$")
_NEW_ASKED = re.compile(r"新|增|多了|多出|添")


# the old figure of a change is asked ('原来要多久', '以前是多少')
_BEFORE_ASKED = re.compile(r"原来|原先|以前|之前|此前|过去|起初|当初|缩短前|改革前")


# an index's or a score's value, a figure with no unit ('满意度指数达86.3', '得分为92分' has its unit)
_SCORE_ASKED = re.compile(r"多少分|几分|指数|得分|评分|分数|分值")
_SCORE = re.compile(r"(?:指数|得分|评分|分数|分值)(?:达到|达|为|是|升至|提升至|提高到|提高至)?(\d+(?:\.\d+)?)(?![\d.%‰万亿])")


# how a case ended: 最终胜诉, 败诉, 和解, 驳回起诉 …
OUTCOME = re.compile(
    r"(?:最终|最后|终审|一审|二审)?(?:胜诉|败诉|获胜|胜出|和解|撤诉|驳回[^,，。;；]{0,8}|(?:不)?构成侵权|被判[^,，。;；]{1,10})"
)


# a document number: an issuer's abbreviation, the year in brackets, the serial and 号 (国知发保字〔2022〕27号);
# a court case number: the year in brackets first ((2022)最高法知民终905号)
_ISSUER = re.compile(r"[\u4e00-\u9fff]{1,8}$")
_BEFORE_ISSUER = re.compile(r".*(?:印发|发布|出台|下发|根据|依据|按照|转发|的|和|与|及|是|为)")


def docnum_spans(s: str, q: Question) -> list[Span]:
    """A case's number (案号 asked) or a document's (文号 asked), or either where the question names
    neither (编号)."""
    case, document = bool(CASE_NUMBER_ASKED.search(q.norm)), bool(DOCUMENT_NUMBER_ASKED.search(q.norm))
    cases_too, documents_too = case or not document, document or not case
    out = [Span(m.start(), m.end(), Kind.docnum) for m in CASE_NUMBER.finditer(s)] if cases_too else []
    for m in DOC_YEAR.finditer(s) if documents_too else ():
        issuer = _ISSUER.search(s, max(0, m.start() - 8), m.start())
        if issuer is None:
            continue
        lead = _BEFORE_ISSUER.match(issuer.group(0))  # '印发国知发保字': the issuer starts after the verb
        start = issuer.start() + (lead.end() if lead else 0)
        if start < m.start():
            out.append(Span(start, m.end(), Kind.docnum))
    return sorted(out, key=lambda sp: sp.start)


def outcome_spans(s: str, q: Question) -> list[Span]:
    return [Span(m.start(), m.end(), Kind.outcome) for m in OUTCOME.finditer(s)]


_ROLE_BREAK = ",，;；。:：()（）"
_TITLE_WORD = re.compile("|".join(sorted(PERSON_TITLES, key=len, reverse=True)))


_HONORIFICS = ("女士", "先生")


def _honorific(s: str, q: Question, spans: list[Span]) -> list[Span]:
    """A person asked as 女士 or 先生 ('一同出席的女士是谁'): the names the sentence calls so come first,
    those it calls the other much later (…葛树先生,…雷筱云女士)."""
    asked = [h for h in _HONORIFICS if h in q.norm]
    if len(asked) != 1:
        return spans
    out = []
    for sp in spans:
        called = next((h for h in _HONORIFICS if s.startswith(h, sp.end)), None)
        strength = 1.0 if called == asked[0] else (0.2 if called else sp.strength * 0.6)
        out.append(Span(sp.start, sp.end, sp.kind, strength))
    return out


def role_spans(s: str, q: Question, people: set[str]) -> list[Span]:
    """The posts said right before a person the question names: '…(知识产权局)机关党委书记、二级巡视员夏昆山'."""
    out = []
    for name in (p for p in people if p in q.norm):
        for m in re.finditer(re.escape(name), s):
            start = m.start()
            while start > 0 and s[start - 1] not in _ROLE_BREAK:
                start -= 1
            start += _lead_in(s[start : m.start()])
            if m.start() - start >= 2 and _TITLE_WORD.search(s, start, m.start()):
                out.append(Span(start + _employer(s[start : m.start()]), m.start(), Kind.role))
    return out


# what no post holds: particles, prepositions, pronouns, conjunctions, and the verbs that say who is
# there or who one is (a department's name may hold other verbs: 知识产权运用促进司)
_NOT_IN_POSTS = ("u", "p", "r", "c")
_INTRODUCING = ("是", "有", "还有", "为", "即")


def _lead_in(before: str) -> int:
    """The length of what leads up to the posts before a name, as the tagger reads it: everything up
    to the last particle, preposition, pronoun, conjunction or introducing verb ('共同出席今天发布会的
    还有' of …还有战略规划司司长葛树); the posts are what follows. 0 where there is none, or where no
    post would be left after it."""
    at, cut = 0, 0
    for word, flag in pos_tag(before):
        at += len(word)
        if flag.startswith(_NOT_IN_POSTS) or word in _INTRODUCING:
            cut = at
    return cut if _TITLE_WORD.search(before, cut) else 0


def _employer(posts: str) -> int:
    """The length of the organisation that opens a person's posts, as the tagger reads it (an `nt`
    word, with the places before it: 香港特区政府 of 香港特区政府财政司司长, 湖北省高级人民法院 of
    …党组书记、院长); 0 where none does or nothing of a post would be left. The post is what is asked
    (副局长 of 国家知识产权局副局长); the body whose post it is, named first, is not part of it (a
    department is: 知识产权运用促进司司长)."""
    at = 0
    for word, flag in pos_tag(posts):
        if flag == "ns" and at + len(word) < len(posts):
            at += len(word)
            continue
        post = posts[at + len(word) :]
        if flag == "nt" and _TITLE_WORD.search(post) and len(post) >= 2:
            return at + len(word)
        return 0
    return 0


def ratio_spans(s: str, q: Question) -> list[Span]:
    # a share asked ('占全省的比例') is not a growth rate ('同比增长32.9%'), nor the other way round
    share = bool(_SHARE_ASKED.search(q.norm)) and not _GROWTH_ASKED.search(q.norm)
    growth = bool(_GROWTH_ASKED.search(q.norm)) and not _SHARE_ASKED.search(q.norm)
    out = []
    for m in QUANTITY.finditer(s):
        if m.group("frac"):
            out.append(Span(m.start(), m.end(), Kind.ratio, 1.0))
        elif m.group("unit") in SHARE_UNITS:
            start = m.start("num") if m.group("pre") in (None, "共", "累计") else m.start()
            before = s[max(0, start - 12) : start]
            other = (share and _GROWTH_LEAD.search(before)) or (growth and _SHARE_LEAD.search(before))
            out.append(Span(start, m.end(), Kind.ratio, 0.4 if other else 1.0))
    return out


_SHARE_ASKED = re.compile(r"占|比例|比重|份额|占比")
_GROWTH_ASKED = re.compile(r"增长|增速|增幅|涨幅|增加|下降|减少|提高|同比|年增|年减")
_GROWTH_LEAD = re.compile(r"(?:增长|增|下降|减少|减|降低|提高|提升|上升|增幅|增速|涨幅)(?:了|为|达|达到)?[约近超逾]?$")
_SHARE_LEAD = re.compile(r"占[^\d,，;；。]{0,10}?(?:比重|比例|份额)?(?:为|达|是)?[约近超逾]?$")


def streak_spans(s: str, q: Question) -> list[Span]:
    return [Span(m.start(), m.end(), Kind.streak) for m in STREAK.finditer(s)]


def ranking_spans(s: str, q: Question) -> list[Span]:
    return [Span(m.start(), m.end(), Kind.ranking) for m in RANKING.finditer(s)]


# a year's end said after a year ('2024年底前', '2025年末'), and a question of a deadline
_YEAR_END = re.compile(r"年?(?:底|末)(?:之?前)?")
_DEADLINE_ASKED = re.compile(r"最晚|最迟|截止|期限|之前|以前|前要|前完成|什么时候要|何时要|到什么时候")


# a period asked (从什么时候到什么时候, 起止时间): answered by two dates joined as a range (2022年7月至2025年6月),
# not by one of them
_PERIOD_ASKED = re.compile(r"从(?:什么时候|何时|哪一?年|哪个月)到(?:什么时候|何时|哪一?年|哪个月)|起止|起讫|哪段时间|什么时间段")
_RANGE_JOIN = re.compile(RANGE_JOIN)


def date_spans(s: str, q: Question) -> list[Span]:
    spans = _date_spans(s, q)
    if not _PERIOD_ASKED.search(q.norm):
        return spans
    ordered = sorted(spans, key=lambda sp: sp.start)
    ranges = [
        Span(a.start, b.end, Kind.date, 1.0) for a, b in zip(ordered, ordered[1:])
        if (join := _RANGE_JOIN.match(s, a.end)) is not None and join.end() == b.start
    ]
    return ranges  # one date is no period


def _date_spans(s: str, q: Question) -> list[Span]:
    wants_year = bool(re.search(r"哪一?年|哪个年度|哪一年度", q.norm))
    wants_day = bool(re.search(r"哪天|哪一天|几月几日|日期", q.norm))
    deadline = bool(_DEADLINE_ASKED.search(q.norm))
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for pattern, level in ((DATE_FULL, 3), (DATE_YEAR_MONTH, 2), (DATE_MONTH_DAY, 2.5), (DATE_YEAR, 1)):
        for m in pattern.finditer(s):
            if _inside(taken, m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            if wants_day and level == 1:
                continue  # 哪天 asked: a year alone names no day
            if wants_year:
                strength = 1.0 if level == 1 else 0.4
            elif wants_day:
                strength = 1.0 if level in (3, 2.5) else 0.3
            else:
                strength = {3: 1.0, 2.5: 0.95, 2: 0.9, 1: 0.6}[level]
            end = m.end()
            if level == 1 and not wants_year and s[m.end() : m.end() + 1] == "度":
                end += 1
            if level == 1 and (by := _YEAR_END.match(s, m.end())):
                end = by.end()  # '到2024年底前': a deadline at a year's end
                if deadline:
                    strength = 1.0
            out.append(Span(m.start(), end, Kind.date, strength))
    return out


def _title_match(said: str, asked: str) -> float:
    """How well a title before a name answers the title asked: the same, or one ending on it
    (党组书记 for 书记), fully; a deputy's (副院长 for 院长) hardly: a deputy is not the head."""
    if said.endswith(asked):
        return 0.35 if said[: len(said) - len(asked)].endswith("副") and not asked.startswith("副") else 1.0
    return 1.0 if asked.endswith(said) else 0.35


def person_spans(s: str, q: Question, people: set[str]) -> list[Span]:
    out: dict[tuple[int, int], Span] = {}
    for m in NAME_AFTER_TITLE.finditer(s):
        name = clean_name(m.group(1), m.group(2))
        if not name:
            continue
        title = s[m.start() : m.start(1)].strip()
        strength = 0.8
        if q.titles:
            strength = max((_title_match(title, t) for t in q.titles), default=0.35)
        out[(m.start(1), m.start(1) + len(name))] = Span(m.start(1), m.start(1) + len(name), Kind.person, strength)
    for name in people:
        start = s.find(name)
        while start >= 0:
            key = (start, start + len(name))
            if key not in out:
                out[key] = Span(start, start + len(name), Kind.person, 0.5 if q.titles else 0.7)
            start = s.find(name, start + 1)
    return list(out.values())


# a case named by its parties: '甲与乙…纠纷案', '甲诉乙…案' (a list marker may open it: '三、 ')
_CASE_NAME = re.compile(r"(?:^|(?<=[,，。;；:：\s〔]))(?:[(（]?[一二三四五六七八九十\d]{1,2}[、.．)）]\s*)?([^,，。;；:：\s〔]{4,80}?案)")
_CASE_CAUSE = re.compile(alternation(words("case_causes")))
_SUES = re.compile(r"与|(?<![起申上投控告应败胜])诉(?![讼求])")


# a case named by the right it is about, as lists title their cases ('武汉晶源“烟气脱硫”方法专利案')
_RIGHT_CASE = re.compile(r"(?:专利|商标|版权)案$")


def _names_a_case(text: str) -> bool:
    """'网络平台店铺专利权侵权纠纷案件' and '…方法专利案' name a case; '十大知识产权案件' and '十大专利案件'
    name a kind of them."""
    text = text.rstrip("”」》")
    return text.endswith(("案", "案件")) and bool(_CASE_CAUSE.search(text) or "纠纷" in text or _RIGHT_CASE.search(text))


@dataclass(frozen=True)
class _Case:
    """A case named by its parties: [start, end) the name, the first party up to `sues` (与 / 诉),
    the second from `second` up to the cause ('滥用市场支配地位纠纷案') at `cause`."""

    start: int
    sues: int
    second: int
    cause: int
    end: int


def _cases(s: str) -> list[_Case]:
    out = []
    for m in _CASE_NAME.finditer(s):
        start = m.start(1) + (1 if s[m.start(1)] in "在对就" else 0)  # '在张三诉李四…案中'
        sues = _SUES.search(s, start, m.end(1))
        if sues is None or sues.start() - start < 2:
            continue
        cause = _CASE_CAUSE.search(s, sues.end() + 2, m.end(1))
        if cause is not None:
            out.append(_Case(start, sues.start(), sues.end(), cause.start(), m.end(1)))
    return out


def case_spans(s: str) -> list[Span]:
    """Cases named by their parties in the sentence: '杭州大头儿子文化发展有限公司与央视动漫集团有限公司著作权侵权纠纷案';
    and by one party and the cause, as criminal cases are ('叶某敏假冒注册商标案')."""
    out = [Span(c.start, c.end, Kind.named, 1.0) for c in _cases(s)]
    by_parties = {sp.end for sp in out}
    for m in _CASE_NAME.finditer(s):
        cause = _CASE_CAUSE.search(s, m.start(1) + 2, m.end(1)) or _RIGHT_CASE.search(s, m.start(1) + 2, m.end(1))
        whole = not s[m.end(1) :].strip(" 。”」")  # the case is all the line or clause says, to its end
        if m.end(1) not in by_parties and cause is not None and whole and s[m.start(1)] not in "在对就":
            out.append(Span(m.start(1), m.end(1), Kind.named, 0.9))
    return out


def party_spans(s: str, q: Question) -> list[Span]:
    """The party a question asks of a case named in the sentence: the plaintiff is named first,
    the defendant second ('威海宏福置业有限公司与威海市水务集团有限公司滥用市场支配地位纠纷案')."""
    if q.party == "first":
        return [Span(c.start, c.sues, Kind.person, 1.0) for c in _cases(s)]
    return [Span(c.second, c.cause, Kind.person, 1.0) for c in _cases(s)]


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
        if head_follows and ASKS_KIND.search(q.norm):
            end += len(q.head)  # 什么机制 -> “…”机制
        elif head_follows:
            pass
        else:
            # the quote names the thing together with a few words after it: “知助”行动
            tail = re.match(r"[\u4e00-\u9fff]{1,4}", s[end:])
            if q.head and tail and q.head in tail.group(0):
                end += tail.group(0).index(q.head) + len(q.head)
        right = strip_particles(q.cloze_right, False)
        follows_context = len(right) >= 2 and s[end : end + 6].startswith(right[:2])
        out.append(Span(m.start(), end, Kind.named, 1.0 if head_follows or follows_context else 0.7))
    for sp in title_spans(s, q):
        # a 《》 title answers 什么案件 only when it is one: '《…工作指引》' is a document
        fits = not q.head or q.head in s[sp.start : sp.end]
        out.append(Span(sp.start, sp.end, Kind.named, sp.strength * (0.8 if fits else 0.4)))
    if q.head and ASKS_KIND.search(q.norm):
        out += _head_phrases(s, q.head)
    return out


def _head_phrases(s: str, head: str) -> list[Span]:
    """Noun phrases that end in the head asked for (什么案件 -> '网络平台店铺专利权侵权纠纷案件'), cut after
    the words that open a clause (在, 一宗 …)."""
    out = []
    for m in re.finditer(re.escape(head), s):
        start = m.start()
        while start > 0 and s[start - 1] not in PUNCT and m.start() - start < 24:
            start -= 1
        words = cut_words(s[start : m.start()])
        cut = max((i + 1 for i, w in enumerate(words) if w in LEAD_WORDS or re.match(r"\d", w)), default=0)
        text = "".join(words[cut:])
        if len(MEANINGFUL.findall(text)) >= 2:
            out.append(Span(m.start() - len(text), m.end(), Kind.named, 0.6))
    return out


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
        found = [m for m in ORG_SUFFIX.finditer(s) if not _bare(m.group(0))]
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


# a ranking's first, said of the one before it ('台积电以1,582件连续5年居冠', '华为…排名第1') or, after 以,
# of the one it names with its figure ('以新竹市4,842件居首')
_FIRST = r"第[一1](?![\d十])"  # 第一, 第1 (not 第12, 第十)
# or the one a clause ends on as most ('新材料制造业增长最快,', '新装备制造业规模最大,'; not 最高人民法院)
_LEADS = re.compile(
    rf"居首位?|居冠|(?:位居|位列|名列|排名|排在|排|居)[\u4e00-\u9fff]{{0,6}}?(?:{_FIRST}|首位|榜首)|拔得头筹"
    r"|(?:增长|增速|增幅|规模|数量|总量|占比|比重)?最(?:快|多|高|大)(?=[,，;；。]|$)"
)
_BY = re.compile(r"以([\u4e00-\u9fff][^\d,，]*?)(?:占|达|为)?(?:[约近逾]?\d)|以(?=[约近逾]?\d)")  # 以日本占25%居首
_LEAD_IN = re.compile(r"^(?:其中|此外|另外|同时|而|(?:19|20)\d{2}年(?:度)?|[\u4e00-\u9fff]{0,6}部分)+")


def _clause_start(s: str, at: int) -> int:
    """Where the clause holding position `at` starts: after the last stop before it (a comma
    between digits, 1,582, is none)."""
    i = at
    while i > 0:
        ch = s[i - 1]
        if ch in ",，;；。:：!?！？" and not (ch == "," and i - 2 >= 0 and s[i - 2].isdigit() and i < len(s) and s[i].isdigit()):
            break
        i -= 1
    return i


def leader_spans(s: str) -> list[Span]:
    """Who or what a sentence says is first or leads (for a question of the leader): the subject
    of 居首 / 排名第一 in its clause, or the one named with its figure after 以."""
    out = []
    for m in _LEADS.finditer(s):
        start = _clause_start(s, m.start())
        by = _BY.search(s, start, m.start())
        if by and by.group(1) and len(by.group(1)) >= 2:
            out.append(Span(by.start(1), by.end(1), Kind.entity, 1.0))  # 以新竹市4,842件居首
            continue
        end = by.start() if by else m.start()
        lead = _LEAD_IN.match(s, start, end)
        begin = lead.end() if lead else start
        if 2 <= end - begin <= 20 and MEANINGFUL.search(s[begin:end]):
            out.append(Span(begin, end, Kind.entity, 1.0 if by else 0.8))  # 台积电以1,582件…居冠
    return out


# the rest of a ranking after its first: '…居冠,其次依序是美国应材(794件)、南韩三星电子(747件)'
_NEXT = re.compile(r"其次(?:依序|依次)?(?:是|为)|依次(?:是|为)")
_ITEM_NAME = re.compile(r"\s*([^(（\d\s][^(（\d]*?)\s*(?=[(（]|[约近逾]?\d|$)")
_PART_STOP = re.compile(r"[。;；]")


def _part_end(s: str, at: int) -> int:
    """Where the part of a sentence from `at` ends: its next 。 or ;, or the sentence's end."""
    stop = _PART_STOP.search(s, at)
    return stop.start() if stop else len(s)


def _named(match: re.Match[str] | None, offset: int = 0) -> Span | None:
    """The span of a ranked item's name (`_ITEM_NAME`'s group), where it reads as one (2 to 20
    characters)."""
    if match is None or not 2 <= len(match.group(1)) <= 20:
        return None
    return Span(offset + match.start(1), offset + match.end(1), Kind.entity, 1.0)


def _items(
    s: str, lo: int, hi: int, name_of: Callable[[str, int], Span | None]
) -> list[tuple[int, int, Span | None]]:
    """The 、-separated items of s[lo:hi]: where each lies, and its name (`name_of(item, its start)`)."""
    out: list[tuple[int, int, Span | None]] = []
    at = lo
    for item in s[lo:hi].split("、"):
        out.append((at, at + len(item), name_of(item, at)))
        at += len(item) + 1
    return out


# a list in ranking order: '电子电器、运动器械、烟草制品等货物占据前三位'
_TOP_N = re.compile(r"(?:依然|仍然|继续|分别)?(?:占据|位居|位列|排名|排在|居)(?:全国|全省|全市)?前([三四五六七八九十\d]{1,2})(?:位|名)?")
# each place said with its ordinal: '登记量最多的是美术作品1670092件,…;第二是摄影作品1553318件'
_NTH_IS = re.compile(r"(?:第([一二三四五六七八九十\d]{1,2})(?:位|名)?|最多的|最高的|最大的)(?:是|为)")


def _listed_ranking(s: str) -> list[tuple[int, int, Span | None]]:
    """The items of a list that a sentence says hold the top places, in its order."""
    m = _TOP_N.search(s)
    if m is None:
        return []

    def name_of(item: str, at: int) -> Span | None:  # '烟草制品等货物' -> 烟草制品
        name = re.sub(r"等[\u4e00-\u9fff]{0,4}$", "", item).strip()
        lead = _LEAD_IN.match(name)
        begin = at + item.find(name) + (lead.end() if lead else 0)
        end = at + item.find(name) + len(name)
        return Span(begin, end, Kind.entity, 1.0) if 2 <= end - begin <= 20 and MEANINGFUL.search(s[begin:end]) else None

    out = _items(s, _clause_start(s, m.start()), m.start(), name_of)
    return out if len(out) >= 2 else []


def _ordinal_ranking(s: str) -> list[tuple[int, int, Span | None]]:
    """The places a sentence names one by one ('最多的是A…;第二是B…'), in order of rank; [] unless
    they run from the first without a gap."""
    found: dict[int, tuple[int, int, Span | None]] = {}
    for m in _NTH_IS.finditer(s):
        rank = cn_to_int(m.group(1)) if m.group(1) else 1
        if rank and rank not in found:
            found[rank] = (m.start(), _part_end(s, m.end()), _named(_ITEM_NAME.match(s, m.end())))
    ranks = sorted(found)
    return [found[r] for r in ranks] if ranks and ranks == list(range(1, len(ranks) + 1)) and len(ranks) >= 2 else []


def _ranking(s: str) -> list[tuple[int, int, Span | None]]:
    """The places of a sentence's ranking in order: (start, end) of the text that speaks of each (its
    figure lies there) and its name's span. The first is the clause of 居首 / 排名第一; the next are
    the items of the list after 其次(依序)是 that follows it. A sentence may also rank by a list
    that takes the top places (…占据前三位) or by naming each place (最多的是A,…第二是B)."""
    first = _LEADS.search(s)
    if first is None:
        return _listed_ranking(s) or _ordinal_ranking(s)
    names = leader_spans(s[: first.end()])
    after = _NEXT.search(s, first.end())
    # the first's figure lies in its clause or after it, up to the rest of the ranking ('排名第一,达23万件')
    out: list[tuple[int, int, Span | None]] = [
        (_clause_start(s, first.start()), after.start() if after else len(s), names[0] if names else None)
    ]
    if after is None:
        return out
    return out + _items(s, after.end(), _part_end(s, after.end()), lambda item, at: _named(_ITEM_NAME.match(item), at))


def ranked_spans(s: str, n: int) -> list[Span]:
    """The one a sentence's ranking puts n-th (第二名: '其次依序是美国应材(794件)、…' -> 美国应材)."""
    ranking = _ranking(s)
    return [ranking[n - 1][2]] if 1 <= n <= len(ranking) and ranking[n - 1][2] is not None else []  # type: ignore[list-item]


# the verbs and qualifiers of measure a figure with no name in it may open with: '占61.8%', '达3.2万件'
_MEASURE_LEAD = re.compile(r"[占达为约近逾共计]*")
_NAMES_KINDS = (Kind.entity, Kind.named, Kind.person, Kind.title)
# a place is asked by the level of division it is ('哪个地级市', '哪一个省份', '哪些城市')
_PLACE_ASKED = re.compile(
    r"哪(?:个|一个|些|一)?(省份|省区|省市|省|地级市|县级市|城市|市州|地市|市|区县|县区|区|县|地区)"
    r"(?=[的是在有中里最排位居占获率]|[,，?？]|$)"  # not 哪个区域, 哪个市场: no division asked
)
def _opening_place(s: str, sp: Span) -> Span:
    """A span that opens with a place, cut to the place ('广东有效注册商标数量' -> 广东): the place is asked."""
    text = s[sp.start : sp.end]
    first = next((p for p in find_places(text) if text.startswith(p)), None)
    if first is None:
        return sp
    end = sp.start + len(first)
    if end < sp.end and s[end] in "省市区县":
        end += 1  # 广东省: the place with its own suffix
    return Span(sp.start, end, sp.kind, sp.strength)


def _place_of_level(text: str, province: bool) -> bool:
    """Whether the text names a place, a province where `province` is asked (one a province-level
    division is, or one the gazetteer does not rank: 台湾's own regions are no cities of a province)."""
    places = find_places(text)
    if not province:
        return bool(places)
    levels = [{d.level for d in by_name().get(p, ())} for p in places]
    return any(not found or "province" in found for found in levels)


# a country or a region abroad is asked ('哪个国家的人最多', '哪国')
_COUNTRY_ASKED = re.compile(r"哪(?:个|一个|些)?国家|哪国")
# the lead asked is of a rate or a share, not of an amount ('增长最快', '占比最高', '增长率最高')
_RATE_LEAD = re.compile(r"最快|增长|增速|增幅|涨幅|率|占比|比重|份额")


def _bare_figure(text: str) -> bool:
    rest = text[_MEASURE_LEAD.match(text).end() :].strip()  # type: ignore[union-attr]
    return bool(rest) and (QUANTITY.fullmatch(rest) is not None or re.fullmatch(r"[\d.,%‰]+", rest) is not None)


def find_spans(s: str, q: Question, people: set[str]) -> list[Span]:
    found = [sp for sp in _typed_spans(s, q, people) if _balanced(s[sp.start : sp.end])]
    if q.kind in _NAMES_KINDS:  # a name is asked: a bare figure names nothing (哪个国家占比最高 -> not 占61.8%)
        found = [sp for sp in found if not _bare_figure(s[sp.start : sp.end])]
    if q.ranked and q.kind in (Kind.quantity, Kind.ratio):
        # the figure of the one ranked so ('第一名申请了多少件': 台积电以1,582件…居冠), where the sentence ranks
        # and no figure of a sentence that ranks nothing
        ranking = _ranking(s)
        if q.ranked > len(ranking):
            return []
        lo, hi, _ = ranking[q.ranked - 1]
        found = [sp for sp in found if lo <= sp.start and sp.end <= hi]
    elif q.ranked and q.ranked > 1 and q.kind in (Kind.entity, Kind.person, Kind.named):
        found += [sp for sp in ranked_spans(s, q.ranked) if _balanced(s[sp.start : sp.end])]
    if q.leader:
        # else a ranking by its list or by its ordinals: its first; else the largest figure of a 分别-list
        leaders = leader_spans(s) or ranked_spans(s, 1) or [
            Span(a, b, Kind.entity, 0.8) for a, b in largest(s, bool(_RATE_LEAD.search(q.norm)))
        ]
        found += [sp for sp in leaders if _balanced(s[sp.start : sp.end])]
        if not leaders and not LEADER.search(s) and q.kind in _NAMES_KINDS and not (q.enumerated or q.ranked):
            return []  # the one that leads is asked: a sentence that says of none that it leads names none
    if q.kind is Kind.entity and (level := _PLACE_ASKED.search(q.norm)):
        # 哪个地级市: a place, not 全省登记量; 哪个省: a province, not a city of one
        province = level.group(1) in ("省", "省份", "省区")
        found = [_opening_place(s, sp) for sp in found if _place_of_level(s[sp.start : sp.end], province)]
    elif q.kind is Kind.entity and _COUNTRY_ASKED.search(q.norm):  # 哪个国家: a country, not '申请首位'
        found = [sp for sp in found if any(flag == "ns" for _, flag in pos_tag(s[sp.start : sp.end])) or find_places(s[sp.start : sp.end])]
    if q.kind in (Kind.quantity, Kind.ratio) and "分别" in s:
        own = respective_value(s, q.norm, q.places)
        if own is not None:  # the question names one subject of a 分别-list: its figure, no other
            found = [sp for sp in found if own[0] <= sp.start and sp.end <= own[1]]
    return found


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
    if kind is Kind.docnum:
        return docnum_spans(s, q)
    if kind is Kind.role:
        return role_spans(s, q, people)
    if kind is Kind.date:
        return date_spans(s, q)
    if q.party and kind in (Kind.person, Kind.entity):
        # a party asked is a case's party: named by the case ('甲与乙…纠纷案') or called so ('被告张三')
        called = PARTY_WORDS[q.party]
        named = person_spans(s, q, people) if kind is Kind.person else entity_spans(s, q)
        return party_spans(s, q) + [sp for sp in named if s[max(0, sp.start - 4) : sp.start].endswith(called)]
    if kind is Kind.person:
        return _honorific(s, q, person_spans(s, q, people))
    if kind is Kind.listing:
        return list_spans(s, q) + _first_clause(s, cloze_spans(s, q))
    if kind is Kind.title:
        return title_spans(s, q) + [Span(sp.start, sp.end, Kind.title, 0.5) for sp in cloze_spans(s, q)]
    if kind is Kind.named:
        found = named_spans(s, q) + [Span(sp.start, sp.end, Kind.named, sp.strength * 0.9) for sp in cloze_spans(s, q)]
        if q.head == "案件":  # a case asked is named as one: '甲与乙…纠纷案', '…侵权案'
            found = case_spans(s) + [sp for sp in found if _names_a_case(s[sp.start : sp.end])]
        return found
    return entity_spans(s, q)
