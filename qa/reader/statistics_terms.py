"""Words that name the same row or column of an IP statistics table (`resources/statistics_terms.tsv`):
高校 for 大专院校, 个人 for 非职务, 单位 for 职务, 境外 for 国外.

`equivalents(question)` is what a question says in the table's words as well: each group word it
says other than the table's usual one, where that occurrence is not part of a longer group word it
also says (单位 inside 科研单位 names the research institutes, not the employer), brings the group's
other words."""

from __future__ import annotations

from ..answering.words import word_groups


def groups() -> tuple[tuple[str, ...], ...]:
    return word_groups("statistics_terms.tsv")


def _said_alone(word: str, text: str, longer: list[str]) -> bool:
    """Whether `word` occurs in `text` somewhere no longer group word that contains it covers."""
    covered = [(i, i + len(w)) for w in longer if word in w for i in _positions(w, text)]
    return any(not any(a <= i and i + len(word) <= b for a, b in covered) for i in _positions(word, text))


def _positions(word: str, text: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def equivalents(text: str) -> list[str]:
    """The group words that `text` implies without saying them, where it says one of a group's other
    words (高校 -> 大专院校, 高等院校, …); saying the table's usual word (大专院校) implies nothing more."""
    words = [w for g in groups() for w in g]
    out: list[str] = []
    for group in groups():
        if any(_said_alone(w, text, [v for v in words if len(v) > len(w)]) for w in group[1:]):
            out += [w for w in group if w not in text]
    return out
