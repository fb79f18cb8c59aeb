"""Real-content documents in the formats users keep, made inside the tests: a saved news page with its
page furniture (navigation, a mirror's header, share bar, comment section), a PDF with a text layer
(reportlab, Adobe's STSong CID font: no font file needed), a scanned-style PDF with no text, a Word
file (python-docx) and a Markdown note. The article text is from the seed corpus's real captures."""

from __future__ import annotations

import io
import json
from pathlib import Path

CONFERENCE_TITLE = "深圳召开2024年深圳市知识产权工作会议暨知识产权联席会议"
CONFERENCE = [
    "4月25日，深圳市举行2024年深圳市知识产权工作会议暨知识产权联席会议，会议全面总结深圳市2023年知识产权工作成绩，部署2024年知识产权重点任务。",
    "会议由市知识产权联席会议办公室副主任、市市场监管局（知识产权局）党组成员、副局长李军主持。",
    "2023年，深圳知识产权多项指标国内领先。全市国内专利授权量23.51万件，商标注册量24.97万件，居全国第一。",
    "PCT国际专利申请量连续20年居全国大中城市首位。",
]
STATIONS_TITLE = "我市建设知识产权保护工作站130家 覆盖重点企业12万家"
STATIONS = [
    "4月23日下午，深圳市市场监督管理局（深圳市知识产权局）组织召开2023年深圳市知识产权保护工作站助推高质量发展大会。",
    "记者从大会上了解到，近年来，市市场监管局围绕“20+8”战略性新兴产业和重点产业，引导行业协会、商会建设知识产权保护工作站130家，覆盖重点企业12万家。",
    "市市场监管局（知识产权局）机关党委书记、二级巡视员夏昆山致辞，并由深圳市知识产权保护工作站联盟作报告。",
]
BOZHOU_TITLE = "亳州市召开2023年度知识产权强市建设新闻发布会实录"
BOZHOU = [
    "2023年11月29日下午，在会务中心第三会议室，召开2023亳州市知识产权强市建设新闻发布会，市委宣传部副部长李波主持会议。",
    "市市场监管局四级调研员王璞、市市场监管局知识产权科科长闫岩参加会议。",
    "全市有效发明专利量达3721件。",
]
# what the page around the article says, and must not reach the document
NAV = ["首页", "新闻中心", "政务公开", "互动交流"]
MIRROR_HEADER = "本页转载自镜像站点 更新时间：2025-01-09 08:00"
COMMENTS = ["网友评论", "游客 2025-02-01 10:12 十五运加油！", "游客 2025-02-02 11:30 这个活动什么时候报名"]
SHARE = "分享到：微信 微博 QQ空间"


def news_page_html(title: str = CONFERENCE_TITLE, paragraphs: list[str] = CONFERENCE, date: str = "2024-04-25",
                   site: str = "中国知识产权资讯网") -> str:
    """A saved news page with the structure such pages have: meta tags and JSON-LD, navigation, the
    site name in <title>, a date line under the headline, a share bar and a comment section."""
    body = "\n".join(f"    <p>{p}</p>" for p in paragraphs)
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": f"{date}T14:57:00+08:00", "publisher": {"@type": "Organization", "name": site}},
                    ensure_ascii=False)
    nav = "".join(f'<li><a href="/{i}">{n}</a></li>' for i, n in enumerate(NAV))
    comments = "".join(f"<li>{c}</li>" for c in COMMENTS[1:])
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}_{site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}T14:57:00+08:00">
<script type="application/ld+json">{ld}</script>
</head><body>
<div class="mirror-bar">{MIRROR_HEADER}</div>
<header><div class="logo">{site}</div><nav><ul>{nav}</ul></nav></header>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/news">新闻中心</a></div>
<main><article>
  <h1>{title}</h1>
  <div class="info">发布时间：{date.replace('-', '/')} 14:57:00 来源：{site}</div>
  <div class="content">
{body}
  </div>
</article>
<div class="share">{SHARE}</div>
<section id="comments" class="comments"><h3>{COMMENTS[0]}</h3><ul>{comments}</ul></section>
</main>
<footer><p>Copyright © 2024 {site} 版权所有</p><p>京ICP备12345678号</p></footer>
</body></html>
"""


def text_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A PDF with a Chinese text layer, one list of lines per page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    if title:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont("STSong-Light", 11)
        y = 800
        for line in lines:
            for start in range(0, len(line), 40):  # the layout wraps long lines, as a printed page does
                pdf.drawString(50, y, line[start : start + 40])
                y -= 18
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages carry no text layer (as a scan without OCR)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def word_docx(title: str = BOZHOU_TITLE, paragraphs: list[str] = BOZHOU, core_title: bool = False) -> bytes:
    import docx

    document = docx.Document()
    if core_title:
        document.core_properties.title = title
    document.add_heading(title, level=1)
    document.add_paragraph("发布时间：2023年11月30日")
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "数量"
    table.cell(1, 0).text, table.cell(1, 1).text = "有效发明专利", "3721件"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def markdown_note() -> str:
    return (
        "---\ntitle: 深圳知识产权保护工作站笔记\ndate: 2023-04-24\nsource: 深圳特区报\n---\n\n"
        f"# {STATIONS_TITLE}\n\n{STATIONS[0]}\n\n- 会议：**保护工作站助推高质量发展大会**\n- 时间：4月23日下午\n"
    )


def write_fixture_corpus(root: Path) -> Path:
    """A corpus folder with one document in every format, and a scan."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conference.html").write_text(news_page_html(), encoding="utf-8")
    (root / "stations.pdf").write_bytes(text_pdf([[STATIONS_TITLE, *STATIONS[:2]], [STATIONS[2]]], STATIONS_TITLE))
    (root / "bozhou.docx").write_bytes(word_docx())
    (root / "notes.md").write_text(markdown_note(), encoding="utf-8")
    (root / "scan.pdf").write_bytes(scanned_pdf())
    return root
