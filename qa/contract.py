"""The response contract (SPEC "Interfaces"): the answer, passage and document shapes, declared once.

These pydantic models are the one declaration of what the interfaces answer, and each is produced
from the shared types of qa/types.py (and qa/documents.py) here and nowhere else:

- the HTTP routes declare them as `response_model=` (the OpenAPI document shows them) and send
  `model.model_dump(mode="json")` as it is (api/routes, qa/pipeline_process.py's `perform`);
- `qa ask --json`, `qa chat --json` and `qa search --json` print the same dump,

so the CLI and the service answer identically. The request models, which depend on the settings'
bounds, stay at the HTTP edge (api/schemas.py)."""

from __future__ import annotations

import json
import numbers
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .documents import Document
from .types import AskResult, SearchResult


class _FromTypes(BaseModel):
    """Read from the shared dataclasses' attributes (fields a model does not declare are left out)."""

    model_config = ConfigDict(from_attributes=True)


class PassageOut(_FromTypes):
    rank: int
    chunk_id: str
    doc_id: str
    title: str
    text: str
    score: float
    bm25_rank: int | None
    dense_rank: int | None


class CitationOut(_FromTypes):
    doc_id: str
    chunk_id: str
    title: str
    published: str | None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str = Field(description="== documents[doc_id].text[start:end]")
    page: int | None = Field(default=None, description="PDF documents: the page the quote starts on")


class AskResponse(_FromTypes):
    question: str
    resolved_question: str
    answer: str | None
    abstained: bool
    reason: str | None
    confidence: float = Field(description="0..1, to four decimal places")
    sentence: str | None
    as_of: str | None
    citations: list[CitationOut]
    passages: list[PassageOut]
    reader: str = Field(description="the reader that produced the answer or abstention: rules, learned or combined, or table (a table cell the question named)")

    @field_validator("confidence", mode="before")
    @classmethod
    def _four_places(cls, value: Any) -> Any:
        """Any real number (numpy's too) as a float rounded to four places."""
        return round(float(value), 4) if isinstance(value, numbers.Real) and not isinstance(value, bool) else value

    @classmethod
    def from_result(cls, result: AskResult) -> AskResponse:
        return cls.model_validate(result)


class SearchResponse(_FromTypes):
    query: str
    passages: list[PassageOut]

    @classmethod
    def from_result(cls, result: SearchResult) -> SearchResponse:
        return cls.model_validate(result)


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    published: str | None
    source: str | None
    path: str = Field(description="relative to the corpus directory")
    chars: int
    format: str = Field(default="txt", description="txt, md, html, pdf or docx")
    provenance: dict[str, str] = Field(
        default_factory=dict,
        description="where title, published and source came from: sidecar, html-meta, file-meta, text or none",
    )

    @classmethod
    def from_document(cls, doc: Document, **more: Any) -> DocumentSummary:
        return cls(
            doc_id=doc.doc_id, title=doc.title, published=doc.published, source=doc.source, path=doc.path,
            chars=len(doc.text), format=doc.format, provenance=dict(doc.provenance), **more,
        )


class DocumentDetail(DocumentSummary):
    text: str = Field(description="the cleaned original text that citation offsets index")
    pages: list[list[int]] = Field(
        default_factory=list, description="PDF documents: [start offset, page number] where each page begins"
    )

    @classmethod
    def from_document(cls, doc: Document, **more: Any) -> DocumentDetail:
        return super().from_document(doc, text=doc.text, pages=doc.pages, **more)  # type: ignore[return-value]


class DocumentList(BaseModel):
    documents: list[DocumentSummary]

    @classmethod
    def from_documents(cls, documents: dict[str, Document]) -> DocumentList:
        """Ordered by id."""
        return cls(documents=[DocumentSummary.from_document(documents[k]) for k in sorted(documents)])


def payload(model: BaseModel) -> dict[str, Any]:
    """The JSON-ready payload of a response model: what the routes send and `--json` prints."""
    return model.model_dump(mode="json")


def render(model: BaseModel) -> bytes:
    """The response body: `payload(model)` as JSON bytes, exactly as Starlette's JSONResponse renders it."""
    return json.dumps(payload(model), ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")
