"""Write an EvalReport as JSON (the machine-readable record) and Markdown (for people)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .results import EvalReport, GroupRow

RETRIEVAL_COLUMNS = (("R@1", "recall_1"), ("R@5", "recall_5"), ("R@10", "recall_10"), ("MRR@10", "mrr_10"), ("nDCG@10", "ndcg_10"))
MAX_CELL = 120


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _ratio(value: float | None, part: int, whole: int) -> str:
    return f"{_num(value)} ({part}/{whole})"


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _breakdown(title: str, rows: list[GroupRow], retrievers: list[str]) -> list[str]:
    header = [title, "n", "answerable"] + [f"R@5 {r}" for r in retrievers] + ["EM", "F1", "accuracy"]
    body = [
        [_cell(row.key), str(row.n), str(row.answerable)]
        + [_num(row.recall_5.get(r)) for r in retrievers]
        + [_num(row.em), _num(row.f1), _num(row.accuracy)]
        for row in rows
    ]
    return [f"### By {title}", ""] + _table(header, body) + [""]


def render_markdown(report: EvalReport, name: str) -> str:
    c, a = report.config, report.answers
    fingerprint = (c.corpus_fingerprint or "n/a")[:16]
    lines = [
        f"# Evaluation report: {name}",
        "",
        f"- run {c.started}, {c.duration_s:.1f}s; qa {c.qa_version}, backend `{c.backend}`",
        f"- reader `{c.reader}`; embedder `{c.embedder}`; fusion `{c.fusion}` (rrf k={c.rrf_k}), {c.candidates} candidates per list",
        f"- index build `{c.index_build}`, corpus fingerprint `{fingerprint}`",
        f"- questions `{c.question_set}` ({a.questions}, {a.answerable} answerable)"
        + (f", conversations `{c.conversation_set}`" if c.conversation_set else "")
        + (f"; limited to the first {c.limit}" if c.limit else ""),
        f"- answers from `{c.answer_retriever}` retrieval, top_k={c.top_k}; a turn or question counts as correct "
        f"with EM 1 or F1 ≥ {c.correct_f1}, or an abstention where the corpus does not say",
        "",
    ]
    lines += summary_lines(report)
    retrievers = list(report.retrieval)
    lines += ["## Breakdown (questions)", ""]
    for key, title in (("type", "type"), ("variant", "variant"), ("document", "document")):
        lines += _breakdown(title, report.breakdown.get(key, []), retrievers)

    lines += [f"## Failing cases ({len(report.failures)})", ""]
    if report.held_out:
        lines.append("not listed: this set is held out, so its reports keep the aggregates above and never a question or an answer")
    elif report.failures:
        body = [[f.id, _cell(f.question), _cell(f.expected), _cell(f.got), _cell(f.reason)] for f in report.failures]
        lines += _table(["id", "question", "expected", "got", "reason"], body)
    else:
        lines.append("none")
    return "\n".join(lines) + "\n"


def summary_lines(report: EvalReport) -> list[str]:
    """The retrieval table and the answer metrics: the part of the report a person reads first."""
    c, a, conv = report.config, report.answers, report.conversations
    lines = [
        f"## Retrieval (answerable questions, top {c.retrieval_depth})",
        "",
    ]
    retrievers = list(report.retrieval)
    rows = [[label] + [_num(getattr(report.retrieval[r], attr)) for r in retrievers] for label, attr in RETRIEVAL_COLUMNS]
    n = next(iter(report.retrieval.values())).n if report.retrieval else 0
    lines += _table([f"metric (n={n})"] + retrievers, rows) + [""]

    answer_rows = [
        ["EM (answerable)", _num(a.em)],
        ["F1 (answerable)", _num(a.f1)],
        ["accuracy (all questions)", _num(a.accuracy)],
        ["abstention precision", _ratio(a.abstention_precision, a.correct_abstentions, a.abstained)],
        ["abstention recall", _ratio(a.abstention_recall, a.correct_abstentions, a.unanswerable)],
        ["citation faithfulness", _ratio(a.citation_faithfulness, a.faithful, a.answered)],
    ]
    if a.errors:
        answer_rows.append(["pipeline errors (see failing cases)", str(a.errors)])
    if conv is not None:
        answer_rows += [
            ["conversation turn accuracy", _ratio(conv.turn_accuracy, conv.correct_turns, conv.turns)],
            ["conversation EM / F1 (answerable turns)", f"{_num(conv.em)} / {_num(conv.f1)}"],
            ["conversations with every turn correct", f"{conv.conversations_all_correct}/{conv.conversations}"],
        ]
    lines += ["## Answers", ""] + _table(["metric", "value"], answer_rows) + [""]
    if a.reliability:
        rows = [[r["bin"], str(r["count"]), f"{r['confidence']:.3f}", f"{r['accuracy']:.3f}"] for r in a.reliability]
        lines += [
            f"### Calibration of `confidence` (answered questions; expected calibration error {a.ece:.3f})",
            "",
        ] + _table(["confidence", "answers", "mean confidence", "share right"], rows) + [""]
    return lines


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_json(report: EvalReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write_reports(report: EvalReport, out_dir: Path, name: str) -> tuple[Path, Path]:
    """Write <out_dir>/<name>.json and <name>.md; returns their paths."""
    json_path, md_path = out_dir / f"{name}.json", out_dir / f"{name}.md"
    _write_atomic(json_path, report_json(report))
    markdown = render_markdown(report, name)
    if name == "latest":  # the dense models compared (qa eval-embedders) stay in the main report
        from .embedder_compare import load, splice

        compared = load(out_dir)
        markdown = splice(markdown, compared) if compared else markdown
    _write_atomic(md_path, markdown)
    return json_path, md_path
