"""Tables in a document's text.

Every format's extractor writes a table as one line a row, cells between pipes (`| 西湖区 | 6602 |`),
the way trafilatura writes HTML tables and Markdown writes its own; a `|---|` rule line may follow
the header row. Text captured from web pages often holds tables the same way with looser edges
(`北京 | Beijing | 6527 | 11463 |`, a trailing `| |`, a header without the cells over a second label
column); tab- and comma-separated lines too. A table is kept with the lines just above it (its
caption: a title, a unit). Tables without separators are `plain_tables`; which cell a question
asks for is `table_match`."""

from __future__ import annotations

import re
from dataclasses import replace

from .grouped_header import MAX_GROUPS, grouped_header
from .plain_tables import flat_tables_in, glossed, inline_cells, spaced_tables_in
from .table_model import (
    CAPTION_LINES, CAPTIONISH, FIGURE, MAX_CELL, STACK_SLACK, YEAR_CELL, Cell, Row, Table, heading_cells, modal, overlaps,
    text_lines,
)

_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+(?:[ \t]*:?-{2,}:?[ \t]*)?[ \t]*$")
_SENTENCE = re.compile(r"[。！？；，]|[.!?;,] ")


def tables_in(text: str) -> list[Table]:
    """The tables of a document's text: pipe (tab, comma) tables, rows of figures after a label
    separated by spaces (`spaced_tables_in`), and tables flattened to one cell a line, or onto one
    line (`inline_cells`), where the layout is unambiguous (`flat_tables_in`)."""
    lines = text_lines(text)
    found = _pipe_tables(lines)
    found += [t for t in spaced_tables_in(lines) if not overlaps(t, found)]
    cut = inline_cells(text, lines)
    flat = flat_tables_in(cut)
    found += [_inline_caption(t, text) for t in flat] if len(cut) > len(lines) else flat
    return [_filled_down(t) for t in found]


def _filled_down(table: Table) -> Table:
    """A table whose group labels are written on the first row of their group only (| 发明 | 国内 |
    … then |  | 国外 | …): each row under them takes the group label of the row above, in every
    label column but the last, where the row has a label further right. A row of its own (合计,
    labelled in the first column) is left as it is."""
    labels = sorted(table.label_columns())
    if len(labels) < 2:
        return table
    rows, changed = list(table.rows), False
    for k in range(1, len(rows)):
        cells = list(rows[k].cells)
        for j in labels[:-1]:
            above = rows[k - 1].cells
            if (
                j < len(cells) and not cells[j].text and j < len(above) and above[j].text
                and any(i < len(cells) and cells[i].text for i in labels if i > j)
            ):
                cells[j] = above[j]
                changed = True
        rows[k] = replace(rows[k], cells=tuple(cells))
    return replace(table, rows=tuple(rows)) if changed else table


_CAPTION_CHARS = 60
_SENTENCE_END = re.compile(r"[。！？]")


def _inline_caption(table: Table, text: str) -> Table:
    """A table flattened onto a line of text (`inline_cells`) is captioned by the words before its
    header on that line (its title and unit: '108 年專利案件申請及處理數量統計表 單位:件'), up to the
    end of the sentence before them, 60 characters at most."""
    if "\n" in text[table.start : table.end]:
        return table  # a table one cell a line
    line_start = text.rfind("\n", 0, table.start) + 1
    before = text[max(line_start, table.start - _CAPTION_CHARS) : table.start]
    ends = list(_SENTENCE_END.finditer(before))
    caption = (before[ends[-1].end() :] if ends else before).strip()
    return replace(table, caption=caption) if caption else table


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
        if len(stripped) > MAX_CELL or (len(stripped) > 20 and _SENTENCE.search(stripped)):
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
    return all(not FIGURE.match(c.text) or YEAR_CELL.match(c.text) for c in cells if c.text)


def _has_figure(cells: tuple[Cell, ...]) -> bool:
    return any(c.text and FIGURE.match(c.text) and not YEAR_CELL.match(c.text) for c in cells)


