"""The table reader: where a retrieved passage lies in a table and the question names one of its
rows and one of its columns, the answer is that cell, cited with its row and the header above it.

It reads before the reader the settings name (`QA_READ_TABLES`), which reads whenever no cell is
asked for: span readers see a table as a run of figures and cannot tell whose figure is whose.
The question's places and years must be honoured by the table, its caption or its document's
title, as for every reader.

Confidence is a prior, not a fitted curve (too few table questions to fit one on): 0.9 where the
question names the row's whole label and the column's whole header, 0.75 where it names part of
them (西湖 for 西湖区, 外观 for 外观设计)."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from ..answering.calendar import gregorian, gregorian_question, roc_dated
from ..cedict import english_names
from ..crosslingual import chinese_question
from ..english_anchors import said
from ..index_store import LoadedIndex
from ..languages import mostly_chinese
from ..lru import LRU
from ..normalize import normalize
from ..retrieval import Passage
from ..tokenize import tokenize
from ..types import AskResult, Citation
from .base import Reader, abstention, document_subject
from .constraints import honoured, question_constraints
from .table_match import CellMatch, chinese_words, match_cell, row_names
from .table_model import Table
from .gloss import said_in_english
from .statistics_terms import equivalents
from .tables import tables_in

FULL, PARTIAL = 0.9, 0.75
_YEARISH = re.compile(r"^\d+年?$")
PREAMBLE = 600  # characters above a table that describe it (its numbered title, unit, period)
_MEASURE = "量数"  # a count's suffix: 申请量, 申请数 count what 申请 names
ABOUT = 0.5  # the share of the question's idf weight a table must hold to be read (see `about`)


class TableReader:
    name = "table"

    def __init__(self, passages: int = 8) -> None:
        self.passages = passages
        self._tables: LRU[list[Table]] = LRU(256)

    def warm_up(self) -> None:
        return None

    def tables(self, index: LoadedIndex, doc_id: str) -> list[Table]:
        """The document's tables, read once per index build (a build's texts do not change)."""
        key = (index.name, doc_id)
        found = self._tables.get(key)
        if found is None:
            found = tables_in(index.documents[doc_id].text)
            self._tables.put(key, found)
        return found

    def find(self, resolved: str, passages: list[Passage], index: LoadedIndex) -> tuple[Passage, CellMatch] | None:
        """The cell of a table that one of the best `self.passages` passages overlaps, honouring the
        question's places and years: the first such passage's best cell. A table further down
        the ranking is about something else more often than not (the words of the question that
        put other passages first are not in it)."""
        question = normalize(resolved)
        c = question_constraints(resolved)
        # asked of a document dated by the ROC calendar, a question's 108年 is 2019 too; a question
        # that dates so reads a table's 108 年 as 2019 even where its document never says 民國
        in_roc = gregorian_question(question)
        roc_asked = question_constraints(in_roc)
        english = not mostly_chinese(resolved)
        best: tuple[Passage, CellMatch] | None = None
        seen: set[tuple[str, int]] = set()
        for p in passages[: self.passages]:
            if best is not None:
                break
            if p.doc_id not in index.documents:
                continue
            doc = index.documents[p.doc_id]
            for table in self.tables(index, p.doc_id):
                if table.end <= p.start or table.start >= p.end or (p.doc_id, table.start) in seen:
                    continue
                seen.add((p.doc_id, table.start))
                m = match_cell(question, table, doc.title)
                read_as = resolved
                if m is None and english:
                    # an English question, a table headed in Chinese: the question in the words the
                    # table uses ('scientific research institutions' -> 科研单位), as the rule reader reads it
                    rendered = chinese_question(resolved, [chinese_words(table)], [doc.title], unseen_places=False)
                    m = match_cell(normalize(rendered), table, doc.title) if rendered else None
                    read_as = rendered or resolved
                if m is None:
                    continue
                roc = in_roc != question or roc_dated(index.doc_norms[p.doc_id])
                context = gregorian(normalize(table.caption + "\n" + doc.text[table.start : table.end]), roc)
                context += "\n" + row_names(m.row, table.label_columns())  # Zhejiang is the 浙江 asked
                context += "\n" + "\n".join(places_in_english(c.places, context))  # a heading or caption's Hong Kong
                # places and years; what a volume counts is the column's heading, matched above
                asked = roc_asked if roc else c
                if asked and honoured(replace(asked, metric=None), context, document_subject(index, p.doc_id), doc.published) is not None:
                    continue
                named = normalize(" ".join(c.text for c in (*m.row.extra, *m.row.cells[:1], m.table.header.cells[m.column])))
                preamble = normalize(doc.text[max(0, table.start - PREAMBLE) : table.start])  # what the page says of it above
                if about(read_as, preamble + "\n" + context + "\n" + document_subject(index, p.doc_id), index, named) < ABOUT:
                    continue
                if best is None or m.score > best[1].score:
                    best = (p, m)
        return best

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        found = self.find(resolved, passages, index) if passages else None
        if found is None:
            return abstention(question, resolved, passages, "找到的段落里没有问题所指的表格单元格。", self.name)
        passage, m = found
        doc = index.documents[passage.doc_id]
        cell = m.cell
        quotes = [(m.row.start, m.row.end), (m.table.header.start, m.table.header.end)]
        citations = [
            Citation(
                doc_id=doc.doc_id, chunk_id=_chunk_at(passages, doc.doc_id, s, passage), title=doc.title,
                published=doc.published, start=s, end=e, quote=doc.text[s:e],
            )
            for s, e in quotes
        ]
        return AskResult(
            question=question, resolved_question=resolved, answer=doc.text[cell.start : cell.end], abstained=False,
            reason=None, confidence=FULL if m.full else PARTIAL,
            sentence=doc.text[m.table.header.start : m.table.header.end] + "\n" + doc.text[m.row.start : m.row.end],
            as_of=doc.published, citations=citations, passages=passages, reader=self.name,
        )


def about(question: str, context: str, index: LoadedIndex, named: str = "") -> float:
    """How much of what the question asks, beyond the row and column it names, the table's text,
    the 600 characters above it and the document's title say: the share of the question's search
    terms they hold, each weighted by its BM25 idf in this corpus (a word most passages have, 专利, weighs little; a rare one, 马德里
    or 职务, much; a compound counts as said where its words are: 发明专利 by 发明 and 专利; a word of
    the statistics' vocabulary where the table says it its own way: 高校 by 大专院校); over an English table, a Chinese term counts as said where one of its
    CC-CEDICT senses is (`gloss.said_in_english`: 申请 by 'applications', 8月 by 'August'), and so do
    a compound of words said that way (专利申请), a word of one (外观 of 外观设计, 'Design') and a
    count of a word said (申请量 where 申请 is). Left out: terms of the row label and header matched (`named`), years and
    single characters (units), and terms no passage holds (they point to no other text). A table
    that says little of the question (a PCT table asked about Madrid trademark filings, both by
    province and year) is not read."""
    n = max(1, index.bm25.size)
    total = said = 0.0
    latin = not mostly_chinese(context)  # an English table: a Chinese question's words are said in English
    terms = list(dict.fromkeys(tokenize(question)))
    direct = {
        t: t in context or any(e in context for e in equivalents(t)) or (latin and said_in_english(t, context))
        for t in terms
    }
    parts = {t for t in terms if len(t) >= 2 and (direct[t] or t in named)}
    for term in terms:
        df = index.bm25.doc_freq(term)
        if df == 0 or len(term) < 2 or term in named or _YEARISH.match(term):
            continue
        weight = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        total += weight
        # a compound whose words are said (专利申请: 'Patents', 'Applications'), or a word of a compound said
        # (外观 of 外观设计, said 'Design'): the tokenizer cuts a question both ways
        told = direct[term] or _in_parts(term, parts - {term}) or any(term in p for p in parts if len(p) > len(term))
        stem = term[:-1] if len(term) > 2 and term[-1] in _MEASURE else ""
        told = told or (bool(stem) and _in_parts(stem, parts - {term}))  # 申请量: the count of 申请 said
        said += weight if told else 0.0
    return 1.0 if total == 0 else said / total


def _in_parts(term: str, parts: set[str]) -> bool:
    """Whether `term` is a compound of words said (发明专利 of 发明, the column, and 专利, the caption's)."""
    if not parts:
        return False
    reach = [True] + [False] * len(term)
    for i in range(len(term)):
        if reach[i]:
            for p in parts:
                if term.startswith(p, i):
                    reach[i + len(p)] = True
    return reach[-1]


def places_in_english(places: tuple[str, ...], context: str) -> list[str]:
    """The places asked that a (normalized) table says in English, by the name CC-CEDICT gives them
    (香港 by 'hong kong', 德国 by 'germany'): the place is said, in the other script."""
    if not places or mostly_chinese(context):
        return []
    try:
        names = english_names()
    except RuntimeError:  # no CC-CEDICT
        return []
    return [p for p in places if p in names and said(context, [names[p].lower()])]


def _chunk_at(passages: list[Passage], doc_id: str, position: int, fallback: Passage) -> str:
    chunk = next((p for p in passages if p.doc_id == doc_id and p.start <= position < p.end), fallback)
    return chunk.chunk_id


class TablesFirst:
    """A reader that lets the table reader answer first and reads itself when no cell is asked
    for; it keeps the name of the reader it wraps."""

    def __init__(self, reader: Reader, tables: TableReader | None = None) -> None:
        self.reader = reader
        self.tables = tables or TableReader()
        self.name = reader.name

    def warm_up(self) -> None:
        self.reader.warm_up()

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        cell = self.tables.read(question, resolved, passages, index)
        if not cell.abstained:
            return cell
        return self.reader.read(question, resolved, passages, index)
