"""Resolving elliptical follow-up questions against the conversation history.

A follow-up keeps what the conversation already fixed — place, year, edition, topic — and
changes what it names: "那商标注册量呢?" after "2023年深圳专利授权量是多少?" becomes
"2023年深圳商标注册量是多少?"; "那北京呢?" swaps the place; "谁主持的?" asks about the same
meeting. Questions that stand on their own are returned unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from ..languages import has_chinese
from ..normalize import normalize
from ..tokenize import get_jieba
from ..types import Turn
from .followup_english import resolve_english, year_only
from .numbers import ORDINAL, YEAR
from .places import find_places
from .question import Kind, analyze, content_terms
from .words import alternation, units, words

MAX_TURNS = 8
_CONNECTOR = re.compile(r"^(那么|那|还有|另外|此外|其中|而|又|再问一下|请问)")
_POINTER = re.compile(r"他|她|它|其|该|这个|这次|这些|这项|这里|那篇|这篇|上述|此")
_MEASURE = f"(?:{alternation(units('measure'))})?"
_WH = re.compile(
    rf"(是多少{_MEASURE}|有多少{_MEASURE}|为多少{_MEASURE}|多少{_MEASURE}|是几{_MEASURE}|几{_MEASURE}|是谁|是哪[个位天年些]?"
    r"|哪些|哪一?[个位家项种天年]|谁|什么时候|什么|如何)"
)
_PERIOD = re.compile(r"(上半年|下半年|全年|前三季度|第[一二三四]季度|\d{1,2}(?:-\d{1,2})?月)")
# a five-year plan's years ('“十三五”末期'): a time like a year
_PLAN = re.compile(r"“?十[一二三四五六七八九]五”?(?:末期|期间|时期|初期|末|初|期末)?")
_NEUTRAL_WH = "是多少"
_AMOUNT_HEADS = words("amount_heads") + ("值",)  # a phrase that names a figure (产值, 注册量, 金额)
_DATE_WH = re.compile(r"是?(?:哪一?[天年]|什么时候)")
# how a follow-up that names only a new subject asks, by what the question it follows asked
_ASKING_BY_KIND = {Kind.streak: "连续几年", Kind.ranking: "排第几", Kind.ratio: "的比例是多少", Kind.person: "是谁",
                   Kind.date: "是什么时候", Kind.listing: "有哪些"}
_FILLER = re.compile(r"(?:方面|这块|这一块|这一项|的情况|情况)$")
# pointers to the edition or year the conversation is about
_SAME_EDITION = re.compile(r"这一?届|本届|该届|同届|那一?届")
_SAME_YEAR = re.compile(r"这一年|当年|同年|那一年|该年")


def _clean(text: str) -> str:
    return text.strip().rstrip("?？!！。.").strip()


def _context_by_kind(norm: str) -> dict[str, list[str]]:
    """Years, editions, places and periods a question is pinned to, by kind."""
    return {
        "year": [m.group(0) for m in YEAR.finditer(norm)] + [m.group(0) for m in _PLAN.finditer(norm)],
        "edition": [m.group(0) for m in ORDINAL.finditer(norm)],
        "place": find_places(norm), "period": [m.group(0) for m in _PERIOD.finditer(norm)],
    }


def _context_items(norm: str) -> list[str]:
    """Places, years, editions and periods a question is pinned to."""
    return [item for items in _context_by_kind(norm).values() for item in items]


_PLACE_SUFFIX = re.compile(r"[省市区县旗盟]")


def _strip_context(text: str, like: str | None = None) -> str:
    """`text` without its places, years, editions and periods — with `like`, only those of the kinds
    `like` names (a new year replaces the year, not the place: '那2022年呢?' after
    '2023年杭州西湖区…' keeps 杭州西湖区). A place goes with its suffix (西湖区, not 西湖 alone)."""
    norm = normalize(text)
    kinds = _context_by_kind(norm)
    if like is not None:
        wanted = {kind for kind, items in _context_by_kind(normalize(like)).items() if items}
        kinds = {kind: items for kind, items in kinds.items() if kind in wanted}
    keep = list(text)
    for kind, items in kinds.items():
        for item in sorted(items, key=len, reverse=True):
            for match in re.finditer(re.escape(item), norm):
                end = match.end()
                if kind == "place" and _PLACE_SUFFIX.match(norm, end) and not find_places(norm[end : end + 2]):
                    end += 1
                for i in range(match.start(), end):
                    keep[i] = ""
    return "".join(keep).lstrip("的,， ")


_RANK_FRAME = re.compile(r"(?:[在于](?:全国|全省|全市|全区|全球|国内|省内|市内|同类城市)?)?(?:排名|排行|排|位列|位居|居|列)(?:第|前)?$")
_PREPOSITIONS = ("在", "由", "于", "从", "通过", "是在", "是由")
_ADVERBIAL = re.compile(r"(?:是|都)?(?:在|由|于|从|通过)$")  # (a preposition as a word of its own: not 现在)


def _topic(prev: str) -> str:
    """What the previous question was about, without what it asked: when it ended by asking
    ('2023年深圳建设了多少家工作站' / '…发布会的主持人是谁'), the asking phrase and the word it asked
    about go, so the next question can ask its own thing about the same subject."""
    prev = _clean(prev)
    norm = normalize(prev)
    match = _WH.search(norm)
    if not match:
        return prev
    before, after = prev[: match.start()], prev[match.end() :]
    adverbial = _ADVERBIAL.search(before)
    if adverbial and before[: adverbial.start()].strip() and get_jieba().lcut(before)[-1] in _PREPOSITIONS:
        # '…分析报告是在什么场合发布的' / '…由哪家机构牵头': where or by whom it was done is asked; the
        # subject before it stays, the deed goes with the asking
        before, after = before[: adverbial.start()], ""
    before = re.sub(r"(?:是|为|有|的|约|約|大约|大約|近|共|总共|總共|一共|累计|累計)+$", "", before)  # '…署約有多少名職員'
    said = normalize(before)
    rank = _RANK_FRAME.search(said)  # '…有效注册商标在全国排第几': the rank asked goes, what was ranked stays
    if rank and len(said) == len(before):
        before = before[: rank.start()]
    if _DATE_WH.fullmatch(match.group(0)) and re.fullmatch(r"[\u4e00-\u9fff]{1,4}?[的了]?", _clean(after)):
        after = ""  # '…大会是哪天召开的': the event dated goes with the asking, the meeting stays
    if not _clean(after):
        # '…获奖多少项' / '…的主持人是谁': the verb or role asked about goes; a metric stays
        words = list(_pos().cut(before))
        if len(words) > 2:
            last = words[-1]
            asked_role = match.group(0).endswith("谁")
            if len(last.word) >= 2 and not _context_items(normalize(last.word)) and (asked_role or last.flag.startswith("v")):
                before = "".join(w.word for w in words[:-1])
    return _clean(before + after).rstrip("的了,，")


_REFERS_BACK = re.compile(r"这|该|它|他|她|其(?!中)|此|上述|那个|那次|那项")


def _sibling_metric(body: str) -> str | None:
    """What a follow-up counts when it names it itself ('其中优秀奖多少项?' -> 优秀奖), not when it
    points back ('这个指标连续多少年…')."""
    norm = normalize(body)
    if not re.search(r"多少|几", norm) or _REFERS_BACK.search(norm):
        return None
    return analyze(norm).focus


def _subject_only(topic: str, sibling: str) -> str:
    """The topic without the metric asked before when the follow-up asks for a sibling of it (one
    with the same head: 总获奖项目 / 优秀奖): '第二十四届中国专利奖深圳总获奖项目' -> '第二十四届中国专利奖深圳'."""
    norm = normalize(topic)
    ends = [m.end() for item in _context_items(norm) for m in re.finditer(re.escape(item), norm)]
    end = max(ends, default=0)
    rest = norm[end:]
    if end == 0 or re.search(r"[,，]", rest) or sibling[-1] not in rest or sibling in rest:
        return topic
    return topic[:end]


# a question that opens on what it compares with has no subject of its own ('比“十三五”末增长了多少?')
_COMPARED_FIRST = re.compile(
    r"^(?:同比|(?:比|较)(?!例|重|率|赛|较)[^,，]{1,12}?|(?:与|和|跟|同)[^,，]{1,12}?(?:相比|相较|比较|比)[,，]?)"
    r"(?:增长|增加|减少|下降|提高|上升|降低|多了|少了|多出|高出|多|少)"
)


def _is_followup(question: str, norm: str) -> bool:
    if _CONNECTOR.match(norm) or norm.endswith("呢") or _POINTER.search(norm) or _COMPARED_FIRST.match(norm):
        return True
    if _SAME_EDITION.search(norm) or _SAME_YEAR.search(norm):
        return True
    if len(content_terms(norm, find_places(norm))) <= 1:
        return True  # nothing but the asking and its frame: '2022年的报道里说的是连续多少年?'
    return not _context_items(norm) and len(norm) <= 15


_NOT_METRIC = frozenset(words("not_metric"))


def _is_metric_word(word: str) -> bool:
    return (
        len(word) >= 2
        and word not in _NOT_METRIC
        and re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", word) is not None
        and not find_places(word)
        and not _WH.search(word)
    )


def _substitute(prev: str, phrase: str) -> str | None:
    """Swap the metric of the previous question for `phrase`: the run of content words that ends
    in a word with the phrase's head character (商标注册申请量 -> 有效注册商标量, 金奖 -> 银奖)."""
    words = get_jieba().lcut(normalize(prev))
    head = normalize(phrase)[-1:]
    offsets, position = [], 0
    for word in words:
        offsets.append(position)
        position += len(word)
    last = max((i for i, w in enumerate(words) if w.endswith(head) and _is_metric_word(w)), default=None)
    if last is None:
        return None
    first = last
    while first > 0 and _is_metric_word(words[first - 1]):
        first -= 1
    start, end = offsets[first], offsets[last] + len(words[last])
    return prev[:start] + phrase + prev[end:]


