"""Which script a text is written in, and a ranking balanced between scripts for a question in the
other one.

An English question over a corpus of Chinese news with a few English pages finds the English pages
first by every signal: BM25 matches its words only there, and the multilingual encoder still places
a text nearer to texts in its own language. The answer is as often in a Chinese page, so for a
question without Chinese the fused ranking is interleaved: its best passage first, then in turn the
best one left in Chinese and the best one left in other scripts. A corpus in one script is unchanged."""

from __future__ import annotations

import re
from typing import Callable, TypeVar

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
T = TypeVar("T")


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def mostly_chinese(text: str) -> bool:
    """True when at least a third of the letters are Chinese characters (a Chinese page quoting
    English names is still Chinese; an English page with a few characters is not)."""
    letters = len(_LETTER.findall(text))
    return letters > 0 and 3 * len(_CJK.findall(text)) >= letters


def latin_script(text: str) -> bool:
    """True for a text of Latin letters, mostly (an English page): not one of figures alone."""
    if not _LATIN.search(text):
        return False  # (most chunks of a Chinese corpus: one quick scan instead of two counts)
    letters = len(_LETTER.findall(text))
    return letters > 0 and 3 * len(_CJK.findall(text)) < letters


def interleave_scripts(ranked: list[T], chinese: Callable[[T], bool]) -> list[T]:
    """The ranking with its first item kept and the rest taken in turn from the two scripts, each
    in its own order (the script other than the first item's comes next)."""
    if len(ranked) < 3:
        return list(ranked)
    groups: tuple[list[T], list[T]] = ([], [])
    for item in ranked[1:]:
        groups[0 if chinese(item) == chinese(ranked[0]) else 1].append(item)
    if not groups[0] or not groups[1]:
        return list(ranked)
    out = [ranked[0]]
    same, other = groups
    while same or other:
        if other:
            out.append(other.pop(0))
        if same:
            out.append(same.pop(0))
    return out
