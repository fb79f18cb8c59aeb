"""People a question names, and the ways a text refers back to them.

The question's tokenizer cuts a name it does not know apart ('梁家丽是哪一年…' -> 梁家 / 丽是), so
the names are found against the documents instead: a surname and one or two characters that a
document also writes as a person's name (after a title, or referred to by surname with an
honorific or a title: 梁女士, 梁署长). A sentence speaks of such a person when it names them in full,
by surname with an honorific or a title, or by a pronoun (她, 他) in a paragraph that names them:
'…但梁女士未曾修读…。但她心意已决,于1995年加入知识产权署' answers when 梁家丽 joined."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .context import SURNAMES, DocContext
from .question import PERSON_TITLES
from .words import words

_HONORIFICS = tuple(words("honorifics"))
_PRONOUN = re.compile(r"(?<!其)[她他](?!们|人|国|乡|日)")


@lru_cache(maxsize=1024)
def _alias(name: str) -> re.Pattern[str]:
    """The surname with an honorific or a title: 梁女士, 梁署长."""
    tails = sorted(_HONORIFICS + tuple(PERSON_TITLES), key=len, reverse=True)
    return re.compile(re.escape(name[0]) + "(?:" + "|".join(map(re.escape, tails)) + ")")


def named_people(question: str, contexts: Iterable[DocContext]) -> list[str]:
    """Names of people in the (normalized) question that a document also names as a person."""
    contexts = list(contexts)
    found: list[str] = []
    i = 0
    while i < len(question):
        if question[i] in SURNAMES:
            for size in (3, 2):
                name = question[i : i + size]
                if len(name) == size and any(
                    name in c.people or (name in c.norm and _alias(name).search(c.norm)) for c in contexts
                ):
                    found.append(name)
                    i += size - 1
                    break
        i += 1
    return found


def refers_to(name: str, sentence: str, paragraph: str) -> bool:
    """Whether the sentence speaks of the person: by name, by surname with an honorific or a title,
    or by a pronoun where its paragraph names them one of those ways."""
    if name in sentence or _alias(name).search(sentence):
        return True
    return bool(_PRONOUN.search(sentence)) and (name in paragraph or bool(_alias(name).search(paragraph)))


def without_pieces(terms: dict[str, float], question: str, names: list[str]) -> dict[str, float]:
    """The question's weighted terms with the pieces the tokenizer cut a name into (梁家, 丽是), or
    glued a word onto (雷筱云任), replaced by the name itself, weighted above the rarest term (a person is the most specific thing
    a question names)."""
    spans = [(m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), question)]

    def piece(term: str) -> bool:
        for m in re.finditer(re.escape(term), question):
            for a, b in spans:
                if m.start() < b and a < m.end() and (m.start(), m.end()) != (a, b):
                    return True  # overlaps a name without being it (丽是 of 梁家丽是, 雷筱云任 of 雷筱云任什么职务)
        return False

    kept = {t: w for t, w in terms.items() if not piece(t)}
    top = max(terms.values(), default=1.0) + 0.1
    return kept | {n: top for n in names}
