"""A two-row header flattened into one list of headings, read back by the table's own sums.

A table whose header has two rows — some headings over one column each (spanning both rows),
some over a group of columns with the group's sub-headings in the second row — loses that
structure when a page is captured as text: the headings come out in reading order, the first row
then the second, one a line (`地区 / 当年授权量 / … / 职务 / 非职务 / 大专院校 / … / 职务总计 / 个人`), more
headings than columns. Which headings are groups, and how many sub-headings each spans, the layout
alone cannot tell. The figures can: a column headed as a total (合计, 总计, 小计, Total) is the sum of
the other columns of its group, in every row. So every reading of the headings as two rows is
tried — the first row's groups side by side at its end (or just before its trailing total
columns), each over one or more of the second row's headings in order — and the one kept is the
reading whose totals add up, where exactly one reading does. Each grouped column is headed by its
group and sub-heading together (`职务 大专院校`), as `tables._two_level` heads repeated sub-headings.
A share checks a reading too: a column of percentages that is, row after row, one of its group's
counts over a total (`件数 / 割合` under `外国` beside `合計`: 1,349 of 2,899 is 46.5%). And a group
heading may head a column of its own, its group's total, before its sub-headings (`专利申请数` over
`发明 / 实用新型 / 外观设计`, four columns: the total and its three parts), where the headings are
as many as the columns: that reading is kept only where those totals add up.
Without a total to check, or with two readings that check out and head the columns differently,
the table is left unread: a guessed header answers with the wrong column's figure."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .table_model import Cell

MAX_GROUPS = 4  # headings beyond one a column: group headings read as such
TOTAL = re.compile(r"合计|总计|小计|共计|總計|合計|小計|共計|(?<![A-Za-z])(?:sub-?)?total(?![A-Za-z])", re.IGNORECASE)
SUBTOTAL = re.compile(r"小计|小計|(?<![A-Za-z])sub-?total", re.IGNORECASE)  # a total of part of the rows or columns
_NUMBER = re.compile(r"^[-+−]?\d+(?:\.\d+)?$")
_AGREE = 0.8  # share of rows whose figures must add up for a total to check out
_MIN_ROWS = 2  # rows with every figure of the check present


_SHARE = re.compile(r"^[-+−]?\d+(?:\.\d+)?%$")
_SHARE_SLACK = 0.05  # percentage points beyond half the last shown decimal (a share rounded from rounded counts)


@dataclass(frozen=True)
class _Leaf:
    cell: Cell
    group: int | None  # the index of its group among the reading's groups; None: a heading over both rows
    total: bool = False  # a group heading over a column of its own: the group's total


def figure_value(text: str) -> tuple[float, int] | None:
    """A cell's figure and its decimals (`1,582` -> (1582.0, 0)); None for a share, a dash or words."""
    t = text.replace(",", "").replace("，", "").replace(" ", "").replace("\u00a0", "").replace("−", "-")
    if not _NUMBER.match(t):
        return None
    return float(t), len(t.split(".")[1]) if "." in t else 0


def sums_to(total: tuple[float, int], terms: list[tuple[float, int]]) -> bool:
    """Whether figures (value, decimals) add up to a total as printed: within half a unit of the last
    decimal shown for each term (each was rounded), or 0.2 % of the total."""
    places = max(total[1], *(d for _, d in terms)) if terms else total[1]
    tolerance = max(0.5 * max(1, len(terms)) * 10.0**-places, 0.002 * abs(total[0]))
    return abs(sum(v for v, _ in terms) - total[0]) <= tolerance


def _adds_up(rows: list[list[str]], total: int, parts: list[int]) -> bool | None:
    """Whether column `total` is the sum of columns `parts` in (nearly) every row (True / False), or
    None where fewer than `_MIN_ROWS` rows hold all those figures."""
    if not parts:
        return None
    checked = agreed = 0
    for row in rows:
        cells = [figure_value(row[j]) if j < len(row) else None for j in (total, *parts)]
        if any(c is None for c in cells):
            continue
        checked += 1
        agreed += sums_to(cells[0], cells[1:])  # type: ignore[arg-type]
    if checked < _MIN_ROWS:
        return None
    return agreed / checked >= _AGREE


def _share(text: str) -> tuple[float, int] | None:
    """A percentage cell's value and its decimals (`46.5%` -> (46.5, 1)); None for anything else."""
    t = text.strip().replace("−", "-")
    return figure_value(t[:-1]) if _SHARE.match(t) else None


