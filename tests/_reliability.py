"""Figures for eval/reports/reliability.md: tests append records here, eval/reliability_report.py renders them.

Records go to tests/artifacts/reliability/<section>.jsonl (git-ignored); each test run appends, the
report keeps the latest record per (section, name)."""

from __future__ import annotations

import json
import time
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "reliability"


def record(section: str, name: str, outcome: str, **figures: object) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    row = {"section": section, "name": name, "outcome": outcome, "at": time.strftime("%Y-%m-%dT%H:%M:%S")} | figures
    with (ARTIFACTS / f"{section}.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


# ------------------------------------------------------------------------------------------ report

REPORT = Path(__file__).resolve().parent.parent / "eval" / "reports" / "reliability.md"
RUN = (
    "rm -rf tests/artifacts/reliability && .venv/bin/pytest -m '' tests/test_corpus_faults.py "
    "tests/test_index_faults.py tests/test_cache_faults.py tests/test_api_fuzz.py tests/test_security.py "
    "tests/test_hardening.py tests/test_overload.py tests/test_overload_live.py tests/test_slow_clients.py "
    "tests/test_reload_live.py tests/test_load.py tests/test_memory_soak.py && .venv/bin/python tests/_reliability.py"
)
# a longer run of tests/test_memory_soak.py (SOAK_REQUESTS=N, opt-in: ~0.1-0.4 s a request) keeps its
# record here, committed, so that the report shows it without RUN repeating an hour of work
SOAK_KEPT = REPORT.parent / "reliability-soak.json"
FINDINGS = [
    "Two index builds in the same second from one process (a re-index right after another, or a test) "
    "collided on the build name and failed with `Directory not empty`; build names now carry microseconds.",
    "A damaged index could be served: a bit flip inside vectors.npy or the bm25 arrays, or a truncated "
    "last line of chunks.jsonl, still loaded (wrong scores, or an out-of-range row at query time). Every file "
    "of a build now has a sha256 in manifest.json, checked on load (IndexCorrupt).",
    "A manifest.json that is valid JSON but not an object crashed loading with AttributeError; now IndexCorrupt.",
    "The corpus fingerprint read every file whole, so a file over MAX_FILE_BYTES was loaded into memory "
    "although it is skipped; hashing is now streamed.",
    "A broken sidecar (.meta.json) was only logged; it is now also listed in the manifest's skipped list.",
    "A UTF-16 file with a BOM was skipped as `binary file (NUL bytes)`; the reason now says to save it as UTF-8.",
    "HTTP: a lone surrogate in a question or history turn (JSON \"\\ud800\", or CESU-8 bytes) passed validation "
    "and made normalization and the response fail with a 500; text fields now drop surrogates like control characters.",
    "HTTP: top_k 10.0 (an integer in JSON Schema, as published in /openapi.json) was refused with 422; now taken as 10.",
    "HTTP: a JSON body that is not UTF-8 got FastAPI's bare 400 `There was an error parsing the body`; it now "
    "gets the service's malformed_json error saying what to send.",
    "HTTP overload: the concurrency cap (4 pipeline calls) was an anyio limiter released when a request hit its "
    "time budget (504) while its worker thread kept running, so a stream of slow requests piled up pipeline "
    "calls (18 at once in the test). The slot is now held by the worker thread for as long as the work runs, "
    "and a request that cannot get one within its budget never starts.",
    "HTTP overload was queued, not shed (issue 13): 200 connections waited p50 1.7 s, 1,000 connections p50 9.6 s "
    "with answers computed for clients already gone and /health taking 6.3 s. Admission control now bounds the "
    "requests at work (QA_MAX_IN_FLIGHT) and waiting (QA_MAX_QUEUED, QA_QUEUE_TIMEOUT_S) and answers the rest at "
    "once with 503 + Retry-After (JSON); a client that disconnects leaves the queue or has its work cancelled; "
    "/health runs on the event loop, outside admission and the worker threads.",
    "Slow clients were never timed out (a body shorter than its Content-Length stayed open for 90 s+, unfinished "
    "headers forever). `qa serve` now closes a connection whose headers (QA_HEADER_TIMEOUT_S) or body "
    "(QA_BODY_TIMEOUT_S, answered with 408) do not arrive in time, and caps open connections (QA_MAX_CONNECTIONS, "
    "a JSON 503 beyond it); idle keep-alive is QA_KEEPALIVE_TIMEOUT_S.",
    "Slow clients were closed late (issue 13's first run: 3.0 / 3.2 / 3.46 s min / median / max with 3 s timeouts). "
    "Causes: (1) the body phase's deadline was the timeout plus a 1 s grace, so that the app's 408 went first, and "
    "that 408 was timed from when the app's task began reading the body (after accept, parsing and the task's "
    "start), not from the end of the headers; (2) every deadline was set at exactly the timeout, so any lag of the "
    "event loop (1,000 deadlines due together, the accepts of 1,000 connections, worker threads holding the GIL) "
    "could only make a close late; (3) the test started each clock before its asyncio client had issued the "
    "connect (1,000 coroutines opening at once) and stopped it when its own busy loop noticed the close. Now the "
    "protocol keeps both deadlines, each counted from its phase's beginning (headers: accept, or the end of the "
    "previous exchange; body: the end of the headers), acts min(0.25 s, timeout/10) early so as to be on time "
    "when busy, and writes the 408 itself (serialized once) before it closes; the test times each connection "
    "with one epoll thread from just before connect() to the close it sees, an upper bound on the server's count.",
    "503s under overload were slower than the 50 ms target (p99 48-77 ms): each went through the whole ASGI "
    "stack (a task per request, Starlette's error middleware, the body read under its timer, the admission "
    "middleware's drain and task group, the header-adding wrapper), at ~1,600 refusals a second on the event "
    "loop the admitted requests also need. `qa serve` now refuses in the HTTP protocol as soon as h11 has "
    "parsed the headers (no task, routing, body read or thread; a body serialized once; the body dropped, the "
    "connection kept alive; one summary log line a second instead of one a refusal).",
    "503s were still over the 50 ms target after that (p99 70.5 ms, max 132 ms on an idle machine). Three causes, "
    "found with a loop-lag probe and the garbage collector's callbacks inside `qa serve`: (1) the event loop shared "
    "the GIL with the four threads computing answers, and had to win it back after every recv, send and poll (a "
    "socket call of 3 µs alone took 52 µs on average against four computing threads; the loop's turns stretched to "
    "tens of milliseconds); (2) h11's state machine cost the loop ~190-244 µs a refusal, at ~1,700 refusals a "
    "second; (3) a full garbage collection walked the ~100,000 objects of the loaded index and app and held the loop "
    "122 ms once a run. Now `qa serve` computes answers in a child process (qa/pipeline_process.py: its own "
    "interpreter; the server's process loads no models), a whole plain request is refused without h11 (36 µs), and "
    "the loaded heap is frozen out of the collector (gc.freeze: that collection took 19 ms). With the default "
    "(learned) reader a request held its slot seconds under overload and most of the queue waited out the 1 s "
    "queue timeout (1.1 s 503s): the queue now offers only the places that can expect a slot in time.",
    "Slow clients were still closed late (max 3.025 s from before connect() against the 3.0 s timeout on an idle "
    "machine, 3.27 s on a loaded one). Per connection, joining the client's and the server's clocks: the server "
    "accepted the 1,000 connections up to 0.4 s after their connect() returned and read their headers another "
    "0.2 s later, and counted from there; its timers fired up to 0.08-0.2 s late while closing the burst; the "
    "close left on the loop's next turn (up to 0.12 s later). Now each deadline counts from when the kernel "
    "established the connection or received the bytes (TCP_INFO's last-receive times, on Linux), and the "
    "deadline's callback shuts the socket for writing, so the client sees the end at once.",
    "Memory with the default reader had not been measured (only the rule reader's 10,000 requests). "
    "tests/test_memory_soak.py serves the default settings with the answer and query caches off over 360 "
    "questions and follow-ups, so that every request embeds and reads; 10,000 requests take half an hour on this "
    "machine (5.65 a second), so the suite runs 1,000 and reports the slope, and the 10,000-request run is kept "
    "apart (SOAK_REQUESTS=10000 SOAK_KEEP=1: eval/reports/reliability-soak.json).",
    "A poisoned embedding cache (NaN vectors of the right shape) was trusted: `qa index` exited 0 and switched "
    "CURRENT to a build that could not load. Every cached, embedded and loaded array is now checked (dtype, shape, "
    "finite): bad cache entries are dropped with a log line and embedded again, bad embedder output fails the build, "
    "a finished build becomes CURRENT only once it loads, and the Milvus sync refuses bad vectors before touching "
    "the collection.",
    "Log forging: the access log wrote the decoded path as is, so `%0a` started a forged line. Control characters "
    "(C0, DEL, C1, U+2028/2029) and backslashes in logged request text are escaped; QA_ACCESS_LOG_FORMAT=json writes "
    "one JSON object a line.",
    "Smaller: malformed HTTP (Content-Length -1, a bad chunk size, NUL in a header) got uvicorn's plain-text 400, "
    "now a JSON error; undecodable bytes in CURRENT gave a codec error and an index folder that is a file "
    "`[Errno 17] File exists`, both now say what to do; /health showed the build and skipped file names without "
    "the API key (now only {\"status\": \"ok\"}); /openapi.json listed /admin/reload while disabled; with the "
    "admin key set a bad JSON body was refused (400) before the key was checked (now 401 first); a rebuild reload "
    "waited without limit on another process's build lock (now 409 after 5 s).",
]
LEFT_ALONE = [
    "A UTF-16 file without a BOM and without ASCII characters decodes as GB18030 mojibake and is indexed "
    "(telling it apart needs a heuristic; none added).",
    "The corpus walk follows symbolic links and only skips hidden files, not hidden directories: a link to a "
    "file outside corpus/, or a .txt inside corpus/.git/, is indexed and served by /documents. The corpus is "
    "the operator's directory, so this is noted, not changed.",
]


# notes on the current figures, written after looking at them (the measurements' conditions, a missed
# target's cause); kept apart from LEFT_ALONE so that they are easy to rewrite with each regeneration
NOTES: list[str] = [
    "This run: 2026-12-02, 08:47-08:52 for the tables' tests, on a machine otherwise idle when it began (load "
    "average 0.77 before, 0.97 after the overload test, 1.39 before the slow-client test) and busier by the end "
    "(3.43 after the 1,000-request memory test, as other jobs started). The load generators share the server's 2 "
    "cores. The 10,000-request default-reader run (08:52-09:22, load average 2.67 before, 4.01 after, other jobs "
    "running for part of it) is kept in eval/reports/reliability-soak.json.",
    "Memory with the default reader: within the 5 % over 10,000 requests (+2.92 %), but still rising at the end, "
    "by about 2.8 MiB per 1,000 requests (the 1,000-request run: 2.45), all of it in the pipeline process; at that "
    "rate 5 % would be passed after about 18,000 requests unless it levels off. Not explained yet. In process, "
    "with tracemalloc over 800 questions after a warm-up, Python's own allocations grew 0.5 MB (bounded caches: "
    "the learned reader's 4,096 passage encodings, the re module's) while RSS grew 3.2 MB: the rest is native "
    "(ONNX Runtime's arenas or the allocator's per-thread arenas with 4 threads), not shown yet to level off; a "
    "longer run (SOAK_REQUESTS=30000) or MALLOC_ARENA_MAX=2 would tell.",
    "`qa serve` is now two processes, plus multiprocessing's resource tracker: the RSS figures sum them (by "
    "process: the pipeline process, the server's own ~105 MiB holding the index and no models, the tracker ~13 MiB).",
    "The overload test runs the rule reader and the hashing embedder. With the default reader, in trial runs not "
    "in the tables, a request held its slot 0.7-5 s under that overload on 2 cores (the learned reader, the "
    "event loop and the load generator on the same cores), so only ~1 request a second was admitted; the queue "
    "then shrank to the places served within the queue timeout, and 22 of 31,142 503s took over 0.3 s, in the "
    "first 9 s while the average service time caught up.",
]


def _latest() -> dict[str, dict[str, dict]]:
    sections: dict[str, dict[str, dict]] = {}
    if SOAK_KEPT.exists():
        for row in json.loads(SOAK_KEPT.read_text(encoding="utf-8")):
            sections.setdefault(row["section"], {})[row["name"]] = row
    for path in sorted(ARTIFACTS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            sections.setdefault(row["section"], {})[row["name"]] = row
    return sections


def _extra(row: dict) -> str:
    skip = {"section", "name", "outcome", "at", "file", "damage"}
    parts = []
    for key, value in row.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = "; ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value)
        parts.append(f"{key}: {value}")
    return "<br>".join(parts).replace("|", "\\|")


def _table(rows: list[dict]) -> list[str]:
    lines = ["| fault / check | outcome | figures |", "|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['name']} | {row['outcome']} | {_extra(row)} |".replace("\n", " "))
    return lines


def _verdict(value: float | None, limit: float, unit: str) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else f"**missed** by {value - limit:.3g} {unit}"


def _targets(overload: dict, slow: dict, memory: dict, cache: dict, logs: dict) -> list[tuple[str, str, str]]:
    """(target, figure, verdict) for each target of issue 13 that the records measure."""
    rows = []
    for row in overload.values():
        if "admitted_p95_ms" not in row:
            continue
        refused = row["statuses"].get("503", 0)
        over = row.get("refused_over_50_ms")
        rows += [
            (f"{row['connections']} connections for {row['duration_s']} s: admitted requests p95 ≤ 500 ms",
             f"{row['admitted_p95_ms']} ms", _verdict(row["admitted_p95_ms"], 500, "ms")),
            ("the rest get 503 within 50 ms (every one: the maximum)",
             f"p50 {row['refused_p50_ms']}, p99 {row['refused_p99_ms']}, max {row['refused_max_ms']} ms; "
             f"{over if over is not None else '-'} of {refused} over 50 ms",
             _verdict(row["refused_max_ms"], 50, "ms") + (" at the maximum; " + _verdict(row["refused_p99_ms"], 50, "ms")
                                                          + " at p99" if row["refused_max_ms"] > 50 else "")),
            ("0 errors other than 503", str(row["errors_other_than_503"]), _verdict(row["errors_other_than_503"], 0, "errors")),
            ("/health p99 ≤ 100 ms during the run", f"{row['health_p99_ms']} ms", _verdict(row["health_p99_ms"], 100, "ms")),
        ]
    for row in slow.values():
        timeout = row["configured_timeout_s"]
        rows += [
            (f"{row['connections']} slow connections: each closed within the configured timeout ({timeout} s)",
             f"{row['closed_by_server']} closed, {row['left_open']} left open; max {row['close_after_max_s']} s "
             f"(an upper bound: from before connect())",
             _verdict(row["close_after_max_s"], timeout, "s") if not row["left_open"] else "**missed**: some left open"),
            ("normal clients still served", f"{row['normal_client_rounds_ok']} rounds ok, "
             f"{row['normal_client_failures']} failures", "met" if not row["normal_client_failures"] else "**missed**"),
        ]
    if cache:
        rows.append(("poisoned cache, truncated arrays, NaN/inf vectors: heal or fail without switching CURRENT",
                     f"{len(cache)} scenarios (each asserted by its test)", "met"))
    if logs:
        rows.append(("a URL with %0a/%0d/ANSI escapes yields one escaped log line", f"{len(logs)} cases", "met"))
    for row in memory.values():
        figure = f"{row['rss_change_pct']:+.2f} % ({row['reader']} reader"
        if "slope_mib_per_1000" in row:
            figure += (f", caches off; slope {row['slope_mib_per_1000']:+.2f} MiB per 1,000 requests, "
                       f"{row['slope_over_10000_pct']:+.2f} % over 10,000")
        figure += ")"
        verdict = _verdict(abs(row["rss_change_pct"]), 5, "points")
        if row["reader"] != "combined":
            verdict += " for that reader (the default reader: the rows measured with it)"
        elif row["requests"] < 10_000:
            verdict += (f" over {row['requests']} requests (the suite's run; 10,000: the row kept apart); the slope "
                        + ("keeps 10,000 within 5 %" if abs(row["slope_over_10000_pct"]) <= 5 else
                           f"**would leave 5 %** at 10,000 ({row['slope_over_10000_pct']:+.2f} %)"))
        if row.get("slope_mib_per_1000", 0) > 0.5 and row["rss_end_kib"] >= row["rss_max_kib"]:
            verdict += f"; still rising at the end ({row['slope_mib_per_1000']:+.2f} MiB per 1,000 requests: see the notes)"
        rows.append((f"memory flat over {row['requests']} requests (± 5 %) with the default reader", figure, verdict))
    return rows


def render() -> str:
    data = _latest()
    corpus, index, api = data.get("corpus", {}), data.get("index", {}), data.get("api", {})
    reload_, load, security = data.get("reload", {}), data.get("load", {}), data.get("security", {})
    overload = data.get("overload", {})
    cache, slow, memory, logs = data.get("cache", {}), data.get("slow", {}), data.get("memory", {}), data.get("logs", {})
    stamps = sorted(row["at"] for section in data.values() for row in section.values())

    statuses: dict[str, int] = {}
    for row in [*api.values(), *reload_.values(), *security.values()]:
        for code, count in (row.get("statuses") or {}).items():
            statuses[code] = statuses.get(code, 0) + count
    for row in load.values():
        statuses["200"] = statuses.get("200", 0) + row["requests"] + row["warmup_requests"] - row["errors"]
    by_class = {f"{c}xx": sum(v for k, v in statuses.items() if k.startswith(str(c))) for c in (2, 3, 4, 5)}
    hyp = api.get("hypothesis property tests", {})
    schema = next((r for n, r in api.items() if n.startswith("schemathesis")), {})
    named = api.get("named bad requests", {})
    damage = [r for r in index.values() if "damage" in r]
    lines = [
        "# Reliability and security",
        "",
        f"Generated by `tests/_reliability.py` from the records written by the tests on {stamps[0][:10] if stamps else '-'} "
        f"({stamps[0][11:] if stamps else '-'}–{stamps[-1][11:] if stamps else '-'}). Regenerate with:",
        "",
        f"    {RUN}",
        "",
        "All live tests target 127.0.0.1 only, on a shared 2-core machine, with the hashing embedder (fast, "
        "deterministic) except the default-reader memory test; figures are from one run, not benchmarks.",
        "",
        "## Figures",
        "",
        "| what | figure |",
        "|---|---|",
        f"| HTTP requests sent (fuzzing, schemathesis, security, reload, load) | {sum(statuses.values()) + named.get('cases', 0)} |",
        f"| responses by class (not counting the named bad-request cases, nor the deliberate 504s of the overload test) | 2xx {by_class['2xx']}, 4xx {by_class['4xx']}, "
        f"5xx {by_class['5xx']} |",
        f"| hypothesis examples (at most 150 per property, 6 properties) | {hyp.get('examples', '-')} |",
        f"| schemathesis cases ({schema.get('operations', '-')} operations, 60 examples each) | {schema.get('cases', '-')} |",
        f"| corpus faults injected | {sum(r.get('injected', 1) for r in corpus.values())} |",
        f"| index faults injected | {len(index)} scenarios ({len(damage)} file × damage combinations) |",
    ]
    for row in load.values():
        lines += [
            f"| load: {row['clients']} clients × {row['duration_s']} s | {row['requests']} requests, "
            f"{row['requests_per_s']} req/s, {row['errors']} errors, {row['mismatches']} answers differing from single-client "
            f"(machine load average {row.get('machine_load_avg_1m', '-')} on 2 cores, shared) |",
            f"| load latency p50 / p95 / max | {row['latency_p50_ms']} / {row['latency_p95_ms']} / {row['latency_max_ms']} ms |",
            f"| server RSS: start / after warm-up / end | {row['rss_start_kib'] // 1024} / {row['rss_after_warmup_kib'] // 1024} / "
            f"{row['rss_end_kib'] // 1024} MiB (end − warm-up: {(row['rss_end_kib'] - row['rss_after_warmup_kib']) / 1024:+.1f} MiB) |",
        ]
    for row in overload.values():
        if "most_concurrent" in row:
            lines.append(
                f"| overload: answers slower than the time budget | {row['requests']} requests, all 504; at most "
                f"{row['most_concurrent']} pipeline calls at once (cap {row['cap']}) |"
            )
        elif "protocol_us" in row:
            lines.append(
                f"| overload: event-loop time per 503, in process without sockets ({row['refusals']} each) | refused by "
                f"`qa serve`'s protocol {row['protocol_us']} µs"
                + (f" (a whole, plain request; through h11: {row['protocol_h11_us']} µs)" if "protocol_h11_us" in row else "")
                + f"; by the app's middleware {row['app_middleware_us']} µs |"
            )
        elif "admitted_p95_ms" in row:
            st = row["statuses"]
            lines += [
                f"| overload: {row['connections']} connections × {row['duration_s']} s (target: admitted p95 ≤ 500 ms, "
                f"503s within 50 ms, only 503 errors, /health p99 ≤ 100 ms) | {st.get('200', 0)} admitted (200), "
                f"{st.get('503', 0)} refused (503 + Retry-After), {row['errors_other_than_503']} other errors "
                f"(clients retry {row['retry_after_503_s']} s after a 503; load average before / after "
                f"{row.get('machine_load_avg_1m_before', '-')} / {row['machine_load_avg_1m']}) |",
                f"| overload latency: unloaded p50 / p95; admitted p50 / p95 / max | {row['unloaded_p50_ms']} / "
                f"{row['unloaded_p95_ms']} ms; {row['admitted_p50_ms']} / {row['admitted_p95_ms']} / {row['admitted_max_ms']} ms |",
                f"| overload: 503 latency p50 / p99 / max; /health p50 / p99 / max ({row['health_checks']} checks) | "
                f"{row['refused_p50_ms']} / {row['refused_p99_ms']} / {row['refused_max_ms']} ms; {row['health_p50_ms']} / "
                f"{row['health_p99_ms']} / {row['health_max_ms']} ms |",
            ]
    for row in slow.values():
        lines.append(
            f"| slow clients: {row['connections']} ({row['kinds']}), timeouts {row['configured_timeout_s']} s "
            f"(the server acts at {row.get('server_acts_after_s', '-')} s) | "
            f"{row['closed_by_server']} closed by the server ({row['answered_408']} with a 408), {row['left_open']} left open, "
            f"{row.get('closed_within_timeout', '-')} within the timeout; closed after {row['close_after_min_s']} / "
            f"{row['close_after_median_s']} / {row.get('close_after_p99_s', '-')} / {row['close_after_max_s']} s "
            f"(min / median / p99 / max, from just before connect() to the close seen by the client); a normal client "
            f"meanwhile: {row['normal_client_rounds_ok']} rounds ok, {row['normal_client_failures']} failures "
            f"(load average before / after {' / '.join(map(str, row.get('machine_load_avg_1m_before_after', ['-'])))}) |"
        )
    for row in memory.values():
        parts = row.get("rss_by_process_end_kib")
        lines.append(
            f"| memory over {row['requests']} requests ({row['reader']} reader"
            + (f", {row['embedder']} embedder, answer and query caches off, {row['distinct_asks']} distinct questions "
               f"and follow-ups" if "slope_mib_per_1000" in row else "")
            + f", target ± 5 %) | RSS of the server's processes after warm-up "
            f"{row['rss_after_warmup_kib'] // 1024} MiB, end {row['rss_end_kib'] // 1024} MiB ({row['rss_change_pct']:+.2f} %), "
            f"max {row['rss_max_kib'] // 1024} MiB"
            + (f" (end by process: {' + '.join(str(k // 1024) for k in parts)} MiB)" if parts else "")
            + (f"; slope {row['slope_mib_per_1000']:+.2f} MiB per 1,000 requests ({row['slope_over_10000_pct']:+.2f} % "
               f"over 10,000); {row['requests_per_s']} requests/s after warm-up, {row.get('timeouts_504', 0)} over the "
               f"10 s budget (504)" if "slope_mib_per_1000" in row else "")
            + f"; {row['errors']} errors"
            + (f" (load average before / after {' / '.join(map(str, row['machine_load_avg_1m_before_after']))})"
               if "machine_load_avg_1m_before_after" in row else "")
            + " |"
        )
    if cache:
        lines.append(f"| poisoned cache, bad embedder output, unloadable build | {len(cache)} scenarios: every one healed "
                     "or failed with CURRENT unchanged and the last good build answering |")
    if logs:
        lines.append(f"| forged log lines | {len(logs)} cases: one escaped line each |")
    for row in reload_.values():
        lines.append(
            f"| reload under load | {row['requests']} requests from {row['clients']} clients, all 200; "
            f"{row['in_flight_during_reloads']} in flight during the reloads; reloads took {row['reload_seconds']} s |"
        )
    lines += ["", "## Targets (issue 13)", "", "| target | figure | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {f} | {v} |" for t, f, v in _targets(overload, slow, memory, cache, logs)]
    lines += ["", "## Bugs found and fixed", ""] + [f"- {item}" for item in FINDINGS]
    lines += ["", "## Noticed, left alone", ""] + [f"- {item}" for item in LEFT_ALONE + NOTES]

    lines += ["", "## 1. Corpus faults (tests/test_corpus_faults.py)", ""] + _table(list(corpus.values()))
    lines += ["", "## 2. Index faults (tests/test_index_faults.py)", ""]
    if damage:
        files = list(dict.fromkeys(r["file"] for r in damage))
        kinds = list(dict.fromkeys(r["damage"] for r in damage))
        cell = {(r["file"], r["damage"]): r["outcome"] for r in damage}
        lines += ["Each build file damaged in place, then `Pipeline.load`: the error raised (every message names `qa index`).", "",
                  "| file | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
        lines += [f"| {f} | " + " | ".join(cell.get((f, k), "-") for k in kinds) + " |" for f in files]
        lines.append("")
    lines += _table([r for r in index.values() if "damage" not in r])
    lines += ["", "## 3. Reload while serving (tests/test_reload_live.py)", ""] + _table(list(reload_.values()))
    lines += ["", "## 4. Bad requests (tests/test_api_fuzz.py)", ""] + _table(list(api.values()))
    lines += ["", "## 5. Load (tests/test_load.py) and overload (tests/test_overload.py)", ""]
    lines += _table(list(load.values()) + list(overload.values()))
    lines += ["", "## 6. Security (tests/test_security.py)", ""] + _table(list(security.values()))
    lines += ["", "## 7. Slow clients (tests/test_slow_clients.py) and memory (tests/test_overload_live.py, "
              "tests/test_memory_soak.py)", ""]
    lines += _table(list(slow.values()) + list(memory.values()))
    lines += ["", "## 8. Embedding cache and build checks (tests/test_cache_faults.py)", ""] + _table(list(cache.values()))
    lines += ["", "## 9. Log lines (tests/test_hardening.py)", ""] + _table(list(logs.values()))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(render(), encoding="utf-8")
    print(f"wrote {REPORT}")
