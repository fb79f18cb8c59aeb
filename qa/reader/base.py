"""The reader stage: a question and the retrieved passages in, an answer span (or an abstention)
with its citation out. Rules, the learned span model and their combination are readers alike."""

from __future__ import annotations

from typing import Protocol

from ..answering.calendar import gregorian, roc_dated
from ..chunking import sentence_spans
from ..documents import Document
from ..index_store import LoadedIndex
from ..normalize import normalize
from ..retrieval import Passage
from ..types import AskResult, Citation
from .constraints import speaks_for


class Reader(Protocol):
    name: str

    def read(self, question: str, resolved: str, passages: list[Passage], index: LoadedIndex) -> AskResult:
        """Answer `resolved` (the question with its follow-up context filled in) from `passages`."""
        ...

    def warm_up(self) -> None:
        """Load whatever the reader needs (models) before the first question."""
        ...


def abstention(
    question: str, resolved: str, passages: list[Passage], reason: str, reader: str, confidence: float = 0.0
) -> AskResult:
    return AskResult(
        question=question, resolved_question=resolved, answer=None, abstained=True, reason=reason,
        confidence=round(confidence, 4), sentence=None, as_of=None, citations=[], passages=passages, reader=reader,
    )


def paragraph_bounds(text: str, position: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end < 0 else end


def evidence_around(index: LoadedIndex, doc_id: str, position: int) -> tuple[str, str]:
    """The normalized paragraph holding `position` in a document, and its normalized title: where a
    question's places, years and metric must be said for an answer there."""
    doc = index.documents[doc_id]
    p_start, p_end = paragraph_bounds(doc.text, position)
    norm = index.doc_norms[doc_id]
    return gregorian(norm[p_start:p_end], roc_dated(norm)), document_subject(index, doc_id)


def document_subject(index: LoadedIndex, doc_id: str) -> str:
    """What a document says of all its sentences, normalized: its title, the place it speaks for by
    its offices where it never names it (a page of Taiwan's 智慧局), and the places its file name
    names (a provincial yearbook's table saved as fujian_yb2022_….txt)."""
    return speaks_for(normalize(index.documents[doc_id].title), index.doc_norms[doc_id], doc_id)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) of `text` that hold [start, end), within its paragraph."""
    p_start, p_end = paragraph_bounds(text, start)
    p_end = max(p_end, end)
    s_start, s_end = start, end
    for span in sentence_spans(text, p_start, p_end):
        if span.start <= start < span.end:
            s_start = span.start
        if span.start < end <= span.end:
            s_end = span.end
    return min(s_start, start), max(s_end, end)


def citation_for(doc: Document, start: int, end: int, passages: list[Passage]) -> Citation:
    """The citation of an answer at [start, end) of `doc`: its sentence, in the chunk that holds it."""
    s, e = sentence_bounds(doc.text, start, end)
    chunk = next(
        (p for p in passages if p.doc_id == doc.doc_id and p.start <= start < p.end),
        next((p for p in passages if p.doc_id == doc.doc_id), None),
    )
    return Citation(
        doc_id=doc.doc_id, chunk_id=chunk.chunk_id if chunk else "", title=doc.title, published=doc.published,
        start=s, end=e, quote=doc.text[s:e],
    )
