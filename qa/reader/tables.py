"""Tables in a document's text, and the cell a question asks for.

Every format's extractor writes a table as one line a row, cells between pipes (`| 西湖区 | 6602 |`),
the way trafilatura writes HTML tables and Markdown writes its own; a `|---|` rule line may follow
the header row. Text captured from web pages often holds tables the same way with looser edges
(`北京 | Beijing | 6527 | 11463 |`, a trailing `| |`, a header without the cells over a second label
column); those are read too. A table is kept with the lines just above it (its caption: a title, a
unit).

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

_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+(?:[ \t]*:?-{2,}:?[ \t]*)?[ \t]*$")
_FIGURE = re.compile(
    r"^[-+−]?\d[\d,，.]*\s*(?:%|‰|[万亿千百]?[件个项家人次元户所倍]?)$|^[-+−]?\d{1,3}(?:[ \u00a0]\d{3})+$|^[-—–/]$|^$"
)
_YEAR_CELL = re.compile(r"^(?:19|20)\d{2}年?$")
_UNIT_TOKENS = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_WHICH = re.compile(r"哪|谁|什么|which|who|what")
_HOW_MUCH = re.compile(r"多少|几|比例|占比|how many|how much|what (?:share|percentage|number)")
_SHARE = re.compile(r"比例|比重|占比|百分之|百分比|percentage|share of|what share|percent")
_SHARE_CELL = re.compile(r"%|‰|％|百分")
_MAX_CELL = 80  # longer pieces between pipes are prose, not cells; so are long ones with a sentence's stops
_SENTENCE = re.compile(r"[。！？；，]|[.!?;,] ")
_CAPTION_LINES = 2


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


def _lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    return lines


def tables_in(text: str) -> list[Table]:
    """The tables of a document's text: pipe (tab, comma) tables, rows of figures after a label
    separated by spaces (`spaced_tables_in`), and tables flattened to one cell a line where the
    layout is unambiguous (`flat_tables_in`)."""
    lines = _lines(text)
    found = _pipe_tables(lines)
    found += [t for t in spaced_tables_in(lines) if not any(o.start <= t.start < o.end for o in found)]
    return found + flat_tables_in(lines)


_CSV_FIELD = re.compile(r'"(?:[^"]|"")*"|[^,]*')


def _parts(line: str, sep: str) -> list[str]:
    """The pieces of a line between separators; a comma-separated line's quoted fields ("1,234")
    kept whole."""
    if sep != "," or '"' not in line:
        return line.split(sep)
    parts, pos = [], 0
    while pos <= len(line):
        m = _CSV_FIELD.match(line, pos)
        assert m is not None
        parts.append(m.group(0))
        pos = m.end() + 1
    return parts


def _split(line: str, offset: int, sep: str = "|") -> tuple[Cell, ...] | None:
    """The cells of a line of pipe-separated text (`| a | b |`, `a | b |`, `a | b`), or tab- or
    comma-separated, the empty cells at its edges dropped (and a CSV field's quotes); None for a
    line that is no table row (prose between the separators)."""
    out = []
    pos = 0
    for part in _parts(line, sep):
        stripped = part.strip()
        if len(stripped) > _MAX_CELL or (len(stripped) > 20 and _SENTENCE.search(stripped)):
            return None
        lead = len(part) - len(part.lstrip())
        if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
            stripped, lead = stripped[1:-1], lead + 1
        out.append(Cell(stripped, offset + pos + lead, offset + pos + lead + len(stripped)))
        pos += len(part) + 1
    if out and not out[0].text:
        out = out[1:]
    while out and not out[-1].text:
        out.pop()
    return tuple(out)


def _heading(cells: tuple[Cell, ...]) -> bool:
    """Cells that can head columns: words, or years (2021 | 2022)."""
    return all(not _FIGURE.match(c.text) or _YEAR_CELL.match(c.text) for c in cells if c.text)


def _has_figure(cells: tuple[Cell, ...]) -> bool:
    return any(c.text and _FIGURE.match(c.text) and not _YEAR_CELL.match(c.text) for c in cells)


def _split_row(cells: tuple[Cell, ...]) -> tuple[list[Cell], list[Cell]]:
    """A row's filled cells: its labels (up to its last cell of words, so a rank before a name is
    one; or a leading year), and the figures after them."""
    filled = [c for c in cells if c.text]
    k = max((i + 1 for i, c in enumerate(filled) if not _FIGURE.match(c.text)), default=0)
    if k == 0 and filled and _YEAR_CELL.match(filled[0].text):
        k = 1
    return filled[:k], filled[k:]


def _align(header: tuple[Cell, ...], cells: tuple[Cell, ...], start: int, end: int, values: int) -> Row:
    """A row's cells under the header's columns, in a table whose rows are not all as wide as the
    header: its figures under the last `values` columns from the left (a row cut short loses its
    last ones), its last labels under the label columns before them, labels left over (a second
    label column the header has no cell over: 北京 | Beijing) kept aside as labels too."""
    width = len(header)
    names, figures = _split_row(cells)
    n_labels = width - values
    empty = Cell("", end, end)
    placed = names[-n_labels:] if n_labels else []
    label_cells = [empty] * (n_labels - len(placed)) + placed
    value_cells = figures[:values] + [empty] * (values - len(figures[:values]))
    return Row(tuple(label_cells + value_cells), start, end, tuple(names[: len(names) - len(placed)]))


_Line = tuple[int, str, "tuple[Cell, ...] | None"]  # offset, text, cells (None: a |---| rule)


def _pipe_tables(lines: list[tuple[int, str]]) -> list[Table]:
    """Tables of pipe-, tab- or comma-separated lines: runs of lines with the separator, each read
    by `_table_of`. A comma-separated run must hold at least three lines of the same number of
    fields (two or more): commas are also prose's."""
    tables: list[Table] = []
    for sep in ("|", "\t", ","):
        i = 0
        while i < len(lines):
            if sep not in lines[i][1]:
                i += 1
                continue
            block: list[_Line] = []
            j = i
            while j < len(lines) and sep in lines[j][1]:
                start, line = lines[j]
                rule = sep == "|" and _RULE.match(line)
                cells = None if rule else _split(line, start, sep)
                if cells is None and not rule:
                    break
                block.append((start, line, cells))
                j += 1
            if sep == "," and not _regular(block):
                block = []
            table = _table_of(_joined(block), lines, i) if block else None
            if table is not None and not any(t.start <= table.start < t.end for t in tables):
                tables.append(table)
            i = max(j, i + 1)
    return tables


