"""Dependencies shared by the routes: the pipeline and settings on app.state, the API keys, and
running pipeline work in a thread within the request's time budget."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Annotated

import anyio
from fastapi import Depends, Header, Request

from qa.index_store import IndexCorrupt, IndexError_, IndexMissing, IndexStale
from qa.pipeline import Pipeline
from qa.pipeline_process import Call, PipelineProcess, PipelineProcessDied, perform
from qa.settings import Settings

from .errors import ApiError

log = logging.getLogger(__name__)


class ClientGone(Exception):
    """The client disconnected before its pipeline work started."""


PIPELINE_CONCURRENCY = 4  # pipeline calls running at once; the rest wait inside their time budget


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_pipeline(request: Request) -> Pipeline:
    pipeline = getattr(request.app.state, "pipeline", None)
    if pipeline is None:
        raise ApiError(503, "unavailable", "the index is not loaded yet: try again in a moment")
    return pipeline


SettingsDep = Annotated[Settings, Depends(get_settings)]
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]


def same_key(given: str | None, expected: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


def require_api_key(settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """When settings.api_key is set, the data routes need the header X-API-Key."""
    if settings.api_key and not same_key(x_api_key, settings.api_key):
        problem = "missing" if x_api_key is None else "wrong"
        raise ApiError(401, "unauthorized", f"{problem} API key: send it in the X-API-Key header",
                       headers={"WWW-Authenticate": "X-API-Key"})


def require_admin_key(settings: SettingsDep, x_admin_key: Annotated[str | None, Header()] = None) -> None:
    """Admin routes exist only when settings.admin_key is set, and need the header X-Admin-Key."""
    if not settings.admin_key:
        raise ApiError(404, "not_found", "admin endpoints are disabled on this server (no admin key configured)")
    if x_admin_key is None:
        raise ApiError(401, "unauthorized", "missing admin key: send it in the X-Admin-Key header")
    if not same_key(x_admin_key, settings.admin_key):
        raise ApiError(403, "forbidden", "wrong admin key")


ApiKey = Depends(require_api_key)
AdminKey = Depends(require_admin_key)


def index_error(exc: IndexError_) -> ApiError:
    """An index problem as a 503 whose message says what to do (the original, which may name
    paths, goes to the log only)."""
    log.error("index unavailable: %s", exc)
    if isinstance(exc, IndexMissing):
        message = "no index has been built: run `qa index` on the server, then reload"
    elif isinstance(exc, IndexStale):
        message = "the index does not match the corpus or settings: rebuild it (`qa index`, or POST /admin/reload with {\"rebuild\": true})"
    elif isinstance(exc, IndexCorrupt):
        message = "the index is unreadable: rebuild it with `qa index`"
    elif type(exc).__name__ == "MilvusUnavailable":  # the optional backend's module may not be importable
        message = "the Milvus server cannot be reached: check that it is running and the service's QA_MILVUS_URI"
    else:
        message = "the index is unavailable: rebuild it with `qa index`"
    return ApiError(503, "index_unavailable", message)


async def run_in_budget(request: Request, pipeline: Pipeline, call: Call, what: str) -> bytes:
    """The response body of `call` ("ask" or "search" and its arguments: qa.pipeline_process.perform),
    computed within settings.request_timeout_s (else 504): in `qa serve`'s pipeline process when the
    app has one (app.state.pipeline_process), else on `pipeline` in a worker thread. Either way a
    worker thread of this process holds a slot for as long as the work runs."""
    settings: Settings = request.app.state.settings
    slots: threading.BoundedSemaphore = request.app.state.pipeline_slots
    process: PipelineProcess | None = getattr(request.app.state, "pipeline_process", None)
    deadline = time.monotonic() + settings.request_timeout_s
    gone: threading.Event | None = getattr(request.state, "client_gone", None)  # set by api.admission

    def in_slot() -> bytes:
        # The slot is taken and given back by the worker thread itself, so work that outlives its
        # request (abandoned at the time budget) still counts against PIPELINE_CONCURRENCY; an
        # anyio limiter would be released at the 504 and let slow work pile up.
        if not slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise TimeoutError
        try:
            if gone is not None and gone.is_set():
                raise ClientGone  # nobody is waiting for this answer any more: do not compute it
            return process.call(call) if process is not None else perform(pipeline, call)
        finally:
            slots.release()

    try:
        with anyio.fail_after(settings.request_timeout_s):
            return await anyio.to_thread.run_sync(in_slot, abandon_on_cancel=True)
    except TimeoutError:
        log.warning("%s took longer than %.1fs", what, settings.request_timeout_s)
        raise ApiError(
            504, "timeout",
            f"{what} took longer than {settings.request_timeout_s:g}s: the server is busy; try again in a moment",
        ) from None
    except IndexError_ as exc:
        raise index_error(exc) from None
    except ClientGone:
        raise ApiError(499, "client_closed", "the client closed the request before it was answered") from None
    except PipelineProcessDied as exc:
        log.error("%s failed: %s", what, exc)
        raise ApiError(503, "unavailable", f"{what} failed: the server is restarting its answering process; "
                       "try again in a moment") from None


def reload_pipeline(request: Request, pipeline: Pipeline) -> str:
    """Swap in the current build (Pipeline.reload), in the pipeline process too when there is one.
    Blocking: call it from a worker thread."""
    name = pipeline.reload()
    process: PipelineProcess | None = getattr(request.app.state, "pipeline_process", None)
    if process is not None:
        try:
            theirs = process.reload()
        except PipelineProcessDied as exc:  # the next call starts a new one, which loads the current build
            log.error("reload: %s", exc)
            return name
        if theirs != name:  # another build became current between the two reloads
            log.warning("the pipeline process reloaded %s, this process %s", theirs, name)
    return name
