"""Headings broken over lines, read back as whole headings.

A statistical table printed with narrow columns breaks its headings word by word, and a page
captured as text keeps the pieces one a line: `实用 / 新型`, `大专 / 院校 / A*`, `机关 / 团体 / D`, and a
group line may hold two group headings with its English gloss between them (`总累计 Accumulated
Number 2013`). Adjacent pieces are one heading where together they are a word of the dictionary
(jieba's, with the project's domain words) and each alone is a short run of Chinese characters; a
column's letter code (A*, B, C) heads nothing; a line of words is split where a Chinese word or a
year begins after another heading's words (Latin words stay with the Chinese heading they gloss).
The pieces before the column headings may all be the label columns' headings (`地区 / 市县 / 名称`
over `甲市 市本级`): a reading merges the first few into the last label heading. The joined headings
are kept where pieces were joined and they are one a column, else where the table's own figures tell a two-row reading
(`grouped_header.totalled_header`, `repeated_header`): more headings than columns are kept only where
their totals add up."""

from __future__ import annotations

import re

from ..normalize import normalize
from ..tokenize import get_jieba
from .grouped_header import repeated_header, totalled_header
from .table_model import YEAR_CELL, Cell

_CODE = re.compile(r"^[A-Z]\*?$")  # a column's letter code in a statistical table (A*, B, C)
_CODED = re.compile(r"^(?P<head>.*[\u3400-\u9fff])\s+[A-Z]\*?$")  # a heading with its code after it (企业 C)
_PIECE = re.compile(r"^[\u3400-\u9fff]{1,3}$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LABEL_PIECES = 3  # heading pieces beyond one a label column that the label headings may hold


def _is_word(text: str) -> bool:
    """Whether a run of Chinese characters is one word of the tokenizer's dictionary."""
    return (get_jieba().FREQ.get(normalize(text)) or 0) > 0


def _split_line(cell: Cell) -> list[Cell]:
    """A heading line's headings: a new one starts at a Chinese word or a year after the first
    heading's words; Latin words stay with the heading before them (its English)."""
    out: list[Cell] = []
    for m in re.finditer(r"\S+", cell.text):
        word = m.group(0)
        starts = bool(_HAN.search(word) or YEAR_CELL.match(word))
        if out and not starts:
            last = out[-1]
            out[-1] = Cell(f"{last.text} {word}", last.start, cell.start + m.end())
        else:
            out.append(Cell(word, cell.start + m.start(), cell.start + m.end()))
    return out or [cell]


def joined_headings(cells: list[Cell]) -> tuple[list[Cell], int]:
    """Heading lines as whole headings (see the module): codes dropped, lines of several headings
    split, pieces of one word joined; and how many pieces were joined."""
    out: list[Cell] = []
    joins = 0
    for line in cells:
        if _CODE.match(line.text):
            continue
        coded = _CODED.match(line.text)
        if coded:
            line = Cell(coded.group("head"), line.start, line.start + len(coded.group("head")))
        for c in _split_line(line):
            if out and _PIECE.match(out[-1].text) and _PIECE.match(c.text) and _is_word(out[-1].text + c.text):
                out[-1] = Cell(out[-1].text + c.text, out[-1].start, c.end)
                joins += 1
            else:
                out.append(c)
    return out, joins


def broken_header(cells: list[Cell], labels: int, rows: list[list[str]]) -> tuple[Cell, ...] | None:
    """The header of `labels` label columns over `rows` (each row's figure cells) from heading lines
    whose headings were broken over lines (see the module); None where the joined headings read no
    differently from the lines, or no reading of them checks out."""
    if not rows or labels < 1:
        return None
    pieces, joins = joined_headings(cells)
    if [c.text for c in pieces] == [c.text for c in cells]:
        return None  # nothing was broken: the ordinary readings have had their turn
    values = max(len(r) for r in rows)
    for merged in range(_LABEL_PIECES + 1):
        last = labels + merged  # the label headings: pieces[:last], the surplus merged into the last one
        if last > len(pieces) - values:
            break
        tail = pieces[labels - 1 : last]
        label = Cell(" ".join(c.text for c in tail), tail[0].start, tail[-1].end)
        headings = [*pieces[: labels - 1], label, *pieces[last:]]
        if joins and not merged and len(headings) == labels + values:
            return tuple(headings)  # one heading a column once its pieces are joined
        header = repeated_header(headings, labels, values) or totalled_header(headings, labels, rows)
        if header is not None:
            return header
    return None
