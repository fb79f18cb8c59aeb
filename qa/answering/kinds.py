"""Kinds of one family of figures (专利 / 商标 / 著作权; 发明 / 新型 / 外观设计; cases received /
cases closed): a figure is of one kind, and a figure whose text names another kind of a family the
question names one kind of, and not that one, is the other kind's figure. The families are general
vocabulary of IP statistics (`kind_families` in `resources/words.toml`), not any document's wording."""

from __future__ import annotations

from functools import lru_cache

from .words import words

KindNames = tuple[str, ...]  # a kind's names: 实用新型, 新型


@lru_cache(maxsize=1)
def families() -> tuple[tuple[KindNames, ...], ...]:
    return tuple(tuple(tuple(k.split(",")) for k in family.split("|")) for family in words("kind_families"))


@lru_cache(maxsize=512)
def kinds_asked(norm: str) -> tuple[tuple[KindNames, KindNames], ...]:
    """For each family the (normalized) question names exactly one kind of: that kind's names, and
    the names of the family's other kinds."""
    out = []
    for family in families():
        asked = [kind for kind in family if any(name in norm for name in kind)]
        if len(asked) == 1:
            out.append((asked[0], tuple(name for kind in family if kind is not asked[0] for name in kind)))
    return tuple(out)


def another_kind(asked: tuple[tuple[KindNames, KindNames], ...], *texts: str) -> str | None:
    """The other kind a figure's texts (its clause, its sentence up to it) name where none of them
    names the kind asked (`kinds_asked`); None where the figure may be the one asked."""
    for kind, others in asked:
        if any(name in t for name in kind for t in texts):
            continue
        for name in others:
            if any(name in t for t in texts):
                return name
    return None


def unsaid_kind(asked: tuple[tuple[KindNames, KindNames], ...], text: str) -> str | None:
    """The first kind asked that the text (a whole document) never names: none of its figures is
    that kind's (新收 asked of a court's report that only says 审结)."""
    return next((kind[0] for kind, _ in asked if not any(name in text for name in kind)), None)


@lru_cache(maxsize=512)
def _wholes_asked(norm: str) -> tuple[str, ...]:
    """The names of every kind of the patent and the IP family (专利|商标|…, 发明|实用新型|外观设计: parts
    of a whole with its own name) where the (normalized) question names no kind of the family."""
    out: list[str] = []
    for family in families()[:2]:
        names = [name for kind in family for name in kind]
        if not any(name in norm for name in names):
            out += names
    return tuple(out)


def a_part_of_the_whole(norm: str, clause: str) -> bool:
    """True when a figure's clause names a kind of the patent or the IP family and the (normalized)
    question names no kind of it: the whole was asked (专利授权量), the clause counts one kind of it
    (外观设计专利授权522件; 专利权质押 where 知识产权质押 is asked)."""
    return any(name in clause for name in _wholes_asked(norm))
