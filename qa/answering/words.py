"""The rule reader's vocabulary as data: word lists from qa/resources/words.toml and the unit table
qa/resources/units.tsv, each read once. Order is the file's, so a list that is tried in order (or a
regex alternation built from one) behaves as the file says."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources


def _resource(name: str) -> str:
    return resources.files("qa").joinpath("resources", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _words() -> dict[str, list[str] | str]:
    return tomllib.loads(_resource("words.toml"))


def words(name: str) -> tuple[str, ...]:
    """The list `name` of words.toml, in order (a string value: its characters)."""
    return tuple(_words()[name])


@lru_cache(maxsize=1)
def _units() -> tuple[tuple[str, frozenset[str]], ...]:
    rows = []
    for line in _resource("units.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            unit, _, uses = line.partition("\t")
            rows.append((unit.strip(), frozenset(u.strip() for u in uses.split(",") if u.strip())))
    return tuple(rows)


def units(use: str | None = None) -> tuple[str, ...]:
    """The units of units.tsv in its order: all of them, or those marked with `use`."""
    return tuple(unit for unit, uses in _units() if use is None or use in uses)


@lru_cache(maxsize=8)
def word_groups(name: str) -> tuple[tuple[str, ...], ...]:
    """The groups of a tab-separated resource, one a line ('#' lines are comments), each word once."""
    out = []
    for line in _resource(name).splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(tuple(dict.fromkeys(w.strip() for w in line.split("\t") if w.strip())))
    return tuple(out)


def alternation(items: tuple[str, ...]) -> str:
    """A regex alternation of literal words, tried in the order given."""
    return "|".join(items)
