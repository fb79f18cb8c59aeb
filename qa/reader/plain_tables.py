"""Tables written without separators: rows of a label and figures separated by spaces under
headings stacked one a line, and tables flattened to one cell a line."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from .broken_headings import broken_header
from .grouped_header import MAX_GROUPS, TOTAL as _TOTAL, figure_value, repeated_header, sums_to, totalled_header
from .table_model import CAPTION_LINES, CAPTIONISH, FIGURE, MAX_CELL, STACK_SLACK, YEAR_CELL, Cell, Row, Table, heading_cells, modal

_MAX_LABELS, _MAX_VALUES, _MIN_ROWS = 2, 16, 2
_ROW_WORD_LINES = 3  # a row's word lines: its labels, broken over lines or in two languages
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,3}")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_LATIN_WORDS = re.compile(r"[A-Za-z][A-Za-z.,'&()/-]*(?: +[A-Za-z][A-Za-z.,'&()/-]*)*")
_LATIN_HEAD = re.compile(r"^[A-Za-z][A-Za-z0-9 .,'&()/%*-]*$")  # a heading or label in Latin script alone


# a line that can be one cell: a short phrase, a figure, or a heading in Latin words (they run longer)
_CELL_LINE = re.compile(r"^[^。！？!?；;，,：:]{1,20}$|^[-+−]?\d[\d,，.]*\s*\S{0,3}$|^[A-Za-z][A-Za-z .'&()/%*-]{0,79}$")


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
    return above <= CAPTION_LINES


_ONE_HAN = re.compile(r"^[\u3400-\u9fff]$")
_QUALIFIER = re.compile(r"^[\[(（【][^\])）】]*[\])）】]$")
_SPACED_ROW = re.compile(r"^\s*(?P<label>\S(?:.*?\S)?)\s+(?P<figures>[-+−]?\d[\d,.]*%?(?:\s+(?:[-+−]?\d[\d,.]*%?|[-—–]))+)\s*$")
_LATIN_LINE = re.compile(r"^[A-Za-z][A-Za-z .,'&()/-]*$")
_SERIAL = re.compile(r"\d{1,3}[ \t]+(?=\D)")


def _spaced_row(start: int, line: str) -> tuple[Cell, ...] | None:
    """A line `北京 68586 447 1083` (or `Inner Mongolia 100.0% 0.7%`): its label (words) and its
    figures, two or more, separated by spaces; None for any other line."""
    m = _SPACED_ROW.match(line)
    if m is None or len(m.group("label")) > MAX_CELL:
        return None
    if FIGURE.match(m.group("label")) and not YEAR_CELL.match(m.group("label")):  # `2015 83146 17663`: a year's row
        return None
    label_start = m.start("label")
    serial = _SERIAL.match(m.group("label"))
    if serial:  # `3 江苏 143221 120876`: the row's number is no part of its label
        label_start += serial.end()
    cells = [Cell(line[label_start : m.end("label")], start + label_start, start + m.end("label"))]
    for f in re.finditer(r"\S+", m.group("figures")):
        cells.append(Cell(f.group(0), start + m.start("figures") + f.start(), start + m.start("figures") + f.end()))
    return tuple(cells)


# heading lines over spaced rows: one a column and a few more, or headings broken word by word
# (two or three pieces a heading, some with their English or a letter code) and group headings
_MAX_HEADING_LINES = 3 * _MAX_VALUES + 2 * MAX_GROUPS


def _heading_lines(lines: list[tuple[int, str]], first: int) -> list[Cell]:
    """The heading lines right above line `first` (blank lines skipped), one heading a line, a
    Latin line joined to the Chinese heading above it (合计 / Total); stops at a caption-like line
    (a label: value, a period, a sentence) or a line with figures other than a year."""
    found: list[Cell] = []
    k = first - 1
    while k >= 0 and len(found) < _MAX_HEADING_LINES:
        start, line = lines[k]
        text = line.strip()
        if not text:
            k -= 1
            continue
        english = _LATIN_LINE.match(text) is not None and len(text) <= 60  # English headings run longer
        glossed = _HAN.search(text) and _LATIN_WORD.search(text)  # `总累计 Accumulated Number 2013`: read without the English
        if (
            (CAPTIONISH.search(_LATIN_WORDS.sub("", text).strip() if glossed else text) and not english)
            or (FIGURE.match(text) and not YEAR_CELL.match(text))
            or (re.search(r"\d{3,}", text) and not all(YEAR_CELL.match(w) for w in text.split() if re.search(r"\d", w)))
        ):
            break  # (years among a line's headings are headings: `总累计 Accumulated Number 2013`)
        lead = len(line) - len(line.lstrip())
        cell = Cell(text, start + lead, start + lead + len(text))
        if found and _LATIN_LINE.match(found[0].text) and not _LATIN_LINE.match(text) and found[0].start - cell.end <= 2:
            latin = found.pop(0)  # 合计 / Total: one heading in two languages
            cell = Cell(text + " " + latin.text, cell.start, latin.end)
        found.insert(0, cell)
        k -= 1
    return found


def _heading_words(start: int, line: str) -> list[Cell] | None:
    """The headings of a header line, separated by spaces as spaced rows' cells are; None for a line
    that is no header line (a caption, a sentence, a figure other than a year)."""
    words: list[Cell] = []
    for m in re.finditer(r"\S+", line):
        if words and _QUALIFIER.match(m.group(0)):  # '2024 [June]': a bracketed word qualifies the heading before it
            words[-1] = Cell(line[words[-1].start - start : m.end()], words[-1].start, start + m.end())
            continue
        if words and _ONE_HAN.match(m.group(0)) and _ONE_HAN.match(words[-1].text[-1:]) and (
            len(words[-1].text) == 1 or words[-1].text[-2:-1] == " "
        ):  # '项  目': one word's characters padded apart, not two headings
            words[-1] = Cell(line[words[-1].start - start : m.end()], words[-1].start, start + m.end())
            continue
        words.append(Cell(m.group(0), start + m.start(), start + m.end()))
    if not words or any(
        CAPTIONISH.search(w.text) or (FIGURE.match(w.text) and not YEAR_CELL.match(w.text)) or len(w.text) > 20 for w in words
    ):
        return None
    return words


_HEADER_LINES = 3  # lines of a header over spaced rows, English lines under Chinese ones not counted


def _two_row_header(lines: list[tuple[int, str]], first: int, texts: list[list[str]]) -> Row | None:
    """The header of spaced rows written on two or three lines above them, headings separated by
    spaces (`年度 合計 外国・香港・マカオ・台湾` over `件数 割合`; `年份 专利申请数 专利授权数` over
    `发明 实用新型 外观设计 发明 实用新型 外观设计`), read as a two-row header by the table's totals
    and shares (`totalled_header`). Lines in Latin script alone among or under them are the headings
    in English and head nothing. None where no reading checks out."""
    found: list[list[Cell]] = []
    k = first - 1
    while k >= 0 and len(found) < _HEADER_LINES:
        start, line = lines[k]
        k -= 1
        text = line.strip()
        if not text or (_LATIN_HEAD.match(text) and len(text) <= MAX_CELL):
            continue  # a blank line, or the headings in English
        words = _heading_words(start, line)
        if words is None:
            break
        found.insert(0, words)
    for n in range(2, len(found) + 1):
        headings = [w for words in found[-n:] for w in words]
        second = len(headings) - len(found[-1])  # the last line is the second row
        for cells, split in ((headings, second), ([_unheaded(headings), *headings], second + 1)):
            header = totalled_header(cells, 1, texts, split)
            if header is not None:
                return Row(header, headings[0].start, headings[-1].end)
    return None


def _one_line_header(lines: list[tuple[int, str]], first: int, values: int) -> Row | None:
    """The header of spaced rows written on one line above them, its headings separated by spaces
    as the rows' cells are: one a column (`地区 申请件数 注册件数`), or with one more over a row
    number (`序号 地区 …`) or one fewer where the label column has none. None for any other line
    (a sentence, a caption, a line with figures other than years)."""
    k = first - 1
    while k >= 0 and not lines[k][1].strip():
        k -= 1
    if k < 0:
        return None
    start, line = lines[k]
    words = _heading_words(start, line)
    if words is None or len(words) < 2:
        return None
    if len(words) == values + 2:
        words = words[1:]  # 序号 heads the row numbers, which are no column
    elif len(words) == values:
        words = [Cell("", words[0].start, words[0].start), *words]
    elif len(words) != values + 1:
        return None
    return Row(tuple(words), start, start + len(line))


def _in_year_order(rows: list[Row], label: str) -> bool:
    """Whether a row labelled `label` may follow `rows`: rows labelled by years (`2015 83146 17663`)
    run in order, one year after another up or down, as a table's years do (lines of figures
    that open with a year in no order are no table)."""
    if not YEAR_CELL.match(label):
        return True
    last: list[int] = []  # the years of the last two rows led by one, latest first
    for r in reversed(rows):
        if YEAR_CELL.match(r.cells[0].text):
            last.append(int(r.cells[0].text[:4]))
            if len(last) == 2:
                break
    year = int(label[:4])
    if not last:
        return True
    if len(last) == 1:
        return year != last[0]
    return (year - last[0]) * (last[0] - last[1]) > 0


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
            if cells is None or not _in_year_order(rows, cells[0].text):
                break
            rows.append(Row(cells, start, start + len(line)))
            j += 1
        years_row = len(rows) >= 4 and all(YEAR_CELL.match(c.text) for c in rows[0].cells[1:])
        if years_row:  # `项  目 1990 1995 2000` over the rows: the header, written like a row
            rows = rows[1:]
        values = modal([len(r.cells) - 1 for r in rows])
        kept = [r for r in rows if len(r.cells) - 1 == values]
        headings = _heading_lines(lines, i)
        texts = [[c.text for c in r.cells[1:]] for r in kept]
        two_rows = _two_row_header(lines, i, texts) if len(kept) >= 3 and not years_row else None
        one_line = _one_line_header(lines, i + 1 if years_row else i, values) if len(kept) >= 3 and two_rows is None else None
        header = two_rows or one_line  # `序号 地区 申请件数 注册件数` over `1 广东 312455 251002`
        if header is None and len(kept) >= 3 and len(headings) > values + STACK_SLACK and not years_row:
            broken = broken_header(headings, 1, texts)  # headings broken word by word over lines (大专 / 院校 / A*)
            header = Row(broken, headings[0].start, headings[-1].end) if broken is not None else None
        if header is not None:
            caption = [ln.strip() for at, ln in lines[max(0, i - 40) : i] if ln.strip() and at < header.start]
            tables.append(Table(header, tuple(kept), "\n".join(caption[-CAPTION_LINES:]), header.start, kept[-1].end))
        elif len(kept) >= 3 and values <= len(headings) <= values + STACK_SLACK and not YEAR_CELL.match(kept[0].cells[0].text):
            # (rows of years are headed by a header line or two above them, read whole, not by lines taken one a heading)
            header_cells = heading_cells(headings, values)
            header = Row(header_cells, (header_cells[0] if header_cells[0].text else headings[0]).start, headings[-1].end)
            above = [c.text for c in headings[: len(headings) - values - 1]]
            caption = [ln.strip() for at, ln in lines[max(0, i - 40) : i] if ln.strip() and at < headings[0].start]
            caption = caption[-CAPTION_LINES:] + above
            tables.append(Table(header, tuple(kept), "\n".join(caption), header.start, kept[-1].end))
        i = max(j, i + 1)
    return tables


_PIECE = re.compile(r"\S+")
_INLINE_PIECES, _INLINE_FIGURES = 20, 0.3  # a line of 20 pieces or more, three in ten of them figures
_COUNTED = re.compile(r"^\d{1,3}$")  # a month's or a year's number before its unit (1 月, 108 年)
_DATE_UNIT = re.compile(r"^[年月日]$")


def inline_cells(text: str, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines of a text, with each line that holds a table flattened onto it (a PDF's table
    extracted as one line: `新申請案 發明公開案 … 1 月 6,112 4,377 …`) cut into its space-separated
    pieces, one a line, for `flat_tables_in`; a number and the date unit after it (1 月) are one
    piece. A line is cut where it has 20 pieces or more and three in ten are figures: prose has few
    spaces (Chinese) or few figures (English)."""
    out: list[tuple[int, str]] = []
    for start, line in lines:
        pieces = [(start + m.start(), m.group(0)) for m in _PIECE.finditer(line)]
        if len(pieces) < _INLINE_PIECES or sum(1 for _, p in pieces if FIGURE.match(p)) < _INLINE_FIGURES * len(pieces):
            out.append((start, line))
            continue
        for at, piece in pieces:
            if out and _DATE_UNIT.match(piece) and _COUNTED.match(out[-1][1]) and out[-1][0] >= start:
                before = out.pop()[0]
                out.append((before, text[before : at + len(piece)]))
            else:
                out.append((at, piece))
    return out


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
    figure = [bool(FIGURE.match(t)) for t in texts]
    words = [short[k] and not figure[k] for k in range(len(cells))]
    year = [bool(YEAR_CELL.match(t)) for t in texts]
    next_figure = [len(cells)] * (len(cells) + 1)  # where the next figure line is, from each line on
    for k in range(len(cells) - 1, -1, -1):
        next_figure[k] = k if figure[k] else next_figure[k + 1]
    tables: list[Table] = []
    i = 0
    while i < len(cells):
        best: tuple[int, int, list[int], int] | None = None  # labels, values, where its rows start and end
        for labels in range(1, _MAX_LABELS + 1):
            # the header's word lines and the first row's labels run up to the first figure: that
            # fixes the width for this many labels
            width = next_figure[i] - i - labels
            values = width - labels
            if not 1 <= values <= _MAX_VALUES or i + width * (_MIN_ROWS + 1) > len(cells):
                continue
            if not all(words[i + k] for k in range(width + labels)) or any(_holds_figure(texts[i + k]) for k in range(width)):
                continue  # a line with a figure other than a year (a title, a date) is no heading
            starts, end = _grid_rows(short, figure, i + width, labels, values)
            if len(starts) >= _MIN_ROWS and (best is None or len(starts) * width > len(best[2]) * (best[0] + best[1])):
                best = (labels, values, starts, end)
        if best is None or not _header_stands_alone(cells, short, figure, i):
            grouped = _headed_flat_table(cells, short, figure, words, year, i)
            if grouped is None:
                i += 1
                continue
            table, i = grouped
            tables.append(table)
            continue
        labels, values, starts, end = best
        width, h = labels + values, i
        header_cells = tuple(_cell_of(*cells[h + k]) for k in range(width))
        header = Row(header_cells, header_cells[0].start, header_cells[-1].end)
        body = []
        for at in starts:
            row_cells = tuple(_cell_of(*cells[at + k]) for k in range(width))
            body.append(Row(row_cells, row_cells[0].start, row_cells[-1].end))
        above = [_cell_of(*c).text for c in cells[max(0, h - CAPTION_LINES) : h]]
        tables.append(Table(header, tuple(body), "\n".join(above), header.start, body[-1].end))
        i = end
    return tables


