"""Shared CLI plumbing: settings from options, errors as messages, JSON output."""

from __future__ import annotations

import contextlib
import json
from typing import Any, Iterator

import click
from pydantic import ValidationError

from ..index_store import IndexError_
from ..settings import Settings


def get_settings(ctx: click.Context, **overrides: Any) -> Settings:
    base: Settings = ctx.obj["settings"]
    try:
        return base.with_overrides(**overrides)
    except ValidationError as exc:
        raise click.ClickException(settings_error(exc)) from None


def settings_error(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ())) or "settings"
        parts.append(f"{where}: {error.get('msg')}")
    return "invalid settings: " + "; ".join(parts)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can fix into one-line messages (no traceback)."""
    try:
        yield
    except (IndexError_, FileNotFoundError, RuntimeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