def _sibling_in(text: str, phrase: str) -> bool:
    """Whether `text` says another kind of the phrase's thing: its head word with a modifier of its own
    before it (个人作品 for 职务作品), not a place (河北省作品 is no kind of 作品)."""
    norm_phrase = normalize(phrase)
    words = get_jieba().lcut(norm_phrase)
    if len(words) < 2 or len(words[-1]) < 2:
        return False
    head, modifier = words[-1], "".join(words[:-1])
    said = get_jieba().lcut(normalize(text))
    return any(
        w == head and i > 0 and said[i - 1] != modifier and _HAN.fullmatch(said[i - 1]) is not None
        and len(said[i - 1]) >= 2 and not find_places(said[i - 1]) and not _AREA_END.search(said[i - 1])
        for i, w in enumerate(said)
    )


_HAN = re.compile(r"[\u4e00-\u9fff]+")
_AREA_END = re.compile(r"[省市区县州镇乡村]$")  # a place's word, known or not (临川市)


@lru_cache(maxsize=1)
def _pos():  # noqa: ANN202 - jieba.posseg loads its model on import: only when a follow-up needs it
    from jieba import posseg

    return posseg.POSTokenizer(get_jieba())


# words that frame a question about a figure rather than name one
_FRAME_WORDS = re.compile(r"占|全国|全省|全市|比例|比重|占比|百分之|同比|增长|涨|排名|排|第几|名次|多少|几|总量|总数|总额")
_THIS_FIGURE = re.compile(r"这个数字|这一数字|这个数|该数字|这个数据|该数据")