def _grid_rows(short: list[bool], figure: list[bool], at: int, labels: int, values: int) -> tuple[list[int], int]:
    """Where the rows of `labels` word lines then `values` figure lines start, from `at` on, and where
    they end. A row with fewer figures between two full ones (a cell the page left empty) is passed
    over, not read (several such rows too): which of its columns is empty cannot be told, and the
    rows after it are still the table's."""
    n, width = len(short), labels + values

    def full(k: int) -> bool:
        return k + width <= n and all(short[k + j] and (figure[k + j] if j >= labels else not figure[k + j]) for j in range(width))

    def cut_short(k: int) -> int | None:  # where a row of fewer figures than `values` ends
        if not all(j < n and short[j] and not figure[j] for j in range(k, k + labels)):
            return None
        m = k + labels
        while m < n and m - k - labels < values and short[m] and figure[m]:
            m += 1
        return m if 1 <= m - k - labels < values else None

    starts: list[int] = []
    while True:
        if full(at):
            starts.append(at)
            at += width
            continue
        k = cut_short(at) if starts else None
        while k is not None and not full(k):
            k = cut_short(k)
        if k is None:
            return starts, at
        at = k


_DIGIT = re.compile(r"\d")


def _holds_figure(text: str) -> bool:
    """A line with a figure other than a year (a title, a date): no heading."""
    return bool(_DIGIT.search(text)) and not YEAR_CELL.match(text)