def _regular(block: list[_Line]) -> bool:
    counts = [len(cells) for _, _, cells in block if cells and len(cells) >= 2]
    return len(counts) >= 3 and max(counts.count(n) for n in set(counts)) >= 3


def _joined(block: list[_Line]) -> list[_Line]:
    """A label on its own line joined to the line of figures under it (`北京 |` then `111 | 16 |`):
    one row, as the page showed it."""
    out: list[_Line] = []
    k = 0
    while k < len(block):
        start, line, cells = block[k]
        if k + 1 < len(block) and cells and _filled(cells) == 1 and _heading(cells) and not _YEAR_CELL.match(_text(cells)):
            below = block[k + 1][2]
            if below and _filled(below) >= 2 and all(_FIGURE.match(c.text) for c in below):
                out.append((start, line + "\n" + block[k + 1][1], tuple(c for c in cells if c.text) + below))
                k += 2
                continue
        out.append(block[k])
        k += 1
    return out


def _filled(cells: tuple[Cell, ...] | None) -> int:
    return sum(1 for c in cells if c.text) if cells else 0


def _table_of(block: list[_Line], lines: list[tuple[int, str]], first: int) -> Table | None:
    """The table of a run of pipe lines: the header is the row above a `|---|` rule, else the first
    row of words or years that a row with a figure follows at once, else headings stacked one a
    line right above the first row with a figure (`_stacked_header`); the rows of two or more
    cells below it are its data. The lines above the header (and the two above the run) are its
    caption."""
    rows = [k for k, (_, _, cells) in enumerate(block) if _filled(cells) >= 2]
    head: int | None = None
    for k, (_, _, cells) in enumerate(block):
        if cells is None and k > 0 and _filled(block[k - 1][2]) >= 2:
            head = k - 1
            break
    if head is None:
        for n, k in enumerate(rows[:-1]):
            cells = block[k][2]
            assert cells is not None
            if rows[n + 1] == k + 1 and _heading(cells) and _has_figure(block[k + 1][2] or ()):
                head = k
                break
    if head is not None:
        header = tuple(c for c in block[head][2] or () if c.text)  # a heading left empty heads nothing
        h_start, h_end, top = block[head][0], block[head][0] + len(block[head][1]), head
    else:
        stacked = _stacked_header(block, rows)
        if stacked is None:
            return None
        header, h_start, h_end, top, head = stacked
    if len(header) < 2:
        return None
    below = [k for k in rows if k > head]
    if not below:
        return None
    spans = [(block[k][2] or (), block[k][0], block[k][0] + len(block[k][1])) for k in below]
    if all(len(cells) == len(header) for cells, _, _ in spans):
        body = [Row(cells, start, end) for cells, start, end in spans]  # a clean grid: place by place
    else:
        values = _values(spans, len(header))
        body = [_align(header, cells, start, end, values) for cells, start, end in spans]
    above = [ln.strip() for _, ln in lines[max(0, first - 6) : first] if ln.strip()][-_CAPTION_LINES:]
    above += [" ".join(c.text for c in cells if c.text) for _, _, cells in block[:top] if _filled(cells)]
    return Table(Row(header, h_start, h_end), tuple(body), "\n".join(above), h_start, body[-1].end)


