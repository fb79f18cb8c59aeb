"""Sentence-aware chunking with overlap; every chunk knows its exact span in its document."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .documents import Document

# a sentence ends after one of these (and any closing quotes/brackets that follow it)
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")
_CLAUSE = re.compile(r"[^，,、：:]*(?:[，,、：:]|$)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Spans of the sentences in text[start:end], whitespace trimmed, empty ones dropped."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for match in _SENTENCE.finditer(text, start, end):
        s, e = match.start(), match.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(Span(s, e))
    return spans


def _split_long(text: str, span: Span, size: int) -> list[Span]:
    """Cut a sentence longer than size at clause punctuation, hard-cutting only when a clause is too."""
    pieces: list[Span] = []
    for match in _CLAUSE.finditer(text, span.start, span.end):
        s, e = match.start(), match.end()
        while e - s > size:
            pieces.append(Span(s, s + size))
            s += size
        if e > s:
            pieces.append(Span(s, e))
    merged: list[Span] = []
    for piece in pieces:
        if merged and piece.end - merged[-1].start <= size:
            merged[-1] = Span(merged[-1].start, piece.end)
        else:
            merged.append(piece)
    return merged


def chunk_document(doc: Document, size: int = 240, overlap: int = 60) -> list[Chunk]:
    """Pack whole sentences into chunks of about `size` characters; consecutive chunks share up to
    `overlap` characters of whole sentences."""
    units: list[Span] = []
    for span in sentence_spans(doc.text):
        units.extend(_split_long(doc.text, span, size) if span.end - span.start > size else [span])
    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and units[j + 1].end - units[i].start <= size:
            j += 1
        start, end = units[i].start, units[j].end
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}#{len(chunks):04d}",
                doc_id=doc.doc_id,
                start=start,
                end=end,
                text=doc.text[start:end],
            )
        )
        if j + 1 >= len(units):
            break
        # step back over whole trailing sentences that fit in the overlap
        k = j + 1
        while k - 1 > i and end - units[k - 1].start <= overlap:
            k -= 1
        i = k
    return chunks
