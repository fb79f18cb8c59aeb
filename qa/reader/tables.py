"""Tables in a document's text, and the cell a question asks for.

Every format's extractor writes a table as one line a row, cells between pipes (`| 西湖区 | 6602 |`),
the way trafilatura writes HTML tables and Markdown writes its own; a `|---|` rule line may follow
the header row. A table is kept with the lines just above it (its caption: a title, a unit).

A question asks for a cell when it names one row and one column: a row by one of its label cells
(the first column, and any other column of words rather than figures), a column by its header. The
match is general — the longest run of the header's characters (or, in Latin script, words) that
the question repeats — with one correction learned nowhere and tied to no document: words the
table's caption or its document's title already say (授权量 in "各地区专利授权量") are what every
column measures, so they count half toward choosing one. A row or column that two candidates
match equally well is no match: the reader then says nothing and the other readers read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..divisions import short_name
from ..normalize import normalize

_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$")
_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+(?:[ \t]*:?-{2,}:?[ \t]*)?[ \t]*$")
_FIGURE = re.compile(r"^[-+−]?\d[\d,，.]*\s*(?:%|‰|[万亿千百]?[件个项家人次元户所倍]?)$|^[-—–/]$|^$")
_UNIT_TOKENS = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_CAPTION_LINES = 2


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # offsets of the stripped cell text in the document
    end: int


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    start: int  # the line's offsets in the document
    end: int


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
            if cells and sum(1 for c in cells if not _FIGURE.match(c)) * 2 > len(cells):
                labels.add(j)
        return frozenset(labels)


def _cells(line: str, offset: int) -> tuple[Cell, ...]:
    m = _ROW.match(line)
    assert m is not None
    out = []
    pos = m.start(1)
    for part in m.group(1).split("|"):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        out.append(Cell(stripped, offset + pos + lead, offset + pos + lead + len(stripped)))
        pos += len(part) + 1
    return tuple(out)


def _lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    return lines


def tables_in(text: str) -> list[Table]:
    """The tables of a document's text: pipe tables, and tables flattened to one cell a line
    where the layout is unambiguous (`flat_tables_in`)."""
    lines = _lines(text)
    return _pipe_tables(lines) + flat_tables_in(lines)


def _pipe_tables(lines: list[tuple[int, str]]) -> list[Table]:
    """Pipe tables, each with a header row and at least one data row."""
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if not _ROW.match(lines[i][1]) or _RULE.match(lines[i][1]):
            i += 1
            continue
        block: list[Row] = []
        ruled = False
        j = i
        while j < len(lines) and _ROW.match(lines[j][1]):
            start, line = lines[j]
            if _RULE.match(line):
                ruled = ruled or len(block) == 1
            else:
                block.append(Row(_cells(line, start), start, start + len(line)))
            j += 1
        header, rows = block[0], tuple(block[1:])
        if rows and len(header.cells) >= 2 and (ruled or not any(_FIGURE.match(c.text) and c.text for c in header.cells)):
            above = [ln.strip() for _, ln in lines[max(0, i - 6) : i] if ln.strip()][-_CAPTION_LINES:]
            tables.append(Table(header, rows, "\n".join(above), header.start, block[-1].end))
        i = j
    return tables


_CELL_LINE = re.compile(r"^[^。！？!?；;，,：:]{1,20}$|^[-+−]?\d[\d,，.]*\s*\S{0,3}$")
_MAX_LABELS, _MAX_VALUES, _MIN_ROWS = 2, 16, 2


def _cell_of(start: int, line: str) -> Cell:
    lead = len(line) - len(line.lstrip())
    text = line.strip()
    return Cell(text, start + lead, start + lead + len(text))


def _header_stands_alone(cells: list[tuple[int, str]], short: list[bool], figure: list[bool], h: int) -> bool:
    """Whether the header lines found from `h` are all the header: the word lines just above them
    may be a caption or two (a title: 8 characters or more, or one with a figure; a unit line),
    not more header fragments — a header split over more lines than there are columns (地区 / 市县
    / 名称 / 专利类型 / 发明 / 实用 / 新型 …) cannot be aligned with its figures."""
    above = 0
    k = h - 1
    while k >= 0 and short[k] and not figure[k]:
        line = cells[k][1].strip()
        if len(line) < 8 and not any(ch.isdigit() for ch in line):
            return False
        above += 1
        k -= 1
    return above <= _CAPTION_LINES


def flat_tables_in(lines: list[tuple[int, str]]) -> list[Table]:
    """Tables whose cells were written one a line (blank lines between them or not), as pages
    captured as text often hold them, where nothing but the layout is needed to read them back:
    rows of `labels` word cells then `values` figure cells, the same counts row after row (at least
    two rows), right after as many header lines of words. A header that is not exactly one line a
    column (headers over two lines, grouped headers) leaves the table unread: which header names
    which figure could only be guessed."""
    cells = [(start, line) for start, line in lines if line.strip()]
    short = [bool(_CELL_LINE.match(line.strip())) for _, line in cells]
    figure = [bool(_FIGURE.match(line.strip())) for _, line in cells]
    tables: list[Table] = []
    i = 0
    while i < len(cells):
        best: tuple[int, int, int, int] | None = None  # rows, labels, values, header start
        for labels in range(1, _MAX_LABELS + 1):
            for values in range(1, _MAX_VALUES + 1):
                width = labels + values
                h = i
                if h + width * (_MIN_ROWS + 1) > len(cells):
                    break
                if not all(short[h + k] and not figure[h + k] for k in range(width)):
                    continue
                rows = 0
                at = h + width
                while at + width <= len(cells) and all(
                    short[at + k] and (figure[at + k] if k >= labels else not figure[at + k]) for k in range(width)
                ):
                    rows += 1
                    at += width
                if rows >= _MIN_ROWS and (best is None or rows * width > best[0] * (best[1] + best[2])):
                    best = (rows, labels, values, h)
        if best is None or not _header_stands_alone(cells, short, figure, best[3]):
            i += 1
            continue
        rows, labels, values, h = best
        width = labels + values
        header_cells = tuple(_cell_of(*cells[h + k]) for k in range(width))
        header = Row(header_cells, header_cells[0].start, header_cells[-1].end)
        body = []
        for r in range(rows):
            row_cells = tuple(_cell_of(*cells[h + width * (r + 1) + k]) for k in range(width))
            body.append(Row(row_cells, row_cells[0].start, row_cells[-1].end))
        above = [line.strip() for _, line in cells[max(0, h - _CAPTION_LINES) : h]]
        tables.append(Table(header, tuple(body), "\n".join(above), header.start, body[-1].end))
        i = h + width * (rows + 1)
    return tables


def _units(text: str) -> list[str]:
    """Characters of Chinese text, words of Latin text: what a match is counted in."""
    return _UNIT_TOKENS.findall(text)


def _run(phrase: list[str], question: str, joiner: str) -> str:
    """The longest run of `phrase`'s units that `question` contains, joined back into text."""
    best = ""
    for i in range(len(phrase)):
        for j in range(len(phrase), i, -1):
            if j - i <= len(_units(best)):
                break
            piece = joiner.join(phrase[i:j])
            if piece in question:
                best = piece
                break
    return best