def _values(spans: list[tuple[tuple[Cell, ...], int, int]], width: int) -> int:
    """How many figures most rows hold (at most `width` - 1: one column at least is a label)."""
    counts = [len(_split_row(cells)[1]) for cells, _, _ in spans]
    return min(width - 1, max(sorted(set(counts), reverse=True), key=counts.count))


_CAPTIONISH = re.compile(r"[:：]|\d[.\-/]\d.*[-~—至]|^.{21,}$")  # a label: value, a period (2018.1-2018.12), a sentence


def _text(cells: tuple[Cell, ...]) -> str:
    return " ".join(c.text for c in cells if c.text)


_STACK_SLACK = 2  # heading lines beyond one a column: a label column's heading, a group heading (2018)


def _stacked_header(block: list[_Line], rows: list[int]) -> tuple[tuple[Cell, ...], int, int, int, int] | None:
    """Headings written one a line (`地区 Regions |`, `合计 Total |`, `企业 C |` …) right above the
    first row with a figure: the last as many as the rows have figures head the figure columns,
    the one before them (if any) the label column. With more heading lines than that and two more
    (headings split over lines, several levels of them), which heading is whose cannot be told:
    no table. Returns (header cells, its start and end offsets, the block line where the headings
    start, the block line where they end)."""
    data = next((k for k in rows if _has_figure(block[k][2] or ())), None)
    if data is None:
        return None
    stack: list[int] = []
    k = data - 1
    while k >= 0:
        cells = block[k][2]
        if cells is not None and _filled(cells) == 0:
            k -= 1
            continue
        if cells is None or _filled(cells) != 1 or not _heading(cells) or _CAPTIONISH.search(_text(cells)):
            break
        stack.insert(0, k)
        k -= 1
    spans = [(block[j][2] or (), block[j][0], block[j][0] + len(block[j][1])) for j in rows if j >= data]
    names, figures = _split_row(spans[0][0])
    values = max(len(_split_row(c)[1]) for c, _, _ in spans[:5])
    if not stack or len(stack) < values or len(stack) > values + _STACK_SLACK:
        return None
    used = stack[-values:]
    labels = stack[-values - 1 : -values] if len(stack) > values else []
    cells = [next(c for c in block[j][2] or () if c.text) for j in labels + used]
    first = labels[0] if labels else used[0]
    if not labels:
        cells.insert(0, Cell("", block[first][0], block[first][0]))
    start = block[first][0]
    end = block[used[-1]][0] + len(block[used[-1]][1])
    return tuple(cells), start, end, first, data - 1


_CELL_LINE = re.compile(r"^[^。！？!?；;，,：:]{1,20}$|^[-+−]?\d[\d,，.]*\s*\S{0,3}$")
_MAX_LABELS, _MAX_VALUES, _MIN_ROWS = 2, 16, 2


def _cell_of(start: int, line: str) -> Cell:
    """A line that is one cell: its text without the spaces and pipes at its edges (`1754 |`)."""
    text = line.strip(" \t|")
    lead = len(line) - len(line.lstrip(" \t|"))
    return Cell(text.strip(), start + lead, start + lead + len(text.strip()))


