"""`qa search`: retrieval only."""

from __future__ import annotations

import click

from ..contract import SearchResponse, payload
from ..pipeline import Pipeline
from ..settings import RetrieverName
from ..console import ProgressBars
from .common import get_settings, print_json, user_errors

RETRIEVERS = click.Choice([r.value for r in RetrieverName])


def load_pipeline(ctx: click.Context, warm_up: bool = True, **overrides: object) -> Pipeline:
    """The pipeline for a command. warm_up=False for one-shot commands (`ask`, `search`): a model
    loads when the question needs it (the learned reader not at all where the rules answer), which
    is what a cold start measures."""
    settings = get_settings(ctx, **overrides)
    with user_errors():
        return Pipeline.load(settings, progress=ProgressBars(settings.show_progress), warm_up=warm_up)


@click.command("search")
@click.argument("query")
@click.option("--retriever", type=RETRIEVERS, help="hybrid (default), bm25 or dense.")
@click.option("--top-k", type=click.IntRange(1, 50), help="How many passages.")
@click.option("--json", "as_json", is_flag=True, help="Print the /search payload.")
@click.pass_context
def search_command(ctx: click.Context, query: str, retriever: str | None, top_k: int | None, as_json: bool) -> None:
    """Show the passages that best match QUERY."""
    if not query.strip():
        raise click.BadParameter("the query is empty", param_hint="QUERY")
    pipeline = load_pipeline(ctx, warm_up=False)
    with user_errors():
        result = pipeline.search(query, RetrieverName(retriever) if retriever else None, top_k)
    if as_json:
        print_json(payload(SearchResponse.from_result(result)))
        return
    if not result.passages:
        click.echo("no passage matches")
    for p in result.passages:
        ranks = f"bm25 #{p.bm25_rank or '-'}, dense #{p.dense_rank or '-'}"
        click.secho(f"[{p.rank}] {p.title} ({p.chunk_id}) score {p.score:.4f} ({ranks})", bold=True)
        click.echo(f"    {p.text}")


COMMANDS = [search_command]
