"""The bytes `qa serve`'s protocol (api/server.py) writes without the app, serialized once: the JSON
400 of malformed HTTP, the 503 of too many connections or of overload, the 408 of a late body; and
`whole_request`, which finds a whole, plain request in the bytes read so that an overloaded server
can refuse it without h11's state machine."""

from __future__ import annotations

import json
import re

import h11
from h11._readers import header_field_re, request_line_re  # h11's own grammar: the fast path accepts what it does

from .admission import BUSY_BODY, BUSY_HEADERS, EXEMPT
from .middleware import SECURITY_HEADERS, too_slow_body


def json_response(status: int, reason: bytes, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n"
        b"retry-after: 1\r\n\r\n" % (status, reason, len(body)) + body
        if status == 503 else
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
        % (status, reason, len(body)) + body
    )


def timeout_response(body_timeout_s: float) -> bytes:
    """The 408 of a body that did not arrive in time: the bytes the app's middleware would send."""
    body = too_slow_body(body_timeout_s)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *SECURITY_HEADERS]
    return b"HTTP/1.1 408 Request Timeout\r\n" + b"".join(b"%s: %s\r\n" % h for h in headers) + b"\r\n" + body


MALFORMED = json_response(400, b"Bad Request", "bad_request",
                          "malformed HTTP request (request line, a header, Content-Length or chunk size): send valid HTTP/1.1")
TOO_MANY = json_response(503, b"Service Unavailable", "overloaded",
                         "too many open connections: try again in a moment")
EXEMPT_TARGETS = frozenset(path.encode() for path in EXEMPT)
BUSY = h11.Response(status_code=503, reason=b"Service Unavailable", headers=[*BUSY_HEADERS, *SECURITY_HEADERS])
BUSY_CLOSE = h11.Response(status_code=503, reason=b"Service Unavailable",
                          headers=[*BUSY_HEADERS, *SECURITY_HEADERS, (b"connection", b"close")])
BUSY_DATA = h11.Data(data=BUSY_BODY)
END = h11.EndOfMessage()


def _busy_bytes() -> bytes:
    """The bytes h11 writes for BUSY, BUSY_DATA and END on a keep-alive HTTP/1.1 connection."""
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    conn.next_event()
    return conn.send(BUSY) + conn.send(BUSY_DATA) + conn.send(END)


BUSY_BYTES = _busy_bytes()
CONTENT_LENGTH = re.compile(rb"[0-9]{1,12}")
SLOW_PATH_HEADERS = frozenset({b"transfer-encoding", b"expect", b"upgrade"})


def whole_request(data: bytes, limit: int) -> tuple[int, bytes]:
    """The length and target of the plain HTTP/1.1 request at the start of `data` when all of it is there: its
    request line and every header as h11's grammar has them, one Host, at most one Content-Length
    (the body that follows it, whole), no Transfer-Encoding, Expect or Upgrade, no `Connection: close`,
    headers within `limit` bytes. (0, b"") for anything else, which h11 then reads as usual (it may
    be incomplete, or a 400, or need a close)."""
    end = data.find(b"\r\n\r\n", 0, limit)
    if end < 0:
        return 0, b""
    lines = data[:end].split(b"\r\n")
    request = request_line_re.fullmatch(lines[0])
    if request is None or request["http_version"] != b"1.1":
        return 0, b""
    length, lengths, hosts = 0, 0, 0
    for line in lines[1:]:
        header = header_field_re.fullmatch(line)
        if header is None:
            return 0, b""
        name, value = header["field_name"].lower(), header["field_value"]
        if name == b"content-length":
            lengths += 1
            if lengths > 1 or CONTENT_LENGTH.fullmatch(value) is None:
                return 0, b""
            length = int(value)
        elif name == b"host":
            hosts += 1
        elif name in SLOW_PATH_HEADERS or (name == b"connection" and b"close" in value.lower()):
            return 0, b""
    total = end + 4 + length
    return (total, request["target"]) if hosts == 1 and total <= len(data) else (0, b"")