def _header_stands_alone(cells: list[tuple[int, str]], short: list[bool], figure: list[bool], h: int) -> bool:
    """Whether the header lines found from `h` are all the header: the word lines just above them
    may be a caption or two (a title: 8 characters or more, or one with a figure; a unit line),
    not more header fragments — a header split over more lines than there are columns (地区 / 市县
    / 名称 / 专利类型 / 发明 / 实用 / 新型 …) cannot be aligned with its figures."""
    above = 0
    k = h - 1
    while k >= 0 and short[k] and not figure[k]:
        line = _cell_of(*cells[k]).text
        if len(line) < 8 and not any(ch.isdigit() for ch in line):
            return False
        above += 1
        k -= 1
    return above <= _CAPTION_LINES


_SPACED_ROW = re.compile(r"^\s*(?P<label>\S(?:.*?\S)?)\s+(?P<figures>[-+−]?\d[\d,.]*%?(?:\s+(?:[-+−]?\d[\d,.]*%?|[-—–]))+)\s*$")
_LATIN_LINE = re.compile(r"^[A-Za-z][A-Za-z .,'&()/-]*$")


def _spaced_row(start: int, line: str) -> tuple[Cell, ...] | None:
    """A line `北京 68586 447 1083` (or `Inner Mongolia 100.0% 0.7%`): its label (words) and its
    figures, two or more, separated by spaces; None for any other line."""
    m = _SPACED_ROW.match(line)
    if m is None or _FIGURE.match(m.group("label")) or len(m.group("label")) > _MAX_CELL:
        return None
    cells = [Cell(m.group("label"), start + m.start("label"), start + m.end("label"))]
    for f in re.finditer(r"\S+", m.group("figures")):
        cells.append(Cell(f.group(0), start + m.start("figures") + f.start(), start + m.start("figures") + f.end()))
    return tuple(cells)


def _heading_lines(lines: list[tuple[int, str]], first: int) -> list[Cell]:
    """The heading lines right above line `first` (blank lines skipped), one heading a line, a
    Latin line joined to the Chinese heading above it (合计 / Total); stops at a caption-like line
    (a label: value, a period, a sentence) or a line with figures other than a year."""
    found: list[Cell] = []
    k = first - 1
    while k >= 0 and len(found) < _MAX_VALUES + _STACK_SLACK + 2:
        start, line = lines[k]
        text = line.strip()
        if not text:
            k -= 1
            continue
        latin = _LATIN_LINE.match(text) is not None and len(text) <= 60  # English headings run longer
        if (
            (_CAPTIONISH.search(text) and not latin)
            or (_FIGURE.match(text) and not _YEAR_CELL.match(text))
            or (re.search(r"\d{3,}", text) and not _YEAR_CELL.match(text.split()[0]))
        ):
            break
        lead = len(line) - len(line.lstrip())
        cell = Cell(text, start + lead, start + lead + len(text))
        if found and _LATIN_LINE.match(found[0].text) and not _LATIN_LINE.match(text) and found[0].start - cell.end <= 2:
            latin = found.pop(0)  # 合计 / Total: one heading in two languages
            cell = Cell(text + " " + latin.text, cell.start, latin.end)
        found.insert(0, cell)
        k -= 1
    return found


def spaced_tables_in(lines: list[tuple[int, str]]) -> list[Table]:
    """Tables whose rows are a label and figures separated by spaces (`北京 68586 447 1083`), at
    least three rows with as many figures, under headings stacked one a line (see
    `_stacked_header`: the nearest as many as there are figures head them, with one or two more
    heading lines allowed above for the label column and a group heading; a Chinese heading and
    the Latin line under it are one)."""
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        row = _spaced_row(*lines[i]) if lines[i][1].strip() else None
        if row is None:
            i += 1
            continue
        rows: list[Row] = []
        j = i
        while j < len(lines):
            start, line = lines[j]
            cells = _spaced_row(start, line) if line.strip() else None
            if cells is None:
                break
            rows.append(Row(cells, start, start + len(line)))
            j += 1
        counts = [len(r.cells) - 1 for r in rows]
        values = max(sorted(set(counts), reverse=True), key=counts.count)
        kept = [r for r in rows if len(r.cells) - 1 == values]
        headings = _heading_lines(lines, i)
        if len(kept) >= 3 and values <= len(headings) <= values + _STACK_SLACK:
            header_cells = tuple(headings[-values - 1 :]) if len(headings) > values else (Cell("", headings[0].start, headings[0].start), *headings)
            header = Row(header_cells, headings[-values - 1 if len(headings) > values else 0].start, headings[-1].end)
            above = [c.text for c in headings[: len(headings) - values - 1]]
            caption = [ln.strip() for at, ln in lines[max(0, i - 40) : i] if ln.strip() and at < headings[0].start]
            caption = caption[-_CAPTION_LINES:] + above
            tables.append(Table(header, tuple(kept), "\n".join(caption), header.start, kept[-1].end))
        i = max(j, i + 1)
    return tables


