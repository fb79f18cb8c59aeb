"""ASGI middleware: the request-body limit (413), the access log, and security headers.

The body limit checks the declared Content-Length and then counts the bytes actually streamed
(a chunked or lying client is cut off at the limit); the body is read here, within the limit, and
replayed to the app. A body that does not arrive within body_timeout_s gets a 408 here: the backstop
for ASGI servers other than `qa serve`, whose protocol (api/server.py) sends the same 408 a little
earlier, counted from the end of the request's headers."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logsafe import escape
from .upload_limits import body_limit

log = logging.getLogger("api.access")

BODY_LOG_CHARS = 2000
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
PAGE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _too_large(limit: int) -> bytes:
    message = f"the request body is larger than {limit} bytes: send a shorter question and history"
    return json.dumps({"error": {"code": "payload_too_large", "message": message}}).encode()


def too_slow_body(seconds: float) -> bytes:
    message = f"the request body did not arrive within {seconds:g}s: send the whole body at once, as its Content-Length says"
    return json.dumps({"error": {"code": "request_timeout", "message": message}}).encode()


class _ClientGone(Exception):
    pass


async def _send_json(send: Send, status: int, body: bytes) -> None:
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"), *SECURITY_HEADERS],
    })
    await send({"type": "http.response.body", "body": body})


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, log_bodies: bool = False, body_timeout_s: float = 10.0,
                 log_format: str = "text") -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.log_bodies = log_bodies
        self.body_timeout_s = body_timeout_s
        self.log_json = log_format == "json"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}
        body = b""

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if scope["path"] == "/" or scope["path"].startswith("/static/"):
                    headers.append((b"content-security-policy", PAGE_CSP))
                message = {**message, "headers": headers}
            await send(message)

        try:
            limit = body_limit(scope, self.max_body_bytes)  # larger for uploads (POST /documents)
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                status["code"] = 413
                await _send_json(send, 413, _too_large(limit))
                return
            if scope["method"] in ("POST", "PUT", "PATCH"):
                try:
                    with anyio.fail_after(self.body_timeout_s):
                        read = await _read_body(receive, limit)
                except TimeoutError:
                    status["code"] = 408
                    await _send_json(send, 408, too_slow_body(self.body_timeout_s))
                    return
                except _ClientGone:
                    # `qa serve` closes a body that is late itself, 408 first (api/server.py, ahead of the
                    # timer here); otherwise nginx's "client closed request": nothing was sent
                    status["code"] = 408 if (scope.get("state") or {}).get("timed_out") else 499
                    return
                if read is None:
                    status["code"] = 413
                    await _send_json(send, 413, _too_large(limit))
                    return
                body = read
                receive = _replay(body, receive)
            await self.app(scope, receive, send_logged)
        finally:
            self._log(scope, status["code"], (time.perf_counter() - started) * 1000, body)

    def _log(self, scope: Scope, code: int, elapsed_ms: float, body: bytes) -> None:
        client = scope.get("client") or ("-", 0)
        text = body[:BODY_LOG_CHARS].decode("utf-8", "replace") if self.log_bodies and body else None
        if self.log_json:  # json.dumps escapes control characters; ASCII output keeps U+2028/U+2029 out too
            record = {"client": client[0], "method": scope["method"], "path": scope["path"], "status": code or None,
                      "ms": round(elapsed_ms, 1)}
            if text is not None:
                record["body"] = text
            log.info("%s", json.dumps(record))
            return
        extra = " body=" + escape(text) if text is not None else ""
        log.info('%s "%s %s" %s %.1fms%s', escape(client[0]), escape(scope["method"]), escape(scope["path"]),
                 code or "-", elapsed_ms, extra)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as more than `limit` bytes have arrived."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = {"done": False}

    async def replay() -> dict[str, Any]:
        if not sent["done"]:
            sent["done"] = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
