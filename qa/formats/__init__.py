"""File formats: each turns a file's bytes into `Extracted` text (lines the cleaner reads) plus the
metadata the file itself declares. `extract` picks the reader by file suffix."""

from __future__ import annotations

from pathlib import Path

from .base import Extracted, Hint, UnreadableFile

SUFFIXES = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}


def format_of(path: Path | str) -> str | None:
    """The format name for a file, or None when this product does not read that type."""
    return SUFFIXES.get(Path(path).suffix.lower())


def extract(path: Path, data: bytes, progress=None) -> Extracted:
    """Read one file's bytes by its format; raises UnreadableFile with the reason when it cannot."""
    kind = format_of(path)
    if kind in ("txt", "md"):
        from .plain_text import extract_markdown, extract_txt

        return extract_txt(data) if kind == "txt" else extract_markdown(data)
    if kind == "html":
        from .html_page import extract_html

        return extract_html(data)
    if kind == "pdf":
        from .pdf_file import extract_pdf

        return extract_pdf(data, progress=progress)
    if kind == "docx":
        from .word_file import extract_docx

        return extract_docx(data)
    supported = ", ".join(sorted(SUFFIXES))
    raise UnreadableFile(f"unsupported file type {Path(path).suffix or '(none)'}: this product reads {supported}")


__all__ = ["Extracted", "Hint", "SUFFIXES", "UnreadableFile", "extract", "format_of"]