def _split_row(cells: tuple[Cell, ...]) -> tuple[list[Cell], list[Cell]]:
    """A row's filled cells: its labels (up to its last cell of words, so a rank before a name is
    one; or a leading year), and the figures after them."""
    filled = [c for c in cells if c.text]
    k = max((i + 1 for i, c in enumerate(filled) if not FIGURE.match(c.text)), default=0)
    if k == 0 and filled and YEAR_CELL.match(filled[0].text):
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
            if table is not None and not overlaps(table, tables):
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
        if k + 1 < len(block) and cells and _filled(cells) == 1 and _heading(cells) and not YEAR_CELL.match(_text(cells)):
            below = block[k + 1][2]
            if below and _filled(below) >= 2 and all(FIGURE.match(c.text) for c in below):
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
    two_rows = _two_row_pipe_header(block, head) if head is not None else None
    if two_rows is not None:  # a header row over a second one, merged cells left empty
        header, h_start, h_end, top, head = two_rows
    elif head is not None:
        header = _one_row_header(block, head)
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
    if all(YEAR_CELL.match(c.text) for c in header):
        parts = [_split_row(cells) for cells, _, _ in spans]
        labels = modal([len(n) for n, _ in parts])
        if modal([len(f) for _, f in parts]) == len(header) and labels >= 1:
            # years, as many as the rows have figures: none over the label columns (`| 2022 | 2023 |`
            # over `| 国内 | 职务 | 330 | 2400 |`), which are headed by nothing
            header = (*(Cell("", h_start, h_start) for _ in range(labels)), *header)
    if all(len(cells) == len(header) for cells, _, _ in spans):
        body = [Row(cells, start, end) for cells, start, end in spans]  # a clean grid: place by place
    else:
        values = _values(spans, len(header))
        body = [_align(header, cells, start, end, values) for cells, start, end in spans]
    groups = _row_groups(block, head, below)
    body = [replace(r, extra=(groups[k], *r.extra)) if k in groups else r for k, r in zip(below, body)]
    above = [ln.strip() for _, ln in lines[max(0, first - 6) : first] if ln.strip()][-CAPTION_LINES:]
    above += [" ".join(c.text for c in cells if c.text) for _, _, cells in block[:top] if _filled(cells)]
    return Table(Row(header, h_start, h_end), tuple(body), "\n".join(above), h_start, body[-1].end)


def _one_row_header(block: list[_Line], head: int) -> tuple[Cell, ...]:
    """The header row's headings. A heading left empty heads nothing and is dropped — the rows are then
    aligned to the headings from the right (`_align`) — except where the header has as many cells as the
    rows below it: then each cell, empty or not, heads its own column (`| | | 当月 | 累计 |` over rows of
    a group label, a label and two figures)."""
    cells = block[head][2] or ()
    if len(cells) == _width_below(block, head) and any(not c.text for c in cells) and cells[-1].text:
        return tuple(cells)
    return tuple(c for c in cells if c.text)


def _width_below(block: list[_Line], k: int) -> int | None:
    """How many cells the rows with figures below block line k have, most of them (None: no such row)."""
    widths = [len(cells) for _, _, cells in block[k + 1 :] if cells and _has_figure(cells)]
    return modal(widths) if widths else None


def _heading_row(cells: tuple[Cell, ...] | None) -> bool:
    """A pipe row that can be one row of a header: two or more headings, no figure but years."""
    return cells is not None and _filled(cells) >= 2 and _heading(cells)


def _two_row_pipe_header(block: list[_Line], head: int) -> tuple[tuple[Cell, ...], int, int, int, int] | None:
    """A header of two pipe rows whose merged cells were written empty, as HTML tables become pipe
    rows: a heading over several columns followed by empty cells (`| 地区 | 总累计 | | | 2007 | | |`)
    and one over both rows with an empty cell under it (`| | 合计 | 职务 | 非职务 | 合计 | …`); the
    second row right under the first, or under the `|---|` rule that follows it. Each column is headed
    by its group and sub-heading together (`总累计 职务`), a column of one heading by it alone. Returns
    (header cells, start and end offsets, the block line where the header starts, where it ends);
    None where the rows are not two such header rows over rows as wide as they are."""
    upper_at, lower_at = head - 1, head
    if head + 2 < len(block) and block[head + 1][2] is None and _heading_row(block[head + 2][2]):
        upper_at, lower_at = head, head + 2  # the rule under the first row, the second row after it
    if upper_at < 0 or not _heading_row(block[upper_at][2]) or not _heading_row(block[lower_at][2]):
        return None
    if CAPTIONISH.search(_text(block[upper_at][2] or ())):
        return None  # `单位:件 | (Unit: piece)`: a caption written as a row
    width = _width_below(block, lower_at)
    if width is None:
        return None
    upper, lower = list(block[upper_at][2] or ()), list(block[lower_at][2] or ())
    if len(upper) > width or len(lower) > width or len(lower) < width - 1:
        return None
    end_of = block[upper_at][0] + len(block[upper_at][1])
    upper += [Cell("", end_of, end_of)] * (width - len(upper))  # empty cells at a row's end are dropped
    lower_end = block[lower_at][0] + len(block[lower_at][1])
    lower += [Cell("", lower_end, lower_end)] * (width - len(lower))
    merged = any(not u.text for u in upper) or any(u.text and not v.text for u, v in zip(upper, lower))
    if not merged:
        return None
    cells: list[Cell] = []
    group: Cell | None = None
    for u, v in zip(upper, lower):
        if u.text:
            group = u
        if v.text and group is not None and group.text:
            cells.append(Cell(f"{group.text} {v.text}", v.start, v.end))
        else:
            cells.append(v if v.text else u)
    start = block[upper_at][0]
    return tuple(cells), start, lower_end, upper_at, lower_at


