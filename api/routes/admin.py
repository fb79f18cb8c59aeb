"""POST /admin/reload: swap in the current index build (optionally building it first).

Needs settings.admin_key (header X-Admin-Key); without one configured the route answers 404.
Requests in flight finish on the old index (Pipeline.reload swaps atomically)."""

from __future__ import annotations

import logging

import anyio
from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from qa.embedders import make_embedder
from qa.index_store import IndexError_, build_index

from ..deps import AdminKey, PipelineDep, index_error
from ..errors import ApiError
from ..schemas import ErrorResponse, ReloadRequest, ReloadResponse
from .health import index_summary

log = logging.getLogger(__name__)

router = APIRouter(tags=["admin"], dependencies=[AdminKey])


@router.post(
    "/admin/reload",
    response_model=None,
    responses={200: {"model": ReloadResponse}, **{c: {"model": ErrorResponse} for c in (400, 401, 403, 404, 409, 413, 422, 503)}},
)
async def reload(request: Request, pipeline: PipelineDep, body: ReloadRequest | None = Body(default=None)) -> JSONResponse:
    """Reload the index from disk; with {"rebuild": true}, build a new one from the corpus first."""
    rebuild = bool(body and body.rebuild)
    lock: anyio.Lock = request.app.state.reload_lock
    if lock.locked():
        raise ApiError(409, "reload_running", "a reload is already running: wait for it to finish")
    async with lock:
        def work() -> None:
            if rebuild:
                build_index(pipeline.settings, make_embedder(pipeline.settings, for_indexing=True))
            pipeline.reload()

        try:
            await anyio.to_thread.run_sync(work)
        except (IndexError_, ) as exc:
            raise index_error(exc) from None
        except (OSError, ValueError) as exc:
            log.error("reload failed: %s", exc)
            raise ApiError(503, "reload_failed", "the index could not be rebuilt or loaded; the previous index "
                           "is still served (see the server log)") from None
    log.info("admin reload: now serving %s (rebuilt: %s)", pipeline.index.name, rebuild)
    return JSONResponse({"status": "reloaded", "rebuilt": rebuild, "index": index_summary(pipeline.index)})