def _headed_flat_table(
    cells: list[tuple[int, str]], short: list[bool], figure: list[bool], words: list[bool], year: list[bool], i: int
) -> tuple[Table, int] | None:
    """A table flattened to one cell a line that the header-first reading leaves: found from its rows
    (one or two word cells, then as many figures row after row; two rows at least) with the heading
    lines from `i` to its first row over them — years among them (2019 / 2020 …); one a figure
    column where the label column has no heading; or, more than one a column, a two-row header
    (`grouped_header`: sub-headings repeated under each group, or told apart by the table's totals),
    the fewest extra heading lines that read so. A row's word cell before its label is a group label
    (`_row_groups`). Returns the table and the line after it."""
    first = i  # the first row's first figure: a figure under the headings, a year among them is a heading
    most = i + _ROW_WORD_LINES + 3 * _MAX_VALUES + 2 * MAX_GROUPS  # heading lines (in two languages) and a row's labels
    while first < len(cells) and short[first] and (words[first] or year[first]):
        first += 1
        if first > most:
            return None
    if first >= len(cells) or not (short[first] and figure[first]):
        return None
    values = 0
    while first + values < len(cells) and figure[first + values] and short[first + values]:
        values += 1
    if not 1 <= values <= _MAX_VALUES:
        return None
    for label_lines in range(1, _ROW_WORD_LINES + 1):  # the first row's word lines
        start = first - label_lines  # the first row's first label line
        if start - i < values or not all(words[start + k] for k in range(label_lines)):
            continue
        rows, end = _flat_rows(cells, short, figure, words, start, values)
        if len(rows) < _MIN_ROWS:
            continue
        # label columns: as many as every row has; a row with more carries its group's label first
        labels = min(len(names) for names, _ in rows)
        texts = [[c.text for c in figures] for _, figures in rows]
        width = labels + values
        found = _flat_header(cells, short, figure, i, start, width, labels, texts)
        if found is None:
            continue
        header_cells, h = found
        if len(rows) < 3 and sum(1 for c in header_cells if YEAR_CELL.match(c.text)) * 2 < len(header_cells) - labels:
            continue  # two rows under words: too little to tell a table from a list of figures
        header = Row(header_cells, cells[h][0], header_cells[-1].end)
        body = _row_groups([_flat_row(names, figures, labels) for names, figures in rows], texts)
        above = [_cell_of(*c).text for c in cells[max(0, h - CAPTION_LINES) : h]]
        return Table(header, tuple(body), "\n".join(above), header.start, body[-1].end), end
    return None


