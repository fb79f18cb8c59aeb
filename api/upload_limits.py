"""The request-body limit per route: uploads (POST /documents) may be larger than a question."""

from __future__ import annotations

from starlette.types import Scope

UPLOAD_ROUTE = ("POST", "/documents")


def body_limit(scope: Scope, default: int) -> int:
    """settings.max_upload_bytes for POST /documents, `default` (settings.max_body_bytes) elsewhere."""
    if (scope.get("method"), scope.get("path")) == UPLOAD_ROUTE:
        settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
        return int(getattr(settings, "max_upload_bytes", default))
    return default