def _is_share(rows: list[list[str]], j: int) -> bool:
    cells = [row[j] for row in rows if j < len(row) and row[j].strip()]
    return bool(cells) and sum(_share(c) is not None for c in cells) * 5 >= len(cells) * 4


def _share_of(rows: list[list[str]], share: int, part: int, total: int) -> bool:
    """Whether column `share` is column `part` over column `total`, as a percentage, in (nearly) every
    row that holds the three (at least `_MIN_ROWS`)."""
    checked = agreed = 0
    for row in rows:
        if max(share, part, total) >= len(row):
            continue
        s, p, t = _share(row[share]), figure_value(row[part]), figure_value(row[total])
        if s is None or p is None or t is None or t[0] <= 0:
            continue
        checked += 1
        agreed += abs(100.0 * p[0] / t[0] - s[0]) <= 0.5 * 10.0 ** -s[1] + _SHARE_SLACK
    return checked >= _MIN_ROWS and agreed / checked >= _AGREE


def _shares(values: list[_Leaf], totals: list[int], rows: list[list[str]], shares: set[int]) -> int:
    """How many share columns of a reading (`shares`: the table's columns of percentages) are one of
    their group's counts over a total of their group or over both rows (never a reason to refuse a
    reading: a share may be of something else)."""
    verified = 0
    for j, leaf in enumerate(values):
        if leaf.group is None or j not in shares:
            continue
        parts = [k for k, other in enumerate(values) if other.group == leaf.group and k not in totals and k not in shares]
        over = [k for k in totals if values[k].group in (leaf.group, None)]
        verified += any(_share_of(rows, j, p, t) for p in parts for t in over)
    return verified


class _Figures:
    """A table's rows of figures, with what every reading of its header asks of them worked out once:
    which columns are shares, and whether a column is the sum of others."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows
        width = max((len(r) for r in rows), default=0)
        self.shares = {k for k in range(width) if _is_share(rows, k)}
        self._sums: dict[tuple[int, tuple[int, ...]], bool | None] = {}

    def adds_up(self, total: int, parts: list[int]) -> bool | None:
        key = (total, tuple(parts))
        if key not in self._sums:
            self._sums[key] = _adds_up(self.rows, total, parts)
        return self._sums[key]


def _check(leaves: list[_Leaf], labels: int, figures: _Figures) -> int | None:
    """How many totals of a reading add up (their group's other columns, or for a total over both
    rows one group's columns or the other such headings'), and how many shares check out
    (`_shares`); None where a total does not add up."""
    values = leaves[labels:]
    totals = [j for j, leaf in enumerate(values) if leaf.total or TOTAL.search(leaf.cell.text)]
    verified = _shares(values, totals, figures.rows, figures.shares)
    for j in totals:
        group = values[j].group
        if group is not None:
            options = [[k for k, leaf in enumerate(values) if leaf.group == group and k != j and k not in totals]]
        else:
            groups = sorted({leaf.group for leaf in values if leaf.group is not None})
            options = [[k for k, leaf in enumerate(values) if leaf.group == g and k not in totals] for g in groups]
            options.append([k for k, leaf in enumerate(values) if leaf.group is None and k != j and k not in totals])
        results = [figures.adds_up(j, parts) for parts in options if parts]
        if any(r is True for r in results):
            verified += sum(r is True for r in results)  # a total over both rows that each group adds up to
        elif any(r is False for r in results) and not any(r is None for r in results):
            return None
        elif values[j].total:
            return None  # a group heading read as its total must be one
    return verified


def _compositions(n: int, k: int) -> list[tuple[int, ...]]:
    """The ways to split n headings into k groups of one or more, in order."""
    return [
        tuple(b - a for a, b in zip((0, *cuts), (*cuts, n)))
        for cuts in itertools.combinations(range(1, n), k - 1)
    ]


def _splits(lo: int, hi: int, known: int | None) -> range:
    """Where a reading's second row may start: anywhere from `lo` to `hi`, or where it is known to."""
    return range(lo, hi + 1) if known is None else range(known, known + 1) if lo <= known <= hi else range(0)


