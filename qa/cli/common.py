"""Shared CLI plumbing: settings from options, logging, progress bars, errors as messages."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from typing import Any, Iterator

import click
from pydantic import ValidationError
from tqdm import tqdm

from ..index_store import IndexError_
from ..settings import Settings


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


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


class ProgressBars:
    """A tqdm bar per stage, on stderr; silent when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(total=total, desc=stage, unit="it", file=sys.stderr, leave=True)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
