"""The learned reader: the trained span model reads the best passages, and the best span that
honours the question's places and years is the answer — or it abstains.

Confidence is a calibrated probability: sigmoid(a · margin + b), where margin is the span's score
minus its window's no-answer score and (a, b) were fitted on held-out questions with answering and
non-answering passages (`qa calibrate-reader`, stored in the model's reader.json)."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..answering.joined import joined_with_another
from ..answering.kinds import KindNames, another_kind, kinds_asked, unsaid_kind
from ..answering.numbers import QUANTITY, STREAK, follows_another_year, is_share, marked_years, only_as_a_span_of_years
from ..answering.places import another_place, narrowest
from ..answering.question import NUMERIC_KINDS, Kind, Question, analyze, asks_amount
from ..answering.respectively import is_respective_figure
from ..answering.span_base import clause_start
from ..crosslingual import asks_count, asks_one
from ..e5onnx.tokenizer import Encoding
from ..index_store import LoadedIndex
from ..languages import mostly_chinese
from ..lru import LRU
from ..retrieval import Passage
from ..types import AskResult
from .base import abstention, citation_for, evidence_around, sentence_bounds
from .constraints import LEAD, Constraints, honoured, question_constraints, unnamed_places
from .decision import Support
from .english import FIGURE
from .english import stem as english_stem
from .span_model import SpanModel
from .windows import SpanScore, Window, best_spans, make_windows, question_ids

log = logging.getLogger(__name__)

_EDGE = " \t\r\n,，。.;；:：、!！?？\"'“”‘’"
_PAIRS = {"《": "》", "“": "”", "(": ")", "（": "）", "「": "」", "『": "』", "【": "】", "‘": "’"}


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop spaces and clause punctuation at the edges, and a bracket or quote left unclosed."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    span = text[start:end]
    for open_, close in _PAIRS.items():
        if span.count(open_) > span.count(close) and span.startswith(open_) and len(span) > 1:
            start += 1
            span = span[1:]
        if span.count(close) > span.count(open_) and span.endswith(close) and len(span) > 1:
            end -= 1
            span = span[:-1]
    return start, end


_SEVERAL = re.compile(r"[^、]{2,}、[^、]{2,}")  # items of a list: 'A、B'
# a share asked (占…的比例, 比重, 结案率): a count is no answer (a growth asked may be a count: 增加了多少件)
_SHARE_ASKED = re.compile(r"比例|比重|占比|份额|百分比|百分之几|[\u4e00-\u9fff]率")
_HOW_MANY = re.compile(r"(?:多少|几|多大|多高|多长|百分之几)(个月|[^\s?？,，。的是]?)")
_WHEN = re.compile(r"哪一?年|哪一?天|何时|什么时候|几月|几日|日期|时间")


def snap_quantity(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A span answering 多少/几 that holds more than its figure ('每亿元GDP专利产出量6.79件') is cut
    to the figure: the one in the unit asked (几倍 -> 8.3倍), else the last one."""
    asked = _HOW_MANY.search(question)
    if not asked or _WHEN.search(question):
        return start, end
    pattern = STREAK if "连续" in question else QUANTITY  # 连续几年 keeps its frame: 连续四年
    found = list(pattern.finditer(text, start, end))
    if not found or (found[0].start() == start and found[0].end() == end):
        return start, end
    unit = asked.group(1)
    same = [m for m in found if unit and pattern is QUANTITY and (m.group("unit") or "").endswith(unit)]
    m = (same or found)[-1]
    return m.start(), m.end()


_HOW_MANY_EN = re.compile(r"\bhow (?:many|much)\b((?:\s+[A-Za-z-]+)*?)\s+(?:were|was|did|do|does|are|is|have|has|had|will|can)\b", re.I)
_EN_WORD = re.compile(r"\s*([A-Za-z-]+)")