def flat_tables_in(lines: list[tuple[int, str]]) -> list[Table]:
    """Tables whose cells were written one a line (blank lines between them or not), as pages
    captured as text often hold them, where nothing but the layout is needed to read them back:
    rows of `labels` word cells then `values` figure cells, the same counts row after row (at least
    two rows), right after as many header lines of words. A header that is not exactly one line a
    column (headers over two lines, grouped headers) leaves the table unread: which header names
    which figure could only be guessed."""
    cells = [(start, line) for start, line in lines if line.strip(" \t|")]
    texts = [_cell_of(start, line).text for start, line in cells]
    short = [bool(_CELL_LINE.match(t)) for t in texts]
    figure = [bool(_FIGURE.match(t)) for t in texts]
    words = [short[k] and not figure[k] for k in range(len(cells))]
    next_figure = [len(cells)] * (len(cells) + 1)  # where the next figure line is, from each line on
    for k in range(len(cells) - 1, -1, -1):
        next_figure[k] = k if figure[k] else next_figure[k + 1]
    tables: list[Table] = []
    i = 0
    while i < len(cells):
        best: tuple[int, int, int, int] | None = None  # rows, labels, values, header start
        for labels in range(1, _MAX_LABELS + 1):
            # the header's word lines and the first row's labels run up to the first figure: that
            # fixes the width for this many labels
            width = next_figure[i] - i - labels
            values = width - labels
            if not 1 <= values <= _MAX_VALUES or i + width * (_MIN_ROWS + 1) > len(cells):
                continue
            if not all(words[i + k] for k in range(width + labels)):
                continue
            rows = 0
            at = i + width
            while at + width <= len(cells) and all(
                short[at + k] and (figure[at + k] if k >= labels else not figure[at + k]) for k in range(width)
            ):
                rows += 1
                at += width
            if rows >= _MIN_ROWS and (best is None or rows * width > best[0] * (best[1] + best[2])):
                best = (rows, labels, values, i)
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
        above = [_cell_of(*c).text for c in cells[max(0, h - _CAPTION_LINES) : h]]
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
    """How well the question names a column by its heading: the longest run of the heading's
    characters (Chinese) or words (Latin) it repeats, each script of a bilingual heading (合计
    Total) on its own; a run of less than half of that part, or of one character of a longer one,
    is chance. Counted half where the caption or title says it too, and not at all where that is
    only part of the heading."""
    if _YEAR_CELL.match(header):  # a year heads the column: 2023年 or 2023, said either way
        year = header[:4]
        return 0.0 if not _named(year, question) else (1.0 if year in topic else 2.0)
    units = _units(header)
    best = 0.0
    for latin in (False, True):
        part = [u for u in units if u.isascii() == latin and (u.isalnum() or not latin)]
        if not part:
            continue
        run = _run(part, question, " " if latin else "")
        n = len(_units(run))
        if n == 0 or (n < 2 and len(part) > 1) or n * 2 < len(part):
            continue
        if latin and not re.search(rf"(?<![a-z0-9]){re.escape(run)}(?![a-z0-9])", question):
            continue
        if run in topic and n < len(part):
            continue  # part of a heading, in words the caption says anyway (单位 of 科研单位, 单位:件)
        best = max(best, n / 2 if run in topic else float(n))
    return best


def _named(piece: str, question: str) -> bool:
    if piece.isascii():  # a Latin word or figure counts whole: Jilin is not in Jilinxi, 2001 not in 20011
        return re.search(rf"(?<![a-z0-9]){re.escape(piece)}(?![a-z0-9])", question) is not None
    return piece in question


