"""Issue 13, fast tier: admission control, slow-client deadlines, JSON 400s for malformed HTTP, the
connection cap, escaped and JSON access logs, /health without the key, the admin body checked
after the key. Live runs against `qa serve` are in test_overload_live.py and test_slow_clients.py."""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import socket
import sys
import threading
import time
from typing import Any

import anyio
import pytest
import h11
import uvicorn
from fastapi.testclient import TestClient
from uvicorn.server import ServerState

from _reliability import record
from api import create_app
from api.admission import Admission, AdmissionMiddleware
from api.logsafe import escape
from api.middleware import ServiceMiddleware
from api.server import GuardedH11Protocol, slack
from conftest import CORPUS_DIR, make_settings
from qa.pipeline import Pipeline

# ------------------------------------------------------------------------------------ admission


class GatedPipeline:
    """The real pipeline, whose search() waits for `gate`: requests stay in flight as long as a test likes."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.gate = threading.Event()
        self.started = threading.Semaphore(0)
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def search(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.started.release()
        assert self.gate.wait(timeout=30)
        return self._real.search(*args, **kwargs)


def _admission(app) -> AdmissionMiddleware:
    layer = app.middleware_stack
    while not isinstance(layer, AdmissionMiddleware):
        layer = layer.app
    return layer


def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_overload_is_shed_with_503_and_health_still_answers(settings, pipeline) -> None:
    gated = GatedPipeline(pipeline)
    app = create_app(settings.with_overrides(max_in_flight=1, max_queued=1, queue_timeout_s=30), gated)
    results: queue.Queue = queue.Queue()
    with TestClient(app, raise_server_exceptions=False) as client:
        def ask() -> None:
            results.put(client.post("/search", json={"query": "深圳专利授权量"}))

        threads = [threading.Thread(target=ask)]
        threads[0].start()
        assert gated.started.acquire(timeout=10)  # the first one works (held at the gate)
        admission = _admission(app)
        threads.append(threading.Thread(target=ask))
        threads[1].start()
        _until(lambda: len(admission.waiting) == 1)  # the second one waits for the slot
        refused = []
        for _ in range(3):  # the rest are refused at once, while the first two are still held
            threads.append(threading.Thread(target=ask))
            threads[-1].start()
            refused.append(results.get(timeout=10))
        health = client.get("/health")
        gated.gate.set()
        for thread in threads:
            thread.join(timeout=30)
        served = [results.get(timeout=1) for _ in range(2)]
    for response in refused:
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json()["error"]["code"] == "overloaded"
    assert [r.status_code for r in served] == [200, 200]
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert gated.calls == 2 and admission.active == 0 and not admission.waiting


def test_queue_wait_is_bounded(settings, pipeline) -> None:
    gated = GatedPipeline(pipeline)
    app = create_app(settings.with_overrides(max_in_flight=1, max_queued=4, queue_timeout_s=0.2), gated)
    with TestClient(app, raise_server_exceptions=False) as client:
        first = threading.Thread(target=lambda: client.post("/search", json={"query": "深圳"}))
        first.start()
        assert gated.started.acquire(timeout=10)
        waited = client.post("/search", json={"query": "知识产权"})
        gated.gate.set()
        first.join(timeout=30)
    assert waited.status_code == 503 and "retry-after" in waited.headers


def test_the_queue_offers_only_the_places_served_in_time() -> None:
    """With requests holding a slot 0.5 s and 2 slots, a slot frees every 0.25 s: of a 1 s queue
    timeout, 4 places can expect one in time; more are not offered (503 at once, not after 1 s)."""
    admission = Admission(max_in_flight=2, max_queued=16, queue_timeout_s=1.0)
    assert admission.waiting_room() == 16  # nothing measured yet: the configured queue
    admission.active = 2
    admission.release(0.5)
    assert admission.service_s == 0.5 and admission.waiting_room() == 4
    admission.active, admission.pending = 2, 3
    assert not admission.full()
    admission.pending = 4
    assert admission.full()
    for _ in range(40):  # quick requests again: the whole queue comes back
        admission.active += 1
        admission.release(0.01)
    assert admission.waiting_room() == 16
    admission.active += 1
    admission.release(3.0)  # one slow request weighs in, not alone
    assert 0 < admission.waiting_room() < 16

    async def wait_refused() -> bool:
        admission.service_s, admission.active, admission.pending = 4.0, 2, 0  # room: 0 places
        return await admission.admit()

    assert asyncio.run(wait_refused()) is False


def _receiver(body: bytes, leave: anyio.Event):
    sent = {"done": False}

    async def receive() -> dict:
        if not sent["done"]:
            sent["done"] = True
            return {"type": "http.request", "body": body, "more_body": False}
        await leave.wait()
        return {"type": "http.disconnect"}

    return receive


def test_a_client_that_leaves_is_dropped_from_the_queue_and_cancelled_at_work() -> None:
    calls: list[str] = []
    working = anyio.Event()
    sent: dict[str, list] = {"/a": [], "/b": []}

    async def inner(scope, receive, send) -> None:
        calls.append(scope["path"])
        working.set()
        await anyio.sleep(60)  # "pipeline work": only a cancellation ends it early

    async def main() -> AdmissionMiddleware:
        admission = AdmissionMiddleware(inner, max_in_flight=1, max_queued=4, queue_timeout_s=60)
        leave_a, leave_b = anyio.Event(), anyio.Event()

        async def call(path: str, leave: anyio.Event) -> None:
            scope = {"type": "http", "path": path, "method": "POST", "headers": []}

            async def send(message) -> None:
                sent[path].append(message)

            await admission(scope, _receiver(b"{}", leave), send)

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(call, "/a", leave_a)
                await working.wait()
                tasks.start_soon(call, "/b", leave_b)
                while not admission.waiting:
                    await anyio.sleep(0.01)
                leave_b.set()  # b's client goes while b waits
                while admission.waiting:
                    await anyio.sleep(0.01)
                leave_a.set()  # a's client goes while a works
        return admission

    admission = anyio.run(main)
    assert calls == ["/a"]  # b never started
    assert sent == {"/a": [], "/b": []}  # nobody left to answer
    assert admission.active == 0 and not admission.waiting
    record("overload", "clients that disconnect (queued, then at work)", "queued one dropped unstarted; working one cancelled; slot freed")


# ------------------------------------------------------------------------------- slow clients


def test_a_body_that_never_completes_gets_408() -> None:
    sent: list[dict] = []

    async def app(scope, receive, send) -> None:
        raise AssertionError("the app must not see an incomplete body")

    async def receive() -> dict:
        if not sent:
            sent.append({})  # marker: the first part has been read
            return {"type": "http.request", "body": b'{"question": "', "more_body": True}
        await anyio.sleep(60)
        return {"type": "http.disconnect"}

    responses: list[dict] = []

    async def send(message) -> None:
        responses.append(message)

    async def main() -> None:
        middleware = ServiceMiddleware(app, max_body_bytes=65536, body_timeout_s=0.2)
        with anyio.fail_after(10):
            await middleware({"type": "http", "method": "POST", "path": "/ask", "headers": []}, receive, send)

    anyio.run(main)
    assert responses[0]["status"] == 408
    assert (b"connection", b"close") in responses[0]["headers"]
    assert json.loads(responses[1]["body"])["error"]["code"] == "request_timeout"


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.data = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        if not self.closed:  # like a real transport: nothing goes out after close()
            self.data += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def _ok_app(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _protocol(state: ServerState, app: Any = _ok_app, **limits: Any) -> tuple[GuardedH11Protocol, FakeTransport]:
    cls = type("TestProtocol", (GuardedH11Protocol,), limits)
    config = uvicorn.Config(app, http=cls, lifespan="off", log_config=None)
    config.load()
    protocol = cls(config=config, server_state=state, app_state={}, _loop=asyncio.get_running_loop())
    transport = FakeTransport()
    protocol.connection_made(transport)
    return protocol, transport


@pytest.mark.parametrize("request_bytes", [
    b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n",
    b"GARBAGE\r\n\r\n",
], ids=["negative Content-Length", "bad chunk size", "NUL in a header", "no request line"])
def test_malformed_http_gets_a_json_400(request_bytes: bytes) -> None:
    async def main() -> FakeTransport:
        protocol, transport = _protocol(ServerState())
        protocol.data_received(request_bytes)
        await asyncio.sleep(0)
        return transport

    transport = asyncio.run(main())
    head, _, body = bytes(transport.data).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
    assert json.loads(body)["error"]["code"] == "bad_request"
    assert transport.closed


def test_unfinished_headers_and_bodies_are_closed_at_their_deadline() -> None:
    async def main() -> dict[str, bool]:
        state = ServerState()
        limits = {"header_timeout_s": 0.15, "body_timeout_s": 0.05}
        idle, idle_t = _protocol(state, **limits)
        half, half_t = _protocol(state, **limits)
        half.data_received(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        body, body_t = _protocol(state, **limits)
        body.data_received(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        served, served_t = _protocol(state, **limits)
        served.data_received(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        before = {"idle": idle_t.closed, "half": half_t.closed}
        for _ in range(10):  # the trickler keeps sending but its deadline does not move
            half.data_received(b"X")
            await asyncio.sleep(0.03)
        mid = {"half": half_t.closed}
        await asyncio.sleep(1.5)
        return {"before": any(before.values()), "half_before_deadline": mid["half"], "idle": idle_t.closed,
                "half": half_t.closed, "body": body_t.closed, "served_answered": served_t.data.startswith(b"HTTP/1.1 200")}

    outcome = asyncio.run(main())
    assert outcome["before"] is False
    assert outcome["idle"] and outcome["half"] and outcome["body"]
    assert outcome["served_answered"]


def test_connections_beyond_the_cap_get_a_json_503() -> None:
    async def main() -> tuple[FakeTransport, FakeTransport]:
        state = ServerState()
        _, first = _protocol(state, max_connections=1)
        _, second = _protocol(state, max_connections=1)
        return first, second

    first, second = asyncio.run(main())
    assert not first.closed
    assert second.closed and bytes(second.data).startswith(b"HTTP/1.1 503")
    assert json.loads(bytes(second.data).partition(b"\r\n\r\n")[2])["error"]["code"] == "overloaded"


def _split(data: bytes) -> list[tuple[bytes, bytes]]:
    """Responses in `data` as (head, body), by Content-Length."""
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        out.append((head, rest[:length]))
        data = rest[length:]
    return out


def test_the_protocol_refuses_while_admission_is_full_without_reaching_the_app() -> None:
    seen: list[str] = []

    async def app(scope, receive, send) -> None:
        seen.append(scope["path"])
        await _ok_app(scope, receive, send)

    async def main() -> tuple[FakeTransport, FakeTransport, Admission]:
        admission = Admission(max_in_flight=1, max_queued=0, queue_timeout_s=1)
        admission.active = 1  # the one slot is taken: full
        protocol, transport = _protocol(ServerState(), app, admission=admission)
        # headers and half the body: refused at once; the rest of the body is dropped; the connection stays
        protocol.data_received(b"POST /ask?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n{}")
        await asyncio.sleep(0)
        refused_before_body = bytes(transport.data)
        protocol.data_received(b"  ")
        protocol.data_received(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")  # exempt: the app answers
        for _ in range(10):
            await asyncio.sleep(0)
        protocol.data_received(b"GET /documents HTTP/1.1\r\nHost: x\r\n\r\n")  # refused again
        admission.active = 0
        protocol.data_received(b"GET /documents HTTP/1.1\r\nHost: x\r\n\r\n")  # a free slot: the app
        for _ in range(10):
            await asyncio.sleep(0)
        assert refused_before_body.startswith(b"HTTP/1.1 503")
        admission.active = 1
        closing, closing_t = _protocol(ServerState(), app, admission=admission)
        closing.data_received(b"GET /ask HTTP/1.0\r\n\r\n")  # HTTP/1.0: answered, then closed
        return transport, closing_t, admission

    transport, closing, admission = asyncio.run(main())
    responses = _split(bytes(transport.data))
    assert [head.split(b" ")[1] for head, _ in responses] == [b"503", b"200", b"503", b"200"]
    assert seen == ["/health", "/documents"]  # the refused requests never reached the app
    head, body = responses[0]
    assert b"retry-after: 1" in head and b"application/json" in head and b"x-content-type-options: nosniff" in head
    assert b"connection: close" not in head and not transport.closed  # kept alive
    assert json.loads(body)["error"]["code"] == "overloaded"
    assert closing.closed and bytes(closing.data).startswith(b"HTTP/1.1 503")
    assert admission.refused == 3


def test_whole_plain_requests_are_refused_without_h11_and_the_same_bytes_go_out() -> None:
    """The fast path (GuardedH11Protocol._refuse_whole): whole, plain HTTP/1.1 requests read together
    are each answered with the very bytes h11 writes; anything else (an incomplete request, /health,
    Connection: close, HTTP/1.0, a header h11 refuses) is left to h11 and answered as before."""
    seen: list[str] = []

    async def app(scope, receive, send) -> None:
        seen.append(scope["path"])
        await _ok_app(scope, receive, send)

    post = b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

    async def main() -> dict:
        admission = Admission(max_in_flight=1, max_queued=0, queue_timeout_s=1)
        admission.active = 1
        fast, fast_t = _protocol(ServerState(), app, admission=admission)
        fast.data_received(post * 3 + post[:30])  # three whole requests and the start of a fourth
        three = bytes(fast_t.data)
        state_after_three = (fast.conn.our_state, fast.conn.their_state)
        fast_t.data.clear()
        fast.data_received(post[30:])  # the fourth completes: h11 has it, and refuses it (`_screen`)
        fourth = bytes(fast_t.data)
        fast_t.data.clear()
        fast.data_received(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" + post)  # exempt first: all to h11
        for _ in range(10):
            await asyncio.sleep(0)
        health_then_refused = _split(bytes(fast_t.data))
        slow, slow_t = _protocol(ServerState(), app, admission=admission)  # the h11 path, for comparison
        slow.conn.receive_data(post)
        slow.handle_events()
        closing, closing_t = _protocol(ServerState(), app, admission=admission)
        closing.data_received(b"GET /ask HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        bad, bad_t = _protocol(ServerState(), app, admission=admission)
        bad.data_received(b"GET /ask HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n")
        await asyncio.sleep(0)
        return {"three": three, "state": state_after_three, "fourth": fourth, "health": health_then_refused,
                "h11_bytes": bytes(slow_t.data), "closing": (bytes(closing_t.data), closing_t.closed),
                "bad": bytes(bad_t.data), "refused": admission.refused, "fast_transport_closed": fast_t.closed}

    o = asyncio.run(main())
    assert o["three"] == o["h11_bytes"] * 3 and o["fourth"] == o["h11_bytes"]
    assert o["state"] == (h11.IDLE, h11.IDLE)  # h11 never saw them: between exchanges
    assert [head.split(b" ")[1] for head, _ in o["health"]] == [b"200", b"503"]
    assert seen == ["/health"]
    assert o["closing"][0].startswith(b"HTTP/1.1 503") and o["closing"][1]  # refused by h11's path, then closed
    assert o["bad"].startswith(b"HTTP/1.1 400")  # h11's verdict, not a 503
    assert o["refused"] == 3 + 1 + 1 + 1 + 1 and not o["fast_transport_closed"]


def test_a_burst_read_in_one_turn_is_refused_in_the_protocol_and_pending_never_leaks() -> None:
    """Requests let through count as pending until admission takes them over, so of a burst read before
    the app runs, only what fits is let through; the count returns to 0 whatever becomes of them."""
    post = b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"

    async def main() -> dict:
        admission = Admission(max_in_flight=1, max_queued=0, queue_timeout_s=1)
        app = ServiceMiddleware(AdmissionMiddleware(_ok_app, admission=admission), max_body_bytes=1024)
        state = ServerState()
        burst = [_protocol(state, app, admission=admission) for _ in range(3)]
        for protocol, _ in burst:
            protocol.data_received(post)  # all three before the app's tasks run
        pending_after_burst = admission.pending
        for _ in range(20):
            await asyncio.sleep(0)
        statuses = [bytes(t.data)[9:12] for _, t in burst]
        # let through whole, then refused by the app before admission (413: a chunked body over the limit)
        big, big_t = _protocol(state, app, admission=admission)
        big.data_received(b"POST /ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          b"7d0\r\n" + b"x" * 2000 + b"\r\n0\r\n\r\n")
        pending_big = admission.pending
        for _ in range(20):
            await asyncio.sleep(0)
        # let through whole, then the client goes before the app runs
        gone, _ = _protocol(state, app, admission=admission)
        gone.data_received(post)
        pending_gone = admission.pending
        gone.connection_lost(None)
        for _ in range(20):
            await asyncio.sleep(0)
        return {"after_burst": pending_after_burst, "statuses": statuses, "big": pending_big,
                "big_status": bytes(big_t.data)[9:12], "gone": pending_gone, "end": admission.pending,
                "active": admission.active, "refused": admission.refused}

    o = asyncio.run(main())
    assert o["after_burst"] == 1 and o["statuses"] == [b"200", b"503", b"503"]
    assert o["big"] == 1 and o["big_status"] == b"413"
    assert o["gone"] == 1
    assert o["end"] == 0 and o["active"] == 0 and o["refused"] == 2


def test_body_deadline_sends_the_408_before_the_timeout_counted_from_the_headers(settings, pipeline, caplog) -> None:
    """Deterministic, not timed: the deadline's timer is set within [before, after] + timeout − slack,
    and a check timer at after + timeout runs later (asyncio runs timers in deadline order) and finds
    the 408 written and the connection closed. The app's own 408 timer (ServiceMiddleware) never fires."""
    timeout = 0.3
    app = create_app(settings.with_overrides(body_timeout_s=timeout), pipeline)

    async def main() -> dict:
        loop = asyncio.get_running_loop()
        protocol, transport = _protocol(ServerState(), app, header_timeout_s=5.0, body_timeout_s=timeout)
        before = loop.time()
        protocol.data_received(b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 100\r\n\r\n{\"question\": ")
        after = loop.time()
        when = protocol._deadline.when()
        checked: dict = {}
        done = loop.create_future()

        def check() -> None:
            checked.update(closed=transport.closed, data=bytes(transport.data))
            done.set_result(None)

        loop.call_at(after + timeout, check)
        await asyncio.wait_for(done, 30)
        for _ in range(20):  # let the app's task see the disconnect and log
            await asyncio.sleep(0)
        return {"before": before, "after": after, "when": when, **checked}

    with caplog.at_level(logging.INFO, logger="api.access"):
        outcome = asyncio.run(main())
    assert outcome["before"] + timeout - slack(timeout) <= outcome["when"] <= outcome["after"] + timeout - slack(timeout)
    assert outcome["closed"]
    head, body = _split(outcome["data"])[0]
    assert head.startswith(b"HTTP/1.1 408") and b"connection: close" in head
    assert json.loads(body)["error"]["code"] == "request_timeout"
    lines = [r.getMessage() for r in caplog.records if r.name == "api.access"]
    assert len(lines) == 1 and '"POST /ask" 408' in lines[0], lines


def test_header_deadline_counts_from_the_connection_and_from_the_previous_response() -> None:
    timeout = 0.3

    async def main() -> dict:
        loop = asyncio.get_running_loop()
        before = loop.time()
        protocol, transport = _protocol(ServerState(), header_timeout_s=timeout)
        after = loop.time()
        first = protocol._deadline.when()
        protocol.data_received(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        while not transport.data:
            await asyncio.sleep(0)
        answered = loop.time()
        second = protocol._deadline.when()  # re-armed when the response was complete
        protocol.data_received(b"GET /health HTTP/1.1\r\n")  # half a request's headers, then nothing
        done = loop.create_future()
        loop.call_at(answered + timeout, lambda: done.set_result(transport.closed))
        return {"before": before, "after": after, "first": first, "answered": answered, "second": second,
                "closed": await asyncio.wait_for(done, 30)}

    o = asyncio.run(main())
    s = slack(timeout)
    assert o["before"] + timeout - s <= o["first"] <= o["after"] + timeout - s
    assert o["second"] <= o["answered"] + timeout - s and o["second"] > o["first"]
    assert o["closed"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="TCP_INFO: the kernel's receive times")
def test_deadlines_count_from_when_the_kernel_got_the_bytes_not_from_a_late_loop() -> None:
    """Real sockets on loopback: the clients connect and write while the event loop is blocked for
    LATE_S, so the server accepts and reads them that much later. Their deadlines still count from the
    connect (headers) and from the write that completed the headers (body), and the client sees the
    close (EOF) when the deadline fires."""
    timeout, late = 1.0, 0.4

    async def main() -> dict:
        loop = asyncio.get_running_loop()
        made: list[GuardedH11Protocol] = []
        cls = type("TestProtocol", (GuardedH11Protocol,), {"header_timeout_s": timeout, "body_timeout_s": timeout})
        config = uvicorn.Config(_ok_app, http=cls, lifespan="off", log_config=None)
        config.load()
        state = ServerState()

        def factory() -> GuardedH11Protocol:
            made.append(cls(config=config, server_state=state, app_state={}, _loop=loop))
            return made[-1]

        server = await loop.create_server(factory, "127.0.0.1", 0)
        address = server.sockets[0].getsockname()
        clients = [socket.create_connection(address) for _ in range(2)]
        connected = loop.time()
        clients[1].sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
        time.sleep(late)  # the loop is blocked: nothing is accepted or read meanwhile
        while len(made) < 2 or made[1]._phase is None or made[1]._phase[0] != "body":
            await asyncio.sleep(0.01)
        noticed = loop.time()
        whens = sorted(p._deadline.when() for p in made)  # headers (connected first), body
        for client in clients:
            client.setblocking(False)
        ends: list[float] = []
        for client in clients:
            while True:
                try:
                    if not client.recv(4096):  # the 408, then the end of the stream
                        break
                except BlockingIOError:
                    await asyncio.sleep(0.005)
            ends.append(loop.time())
            client.close()
        server.close()
        return {"connected": connected, "noticed": noticed, "whens": whens, "ends": ends}

    o = asyncio.run(main())
    s = slack(timeout)
    assert o["noticed"] - o["connected"] >= late
    for when in o["whens"]:  # counted from the connect and the write (ms resolution), not from noticing
        assert abs(when - (o["connected"] + timeout - s)) < 0.05, o
    assert all(end <= o["connected"] + timeout + 0.1 for end in o["ends"]), o  # (this loop polls)


# ------------------------------------------------------------------------------------ log lines


@pytest.fixture()
def client(settings, pipeline):
    with TestClient(create_app(settings, pipeline), raise_server_exceptions=False) as test_client:
        yield test_client


FORGED = [
    ("%0a", "/x%0a127.0.0.1%20%22POST%20/admin/reload%22%20200%201.0ms"),
    ("%0d", "/x%0d127.0.0.1%20%22POST%20/admin/reload%22%20200%201.0ms"),
    ("%0d%0a", "/x%0d%0a127.0.0.1%20%22POST%20/admin/reload%22%20200"),
    ("ANSI", "/x%1b[2J%1b[31mOK%1b[0m"),
    ("U+2028", "/x%E2%80%A8forged"),
    ("backslash", "/x%5cn127.0.0.1"),
]


@pytest.mark.parametrize("kind,path", FORGED, ids=[k for k, _ in FORGED])
def test_a_path_cannot_forge_log_lines(client: TestClient, caplog, kind: str, path: str) -> None:
    with caplog.at_level(logging.INFO, logger="api.access"):
        client.get(path)
    lines = [r.getMessage() for r in caplog.records if r.name == "api.access"]
    assert len(lines) == 1
    line = lines[0]
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u2028\u2029" for c in line), repr(line)
    assert line.count('"') - line.count('\\"') == 2  # the request's own quotes only
    record("logs", f"URL with {kind}", "one log line, control characters escaped", line=line)


def test_escape_names_what_it_replaced() -> None:
    assert escape("a\nb\r\x1b[0m\\n\u2028\"") == "a\\nb\\r\\x1b[0m\\\\n\\u2028\\\""
    assert escape("深圳 /ask") == "深圳 /ask"


def test_json_access_log(settings, pipeline, caplog) -> None:
    app = create_app(settings.with_overrides(access_log_format="json"), pipeline)
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="api.access"):
        client.get("/x%0a%1b[31m")
    lines = [r.getMessage() for r in caplog.records if r.name == "api.access"]
    assert len(lines) == 1 and "\n" not in lines[0] and "\x1b" not in lines[0]
    entry = json.loads(lines[0])
    assert entry["path"] == "/x\n\x1b[31m" and entry["method"] == "GET" and entry["status"] == 404
    record("logs", "JSON access log (QA_ACCESS_LOG_FORMAT=json)", "one JSON object a line; the decoded path round-trips")


# ------------------------------------------------------------------------------ smaller items


@pytest.fixture(scope="module")
def keyed(tmp_path_factory) -> Pipeline:
    return Pipeline.load(make_settings(CORPUS_DIR, tmp_path_factory.mktemp("index-keys"), api_key="k3y",
                                       admin_key="adm1n"))


def test_health_without_the_api_key_says_only_ok(keyed: Pipeline) -> None:
    with TestClient(create_app(keyed.settings, keyed)) as client:
        bare = client.get("/health")
        wrong = client.get("/health", headers={"X-API-Key": "guess"})
        full = client.get("/health", headers={"X-API-Key": "k3y"})
    assert bare.json() == {"status": "ok"} and wrong.json() == {"status": "ok"}
    assert full.json()["index"]["build"] == keyed.index.name
    assert keyed.index.name not in bare.text


def test_admin_key_is_checked_before_the_body(keyed: Pipeline) -> None:
    with TestClient(create_app(keyed.settings, keyed)) as client:
        spec = client.get("/openapi.json").json()
        no_key = client.post("/admin/reload", content=b"{not json", headers={"Content-Type": "application/json"})
        with_key = client.post("/admin/reload", content=b"{not json",
                               headers={"Content-Type": "application/json", "X-Admin-Key": "adm1n"})
        bad_field = client.post("/admin/reload", json={"rebuild": "yes"}, headers={"X-Admin-Key": "adm1n"})
        empty = client.post("/admin/reload", headers={"X-Admin-Key": "adm1n"})
    assert "/admin/reload" in spec["paths"]  # listed when enabled, with its body
    assert "requestBody" in spec["paths"]["/admin/reload"]["post"]
    assert no_key.status_code == 401
    assert with_key.status_code == 400 and with_key.json()["error"]["code"] == "malformed_json"
    assert bad_field.status_code == 422 and "rebuild" in bad_field.json()["error"]["message"]
    assert empty.status_code == 200
