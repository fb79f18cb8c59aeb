"""Readers: turn a question and retrieved passages into an answer span with its citation, or an
abstention. `make_reader` builds the one the settings name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..settings import Settings
    from .base import Reader


def make_reader(
    name: str,
    min_confidence: float = 0.35,
    model_dir: str | None = None,
    passages: int = 5,
    threads: int = 1,
    context: int = 80,
    max_len: int | None = None,
    first: int = 0,
    stop: float = 0.9,
    overlap: int | None = None,
) -> "Reader":
    """`rules`, `learned` or `combined` (both, the learned reader arbitrating). Models load lazily."""
    from .rules import RulesReader

    if name == "rules":
        return RulesReader(min_confidence)
    from .learned import LearnedReader
    from .span_model import SpanModel

    learned = LearnedReader(
        SpanModel(model_dir, threads=threads, max_len=max_len), passages=passages, min_confidence=min_confidence, context=context,
        first=first, stop=stop, overlap=overlap,
    )
    if name == "learned":
        return learned
    if name == "combined":
        from .combined import CombinedReader

        return CombinedReader(RulesReader(min_confidence), learned, min_confidence=min_confidence)
    raise ValueError(f"unknown reader {name!r}: use rules, learned or combined")


def reader_from_settings(settings: "Settings", name: str | None = None) -> "Reader":
    """The reader the settings name (or `name`), with the settings' model, passages, context,
    window, threads and minimum confidence: the one place they are unpacked. The settings' own
    reader (no `name`) reads a table's cells first unless `read_tables` is off."""
    reader = make_reader(
        name or settings.reader.value,
        min_confidence=settings.min_confidence,
        model_dir=str(settings.reader_model) if settings.reader_model else None,
        passages=settings.reader_passages,
        threads=settings.reader_threads,
        context=settings.reader_context,
        max_len=settings.reader_max_len,
        first=settings.reader_first,
        stop=settings.reader_stop,
        overlap=settings.reader_overlap,
    )
    if name is None and settings.read_tables:  # the pipeline's reader; a named one is a component
        from .table_reader import TablesFirst

        return TablesFirst(reader)
    return reader
