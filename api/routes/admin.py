"""POST /admin/reload: swap in the current index build (optionally building it first).

Needs settings.admin_key (header X-Admin-Key); without one configured the route answers 404.
Requests in flight finish on the old index (Pipeline.reload swaps atomically)."""

from __future__ import annotations

import json
import logging

import anyio
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from qa.embedders import make_embedder
from qa.index_store import IndexBusy, IndexError_, build_index

from ..deps import AdminKey, PipelineDep, index_error, reload_pipeline
from ..errors import MALFORMED_JSON, ApiError
from ..schemas import ErrorResponse, ReloadRequest, ReloadResponse
from .health import index_summary

log = logging.getLogger(__name__)

router = APIRouter(tags=["admin"], dependencies=[AdminKey])


RELOAD_BODY = {
    "required": False,
    "content": {"application/json": {"schema": ReloadRequest.model_json_schema()}},
}
LOCK_WAIT_S = 5.0  # longest wait for another process's `qa index` before answering 409


async def _reload_body(request: Request) -> ReloadRequest | None:
    """The optional JSON body, parsed only here: after the admin key was checked (a body declared in
    the signature would be parsed, and refused, before the key)."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        raise ApiError(400, "malformed_json", MALFORMED_JSON) from None
    if data is None:
        return None
    try:
        return ReloadRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


@router.post(
    "/admin/reload",
    response_model=ReloadResponse,
    responses={c: {"model": ErrorResponse} for c in (400, 401, 403, 404, 409, 413, 422, 503)},
    openapi_extra={"requestBody": RELOAD_BODY},
)
async def reload(request: Request, pipeline: PipelineDep) -> JSONResponse:
    """Reload the index from disk; with {"rebuild": true}, build a new one from the corpus first."""
    body = await _reload_body(request)
    rebuild = bool(body and body.rebuild)
    lock: anyio.Lock = request.app.state.reload_lock
    if lock.locked():
        raise ApiError(409, "reload_running", "a reload is already running: wait for it to finish")
    async with lock:
        def work() -> None:
            if rebuild:
                build_index(pipeline.index_config, make_embedder(pipeline.settings, for_indexing=True),
                            lock_timeout_s=LOCK_WAIT_S)
            reload_pipeline(request, pipeline)

        try:
            await anyio.to_thread.run_sync(work)
        except IndexBusy:
            raise ApiError(409, "build_running", "another index build (`qa index`) is running on the server: "
                           "try again when it has finished") from None
        except (IndexError_, ) as exc:
            raise index_error(exc) from None
        except (OSError, ValueError) as exc:
            log.error("reload failed: %s", exc)
            raise ApiError(503, "reload_failed", "the index could not be rebuilt or loaded; the previous index "
                           "is still served (see the server log)") from None
    log.info("admin reload: now serving %s (rebuilt: %s)", pipeline.index.name, rebuild)
    return JSONResponse({"status": "reloaded", "rebuilt": rebuild, "index": index_summary(pipeline.index)})