def _row_score(label: str, question: str, common: frozenset[str]) -> tuple[float, bool]:
    """How much of a row label the question names, in characters (Latin: words), and whether it
    names all of it. The whole label, or it without an administrative suffix (西湖 for 西湖区),
    counts in full; else the runs of two or more of its characters (or one Latin word) the question
    repeats (华为 of 华为技术有限公司, 合计 of 合计Total), leaving out runs that many of the table's
    labels share (有限公司, 公司): those name no row. Runs that cover less than half of what sets
    the label apart (国际 of 国际商业机器公司) name no row either."""
    if not label:
        return 0.0, False
    units = _units(label)
    if _named(label, question) and (len(units) >= 2 or label.isascii()):
        return len(units) + 0.5, True  # a whole label outranks the same length of a longer one
    short = short_name(label)
    if short != label and len(short) >= 2 and short in question:
        return len(_units(short)) + 0.5, True
    covered, i, distinct = 0, 0, len(units)
    for piece in sorted((p for p in common if p in label), key=len, reverse=True)[:1]:
        distinct = max(1, len(units) - len(_units(piece)))  # the part of the label no other shares
    while i < len(units):
        for j in range(len(units), i, -1):
            latin = all(u.isascii() for u in units[i:j])
            piece = " ".join(units[i:j]) if latin else "".join(units[i:j])
            if (j - i >= 2 or latin) and _named(piece, question) and piece not in common:
                covered += j - i
                i = j
                break
        else:
            i += 1
    return (float(covered), False) if covered * 2 >= distinct else (0.0, False)  # half of what sets it apart


def _common_pieces(labels: list[str]) -> frozenset[str]:
    """Runs of characters that more than a third of the labels (and at least three) share."""
    if len(labels) < 3:
        return frozenset()
    counts: dict[str, int] = {}
    for label in set(labels):
        seen = {label[i:j] for i in range(len(label)) for j in range(i + 1, min(len(label), i + 6) + 1)}
        for piece in seen:
            counts[piece] = counts.get(piece, 0) + 1
    floor = max(3, len(set(labels)) / 3)
    return frozenset(p for p, n in counts.items() if n >= floor)


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
    table unambiguously or the cell is empty. A question for a figure reads the columns of
    figures; one for a name (哪家, 谁, which) the label columns the row was not found by."""
    topic = normalize(table.caption + "\n" + title)
    labels = table.label_columns()
    width = len(table.header.cells)
    label_texts = [[normalize(c.text) for c in row.extra] + [normalize(row.cells[j].text) for j in labels if j < len(row.cells)] for row in table.rows]
    common = _common_pieces([t for texts in label_texts for t in texts])
    row_scores, whole = [], []
    for k, texts in enumerate(label_texts):
        scored = [_row_score(t, question, common) for t in texts] or [(0.0, False)]
        row_scores.append((max(s for s, _ in scored), k))
        whole.append(any(w for _, w in scored))
    best_row = _unique_best(row_scores)
    if best_row is None:
        return None
    row = table.rows[best_row]
    values = [j for j in range(width) if j not in labels]
    if _WHICH.search(question) and not _HOW_MUCH.search(question):
        # asked for a name (排名第8的企业是哪家?): a label column the row was not found by
        by = {j for j in labels if j < len(row.cells) and _row_score(normalize(row.cells[j].text), question, common)[0] > 0}
        values = [j for j in labels if j not in by]
    col_scores = [(_column_score(normalize(table.header.cells[j].text), question, topic), j) for j in values]
    column = _unique_best(col_scores)
    if column is None and len(values) == 1 and not any(s for s, _ in col_scores):
        column = values[0]  # one column to answer from: the question need not name it
    if column is None or column >= len(row.cells) or not row.cells[column].text or row.cells[column].text in "-—–/":
        return None
    if _SHARE.search(question) and not _SHARE_CELL.search(row.cells[column].text):
        return None  # a share asked for (比例, 占比, %), a count found: the share is in another row or table
    row_score = row_scores[best_row][0]
    col_score = dict((j, s) for s, j in col_scores).get(column, 0.0)
    header = normalize(table.header.cells[column].text)
    full = whole[best_row] and header in question
    return CellMatch(table, row, column, row_score + col_score, full)
