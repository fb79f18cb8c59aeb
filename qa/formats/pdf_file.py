"""PDFs with a text layer (pypdf): the text page by page, so citations can name the page. A PDF
without text (a scan) is refused with the reason and what to do."""

from __future__ import annotations

import io
import logging
import re
from typing import Callable

from .base import Extracted, Hint, UnreadableFile

log = logging.getLogger(__name__)

MIN_CHARS_PER_PAGE = 20  # fewer text characters than this on average: a scan without a text layer
_JUNK_TITLE = re.compile(r"^(untitled|microsoft word|wps|document|\S+\.(docx?|pdf|html?|txt))", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")
_LINE_END = re.compile(r"[。！？!?；;：:”」』）)】》]$")

Progress = Callable[[str, int, int], None]


def _reflow(lines: list[str]) -> list[str]:
    """Join the lines the page layout wrapped: a line as wide as the page's text, ending mid-sentence,
    continues on the next. Headings, list items and short lines keep their own line."""
    widths = sorted(len(line) for line in lines if line.strip())
    if not widths:
        return lines
    full = widths[int(len(widths) * 0.9) - 1 if len(widths) >= 10 else -1]
    out: list[str] = []
    joining = False
    for line in lines:
        stripped = line.strip()
        if joining and stripped:
            out[-1] = out[-1] + stripped
        else:
            out.append(stripped)
        current = out[-1]
        joining = bool(
            stripped
            and len(stripped) >= 0.85 * full
            and _CJK.search(stripped[-1:])
            and not _LINE_END.search(current)
        )
    return out


def extract_pdf(data: bytes, progress: Progress | None = None) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure here means a password is needed
                raise UnreadableFile("encrypted PDF: save an unprotected copy and add that") from None
        pages = reader.pages
        total = len(pages)
    except UnreadableFile:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UnreadableFile(f"damaged or not a PDF ({exc})") from None
    lines: list[str] = []
    line_pages: list[int] = []
    chars = 0
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - one bad page is skipped, not the document
            log.warning("PDF page %d unreadable, skipped: %s", number, exc)
            text = ""
        page_lines = _reflow(text.replace("\r\n", "\n").split("\n"))
        chars += sum(len(line.strip()) for line in page_lines)
        lines.extend(page_lines)
        line_pages.extend([number] * len(page_lines))
        if progress is not None:
            progress("pdf", number, total)
    if total == 0:
        raise UnreadableFile("PDF has no pages")
    if chars < MIN_CHARS_PER_PAGE * total:
        raise UnreadableFile(
            f"scanned PDF without a text layer ({total} pages, {chars} characters of text): "
            "run OCR on it (e.g. ocrmypdf --language chi_sim) and add the result"
        )
    title = None
    info = reader.metadata
    declared = (info.title or "").strip() if info is not None else ""
    if declared and _CJK.search(declared) and not _JUNK_TITLE.match(declared):
        title = Hint(declared, "file-meta")
    return Extracted(kind="pdf", raw="\n".join(lines), title=title, line_pages=tuple(line_pages))
