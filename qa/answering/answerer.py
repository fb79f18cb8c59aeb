"""The extractive answerer: candidate sentences from the retrieved passages, scored by the
question's terms and constraints, and a typed span cut from the best one — or an abstention."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..documents import page_at
from ..index_store import LoadedIndex
from ..lru import LRU
from ..metadata import find_date
from ..normalize import normalize
from ..retrieval import Passage
from ..tokenize import pos_tag, word_flag
from ..types import AskResult, Citation
from .context import DocContext, Scope, build_doc_context, sentence_scope
from .joined import joined_with_another
from .kinds import a_part_of_the_whole, another_kind, kinds_asked, unsaid_kind
from .numbers import (
    CASE_NUMBER, CN_DAY, CN_MONTH, CN_YEAR, asks_one_year, cn_to_int, follows_another_year, only_as_a_span_of_years, periods,
)
from .people import named_people, refers_to, without_pieces
from .places import another_place, find_places, lies_within
from .question import DOCUMENT_NUMBER_ASKED, LEADER, NUMERIC_KINDS, Kind, Question, analyze, title_verbs
from .spans import MEANINGFUL, Span, find_spans
from .synonyms import aliases
from .terms import TermWeights
from .words import words

KIND_LABELS = {
    Kind.quantity: "数量",
    Kind.streak: "持续年数",
    Kind.ranking: "排名",
    Kind.ratio: "比例或倍数",
    Kind.person: "人名",
    Kind.date: "日期",
    Kind.listing: "列举的各项",
    Kind.title: "文件或法规名称",
    Kind.named: "名称",
    Kind.entity: "答案",
    Kind.outcome: "结果",
    Kind.role: "职务",
    Kind.docnum: "文号",
}
MIN_COVERAGE = 0.3  # share of the question's term weight a sentence must contain
FOCUSLESS_COVERAGE = 0.5  # ... and a figure's sentence that lacks the metric asked about
TOP_PASSAGE_SLACK = 0.1  # less is asked of the sentences of the best passage (paraphrased questions)
RECENCY_WINDOW = 0.15  # answers this close to the best compete on recency when no year is asked
RECENCY_COVERAGE = 0.05  # ... and whose sentences cover the question about as well
DOC_WIDEN = 2  # documents whose every sentence is a candidate
# a metric's name: the focus of a figure question that the figure's sentence must name
_METRIC_NAME = re.compile(r"(?:量|数|率|额|值|规模|指数|比重|占比|面积|总量)$")


def _metric_core(focus: str | None) -> str | None:
    """What a metric's name says is counted, its last two characters before 量/数/额 (专利申请量 -> 申请,
    商标注册量 -> 注册): a sentence that never says it states another metric's figure. None for a
    focus that is no metric name."""
    if not focus or not _METRIC_NAME.search(focus):
        return None
    core = re.sub(r"[总数金]$", "", _METRIC_NAME.sub("", focus))  # 登记总量, 作品数量, 质押金额
    return core[-2:] if len(core) >= 2 else None


# a question for the date a document is signed or written with, and a line that is nothing but a date
_SIGNED = re.compile(r"落款|成文日期|成文时间|签发日期|签署日期|发文日期|印发日期")
_DATE_LINE = re.compile(
    rf"^[ \t]*((?:19|20)\d{{2}}年\d{{1,2}}月\d{{1,2}}日|(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}|{CN_YEAR}{CN_MONTH}{CN_DAY})[ \t]*$", re.M
)
# a line that is only a document's number, bracketed or not: '(法〔2010〕172号)', '国知发保字〔2023〕12号'
_DOCNUM_LINE = re.compile(r"^[ \t]*[(（]?([\u4e00-\u9fff]{1,10}[〔\[［][12]\d{3}[〕\]］]第?\d+号)[)）]?[ \t]*$", re.M)
_NUMBER_REACH = 400  # characters of a document's opening its number is set in, under the title


def _last_date_line(norm: str) -> re.Match[str] | None:
    lines = list(_DATE_LINE.finditer(norm))
    return lines[-1] if lines else None


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# the date the page itself was posted, asked ('这份名单是哪天发布的', 'on what date was … posted')
_POSTED = re.compile(
    r"(?:发布|公布|发表|刊发|刊登|刊出|推送|上线)的?(?:日期|时间)"
    r"|(?:哪天|哪一天|哪日|何时|什么时候|什么时间|几月几日|几号)(?:发布|公布|发表|刊发|刊登|刊出|推送|上线)"
)
_POSTED_EN = re.compile(r"\b(?:posted|published|released|put online)\b", re.I)
_OPENING = 300  # characters of a page's opening that, with its title, say what the page is
POSTED_COVERAGE = 0.5  # of the question's term weight the page's title and opening must say
_LEFT_OUT = re.compile(r"[(（]?(?:不含|不包括|除)[^,，;；。)）]{0,20}(?:[)）]|以外|之外)?")
_NATIONAL = re.compile(r"全国|我国|国内|中国")  # a question of the whole country
# the country as the frame of a ranking or share ('居全国首位', '占全国的'), not the subject asked
_FRAMED_NATIONAL = re.compile(r"[居占排列于在](?:全国|我国|中国)|(?:全国|我国|中国)(?:第|首|前|领先)")
_COUNTRY = re.compile(r"全国|我国|中国|国家")  # a sentence that speaks of the whole country (国家知识产权局…; 国内专利 is a kind of patent)
_SUBJECTLESS = re.compile(r"占|约为|约占|同比|比上年|较上年")
_EDITION_UNITS = words("edition_units")  # 第二十二届: an edition the documents must name to answer about it
_ENUM_ITEM = re.compile(r"[(（]?([一二三四五六七八九十]|\d{1,2})(?:是|[)）]|、|\.(?!\d)|．)")
_CLAUSE_END = ",，;；。!?！？"


def _local(clause: str, q: Question) -> bool:
    """A clause about a place the question does not name (其中,广东省登记…), its notes of what a
    national figure leaves out aside ('国内(不含香港、澳门、台湾)')."""
    return any(p not in q.named_places for p in find_places(_LEFT_OUT.sub("", clause)))


Narrowing = list[tuple[str, tuple[str, ...]]]  # nouns of a question and the words right after them


def _narrowing(q: Question) -> Narrowing:
    """The question's nouns with the words they narrow right after them (音乐 -> 作品 of 音乐作品, 质权
    -> 登记); a place after a noun is no word it narrows ('中国专利奖广东省…')."""
    out = []
    for term in q.terms:
        if len(term) < 2 or not _HAN_RUN.fullmatch(term) or word_flag(term) not in ("n", "nz"):
            continue
        narrowed = tuple(
            u for m in re.finditer(re.escape(term), q.norm) for u in q.terms
            if len(u) >= 2 and q.norm.startswith(u, m.end()) and not find_places(u)
        )
        if narrowed:
            out.append((term, narrowed))
    return out


def _unsaid_in(
    narrowing: Narrowing, doc_norm: str, says: Callable[[str, str], bool] = lambda term, text: term in text
) -> Narrowing:
    """Those of the nouns that the whole document never says (`says`: as asked or another way)."""
    return [(noun, narrowed) for noun, narrowed in narrowing if not says(noun, doc_norm)]


def _first_unsaid(unsaid: Narrowing, s: str) -> str | None:
    """The first unsaid noun whose narrowed word the sentence says: the sentence's figure is of the
    wider thing (作品), not the kind asked (音乐作品)."""
    return next((noun for noun, narrowed in unsaid if any(u in s for u in narrowed)), None)


def _sibling_in_place(q: Question, s: str) -> str | None:
    """A word of the question the sentence lacks, where the sentence puts a sibling of it (same
    length, same head character) right after the same two characters: '侵犯专利权' asked, '侵犯商标权'
    said. The sibling is returned. Two verbs in that place are two ways of saying one act
    ('申请人递交' asked, '申请人提交' said), not two kinds of thing."""
    for term in q.terms:
        if len(term) < 2 or term in s or not _HAN_RUN.fullmatch(term):
            continue
        for m in re.finditer(re.escape(term), q.norm):
            left = q.norm[max(0, m.start() - 2) : m.start()]
            if len(left) < 2 or not _HAN_RUN.fullmatch(left):
                continue
            for hit in re.finditer(re.escape(left), s):
                other = s[hit.end() : hit.end() + len(term)]
                if len(other) == len(term) and other != term and other[-1] == term[-1] and _HAN_RUN.fullmatch(other):
                    if word_flag(term) == "v" and word_flag(other) == "v":
                        continue
                    if _VAGUE_COUNT.match(term) and _COUNTED.match(other):
                        continue  # '连续多年' asked, '连续七年' said: a count said exactly, not another thing
                    return other
    return None


# a count said vaguely (多年, 几家, 数项) and said exactly (七年, 3家)
_VAGUE_COUNT = re.compile(r"[多几数]")
_COUNTED = re.compile(r"[\d一二两三四五六七八九十百千万]")


# a sentence that opens on a topic of its own ('智慧局部分,', '商标方面,') says the same of that topic as
# the sentence before it said of another: what was counted there is counted here
_TOPIC_OPENING = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,10}(?:部分|方面)[,，:：]")
_FIGURE_CLAUSE = re.compile(r"\d(?!\d*年)")


def _topic_before(ctx: DocContext, i: int) -> str:
    """For sentence i opening on a topic ('智慧局部分,台积电以1,582件…居冠'), the clauses of the sentence
    before it in its paragraph up to its first figure ('2023年,wipo发明专利公开案件前十大申请人'); ''
    otherwise."""
    start, _ = ctx.sentences[i]
    if i == 0 or not _TOPIC_OPENING.match(ctx.norm[start : start + 16]):
        return ""
    before, end = ctx.sentences[i - 1]
    if "\n" in ctx.norm[end:start] or "\n" in ctx.norm[before:end].strip():
        return ""
    clauses = []
    for clause in re.split(r"[,，;；]", ctx.norm[before:end]):
        if _FIGURE_CLAUSE.search(clause):
            break
        clauses.append(clause)
    return ",".join(clauses)


CASE_SECTION = 600  # characters after a case number that may still describe its case


def _case_section(ctx: DocContext, end: int) -> str:
    """The text after a sentence holding a case number, up to the next case number: a list of cases
    may give each one's number first and its parties and facts after it ('案例索引:…(2023)鄂01知民初481号
    / 裁判要旨 / 案情摘要 …'), so a question naming the case by its parties is about that number."""
    after = ctx.norm[end : end + CASE_SECTION]
    following = CASE_NUMBER.search(after)
    return after[: following.start()] if following else after


