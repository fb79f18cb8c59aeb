"""`qa eval` (being built)."""

from __future__ import annotations

COMMANDS: list = []
