"""The HTTP service: a FastAPI app factory over the shared `qa` pipeline, and the static chat page."""

from .app import create_app

__all__ = ["create_app"]
