"""`qa bench`: latency, throughput, scale and memory figures, written to eval/reports/."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import PROJECT_ROOT
from .common import ProgressBars, get_settings, user_errors


@click.command("bench")
@click.option("--quick", is_flag=True, help="Small sizes, a few seconds per part, no 100k corpus (a smoke run).")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT / "eval" / "reports",
    show_default="eval/reports", help="Where bench.json and bench.md go.",
)
@click.option("--http-seconds", type=click.FloatRange(1, 600), help="Length of each HTTP load run (30, quick 3).")
@click.pass_context
def bench_command(ctx: click.Context, quick: bool, out_dir: Path, http_seconds: float | None) -> None:
    """Measure build time, cold start, ask latency per retriever, 10k/100k-chunk scale, HTTP load and
    incremental re-indexing, and check them against the targets. Run it on a quiet machine."""
    from ..bench.runner import run_bench

    settings = get_settings(ctx)
    bars = ProgressBars(settings.show_progress)
    with user_errors():
        report, json_path, md_path = run_bench(settings, out_dir, quick=quick, progress=bars, http_seconds=http_seconds)
    bars.close()
    for target in report["targets"]:
        mark = {True: "met", False: "NOT MET", None: "-"}[target["met"]]
        click.echo(f"{mark:>8}  {target['name']}: {target['measured']} (target {target['target']})")
    click.echo(f"wrote {json_path} and {md_path}")


COMMANDS = [bench_command]
