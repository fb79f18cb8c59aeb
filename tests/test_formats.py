"""Every format a user keeps, end to end: read, cleaned, metadata with provenance, indexed, asked,
answered with faithful citations (and the page for PDFs). Files are made in the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.cleaning import clean_text, repeated_lines
from qa.cleaning_rules import RulesError, load_rules
from qa.documents import is_valid_doc_id, load_corpus, make_doc_id, page_at
from qa.pipeline import Pipeline

from _ingest_files import (
    COMMENTS, CONFERENCE_TITLE, MIRROR_HEADER, NAV, SHARE, STATIONS_TITLE, news_page_html, text_pdf,
    write_fixture_corpus,
)
from conftest import make_settings


@pytest.fixture(scope="module")
def fixture_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture_corpus(tmp_path_factory.mktemp("formats") / "corpus")


@pytest.fixture(scope="module")
def documents(fixture_corpus: Path):
    corpus = load_corpus(fixture_corpus)
    return corpus, corpus.by_id()


@pytest.fixture(scope="module")
def format_pipeline(fixture_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline.load(make_settings(fixture_corpus, tmp_path_factory.mktemp("formats-index")))


def test_every_file_is_indexed_or_skipped_with_a_reason(documents):
    corpus, docs = documents
    assert sorted(docs) == ["bozhou.docx", "conference.html", "notes.md", "stations.pdf"]
    assert [(s.path, "scanned PDF without a text layer" in s.reason, "OCR" in s.reason) for s in corpus.skipped] == [
        ("scan.pdf", True, True)
    ]


def test_html_page_metadata_comes_from_the_page_not_its_furniture(documents):
    doc = documents[1]["conference.html"]
    assert (doc.title, doc.published, doc.source) == (CONFERENCE_TITLE, "2024-04-25", "中国知识产权资讯网")
    assert doc.provenance == {"title": "html-meta", "published": "html-meta", "source": "text"}
    for furniture in [*NAV[1:], MIRROR_HEADER, "2025-01-09", SHARE, *COMMENTS, "十五运", "ICP备", "版权所有"]:
        assert furniture not in doc.text
    assert "全市国内专利授权量23.51万件" in doc.text


def test_html_date_from_the_article_not_a_mirror_or_comments(tmp_path: Path):
    # no date metadata at all: the article's own date line wins over the mirror bar and the comments
    page = news_page_html().replace('<meta property="article:published_time" content="2024-04-25T14:57:00+08:00">', "")
    page = page.split('<script type="application/ld+json">')[0] + page.split("</script>", 1)[1]
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert doc.published == "2024-04-25"


def test_pdf_keeps_pages_and_joins_wrapped_lines(documents):
    doc = documents[1]["stations.pdf"]
    assert doc.format == "pdf" and doc.title == STATIONS_TITLE and doc.provenance["title"] == "file-meta"
    assert "引导行业协会、商会建设知识产权保护工作站130家，覆盖重点企业12万家。" in doc.text  # wrapped at 40 chars
    assert [page for _, page in doc.pages] == [1, 2]
    assert page_at(doc, doc.text.index("130家")) == 1
    assert page_at(doc, doc.text.index("夏昆山")) == 2


def test_docx_title_tables_and_date(documents):
    doc = documents[1]["bozhou.docx"]
    assert doc.title == "亳州市召开2023年度知识产权强市建设新闻发布会实录"
    assert doc.published == "2023-11-30" and doc.provenance["published"] == "text"
    assert "| 指标 | 数量 |\n|---|---|\n| 有效发明专利 | 3721件 |" in doc.text  # a table, one row a line


def test_markdown_front_matter_and_markup(documents):
    doc = documents[1]["notes.md"]
    assert (doc.title, doc.published, doc.source) == ("深圳知识产权保护工作站笔记", "2023-04-24", "深圳特区报")
    assert "**" not in doc.text and "#" not in doc.text and "时间：4月23日下午" in doc.text


def test_sidecar_wins_over_the_page(tmp_path: Path):
    (tmp_path / "page.html").write_text(news_page_html(), encoding="utf-8")
    (tmp_path / "page.html.meta.json").write_text('{"title": "自定标题", "published": null}', encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert (doc.title, doc.published) == ("自定标题", None)
    assert doc.provenance == {"title": "sidecar", "published": "sidecar", "source": "text"}


@pytest.mark.parametrize(
    "question, doc_id, answer, page",
    [
        ("2023年深圳专利授权量是多少?", "conference.html", "23.51万件", None),
        ("深圳建设了多少家知识产权保护工作站?", "stations.pdf", "130家", 1),
        ("亳州新闻发布会由谁主持?", "bozhou.docx", "李波", None),
    ],
)
def test_asked_and_answered_with_faithful_citations(format_pipeline: Pipeline, question, doc_id, answer, page):
    result = format_pipeline.ask(question)
    assert result.answer is not None and answer in result.answer
    citation = result.citations[0]
    assert citation.doc_id == doc_id
    text = format_pipeline.documents[doc_id].text
    assert text[citation.start : citation.end] == citation.quote
    assert citation.page == page


def test_a_long_pdf_reports_page_progress(tmp_path: Path):
    pages = [[f"第{n}页：深圳市知识产权保护中心受理专利预审案件{n}件。"] for n in range(1, 31)]
    (tmp_path / "long.pdf").write_bytes(text_pdf(pages))
    seen: list[tuple[str, int, int]] = []
    doc = load_corpus(tmp_path, progress=lambda stage, done, total: seen.append((stage, done, total))).documents[0]
    assert seen[-1] == ("pdf long.pdf", 30, 30)
    assert page_at(doc, doc.text.index("第30页")) == 30


def test_ids_are_unique_across_folders_and_always_fetchable(tmp_path: Path):
    for folder in ("2023", "2024"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "news.txt").write_text(f"{folder}年深圳知识产权新闻\n正文{folder}。", encoding="utf-8")
    (tmp_path / "a..b.txt").write_text("标题\n正文三。", encoding="utf-8")
    (tmp_path / "深圳新闻.txt").write_text("标题四\n正文四。", encoding="utf-8")
    ids = sorted(d.doc_id for d in load_corpus(tmp_path).documents)
    assert len(ids) == 4 and "2023--news" in ids and "2024--news" in ids
    assert all(is_valid_doc_id(i) for i in ids)
    assert make_doc_id("sz-ip-work-conference-2024.txt") == "sz-ip-work-conference-2024"  # top level: unchanged
    assert make_doc_id("a..b.txt") == make_doc_id("a..b.txt") and ".." not in make_doc_id("a..b.txt")


def test_site_patterns_are_data_a_user_can_extend(tmp_path: Path):
    (tmp_path / "page.txt").write_text("标题\n本站独家推荐位\n正文第一句。", encoding="utf-8")
    assert "本站独家推荐位" in load_corpus(tmp_path).documents[0].text
    (tmp_path / "cleaning.toml").write_text("[drop_line]\nsite = ['^本站独家推荐位$']\n", encoding="utf-8")
    assert "本站独家推荐位" not in load_corpus(tmp_path).documents[0].text
    (tmp_path / "cleaning.toml").write_text("[drop_line]\nsite = ['(']\n", encoding="utf-8")
    with pytest.raises(RulesError, match="bad pattern"):
        load_rules(tmp_path)


def test_no_site_pattern_lives_in_python_source():
    source = (Path(__file__).resolve().parent.parent / "qa" / "cleaning.py").read_text(encoding="utf-8")
    for site_word in ("读特", "香港商報", "CBA直播", "ICP备", "相关推荐"):
        assert site_word not in source


def test_general_cleaning_pinyin_glosses_and_repeated_lines():
    assert clean_text("標題\n知識(zhī shí)產權(chǎn quán)保護") == "標題\n知識產權保護"
    assert clean_text("标题\n专利合作条约(PCT)申请") == "标题\n专利合作条约(PCT)申请"
    raws = [f"首页 | 新闻 | 政务\n文章{n}\n正文{n}。" for n in range(4)]
    repeated = repeated_lines(raws)
    assert "首页 | 新闻 | 政务" in repeated and not any(r.startswith("文章") for r in repeated)
    assert clean_text(raws[0], repeated=repeated) == "文章0\n正文0。"
