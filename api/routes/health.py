"""GET /health: is the service up, and which index build is it serving."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from qa.index_store import LoadedIndex
from qa.settings import Settings

from ..deps import same_key
from ..errors import ApiError
from ..schemas import ErrorResponse, HealthResponse

router = APIRouter(tags=["health"])


def index_summary(index: LoadedIndex) -> dict[str, Any]:
    """The manifest, minus anything that names a server path."""
    manifest = index.manifest
    return {
        "build": index.name,
        "embedder": manifest.get("embedder"),
        "created": manifest.get("created"),
        "corpus_fingerprint": (manifest.get("corpus") or {}).get("fingerprint"),
        "counts": dict(manifest.get("counts") or {}),
        "skipped": [{"path": s.get("path", ""), "reason": s.get("reason", "")} for s in manifest.get("skipped", [])],
    }


@router.get("/health", response_model=HealthResponse, responses={503: {"model": ErrorResponse}})
async def health(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> JSONResponse:
    """Up or not. With QA_API_KEY set, the build, counts and skipped files are shown only to a caller
    with the key (the rest see {"status": "ok"}).

    `async` and free of threaded dependencies on purpose: it runs on the event loop, outside
    admission control and the worker threads, so overload cannot hold it up."""
    pipeline = getattr(request.app.state, "pipeline", None)
    if pipeline is None:
        raise ApiError(503, "unavailable", "the index is not loaded yet: try again in a moment")
    settings: Settings = request.app.state.settings
    if settings.api_key and not same_key(x_api_key, settings.api_key):
        return JSONResponse({"status": "ok"})
    index = pipeline.index
    return JSONResponse({
        "status": "ok",
        "documents": len(index.documents),
        "chunks": len(index.chunks),
        "index": index_summary(index),
    })
