"""Word `.docx` files (python-docx): paragraphs and table cells in document order."""

from __future__ import annotations

import io
import zipfile

from .base import Extracted, Hint, UnreadableFile

_TITLE_STYLES = ("title", "标题", "heading 1", "标题 1")


def _blocks(document) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph, and of every table row, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[tuple[str, str]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(((block.style.name if block.style is not None else "") or "", block.text))
        elif isinstance(block, Table):
            ruled = False
            for row in block.rows:
                cells = row.cells
                if len({id(cell._tc) for cell in cells}) <= 1:  # one cell across the table: a caption line
                    out.append(("table", cells[0].text.strip() if cells else ""))
                    continue
                # one line a row, cells between pipes (a merged cell repeated, so columns line up),
                # the first row the header: as HTML and Markdown tables are written
                texts = [cell.text.strip().replace("|", "/").replace("\n", " ") for cell in cells]
                out.append(("table", "| " + " | ".join(texts) + " |"))
                if not ruled:
                    out.append(("table", "|" + "---|" * len(texts)))
                    ruled = True
    return out


def extract_docx(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"not a readable .docx file ({exc}); an old .doc must be saved as .docx") from None
    blocks = _blocks(document)
    lines = [line for _, text in blocks for line in text.split("\n")]
    title = None
    declared = (document.core_properties.title or "").strip()
    if declared:
        title = Hint(declared, "file-meta")
    else:
        styled = next((t.strip() for s, t in blocks if t.strip() and s.lower().startswith(_TITLE_STYLES)), None)
        if styled:
            title = Hint(styled, "text")
    return Extracted(kind="docx", raw="\n".join(lines), title=title)
