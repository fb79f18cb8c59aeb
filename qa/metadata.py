"""Title, publication date and source, read from the raw capture in whichever form it has them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?"
# a date that is publication metadata: labelled, or printed with a clock time
_PUBLISHED = [
    re.compile(r"(?:发布日期|發布日期|发布时间|發布時間|日期|时间|時間)[:：\s]*" + _DATE),
    re.compile(_DATE + r"\s+\d{1,2}:\d{2}"),
]
_SOURCE = [
    re.compile(r"(?:新闻来源|来源|來源|稿件来源)[:：]\s*([^\s,，。]{2,30})"),
    re.compile(r"发布机构\s+([^\s]{2,40})"),
    re.compile(r"Copyright\s*[@©]?\s*[\d\-]*\s*([^\s,，。]{2,30})", re.IGNORECASE),
]
_ORIGINAL_TITLE = re.compile(r"原标题[《〈]([^》〉]{4,80})[》〉]")
_SENTENCE_END = re.compile(r"[。！？!?]")
HEAD_CHARS = 800


# where a metadata value came from, as GET /documents/{id} and the index report show it
ORIGINS = ("sidecar", "html-meta", "file-meta", "text", "none")


@dataclass(frozen=True)
class Metadata:
    title: str
    published: str | None  # ISO date
    source: str | None
    origin: dict[str, str] = field(default_factory=dict)  # field name -> one of ORIGINS


def parse_date(value: str) -> str | None:
    """An ISO date from "2024-04-25", "2024/4/25 14:57", "2024年4月25日"; None when there is none."""
    match = re.search(_DATE, value)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def extract_published(raw: str) -> str | None:
    head = raw[:HEAD_CHARS]
    found: list[tuple[int, str]] = []
    for pattern in _PUBLISHED:
        for match in pattern.finditer(head):
            year, month, day = (int(g) for g in match.groups()[-3:])
            try:
                found.append((match.start(), date(year, month, day).isoformat()))
            except ValueError:
                continue
    return min(found)[1] if found else None


def extract_source(raw: str) -> str | None:
    for pattern in _SOURCE:
        match = pattern.search(raw)
        if match:
            return match.group(1).strip()
    return None


# a site's navigation trail above a capture's headline ('首页 > 聚焦 > 正文', '当前位置:首页>新闻'): no title
_NAV_TRAIL = re.compile(r"^\s*(?:(?:当前位置|您的位置|您现在的位置|所在位置)\s*[:：]|首页\s*[>»›/])|(?:[>»›][^>»›]*){2}")


def extract_title(cleaned: str, raw: str) -> str:
    lines = [line.strip() for line in cleaned.split("\n")[:6] if line.strip()] if cleaned else []
    first = next((line for line in lines if not _NAV_TRAIL.search(line)), lines[0] if lines else "")
    if first and len(first) <= 60 and not _SENTENCE_END.search(first):
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
_CJK = re.compile(r"[\u3400-\u9fff]")


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


def head_date(cleaned: str, lines: int = 6, max_chars: int = 60) -> str | None:
    """A date printed on a short line near the top (a dateline under the headline of a file that has
    no labelled date): "2021年6月28日", "2023-02-18黄若虹"."""
    for line in cleaned.split("\n")[:lines]:
        if len(line) <= max_chars:
            iso = parse_date(line)
            if iso:
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
