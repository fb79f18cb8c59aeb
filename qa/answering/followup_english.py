"""English follow-ups: 'What about 2022?', 'And in Guangzhou?', 'And invention patents?' after an English
question keep what it fixed and change what they name, as the Chinese follow-ups do (`followup.py`).

A follow-up here is short and adds a year, a place or a narrower noun to the last complete question:
- a year (also a Chinese '那2022年呢?') replaces the question's year, or is added to it;
- a place (a name CC-CEDICT gives a Chinese division for: 'Guangzhou' -> 广州) replaces the
  question's place;
- a noun phrase whose head the question has ('invention patents' for 'patents') takes its place.
Anything else is no follow-up of this kind: the question is read on its own."""

from __future__ import annotations

import re

from ..crosslingual import lexicon
from ..languages import has_chinese
from .places import find_places

_LEAD = re.compile(r"^\s*(?:and\s+|so\s+|then\s+|also\s+)?(?:what|how)\s+about\s+|^\s*(?:and|so|then|also)\s+", re.I)
_PREPOSITION = re.compile(r"^\s*(?:in|for|during|at|of)\s+", re.I)
_TRAILING = re.compile(r"\s+(?:in|for|during|at|of)\s*$", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_CHINESE_FILLER = re.compile(r"[那呢年的吗么\s?？,，.。]")
MAX_WORDS = 5  # a follow-up names one thing: a year, a place, a noun phrase


def _places(words: list[str]) -> list[int]:
    """Indexes of the words that name a place CC-CEDICT knows ('Shenzhen' -> 深圳)."""
    lex = lexicon()
    out = []
    for i, word in enumerate(words):
        key = word.lower().removesuffix("'s")
        if word[:1].isupper() and any(find_places(head) for head in lex.dictionary.get(key, ())):
            out.append(i)
    return out


def _stem(word: str) -> str:
    word = word.lower().removesuffix("'s")
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _with_year(anchor: str, year: str) -> str:
    said = list(dict.fromkeys(_YEAR.findall(anchor)))
    if len(said) == 1:
        return anchor.replace(said[0], year)
    if not said:
        return re.sub(r"\s*\?*\s*$", f" in {year}?", anchor, count=1)
    return anchor  # several years asked about: which one is meant is not said


def year_only(question: str) -> str | None:
    """The year of an English follow-up that names nothing else ('What about 2022?', 'And in 2021?')."""
    if has_chinese(question):
        return None
    years = _YEAR.findall(question)
    body = _PREPOSITION.sub("", _LEAD.sub("", _YEAR.sub("", question))).strip(" ?？.,")
    return years[-1] if len(years) == 1 and not _WORD.findall(body) else None


def resolve_english(question: str, anchor: str) -> str | None:
    """The follow-up made whole against the last complete English question, or None when it is not
    a follow-up of this kind."""
    text = question.strip()
    years = _YEAR.findall(text)
    if has_chinese(text):  # '那2022年呢?' after an English question: a year alone
        if years and not _CHINESE_FILLER.sub("", _YEAR.sub("", text)):
            return _with_year(anchor, years[-1])
        return None
    led = bool(_LEAD.match(text))
    body = _PREPOSITION.sub("", _LEAD.sub("", text)).strip(" ?？.,")
    body = _TRAILING.sub("", _PREPOSITION.sub("", _YEAR.sub("", body)).strip(" ?？.,"))
    words = _WORD.findall(body)
    if len(words) > MAX_WORDS or (_WH.search(body) and not led) or (not led and not years and len(words) > 2):
        return None
    resolved = _with_year(anchor, years[-1]) if years else anchor
    if not words:
        return resolved if years else None
    anchor_words = _WORD.findall(resolved)
    new_places, old_places = _places(words), _places(anchor_words)
    if new_places and len(new_places) == len(words) - sum(w.lower() in ("district", "city", "province", "county") for w in words):
        if len(old_places) != 1:
            return None
        old = anchor_words[old_places[0]]
        new = " ".join(words)
        return re.sub(rf"\b{re.escape(old)}\b", new, resolved, count=1)
    head = _stem(words[-1])
    at = [i for i, w in enumerate(anchor_words) if _stem(w) == head]
    if len(at) != 1:
        return None
    old = anchor_words[at[0]]
    if " ".join(words).lower() in resolved.lower():
        return resolved  # already said
    return re.sub(rf"\b{re.escape(old)}\b", " ".join(words), resolved, count=1)
