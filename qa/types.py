"""The typed results that travel from the pipeline to the CLI and the HTTP edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk, ranked, with where it lies in its document."""


    rank: int
    chunk_id: str
    doc_id: str
    title: str
    text: str
    score: float
    bm25_rank: int | None
    dense_rank: int | None
    start: int
    end: int
    row: int  # position of the chunk in the index


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Citation:
    doc_id: str
    chunk_id: str
    title: str
    published: str | None
    start: int
    end: int
    quote: str  # == documents[doc_id].text[start:end]
    page: int | None = None  # PDF documents: the page the quote starts on


@dataclass
class AskResult:
    question: str
    resolved_question: str
    answer: str | None
    abstained: bool
    reason: str | None
    confidence: float
    sentence: str | None
    as_of: str | None
    citations: list[Citation]
    passages: list[Passage]
    timings: dict[str, float] = field(default_factory=dict)
    reader: str = "rules"  # which reader produced the answer (or the abstention)


@dataclass
class SearchResult:
    query: str
    passages: list[Passage]
    timings: dict[str, float] = field(default_factory=dict)
