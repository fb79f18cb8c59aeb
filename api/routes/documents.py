"""GET /documents and GET /documents/{doc_id}: what the citations point into."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from qa.contract import DocumentDetail, DocumentList, payload
from qa.documents import is_valid_doc_id

from ..deps import ApiKey, PipelineDep
from ..errors import ApiError
from ..schemas import ErrorResponse

router = APIRouter(tags=["documents"], dependencies=[ApiKey])

# documents a valid id in the OpenAPI schema; qa.documents.is_valid_doc_id is the check that counts
DOC_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
DocId = Annotated[str, Path(pattern=DOC_ID_PATTERN, description="a doc_id from GET /documents")]


@router.get("/documents", response_model=DocumentList, responses={401: {"model": ErrorResponse}})
def list_documents(pipeline: PipelineDep) -> JSONResponse:
    """Every indexed document, without its text, ordered by id."""
    return JSONResponse(payload(DocumentList.from_documents(pipeline.documents)))


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    responses={c: {"model": ErrorResponse} for c in (401, 404, 422)},
)
def get_document(doc_id: DocId, pipeline: PipelineDep) -> JSONResponse:
    """One document with `text`, the cleaned text that citation offsets index."""
    document = pipeline.documents.get(doc_id) if is_valid_doc_id(doc_id) else None
    if document is None:
        raise ApiError(404, "not_found", f"no document with id {doc_id!r}: GET /documents lists the documents")
    return JSONResponse(payload(DocumentDetail.from_document(document)))
