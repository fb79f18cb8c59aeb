"""Runs the bench sections in order and writes the report."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from ..settings import Settings
from .common import Progress, load_questions, no_progress
from .http_load import run_http
from .incremental import run_incremental
from .machine import load_average, machine_info
from .report import write_report
from .scale import run_scale
from .seed import ask_latency, build_seed_index, cold_start, reader_latency

log = logging.getLogger(__name__)
FULL_SIZES = [10_000, 100_000]
QUICK_SIZES = [2_000]


def run_bench(
    settings: Settings, out_dir: Path, quick: bool = False, progress: Progress = no_progress,
    http_seconds: float | None = None,
) -> tuple[dict, Path, Path]:
    started = time.perf_counter()
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
    report: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": quick,
        "machine": machine_info(),
        "settings": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in settings.model_dump(
                include={"reader", "embedder", "embedder_model", "query_threads", "index_threads", "chunk_size",
                         "chunk_overlap", "candidates", "top_k", "rrf_k", "hnsw_threshold", "hnsw_m",
                         "hnsw_ef_search", "query_cache_size", "answer_cache_size", "corpus_dir"}, mode="json",
            ).items()
        },
    }
    questions = load_questions(limit=40 if quick else None)
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        work = Path(tmp)
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
        log.info("bench: scale")
        report["scale"] = run_scale(
            settings, QUICK_SIZES if quick else FULL_SIZES, questions, work / "scale", quick, progress,
            settings.show_progress,
        )
    report["load_average_end"] = load_average()
    report["seconds"] = round(time.perf_counter() - started, 1)
    json_path, md_path = write_report(report, out_dir)
    return report, json_path, md_path
