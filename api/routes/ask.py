"""POST /ask: an answer with citations, or an abstention with its reason."""

# no `from __future__ import annotations`: FastAPI reads the per-app request model from the signature

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response

from qa.contract import AskResponse
from qa.types import Turn

from ..deps import ApiKey, PipelineDep, run_in_budget
from ..schemas import ErrorResponse, RequestModels

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 413, 422, 503, 504)}


def router(models: RequestModels) -> APIRouter:
    api = APIRouter(tags=["ask"], dependencies=[ApiKey])
    AskRequest = models.ask

    @api.post("/ask", response_model=AskResponse, responses=ERRORS)
    async def ask(request: Request, pipeline: PipelineDep, body: AskRequest = Body()) -> Response:  # type: ignore[valid-type]
        """Answer a question from the corpus; `history` carries the earlier turns of a chat."""
        # the body is AskResponse as rendered by qa.pipeline_process.perform: sent as it is, not validated again
        history = [Turn(turn.role, turn.content) for turn in body.history]
        call = ("ask", (body.question, history, body.retriever, body.top_k))
        return Response(await run_in_budget(request, pipeline, call, "answering"), media_type="application/json")

    return api
