"""The place a document speaks for when it names that place's offices rather than the place: a
page of Taiwan's IP office says 智慧局 and 我國, never 台湾. Offices come from the data file
`qa/resources/office_places.tsv` (general knowledge of who governs where, like the divisions),
never from what some document mentions."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .. import divisions as div
from .places import find_places, lies_within


@lru_cache(maxsize=1)
def offices() -> dict[str, str]:
    """Office name (normalized) -> short name of the division it serves."""
    return div.division_table("office_places.tsv", code_first=False)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in sorted(offices(), key=len, reverse=True)))


def office_mentions(norm_text: str) -> Counter[str]:
    """How often the (normalized) text names each place by one of its offices."""
    table = offices()
    return Counter(table[m.group(0)] for m in _pattern().finditer(norm_text))


def with_governed_place(text: str, norm_doc: str) -> str:
    """`text` (normalized: a title, the document itself) with the place its document speaks for by its
    offices added on a line of its own, where it speaks for one; else `text` unchanged."""
    governed = governed_place(norm_doc)
    return text + "\n" + governed if governed else text


@lru_cache(maxsize=512)
def governed_place(norm_text: str) -> str | None:
    """The place a (normalized) document speaks for by its offices: the one whose offices it names
    more often than it names any other place outright. None when it names no office, or names
    another place as often (a mainland report that quotes Taiwan's 智慧局 once is no Taiwan page)."""
    mentions = office_mentions(norm_text)
    if not mentions:
        return None
    place, count = mentions.most_common(1)[0]
    named = {p: norm_text.count(p) for p in find_places(norm_text)}
    rivals = max((n for p, n in named.items() if p != place and not lies_within(p, place)), default=0)
    return place if count > rivals else None
