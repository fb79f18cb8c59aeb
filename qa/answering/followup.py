"""Resolving elliptical follow-up questions against the conversation history."""

from __future__ import annotations

from typing import Sequence

from ..types import Turn


def resolve_followup(question: str, history: Sequence[Turn]) -> str:
    return question.strip()