def _readings(
    headings: list[Cell], labels: int, groups: int, split: int | None = None, group_totals: bool = False
) -> list[list[_Leaf]]:
    """Every reading of `headings` as a first row (its first `labels` over the label columns, then
    headings over one column, then `groups` group headings side by side, then only totals) and a
    second row of the groups' sub-headings. `split`: where the second row starts, where known.
    `group_totals` (headings as many as the columns): each group heading heads a column of its own,
    its group's total (headed `<group> 合计`), before its sub-headings, and no totals trail."""
    m = len(headings)
    out: list[list[_Leaf]] = []
    for split in _splits(labels + groups, m - groups, split):
        first, second = headings[:split], headings[split:]
        for trailing in range(0, 1 if group_totals else split - labels - groups + 1):
            if trailing and not all(TOTAL.search(c.text) for c in first[split - trailing :]):
                break
            begin = split - trailing - groups
            for spans in _compositions(len(second), groups):
                leaves = [_Leaf(c, None) for c in first[:begin]]
                at = 0
                for g, span in enumerate(spans):
                    group = first[begin + g]
                    if group_totals:  # 专利申请数 合计: the group's total, said so
                        named = group if TOTAL.search(group.text) else Cell(f"{group.text} 合计", group.start, group.end)
                        leaves.append(_Leaf(named, g, total=True))
                    for sub in second[at : at + span]:
                        leaves.append(_Leaf(Cell(f"{group.text} {sub.text}", sub.start, sub.end), g))
                    at += span
                leaves += [_Leaf(c, None) for c in first[split - trailing : split]]
                out.append(leaves)
    return out


def _repeated_subs(headings: list[Cell], labels: int, groups: int) -> tuple[Cell, ...] | None:
    """The header where each group's sub-headings open with the same one (申请量 / 构成 under each of
    合计 / 发明 / 实用新型 / 外观设计; 受理量 / 构成 / 同比增长 under one of them): the groups side by
    side after the label headings, then their sub-headings in runs, one run a group, each opening
    with the heading the first opens with."""
    group_cells = headings[labels : labels + groups]
    subs = headings[labels + groups :]
    if groups < 2 or not subs:
        return None
    opens = [k for k, c in enumerate(subs) if c.text == subs[0].text]
    if len(opens) != groups or any(c.text == subs[0].text for c in group_cells):
        return None
    ends = [*opens[1:], len(subs)]
    if any(b - a < 2 for a, b in zip(opens, ends)):
        return None  # one sub-heading a group: which is whose is no longer told by the repetition
    leaves = list(headings[:labels])
    for group, a, b in zip(group_cells, opens, ends):
        leaves += [Cell(f"{group.text} {sub.text}", sub.start, sub.end) for sub in subs[a:b]]
    return tuple(leaves)


def grouped_header(headings: list[Cell], labels: int, rows: list[list[str]]) -> tuple[Cell, ...] | None:
    """The header of `labels` label columns and one column per figure of `rows` (each row's figure
    cells, in order), read from more headings than that as two rows (see the module): by sub-headings
    repeated under each group, else by the one reading whose totals add up; None without either."""
    if not rows:
        return None
    return repeated_header(headings, labels, max(len(r) for r in rows)) or totalled_header(headings, labels, rows)


def repeated_header(headings: list[Cell], labels: int, values: int) -> tuple[Cell, ...] | None:
    """The two-row header whose groups' sub-headings each open with the same heading (`_repeated_subs`)."""
    groups = len(headings) - labels - values
    return _repeated_subs(headings, labels, groups) if 2 <= groups <= MAX_GROUPS else None


def totalled_header(
    headings: list[Cell], labels: int, rows: list[list[str]], split: int | None = None
) -> tuple[Cell, ...] | None:
    """The two-row header of the one reading whose totals add up (see the module); `split`: the
    first heading of the second row, where the layout tells (a header written as two lines)."""
    if not rows:
        return None
    values = max(len(r) for r in rows)
    groups = len(headings) - labels - values
    if groups == 0:  # as many headings as columns: group headings may head their totals
        readings = [leaves for g in range(1, MAX_GROUPS + 1) for leaves in _readings(headings, labels, g, split, group_totals=True)]
    elif 1 <= groups <= MAX_GROUPS:
        readings = _readings(headings, labels, groups, split)
    else:
        return None
    best: list[tuple[int, tuple[str, ...], list[_Leaf]]] = []
    figures = _Figures(rows)
    for leaves in readings:
        verified = _check(leaves, labels, figures)
        if verified:
            best.append((verified, tuple(leaf.cell.text for leaf in leaves), leaves))
    if not best:
        return None
    top = max(v for v, _, _ in best)
    heads = {texts for v, texts, _ in best if v == top}
    if len(heads) != 1:
        return None  # two readings add up as well and head the columns differently
    leaves = next(leaves for v, _, leaves in best if v == top)
    return tuple(leaf.cell for leaf in leaves)
