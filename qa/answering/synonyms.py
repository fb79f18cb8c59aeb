"""Words and phrases of Chinese news and statistics prose that say the same thing
(`resources/synonyms.tsv`): a question that asks 平均每年涨幅 is answered by a sentence that says
年均增长率.

`aliases(question, terms)` gives each of the question's terms the other ways a sentence may say it:
a term inside a phrase of a group (平均 and 每年 of 平均每年) is said by the phrase's alternatives
(年均); a term holding a group word (专利申请量) is said with that word replaced (专利申请数量)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import normalize
from .words import word_groups


@lru_cache(maxsize=1)
def groups() -> tuple[tuple[str, ...], ...]:
    """The groups, normalized as questions and texts are (GDP -> gdp)."""
    normalized = (tuple(dict.fromkeys(normalize(w) for w in g)) for g in word_groups("synonyms.tsv"))
    return tuple(g for g in normalized if len(g) > 1)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    words = sorted({w for g in groups() for w in g}, key=len, reverse=True)  # longest first: 截止到 before 截止
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=1)
def _group_of() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for group in groups():
        for word in group:
            out.setdefault(word, group)
    return out


def said(text: str) -> list[tuple[int, int, str]]:
    """The group words `text` says, as (start, end, word), longest at each place, not overlapping."""
    return [(m.start(), m.end(), m.group(0)) for m in _pattern().finditer(text)]


def aliases(question: str, terms: list[str]) -> dict[str, tuple[str, ...]]:
    """For each term of `question` that a group word overlaps, the other ways of saying it."""
    found = said(question)
    if not found:
        return {}
    group_of = _group_of()
    out: dict[str, tuple[str, ...]] = {}
    for term in terms:
        alternatives: list[str] = []
        for _, _, word in found:
            others = [w for w in group_of[word] if w != word]
            if len(term) >= 2 and term in word:  # 平均 of 平均每年: said by 年均
                alternatives += others
            elif word in term:  # 专利申请量 holds 申请量: said as 专利申请数量
                alternatives += [term.replace(word, w) for w in others]
        alternatives = [a for a in dict.fromkeys(alternatives) if a != term]
        if alternatives:
            out[term] = tuple(alternatives)
    return out
