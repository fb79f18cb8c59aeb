"""The JSON payloads of the contract (SPEC "Interfaces"): one function per payload, used by both the
CLI's --json and the HTTP service, so every interface answers identically."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .documents import Document
from .retrieval import Passage
from .types import AskResult, SearchResult

PASSAGE_FIELDS = ("rank", "chunk_id", "doc_id", "title", "text", "score", "bm25_rank", "dense_rank")


def passage_payload(passage: Passage) -> dict[str, Any]:
    return {name: getattr(passage, name) for name in PASSAGE_FIELDS}


def search_payload(result: SearchResult) -> dict[str, Any]:
    return {"query": result.query, "passages": [passage_payload(p) for p in result.passages]}


def ask_payload(result: AskResult) -> dict[str, Any]:
    return {
        "question": result.question,
        "resolved_question": result.resolved_question,
        "answer": result.answer,
        "abstained": result.abstained,
        "reason": result.reason,
        "confidence": round(float(result.confidence), 4),
        "sentence": result.sentence,
        "as_of": result.as_of,
        "citations": [asdict(c) for c in result.citations],
        "passages": [passage_payload(p) for p in result.passages],
        "reader": result.reader,
    }


def document_summary(doc: Document) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "published": doc.published,
        "source": doc.source,
        "path": doc.path,
        "chars": len(doc.text),
        "format": doc.format,
        "provenance": dict(doc.provenance),
    }


def document_payload(doc: Document) -> dict[str, Any]:
    return document_summary(doc) | {"text": doc.text, "pages": doc.pages}
