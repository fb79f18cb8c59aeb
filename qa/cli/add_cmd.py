"""`qa add PATH...`: copy documents (files or folders) into the corpus and index them."""

from __future__ import annotations

from pathlib import Path

import click

from ..adding import add_files
from ..embedders import make_embedder
from ..index_store import IndexConfig
from ..console import ProgressBars
from .common import get_settings, print_json, user_errors


@click.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-index", is_flag=True, help="Only copy into the corpus; run `qa index` later.")
@click.pass_context
def add_command(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, no_index: bool) -> None:
    """Add .txt, .md, .html, .pdf and .docx files (or folders of them) to the corpus and index them."""
    settings = get_settings(ctx)
    bars = ProgressBars(settings.show_progress and not as_json)
    with user_errors():
        embedder = None if no_index else make_embedder(settings, for_indexing=True)
        report = add_files(IndexConfig.from_settings(settings), list(paths), embedder, progress=bars)
    bars.close()
    if as_json:
        print_json(report.as_dict())
        return
    for added in report.added:
        if added.doc_id:
            click.echo(f"added {added.source} -> {added.path} as {added.doc_id}: {added.title} "
                       f"({added.published or 'no date'}, {added.origin or 'no source'})")
        else:
            click.echo(f"added {added.source} -> {added.path}")
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}")
    if report.build:
        click.echo(f"indexed: build {report.build}")
    elif not report.added:
        click.echo("nothing added")


COMMANDS = [add_command]
