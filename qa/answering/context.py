"""What surrounds a candidate sentence: its paragraph, its document's places, years and people.

Everything is computed on the normalized document text, whose offsets equal the original's."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from ..chunking import sentence_spans
from ..documents import Document
from ..name_places import name_places
from .numbers import ordinals, periods, years
from .calendar import gregorian, roc_dated
from .jurisdictions import governed_place
from .places import find_places
from .question import PERSON_TITLES
from .words import words

_TITLE_RE = "|".join(sorted(PERSON_TITLES, key=len, reverse=True))
# a name right after a title (optionally one space): 局长蔡英权, 记者 何泳, 主持人:…副部长李波; two to four
# characters are taken, and the character after them (`clean_name` decides where the name ends)
NAME_AFTER_TITLE = re.compile(rf"(?:{_TITLE_RE})(?!会)[ ]?([\u4e00-\u9fff]{{2,4}})(?=(.?))")  # 委员会主席X: 委员 of 委员会 is no title
# characters that end a name when they would be its third character
_NAME_STOP = frozenset(words("name_stop"))
SURNAMES = frozenset(words("surnames"))
COMPOUND_SURNAMES = frozenset(words("compound_surnames"))
_HONORIFICS = tuple(words("honorifics"))  # 先生, 女士 …: said after a name, never part of it
_HAN = re.compile(r"[\u4e00-\u9fff]")


def clean_name(raw: str, after: str = "") -> str | None:
    """The name in the two to four characters after a title (`after`: the character that follows
    them). Four characters are a name with a two-character surname (欧阳明高) or a married name of two
    surnames (林郑月娥), where nothing of a verb follows; else a name has two or three characters."""
    honorific = next((i for i in (1, 2, 3) if any((raw + after)[i:].startswith(h) for h in _HONORIFICS)), None)
    if honorific is not None:
        raw = raw[:honorific]  # 葛树先生: 先生 follows the name
    if len(raw) == 4:
        double = raw[:2] in COMPOUND_SURNAMES or (raw[0] in SURNAMES and raw[1] in SURNAMES)
        ends = not after or after in _NAME_STOP or not _HAN.match(after)  # nothing of a verb follows
        if double and raw[2] not in _NAME_STOP and raw[3] not in _NAME_STOP and ends:
            return raw
        raw = raw[:3]
    if not raw or (raw[0] not in SURNAMES and raw[:2] not in COMPOUND_SURNAMES):
        return None
    name = raw[:2] if len(raw) == 3 and raw[2] in _NAME_STOP else raw
    return name if len(name) >= 2 and name[1] not in _NAME_STOP else None


# a numbered list's item opens its line: 四、 / 4. / (四) / （4）
_LIST_ITEM = re.compile(r"\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、．]|\d{1,3}\.(?!\d))")
_HEADING_REACH = 80  # lines (items and blank lines) walked back to find the heading
_HEADING_WIDTH = 60
_LABEL_WIDTH = 4


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int


@dataclass
class DocContext:
    doc: Document
    norm: str
    sentences: list[tuple[int, int]]
    paragraphs: list[Paragraph]
    main_places: list[str]
    doc_years: list[int]
    people: set[str] = field(default_factory=set)
    all_years: set[int] = field(default_factory=set)  # every year the text names
    all_ordinals: set[tuple[int, str]] = field(default_factory=set)  # every edition it names: (24, '届')
    title_years: list[int] = field(default_factory=list)  # years its title names
    scopes: dict[int, "Scope"] = field(default_factory=dict)  # by sentence start, filled on use
    _starts: list[int] = field(default_factory=list)  # paragraph starts, for bisection; filled on use

    @property
    def effective_year(self) -> int:
        """Publication year, or for an undated document the latest year it names."""
        if self.doc.published:
            return int(self.doc.published[:4])
        return max(self.all_years, default=0)

    def heading_of(self, position: int) -> str:
        """For a paragraph that is an item of a numbered list ('四、 …', '(2) …'), the list's heading:
        the line above its items and blank lines, if it is a short one; '' otherwise."""
        if not self._starts:
            self._starts = [p.start for p in self.paragraphs]
        at = bisect_right(self._starts, position) - 1
        if at < 0 or not _LIST_ITEM.match(self.norm, self.paragraphs[at].start):
            return ""
        found: list[str] = []
        for p in reversed(self.paragraphs[max(0, at - _HEADING_REACH) : at]):
            line = self.norm[p.start : p.end].strip()
            if not line or (_LIST_ITEM.match(line) and not found):
                continue
            if len(line) > _HEADING_WIDTH:
                break
            found.insert(0, line)
            if len(line.replace(" ", "")) > _LABEL_WIDTH:
                break  # a label (目 录, 名单) heads the list under the title above it: both are read
        return "\n".join(found)

    def paragraph_of(self, position: int) -> Paragraph:
        for paragraph in self.paragraphs:
            if paragraph.start <= position < paragraph.end:
                return paragraph
        return Paragraph(0, len(self.norm))


def build_doc_context(doc: Document, norm: str) -> DocContext:
    norm = gregorian(norm, roc_dated(norm))  # 106年 of a Taiwan page is the 2017 a question asks
    paragraphs, offset = [], 0
    for line in doc.text.split("\n"):
        paragraphs.append(Paragraph(offset, offset + len(line)))
        offset += len(line) + 1
    counts = Counter(place for place in find_places(norm) for _ in range(norm.count(place)))
    title_places = find_places(norm[: len(doc.title)]) if norm.startswith(doc.title[:4]) else []
    # the places its file name names are its title's (a yearbook table saved as fujian_yb2022_….txt)
    main = list(dict.fromkeys(title_places + list(name_places(doc.doc_id)) + [p for p, _ in counts.most_common(1)]))
    governed = governed_place(norm)  # a page of 智慧局 is Taiwan's though it never says 台湾
    if governed and governed not in main:
        main.append(governed)
    # news of year Y reports on Y, and in its first half also on Y-1 (annual results come out the
    # next spring); a report from the second half is about its own year
    published = []
    if doc.published:
        year, month = int(doc.published[:4]), int(doc.published[5:7] or 1)
        published = [year, year - 1] if month <= 6 else [year]
    title_years = years(norm[: len(doc.title)])
    doc_years = published + title_years
    people = set()
    for match in NAME_AFTER_TITLE.finditer(norm):
        name = clean_name(match.group(1), match.group(2))
        if name:
            people.add(name)
    return DocContext(
        doc=doc,
        norm=norm,
        sentences=[(s.start, s.end) for s in sentence_spans(doc.text)],
        paragraphs=paragraphs,
        main_places=main,
        doc_years=sorted(set(doc_years)),
        people=people,
        all_years=set(years(norm)),
        all_ordinals=ordinals(norm),
        title_years=title_years,
    )


@dataclass
class Scope:
    """Places, years and ordinals that govern a sentence."""

    places: set[str]
    years: set[int]
    ordinals: set[tuple[int, str]]
    text: str  # paragraph text before and around the sentence (normalized)
    explicit_years: bool = True  # False when the years are only the document's


def sentence_scope(ctx: DocContext, start: int, end: int) -> Scope:
    """The sentence's scope; it depends on the document only, so it is worked out once."""
    scope = ctx.scopes.get(start)
    if scope is None:
        scope = ctx.scopes[start] = _scope(ctx, start, end)
    return scope


