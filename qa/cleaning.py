"""Page-furniture removal for web captures and extracted document text.

The cleaned text is a sequence of the source's own lines, stripped of surrounding whitespace; inside
a kept line only the clutter the rules name (pinyin glosses) is removed, so every offset and quote
refers to text the source has. The rules are data (qa/resources/cleaning.toml, see
qa.cleaning_rules); lines repeated across many documents of a corpus are furniture too.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from .cleaning_rules import CleaningRules, default_rules


# a letter of any script: a line without one (a figure, a dash) is a table's cell when it repeats
# (a row's 0 / 0 written one cell a line, the same count in many documents), not a title or furniture
_LETTER = re.compile(r"[^\W\d_]")


def split_lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _tidy(line: str, rules: CleaningRules) -> str:
    line = line.replace("\u00a0", " ").replace("\u3000", " ").strip()
    for pattern in rules.inline:
        line = pattern.sub("", line)
    return line


def is_furniture(line: str, rules: CleaningRules | None = None) -> bool:
    return (rules or default_rules()).is_furniture(line)


def clean_lines(
    raw: str, rules: CleaningRules | None = None, repeated: frozenset[str] = frozenset()
) -> list[tuple[int, str]]:
    """The kept lines of `raw`, each with the index of the raw line it came from."""
    rules = rules or default_rules()
    lines = split_lines(raw)
    seen_chars, tail_from = 0, int(len(raw) * rules.tail_after)
    for number, line in enumerate(lines):
        if seen_chars >= tail_from and rules.is_tail(line):
            lines = lines[:number]
            break
        seen_chars += len(line) + 1
    kept: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        line = _tidy(line, rules)
        if not line or (line in repeated and _LETTER.search(line)) or rules.is_furniture(line):
            continue
        if not kept and rules.masthead is not None and rules.masthead.match(line):  # the site's name above the headline
            continue
        if kept and kept[-1][1] == line and _LETTER.search(line):  # a title printed twice
            continue
        kept.append((number, line))
    return kept


def clean_text(raw: str, rules: CleaningRules | None = None, repeated: frozenset[str] = frozenset()) -> str:
    """Return the article text of a capture: furniture lines dropped, the rest kept verbatim."""
    return "\n".join(line for _, line in clean_lines(raw, rules, repeated))


def repeated_lines(raws: Iterable[str], rules: CleaningRules | None = None) -> frozenset[str]:
    """Short lines that recur in many documents of a corpus (a site's navigation or footer)."""
    rules = rules or default_rules()
    counts: Counter[str] = Counter()
    total = 0
    for raw in raws:
        total += 1
        counts.update({t for t in (_tidy(line, rules) for line in split_lines(raw)) if 0 < len(t) <= rules.repeated_max_chars})
    need = max(rules.repeated_min_documents, rules.repeated_min_share * total)
    return frozenset(line for line, n in counts.items() if n >= need)
