"""What every format reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field


class UnreadableFile(ValueError):
    """A file that is not a document this product can read; the message says why."""


@dataclass(frozen=True)
class Hint:
    """A metadata value the file declares, and where it was found (`html-meta`, `file-meta`, `text`)."""

    value: str
    origin: str


@dataclass(frozen=True)
class Extracted:
    kind: str  # txt, md, html, pdf, docx
    raw: str  # the document's text as lines; the cleaner keeps or drops whole lines of it
    title: Hint | None = None
    published: Hint | None = None  # ISO date
    source: Hint | None = None
    line_pages: tuple[int, ...] | None = None  # PDF: the page (1-based) of each line of `raw`
    notes: tuple[str, ...] = field(default_factory=tuple)  # what was dropped or doubtful, for the report