def _another_kind(q: Question, clause: str, before: str = "") -> bool:
    """True when the figure's clause, or its sentence up to it (`before`: '集成电路布图设计方面:上半年,
    …发证5233件'), names another kind of a family the question names one kind of, and neither names
    that one ('荣昌区有效商标14659件,2022年新增1679件' for 新增专利授权; 发明专利申请案 for 新型专利申请)."""
    return another_kind(kinds_asked(q.norm), clause, before) is not None


def _names_a_place_inside(s: str, places: list[str], main_places: list[str]) -> bool:
    """True when the sentence is about a part of a place asked (深圳 for 广东) and not the place
    itself, in a document that is not about the place asked (a 亳州 report naming 蒙城 is still 亳州's)."""
    asked = [p for p in places if p not in main_places]
    if not asked:
        return False
    named = find_places(s)
    return any(p not in named and any(lies_within(o, p) for o in named) for p in asked)


_CLAUSE_TIME = re.compile(r"^\s*(?:(?:19|20)\d{2}年(?:度)?|全年|当年|同期|其间|期间)?")


def _opens_with_verb(text: str) -> bool:
    """Whether a clause opens with a time and then a verb ('2022年新增3706件'): it has no subject of
    its own, and goes on from the clause before it."""
    time = _CLAUSE_TIME.match(text)
    assert time is not None
    rest = text[time.end() :]
    if not time.group(0).strip() or not _HAN_RUN.match(rest):
        return False  # without a time first, a verb opens a clause of its own ('提供…服务9次')
    first = pos_tag(rest[:6])[0]
    return first[1].startswith("v") and len(first[0]) >= 2


