"""Running the app under uvicorn with limits uvicorn lacks: a header timeout, a body-phase backstop,
a cap on open connections, and JSON bodies for the 400s of malformed HTTP.

uvicorn times out only idle keep-alive connections; a client that sends half its headers (or a
GET with a Content-Length it never sends) holds its connection for as long as it likes. Each
connection here has one deadline for the phase it is in: `header_timeout_s` from the connection
opening (or the end of the previous response) until the request's headers are complete, and
`body_timeout_s` (plus a grace, so api.middleware's 408 goes first) until its body is. Beyond
`max_connections` open connections a new one gets a JSON 503 and is closed."""

from __future__ import annotations

import asyncio
import json
import logging
import resource

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from qa.settings import Settings

log = logging.getLogger(__name__)

BODY_GRACE_S = 1.0
FD_HEADROOM = 256  # files the process needs beyond its connections (index, logs, threads' pipes)


def _json(status: int, reason: bytes, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n"
        b"retry-after: 1\r\n\r\n" % (status, reason, len(body)) + body
        if status == 503 else
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
        % (status, reason, len(body)) + body
    )


MALFORMED = _json(400, b"Bad Request", "bad_request",
                  "malformed HTTP request (request line, a header, Content-Length or chunk size): send valid HTTP/1.1")
TOO_MANY = _json(503, b"Service Unavailable", "overloaded",
                 "too many open connections: try again in a moment")


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with per-phase deadlines, a connection cap and JSON 400s."""

    header_timeout_s = 10.0
    body_timeout_s = 10.0
    max_connections = 2048

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: object = None
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            log.warning("refused a connection: %d open (QA_MAX_CONNECTIONS=%d)", len(self.connections) - 1,
                        self.max_connections)
            transport.write(TOO_MANY)
            transport.close()
            return
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._cancel()
        if not self.transport.is_closing():
            self.transport.write(MALFORMED)
            self.transport.close()

    # ------------------------------------------------------------------------------------ deadlines

    def _watch(self) -> None:
        """Arm the deadline of the phase the client is in (once per phase: trickling bytes does not
        extend it), or cancel it when the client owes nothing."""
        if self.transport is None or self.transport.is_closing():
            return self._cancel()
        state = self.conn.their_state
        if state is h11.IDLE and self.conn.our_state is not h11.IDLE:
            state = None  # the previous response is still going out: the client owes nothing yet
        if state is h11.IDLE:
            phase, seconds = ("headers", id(self.cycle)), self.header_timeout_s
        elif state is h11.SEND_BODY:
            phase, seconds = ("body", id(self.cycle)), self.body_timeout_s + BODY_GRACE_S
        else:
            return self._cancel()
        if phase != self._phase:
            self._cancel()
            self._phase = phase
            self._deadline = self.loop.call_later(seconds, self._expire, phase[0])

    def _cancel(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()
        self._deadline = None
        self._phase = None

    def _expire(self, phase: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        log.info("closed a connection from %s: its request %s did not arrive in time", (self.client or ("-",))[0], phase)
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()


def protocol_for(settings: Settings) -> type[GuardedH11Protocol]:
    return type("ConfiguredH11Protocol", (GuardedH11Protocol,), {
        "header_timeout_s": settings.header_timeout_s,
        "body_timeout_s": settings.body_timeout_s,
        "max_connections": settings.max_connections,
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
    uvicorn.run(
        app, host=settings.host, port=settings.port, access_log=False, log_config=None,
        http=protocol_for(settings), timeout_keep_alive=settings.keepalive_timeout_s,
        timeout_graceful_shutdown=5, backlog=max(2048, settings.max_connections),
    )
