"""`qa` entry point: global options build the one Settings object; commands live in their modules."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from ..settings import EmbedderName, Settings
from ..console import configure_logging
from .common import settings_error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus-dir", type=click.Path(path_type=Path), help="Source documents (QA_CORPUS_DIR).")
@click.option("--index-dir", type=click.Path(path_type=Path), help="Where indexes live (QA_INDEX_DIR).")
@click.option(
    "--embedder",
    type=click.Choice([e.value for e in EmbedderName]),
    help="Dense model backend (QA_EMBEDDER).",
)
@click.option("--embedder-model", help="sentence-transformers model name or path (QA_EMBEDDER_MODEL).")
@click.option("--model-cache-dir", type=click.Path(path_type=Path), help="Where e5 ONNX graphs are kept (QA_MODEL_CACHE_DIR).")
@click.option("--reader", type=click.Choice(["combined", "learned", "rules"]), help="Reader that answers (QA_READER).")
@click.option("--no-progress", is_flag=True, help="Hide progress bars.")
@click.option("--log-level", help="DEBUG, INFO, WARNING or ERROR (QA_LOG_LEVEL).")
@click.pass_context
def cli(ctx: click.Context, **options: object) -> None:
    """Ask questions about Chinese IP news and policy documents, with sources."""
    no_progress = options.pop("no_progress")
    try:
        settings = Settings().with_overrides(**options, show_progress=False if no_progress else None)
    except ValidationError as exc:
        raise click.ClickException(settings_error(exc)) from None
    configure_logging(settings.log_level)
    ctx.obj = {"settings": settings}


def _register() -> None:
    from . import add_cmd, ask_cmd, bench_cmd, eval_cmd, index_cmd, reader_cmd, search_cmd, serve_cmd

    for module in (index_cmd, add_cmd, search_cmd, ask_cmd, eval_cmd, serve_cmd, bench_cmd, reader_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="qa")
