"""`qa index`: build (or refresh) the index from the corpus."""

from __future__ import annotations

import click

from ..embedders import make_embedder
from ..index_store import IndexConfig, build_index, load_index
from ..settings import Backend
from ..console import ProgressBars
from .common import get_settings, print_json, user_errors


@click.command("index")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.pass_context
def index_command(ctx: click.Context, as_json: bool) -> None:
    """Build the index from the corpus (only new or changed chunks are embedded)."""
    settings = get_settings(ctx)
    bars = ProgressBars(settings.show_progress)
    with user_errors():
        embedder = make_embedder(settings, for_indexing=True)
        config = IndexConfig.from_settings(settings)
        report = build_index(config, embedder, progress=bars)
        synced = None
        if settings.backend is Backend.milvus:  # push the new build to Milvus (only what changed)
            from ..milvus_backend import MilvusConfig, sync_to_milvus

            synced = sync_to_milvus(MilvusConfig.from_settings(settings), load_index(config, embedder), progress=bars)
    bars.close()
    if as_json:
        print_json(
            {
                "build": report.name,
                "documents": report.documents,
                "chunks": report.chunks,
                "embedded": report.embedded,
                "reused": report.reused,
                "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
                "document_metadata": list(report.metadata),
                "seconds": round(report.seconds, 3),
            }
            | (
                {"milvus": {"collection": synced.collection, "upserted": synced.upserted, "deleted": synced.deleted}}
                if synced
                else {}
            )
        )
        return
    click.echo(
        f"indexed {report.documents} documents into {report.chunks} chunks "
        f"({report.embedded} embedded, {report.reused} from cache) in {report.seconds:.1f}s -> {settings.index_dir}"
    )
    if synced:
        click.echo(
            f"synced to Milvus collection {synced.collection}: {synced.upserted} upserted, {synced.deleted} deleted"
        )
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}")


COMMANDS = [index_command]
