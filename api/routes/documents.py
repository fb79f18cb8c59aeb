"""GET /documents and GET /documents/{doc_id}: what the citations point into."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from qa.documents import is_valid_doc_id
from qa.payloads import document_payload, document_summary

from ..deps import ApiKey, PipelineDep
from ..errors import ApiError
from ..schemas import DocumentDetail, DocumentList, ErrorResponse

router = APIRouter(tags=["documents"], dependencies=[ApiKey])


@router.get("/documents", response_model=None, responses={200: {"model": DocumentList}, 401: {"model": ErrorResponse}})
def list_documents(pipeline: PipelineDep) -> JSONResponse:
    """Every indexed document, without its text, ordered by id."""
    documents = pipeline.documents
    return JSONResponse({"documents": [document_summary(documents[k]) for k in sorted(documents)]})


@router.get(
    "/documents/{doc_id}",
    response_model=None,
    responses={200: {"model": DocumentDetail}, **{c: {"model": ErrorResponse} for c in (401, 404, 422)}},
)
def get_document(doc_id: str, pipeline: PipelineDep) -> JSONResponse:
    """One document with `text`, the cleaned text that citation offsets index."""
    if not is_valid_doc_id(doc_id):
        raise ApiError(
            422, "invalid_doc_id",
            "not a valid document id: ids are letters, digits, '.', '_' and '-' (GET /documents lists them)",
        )
    document = pipeline.documents.get(doc_id)
    if document is None:
        raise ApiError(404, "not_found", f"no document with id {doc_id!r}: GET /documents lists the documents")
    return JSONResponse(document_payload(document))
