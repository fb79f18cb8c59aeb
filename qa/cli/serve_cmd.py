"""`qa serve`: the HTTP service and chat page (uvicorn over api.create_app)."""

from __future__ import annotations

import click

from .common import ProgressBars, get_settings, user_errors


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
    from api.server import run
    from ..pipeline import Pipeline

    settings = get_settings(ctx, host=host, port=port)
    # load here rather than in the app's lifespan so index problems are one-line messages and the
    # build shows its progress; the app then serves this pipeline
    with user_errors():
        pipeline = Pipeline.load(settings, rebuild_stale=rebuild_stale, progress=ProgressBars(settings.show_progress))
    app = create_app(settings, pipeline)
    click.echo(f"serving on http://{settings.host}:{settings.port}/ (Ctrl+C stops)", err=True)
    run(app, settings)  # uvicorn, with header/body timeouts and the connection cap (api/server.py)


COMMANDS = [serve_command]
