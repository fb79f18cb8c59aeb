"""The app factory: settings and the pipeline live on app.state; the pipeline is loaded once, in
the lifespan (never at import), unless a ready one is passed in (tests, `qa serve`)."""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Callable

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from qa import __version__
from qa.index_store import IndexError_
from qa.pipeline import Pipeline
from qa.settings import Settings

from .admission import Admission, AdmissionMiddleware
from .deps import PIPELINE_CONCURRENCY
from .errors import install_error_handlers
from .middleware import ServiceMiddleware
from .routes import admin, ask, documents, health, search, upload
from .schemas import request_models

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    *,
    rebuild_stale: bool = True,
) -> FastAPI:
    """The HTTP service. Without `pipeline`, the lifespan loads one from `settings` (building the
    index when missing, rebuilding it when stale unless rebuild_stale=False)."""
    settings = settings or (pipeline.settings if pipeline is not None else Settings())
    app = FastAPI(
        title="IP policy QA",
        version=__version__,
        description="Answers with citations over Chinese intellectual-property news and policy documents.",
        lifespan=_lifespan(settings, rebuild_stale),
    )
    app.state.settings = settings
    app.state.pipeline = pipeline
    install_error_handlers(app)
    _add_routes(app, settings)
    _add_middleware(app, settings)
    return app


def _lifespan(settings: Settings, rebuild_stale: bool) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Admission slots and the reload lock; the pipeline, loaded here unless the app was given one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pipeline_slots = threading.BoundedSemaphore(PIPELINE_CONCURRENCY)
        app.state.reload_lock = anyio.Lock()
        if app.state.pipeline is None:
            log.info("loading the index from %s", settings.index_dir)
            try:
                app.state.pipeline = await anyio.to_thread.run_sync(
                    lambda: Pipeline.load(settings, rebuild_stale=rebuild_stale)
                )
            except IndexError_ as exc:
                log.error("cannot start: %s", exc)
                raise
        index = app.state.pipeline.index
        log.info("serving index %s: %d documents, %d chunks", index.name, len(index.documents), len(index.chunks))
        yield

    return lifespan


def _add_routes(app: FastAPI, settings: Settings) -> None:
    """The API's routes (the admin ones listed only when enabled), the chat page and its files."""
    models = request_models(settings)
    app.include_router(ask.router(models))
    app.include_router(search.router(models))
    app.include_router(documents.router)
    app.include_router(health.router)
    app.include_router(upload.router, include_in_schema=bool(settings.admin_key))  # POST /documents, admin only
    app.include_router(admin.router, include_in_schema=bool(settings.admin_key))  # listed only when enabled

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """CORS when origins are set, admission control, then the service middleware (outermost)."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    # one admission state, read by the middleware and by `qa serve`'s protocol (api/server.py)
    app.state.admission = Admission(settings.max_in_flight, settings.max_queued, settings.queue_timeout_s)
    app.add_middleware(AdmissionMiddleware, admission=app.state.admission)
    app.add_middleware(ServiceMiddleware, max_body_bytes=settings.max_body_bytes, log_bodies=settings.log_request_bodies,
                       body_timeout_s=settings.body_timeout_s, log_format=settings.access_log_format)
