"""`qa serve`: the HTTP service and chat page (uvicorn over api.create_app)."""

from __future__ import annotations

import click

from ..console import ProgressBars
from .common import get_settings, user_errors


@click.command("serve")
@click.option("--host", help="Interface to listen on (QA_HOST, default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (QA_PORT, default 8000).")
@click.option(
    "--rebuild-stale/--no-rebuild-stale",
    default=True,
    show_default=True,
    help="Rebuild the index when the corpus or settings changed, instead of refusing to start.",
)
@click.pass_context
def serve_command(ctx: click.Context, host: str | None, port: int | None, rebuild_stale: bool) -> None:
    """Serve POST /ask, /search, /documents, /health and the chat page at /.

    The index is built first when missing (progress on stderr)."""
    from api import create_app
    from api.deps import PIPELINE_CONCURRENCY
    from api.server import run
    from ..milvus_backend import is_local
    from ..pipeline import Pipeline
    from ..pipeline_process import PipelineProcess
    from ..settings import Backend

    settings = get_settings(ctx, host=host, port=port)
    # load here rather than in the app's lifespan so index problems are one-line messages and the
    # build shows its progress; the app then serves this pipeline
    # the questions are answered in a child process, so that their computing never holds up the event
    # loop (qa/pipeline_process.py); but a Milvus Lite database opens in one process only, so with it
    # they are answered here, in worker threads
    in_child = not (settings.backend is Backend.milvus and is_local(settings.milvus_uri))
    with user_errors():
        pipeline = Pipeline.load(settings, rebuild_stale=rebuild_stale, progress=ProgressBars(settings.show_progress),
                                 warm_up=not in_child)
        process = PipelineProcess(settings, PIPELINE_CONCURRENCY) if in_child else None
        if process is not None:
            process.start()
    app = create_app(settings, pipeline)
    app.state.pipeline_process = process
    click.echo(f"serving on http://{settings.host}:{settings.port}/ (Ctrl+C stops)", err=True)
    try:
        run(app, settings)  # uvicorn, with header/body timeouts and the connection cap (api/server.py)
    finally:
        if process is not None:
            process.close()


COMMANDS = [serve_command]