@dataclass
class Candidate:
    ctx: DocContext
    start: int  # sentence span in the document
    end: int
    span: Span
    score: float
    coverage: float
    passage_rank: int

    @property
    def answer_start(self) -> int:
        return self.start + self.span.start

    @property
    def answer_end(self) -> int:
        return self.start + self.span.end


def _latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _cuts_a_word(s: str, start: int, end: int) -> bool:
    """Whether a span begins or ends inside a word of Latin script ('age' of 'percentage')."""
    return (
        (0 < start < len(s) and _latin_letter(s[start - 1]) and _latin_letter(s[start]))
        or (0 < end < len(s) and _latin_letter(s[end - 1]) and _latin_letter(s[end]))
    )


class Answerer:
    def __init__(self, min_confidence: float = 0.35) -> None:
        self.min_confidence = min_confidence
        self._contexts: LRU[DocContext] = LRU(512)  # by (index build, document)

    # ------------------------------------------------------------------------------- helpers

    def _context(self, index: LoadedIndex, doc_id: str) -> DocContext:
        key = (index.name, doc_id)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = build_doc_context(index.documents[doc_id], index.doc_norms[doc_id])
            self._contexts.put(key, ctx)
        return ctx

    @staticmethod
    def _weights(q: Question, index: LoadedIndex, asked: str = "", retrieved: str = "") -> TermWeights:
        n = max(1, index.bm25.size)
        weights = {}
        # which one leads is asked in words a sentence says many ways (排名第一, 排名第1, 居首, 居冠): the
        # leader's span finder reads them, and coverage counts the rest of the question
        ranking = "".join(m.group(0) for m in LEADER.finditer(q.norm)) if q.leader else ""
        said = aliases(q.norm, q.terms)  # other ways a sentence says a term (年均 for 平均每年)
        for term in q.terms:
            if ranking and term in ranking:
                continue
            # a word the corpus never says as asked is weighed as a passage retrieved for it says it ('涨幅'
            # asked, 增长率 said); one no passage says another way stays light (总量 of '商标量' is no other metric)
            others = said.get(term, ())
            df = index.bm25.doc_freq(term) or (
                max((index.bm25.doc_freq(a) for a in others), default=0) if any(a in retrieved for a in others) else 0
            )
            if df or term in asked:  # a word the asker wrote (`asked`) that no chunk says weighs as the rarest would
                weights[term] = math.log((n + 1) / (df + 0.5)) + 0.1
            else:
                weights[term] = 0.05
        return TermWeights(weights, said, frozenset(t for t in said if t in retrieved))

    @staticmethod
    def _coverage(text: str, weights: "TermWeights") -> float:
        return weights.coverage(text)

    # --------------------------------------------------------------------------------- answer

    def answer(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        q = analyze(resolved)
        base = dict(question=question, resolved_question=resolved, passages=passages)

        def abstain(reason: str, confidence: float = 0.0) -> AskResult:
            return AskResult(
                answer=None, abstained=True, reason=reason, confidence=round(confidence, 4),
                sentence=None, as_of=None, citations=[], **base,
            )

        if not passages:
            return abstain("语料中没有找到与这个问题相关的内容。")
        contexts = {p.doc_id: self._context(index, p.doc_id) for p in passages}
        missing = [p for p in q.places if not any(p in c.norm or p in c.main_places for c in contexts.values())]
        if missing:
            return abstain(f"语料中没有关于{'、'.join(missing)}的内容。")
        editions = {o for o in q.ordinals if o[1] in _EDITION_UNITS}
        if editions and not any(editions & c.all_ordinals for c in contexts.values()):
            return abstain("语料中没有问到的这一届(批)的内容。")
        retrieved = "".join(index.doc_norms[p.doc_id][p.start : p.end] for p in passages)  # (normalized already)
        weights = self._weights(q, index, retrieved=retrieved)
        people = named_people(q.norm, contexts.values())  # 梁家丽, which the tokenizer cut into 梁家 / 丽是
        if people:
            weights = TermWeights(without_pieces(weights, q.norm, people), weights.aliases, weights.written)
        candidates, closest = self._candidates(q, passages, contexts, weights, people=people)
        if not candidates and closest == "title" and title_verbs(q.titles):
            # no sentence names the 主持人 as such: one that says who 主持 will do
            candidates, closest = self._candidates(q, passages, contexts, weights, titles_by_verb=True, people=people)
        if not candidates and q.kind is Kind.date and _SIGNED.search(q.norm):
            candidates = self._signed_date(passages, contexts)
        if not candidates and q.kind is Kind.docnum and DOCUMENT_NUMBER_ASKED.search(q.norm):
            candidates = self._numbered(passages, contexts)
        if not candidates and q.kind is Kind.date and (_POSTED.search(q.norm) or _POSTED_EN.search(question)):
            # the page asked about says the question's words, those the corpus never says most of all
            # (not the words an English question was rendered in: they are guesses at the page's words)
            candidates = self._posted_date(passages, contexts, self._weights(q, index, asked=normalize(question), retrieved=retrieved))
        if not candidates:
            return abstain(self._reason(q, closest))
        best = max(candidates, key=lambda c: (c.score, -c.passage_rank, -c.start))
        if not q.years:
            # no year asked: of the answers about as good as the best, the most recent document's
            # is the current figure (and as_of says which date it is from)
            # (answers whose sentences say as much of the question: not one that lacks its 上半年)
            close = [
                c for c in candidates
                if c.score >= best.score - RECENCY_WINDOW and c.coverage >= best.coverage - RECENCY_COVERAGE
            ]
            best = max(close, key=lambda c: (c.ctx.effective_year, c.score, -c.passage_rank, -c.start))
        confidence = self._confidence(best, candidates)
        if confidence < self.min_confidence:
            return abstain(
                f"找到的内容与问题不够吻合(置信度 {confidence:.2f}),语料可能没有这个问题的答案。", confidence
            )
        doc = best.ctx.doc
        answer = doc.text[best.answer_start : best.answer_end].strip()
        sentence = doc.text[best.start : best.end]
        citations = [self._citation(best, passages)]
        return AskResult(
            answer=answer,
            abstained=False,
            reason=None,
            confidence=round(confidence, 4),
            sentence=sentence,
            as_of=self._as_of(doc),
            citations=citations,
            **base,
        )

    def _candidates(
        self,
        q: Question,
        passages: list[Passage],
        contexts: dict[str, DocContext],
        weights: TermWeights,
        titles_by_verb: bool = False,
        people: list[str] | None = None,
    ) -> tuple[list[Candidate], str]:
        """Every (sentence, span) that may answer, and the reason the closest miss was ruled out."""
        closest: tuple[float, str] = (-1.0, "coverage")
        seen: set[tuple[str, int]] = set()
        out: list[Candidate] = []
        # in the answer's own clause, the places the question names count as terms too
        average = sum(weights.values()) / len(weights) if weights else 1.0
        clause_weights = weights | {place: average for place in q.named_places}
        focus_known = bool(q.focus) and weights.get(q.focus, 0.0) > 0.05  # a word the corpus has
        # a date is about what the question names most specifically: one of its two rarest words
        dated = []
        if q.kind is Kind.date:
            dated = sorted((t for t in weights if weights[t] > 0.05), key=weights.get, reverse=True)[:2]
        national = not q.named_places and bool(_NATIONAL.search(q.norm))
        narrowing = _narrowing(q) if q.kind in NUMERIC_KINDS else []
        year_asked = bool(q.years) and q.kind in NUMERIC_KINDS  # a figure of a year asked
        # of one year, not of a span or a total over years the question itself says
        one_year = year_asked and asks_one_year(q.norm, q.years)
        unsaid_by_doc: dict[str, Narrowing] = {}
        kind_unsaid: dict[str, bool] = {}
        local_by_doc: dict[str, bool] = {}
        for doc_id, lo, hi, rank in self._ranges(passages):
            ctx = contexts[doc_id]
            if doc_id not in unsaid_by_doc:
                unsaid_by_doc[doc_id] = _unsaid_in(narrowing, ctx.norm, weights.says)
                # a kind of figure asked that the document never names (新收 of a report that says 审结)
                kind_unsaid[doc_id] = q.kind in NUMERIC_KINDS and unsaid_kind(kinds_asked(q.norm), ctx.norm) is not None
                # a count of the whole country asked: a document whose title names a place reports that
                # place's figures where its sentence has not spoken of the country by the figure
                # ('全市专利授权量23.51万件,…居全国第一' under a Shenzhen title)
                local_by_doc[doc_id] = (
                    national and q.kind is Kind.quantity and not _FRAMED_NATIONAL.search(q.norm)
                    and bool(find_places(normalize(ctx.doc.title)))
                )
            for i, (start, end) in enumerate(ctx.sentences):
                if end <= lo or start >= hi or (doc_id, start) in seen:
                    continue
                seen.add((doc_id, start))
                s = ctx.norm[start:end]
                scope = sentence_scope(ctx, start, end)
                # a person the question names counts as said where the sentence refers to them (梁女士, 她)
                named = "".join(p for p in people or () if refers_to(p, s, scope.text))
                named += _topic_before(ctx, i)
                if q.kind is Kind.docnum and CASE_NUMBER.search(s):
                    named += _case_section(ctx, end)
                coverage = self._coverage(s + named, weights)
                context_cov = self._coverage(scope.text + ctx.doc.title + named, weights)
                year_clash = self._year_clash(q, ctx, scope)
                reason = self._rule_out(
                    q, s, scope, year_clash, coverage, context_cov, rank, focus_known, ctx.main_places, titles_by_verb,
                    unsaid_by_doc[doc_id], weights.says,
                )
                if not reason and kind_unsaid[doc_id]:
                    reason = "coverage"  # none of its figures is of the kind asked
                if not reason and one_year and only_as_a_span_of_years(s, q.years):
                    reason = "year"  # 2024年全年 asked: '2014年11月至2024年10月…195506件' is ten years' figure
                if not reason and dated and not any(t in s + named for t in dated):
                    reason = "coverage"  # '36条是哪一天发布的': 4月25日 dates another release
                spans = [] if reason else self._spans(s, q, ctx)
                if reason or not spans:
                    closest = max(closest, (coverage, reason or "span"))
                    continue
                anchors = [m.end() for t in weights for m in re.finditer(re.escape(t), s)]
                # a wider place named beside the one asked about says which level is meant (深圳在广东省
                # 考核中…: the provincial assessment, not the national one named in the next clause)
                levels = [p for p in q.level_places if p not in ctx.main_places and p in s]
                base = self._sentence_score(q, s, scope, coverage, context_cov, rank, year_clash)
                for span in spans:
                    clause_text = self._clause(
                        s, span, split_list=q.kind is not Kind.listing, figure=q.kind in NUMERIC_KINDS
                    )
                    if national and q.kind in NUMERIC_KINDS and (
                        _local(clause_text, q) or (local_by_doc[doc_id] and not _COUNTRY.search(s[: span.end]))
                    ):
                        closest = max(closest, (coverage, "place"))
                        continue  # a national figure asked; this one is a province's or a city's (其中,广东省登记…)
                    # (a 分别-list in the clause names every kind before its figures: its alignment is read elsewhere)
                    if q.kind in NUMERIC_KINDS and "分别" not in clause_text and _another_kind(q, clause_text, s[: span.end]):
                        closest = max(closest, (coverage, "coverage"))
                        continue
                    if year_asked and follows_another_year(s, span.start, q.years):
                        closest = max(closest, (coverage, "year"))
                        continue  # '2023年度…72,607件,…,2024年度前七月40,415件': 2024 asked, the figure after 2023
                    about = clause_text if any(p in s for p in q.places) else s[: span.end]  # its clause, or all before it
                    if q.places and q.kind in NUMERIC_KINDS and another_place(about, q.places, q.named_places, q.level_places):
                        closest = max(closest, (coverage, "place"))
                        continue  # 荣昌 asked, '泸州市2022年新增授权3591件' said in a report on four places
                    score = (
                        base
                        + 0.25 * self._coverage(clause_text, clause_weights)
                        + 0.2 * span.strength
                        + 0.07 * self._proximity(span, anchors)
                        + (0.1 if focus_known and weights.says(q.focus, clause_text) else 0.0)
                        + (0.1 if any(p in clause_text for p in levels) else 0.0)
                        - (0.15 if any(t in clause_text for t in q.excluded) else 0.0)
                        - (0.3 if q.kind in NUMERIC_KINDS and joined_with_another(q, clause_text) else 0.0)
                        - (0.1 if q.kind in NUMERIC_KINDS and a_part_of_the_whole(q.norm, clause_text) else 0.0)
                    )
                    out.append(Candidate(ctx, start, end, span, score, coverage, rank))
        return out, closest[1]

    @staticmethod
    def _spans(s: str, q: Question, ctx: DocContext) -> list[Span]:
        """The sentence's typed spans, less those the question itself says or excludes, and (asking
        for an entity) those that end on a word the question says of something else than what it
        asks for: '金融实验室是跟哪个监管机构一起搭的' is not answered by a 金融实验室."""
        # words of the asked thing's own phrase ('作品类别是什么': 作品 of 作品类别) say what the answer
        # is, not something else: '摄影作品' answers it
        asked = (lambda t: bool(q.focus) and t != q.focus and t + q.focus in q.norm)
        subject = [t for t in q.terms if len(t) >= 2 and t not in q.cloze_right and not asked(t)] if q.kind is Kind.entity else []
        return [
            sp for sp in find_spans(s, q, ctx.people)
            if s[sp.start : sp.end] not in q.norm and not any(t in s[sp.start : sp.end] for t in q.excluded)
            and not any(s[sp.start : sp.end].endswith(t) for t in subject) and not _cuts_a_word(s, sp.start, sp.end)
        ]

    def _sentence_score(
        self, q: Question, s: str, scope: Scope, coverage: float, context_cov: float, rank: int, year_clash: bool
    ) -> float:
        """What a sentence scores before its spans: coverage of the question (its own and its
        context's), its passage's rank, and whether it names the year asked or another."""
        return (
            self._enumeration(q, s)
            + 0.3 * coverage
            + 0.1 * context_cov
            + 0.08 / (rank + 1)
            + (0.05 if q.years and scope.explicit_years and not year_clash else 0.0)
            - (0.15 if year_clash else 0.0)
        )

    @staticmethod
    def _enumeration(q: Question, s: str) -> float:
        """'其中第二方面…': the item that opens with 二是 in an '一是…;二是…' run (or 二、 in a numbered
        list, 第二件 of one), not its neighbours."""
        if not q.enumerated:
            return 0.0
        item = _ENUM_ITEM.match(s.lstrip())
        if item is None:  # no item: one that says which it is (第六件…) may still answer
            return 0.0 if re.search(f"第{q.enumerated}", s) else -0.2
        return 0.4 if cn_to_int(item.group(1)) == cn_to_int(q.enumerated) else -0.1  # 第一件 is item 1.

    @staticmethod
    def _ranges(passages: list[Passage]) -> list[tuple[str, int, int, int]]:
        """(doc_id, start, end, rank) to read sentences from: the retrieved passages, then the rest
        of the two best documents (a byline or a heading the retriever ranked low), ranked last."""
        ranges = [(p.doc_id, p.start, p.end, p.rank) for p in passages]
        top_docs = list(dict.fromkeys(p.doc_id for p in passages))[:DOC_WIDEN]
        return ranges + [(doc_id, 0, 1 << 62, len(passages) + 2) for doc_id in top_docs]

    @staticmethod
    def _year_clash(q: Question, ctx: DocContext, scope: Scope) -> bool:
        """A year asked about must be the sentence's year; an undated sentence passes only when its
        document names that year."""
        if not q.years or set(q.years) & scope.years:
            return False
        return bool(scope.years) or not (set(q.years) & ctx.all_years)

    @staticmethod
    def _rule_out(
        q: Question,
        s: str,
        scope: Scope,
        year_clash: bool,
        coverage: float,
        context_cov: float,
        rank: int,
        focus_known: bool,
        main_places: list[str],
        titles_by_verb: bool = False,
        unsaid: Narrowing | None = None,
        says: Callable[[str, str], bool] = lambda term, text: term in text,
    ) -> str | None:
        """Why this sentence cannot answer, or None (`unsaid`: the question's narrowing nouns that its
        document never says, `_unsaid_in`; `says`: whether a text says a term, as asked or another way)."""
        titles = q.titles + title_verbs(q.titles) if titles_by_verb else q.titles
        if q.places and not all(p in scope.places or p in s for p in q.places):
            return "place"
        if q.kind in NUMERIC_KINDS and q.places and _names_a_place_inside(s, q.places, main_places):
            return "place"  # 深圳's figure for a question about 广东
        if q.kind in NUMERIC_KINDS and unsaid and _first_unsaid(unsaid, s):
            return "coverage"  # '音乐作品登记了多少件' of a text that never says 音乐: 作品's figure is no answer
        if q.kind in NUMERIC_KINDS and _sibling_in_place(q, s):
            return "coverage"  # '侵犯专利权的货物' asked, '侵犯商标权货物61610批' said: another kind's figure
        if q.part and q.kind in NUMERIC_KINDS and not any(t in s for t in q.part):
            return "coverage"  # '其中依申请扣留的有多少批': the whole's figure is no answer
        if year_clash and q.kind is not Kind.date:  # a date question may ask for another year
            return "year"
        if q.ordinals and scope.ordinals and not (q.ordinals & scope.ordinals):
            return "ordinal"
        if q.periods and (said := periods(s)) and not (q.periods & said):
            return "period"  # 全年 asked, 上半年 said
        if q.kind is Kind.person and titles and not any(t in s for t in titles):
            return "title"
        # a figure must be stated next to its metric; other answers may lean on their context
        needed = coverage if q.kind in NUMERIC_KINDS else max(coverage, 0.5 * context_cov + 0.5 * coverage)
        focus_said = bool(q.focus) and says(q.focus, s)
        if q.kind in NUMERIC_KINDS and coverage < MIN_COVERAGE and focus_known and focus_said:
            needed = 0.5 * coverage + 0.5 * context_cov  # the metric is here, its subject just before
        if (
            q.kind in NUMERIC_KINDS
            and focus_known
            and _METRIC_NAME.search(q.focus or "")
            and not focus_said
            and coverage < FOCUSLESS_COVERAGE
        ):
            return "coverage"  # a figure of another metric (商标注册申请量 for PCT专利申请量)
        if q.kind in NUMERIC_KINDS and not focus_said and (core := _metric_core(q.focus)) and core not in s:
            return "coverage"  # what the metric counts is not said here (专利申请量 asked, 专利授权 said)
        if needed < MIN_COVERAGE - (TOP_PASSAGE_SLACK if rank == 1 else 0.0):
            return "coverage"
        return None

    @staticmethod
    def _clause(s: str, span: Span, split_list: bool, figure: bool = False) -> str:
        """The clause a span stands in: from the previous clause break to the next one (for a `figure`,
        from the one before where its own opens with a verb: its subject is there)."""
        ends = _CLAUSE_END + ("、" if split_list else "")

        def stop(i: int) -> bool:
            # a headline's pieces are set apart by a space between Chinese ('…授权专利5.41万件 每万人口…')
            if s[i] in ends:
                return True
            return s[i] == " " and 0 < i < len(s) - 1 and bool(_HAN_RUN.match(s[i - 1]) and _HAN_RUN.match(s[i + 1]))

        def start_of(i: int) -> int:
            while i > 0 and not stop(i - 1):
                i -= 1
            return i

        def end_of(i: int) -> int:
            while i < len(s) and not stop(i):
                i += 1
            return i

        left, right = start_of(span.start), end_of(span.end)
        if not MEANINGFUL.search(s[left : span.start] + s[span.end : right]) and right < len(s):
            right = end_of(right + 1)  # a clause of its own ('2019年,深圳出台…'): it heads the next one
        elif left > 0 and (_SUBJECTLESS.match(s, left) or (figure and _opens_with_verb(s[left : span.start]))):
            # '银奖7项,占全国12%', '江津区有效商标24754件,2022年新增3706件': the subject is in the clause before it
            left = start_of(left - 1)
            for _ in range(2):  # '授权量23800件,同比增长32.9%,占全省24.44%': and before a subjectless one
                if left == 0 or not _SUBJECTLESS.match(s, left):
                    break
                left = start_of(left - 1)
        return s[left:right]

    @staticmethod
    def _proximity(span: Span, anchors: list[int]) -> float:
        """1 when a question term ends right before the span, falling off with distance."""
        if not anchors:
            return 0.0
        distance = min((span.start - a if a <= span.start else 3 * (a - span.end) + 5) for a in anchors)
        return 1.0 / (1.0 + max(0, distance) / 6.0)

    @staticmethod
    def _line_answer(
        passages: list[Passage], contexts: dict[str, DocContext], kind: Kind, find: Callable[[str], re.Match[str] | None]
    ) -> list[Candidate]:
        """The line `find` picks (its group 1 the answer) in the first retrieved document where it picks
        one: for what a notice sets on a line of its own, which no sentence around it covers."""
        for doc_id in dict.fromkeys(p.doc_id for p in passages):
            ctx = contexts[doc_id]
            m = find(ctx.norm)
            if m:
                rank = next(p.rank for p in passages if p.doc_id == doc_id)
                span = Span(m.start(1) - m.start(), m.end(1) - m.start(), kind, 1.0)
                return [Candidate(ctx, m.start(), m.end(), span, 0.6, 0.0, rank)]
        return []

    @staticmethod
    def _signed_date(passages: list[Passage], contexts: dict[str, DocContext]) -> list[Candidate]:
        """The date a notice is signed with (落款 / 成文日期 asked): its last line that is only a date."""
        return Answerer._line_answer(passages, contexts, Kind.date, _last_date_line)

    @staticmethod
    def _numbered(passages: list[Passage], contexts: dict[str, DocContext]) -> list[Candidate]:
        """A document's own number (文号 asked): a line that is only a number of the kind documents are
        issued with ('(法〔2010〕172号)'), among its first lines, as a notice sets it under its title."""
        return Answerer._line_answer(passages, contexts, Kind.docnum, lambda norm: _DOCNUM_LINE.search(norm, 0, _NUMBER_REACH))

    @staticmethod
    def _posted_date(passages: list[Passage], contexts: dict[str, DocContext], weights: TermWeights) -> list[Candidate]:
        """The date a page was posted (its publication date), where that is asked and no sentence
        answers: of the retrieved documents whose title and opening say most of the question (the
        page asked about), the first one's publication date, where its text writes it (a dateline),
        so that the answer is quoted from the page."""
        for doc_id in dict.fromkeys(p.doc_id for p in passages):
            ctx = contexts[doc_id]
            published = ctx.doc.published
            about = weights.coverage(normalize(ctx.doc.title) + "\n" + ctx.norm[:_OPENING])
            if not published or about < POSTED_COVERAGE:
                continue
            written = find_date(ctx.norm, published)
            if written is None:
                continue
            start, end = next(((a, b) for a, b in ctx.sentences if a <= written[0] < b), written)
            rank = next(p.rank for p in passages if p.doc_id == doc_id)
            span = Span(written[0] - start, written[1] - start, Kind.date, 1.0)
            return [Candidate(ctx, start, end, span, 0.6, about, rank)]
        return []

    @staticmethod
    def _confidence(best: Candidate, candidates: list[Candidate]) -> float:
        rival = max(
            (c.score for c in candidates if (c.ctx.doc.doc_id, c.answer_start) != (best.ctx.doc.doc_id, best.answer_start)),
            default=0.0,
        )
        margin = max(0.0, best.score - rival)
        value = 0.55 * min(1.0, best.score / 0.85) + 0.25 * best.coverage + 0.2 * min(1.0, margin / 0.1)
        return max(0.0, min(1.0, value))

    @staticmethod
    def _reason(q: Question, closest: str) -> str:
        """Why nothing qualified, told from the sentence that came closest."""
        if closest == "year" and q.years:
            years = "、".join(f"{y}年" for y in q.years)
            return f"语料中相关内容说的不是{years}的情况,没有{years}的这项数据。"
        if closest == "place" and q.places:
            return f"语料中相关内容说的不是{'、'.join(q.places)}的情况。"
        if closest == "period":
            return f"语料中相关内容说的是另一时段的数据,没有{'、'.join(sorted(q.periods))}的。"
        if closest == "ordinal":
            return "语料中相关内容说的是另一届(期)的情况,没有问到的这一届。"
        if closest == "title" and q.titles:
            return f"语料中没有提到{'、'.join(q.titles)}是谁。"
        if closest == "span":
            return f"找到了相关段落,但其中没有给出{KIND_LABELS[q.kind]}。"
        return "语料中没有找到与这个问题相关的内容。"

    @staticmethod
    def _as_of(doc) -> str | None:
        """The date the figure is from: its document's publication date (None when undated; the
        citation names the document)."""
        return doc.published

    @staticmethod
    def _citation(best: Candidate, passages: list[Passage]) -> Citation:
        doc = best.ctx.doc
        chunk = next(
            (p for p in passages if p.doc_id == doc.doc_id and p.start <= best.start < p.end),
            next(p for p in passages if p.doc_id == doc.doc_id),
        )
        return Citation(
            doc_id=doc.doc_id,
            chunk_id=chunk.chunk_id,
            title=doc.title,
            published=doc.published,
            start=best.start,
            end=best.end,
            quote=doc.text[best.start : best.end],
            page=page_at(doc, best.start),
        )
