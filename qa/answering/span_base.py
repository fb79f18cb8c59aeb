"""What the span finders share: the Span, the characters and words that bound an answer, and the
question's and sentence's words as jieba cuts them (cached: the same halves are cut for every
candidate sentence)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..tokenize import get_jieba
from .question import Kind
from .words import words


TITLE = re.compile(r"《[^《》]{2,80}》")
MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
PUNCT = set(",，;；。:：、!?！？()（）“”《》「」 ")
# words that open a clause rather than belong to a list item or a name
LEAD_WORDS = frozenset(words("lead_words"))
PARTICLES = "了的是为在"
ASKS_KIND = re.compile(r"什么|哪类|哪种|哪一类|哪一种")
_CLAUSE_MARKS = ",，;；。:："


def clause_start(s: str, at: int) -> int:
    """Where the clause that holds position `at` of `s` starts: after the last , ; 。 or : before it."""
    return max(s.rfind(c, 0, at) for c in _CLAUSE_MARKS) + 1


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind
    strength: float = 1.0  # how well the span fits what was asked (0..1)


def cut_words(text: str) -> list[str]:
    return list(_cut(text))


@lru_cache(maxsize=8192)
def _cut(text: str) -> tuple[str, ...]:
    # the same question halves and list items are cut for every candidate sentence
    return tuple(get_jieba().lcut(text))


def strip_particles(text: str, left: bool) -> str:
    return text.rstrip(PARTICLES) if left else text.lstrip(PARTICLES)


def trim_punct(s: str, start: int, end: int) -> tuple[int, int]:
    while start < end and s[start] in PUNCT and s[start] not in "“「《":
        start += 1
    while end > start and s[end - 1] in PUNCT and s[end - 1] not in "”」》":
        end -= 1
    return start, end