def _flat_header(
    cells: list[tuple[int, str]], short: list[bool], figure: list[bool], i: int, start: int, width: int, labels: int, texts: list[list[str]]
) -> tuple[tuple[Cell, ...], int] | None:
    """The header over rows that start at line `start`, from the heading lines between `i` and it,
    and the line it starts on. Readings, surest first: groups whose sub-headings repeat (with a
    heading over the label column, or none); one heading a column (none over the label column, or
    one); groups told apart by the totals. Each takes as many heading lines as it needs, nearest
    the rows; none of them a figure other than a year, none short words left above them."""

    zone = _heading_zone(cells, i, start)

    def headings_from(extra: int) -> tuple[list[Cell], int] | None:
        n = width + extra
        if n > len(zone) or n < 1:
            return None
        h = zone[-n][0]
        if h > 0 and figure[h - 1] and short[h - 1]:
            return None  # right under another run of figures: the end of a table, not a header
        headings = [c for _, c in zone[-n:]]
        if any(_holds_figure(c.text) for c in headings):
            return None
        return (headings, h) if _header_stands_alone(cells, short, figure, h) else None

    values = width - labels
    readings: list[tuple[int, Callable[[list[Cell]], tuple[Cell, ...] | None]]] = []
    for extra in range(2, 2 * MAX_GROUPS + 1):
        readings.append((extra, lambda hs: repeated_header(hs, labels, values)))
        if labels == 1:
            readings.append((extra - 1, lambda hs: repeated_header([_unheaded(hs), *hs], labels, values)))
    readings.append((-1, lambda hs: (_unheaded(hs), *hs) if labels == 1 else None))
    readings.append((0, lambda hs: tuple(hs)))
    for extra in range(1, 2 * MAX_GROUPS + 1):
        readings.append((extra, lambda hs: totalled_header(hs, labels, texts)))
        if labels == 1:
            readings.append((extra - 1, lambda hs: totalled_header([_unheaded(hs), *hs], labels, texts)))
    for extra, read in readings:
        found = headings_from(extra)
        if found is None:
            continue
        header = read(found[0])
        if header is not None:
            return header, found[1]
    # headings broken over lines (实用 / 新型): every heading line of the zone that stands alone
    for n in range(len(zone), width, -1):
        h = zone[-n][0]
        headings = [c for _, c in zone[-n:]]
        if any(_holds_figure(c.text) for c in headings) or (h > 0 and figure[h - 1] and short[h - 1]):
            continue
        if _header_stands_alone(cells, short, figure, h):
            header = broken_header(headings, labels, texts)
            return (header, h) if header is not None else None
    return None


