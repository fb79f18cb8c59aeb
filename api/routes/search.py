"""POST /search: retrieval only, the ranked passages."""

# no `from __future__ import annotations`: FastAPI reads the per-app request model from the signature

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response

from qa.contract import SearchResponse

from ..deps import ApiKey, PipelineDep, run_in_budget
from ..schemas import ErrorResponse, RequestModels

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 413, 422, 503, 504)}


def router(models: RequestModels) -> APIRouter:
    api = APIRouter(tags=["search"], dependencies=[ApiKey])
    SearchRequest = models.search

    @api.post("/search", response_model=SearchResponse, responses=ERRORS)
    async def search(request: Request, pipeline: PipelineDep, body: SearchRequest = Body()) -> Response:  # type: ignore[valid-type]
        """The passages that best match `query` (no answer extraction)."""
        # the body is SearchResponse as rendered by qa.pipeline_process.perform: sent as it is, not validated again
        call = ("search", (body.query, body.retriever, body.top_k))
        return Response(await run_in_budget(request, pipeline, call, "searching"), media_type="application/json")

    return api
