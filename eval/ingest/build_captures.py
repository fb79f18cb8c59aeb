"""Rebuild the captures in captures/ from sources.jsonl (run from the repository root:
`.venv/bin/python eval/ingest/build_captures.py`).

Each source is the stored text of a real public page (address in `url`), in page order: what stood
above the headline (`header`: navigation, widgets, a mirror's banner), the headline, the visible
date/source line (`meta`), the article's first paragraphs (`body`) and what followed (`footer`).
HTML captures put these in a page skeleton (header/nav, article, footer) with the site's <title>;
PDF captures print them (reportlab, STSong CID font); DOCX captures write them (python-docx)."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def page_html(s: dict) -> str:
    esc = html.escape
    header = "\n".join(f"  <div class=\"bar\">{esc(line)}</div>" for line in s["header"])
    body = "\n".join(f"    <p>{esc(p)}</p>" for p in s["body"])
    footer = "\n".join(f"  <div>{esc(line)}</div>" for line in s["footer"])
    meta = f'  <div class="info">{esc(s["meta"])}</div>\n' if s["meta"] else ""
    return (
        f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">\n'
        f"<title>{esc(s['title'])}_{esc(s['site'])}</title>\n</head><body>\n"
        f'<header>\n{header}\n</header>\n<div class="article">\n  <h1>{esc(s["title"])}</h1>\n{meta}'
        f'  <div class="content">\n{body}\n  </div>\n</div>\n<footer>\n{footer}\n</footer>\n</body></html>\n'
    )


def lines_of(s: dict) -> list[str]:
    return [*s["header"], s["title"], *([s["meta"]] if s["meta"] else []), *s["body"], *s["footer"]]


def page_pdf(s: dict) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.setFont("STSong-Light", 11)
    y = 800
    for line in lines_of(s):
        for start in range(0, len(line), 42):
            pdf.drawString(50, y, line[start : start + 42])
            y -= 18
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def page_docx(s: dict) -> bytes:
    import docx

    document = docx.Document()
    for line in s["header"]:
        document.add_paragraph(line)
    document.add_heading(s["title"], level=1)
    for line in [*([s["meta"]] if s["meta"] else []), *s["body"], *s["footer"]]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> None:
    target = HERE / "captures"
    target.mkdir(exist_ok=True)
    for line in (HERE / "sources.jsonl").read_text(encoding="utf-8").splitlines():
        s = json.loads(line)
        name = target / f"{s['id']}.{s['format']}"
        if s["format"] == "html":
            name.write_text(page_html(s), encoding="utf-8")
        elif s["format"] == "pdf":
            name.write_bytes(page_pdf(s))
        else:
            name.write_bytes(page_docx(s))
        print(name.relative_to(HERE))


if __name__ == "__main__":
    main()
