"""`.txt` (UTF-8 with or without BOM, or GB18030) and Markdown."""

from __future__ import annotations

import re

from .base import Extracted, Hint, UnreadableFile

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_FRONT_FIELD = re.compile(r"^(title|date|published|source)\s*:\s*[\"']?(.*?)[\"']?\s*$", re.M | re.I)


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030; refuse binary data."""
    if not data.strip():
        raise UnreadableFile("empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UnreadableFile("UTF-16 text: save it as UTF-8 (or GB18030)")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (NUL bytes)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
        if control > max(8, len(text[:4096]) // 50):
            raise UnreadableFile("binary file (control characters)")
        return text
    raise UnreadableFile("neither UTF-8 nor GB18030 text")


def extract_txt(data: bytes) -> Extracted:
    return Extracted(kind="txt", raw=decode(data))


def extract_markdown(data: bytes) -> Extracted:
    """Markdown rendered to its text (markdown-it-py): one line per block, markup gone; a table
    row one line, its cells between pipes, as HTML tables are written."""
    from markdown_it import MarkdownIt

    text = decode(data).replace("\r\n", "\n")
    hints: dict[str, Hint] = {}
    front = _FRONT_MATTER.match(text)
    if front:
        for key, value in _FRONT_FIELD.findall(front.group(1)):
            key = "published" if key.lower() in ("date", "published") else key.lower()
            if value:
                hints[key] = Hint(value, "text")
        text = text[front.end() :]
    lines: list[str] = []
    first_heading: str | None = None
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    row: list[str] | None = None  # the cells of the table row being read
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append("| " + " | ".join(row) + " |")  # a table row stays one line, cells between pipes
            row = None
        elif token.type == "thead_close" and lines:
            lines.append("|" + "---|" * lines[-1].count(" | ") + "---|")
        elif token.type == "inline" and row is not None:
            cell = "".join(c.content for c in token.children if c.type in ("text", "code_inline")) if token.children else token.content
            row.append(cell.replace("|", "/").replace("\n", " ").strip())
        elif token.type == "inline":
            content = "".join(
                "\n" if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            ) if token.children else token.content
            lines.extend(part for part in content.split("\n"))
            if first_heading is None and i > 0 and tokens[i - 1].type == "heading_open" and tokens[i - 1].tag == "h1":
                first_heading = content.strip()
        elif token.type in ("fence", "code_block"):
            lines.extend(token.content.split("\n"))
    if first_heading and "title" not in hints:
        hints["title"] = Hint(first_heading, "text")
    published = hints.get("published")
    if published:
        from ..metadata import parse_date

        iso = parse_date(published.value)
        published = Hint(iso, "text") if iso else None
    return Extracted(kind="md", raw="\n".join(lines), title=hints.get("title"), published=published,
                     source=hints.get("source"))
