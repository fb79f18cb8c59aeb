"""Question analysis: what is asked (the answer kind) and under which constraints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ..normalize import normalize
from ..tokenize import tokenize_normalized
from .numbers import ORDINAL, cn_to_int, ordinals, periods, years
from .places import find_places, narrowest
from .words import alternation, units, words


class Kind(str, Enum):
    quantity = "quantity"  # 多少 / 几 + unit, amounts, percentages
    streak = "streak"  # 连续多少年
    ranking = "ranking"  # 排第几
    ratio = "ratio"  # 几倍, 百分之几, 多大比例
    person = "person"  # 谁
    date = "date"  # 哪天, 什么时候, 哪一年
    listing = "list"  # 哪些, 哪两个, 哪N个
    title = "title"  # 什么文件/条例/规划…: a 《》 title
    named = "named"  # 什么机制/行动/活动/产品…: usually a “”-quoted name
    entity = "entity"  # 哪个部门/单位/地方… or 什么: a noun phrase
    outcome = "outcome"  # 结果如何: how a case or a dispute ended
    role = "role"  # 他是什么职务: the post a named person holds
    docnum = "docnum"  # 文号是什么 / 案号: a document number (国知发保字〔2022〕27号, (2022)最高法知民终905号)


NUMERIC_KINDS = (Kind.quantity, Kind.ratio, Kind.streak, Kind.ranking)  # a figure is asked


# title words a person is introduced with (longest first matters for matching)
PERSON_TITLES = words("person_titles")
_HEAD_WORDS, _HEAD_TITLES = words("head_words"), words("head_titles")


def title_verbs(titles: list[str]) -> list[str]:
    """The verbs that name a role asked by its title: 主持人 -> 主持, 发言人 -> 发言."""
    return [t[:-1] for t in titles if t.endswith("人") and len(t) >= 3]


ROLE_VERBS = words("role_verbs")

_WH = re.compile(
    r"(是多少|有多少|为多少|多少|多[高大长快远]|几|哪些|哪里|哪儿|哪几|哪[一两二三四五六七八九十\d]*[个位家项种类条部份篇天年月]?|谁|什么时候|何时|什么|如何|怎样|是否)"
)
_LIST = re.compile(r"哪些|哪几|哪[两二三四五六七八九十\d]+[个项种类条家位]|包括哪|有哪(?![个位家一])")
_DATE = re.compile(r"哪天|哪一天|什么时候|何时|什么时间|几月几日|哪个月|哪一年|哪年|哪个年度|哪一年度|哪一届")
_STREAK = re.compile(r"连续[\u4e00-\u9fff]{0,3}?(?:多少|几)(?:年|届|次)|连续第几|第几年")
_RANKING = re.compile(r"第几|排老几|排行老几|排名多少|排名[是为]多少|排多少|排在?第几|位居第几|排名[又还]?(?:如何|怎样|怎么样|情况)|名次")
_RATIO = re.compile(r"几倍|多少倍|百分之几|百分比|比重|比率|多大份额|份额[是为有]?多少|多少份额|多大比例|多少比例|比例是|占比|占全国的?多少|占(?:全国|全省|全市|全区|全县|全球|全部|总)[\u4e00-\u9fff]{0,6}?的?多少|占多少|几分之几|几成|增长多少|增长了多少|同比|增幅|增速|涨幅|涨了?多少|上涨了?多少|变化了?多少|降幅|减幅|[\u4e00-\u9fff]率(?:[是为]|达到?)?(?:多少|几)")
_PERSON = re.compile(r"谁|哪位|什么人")
# 'which one' asked of a kind of thing (哪个国家, 哪家企业, 哪一类): with 最高/最多 (LEADER), the name of
# the one that leads is asked, however its figure is measured (占比最高, 增速最快)
_WHICH_LEADS = re.compile(r"哪(?:一|个|家|种|类|所|座|项|部|国)")
_ENUMERATED = re.compile(r"第([一二三四五六七八九十]|\d{1,2})(?:个)?(?:方面|项|点|条|件|起)")
# '…,其中X有多少': the question asks for a part (X) of what it counted before
_PART = re.compile(r"[,，]其中")
# a party to a case asked: the defendant (named second in '甲与乙…纠纷案') or the plaintiff (first)
PARTY_WORDS = {"first": ("原告", "起诉方", "上诉人", "申请人", "起诉人"), "second": ("被告", "被诉方", "被上诉人", "被申请人")}
_PARTY = re.compile(rf"(被起诉|{'|'.join(PARTY_WORDS['second'])})|({'|'.join(PARTY_WORDS['first'])})")
_ROLE = re.compile(r"什么职务|什么职位|何职|担任什么|任什么职|什么身份|在哪里?任职|在哪个单位")
_DOCUMENT_NUMBER_WORDS = "文号|发文字号|文件号"  # a document's own number
DOCUMENT_NUMBER_ASKED = re.compile(_DOCUMENT_NUMBER_WORDS)
CASE_NUMBER_ASKED = re.compile(r"案号|判决|裁定")  # a case's number (判决书文号 too)
_DOCNUM = re.compile(rf"(?:{_DOCUMENT_NUMBER_WORDS}|案号|判决书号|裁定书号|编号)(?:是|为)?(?:什么|多少|哪个|几)")
_OUTCOME = re.compile(r"结果(?:如何|怎样|怎么样|是什么)|结局|最终结果|最后结果|胜诉了吗|赢了吗")
_NAME_ASK = re.compile(r"叫什么(?:名字)?|名字是什么|名称是什么")
_HOW_MUCH = re.compile(r"多少|几|多[高大长快远]")
_TITLE_HEADS = words("title_heads")
_NAMED_HEADS = words("named_heads")
_QUANTITY_UNIT = re.compile(rf"(?:多少|几)(万|亿)?({alternation(units('quantity'))})")
_ENTITY_HEADS = words("entity_heads")
_WH_TOKEN = re.compile(r"几|哪|谁|多少|多[高大长快远]|什么|^那")
# how long something takes: any unit of time answers (7个月, 15个工作日)
_HOW_LONG = re.compile(r"多久|多长时间|多少时间|多长的时间|(?:周期|时间|时长|期限|用时|时限)[^,，。?？]{0,6}多[长少]")
DURATION = "时长"  # the unit a question of how long asks in
_MONEY = re.compile(r"多少钱|[的些笔]钱|金额|规模|资金|费用|损失|融资额|投资额|罚没|收入|收益")


@dataclass
class Question:
    text: str
    norm: str
    kind: Kind
    unit: str | None = None  # unit asked for: 件, 家, 项, 元 (money) …
    places: list[str] = field(default_factory=list)  # the places an answer must be about (narrowest named)
    named_places: list[str] = field(default_factory=list)  # every place the question names
    level_places: list[str] = field(default_factory=list)  # wider places that say which level: 在广东省考核中
    years: list[int] = field(default_factory=list)
    ordinals: set[tuple[int, str]] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)  # 上半年, 1-10月 …
    enumerated: str | None = None  # 第二方面 / 第四件 -> '二' / '四', the numeral of that item in a run ('一是…;二是…', '一、…')
    party: str | None = None  # 'first' (原告) or 'second' (被告) of the parties a case is named by
    part: list[str] = field(default_factory=list)  # '…,其中依申请扣留的有多少批': the terms naming the part asked
    terms: list[str] = field(default_factory=list)  # content terms to find near the answer
    excluded: list[str] = field(default_factory=list)  # terms of what the question rules out: (不是金奖)
    titles: list[str] = field(default_factory=list)  # person titles named in the question
    role_verbs: list[str] = field(default_factory=list)
    head: str | None = None  # the noun asked for: 机制, 条例 …
    cloze_left: str = ""  # question text right before the wh-word
    cloze_right: str = ""  # question text right after it
    list_size: int | None = None  # 哪五个方面 -> 5
    focus: str | None = None  # the term the asking phrase is about: 几项[银奖], [专利授权量]是多少
    leader: bool = False  # which one is first or has the most (排名第一的是哪家, 最多的是哪个, 谁居首)
    ranked: int | None = None  # the place in a ranking the question is about: 第二名 / 排名第3 -> 2 / 3


# a place in a ranking named by the question (第二名呢?, 排名第三的, 第1名申请了多少件), not asked for (排第几)
_RANKED = re.compile(r"(?:排名|排在|排|位列|名列)第([一二三四五六七八九十\d]{1,3})(?:名|位)?|第([一二三四五六七八九十\d]{1,3})(?:名|位|(?=的))")


def _ranked(norm: str) -> int | None:
    m = _RANKED.search(norm)
    return cn_to_int(m.group(1) or m.group(2)) if m else None


_AMOUNT_HEADS = tuple(words("amount_heads"))
# a question for the one that leads: first in a ranking, or the most of something
LEADER = re.compile(r"排名?第[一1](?![\d十])|第[一1]名|第[一1]位|最多|最高(?![人法检院])|最大|最快|居首|榜首|首位|之首|居冠|冠军|领先")


def asks_amount(q: Question) -> bool:
    """A figure asked of a metric that counts or sums ('专利授权量是多少'): no percentage answers it."""
    return q.kind is Kind.quantity and bool(q.focus) and q.focus.endswith(_AMOUNT_HEADS)


def _list_size(norm: str) -> int | None:
    match = re.search(r"哪([两二三四五六七八九十\d]+)[个项种类条家位区]", norm)
    return cn_to_int(match.group(1)) if match else None


_FRAME_NOUN = re.compile(r"(?:占[^的,，]{0,4})?的?(?:比例|比重|占比|百分比|百分之|排名|名次)[又还]?$")
_RANK_FRAME = re.compile(r"(?:在[^在]{0,8}?|全省|全国|全市)?(?:排名|排在|排|位居|位列|居)第?$")
_MEASURED = re.compile(rf"[是有为]?(?:多少|几)[万亿]?(?:{alternation(units('measured'))})")


def _focus(norm: str, wh: re.Match[str] | None, places: list[str], kind: Kind) -> str | None:
    """The content word the question asks about: after a measured asking phrase ('几项银奖'),
    else the last one before the asking phrase ('专利授权量是多少')."""
    if wh is None:
        return None
    measured = _MEASURED.match(norm, wh.start()) if kind is Kind.quantity else None
    before = norm[: wh.start()]
    if kind is Kind.ranking:  # '专利申请量在安徽全省排第几位': the metric stands before the ranking frame
        before = _RANK_FRAME.sub("", before)
    if kind in (Kind.ranking, Kind.ratio):  # '银奖占全国的比例', '有效注册商标量的排名又如何'
        before = _FRAME_NOUN.sub("", before) or before
    left = content_terms(before, places)
    right = content_terms(norm[measured.end() if measured else wh.end() :], places)
    longest = lambda terms: max(terms, key=len) if terms else None  # noqa: E731
    if measured and right:
        first = [t for t in right if norm.find(t, measured.end()) == measured.end()] or right[:1]
        return longest([t for t in right if t.startswith(first[0][:1])][:3]) or first[0]
    if kind is Kind.date or (kind is Kind.quantity and not measured):
        # '哪一年修订的': the event dated; '多少融资成本': what is measured — right after the asking
        adjacent = [t for t in right if norm.startswith(t, wh.end())]
        if adjacent:
            return longest(adjacent)
    if left:
        ending = [t for t in left if before.rstrip("的是为有").endswith(t)]
        return longest(ending) or left[-1]
    return longest(right[:3])


# separable verbs split by 的 in speech: 谁致的辞 -> 谁致辞, 讲的话 -> 讲话
_SEPARABLE = re.compile(r"(致|讲|发|作|开|签|剪|揭)的(辞|话|言|报告|会|约|彩|牌)")


def _strip_q(norm: str) -> str:
    norm = _SEPARABLE.sub(r"\1\2", norm)
    return norm.strip().rstrip("?？!！。. ").strip()


def _thing_head(before: str) -> tuple[Kind, str] | None:
    """The noun a naming question ('…标准叫什么名字') is about, when it names a thing, not a person."""
    tail = before[-8:]
    for kind, heads in ((Kind.title, _TITLE_HEADS), (Kind.named, _NAMED_HEADS), (Kind.entity, _ENTITY_HEADS)):
        head = next((h for h in heads if h in tail), None)
        if head:
            return kind, head
    return None


def _kind(norm: str) -> tuple[Kind, str | None, str | None]:
    """Kind, unit and head noun of a normalized question."""
    name_ask = _NAME_ASK.search(norm)
    thing = _thing_head(norm[: name_ask.start()]) if name_ask else None
    if _PERSON.search(norm) or (
        name_ask and not thing and ("名字" in name_ask.group(0) or any(t in norm for t in PERSON_TITLES))
    ):
        return Kind.person, None, None
    if _ROLE.search(norm):
        return Kind.role, None, None
    if _OUTCOME.search(norm):
        return Kind.outcome, None, None
    if _DOCNUM.search(norm):
        return Kind.docnum, None, None
    if _STREAK.search(norm):
        return Kind.streak, None, None
    if _DATE.search(norm):
        return Kind.date, None, None
    if _WHICH_LEADS.search(norm) and LEADER.search(norm):
        return _named_kind(norm, thing)  # 哪个国家占比最高: the one that leads is asked, not its figure
    if _RANKING.search(norm):
        return Kind.ranking, None, None
    if _RATIO.search(norm):
        return Kind.ratio, None, None
    if _LIST.search(norm):
        return Kind.listing, None, None
    unit = _QUANTITY_UNIT.search(norm)
    if unit and unit.group(2).endswith("百分点"):
        return Kind.ratio, None, None  # 提高了几个百分点: a change of a share
    if _HOW_LONG.search(norm) and not unit:
        return Kind.quantity, DURATION, None
    if unit:
        return Kind.quantity, unit.group(2), None
    if _HOW_MUCH.search(norm):
        return Kind.quantity, ("元" if _MONEY.search(norm) else None), None
    return _named_kind(norm, thing)


def _named_kind(norm: str, thing: tuple[Kind, str] | None) -> tuple[Kind, str | None, str | None]:
    """Kind and head noun of a question that asks for something named (a title, a name, a thing)."""
    if thing:
        return thing[0], None, thing[1]
    if re.search(r"哪里|什么地方|哪个地方|在哪", norm):
        return Kind.entity, None, "地点"
    match = re.search(r"(?:什么|哪个|哪种|哪类|哪部|哪份|哪项|哪家|哪一)([\u4e00-\u9fff“”《》()]{0,14})", norm)
    tail = match.group(1) if match else ""
    for head in _TITLE_HEADS:
        if head in tail or (not tail and head in norm):
            return Kind.title, None, head
    for head in _NAMED_HEADS:
        if tail.startswith(head) or tail.endswith(head) or head in tail:
            return Kind.named, None, head
    if tail.startswith("案"):  # 什么案: a case (案例 is a head of its own, above)
        return Kind.named, None, "案件"
    return Kind.entity, None, next((h for h in _ENTITY_HEADS if h in tail), None)


_GENERIC = frozenset(words("generic_terms"))


# words that point back to something named before (该署, 此次): what they name is not in them
_REFERRING = re.compile(r"^[该此][\u4e00-\u9fff]{1,3}$")


def _part_terms(norm: str, places: list[str]) -> list[str]:
    """The words that name the part a '…,其中X有多少' question asks for, and not the whole before it."""
    part = _PART.search(norm)
    if part is None:
        return []
    whole = content_terms(norm[: part.start()], places)
    return [t for t in content_terms(norm[part.end() :], places) if not any(t in w or w in t for w in whole)]


def content_terms(norm: str, places: list[str]) -> list[str]:
    """Informative tokens of the question: no wh-words, places, years, editions or bare numbers
    (places, years and editions are constraints, checked as such)."""
    editions = "".join(m.group(0) for m in ORDINAL.finditer(norm))
    out = []
    for token in tokenize_normalized(norm):
        if token in _GENERIC or token in places or _WH_TOKEN.search(token) or _REFERRING.match(token):
            continue
        if len(token) < 2 and not token.isascii():
            continue
        if editions and token in editions:
            continue
        if re.fullmatch(r"[\d.]+(年|年度|届)?", token):
            continue
        out.append(token)
    return list(dict.fromkeys(out))


def _level_places(norm: str, named: list[str], places: list[str]) -> list[str]:
    """Wider places named on their own beside the place asked about ('深圳在广东省考核中'), not as
    part of an address or a name ('河套深圳园区', '安徽亳州'), nor as the whole the place is part of
    ('宁夏的授权专利里,银川…')."""
    out = []
    for wide in named:
        if wide in places:
            continue
        at = [m.start() for m in re.finditer(re.escape(wide), norm)]
        touching = any(
            norm.startswith(p, a + len(wide)) or norm[:a].endswith(p) for a in at for p in named if p != wide
        )
        # ('宁夏的授权专利里,银川…': the whole whose figures hold the part's, no level of an assessment)
        whole = all(norm.startswith(("的", "省的"), a + len(wide)) for a in at)
        if not touching and not whole:
            out.append(wide)
    return out


def _without_unit_asked(norm: str) -> str:
    """The question without the measure word of its asking phrase: 多少亿元 asks for a unit, it does
    not say that the answer's sentence is about 亿元 (每亿元GDP…)."""
    asked = _QUANTITY_UNIT.search(norm)
    return norm[: asked.start()] + "多少" + norm[asked.end() :] if asked else norm


