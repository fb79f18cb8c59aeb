"""Running the app under uvicorn with limits uvicorn lacks: header and body deadlines, a cap on open
connections, the overload refusal at the cheapest point, and JSON bodies for the 400s of malformed HTTP.

Deadlines. uvicorn times out only idle keep-alive connections; a client that sends half its headers
(or a body shorter than its Content-Length) holds its connection for as long as it likes. Here each
connection has one deadline for the phase it is in, and the phases begin at these moments, as the
server sees them:

- headers: when the connection is established, or, on a keep-alive connection, when both the
  previous response has been written and the previous request's body has arrived. The phase ends
  when the request's headers are complete; otherwise, `header_timeout_s` after it began at the
  latest, the connection is closed.
- body: when the request's headers are complete. The phase ends when the body has arrived; otherwise,
  `body_timeout_s` after it began at the latest, the server writes a 408 (JSON; unless a response to
  the request has already started) and closes the connection.

"Established" and "complete" are the kernel's moments, not the event loop's: a busy loop accepts
and reads a burst of connections one turn at a time (1,000 connecting at once were accepted up to
0.4 s after their connect() returned, and read another 0.2 s later), while the client's clock runs
from its connect and its write. On Linux the kernel says how long ago it established the connection
or last received data (TCP_INFO), and a deadline is counted from then (`_kernel_lead`); elsewhere,
from when the loop noticed.

Trickling bytes does not move a deadline. "At the latest" is kept by acting `slack(timeout)` early
(0.25 s, or a tenth of a shorter timeout): the event loop runs a timer late by however long it is
busy (1,000 connections expiring at once), and the close must still be on time. So a client gets
between `timeout - slack` and `timeout`. The close is seen at once: the connection is shut down for
writing (its FIN sent) in the deadline's callback, not on the loop's next turn when the transport
closes the socket, after every other deadline due in the same turn.

Overload. While `admission` (api/admission.py) is full, a request for anything but /health is
answered here, as soon as h11 has parsed its request line and headers: a 503 with Retry-After and a
JSON body serialized once, written from the protocol on the event loop's thread, with no ASGI task,
routing, body read or thread; its body, if any, is read and dropped, and the connection kept alive.
A whole, plain HTTP/1.1 request read while the connection is between exchanges (the common case) is
refused without even h11's state machine (`_refuse_whole`).
Refusals are logged as one summary line a second at most, not one line each. A request let through
counts as pending in `admission` from the moment its body is in until the admission middleware takes
it over (or it ends), so that the many requests one turn of the loop reads are not all let through
to be refused later, the costly way.

Beyond `max_connections` open connections a new one gets a JSON 503 and is closed. The bytes the
protocol writes itself (400, 408, 503) are built once in api/wire.py, beside `whole_request`.

The GIL. The event loop must not share its interpreter with the pipeline's computing: each time
the loop's thread makes a system call (a recv, a send, the poll) it lets the GIL go, and it then
competes for it with every busy worker thread (a socket send or recv that takes 3 µs alone took
52 µs on average with four threads computing, even at a 1 ms switch interval), so under overload
its turns stretched to tens of milliseconds: the 503s' tail. `qa serve` therefore answers questions
in a child process (qa/pipeline_process.py); the threads left here only wait on its pipes. The
switch interval is still SWITCH_INTERVAL_S, for those threads' brief pickling and for the servers
that compute in threads (the in-process app of the tests, `qa serve` over Milvus Lite)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import resource
import socket
import struct
import sys
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
from uvicorn.protocols.http.h11_impl import H11Protocol

from qa.settings import Settings

from .admission import PENDING_KEY, Admission, Pending
from .wire import (
    BUSY,
    BUSY_BYTES,
    BUSY_CLOSE,
    BUSY_DATA,
    END,
    EXEMPT_TARGETS,
    MALFORMED,
    TOO_MANY,
    timeout_response,
    whole_request,
)

log = logging.getLogger(__name__)

DEADLINE_SLACK_S = 0.25  # a deadline is acted on this early (a tenth of a timeout shorter than 2.5 s)
FD_HEADROOM = 256  # files the process needs beyond its connections (index, logs, threads' pipes)
REFUSAL_LOG_EVERY_S = 1.0
# struct tcp_info (linux/tcp.h): tcpi_last_data_recv and tcpi_last_ack_recv, milliseconds since the
# kernel last received data, and an acknowledgement (on a connection we have sent nothing on: since it
# was established)
TCP_INFO = getattr(socket, "TCP_INFO", None) if sys.platform.startswith("linux") else None
TCP_INFO_LAST_RECV = struct.Struct("=II")
TCP_INFO_LAST_RECV_AT = 52
SWITCH_INTERVAL_S = 0.001  # the GIL's hand-over interval in `qa serve` (Python's default: 0.005)


def slack(timeout_s: float) -> float:
    return min(DEADLINE_SLACK_S, timeout_s / 10)


class _ScreenedConnection(h11.Connection):
    """h11's server side, whose next_event() first offers each parsed request to `screen`: a request
    that `screen` answers (returning True) never reaches uvicorn, which sees the events after it
    (the request's body, dropped because the response is done)."""

    screen: Any = None  # GuardedH11Protocol._screen: also counts the requests, for the deadlines' phases

    def next_event(self) -> Any:
        event = super().next_event()
        if type(event) is h11.Request and self.screen is not None and self.screen(event):
            if self.our_state is not h11.DONE:  # answered and closing: nothing more to read
                return h11.PAUSED
            event = super().next_event()
        return event


class _RefusalLog:
    """One log line a second at most for the requests the protocol refused."""

    def __init__(self) -> None:
        self.count = 0
        self.scheduled = False

    def note(self, loop: asyncio.AbstractEventLoop, admission: Admission, count: int = 1) -> None:
        self.count += count
        if not self.scheduled:
            self.scheduled = True
            loop.call_later(REFUSAL_LOG_EVERY_S, self.flush, admission)

    def flush(self, admission: Admission) -> None:
        log.warning("refused %d requests in the last %gs with 503: %d at work, %d waiting (QA_MAX_IN_FLIGHT=%d, "
                    "QA_MAX_QUEUED=%d; %d places served within QA_QUEUE_TIMEOUT_S at %.2f s a request)", self.count,
                    REFUSAL_LOG_EVERY_S, admission.active, len(admission.waiting), admission.max_in_flight,
                    admission.max_queued, admission.waiting_room(), admission.service_s)
        self.count = 0
        self.scheduled = False


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with per-phase deadlines, the overload refusal, a connection cap and JSON 400s."""

    header_timeout_s = 10.0
    body_timeout_s = 10.0
    max_connections = 2048
    admission: Admission | None = None  # set by protocol_for: refuse here while it is full
    refusals = _RefusalLog()
    too_slow: bytes | None = None  # the 408, serialized once by protocol_for

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        size = self.config.h11_max_incomplete_event_size
        self.conn = _ScreenedConnection(h11.SERVER, DEFAULT_MAX_INCOMPLETE_EVENT_SIZE if size is None else size)
        self.conn.screen = self._screen
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: tuple[str, int] | None = None
        self._requests = 0  # requests parsed on this connection
        self._answered = False  # the latest request was answered here (refused), not by the app
        self._entering = False  # the latest request went to the app, through admission
        self._pending: Pending | None = None  # ... and is counted pending (its body is in)
        self._tcp: Any = None  # the connection's socket, where the kernel can say when bytes arrived

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if TCP_INFO is not None and sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            self._tcp = sock
        if len(self.connections) > self.max_connections:
            log.warning("refused a connection: %d open (QA_MAX_CONNECTIONS=%d)", len(self.connections) - 1,
                        self.max_connections)
            transport.write(TOO_MANY)
            transport.close()
            return
        self._watch()

    def data_received(self, data: bytes) -> None:
        if self.admission is not None and self.admission.full():
            data = self._refuse_whole(data)
        if data:
            super().data_received(data)
        self._watch()

    def handle_events(self) -> None:
        super().handle_events()
        if self._entering and self.conn.their_state in (h11.DONE, h11.MUST_CLOSE) and self.cycle is not None:
            # the request the app now has is whole: count it pending until admission takes it over (the
            # app's task has not run yet: it starts on the loop's next turn)
            self._entering = False
            self._pending = Pending(self.admission)
            self.cycle.scope["state"][PENDING_KEY] = self._pending

    def on_response_complete(self) -> None:
        self._settle()
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        self._settle()
        super().connection_lost(exc)

    def _settle(self) -> None:
        """The app's request is over: it is no longer pending, whatever happened to it."""
        self._entering = False
        if self._pending is not None:
            self._pending.release()
            self._pending = None

    def send_400_response(self, msg: str) -> None:
        self._cancel()
        if not self.transport.is_closing():
            self.transport.write(MALFORMED)
            self.transport.close()

    # ------------------------------------------------------------------------------------- overload

    def _refuse_whole(self, data: bytes) -> bytes:
        """While admission is full, answer the whole, plain requests at the start of `data` with the
        503 without h11: its state machine cost the loop 244 µs a refusal (parsing the request, six
        events through its state machine, serializing the response), this 36 µs (in process, on the
        shared machine at load 6.6; tests/test_overload_live.py records it). h11 never
        sees these requests, so the connection stays where it was: between exchanges. What is left
        (an incomplete or unusual request, /health, or a connection in the middle of an exchange)
        goes to h11 as usual, and `_screen` refuses it there if it must."""
        conn = self.conn
        if conn.our_state is not h11.IDLE or conn.their_state is not h11.IDLE or conn.trailing_data[0]:
            return data
        limit = self.conn._max_incomplete_event_size
        refused = 0
        while data:
            length, target = whole_request(data, limit)
            if not length or target.partition(b"?")[0] in EXEMPT_TARGETS:
                break
            data = data[length:]
            refused += 1
        if refused:
            self._unset_keepalive_if_required()
            self.transport.write(BUSY_BYTES * refused)
            self._requests += refused
            self._answered, self._entering = True, False
            admission = self.admission
            assert admission is not None
            admission.refused += refused
            self.server_state.total_requests += refused
            self.refusals.note(self.loop, admission, refused)
            if not data:
                self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
        return data

    def _screen(self, event: h11.Request) -> bool:
        """Answer `event` with a 503 here when admission is full (True), or leave it to the app."""
        self._requests += 1
        self._answered = self._entering = False
        admission = self.admission
        if admission is None or event.target.partition(b"?")[0] in EXEMPT_TARGETS:
            return False
        if not admission.full():
            self._entering = True
            return False
        conn = self.conn
        close = conn.they_are_waiting_for_100_continue  # its body will not follow a final response
        self.transport.write(conn.send(BUSY_CLOSE if close else BUSY) + conn.send(BUSY_DATA) + conn.send(END))
        self._answered = True
        admission.refused += 1
        self.server_state.total_requests += 1
        self.refusals.note(self.loop, admission)
        if conn.our_state is not h11.DONE:  # HTTP/1.0, Connection: close, or our own close
            self._cancel()
            self.transport.close()
        else:
            self._unset_keepalive_if_required()
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
        return True

    # ------------------------------------------------------------------------------------ deadlines

    def _watch(self) -> None:
        """Arm the deadline of the phase the client is in (once per phase: trickling bytes does not
        extend it), or cancel it when the client owes nothing."""
        if self.transport is None or self.transport.is_closing():
            return self._cancel()
        theirs = self.conn.their_state
        if theirs is h11.IDLE:
            if self.conn.our_state is not h11.IDLE:
                return self._cancel()  # the previous response is still going out: the client owes nothing yet
            phase, seconds = ("headers", self._requests), self.header_timeout_s
        elif theirs is h11.SEND_BODY:
            phase, seconds = ("body", self._requests), self.body_timeout_s
        else:
            return self._cancel()
        if phase != self._phase:
            if self._deadline is not None:
                self._deadline.cancel()
            self._phase = phase
            begun = self.loop.time()
            if phase == ("headers", 0) or phase[0] == "body":  # begun when bytes (or the connection) came in
                begun -= self._kernel_lead(connection=phase[0] == "headers")
            self._deadline = self.loop.call_at(begun + seconds - slack(seconds), self._expire, phase[0])

    def _kernel_lead(self, connection: bool) -> float:
        """Seconds since the kernel received the client's latest bytes (`connection`: or established the
        connection, whichever came first; we have sent nothing on it yet): how long before this moment
        the phase that the loop notices now began. A busy loop accepts and reads late (a burst of
        connections is accepted and read one turn at a time); the client's clock started when its bytes
        arrived. 0 where the kernel does not say (not Linux, not TCP)."""
        if self._tcp is None:
            return 0.0
        try:
            data_ms, ack_ms = TCP_INFO_LAST_RECV.unpack_from(
                self._tcp.getsockopt(socket.IPPROTO_TCP, TCP_INFO, TCP_INFO_LAST_RECV_AT + TCP_INFO_LAST_RECV.size),
                TCP_INFO_LAST_RECV_AT)
        except (OSError, struct.error):
            self._tcp = None
            return 0.0
        return (max(data_ms, ack_ms) if connection else data_ms) / 1000

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._phase = None

    def _expire(self, phase: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = None if self._answered else self.cycle  # the app's cycle for the request that timed out
        if phase == "body" and not self._answered and (cycle is None or not cycle.response_started):
            self.transport.write(self.too_slow or timeout_response(self.body_timeout_s))
            if cycle is not None:
                cycle.scope["state"]["timed_out"] = True  # for the access log (api.middleware): a 408
        log.info("closed a connection from %s: its request %s did not arrive in time", (self.client or ("-",))[0], phase)
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()
        if self._tcp is not None and not self.transport.get_write_buffer_size():
            # the transport closes the socket on the loop's next turn, after every other deadline due
            # now (1,000 slow clients expire together); the client sees the end of the connection now
            with contextlib.suppress(OSError):
                self._tcp.shutdown(socket.SHUT_WR)


def protocol_for(settings: Settings, admission: Admission | None = None) -> type[GuardedH11Protocol]:
    return type("ConfiguredH11Protocol", (GuardedH11Protocol,), {
        "header_timeout_s": settings.header_timeout_s,
        "body_timeout_s": settings.body_timeout_s,
        "max_connections": settings.max_connections,
        "admission": admission,
        "refusals": _RefusalLog(),
        "too_slow": timeout_response(settings.body_timeout_s),
    })


def raise_open_files_limit(connections: int) -> None:
    """Let the process hold `connections` sockets: raise the soft RLIMIT_NOFILE towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < wanted:
            log.warning("open files are limited to %d: fewer than QA_MAX_CONNECTIONS=%d connections fit",
                        target, connections)


def run(app: FastAPI, settings: Settings) -> None:
    """Serve `app` on settings.host:settings.port until interrupted."""
    raise_open_files_limit(settings.max_connections)
    sys.setswitchinterval(SWITCH_INTERVAL_S)  # the event loop gets the GIL back sooner from busy workers
    # What is loaded by now (the index's documents and chunks, the app) lives as long as the process:
    # out of the garbage collector's sight, a full collection walks only what was made since. It
    # walked all of it once in a 20 s overload run, holding the loop 122 ms (19 ms frozen).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app, host=settings.host, port=settings.port, access_log=False, log_config=None,
        http=protocol_for(settings, getattr(app.state, "admission", None)), timeout_keep_alive=settings.keepalive_timeout_s,
        timeout_graceful_shutdown=5, backlog=max(2048, settings.max_connections),
    )
