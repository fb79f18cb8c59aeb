"""`qa bench`: latency, throughput, scale and memory figures, written to eval/reports/."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import PROJECT_ROOT
from ..console import ProgressBars
from .common import get_settings, user_errors


@click.command("bench")
@click.option("--quick", is_flag=True, help="Small sizes, a few seconds per part, no 100k corpus (a smoke run).")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT / "eval" / "reports",
    show_default="eval/reports", help="Where bench.json and bench.md go.",
)
@click.option("--http-seconds", type=click.FloatRange(1, 600), help="Length of each HTTP load run (30, quick 3).")
@click.option(
    "--part", type=click.Choice(["all", "embedders", "scale", "ask"]), default="all", show_default=True,
    help="One part alone, written to bench-<part>.json/.md: embedders (throughput and query latency of each "
    "e5 embedder), scale (the --sizes, kept in bench-scale-points.json so the full report includes them) or ask "
    "(seed index build and the hybrid ask latency with the rule reader and with the default reader).",
)
@click.option("--sizes", help="Synthetic corpus sizes for the scale part, comma separated (default 10000,100000; e.g. 1000000).")
@click.pass_context
def bench_command(
    ctx: click.Context, quick: bool, out_dir: Path, http_seconds: float | None, part: str, sizes: str | None
) -> None:
    """Measure build time, cold start, ask latency per retriever and reader, embedding throughput and
    query latency per embedder, 10k/100k-chunk scale (plus any stored 1M point), HTTP load and incremental
    re-indexing, and check them against the targets. Run it on a quiet machine."""
    from ..bench.runner import run_bench

    try:
        size_list = [int(s) for s in sizes.split(",") if s.strip()] if sizes else None
    except ValueError:
        raise click.BadParameter("a comma list of chunk counts, e.g. 1000000", param_hint="--sizes") from None
    if size_list and (part != "scale" or min(size_list) < 100):
        raise click.BadParameter("sizes (each >= 100) go with --part scale", param_hint="--sizes")
    settings = get_settings(ctx)
    bars = ProgressBars(settings.show_progress)
    with user_errors():
        report, json_path, md_path = run_bench(
            settings, out_dir, quick=quick, progress=bars, http_seconds=http_seconds, part=part, sizes=size_list
        )
    bars.close()
    for target in report["targets"]:
        mark = {True: "met", False: "NOT MET", None: "-"}[target["met"]]
        click.echo(f"{mark:>8}  {target['name']}: {target['measured']} (target {target['target']})")
    click.echo(f"wrote {json_path} and {md_path}")


COMMANDS = [bench_command]