def _heading_zone(cells: list[tuple[int, str]], i: int, start: int) -> list[tuple[int, Cell]]:
    """The heading lines from `i` to the rows at `start`, each with its line: a Latin line right after
    a Chinese heading is that heading in English (当月合计 / Monthly Total: one heading); a run of Latin
    lines right above the rows, under Chinese headings, is the headings' English broken over lines
    (Regions / Total / … / Colleges) and heads nothing — the Chinese ones head the columns."""
    raw = [(k, _cell_of(*cells[k])) for k in range(i, start)]
    tail = len(raw)
    while tail > 0 and _LATIN_HEAD.match(raw[tail - 1][1].text):
        tail -= 1
    if 0 < tail < len(raw):
        raw = raw[:tail]
    return glossed(raw)


def glossed(headings: list[tuple[int, Cell]]) -> list[tuple[int, Cell]]:
    """Headings one a line, each with its line: a heading's English on the line under it (合计 / Total)
    joined to it as one heading, at the heading's line."""
    out: list[tuple[int, Cell]] = []
    for k, c in headings:
        if out and _in_english(out[-1][1], c):
            at, before = out[-1]
            out[-1] = (at, Cell(f"{before.text} {c.text}", before.start, c.end))
        else:
            out.append((k, c))
    return out