def _row_groups(block: list[_Line], head: int, below: list[int]) -> dict[int, Cell]:
    """The group label of each data row that has one: a line of one word cell among the rows
    (`国内 Domestic |` above its 受理量 / 授权量 / 有效量 rows) labels the rows under it, up to the next."""
    out: dict[int, Cell] = {}
    group: Cell | None = None
    rows = set(below)
    for k in range(head + 1, (below[-1] + 1) if below else head + 1):
        cells = block[k][2]
        if k in rows:
            if group is not None:
                out[k] = group
        elif cells is not None and _filled(cells) == 1 and _heading(cells) and not CAPTIONISH.search(_text(cells)):
            group = _only_cell(block[k])
    return out


def _values(spans: list[tuple[tuple[Cell, ...], int, int]], width: int) -> int:
    """How many figures most rows hold (at most `width` - 1: one column at least is a label)."""
    return min(width - 1, modal([len(_split_row(cells)[1]) for cells, _, _ in spans]))


def _text(cells: tuple[Cell, ...]) -> str:
    return " ".join(c.text for c in cells if c.text)


def _only_cell(line: _Line) -> Cell:
    """The filled cell of a line of one (a heading, a group label)."""
    return next(c for c in line[2] or () if c.text)


def _two_level(
    block: list[_Line], stack: list[int], values: int, cells: list[Cell]
) -> tuple[tuple[Cell, ...], int, int, int, int] | None:
    """Headings on two levels, one a line: as many group headings (发明, 实用新型 …) as the sub-headings
    under them repeat (数量, 构成, 数量, 构成 …), the sub-headings right above the figures — or above
    one more line, the label of the first group of rows (合计 Total), which then heads those rows.
    Each column is headed by its group and sub-heading together (`发明 Invention 数量 Number`).
    `cells`: the headings of the lines of `stack`."""
    for drop in (0, 1):
        n = len(cells) - drop
        sub = cells[n - values : n]
        if n - values < 1:
            continue
        for period in range(1, values):
            if values % period or not all(sub[k].text == sub[k % period].text for k in range(values)):
                continue
            groups = cells[n - values - values // period : n - values]
            if len(groups) != values // period or len({g.text for g in groups}) != len(groups):
                break
            if n - values - len(groups) > STACK_SLACK - 1:
                break  # more lines above the groups than a label heading: not two levels read right
            heads = [Cell(f"{g.text} {sc.text}", sc.start, sc.end) for g in groups for sc in sub[:period]]
            label_at = n - values - len(groups) - 1
            label = cells[label_at] if label_at >= 0 else Cell("", groups[0].start, groups[0].start)
            first = stack[label_at] if label_at >= 0 else stack[n - values - len(groups)]
            last = stack[n - 1]
            return (label, *heads), block[first][0], max(block[last][0] + len(block[last][1]), cells[n - 1].end), first, last
    return None


def _grouped(
    block: list[_Line], stack: list[int], figures: list[list[Cell]], data: int, cells: list[Cell]
) -> tuple[tuple[Cell, ...], int, int, int, int] | None:
    """Headings of a two-row header, one a line, that the table's totals tell apart
    (`grouped_header`): the fewest heading lines nearest the figures that read so. `cells`: the
    headings of the lines of `stack`."""
    values = max(len(f) for f in figures)
    rows = [[c.text for c in f] for f in figures if len(f) == values]
    for groups in range(1, MAX_GROUPS + 1):
        n = 1 + values + groups  # a label heading, the figures' headings and the group headings
        if n > len(cells):
            break
        header = grouped_header(cells[-n:], 1, rows)
        if header is not None:
            first = stack[-n]
            return header, block[first][0], max(block[stack[-1]][0] + len(block[stack[-1]][1]), cells[-1].end), first, data - 1
    return None


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
        if cells is None or _filled(cells) != 1 or not _heading(cells) or CAPTIONISH.search(_text(cells)):
            break
        stack.insert(0, k)
        k -= 1
    spans = [(block[j][2] or (), block[j][0], block[j][0] + len(block[j][1])) for j in rows if j >= data]
    values = max(len(_split_row(c)[1]) for c, _, _ in spans[:5])
    zone = glossed([(j, _only_cell(block[j])) for j in stack])  # 合计 / Total: one heading, at its line
    stack, headings = [j for j, _ in zone], [c for _, c in zone]
    if not stack or len(stack) < values:
        return None
    if len(stack) > values + STACK_SLACK:
        figures = [_split_row(c)[1] for c, _, _ in spans]
        found = _two_level(block, stack, values, headings) or _grouped(block, stack, figures, data, headings)
        if found is not None and found[4] == stack[-1]:
            found = (*found[:4], data - 1)  # the last heading's English line under it is the header's too
        return found
    first = stack[-values - 1] if len(stack) > values else stack[-values]
    cells = heading_cells(headings, values)
    if not cells[0].text:  # no label heading: the empty one sits where the headings start
        cells = (Cell("", block[first][0], block[first][0]), *cells[1:])
    end = max(block[stack[-1]][0] + len(block[stack[-1]][1]), headings[-1].end)
    return cells, block[first][0], end, first, data - 1


