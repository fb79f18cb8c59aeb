"""What the bench report's parts share: a target and a path lookup into the report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    target: str
    measured: str
    met: bool | None  # None: not measured in this run
    cause: str | None = None  # when not met: what the figures show and what would be needed


def get(data: dict, *path: str):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data