def _in_english(chinese: Cell, line: Cell) -> bool:
    """Whether `line` is the Chinese heading or label before it in English (当月合计 / Monthly Total)."""
    return bool(_LATIN_HEAD.match(line.text) and _HAN.search(chinese.text) and not _LATIN_WORD.search(chinese.text))


def _joined_labels(names: list[Cell]) -> list[Cell]:
    """A row's word lines as its labels: a label broken over lines is one (北 / 京 Beijing, 内 / 蒙 /
    Inner Mongolia: single characters run together; an English line after a Chinese one is its
    name in English); two Chinese words are a group label and the row's own."""
    out: list[Cell] = []
    singles = False  # the last label was joined and is Chinese characters alone (内 + 蒙), two or three
    for c in names:
        if out and (len(out[-1].text) == 1 or singles) and _ONE_HAN.match(out[-1].text[-1:]) and _HAN.match(c.text):
            out[-1] = Cell(out[-1].text + c.text, out[-1].start, c.end)  # 北 + 京 Beijing
            singles = bool(_HAN_RUN.fullmatch(out[-1].text))
        elif out and _in_english(out[-1], c):
            out[-1] = Cell(f"{out[-1].text} {c.text}", out[-1].start, c.end)  # 内蒙 + Inner Mongolia
            singles = False
        else:
            out.append(c)
            singles = False
    return out


