"""The shapes a table takes once read from text — cells with their offsets in the document, rows
under a header's columns, a table with its caption — and what tells a figure from a word."""

from __future__ import annotations

import re
from dataclasses import dataclass

FIGURE = re.compile(
    r"^[-+−]?\d[\d,，.]*\s*(?:%|‰|[万亿千百]?[件个项家人次元户所倍]?)$|^[-+−]?\d{1,3}(?:[ \u00a0]\d{3})+$|^[-—–/]$|^$"
    r"|^\d{1,3}(?:\.\d+)?/\d{1,3}(?:\.\d+)?$"  # a pair of shares (100/82.7: of its group, of the whole)
)
YEAR_CELL = re.compile(r"^(?:19|20)\d{2}年?$")
CAPTIONISH = re.compile(r"[:：]|\d[.\-/]\d.*[-~—至]|^.{21,}$")  # a label: value, a period (2018.1-2018.12), a sentence
MAX_CELL = 80  # longer pieces between separators are prose, not cells; so are long ones with a sentence's stops
CAPTION_LINES = 2
STACK_SLACK = 2  # heading lines beyond one a column: a label column's heading, a group heading (2018)


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # offsets of the stripped cell text in the document
    end: int


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]  # one under each header column (an empty Cell where the row has none)
    start: int  # the row's offsets in the document
    end: int
    extra: tuple[Cell, ...] = ()  # cells left of the header's first column: more labels (北京 | Beijing | …)

    def label_cells(self, columns: frozenset[int] | set[int]) -> tuple[Cell, ...]:
        """The row's labels: those kept aside (`extra`), then its cells under the label `columns`."""
        return (*self.extra, *(self.cells[j] for j in sorted(columns) if j < len(self.cells)))


@dataclass(frozen=True)
class Table:
    header: Row
    rows: tuple[Row, ...]
    caption: str  # the non-empty lines just above the table
    start: int
    end: int

    def label_columns(self) -> frozenset[int]:
        """The first column, and every column whose cells are mostly words rather than figures."""
        width = len(self.header.cells)
        labels = {0}
        for j in range(1, width):
            cells = [r.cells[j].text for r in self.rows if j < len(r.cells)]
            if cells and sum(1 for c in cells if not FIGURE.match(c)) * 2 > len(cells):
                labels.add(j)
        return frozenset(labels)


def text_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of every line of a text."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    return lines


def modal(counts: list[int]) -> int:
    """The most frequent of `counts`, the larger on a tie (how many figures most rows hold)."""
    return max(sorted(set(counts), reverse=True), key=counts.count)


def overlaps(table: Table, tables: list[Table]) -> bool:
    """Whether `table` starts inside one of `tables` (the same table found a second way)."""
    return any(t.start <= table.start < t.end for t in tables)


def heading_cells(headings: list[Cell], values: int) -> tuple[Cell, ...]:
    """The header of stacked headings (nearest the figures last): the last `values` head the figure
    columns, the one before them (an empty cell where there is none) the label column."""
    label = headings[-values - 1] if len(headings) > values else Cell("", headings[0].start, headings[0].start)
    return (label, *headings[-values:])
