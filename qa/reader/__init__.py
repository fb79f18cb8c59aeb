"""Readers: turn a question and retrieved passages into an answer span with its citation, or an
abstention. `make_reader` builds the one the settings name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Reader


def make_reader(
    name: str,
    min_confidence: float = 0.35,
    model_dir: str | None = None,
    passages: int = 5,
    threads: int = 1,
    context: int = 80,
    max_len: int | None = None,
) -> "Reader":
    """`rules`, `learned` or `combined` (both, the learned reader arbitrating). Models load lazily."""
    from .rules import RulesReader

    if name == "rules":
        return RulesReader(min_confidence)
    from .learned import LearnedReader
    from .span_model import SpanModel

    learned = LearnedReader(
        SpanModel(model_dir, threads=threads, max_len=max_len), passages=passages, min_confidence=min_confidence, context=context
    )
    if name == "learned":
        return learned
    if name == "combined":
        from .combined import CombinedReader

        return CombinedReader(RulesReader(min_confidence), learned, min_confidence=min_confidence)
    raise ValueError(f"unknown reader {name!r}: use rules, learned or combined")
