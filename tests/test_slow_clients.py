"""Slow and stuck clients against `qa serve` on loopback (slow tier; bounded in count and time):
1,000 connections that never finish their headers or their body are each closed by the server
after the configured timeout, while a normal client keeps being served. Close times are recorded
for the reliability report, not asserted."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from _rawhttp import Connection, address, get, post_json
from _reliability import record
from _server import serve
from conftest import CORPUS_DIR, make_settings
from qa.embedders import HashingEmbedder
from qa.index_store import build_index

SLOW = 1000
TIMEOUT_S = 3.0  # QA_HEADER_TIMEOUT_S and QA_BODY_TIMEOUT_S for this run (10 s by default)
WAIT_S = 30.0  # how long the test waits for the server to close each connection
SERVER_ENV = {"QA_HEADER_TIMEOUT_S": str(TIMEOUT_S), "QA_BODY_TIMEOUT_S": str(TIMEOUT_S), "QA_READER": "rules"}
HALF_HEADERS = b"POST /ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
SHORT_BODY = b"POST /ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"question\": "


async def _slow(base_url: str, payload: bytes, results: list) -> None:
    host, port = address(base_url)
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        results.append(("refused", repr(exc), None))
        return
    writer.write(payload)
    await writer.drain()
    try:
        data = await asyncio.wait_for(reader.read(), WAIT_S)  # until the server closes the connection
        results.append(("closed", data[:12].decode("latin-1"), time.perf_counter() - started))
    except (asyncio.TimeoutError, TimeoutError):
        results.append(("open", "", None))
    except OSError as exc:
        results.append(("closed", repr(exc), time.perf_counter() - started))
    finally:
        writer.close()


async def _normal(base_url: str, until: float, stats: dict) -> None:
    connection = Connection(base_url)
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            status, _, _ = await connection.request(post_json("/ask", {"question": "2023年深圳专利授权量是多少?"}))
            health, _, _ = await connection.request(get("/health"))
        except (OSError, asyncio.IncompleteReadError) as exc:
            stats["errors"].append(repr(exc))
            await asyncio.sleep(0.05)
            continue
        stats["latencies"].append(time.perf_counter() - started)
        stats["ok" if status == health == 200 else "bad"] += 1
        await asyncio.sleep(0.02)
    await connection.close()


async def _run(base_url: str) -> tuple[list, dict]:
    results: list = []
    stats: dict = {"ok": 0, "bad": 0, "errors": [], "latencies": []}
    until = time.monotonic() + TIMEOUT_S + 3
    normal = asyncio.ensure_future(_normal(base_url, until, stats))
    await asyncio.gather(*(_slow(base_url, HALF_HEADERS if i % 2 else SHORT_BODY, results) for i in range(SLOW)))
    await normal
    return results, stats


@pytest.mark.slow
def test_1000_slow_connections_are_closed_and_others_served(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(make_settings(CORPUS_DIR, index_dir), HashingEmbedder())
    with serve(CORPUS_DIR, index_dir, tmp_path / "server.log", **SERVER_ENV) as server:
        results, stats = asyncio.run(asyncio.wait_for(_run(server.base_url), WAIT_S + 60))
        alive = server.process.poll() is None
    closed = sorted(r[2] for r in results if r[0] == "closed")
    still_open = sum(1 for r in results if r[0] == "open")
    refused = sum(1 for r in results if r[0] == "refused")
    answered_408 = sum(1 for r in results if r[1].startswith("HTTP/1.1 408"))
    latencies = sorted(stats["latencies"])
    figures = {
        "connections": SLOW,
        "kinds": "500 unfinished headers, 500 bodies shorter than Content-Length",
        "configured_timeout_s": TIMEOUT_S,
        "closed_by_server": len(closed),
        "left_open": still_open,
        "refused": refused,
        "answered_408": answered_408,
        "close_after_min_s": round(closed[0], 2) if closed else None,
        "close_after_median_s": round(closed[len(closed) // 2], 2) if closed else None,
        "close_after_max_s": round(closed[-1], 2) if closed else None,
        "normal_client_rounds_ok": stats["ok"],
        "normal_client_failures": stats["bad"] + len(stats["errors"]),
        "normal_round_max_ms": round(1000 * latencies[-1], 1) if latencies else None,
    }
    record("slow", f"{SLOW} slow connections (timeouts {TIMEOUT_S:g}s)",
           "each closed by the server; a normal client served meanwhile", **figures)
    assert alive
    assert still_open == 0 and refused == 0, figures
    assert answered_408 == SLOW // 2, figures  # the short bodies are told why
    assert stats["ok"] > 0 and stats["bad"] == 0 and not stats["errors"], figures
