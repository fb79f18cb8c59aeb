"""HTTP figures against `qa serve` on loopback: sequential latency over one keep-alive connection
(the HTTP overhead over in-process), then bounded load (wrk when installed, else Python threads)."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator

from ..pipeline import Pipeline
from ..settings import Settings
from .common import Progress, child_env, cli_options, no_progress, qa_command
from .stats import summary

CONNECTIONS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(settings: Settings, index_dir: Path, workdir: Path, cache_size: int | None = None) -> Iterator[int]:
    """`qa serve` on a free loopback port, started and stopped here; yields the port once /health answers."""
    port = free_port()
    command = qa_command() + cli_options(settings, index_dir) + ["serve", "--host", "127.0.0.1", "--port", str(port)]
    extra = {} if cache_size is None else {"QA_QUERY_CACHE_SIZE": str(cache_size), "QA_ANSWER_CACHE_SIZE": str(cache_size)}
    log_path = workdir / f"serve-{port}.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=child_env(**extra))
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"`qa serve` exited ({process.returncode}): {log_path.read_text()[-800:]}")
                with contextlib.suppress(OSError, http.client.HTTPException):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/health")
                    if conn.getresponse().status == 200:
                        conn.close()
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"`qa serve` did not answer /health in 120 s: {log_path.read_text()[-800:]}")
                time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _post(conn: http.client.HTTPConnection, body: bytes) -> int:
    conn.request("POST", "/ask", body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


def _bodies(questions: list[str]) -> list[bytes]:
    return [json.dumps({"question": q}).encode("ascii") for q in questions]


def sequential(port: int, questions: list[str], progress: Progress, pipeline: Pipeline | None = None) -> dict:
    """One client, one keep-alive connection, one request at a time. With a pipeline, each HTTP
    request is paired with the same question asked in-process just before it, so the overhead is
    measured under the same machine conditions (and drift cancels)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, local, errors = [], [], 0
    bodies = _bodies(questions)
    _post(conn, bodies[0])  # model and first-touch costs are the cold start's
    for i, (question, body) in enumerate(zip(questions, bodies), start=1):
        if pipeline is not None:
            started = time.perf_counter()
            pipeline.ask(question)
            local.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        status = _post(conn, body)
        latencies.append((time.perf_counter() - started) * 1000)
        errors += status != 200
        progress("http sequential", i, len(bodies))
    conn.close()
    out: dict = {"latency_ms": summary(latencies), "errors": errors}
    if local:
        out["in_process_ms"] = summary(local)
        out["paired_overhead_ms"] = summary([h - p for h, p in zip(latencies, local)])
    return out


WRK_SCRIPT = """
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/ask", {["Content-Type"] = "application/json"}, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, " ..
    "\\"status\\": %%d, \\"timeout\\": %%d, \\"p50_us\\": %%d, \\"p90_us\\": %%d, \\"p99_us\\": %%d, \\"max_us\\": %%d}\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def load_wrk(port: int, questions: list[str], seconds: float, workdir: Path) -> dict:
    script = workdir / "ask.lua"
    bodies = ", ".join(f"[==[{b.decode('ascii')}]==]" for b in _bodies(questions))
    script.write_text(WRK_SCRIPT % bodies, encoding="utf-8")
    command = [
        "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
        "-s", str(script), f"http://127.0.0.1:{port}/ask",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"WRKJSON (\{.*\})", done.stdout)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed: {done.stdout[-400:]} {done.stderr[-400:]}")
    raw = json.loads(match.group(1))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    seconds_run = raw["duration_us"] / 1e6
    return {
        "tool": "wrk -t1 -c%d (Lua script cycling POST /ask over the questions)" % CONNECTIONS,
        "seconds": round(seconds_run, 2),
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": errors,
        "error_kinds": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
    }


def load_python(port: int, questions: list[str], seconds: float) -> dict:
    bodies = _bodies(questions)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = offset
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = _post(conn, bodies[i % len(bodies)]) == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
            i += CONNECTIONS
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    stats = summary(latencies)
    return {
        "tool": f"python http.client, {CONNECTIONS} threads with keep-alive connections",
        "seconds": round(wall, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": stats.get("p50"),
        "p90_ms": None,
        "p99_ms": stats.get("p99"),
        "max_ms": stats.get("max"),
        "errors": errors[0],
    }


def load(port: int, questions: list[str], seconds: float, workdir: Path) -> dict:
    if shutil.which("wrk"):
        return load_wrk(port, questions, seconds, workdir)
    return load_python(port, questions, seconds)


def run_http(
    settings: Settings, index_dir: Path, questions: list[str], seconds: float, workdir: Path, progress: Progress
) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict = {"connections": CONNECTIONS, "duration_s": seconds, "questions": len(questions)}
    uncached = settings.with_overrides(index_dir=index_dir, query_cache_size=0, answer_cache_size=0)
    pipeline = Pipeline.load(uncached, build_if_missing=False)
    pipeline.ask(questions[0])
    with serve(settings, index_dir, workdir, cache_size=0) as port:
        out["sequential_uncached"] = sequential(port, questions, progress, pipeline)
        progress("http load (cache off)", 0, 1)
        out["load_uncached"] = load(port, questions, seconds, workdir)
        progress("http load (cache off)", 1, 1)
    with serve(settings, index_dir, workdir) as port:
        sequential(port, questions[:1], no_progress)  # the model loads on the first question
        progress("http load (default)", 0, 1)
        out["load_default"] = load(port, questions, seconds, workdir)
        progress("http load (default)", 1, 1)
    out["note"] = (
        "sequential_uncached: each request paired with the same question asked in-process (hybrid, "
        "cache off) just before it; sequential_uncached and load_uncached: server started with QA_QUERY_CACHE_SIZE=0, so every "
        "request embeds its question; load_default: `qa serve` as shipped (query-vector LRU on), the "
        f"{len(questions)} questions repeat, so after the first pass their vectors come from the LRU"
    )
    return out