def _unheaded(headings: list[Cell]) -> Cell:
    """An empty heading over a label column that has none, where the headings start."""
    return Cell("", headings[0].start, headings[0].start)


def _flat_rows(
    cells: list[tuple[int, str]], short: list[bool], figure: list[bool], words: list[bool], start: int, values: int
) -> tuple[list[tuple[list[Cell], list[Cell]]], int]:
    """The rows one cell a line from `start`: one to `_MAX_LABELS` word cells, then `values` figures;
    up to the first line that does not go on so (returned: the rows, and that line)."""
    rows: list[tuple[list[Cell], list[Cell]]] = []
    at = start
    while at < len(cells):
        k = at
        while k < len(cells) and k - at < _ROW_WORD_LINES and short[k] and words[k]:
            k += 1
        if k == at or k + values > len(cells) or not all(short[k + j] and figure[k + j] for j in range(values)):
            break
        if k + values < len(cells) and short[k + values] and figure[k + values]:
            break  # more figures than the rows above have: another table
        names = _joined_labels([_cell_of(*cells[j]) for j in range(at, k)])
        if len(names) > _MAX_LABELS:
            break
        rows.append((names, [_cell_of(*cells[j]) for j in range(k, k + values)]))
        at = k + values
    return rows, at


def _flat_row(names: list[Cell], figures: list[Cell], labels: int) -> Row:
    """A row under a header of `labels` label columns: its last word cells under them (an empty cell
    where it has fewer), the ones before them kept aside as its group's label."""
    placed = names[-labels:]
    pad = [Cell("", names[0].start, names[0].start)] * (labels - len(placed))
    cells = (*pad, *placed, *figures)
    return Row(cells, names[0].start, figures[-1].end, tuple(names[: len(names) - len(placed)]))


def _row_groups(rows: list[Row], figures: list[list[str]]) -> list[Row]:
    """Rows under the group label that one of them carries (合计 / 国内 / 国外 before a row's label): the
    rows from it to the next. A block of rows that opens with a total (小计 = 职务 + 非职务) belongs to
    the group whose label stands in the block, where the total adds up the block's rows — a page may
    print the group's label beside a later row of its block than the first."""
    opens = [k for k, r in enumerate(rows) if _TOTAL.search(" ".join(c.text for c in r.cells if not FIGURE.match(c.text)))]
    out = list(rows)
    group: tuple[Cell, ...] = ()
    for k, r in enumerate(rows):
        if r.extra:
            group = r.extra
        elif group:
            out[k] = replace(r, extra=group)
    for n, k in enumerate(opens):
        end = opens[n + 1] if n + 1 < len(opens) else len(rows)
        labelled = [rows[j].extra for j in range(k + 1, end) if rows[j].extra]
        if rows[k].extra or len(labelled) != 1 or end - k < 3:
            continue
        checked = [agreed for col in range(len(figures[k])) if (agreed := _column_adds_up(figures, col, k, end)) is not None]
        if checked and sum(checked) >= 0.8 * len(checked):
            for j in range(k, end):
                out[j] = replace(rows[j], extra=labelled[0])
    return out


def _column_adds_up(figures: list[list[str]], col: int, k: int, end: int) -> bool | None:
    """Whether row k's figure in a column is the sum of the figures of rows k+1..end-1 under it (as
    the totals of headings are checked, `sums_to`); None where one is no count (a share, a dash)."""
    cells = [figure_value(figures[r][col]) if col < len(figures[r]) else None for r in range(k, end)]
    if any(c is None for c in cells):
        return None
    return sums_to(cells[0], cells[1:])  # type: ignore[arg-type]