def snap_english_quantity(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A span answering 'how many' in English that runs on past its figure ('53,200 protection
    measures were taken, and …') is cut to its first figure, with the noun after it where the question
    counts it ('how many batches' -> '41,600 batches')."""
    asked = _HOW_MANY_EN.search(question)
    if not asked or len(text[start:end].split()) <= 3:
        return start, end
    figure = FIGURE.search(text, start, end)
    if figure is None:
        return start, end
    counted = asked.group(1).split()[-1:]  # the noun counted ends the phrase: 'how many protection measures'
    stop = figure.end()
    word = _EN_WORD.match(text, stop, end)
    if counted and word and english_stem(word.group(1)) == english_stem(counted[0]):
        stop = word.end()
    return figure.start(), stop


_DATE = re.compile(r"(?:(?<!\d)(?:19|20)\d{2}年)?(?:(?<!\d)\d{1,2}月)?(?:(?<!\d)\d{1,2}日)?")
_WHICH_YEAR = re.compile(r"哪一?年|哪个年度|什么年份")
_YEAR_PART = re.compile(r"(?:19|20)\d{2}年")


def snap_date(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A span answering a when-question is the date it names, whole: a date cut short
    ('2024年' of '2024年2月5日') is completed, words around it are dropped; 哪一年 keeps the year."""
    if not _WHEN.search(question):
        return start, end
    lo, hi = max(0, start - 12), min(len(text), end + 12)
    dates = [m for m in _DATE.finditer(text, lo, hi) if m.end() > m.start() and m.start() < end and m.end() > start]
    if not dates:
        return start, end
    m = dates[0]
    if _WHICH_YEAR.search(question):
        year = _YEAR_PART.search(text, m.start(), m.end())
        return (year.start(), year.end()) if year else (start, end)
    return m.start(), m.end()


_ORDINAL_ASKED = re.compile(r"第几|第多少|排第|排名|名次|位次")
_ORDINAL_FIGURE = re.compile(r"[\d一二三四五六七八九十百]")
_WHO = re.compile(r"谁|哪位|何人|姓名|叫什么")
_ADDRESS = re.compile(r"(?:先生|女士|同志)$")  # how a person is addressed, no part of the name


def snap_ordinal(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A rank asked (第几位, 排名) and a span that opens on its figure just after 第 ('7位' of
    '第7位'): the span takes the 第."""
    if _ORDINAL_ASKED.search(question) and start > 0 and text[start - 1] == "第" and _ORDINAL_FIGURE.match(text[start : start + 1]):
        return start - 1, end
    return start, end


def snap_person(question: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A person asked (谁) and a span that ends on how the person is addressed ('葛树先生'): the name."""
    if _WHO.search(question):
        m = _ADDRESS.search(text, start, end)
        if m and m.start() - start >= 2:
            return start, m.start()
    return start, end


def span_margins(win: Window, logits: np.ndarray, start: int, end: int, max_tokens: int) -> tuple[float, float] | None:
    """Scores over the window's no-answer score of the text span [start, end) of its passage: of the
    span itself, and of the best span that agrees with it — inside it, or around it (at most
    `max_tokens` long). None where the span is not whole in the window."""
    offsets = win.offsets
    if not offsets or offsets[0][0] > start or offsets[-1][1] < end:
        return None
    first = next(i for i, (_, b) in enumerate(offsets) if b > start)
    last = next(i for i in range(len(offsets) - 1, -1, -1) if offsets[i][0] < end)
    if last < first:
        return None
    s_log = logits[win.first : win.first + len(offsets), 0]
    e_log = logits[win.first : win.first + len(offsets), 1]
    null = float(logits[0, 0] + logits[0, 1])
    best_end = np.maximum.accumulate(e_log[first : last + 1][::-1])[::-1]  # the best end at or after each token
    inside = float(np.max(s_log[first : last + 1] + best_end))
    around = max(
        (float(s_log[s]) + float(np.max(e_log[last : s + max_tokens])) for s in range(max(0, last - max_tokens + 1), first + 1)),
        default=-np.inf,
    )
    return float(s_log[first] + e_log[last]) - null, max(inside, around) - null


@dataclass(frozen=True)
class Found:
    """A span the model proposed, placed in its document."""

    doc_id: str
    start: int
    end: int
    score: SpanScore
    probability: float
    passage: Passage


def _another_subjects_figure(f: Found, q: Question, index: LoadedIndex) -> bool:
    """True when the span's sentence lists subjects and their figures (分别为) and the question names
    one subject whose figure is not this span, as the rule reader reads such lists."""
    s_start, s_end = sentence_bounds(index.documents[f.doc_id].text, f.start, f.end)
    sentence = index.doc_norms[f.doc_id][s_start:s_end]
    return is_respective_figure(sentence, f.start - s_start, f.end - s_start, q.norm, q.places) is False


_CLAUSE_END = re.compile(r"[,，;；。]")


def _another_kinds_figure(f: Found, asked: tuple[tuple[KindNames, KindNames], ...], index: LoadedIndex) -> str | None:
    """The other kind of figure the span's clause, or its sentence up to it, names where neither names
    the kind asked (`kinds_asked`: '2024年审结各类知识产权案件15627件' for 新收); None if it may be it."""
    s_start, s_end = sentence_bounds(index.documents[f.doc_id].text, f.start, f.end)
    norm = index.doc_norms[f.doc_id]
    before = norm[s_start : f.end]
    after = _CLAUSE_END.search(norm, f.end, s_end)
    return another_kind(asked, before, norm[f.end : after.start() if after else s_end])


def _is_count(span: str) -> bool:
    """A figure of a count or an amount, not a share ('55853件', '3.2亿元'; not '24.74%')."""
    m = QUANTITY.fullmatch(span.strip())
    return m is not None and not m.group("frac") and not is_share(span)


def joined_figure(q: Question, doc_id: str, start: int, end: int, index: LoadedIndex) -> bool:
    """True when the clause of a span of a document, up to the span, names a thing asked joined with
    another the question does not name (`joined.joined_with_another`: '高校和科研机构…共达到102.3万件' for
    高校): the figure of both together."""
    s_start, _ = sentence_bounds(index.documents[doc_id].text, start, end)
    norm = index.doc_norms[doc_id]
    return joined_with_another(q, norm[max(s_start, clause_start(norm, start)) : end])


class LearnedReader:
    name = "learned"

    def __init__(
        self, model: SpanModel, passages: int = 5, min_confidence: float = 0.35, context: int = 80, rank_by: str = "margin",
        first: int = 0, stop: float = 0.9, overlap: int | None = None,
    ) -> None:
        self.model = model
        self.passages = passages
        self.first = first  # read this many passages first, the rest only without a sure answer (0: all at once)
        self.stop = stop  # how sure an answer among the first passages must be to stop there
        self.overlap = overlap  # tokens two windows of a long passage share (None: the stride it was trained with)
        self.min_confidence = min_confidence
        self.context = context  # characters of context read either side of a passage
        self.rank_by = rank_by  # order spans by raw score, or by margin over their window's no-answer score
        self._cache: LRU[Encoding] = LRU(4096)  # passages come back question after question

    def warm_up(self) -> None:
        self.model.warm_up()

    def _encode(self, text: str) -> Encoding:
        enc = self._cache.get(text)
        if enc is None:
            enc = self.model.tokenizer.encode(text)
            self._cache.put(text, enc)
        return enc

    def probability(self, margin: float) -> float:
        a, b = self.model.info.calibration
        z = max(-30.0, min(30.0, a * margin + b))
        return 1.0 / (1.0 + math.exp(-z))

    def ranges(self, passages: list[Passage], index: LoadedIndex) -> list[tuple[Passage, int, int]]:
        """What to read for the first passages: each passage widened to whole sentences with some
        context either side (the model was trained on whole paragraphs, not chunks cut
        mid-sentence), ranges of one document that overlap merged."""
        out: list[tuple[Passage, int, int]] = []
        for p in passages[: self.passages]:
            doc = index.documents.get(p.doc_id)
            if doc is None:
                continue
            start, _ = sentence_bounds(doc.text, max(0, p.start - self.context), max(0, p.start - self.context))
            _, end = sentence_bounds(doc.text, max(start, min(len(doc.text), p.end + self.context) - 1), min(len(doc.text), p.end + self.context))
            start, end = max(0, min(start, p.start)), min(len(doc.text), max(end, p.end))
            merged = False
            for i, (q, a, b) in enumerate(out):
                if q.doc_id == p.doc_id and start <= b and a <= end:
                    out[i] = (q, min(a, start), max(b, end))
                    merged = True
                    break
            if not merged:
                out.append((p, start, end))
        return out

    def propose(
        self, question: str, passages: list[Passage], index: LoadedIndex, enough: Callable[[list[Found]], bool] | None = None
    ) -> list[Found]:
        """Every span the model finds in the first passages, best first, placed in its document.
        With `enough` and `first`, the first passages are read alone, and the rest only when
        `enough` does not hold for what they gave (most questions are answered by the top passage)."""
        q_ids = question_ids(self.model.tokenizer, question)
        if not q_ids:
            return []
        read = self.ranges(passages, index)
        stages = [range(len(read))]
        if enough is not None and 0 < self.first < len(read):
            stages = [range(self.first), range(self.first, len(read))]
        found: list[Found] = []
        for stage in stages:
            found.extend(self._spans(question, q_ids, read, stage, index))
            if self.rank_by == "margin":
                found.sort(key=lambda f: -f.probability)
            if enough is not None and enough(found):
                break
        return found

    def _stride(self, q_ids: list[int]) -> int:
        """How far each window of a long passage starts after the last: the trained stride, or
        the window's passage room less `overlap` (an answer is short: a small overlap keeps it whole
        in one window, and the model reads each token about once instead of twice)."""
        info = self.model.info
        if self.overlap is None:
            return info.stride
        return max(16, info.max_len - len(q_ids) - 4 - self.overlap)

    def _spans(
        self, question: str, q_ids: list[int], read: list[tuple[Passage, int, int]], which: range, index: LoadedIndex
    ) -> list[Found]:
        info = self.model.info
        windows: list[Window] = []
        for i in which:
            p, start, end = read[i]
            text = index.documents[p.doc_id].text[start:end]
            windows.extend(make_windows(self.model.tokenizer, q_ids, self._encode(text), i, info.max_len, self._stride(q_ids)))
        if not windows:
            return []
        found: list[Found] = []
        for sp in best_spans(self.model.logits(windows), windows, info.max_answer_tokens, per_window=4):
            p, base, _ = read[windows[sp.window].passage]
            doc = index.documents[p.doc_id]
            start, end = trim(doc.text, base + sp.start, base + sp.end)
            start, end = snap_quantity(question, doc.text, start, end)
            start, end = snap_english_quantity(question, doc.text, start, end)
            start, end = snap_date(question, doc.text, start, end)
            start, end = snap_ordinal(question, doc.text, start, end)
            start, end = snap_person(question, doc.text, start, end)
            if end <= start:
                continue
            found.append(Found(p.doc_id, start, end, sp, self.probability(sp.score - sp.null), p))
        return found

    def support(
        self, question: str, doc_id: str, start: int, end: int, passages: list[Passage], index: LoadedIndex
    ) -> Support | None:
        """How likely the model finds the span [start, end) of a document to answer the question:
        the calibrated probability of that span, and of the best span that agrees with it ('130' for
        '130家'), read in the passage that holds it as `read` reads passages (a passage read there
        already costs nothing twice). None where the span is not whole in any window."""
        doc = index.documents.get(doc_id)
        q_ids = question_ids(self.model.tokenizer, question)
        if doc is None or not q_ids or not 0 <= start < end <= len(doc.text):
            return None
        holding = [p for p in passages[: self.passages] if p.doc_id == doc_id and p.start <= start and end <= p.end]
        holding = holding or [Passage(rank=0, chunk_id="", doc_id=doc_id, title=doc.title, text=doc.text[start:end], score=0.0,
                                       bm25_rank=None, dense_rank=None, start=start, end=end, row=-1)]
        read = [r for r in self.ranges(holding[:1], index) if r[1] <= start and end <= r[2]][:1]
        if not read:
            return None
        _, base, stop = read[0]
        windows = make_windows(self.model.tokenizer, q_ids, self._encode(doc.text[base:stop]), 0, self.model.info.max_len, self._stride(q_ids))
        found = [m for win, lg in zip(windows, self.model.logits(windows))
                 if (m := span_margins(win, lg, start - base, end - base, self.model.info.max_answer_tokens)) is not None]
        if not found:
            return None
        return Support(self.probability(max(m[0] for m in found)), self.probability(max(m[1] for m in found)))

    def paragraph_spans(self, question: str, paragraph: str) -> list[tuple[int, int, float]]:
        """(start, end, margin) of the model's best spans in one paragraph, best first (reading
        comprehension with the paragraph given; no constraints, no abstention)."""
        info = self.model.info
        tok = self.model.tokenizer
        windows = make_windows(tok, question_ids(tok, question), self._encode(paragraph), 0, info.max_len, info.stride)
        out = []
        for sp in best_spans(self.model.logits(windows), windows, info.max_answer_tokens):
            start, end = trim(paragraph, sp.start, sp.end)
            if end > start:
                out.append((start, end, sp.score - sp.null))
        return out

    def read_paragraph(self, question: str, paragraph: str) -> str | None:
        spans = self.paragraph_spans(question, paragraph)
        return paragraph[spans[0][0] : spans[0][1]] if spans else None

    def check(self, found: Found, c: Constraints, index: LoadedIndex) -> str | None:
        """None when the span's evidence honours the question's places and years."""
        if not c:
            return None
        paragraph, title = evidence_around(index, found.doc_id, found.start)
        why = honoured(c, paragraph, title, index.documents[found.doc_id].published, index.doc_norms[found.doc_id][:LEAD])
        if why is not None or not (c.places or c.years):
            return why
        start, end = sentence_bounds(index.documents[found.doc_id].text, found.start, found.end)
        sentence = index.doc_norms[found.doc_id][start:end]
        # a report on several places (its title names them all): the answer's sentence, up to the
        # answer, must not be about another one ('永川区2022年新增授权2027件' for 荣昌)
        # (nor about a place that holds the one asked: '宁夏全区…12885件' for 固原, which 宁夏 holds)
        asked = narrowest(list(c.places))
        if asked and not any(p in sentence for p in asked) and another_place(sentence[: found.end - start], asked, list(c.places), c.levels):
            return "place"
        # nor, where it names its own years, about other years than those asked ('到2025年…3.2件' for
        # 2035, though its paragraph goes on to 2035): as the rule reader scopes a sentence
        own = marked_years(sentence)  # (1968家 is a count, not a year)
        if c.years and own and not set(own) & set(c.years):
            return "year"
        if c.years and follows_another_year(sentence, found.start - start, c.years):
            return "year"  # a sentence of two years: the answer follows the other one
        if c.one_year and only_as_a_span_of_years(sentence, c.years):
            return "year"  # 2024年 asked: '2014年11月至2024年10月…195506件' is ten years' figure
        return None

    def read(
        self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex, first_only: bool = False
    ) -> AskResult:
        """The answer, or an abstention. `first_only` (with `first` set) reads the first passages
        and no further: for a second opinion where another reader has already answered."""
        if not passages:
            return abstention(question, resolved, passages, "语料中没有找到与这个问题相关的内容。", self.name)
        c = question_constraints(resolved)
        missing = unnamed_places(resolved, index.doc_norms, [p.doc_id for p in passages])
        if missing:
            return abstention(question, resolved, passages, f"语料中没有关于{'、'.join(missing)}的内容。", self.name)
        found = self.propose(
            resolved, passages, index,
            lambda fs: first_only or any(f.probability >= self.stop and self.check(f, c, index) is None for f in fs),
        )
        if not found:
            return abstention(question, resolved, passages, "找到的段落里没有这个问题的答案。", self.name)
        q = analyze(resolved)
        chinese = mostly_chinese(resolved)
        amount = bool(_HOW_MANY.search(resolved)) and asks_amount(q) if chinese else asks_count(resolved)
        one = q.kind in (Kind.quantity, Kind.person) if chinese else asks_one(resolved)
        share = chinese and q.kind is Kind.ratio and q.unit is None and bool(_SHARE_ASKED.search(q.norm))
        best, clash, kind_reason = None, None, ""
        joined: Found | None = None
        kinds = kinds_asked(q.norm)
        figure = q.kind in NUMERIC_KINDS
        for f in found:
            if one and _SEVERAL.search(index.documents[f.doc_id].text[f.start : f.end]):
                continue  # one figure or one person asked: '1982件、159件' or '陶凯元、…林广海' lists several
            if amount and is_share(index.documents[f.doc_id].text[f.start : f.end]):
                continue  # '专利授权量是多少' asked: a growth rate or a share beside the figure is no answer
            if share and _is_count(index.documents[f.doc_id].text[f.start : f.end]):
                continue  # '占全部授权量的比例' asked: '55853件' is the total, not its share
            if _another_subjects_figure(f, q, index):
                continue  # '沪、苏、浙、皖…24.77万件(分别为4.43万件、…)': 浙江 asked, its own figure only
            if figure and kinds:
                unsaid = unsaid_kind(kinds, index.doc_norms[f.doc_id])
                other = None if unsaid else _another_kinds_figure(f, kinds, index)
                if unsaid or other:
                    clash = clash or "kind"
                    kind_reason = kind_reason or (
                        f"找到的内容没有说到“{unsaid}”的数量。" if unsaid else f"找到的数字是{other}的,不是问到的这一类。"
                    )
                    continue  # 新收 asked: '审结…15627件' is the cases closed
            why = self.check(f, c, index)
            if why is None and figure and chinese and joined_figure(q, f.doc_id, f.start, f.end, index):
                joined = joined or f  # both things' figure: the thing's own, if any span gives it, first
                continue
            if why is None:
                best = f
                break
            clash = clash or why
        best = best or joined
        if best is None:
            reason = {
                "place": f"找到的内容说的不是{'、'.join(c.places)}的情况。",
                "year": f"找到的内容说的不是{'、'.join(f'{y}年' for y in c.years)}的情况,没有这一年的数据。",
                "metric": f"找到的内容没有说到“{c.metric}”的数量。",
                "kind": kind_reason,
            }.get(clash or "", "找到的段落里没有这个问题的答案。")
            return abstention(question, resolved, passages, reason, self.name)
        if best.probability < self.min_confidence:
            return abstention(
                question, resolved, passages,
                f"找到的内容与问题不够吻合(置信度 {best.probability:.2f}),语料可能没有这个问题的答案。",
                self.name, best.probability,
            )
        return self.answer(question, resolved, passages, index, best)

    def answer(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex, best: Found) -> AskResult:
        doc = index.documents[best.doc_id]
        citation = citation_for(doc, best.start, best.end, passages)
        return AskResult(
            question=question, resolved_question=resolved, answer=doc.text[best.start : best.end],
            abstained=False, reason=None, confidence=round(best.probability, 4), sentence=citation.quote,
            as_of=doc.published, citations=[citation], passages=passages, reader=self.name,
        )
