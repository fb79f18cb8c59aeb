"""Overload: when answers outlast the request time budget, clients get 504s and the pipeline work
still running for requests that gave up counts against the concurrency cap, so a stream of slow
requests cannot pile up ever more concurrent pipeline calls."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi.testclient import TestClient

from _reliability import record
from api import create_app
from api.deps import PIPELINE_CONCURRENCY

WORK_S = 0.6
BUDGET_S = 0.1
WAVES = 5
PER_WAVE = 6


class SlowPipeline:
    """The real pipeline, with an ask() that takes WORK_S and counts how many run at once."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(WORK_S)
            return self._real.ask(*args, **kwargs)
        finally:
            with self._lock:
                self.running -= 1


def test_abandoned_work_still_counts_against_the_cap(settings, pipeline) -> None:
    slow = SlowPipeline(pipeline)
    # Admission lets every request in at once (no 503 of a full queue, which a slow machine reaches
    # at this arrival rate): what is measured is the pipeline cap behind it.
    quick = settings.with_overrides(request_timeout_s=BUDGET_S, max_in_flight=WAVES * PER_WAVE)
    statuses: list[int] = []
    bodies: list[str] = []
    with TestClient(create_app(quick, slow), raise_server_exceptions=False) as client:
        def one() -> None:
            response = client.post("/ask", json={"question": "深圳专利"})
            statuses.append(response.status_code)
            if response.status_code != 504:
                bodies.append(response.text)

        threads = []
        for _ in range(WAVES):  # a new wave while the previous wave's work is still running
            wave = [threading.Thread(target=one) for _ in range(PER_WAVE)]
            threads += wave
            for thread in wave:
                thread.start()
            time.sleep(BUDGET_S * 1.5)
        for thread in threads:
            thread.join(timeout=30)
        deadline = time.monotonic() + 10
        while slow.running and time.monotonic() < deadline:
            time.sleep(0.05)
        after = client.post("/search", json={"query": "深圳专利"})
    assert len(statuses) == WAVES * PER_WAVE and set(statuses) == {504}, (statuses, bodies[:3])
    assert slow.most <= PIPELINE_CONCURRENCY, f"{slow.most} pipeline calls ran at once (cap {PIPELINE_CONCURRENCY})"
    assert after.status_code == 200  # the service recovers once the backlog has drained
    record("overload", f"{WAVES} waves x {PER_WAVE} requests, work {WORK_S}s > budget {BUDGET_S}s",
           "all 504; concurrent pipeline calls stay within the cap; service recovers",
           requests=len(statuses), most_concurrent=slow.most, cap=PIPELINE_CONCURRENCY, pipeline_calls=slow.calls)
