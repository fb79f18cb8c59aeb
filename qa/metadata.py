"""Title, publication date and source, read from the raw capture in whichever form it has them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)日?"
# a date written in English: July 17, 2025 / Jul. 17 2025 / 17 July 2025 / 14-Jan-2019
_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_DAY_YEAR = rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})(?!\d)"
_DAY_MONTH_YEAR = rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+{_MONTH}[\s,-]+((?:19|20)\d{{2}})(?!\d)"
_ENGLISH_DATE = rf"(?:{_MONTH_DAY_YEAR}|{_DAY_MONTH_YEAR})"
_ANY_DATE = rf"(?:{_DATE}|{_ENGLISH_DATE})"
_CLOCK = r"\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
# a date that is publication metadata: labelled, or printed with a clock time
_PUBLISHED = [
    re.compile(r"(?:发布日期|發布日期|发布时间|發布時間|发表时间|發表時間|发表日期|發表日期|更新时间|更新時間|日期|时间|時間)[\]】:：\s]*" + _DATE),
    re.compile(_DATE + r"\s+\d{1,2}:\d{2}"),
    re.compile(rf"\b(?:updated|published|posted|release date|publication date|date)\b[:：]?\s*(?:{_CLOCK},?\s*)?{_ANY_DATE}", re.I),
    re.compile(rf"{_CLOCK},?\s+{_ENGLISH_DATE}|{_ENGLISH_DATE},?\s+{_CLOCK}", re.I),
]
# a label and date that open a capture's first line, before its headline ('date 2025-07-17 China …')
_LEADING_DATE = re.compile(rf"^\s*(?:(?:updated|published|posted|date)\b[:：]?\s*)?{_ANY_DATE}\s*", re.I)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_SOURCE = [
    re.compile(r"(?:新闻来源|来源|來源|稿件来源)[:：]\s*([^\s,，。]{2,30})"),
    re.compile(r"发布机构\s+([^\s]{2,40})"),
    re.compile(r"Copyright\s*[@©]?\s*[\d\-]*\s*([^\s,，。]{2,30})", re.IGNORECASE),
]
_ORIGINAL_TITLE = re.compile(r"原标题[《〈]([^》〉]{4,80})[》〉]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_CJK = re.compile(r"[\u3400-\u9fff]")
HEAD_CHARS = 800


# where a metadata value came from, as GET /documents/{id} and the index report show it
ORIGINS = ("sidecar", "html-meta", "file-meta", "text", "none")


@dataclass(frozen=True)
class Metadata:
    title: str
    published: str | None  # ISO date
    source: str | None
    origin: dict[str, str] = field(default_factory=dict)  # field name -> one of ORIGINS


def find_date(text: str, iso: str) -> tuple[int, int] | None:
    """Where the text first writes the date `iso` (2025-04-27 as 2025-04-27, 2025年4月27日, 2025/4/27,
    April 27, 2025 or 27 April 2025), as (start, end); None where it does not."""
    for match in re.finditer(_ANY_DATE, text, re.I):
        if parse_date(match.group(0)) == iso:
            return match.start(), match.end()
    return None


def parse_date(value: str) -> str | None:
    """An ISO date from "2024-04-25", "2024/4/25 14:57", "2024年4月25日", "July 17, 2025",
    "17 July 2025" or "14-Jan-2019" (the first date of the text); None when there is none."""
    found = []
    for pattern, order in ((_DATE, "ymd"), (_MONTH_DAY_YEAR, "mdy"), (_DAY_MONTH_YEAR, "dmy")):
        for match in re.finditer(pattern, value, re.I):
            parts = dict(zip(order, match.groups()))
            month = parts["m"] if parts["m"].isdigit() else _MONTHS[parts["m"][:3].lower()]
            try:
                found.append((match.start(), date(int(parts["y"]), int(month), int(parts["d"])).isoformat()))
                break
            except ValueError:
                continue
    return min(found)[1] if found else None


def extract_published(raw: str) -> str | None:
    head = raw[:HEAD_CHARS]
    found: list[tuple[int, str]] = []
    for pattern in _PUBLISHED:
        for match in pattern.finditer(head):
            iso = parse_date(match.group(0))
            if iso:
                found.append((match.start(), iso))
    return min(found)[1] if found else None


def extract_source(raw: str) -> str | None:
    for pattern in _SOURCE:
        match = pattern.search(raw)
        if match:
            return match.group(1).strip()
    return None


# a site's navigation trail above a capture's headline ('首页 > 聚焦 > 正文', '当前位置:首页>新闻'): no title
_NAV_TRAIL = re.compile(r"^\s*(?:(?:当前位置|您的位置|您现在的位置|所在位置)\s*[:：]|首页\s*[>»›/])|(?:[>»›][^>»›]*){2}")


_LATIN_TITLE = 120  # an English headline runs longer than a Chinese one


def extract_title(cleaned: str, raw: str) -> str:
    lines = [line.strip() for line in cleaned.split("\n")[:6] if line.strip()] if cleaned else []
    first = next((line for line in lines if not _NAV_TRAIL.search(line)), lines[0] if lines else "")
    first = _LEADING_DATE.sub("", first) or first
    longest = 60 if _CJK.search(first) else _LATIN_TITLE
    if first and len(first) <= longest and not _SENTENCE_END.search(first):
        return first
    original = _ORIGINAL_TITLE.search(raw)
    if original:
        return original.group(1).strip()
    sentence = _SENTENCE_END.split(first, 1)[0]
    return sentence[:40] + ("…" if len(sentence) > 40 else "")


def extract_metadata(raw: str, cleaned: str) -> Metadata:
    title, published, source = extract_title(cleaned, raw), extract_published(raw), extract_source(raw)
    return Metadata(
        title=title,
        published=published,
        source=source,
        origin={
            "title": "text" if title else "none",
            "published": "text" if published else "none",
            "source": "text" if source else "none",
        },
    )


# a wire-service dateline in the article ("中新网北京1月4日电"): the article's own day
_DATELINE = re.compile(r"(\d{1,2})月(\d{1,2})日电")
_HEAD_DATE = re.compile(_DATE)
_TITLE_LIKE_MIN = 6


def article_dateline(body: str, page_date: str | None) -> str | None:
    """The date of the article's dateline, in the year that puts it on or before the page's date
    (a mirror or reprint dates the page later than the article). None without a dateline or date."""
    match = _DATELINE.search(body[:300])
    if not match or not page_date:
        return None
    page = date.fromisoformat(page_date)
    month, day = int(match.group(1)), int(match.group(2))
    for year in (page.year, page.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        if found <= page:
            return found.isoformat()
    return None


_UNTIL = re.compile(r"截至|截止|至|到|止|until|through|as of", re.I)  # 截至2023年12月31日: a period's end, no publication date
_DATELINE_EXTRA = 6  # characters a dateline may hold besides its date (a label, a name: 納暮2025-04-27)


def head_date(cleaned: str, lines: int = 12, max_chars: int = 60, dateline_only: bool = False) -> str | None:
    """A date printed on a short line near the top (a dateline under the headline of a file that has
    no labelled date, under a site's menu lines): "2021年6月28日", "2023-02-18黄若虹", "July 17, 2025".
    `dateline_only`: the line holds its date and a few characters more, and no 截至 (a period's end)."""
    for line in cleaned.split("\n")[:lines]:
        if len(line) > max_chars:
            continue
        iso = parse_date(line)
        if not iso:
            continue
        if dateline_only:
            rest = re.sub(_ANY_DATE, "", line, count=1, flags=re.I).strip()
            if len(rest) > _DATELINE_EXTRA or _UNTIL.search(line):
                continue
        return iso
    return None


def title_line(cleaned: str, lines: int = 5) -> str | None:
    """The first of the top lines that reads as a headline: mostly CJK, not a date line, no `|` bars,
    no sentence end; None when none does."""
    for line in cleaned.split("\n")[:lines]:
        cjk = len(_CJK.findall(line))
        if (
            cjk >= _TITLE_LIKE_MIN and cjk >= len(line) * 0.5 and len(line) <= 60
            and "|" not in line and not _HEAD_DATE.search(line) and not _SENTENCE_END.search(line.rstrip("?？"))
        ):
            return line
    return None
