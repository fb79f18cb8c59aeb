"""POST /search: retrieval only, the ranked passages."""

# no `from __future__ import annotations`: FastAPI reads the per-app request model from the signature

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response

from ..deps import ApiKey, PipelineDep, run_in_budget
from ..schemas import ErrorResponse, RequestModels, SearchResponse

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 413, 422, 503, 504)}


def router(models: RequestModels) -> APIRouter:
    api = APIRouter(tags=["search"], dependencies=[ApiKey])
    SearchRequest = models.search

    @api.post("/search", response_model=None, responses={200: {"model": SearchResponse}, **ERRORS})
    async def search(request: Request, pipeline: PipelineDep, body: SearchRequest = Body()) -> Response:  # type: ignore[valid-type]
        """The passages that best match `query` (no answer extraction)."""
        call = ("search", (body.query, body.retriever, body.top_k))
        return Response(await run_in_budget(request, pipeline, call, "searching"), media_type="application/json")

    return api
