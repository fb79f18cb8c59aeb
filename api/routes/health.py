"""GET /health: is the service up, and which index build is it serving."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from qa.index_store import LoadedIndex

from ..deps import PipelineDep
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


@router.get("/health", response_model=None, responses={200: {"model": HealthResponse}, 503: {"model": ErrorResponse}})
def health(pipeline: PipelineDep) -> JSONResponse:
    index = pipeline.index
    return JSONResponse({
        "status": "ok",
        "documents": len(index.documents),
        "chunks": len(index.chunks),
        "index": index_summary(index),
    })
