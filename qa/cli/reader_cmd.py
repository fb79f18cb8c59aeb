"""`qa train-reader`, `qa calibrate-reader` and `qa eval-mrc`: the learned reader's own commands."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from ..settings import PROJECT_ROOT, ReaderName
from ..console import ProgressBars
from .common import get_settings, user_errors

log = logging.getLogger(__name__)

MRC_DIR = PROJECT_ROOT.parent / "shared" / "data" / "mrc"
DEFAULT_TRAIN = [MRC_DIR / "DRCD_dev.json", MRC_DIR / "cmrc2018_trial.json"]
FILE = click.Path(path_type=Path, dir_okay=False, exists=True)


@click.command("train-reader")
@click.argument("files", nargs=-1, type=FILE)
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True, help="Where the checkpoint and the model go (resumes from a checkpoint there).")
@click.option("--layers", type=click.IntRange(1, 12), default=12, show_default=True, help="Encoder layers of e5-small to keep.")
@click.option("--epochs", type=click.FloatRange(min=0.01), default=3.0, show_default=True)
@click.option("--batch-size", type=click.IntRange(1, 256), default=16, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=1e-4, show_default=True)
@click.option("--max-len", type=click.IntRange(64, 512), default=256, show_default=True, help="Tokens per window.")
@click.option("--max-minutes", type=click.FloatRange(min=0, min_open=True), help="Stop and export after this long.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N questions (smoke runs).")
@click.option("--valid-size", type=click.IntRange(min=0), default=300, show_default=True, help="Questions held out to report progress on.")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--max-answer-chars", type=click.IntRange(min=1), default=20, show_default=True, help="Gold answers longer than this are not trained on.")
@click.option("--simplify", type=click.FloatRange(0, 1), default=0.5, show_default=True, help="Share of Traditional-script paragraphs converted to Simplified.")
@click.option("--english", type=click.FloatRange(0, 1), default=0.15, show_default=True, help="Share of training questions read as their English gloss (CC-CEDICT), redrawn each epoch.")
@click.option("--no-bf16", is_flag=True, help="Train in fp32 (bf16 autocast is used where the CPU has it).")
def train_reader_command(files: tuple[Path, ...], out_dir: Path, layers: int, epochs: float, batch_size: int, lr: float,
                         max_len: int, max_minutes: float | None, limit: int | None, valid_size: int, seed: int,
                         max_answer_chars: int, simplify: float, english: float, no_bf16: bool) -> None:
    """Train the extractive span model from SQuAD-format FILES (default: DRCD dev and CMRC 2018
    trial from ../shared/data/mrc). Needs the train extra: pip install -e '.[train]'."""
    try:
        from ..reader.training import TrainConfig, train
    except ImportError as exc:
        raise click.ClickException(f"training needs torch ({exc}): pip install -e '.[train]'") from None
    paths = [str(p) for p in files] or [str(p) for p in DEFAULT_TRAIN]
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise click.ClickException(f"no such training file: {', '.join(missing)}; name SQuAD-format files as arguments")
    cfg = TrainConfig(
        train_files=paths, out_dir=str(out_dir), layers=layers, epochs=epochs, batch_size=batch_size, lr=lr,
        max_len=max_len, stride=max_len // 2, max_minutes=max_minutes, limit=limit, valid_size=valid_size, seed=seed,
        max_answer_chars=max_answer_chars, simplify=simplify, english=english, bf16=not no_bf16,
    )
    with user_errors():
        report = train(cfg, progress=lambda msg: click.echo(msg, err=True))
    click.echo(json.dumps({"out": str(out_dir), "steps": report.steps, "seconds": report.seconds, "held_out": report.valid}, ensure_ascii=False))


@click.command("calibrate-reader")
@click.argument("files", nargs=-1, type=FILE)
@click.option("--model", "model_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), required=True, help="Model directory whose reader.json gets the calibration.")
@click.option("--limit", type=click.IntRange(min=1), default=600, show_default=True, help="Questions to fit on.")
def calibrate_reader_command(files: tuple[Path, ...], model_dir: Path, limit: int) -> None:
    """Fit the confidence of the learned reader (a logistic curve over its span-vs-no-answer
    margin) on SQuAD-format FILES: each question with its own paragraph and with another one."""
    from ..reader.calibration import calibrate

    paths = [str(p) for p in files] or [str(p) for p in DEFAULT_TRAIN]
    with user_errors():
        result = calibrate(model_dir, paths, limit)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


@click.command("fit-combiner")
@click.argument("sets", nargs=-1, type=FILE, required=True)
@click.option("--model", "model_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), required=True, help="Model directory whose reader.json gets the combiner.")
@click.option("--mrc", "mrc_files", multiple=True, type=FILE, help="SQuAD-format files whose questions, asked openly over their paragraphs, make one more set (general text): the held-out paragraphs when they are the model's training files. Repeatable.")
@click.option("--mrc-limit", type=click.IntRange(min=1), default=300, show_default=True, help="Questions of the --mrc set.")
@click.pass_context
def fit_combiner_command(ctx: click.Context, sets: tuple[Path, ...], model_dir: Path, mrc_files: tuple[Path, ...], mrc_limit: int) -> None:
    """Choose how the combined reader decides, and fit its confidence, on eval SETS (questions.jsonl
    files; a conversations.jsonl and a docs/ folder beside a set are used too) and, with --mrc, on
    reading-comprehension questions the model was not trained on. Each set weighs the same; with
    --mrc, no eval set may lose more than 0.01 of accuracy against the choice fitted without the
    general text. Use dev sets, never the test split you report."""
    from ..reader import combiner_fit

    settings = get_settings(ctx)
    with user_errors():
        readings = {str(path): combiner_fit.read_set(path, model_dir, settings) for path in sets}
        if mrc_files:
            name = "mrc:" + ",".join(f.name for f in mrc_files)
            readings[name] = combiner_fit.read_mrc(list(mrc_files), model_dir, settings, mrc_limit)
        # with general text in the fit, the eval sets (the product's own kind of documents) are guarded
        fitted = combiner_fit.fit(readings, tuple(str(path) for path in sets) if mrc_files else ())
        combiner_fit.write(model_dir, fitted)
    click.echo(json.dumps(fitted, ensure_ascii=False, indent=1))


@click.command("eval-mrc")
@click.argument("file", type=FILE)
@click.option("--mode", type=click.Choice(["reading", "open", "both"]), default="both", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="A spread-out sample of N questions (default: all).")
@click.option("--reader", type=click.Choice([r.value for r in ReaderName]), help="Reader for open mode (QA_READER).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=PROJECT_ROOT / "eval" / "reports", show_default="eval/reports")
@click.option("--name", help="Report name without extension [default: mrc-<file stem>].")
@click.pass_context
def eval_mrc_command(ctx: click.Context, file: Path, mode: str, limit: int | None, reader: str | None, out_dir: Path, name: str | None) -> None:
    """Score reading comprehension on a SQuAD-format FILE: `reading` gives the gold paragraph to
    the learned span model; `open` indexes every paragraph as a document and asks the pipeline."""
    from ..evaluation import mrc
    from ..pipeline import Pipeline
    from ..reader.squad import load_squad

    settings = get_settings(ctx, reader=reader)
    with user_errors():
        examples = mrc.sample(load_squad(file), limit)
    bars = ProgressBars(settings.show_progress)
    reports = []
    if mode in ("reading", "both"):
        from ..reader import reader_from_settings

        learned = reader_from_settings(settings, ReaderName.learned.value)
        with user_errors():
            learned.warm_up()
            reports.append(mrc.run_reading(file.name, examples, learned.read_paragraph, lambda d, t: bars("reading", d, t)))
    if mode in ("open", "both"):
        corpus = mrc.paragraph_corpus(load_squad(file), settings.index_dir)
        open_settings = settings.with_overrides(corpus_dir=corpus, index_dir=corpus.parent / "index", rebuild_stale=True)
        with user_errors():
            pipeline = Pipeline.load(open_settings, progress=bars)

            def ask(question: str) -> str | None:
                return pipeline.ask(question).answer

            reports.append(mrc.run_open(file.name, examples, ask, open_settings.reader.value, lambda d, t: bars("open", d, t)))
    from dataclasses import replace

    from ..reader.span_model import fingerprint

    reports = [replace(r, model=fingerprint(settings.reader_model)) for r in reports]
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = name or f"mrc-{file.stem}"
    (out_dir / f"{stem}.json").write_text(
        json.dumps([mrc.report_dict(r) for r in reports], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out_dir / f"{stem}.md").write_text(mrc.markdown(reports), encoding="utf-8")
    for r in reports:
        click.echo(f"{r.mode}: {r.questions} questions, EM {r.em}, F1 {r.f1}, abstained {r.abstention_rate:.1%}, median {r.median_ms} ms")
    click.echo(f"wrote {out_dir / stem}.json and .md", err=True)


@click.command("reader-report")
@click.option("--reports", "reports_dir", type=click.Path(path_type=Path, file_okay=False), default=PROJECT_ROOT / "eval" / "reports", show_default="eval/reports")
@click.pass_context
def reader_report_command(ctx: click.Context, reports_dir: Path) -> None:
    """Write eval/reports/reader.md from the model's reader.json and the eval reports."""
    from ..evaluation.reader_report import write
    from ..reader.span_model import SHIPPED

    settings = get_settings(ctx)
    out = write(reports_dir, settings.reader_model or SHIPPED)
    click.echo(f"wrote {out}", err=True)


COMMANDS = [
    train_reader_command, calibrate_reader_command, fit_combiner_command, eval_mrc_command, reader_report_command,
]
