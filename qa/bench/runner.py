"""Runs the bench sections in order and writes the report."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from ..settings import ReaderName, Settings
from .common import Progress, load_questions, no_progress
from .http_load import run_http
from .incremental import run_incremental
from .machine import load_average, machine_info
from .report import write_report
from .embedders import run_embedders
from .scale import run_scale
from .stored import merge_stored, save_points
from .seed import ask_latency, build_seed_index, cold_start, reader_latency

log = logging.getLogger(__name__)
FULL_SIZES = [10_000, 100_000]
QUICK_SIZES = [2_000]


PARTS = ("all", "embedders", "scale", "ask")


def _header(settings: Settings, quick: bool, part: str) -> dict:
    return {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": quick,
        "part": part,
        "machine": machine_info(),
        "settings": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in settings.model_dump(
                include={"reader", "embedder", "embedder_model", "query_threads", "index_threads", "embed_batch_size",
                         "chunk_size", "chunk_overlap", "candidates", "top_k", "rrf_k", "hnsw_threshold", "hnsw_m",
                         "hnsw_ef_search", "query_cache_size", "answer_cache_size", "corpus_dir"}, mode="json",
            ).items()
        },
    }


def run_bench(
    settings: Settings, out_dir: Path, quick: bool = False, progress: Progress = no_progress,
    http_seconds: float | None = None, part: str = "all", sizes: list[int] | None = None,
) -> tuple[dict, Path, Path]:
    """The whole bench (`all`), or one part: `embedders` (throughput and query latency per embedder),
    `scale` (the synthetic sizes given, kept in bench-scale-points.json for the full report) or `ask` (the
    seed index build and the rule reader's hybrid ask latency)."""
    if part not in PARTS:
        raise ValueError(f"unknown bench part {part!r}: use {', '.join(PARTS)}")
    started = time.perf_counter()
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
    # every child process and temporary index shares one cache of the e5 ONNX graphs
    settings = settings.with_overrides(model_cache_dir=settings.models_dir)
    report = _header(settings, quick, part)
    questions = load_questions(limit=40 if quick else None)
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        work = Path(tmp)
        if part in ("all", "embedders"):
            log.info("bench: embedders")
            report["embedders"] = run_embedders(settings, questions, work / "embedders", quick, progress)
        if part == "all":
            _seed_http_incremental(settings, report, questions, work, quick, progress, http_seconds)
        if part == "ask":  # the seed index, and hybrid ask with the rule reader and the default one (minutes)
            report["seed"] = {"build": build_seed_index(settings, work / "seed-index"), "reader": settings.reader.value}
            readers = tuple(dict.fromkeys((ReaderName.rules, settings.reader)))
            report["readers"] = reader_latency(settings, work / "seed-index", questions, progress, readers)
        if part in ("all", "scale"):
            log.info("bench: scale")
            scale = run_scale(
                settings, sizes or (QUICK_SIZES if quick else FULL_SIZES), questions, work / "scale", quick, progress,
                settings.show_progress,
            )
            if not quick:
                save_points(out_dir, scale, report["machine"])
            report["scale"] = merge_stored(scale, out_dir) if not quick else scale
    report["load_average_end"] = load_average()
    report["seconds"] = round(time.perf_counter() - started, 1)
    json_path, md_path = write_report(report, out_dir, part)
    return report, json_path, md_path


def _seed_http_incremental(
    settings: Settings, report: dict, questions: list[str], work: Path, quick: bool, progress: Progress,
    http_seconds: float | None,
) -> None:
    index_dir = work / "seed-index"
    log.info("bench: seed corpus")
    report["seed"] = {"build": build_seed_index(settings, index_dir)}
    report["seed"]["cold_start"] = cold_start(settings, index_dir, runs=1 if quick else 5, progress=progress)
    report["seed"]["ask"] = ask_latency(settings, index_dir, questions, progress)
    report["readers"] = reader_latency(settings, index_dir, questions, progress)
    log.info("bench: HTTP")
    report["http"] = run_http(
        settings, index_dir, questions, http_seconds or (3.0 if quick else 30.0), work / "http", progress
    )
    log.info("bench: incremental re-index")
    report["incremental"] = run_incremental(settings, work / "incremental")