def _scope(ctx: DocContext, start: int, end: int) -> Scope:
    paragraph = ctx.paragraph_of(start)
    own = ctx.norm[start:end]
    before = ctx.norm[paragraph.start : start]
    heading = ctx.heading_of(start)  # an item of a numbered list is read under its list's heading
    around = ctx.norm[paragraph.start : paragraph.end] + ("\n" + heading if heading else "")
    places = set(find_places(around, abbreviations=True)) | set(ctx.main_places)
    # the years of a sentence: its own, else the latest one said before it in its paragraph,
    # else the document's (publication date, title)
    own_years = years(own)
    earlier = years(before) or years(heading)  # a list's heading is said before its items
    if own_years:
        scope_years, explicit = set(own_years), True
    elif earlier:
        scope_years, explicit = {earlier[-1]}, True
    elif ctx.doc.published and periods(own) == {"全年"} and "今年" not in own and int(ctx.doc.published[5:7] or 12) <= 6:
        # 全年 in a report from the first half of a year, which is not over yet: the year before
        scope_years, explicit = {ctx.effective_year - 1, *ctx.title_years}, False
    elif ctx.doc.published and ("今年" in own or periods(own) - {"全年"}):
        # 今年 / 上半年 / 1-10月 with no year: the publication year, not the year before it
        scope_years, explicit = {ctx.effective_year, *ctx.title_years}, False
    else:
        scope_years, explicit = set(ctx.doc_years), False
    return Scope(places=places, years=scope_years, ordinals=ordinals(around), text=around, explicit_years=explicit)
