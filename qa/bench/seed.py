"""Seed corpus figures: index build, cold start of `qa ask`, in-process ask latency per retriever
with the share of each stage (AskResult.timings)."""

from __future__ import annotations

import json
import logging
import statistics
import subprocess
import time
from pathlib import Path

from ..pipeline import Pipeline
from ..settings import ReaderName, RetrieverName, Settings
from .common import Progress, child_env, cli_options, qa_command
from .stats import summary

log = logging.getLogger(__name__)
STAGES = ("followup", "embed", "bm25", "dense", "fusion", "answer")
COLD_QUESTION = "2023年深圳全市国内专利授权量是多少?"


def qa_index(settings: Settings, index_dir: Path, corpus_dir: Path | None = None) -> dict:
    """`qa index --json` in a subprocess: the build gets its own process, as a user's would, and the
    embedding model's thread pool (index_threads) never leaks into this process's query timings
    (the engine sizes its pool once per process)."""
    local = settings if corpus_dir is None else settings.with_overrides(corpus_dir=corpus_dir)
    command = qa_command() + cli_options(local, index_dir) + ["index", "--json"]
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(), timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"`qa index` failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout)


def build_seed_index(settings: Settings, index_dir: Path) -> dict:
    """Build the seed corpus index from nothing (no embedding cache) and time it."""
    report = qa_index(settings, index_dir)
    return {
        "seconds": report["seconds"],
        "documents": report["documents"],
        "chunks": report["chunks"],
        "embedded": report["embedded"],
        "embedder": settings.embedder.value,
        "index_threads": settings.index_threads,
    }


def cold_start(settings: Settings, index_dir: Path, runs: int, progress: Progress) -> dict:
    """Wall time from spawning `qa ask` against the built index to its exit with the answer."""
    command = qa_command() + cli_options(settings, index_dir) + ["ask", "--json", COLD_QUESTION]
    seconds = []
    for i in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=child_env(), timeout=120)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0 or '"answer"' not in done.stdout:
            raise RuntimeError(f"`qa ask` failed during the cold start run: {done.stderr.strip()[-500:]}")
        progress("cold start", i + 1, runs)
    return {
        "runs": [round(s, 3) for s in seconds],
        "median_s": round(statistics.median(seconds), 3),
        "first_s": round(seconds[0], 3),
        "command": "qa ask --json QUESTION (subprocess, index already built, embedding model and jieba load on the way)",
    }


def _ask_latency(pipeline: Pipeline, questions: list[str], retriever: RetrieverName, progress: Progress) -> dict:
    latencies: list[float] = []
    totals = dict.fromkeys(STAGES, 0.0)
    for i, question in enumerate(questions, start=1):
        started = time.perf_counter()
        result = pipeline.ask(question, (), retriever)
        latencies.append((time.perf_counter() - started) * 1000)
        for stage, ms in result.timings.items():
            totals[stage] = totals.get(stage, 0.0) + ms
        progress(f"ask {retriever.value}", i, len(questions))
    wall = sum(latencies)
    stage_ms = {stage: round(ms / len(questions), 3) for stage, ms in totals.items()}
    share = {stage: round(ms / wall, 4) for stage, ms in totals.items()}
    share["other"] = round(max(0.0, 1 - sum(share.values())), 4)
    return {"latency_ms": summary(latencies), "stage_mean_ms": stage_ms, "stage_share": share}


def ask_latency(settings: Settings, index_dir: Path, questions: list[str], progress: Progress) -> dict:
    """In-process, on the configured query threads, query-vector cache off so every question is embedded; then
    the hybrid pass again with the cache on, every question repeated (what a chat user's repeat costs)."""
    uncached = settings.with_overrides(index_dir=index_dir, query_cache_size=0, answer_cache_size=0)
    pipeline = Pipeline.load(uncached, build_if_missing=False)
    for retriever in RetrieverName:  # model, jieba and first-touch costs belong to the cold start
        pipeline.ask("深圳知识产权", (), retriever)
    out = {
        retriever.value: _ask_latency(pipeline, questions, retriever, progress)
        for retriever in (RetrieverName.bm25, RetrieverName.dense, RetrieverName.hybrid)
    }
    cached = Pipeline.load(settings.with_overrides(index_dir=index_dir), build_if_missing=False)
    for question in questions:
        cached.ask(question, (), RetrieverName.hybrid)
    out["hybrid_repeat_cached"] = _ask_latency(cached, questions, RetrieverName.hybrid, progress)
    out["reader"] = settings.reader.value
    out["questions"] = len(questions)
    out["query_threads"] = settings.query_threads
    return out


def reader_latency(
    settings: Settings, index_dir: Path, questions: list[str], progress: Progress, readers: tuple = tuple(ReaderName)
) -> dict:
    """Hybrid ask latency with each reader (no query cache), and the reader stage alone."""
    out = {}
    for reader in readers:
        pipeline = Pipeline.load(
            settings.with_overrides(index_dir=index_dir, query_cache_size=0, answer_cache_size=0, reader=reader.value), build_if_missing=False
        )
        pipeline.ask("深圳知识产权", (), RetrieverName.hybrid)
        got = _ask_latency(pipeline, questions, RetrieverName.hybrid, progress)
        out[reader.value] = {**got["latency_ms"], "answer_stage_ms": got["stage_mean_ms"].get("answer")}
    return out
