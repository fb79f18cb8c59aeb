"""Text from a request, made safe to put in a log line.

A decoded URL path can hold any character: `%0a` would end the line and start a forged one (a fake
`POST /admin/reload 200`), `%1b[` would drive the operator's terminal. Every control character
(C0, DEL, C1) and the Unicode line and paragraph separators are written as escapes instead, so one
request is always one log line; a backslash is doubled so an escape cannot be faked either, and a
double quote is escaped so a quoted field ("GET /path") cannot be closed early."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029\\"]')
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\", '"': '\\"'}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(text: object) -> str:
    """`text` as a string with no control characters left in it."""
    return _UNSAFE.sub(_escape, str(text))
