"""China's administrative divisions (province, prefecture and county level) from the data file
`qa/resources/divisions.tsv`: names, the short forms news uses (湛江 for 湛江市, 徐闻 for 徐闻县) and
what lies within what, read off the six-digit division codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_SUFFIX = re.compile(
    r"(?:(?:[\u4e00-\u9fff]{1,4}?族)+自治(?:州|县|旗)|维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区"
    r"|自治州|自治县|自治旗|地区|新区|林区|特区|省|市|盟|区|县|旗)$"
)


@dataclass(frozen=True)
class Division:
    code: str
    name: str  # as official: 湛江市, 徐闻县
    short: str  # as news writes it: 湛江, 徐闻 (the full name where the short one would be one character)
    level: str  # province, city or county

    @property
    def parents(self) -> tuple[str, ...]:
        """Codes of the divisions it lies within (city, then province)."""
        if self.level == "province":
            return ()
        if self.level == "city":
            return (self.code[:2] + "0000",)
        return (self.code[:4] + "00", self.code[:2] + "0000")


@lru_cache(maxsize=1)
def publication_words() -> tuple[str, ...]:
    """Words that, right after a place name, make it the name of a newspaper, broadcaster or site
    (香港商报, 安徽日报), from `qa/resources/publication_words.txt`; longest first, for regexes."""
    text = resources.files("qa").joinpath("resources", "publication_words.txt").read_text(encoding="utf-8")
    words = {w for line in text.splitlines() if not line.startswith("#") for w in line.split()}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def short_name(name: str) -> str:
    short = _SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    text = resources.files("qa").joinpath("resources", "divisions.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, name = line.split("\t")
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue  # placeholders of the code table, not places
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
        out.append(Division(code, name, short_name(name), level))
    return tuple(out)


@lru_cache(maxsize=1)
def by_name() -> dict[str, tuple[Division, ...]]:
    """Full and short names -> the divisions of that name (a short name may be shared: 朝阳)."""
    out: dict[str, list[Division]] = {}
    for d in divisions():
        for key in dict.fromkeys((d.name, d.short)):
            out.setdefault(key, []).append(d)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """One-character abbreviation -> short name of its provincial-level division (沪 -> 上海),
    from `qa/resources/province_abbreviations.tsv`."""
    return division_table("province_abbreviations.tsv", code_first=True)


def division_table(name: str, code_first: bool) -> dict[str, str]:
    """A two-column data file of `qa/resources/` that pairs a word with a division's code (first or
    second), read as word -> the division's short name; '#' lines are comments."""
    text = resources.files("qa").joinpath("resources", name).read_text(encoding="utf-8")
    codes = by_code()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            first, second = line.split("\t")
            word, code = (second, first) if code_first else (first, second)
            out[word] = codes[code].short
    return out


@lru_cache(maxsize=1)
def by_code() -> dict[str, Division]:
    return {d.code: d for d in divisions()}


def lies_within(inner: str, outer: str) -> bool:
    """True when a division named `inner` lies within one named `outer` (徐闻 in 湛江 and 广东)."""
    outer_codes = {d.code for d in by_name().get(outer, ())}
    return any(set(d.parents) & outer_codes for d in by_name().get(inner, ()))


@lru_cache(maxsize=1)
def known_places() -> frozenset[str]:
    """Short and full names of provinces and prefecture-level cities (a county is recognised by
    the tagger or its suffix: county short names are too often ordinary words)."""
    return frozenset(n for d in divisions() if d.level != "county" for n in (d.short, d.name) if len(n) >= 2)
