"""`qa bench` (being built)."""

from __future__ import annotations

COMMANDS: list = []
