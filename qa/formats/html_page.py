"""Saved web pages: the main content by trafilatura (boilerplate, navigation and comment sections
left out), the publication date by htmldate, title and site from the page's own metadata."""

from __future__ import annotations

import logging
import re

from .base import Extracted, Hint, UnreadableFile
from .plain_text import decode

log = logging.getLogger(__name__)

# "标题_站点" / "标题 - 站点" / "标题|站点": the <title> names the site after the headline
_TITLE_SITE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-－]{1,2}\s)\s*")


def _html_text(data: bytes) -> str:
    try:
        return decode(data)
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - a decoder problem is a reason to skip, not a crash
        raise UnreadableFile(f"cannot decode the page: {exc}") from None


def _strip_site(title: str, site: str | None) -> str:
    """The headline without the site name the <title> appends ("标题_深圳市人民政府")."""
    parts = [p for p in _TITLE_SITE_SEPARATOR.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()
    if site:
        kept = [p for p in parts if p.strip() not in site and site not in p]
        if kept:
            return "_".join(kept).strip() if len(kept) > 1 else kept[0].strip()
    return max(parts, key=len).strip()


def extract_html(data: bytes) -> Extracted:
    import trafilatura
    from htmldate import find_date

    html = _html_text(data)
    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        favor_precision=True,
        deduplicate=False,
    )
    if document is None or not (document.text or "").strip():
        # precision can be too strict on a short page: fall back to the default balance
        document = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
    if document is None or not (document.text or "").strip():
        raise UnreadableFile("no article text found in the page (is it a list or navigation page?)")
    site = (document.sitename or "").strip() or None
    title = _strip_site(document.title or "", site) if document.title else None

    published: Hint | None = None
    metadata_date = find_date(html, extensive_search=False, original_date=True)
    if metadata_date:
        published = Hint(metadata_date, "html-meta")
    else:
        from ..metadata import extract_published

        # the article's own date line ("发布时间:…") before any date elsewhere on the page
        in_text = extract_published(document.text) or extract_published(_header_text(html, title))
        if in_text:
            published = Hint(in_text, "text")
        else:
            anywhere = find_date(html, extensive_search=True, original_date=True)
            published = Hint(anywhere, "text") if anywhere else None
    from ..metadata import extract_source

    # the publisher the article names ("来源:深圳商报") before the hosting site's name
    named = extract_source(_header_text(html, title))
    source = Hint(named, "text") if named else Hint(site, "html-meta") if site else None
    return Extracted(
        kind="html",
        raw=document.text,
        title=Hint(title, "html-meta") if title else None,
        published=published,
        source=source,
    )


def _header_text(html: str, title: str | None) -> str:
    """The page's visible text from the headline on (where a date line sits under the title)."""
    import trafilatura

    everything = trafilatura.html2txt(html) or ""
    if title:
        at = everything.find(title[:12])
        if at >= 0:
            return everything[at : at + 600]
    return everything[:600]
