"""Load on loopback: 32 concurrent clients against `qa serve` for a bounded time. No errors, every
answer identical to the single-client answer for the same question, and the server's resident
memory flat between warm-up and the end of the run."""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from pathlib import Path

import httpx
import pytest

from _reliability import record
from _server import serve
from conftest import CORPUS_DIR, EVAL_DIR, make_settings
from qa.embedders import HashingEmbedder
from qa.index_store import build_index

CLIENTS = 32
DURATION_S = 15.0
WARMUP_S = 3.0
HARD_TIMEOUT_S = 120.0
RSS_SLACK = 1.10  # end RSS may exceed the post-warm-up RSS by 10% + 8 MiB (allocator noise)
RSS_SLACK_KIB = 8 * 1024


async def _client(base_url: str, questions: list[str], expected: dict[str, dict], until: float, seed: int,
                  stats: dict) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        while time.monotonic() < until:
            question = rng.choice(questions)
            started = time.perf_counter()
            try:
                response = await client.post("/ask", json={"question": question})
            except httpx.HTTPError as exc:
                stats["errors"].append(repr(exc))
                continue
            stats["latencies"].append(time.perf_counter() - started)
            if response.status_code != 200:
                stats["errors"].append(f"{response.status_code}: {response.text[:200]}")
            elif response.json() != expected[question]:
                stats["mismatches"].append(question)
            stats["requests"] += 1


async def _run(base_url: str, questions: list[str], expected: dict[str, dict], seconds: float, seed: int) -> dict:
    stats: dict = {"requests": 0, "errors": [], "mismatches": [], "latencies": []}
    until = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_client(base_url, questions, expected, until, seed * 100 + i, stats) for i in range(CLIENTS)))
    stats["seconds"] = time.perf_counter() - started
    return stats


@pytest.mark.slow
def test_32_clients_on_loopback(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(make_settings(CORPUS_DIR, index_dir), HashingEmbedder())
    questions = [json.loads(line)["question"] for line in (EVAL_DIR / "questions.jsonl").open(encoding="utf-8")][:60]

    # load, not overload: all 32 clients fit in the admission queue (the default, 16, sheds the rest: see
    # test_overload_live.py)
    with serve(CORPUS_DIR, index_dir, tmp_path / "server.log", QA_MAX_QUEUED=str(CLIENTS)) as server:
        rss_start = server.rss_kib()
        with httpx.Client(base_url=server.base_url, timeout=30) as single:
            expected = {}
            for question in questions:
                response = single.post("/ask", json={"question": question})
                assert response.status_code == 200, response.text
                expected[question] = response.json()

        warmup = asyncio.run(asyncio.wait_for(_run(server.base_url, questions, expected, WARMUP_S, 1), HARD_TIMEOUT_S))
        rss_warm = server.rss_kib()
        stats = asyncio.run(asyncio.wait_for(_run(server.base_url, questions, expected, DURATION_S, 2), HARD_TIMEOUT_S))
        rss_end = server.rss_kib()
        assert server.process.poll() is None, "the server died under load"

    latencies = sorted(stats["latencies"])
    figures = {
        "clients": CLIENTS,
        "duration_s": round(stats["seconds"], 1),
        "requests": stats["requests"],
        "requests_per_s": round(stats["requests"] / stats["seconds"], 1),
        "errors": len(stats["errors"]) + len(warmup["errors"]),
        "mismatches": len(stats["mismatches"]) + len(warmup["mismatches"]),
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
        "latency_max_ms": round(1000 * latencies[-1], 1) if latencies else None,
        "warmup_requests": warmup["requests"],
        "rss_start_kib": rss_start,
        "rss_after_warmup_kib": rss_warm,
        "rss_end_kib": rss_end,
        "embedder": "hashing",
        "machine_load_avg_1m": round(os.getloadavg()[0], 2),  # the box is shared: throughput varies with it
    }
    record("load", f"{CLIENTS} clients x {DURATION_S:g}s on loopback (POST /ask)", "see figures", **figures)
    assert stats["requests"] > CLIENTS, figures
    assert not stats["errors"] and not warmup["errors"], (stats["errors"] + warmup["errors"])[:5]
    assert not stats["mismatches"] and not warmup["mismatches"], (stats["mismatches"] + warmup["mismatches"])[:5]
    assert rss_end <= rss_warm * RSS_SLACK + RSS_SLACK_KIB, figures
