"""Reload while serving: `qa serve` on loopback answers a steady stream of /ask requests while the
corpus grows, `qa index` runs and POST /admin/reload swaps the build (and once more with
{"rebuild": true}); every request in flight succeeds and, after each swap, the new document answers."""

from __future__ import annotations

import json
import os
import random
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from _reliability import record
from _server import QA_BIN, serve
from conftest import EVAL_DIR, make_settings
from qa.embedders import HashingEmbedder
from qa.index_store import build_index

ADMIN_KEY = "reload-test-admin-key"
CLIENTS = 8
NEW_DOCS = {
    "added-pledge": ("测试市知识产权质押融资登记金额是多少?", "2024年,测试市知识产权质押融资登记金额达到777亿元,同比增长三成。"),
    "added-stations": ("测试市新增了多少个海外知识产权纠纷应对指导站?", "2024年,测试市新增海外知识产权纠纷应对指导站41个,覆盖重点产业集群。"),
}


def _write_doc(corpus: Path, doc_id: str) -> None:
    _, sentence = NEW_DOCS[doc_id]
    (corpus / f"{doc_id}.txt").write_text(f"发布时间:2024-06-01 09:00\n来源:测试日报\n{sentence}\n", encoding="utf-8")


def _top_doc(client: httpx.Client, question: str) -> str | None:
    response = client.post("/ask", json={"question": question, "retriever": "bm25"})
    assert response.status_code == 200, response.text
    passages = response.json()["passages"]
    return passages[0]["doc_id"] if passages else None


@pytest.mark.slow
def test_reload_while_serving(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(make_settings(corpus_copy, index_dir), HashingEmbedder())
    questions = [json.loads(line)["question"] for line in (EVAL_DIR / "questions.jsonl").open(encoding="utf-8")][:40]
    results: list[tuple[int, float, float]] = []  # (status, started, ended)
    errors: list[str] = []
    stop = threading.Event()

    # what is tested is the swap, not load shedding: a request may wait for a slot while the server
    # rebuilds on the same two cores (admission's 1 s default would turn that wait into a 503, which
    # tests/test_overload*.py check on their own)
    with serve(corpus_copy, index_dir, tmp_path / "server.log", QA_ADMIN_KEY=ADMIN_KEY, QA_QUEUE_TIMEOUT_S="30") as server:
        def client_loop(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                while not stop.is_set():
                    started = time.monotonic()
                    try:
                        status = client.post("/ask", json={"question": rng.choice(questions)}).status_code
                    except httpx.HTTPError as exc:
                        errors.append(repr(exc))
                        status = -1
                    results.append((status, started, time.monotonic()))

        admin = httpx.Client(base_url=server.base_url, timeout=120, headers={"X-Admin-Key": ADMIN_KEY})
        before = _top_doc(admin, NEW_DOCS["added-pledge"][0])
        build_before = admin.get("/health").json()["index"]["build"]
        threads = [threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)
            # 1. an operator adds a document, runs `qa index`, then asks the server to reload
            _write_doc(corpus_copy, "added-pledge")
            env = os.environ | {"QA_CORPUS_DIR": str(corpus_copy), "QA_INDEX_DIR": str(index_dir),
                                "QA_EMBEDDER": "hashing", "QA_SHOW_PROGRESS": "false"}
            index_run = subprocess.run([str(QA_BIN), "index"], env=env, capture_output=True, text=True, timeout=300)
            assert index_run.returncode == 0, index_run.stderr
            windows = []
            started = time.monotonic()
            reload_1 = admin.post("/admin/reload")
            windows.append((started, time.monotonic()))
            assert reload_1.status_code == 200, reload_1.text
            after_1 = _top_doc(admin, NEW_DOCS["added-pledge"][0])
            time.sleep(1.0)
            # 2. another document, and the server rebuilds the index itself
            _write_doc(corpus_copy, "added-stations")
            started = time.monotonic()
            reload_2 = admin.post("/admin/reload", json={"rebuild": True})
            windows.append((started, time.monotonic()))
            assert reload_2.status_code == 200, reload_2.text
            after_2 = _top_doc(admin, NEW_DOCS["added-stations"][0])
            time.sleep(1.0)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        health = admin.get("/health").json()
        document = admin.get("/documents/added-stations")
        admin.close()

    statuses = Counter(status for status, _, _ in results)
    overlapping = [r for r in results if any(r[1] < end and r[2] > start for start, end in windows)]
    assert not errors, errors[:5]
    assert set(statuses) == {200}, statuses
    assert len(overlapping) >= CLIENTS, "too few requests were in flight during the reloads to prove anything"
    assert before != "added-pledge"
    assert after_1 == "added-pledge" and after_2 == "added-stations"
    assert document.status_code == 200 and "41个" in document.json()["text"]
    assert health["index"]["build"] != build_before and health["documents"] == 7
    record(
        "reload",
        "POST /admin/reload under load (after `qa index`, then with rebuild)",
        "every request 200; new documents answerable right after each swap",
        clients=CLIENTS,
        requests=len(results),
        statuses={str(k): v for k, v in statuses.items()},
        in_flight_during_reloads=len(overlapping),
        reload_seconds=[round(end - start, 2) for start, end in windows],
    )