def _column_score(header: str, question: str, topic: str) -> float:
    units = _units(header)
    if not units:
        return 0.0
    latin = all(u.isascii() for u in units)
    run = _run(units, question, " " if latin else "")
    n = len(_units(run))
    if n == 0 or (n < 2 and len(units) > 1):
        return 0.0  # one shared character (or word) of a longer header is chance
    if latin and not re.search(rf"(?<![a-z0-9]){re.escape(run)}(?![a-z0-9])", question):
        return 0.0
    return n / 2 if run in topic else float(n)


def _row_score(label: str, question: str) -> float:
    if len(label) >= 2 and label in question:
        return float(len(label))
    short = short_name(label)
    if short != label and len(short) >= 2 and short in question:
        return float(len(short))
    return 0.0


def _unique_best(scores: list[tuple[float, int]]) -> int | None:
    """The index of the one best positive score; None when none is positive or two share it."""
    ranked = sorted((s for s in scores if s[0] > 0), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


@dataclass(frozen=True)
class CellMatch:
    table: Table
    row: Row
    column: int
    score: float  # row match + column match, in matched characters
    full: bool  # the whole row label and the whole column header were named

    @property
    def cell(self) -> Cell:
        return self.row.cells[self.column]


def match_cell(question: str, table: Table, title: str = "") -> CellMatch | None:
    """The cell `question` (normalized) asks for, or None when it names no row and column of the
    table unambiguously or the cell is empty."""
    topic = normalize(table.caption + "\n" + title)
    labels = table.label_columns()
    width = len(table.header.cells)
    row_scores = []
    for k, row in enumerate(table.rows):
        score = max((_row_score(normalize(row.cells[j].text), question) for j in labels if j < len(row.cells)), default=0.0)
        row_scores.append((score, k))
    best_row = _unique_best(row_scores)
    if best_row is None:
        return None
    row = table.rows[best_row]
    values = [j for j in range(width) if j not in labels]
    col_scores = [(_column_score(normalize(table.header.cells[j].text), question, topic), j) for j in values]
    column = _unique_best(col_scores)
    if column is None and len(values) == 1 and not any(s for s, _ in col_scores):
        column = values[0]  # one column of figures: the question need not name it
    if column is None or column >= len(row.cells) or not row.cells[column].text or row.cells[column].text in "-—–/":
        return None
    row_score = row_scores[best_row][0]
    col_score = dict((j, s) for s, j in col_scores).get(column, 0.0)
    header = normalize(table.header.cells[column].text)
    full = any(normalize(row.cells[j].text) in question for j in labels if j < len(row.cells)) and header in question
    return CellMatch(table, row, column, row_score + col_score, full)