@dataclass
class _Conversation:
    """What the conversation has fixed so far.

    `anchor` is the last complete question (asked in full, or completed from 'X呢'): the subject
    later questions lean on. `previous` is the last resolved question, whatever its form."""

    anchor: str | None = None
    previous: str | None = None
    last_answer: str | None = None
    context: str = ""  # every resolved question so far, for what a pointer refers to

    def resolve(self, question: str) -> tuple[str, bool]:
        """The resolved question, and whether it is complete (may anchor what follows)."""
        text = _clean(question)
        norm = normalize(text)
        if self.anchor is not None and text and not has_chinese(self.anchor):
            # an English conversation: its own follow-ups, else the question stands on its own
            english = resolve_english(question, self.anchor)
            return (english, True) if english else (question.strip(), True)
        year = year_only(text) if self.anchor is not None else None
        if year:  # 'What about 2022?' after a Chinese question: its '那2022年呢?'
            text = norm = f"那{year}年呢"
        if self.anchor is None or not text or not _is_followup(text, norm):
            return question.strip(), True
        if self.last_answer and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", self.last_answer):
            text = re.sub(r"^(他|她)", self.last_answer, text)
        body = _CONNECTOR.sub("", text).strip()
        anchor = _clean(self.anchor)
        if body.endswith("呢") and not _WH.search(normalize(body[:-1])):
            phrase = body[:-1].strip()
            if not phrase:
                return anchor + "?", True
            if not _strip_context(phrase).strip("的 "):
                # only a new place / year / edition / period: the same question there / then
                swapped = self._swap_in_previous(phrase, anchor)
                if swapped:
                    return swapped + "?", True
                return phrase + _strip_context(anchor, like=phrase) + "?", True
            phrase = _FILLER.sub("", phrase) or phrase
            previous = _clean(self.previous or anchor)
            # the last question's sibling of the phrase (个人作品 for 职务作品) before the anchor's word
            bases = (previous, anchor) if _sibling_in(previous, phrase) and not _sibling_in(anchor, phrase) else (anchor, previous)
            for base in bases:
                swapped = _substitute(base, phrase)
                if swapped:
                    return swapped + "?", True
            context = "".join(_context_items(normalize(anchor)))
            # asked the way the last question asked, unless it names a figure of its own ('…的综合产值呢?')
            own_figure = normalize(phrase).endswith(_AMOUNT_HEADS)
            asking = _NEUTRAL_WH if own_figure else _ASKING_BY_KIND.get(analyze(_clean(self.previous or anchor)).kind, _NEUTRAL_WH)
            return f"{context}{phrase}{asking}?", True
        # its own asking phrase: the same subject, asked something else
        # '这个数字…' or a question with nothing of its own ('占全国多少比例?') is about the last answer
        about_last = _THIS_FIGURE.search(norm) or not content_terms(_FRAME_WORDS.sub("", norm), find_places(norm))
        subject = self.previous if about_last and self.previous else anchor
        topic = _topic(subject)
        sibling = _sibling_metric(body)
        if sibling:
            topic = _subject_only(topic, sibling)
        own = _context_items(norm)
        if own:  # its own year (place …) replaces the topic's, and keeps the rest: '那“十三五”末期是多少?' stays in 泉州
            topic = _strip_context(topic, like=body)
        topic = self._pointed_context(norm, topic) + topic
        subset = "其中" if text.startswith("其中") and not body.startswith("其中") else ""  # a part of what was counted
        return f"{topic},{subset}{body}?", False

    def _swap_in_previous(self, phrase: str, anchor: str) -> str | None:
        """'天津呢?' after '其中浙江有哪两个?': where the last question named the place (or year …) and
        the question it leaned on did not, the new one takes its place in the last question."""
        previous = _clean(self.previous or "")
        if not previous or previous == anchor:
            return None
        new = {k: v for k, v in _context_by_kind(normalize(phrase)).items() if v}
        said_before = _context_by_kind(normalize(previous))
        said_in_anchor = _context_by_kind(normalize(anchor))
        if len(new) != 1:
            return None
        ((kind, items),) = new.items()
        if len(items) != 1 or len(said_before[kind]) != 1 or said_in_anchor[kind]:
            return None
        item, old = items[0], said_before[kind][0]
        at = normalize(previous).find(old)
        return previous[:at] + item + previous[at + len(old) :]

    def _pointed_context(self, norm: str, topic: str) -> str:
        """The edition or year a pointer (这一届, 当年) refers to, when the topic no longer says it."""
        topic_norm = normalize(topic)
        said = []
        if _SAME_EDITION.search(norm) and not ORDINAL.search(topic_norm):
            said += [m.group(0) for m in ORDINAL.finditer(normalize(self.context))][-1:]
        if _SAME_YEAR.search(norm) and not YEAR.search(topic_norm):
            said += [m.group(0) for m in YEAR.finditer(normalize(self.context))][-1:]
        return "".join(said)

    def add_user(self, question: str) -> str:
        resolved, complete = self.resolve(question)
        if complete:
            self.anchor = resolved
        self.previous = resolved
        self.context += resolved
        return resolved


def resolve_followup(question: str, history: Sequence[Turn]) -> str:
    """The question with what the conversation left implicit made explicit."""
    conversation = _Conversation()
    for turn in list(history)[-2 * MAX_TURNS :]:
        if turn.role == "user":
            conversation.add_user(turn.content)
        else:
            conversation.last_answer = turn.content.strip() or None
    return conversation.resolve(question)[0]