# what a question rules out: '(不是金奖)', '而不是上半年', '并非…'
_NEGATED = re.compile(
    r"[(（]\s*(?:不是|而不是|而非|并非|非)([^()（）]{1,24})[)）]|[,，]?(?:而不是|而非|并非)([^,，?？()（）]{1,16})"
    r"|除了?([^,，?？]{2,16}?)(?:以外|之外)?[,，]"
)


def _split_negation(norm: str) -> tuple[str, list[str]]:
    """The question without what it rules out, and the phrases it rules out."""
    excluded: list[str] = []

    def drop(match: re.Match[str]) -> str:
        excluded.append(match.group(1) or match.group(2) or match.group(3))
        return ""

    return _NEGATED.sub(drop, norm), excluded


def analyze(question: str) -> Question:
    norm, negated = _split_negation(_strip_q(normalize(question)))
    kind, unit, head = _kind(norm)
    named_places = find_places(norm)
    places = narrowest(named_places)
    wh = _WH.search(norm)
    left = norm[: wh.start()] if wh else norm
    right = norm[wh.end() :] if wh else ""
    terms = content_terms(_without_unit_asked(norm), named_places)
    return Question(
        text=question,
        norm=norm,
        kind=kind,
        unit=unit,
        places=places,
        named_places=named_places,
        level_places=_level_places(norm, named_places, places),
        years=sorted(set(years(norm))),
        ordinals=ordinals(norm),
        periods=periods(norm),
        enumerated=item.group(1) if (item := _ENUMERATED.search(norm)) else None,
        party=("second" if party.group(1) else "first") if (party := _PARTY.search(norm)) else None,
        part=_part_terms(norm, named_places),
        terms=terms,
        excluded=[t for phrase in negated for t in content_terms(phrase, named_places + find_places(phrase)) if t not in terms],
        titles=[
            t
            for t in PERSON_TITLES
            if re.search(re.escape(t) + "(?!会)", norm) and not any(t in o and t != o for o in PERSON_TITLES if o in norm)
        ] or ([*_HEAD_TITLES] if any(w in norm for w in _HEAD_WORDS) else []),  # 一把手: whichever title heads it
        list_size=_list_size(norm),
        focus=_focus(norm, wh, named_places, kind),
        role_verbs=[v for v in ROLE_VERBS if v in norm],
        head=head,
        cloze_left=left,
        cloze_right=right,
        leader=kind in (Kind.entity, Kind.person, Kind.named) and bool(LEADER.search(norm)),
        ranked=_ranked(norm),
    )
