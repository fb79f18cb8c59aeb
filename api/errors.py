"""Every error leaves as {"error": {"code", "message", "details"?}}: what was wrong and what to do.

Never a traceback: unexpected exceptions are logged here and answered with a generic 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .logsafe import escape

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can act on; `message` must hold no secret and no filesystem path."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


# ------------------------------------------------------------------------------ validation errors

_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
}


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "path")]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path or "request body"


def _describe(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    where = _where(tuple(error.get("loc", ())))
    text = isinstance(error.get("input"), str)
    if kind == "string_too_short" or (kind == "too_short" and text):
        return f"{where} is empty (after removing whitespace and control characters): write some text"
    if kind == "string_too_long" or (kind == "too_long" and text):
        return f"{where} is too long: at most {ctx.get('max_length')} characters"
    if kind == "too_long":
        return f"{where} has too many entries: at most {ctx.get('max_length')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{where} is out of range: {error.get('msg', '').lower()}"
    if kind == "enum":
        return f"{where} must be one of {ctx.get('expected')}"
    if kind == "literal_error":
        return f"{where} must be {ctx.get('expected')}"
    if kind == "string_pattern_mismatch" and where == "doc_id":
        return "not a valid document id: ids are letters, digits, '.', '_' and '-' (GET /documents lists them)"
    if kind == "string_pattern_mismatch":
        return f"{where} is empty (only whitespace or control characters): write some text"
    if kind == "value_error":
        problem = str(ctx.get("error") or error.get("msg"))
        if problem.startswith("is "):
            return f"{where} {problem}"
        return problem if where == "request body" else f"{where}: {problem}"
    if kind in _MESSAGES:
        return f"{where} {_MESSAGES[kind]}"
    return f"{where}: {error.get('msg', 'is invalid')}"


def validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for error in exc.errors():
        details.append({"field": _where(tuple(error.get("loc", ()))), "problem": _describe(error)})
    return details


MALFORMED_JSON = (
    "the request body is not valid JSON: send a JSON object with Content-Type: application/json "
    "(the fields are described at /openapi.json)"
)
# what FastAPI raises for a body json.loads cannot even decode (invalid UTF-8, for instance)
_UNPARSABLE_BODY = "There was an error parsing the body"


async def _validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "malformed_json", MALFORMED_JSON)
    details = validation_details(exc)
    message = "; ".join(d["problem"] for d in details)
    return error_response(422, "invalid_request", f"invalid request: {message}", details)


async def _api_error_handler(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 400: "bad_request"}


async def _http_error_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 404:
        message = f"no such resource: {request.method} {request.url.path}; the API is described at /openapi.json"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}; see /openapi.json"
    elif exc.status_code >= 500:
        message = "internal error"
    elif exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        return error_response(400, "malformed_json", MALFORMED_JSON + "; it must be UTF-8")
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), message,
                          headers=getattr(exc, "headers", None))


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", escape(request.method), escape(request.url.path), exc_info=exc)
    return error_response(500, "internal_error", "internal error: the server failed to answer; try again, "
                          "and report it if it persists")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_handler)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_handler)
