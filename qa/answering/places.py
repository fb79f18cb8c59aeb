"""Place names in text, found from China's administrative divisions (`qa.divisions`, a data file),
not from a list of what some documents mention.

A province or prefecture-level city is a place wherever it is named (深圳, 深圳市, 安徽省). A county
or district is one where the text marks it as such: with its suffix (徐闻县, 南山区), right after its
own city (湛江徐闻), or in a 、-list of divisions of one city (福田、南山、宝安). A province is one by its
abbreviation too where abbreviations are listed (沪、苏、浙、皖; 京津冀), from a data file of them. Used to read a
question's place constraint and to check it against the text around an answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .. import divisions as div

# a place inside a publication's name (香港商报, 安徽日报) is no constraint on the facts
_LIST = re.compile(r"[\u4e00-\u9fff]{2,}(?:、[\u4e00-\u9fff]{2,4})*、[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Name as written -> the short name reported: provinces and cities by either name, counties
    by their full name only."""
    out: dict[str, str] = {}
    for d in div.divisions():
        if d.level == "county":
            if len(d.name) >= 3:
                out.setdefault(d.name, d.short)
        else:
            out.setdefault(d.name, d.short)
            out.setdefault(d.short, d.short)
    return out


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # longest names first, so an alternation prefers 马鞍山 (and 徐闻县) to a shorter name inside it
    names = "|".join(re.escape(n) for n in sorted(_names(), key=len, reverse=True))
    publications = "|".join(div.publication_words())
    return re.compile(rf"({names})(?!{publications})")


@lru_cache(maxsize=1)
def _counties_of() -> dict[str, frozenset[str]]:
    """City or province short name -> short names of the counties within it."""
    out: dict[str, set[str]] = {}
    codes = div.by_code()
    for d in div.divisions():
        if d.level != "county" or len(d.short) < 2:
            continue
        for parent in d.parents:
            if parent in codes:
                out.setdefault(codes[parent].short, set()).add(d.short)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _county_parents() -> dict[str, frozenset[str]]:
    """County short name -> codes of the cities it may lie in."""
    out: dict[str, set[str]] = {}
    for d in div.divisions():
        if d.level == "county" and len(d.short) >= 2:
            out.setdefault(d.short, set()).add(d.code[:4])
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _abbreviated() -> re.Pattern[str]:
    """Provinces by their one-character abbreviations, in a 、-list of two or more (沪、苏、浙、皖) or
    run together in three or more (京津冀, 粤港澳), not inside a word ('辽宁' is no 辽 + 宁)."""
    chars = "".join(div.abbreviations())
    return re.compile(rf"(?:(?<![\u4e00-\u9fff])|(?<=[年在与和及对由向]))(?:[{chars}](?:、[{chars}])+(?!、)|[{chars}]{{3,}}(?![{chars}]))")


def lies_within(inner: str, outer: str) -> bool:
    """True when place `inner` is part of place `outer` (亳州 in 安徽, 南山 in 深圳 and in 广东)."""
    return div.lies_within(inner, outer)


def narrowest(places: list[str]) -> list[str]:
    """The places that constrain an answer: a place that holds another one named beside it is
    implied by it ('亳州…在安徽全省排第几' asks about 亳州; 安徽 only says which ranking)."""
    return [p for p in places if not any(other != p and lies_within(other, p) for other in places)]


def find_places(norm_text: str, abbreviations: bool = False) -> list[str]:
    """Places named in normalized text, in order of appearance, without repeats; with
    `abbreviations`, provinces listed by abbreviation too (沪、苏、浙、皖 — read in evidence, where a
    list of subjects names them so, not in a question, where '不含港澳台' or '粤港澳' is no place asked)."""
    found: list[tuple[int, str]] = []
    names, counties_of = _names(), _counties_of()
    for m in _pattern().finditer(norm_text):
        short = names[m.group(1)]
        found.append((m.start(), short))
        within = counties_of.get(short)
        if within:  # 湛江徐闻: a county right after its own city
            for size in (4, 3, 2):
                piece = norm_text[m.end() : m.end() + size]
                if piece in within:
                    found.append((m.end(), piece))
                    break
    if abbreviations:
        short = div.abbreviations()
        for m in _abbreviated().finditer(norm_text):
            for at in range(m.start(), m.end()):
                if norm_text[at] in short:
                    found.append((at, short[norm_text[at]]))
    parents = _county_parents()
    for m in _LIST.finditer(norm_text):  # 福田、南山、宝安: a list of divisions of one city
        parts = m.group(0).split("、")
        first = next((parts[0][-n:] for n in (4, 3, 2) if parts[0][-n:] in parents), None)
        last = next((parts[-1][:n] for n in (4, 3, 2) if parts[-1][:n] in parents), None)
        if first is None or last is None:
            continue
        items = [first, *parts[1:-1], last]
        if not all(i in parents for i in items):
            continue
        if frozenset.intersection(*(parents[i] for i in items)):
            at = m.start() + len(parts[0]) - len(first)
            for item in items:
                found.append((at, item))
                at += len(item) + 1
    found.sort(key=lambda x: x[0])
    return list(dict.fromkeys(name for _, name in found))


_CLAUSES = re.compile(r"[^,，;；]+")
_CLAUSE_LEAD = re.compile(r"^\s*(?:其中|另外|此外|同时|而|在)?")


def subject_place(norm_text: str) -> str | None:
    """The place the nearest clause that opens with one is about, read back from the end of the text:
    '在专利方面,泸州市2022年新增授权3591件,有效发明专利拥有量1059件' -> 泸州. A place inside a
    clause ('…杭州亚运会等专项行动') is no subject."""
    for clause in reversed(_CLAUSES.findall(norm_text)):
        body = clause[_CLAUSE_LEAD.match(clause).end() :]  # type: ignore[union-attr]
        found = find_places(body[:12])
        if found and body.startswith(_written_as(found[0])):
            return found[0]
    return None


@lru_cache(maxsize=4096)
def _written_as(short: str) -> tuple[str, ...]:
    """The names a place is written with (泸州, 泸州市)."""
    return tuple(name for name, reported in _names().items() if reported == short) or (short,)


def another_place(text: str, asked: list[str], named: list[str] | None = None, levels: Sequence[str] = ()) -> bool:
    """Whether (normalized) text up to a figure speaks of a place other than those asked: it names
    none of `asked`, and its subject place (`subject_place`) neither holds nor lies in one the
    question names (`named`, default `asked`): '泸州市2022年新增授权3591件' for a question about 荣昌; a
    subject that holds the place asked speaks of the whole ('宁夏全区…' for a question about 固原)."""
    if any(p in text for p in asked):
        return False
    subject = subject_place(text)
    if subject is None:
        return False
    named = named or asked

    def related(p: str) -> bool:
        return subject == p or lies_within(subject, p) or lies_within(p, subject)

    if (
        subject not in levels  # ('深圳在广东省考核中': 广东 names the level of the assessment, `levels`)
        and any(lies_within(p, subject) and p != subject for p in asked)
        and not any(lies_within(subject, p) for p in asked)
    ):
        return True  # '宁夏全区专利授权量为12885件' for 固原: the whole's figure, not its part's
    if not any(related(p) for p in asked) and any(
        lies_within(subject, w) and any(lies_within(p, w) for p in asked) for w in named if w not in asked
    ):
        return True  # '吴忠市1891件' for 银川 where the question names 宁夏, which holds both: a sibling's figure
    return not any(related(p) for p in named)
