"""What of a Chinese question an English page would say in its own words: the proper names it
names, as English writes them (浙江 -> Zhejiang, 马德里 -> Madrid, 澳大利亚 -> Australia, from
CC-CEDICT), and the Latin tokens it carries as they are (EPO, PCT, NOC).

A Chinese question over a corpus that also holds English pages (a statistical yearbook's English
tables, a wire story) matches them by no word: BM25 sees no shared token, and the multilingual
encoder still ranks texts of the question's own script first. The names are what both texts share
exactly, so they are what the search looks for in the English pages (`retrieval.HybridRetriever`)."""

from __future__ import annotations

import re

from .cedict import english_names
from .normalize import normalize
from .tokenize import get_jieba

_LATIN = re.compile(r"[a-z][a-z0-9]+")
_MIN_NAME = 2  # characters: a one-character name (中, 港) stands for too many things


def english_anchors(question: str) -> list[str]:
    """The question's proper names in English and its Latin tokens (lower case), in question order,
    without repeats; empty where CC-CEDICT is missing or the question names nothing."""
    norm = normalize(question)
    try:
        names = english_names()
    except RuntimeError:  # no CC-CEDICT: the Latin tokens alone
        names = {}
    out: list[str] = []
    for token in get_jieba().lcut(norm):  # whole words: 马德里, not also its 德里 (Delhi)
        if _LATIN.fullmatch(token):
            out.append(token)
        elif len(token) >= _MIN_NAME and token in names:
            out.append(names[token].lower())
    return list(dict.fromkeys(out))


def said(text: str, anchors: list[str]) -> set[str]:
    """The anchors a (normalized, lower-case) text says, each as a word of its own."""
    return {a for a in anchors if re.search(rf"(?<![a-z]){re.escape(a)}(?![a-z])", text)}
