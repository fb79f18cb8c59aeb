"""Cleaning, metadata and loading, checked on the five real captures of the seed corpus."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from qa.cleaning import clean_text
from qa.documents import Corpus, decode, load_corpus, UnreadableFile

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"

# doc_id -> (furniture that is in the raw capture and must be gone, content that must stay)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "sz-ip-work-conference-2024": (
        ["中国知识产权资讯网     >", "ICP备案编号", "主办单位", "未经授权不得转载", "(编辑:刘珊)"],
        ["23.51万件", "24.97万件", "98.36件", "连续20年", "李军", "连续18年居全国第一"],
    ),
    "sz-ip-protection-stations-2023": (
        ["编辑 王子烨 审读", "读特热榜", "鹏友圈", "十五运", "深圳盒子", "友情链接", "Copyright", "ICP备"],
        ["130家", "12万家", "金奖5项", "银奖7项", "夏昆山", "原标题《我市建设知识产权保护工作站130家"],
    ),
    "gd-ip-top10-events-2024": (
        ["360影视", "欧美动漫", "摘要:", "相关推荐", "来源:深圳商报"],
        [
            "1796宗",
            "“36条”",
            "13项政策落地",
            "2024年度广东知识产权“十大事件”\n广东高规格举办",
            "深圳创新海外知识产权保护工作机制,经验做法获全国推广。",
            "清远推进知识产权“嵌入式”服务",
        ],
    ),
    "bozhou-ip-press-conference-2023": (
        ["索引号", "组配分类", "发布机构", "生成日期", "CBA直播"],
        ["3721件", "李波", "王璞", "18856件", "10183件", "7.5件"],
    ),
    "sz-invention-patents-per-10k-2022": (
        ["責任編輯", "香港商報PDF", "友情鏈接", "Copyright", "電話", "天氣", "聯絡我們", "地址:香港"],
        ["124.9件", "100.46億元", "宋洋", "連續18年", "46項證券化產品"],
    ),
}

TEN_EVENTS = [
    "广东高规格举办“粤港澳大湾区知识产权创造运用大会”",
    "广东开展“法官百企面对面”",
    "广东出台《广东省科技创新条例》",
    "广东创新推进地理标志特色镇建设",
    "广东实施知识产权公共服务“惠企对接”行动",
    "广东海关强化跨境协同保护",
    "深圳出台河套深圳园区知识产权保护和促进“36条”,打造粤港知识产权合作示范典型;",
    "广东检察机关深入推进知识产权综合履职",
    "广东省打印耗材高端制造产业知识产权联盟",
    "深圳创新海外知识产权保护工作机制,经验做法获全国推广。",
]

METADATA = {
    "sz-ip-work-conference-2024": (
        "深圳召开2024年深圳市知识产权工作会议暨知识产权联席会议",
        "2024-04-25",
        "中国知识产权资讯网",
    ),
    "sz-ip-protection-stations-2023": ("我市建设知识产权保护工作站130家 覆盖重点企业12万家", None, "深圳特区报社"),
    "gd-ip-top10-events-2024": ("广东发布2024年度知识产权“十大事件”和“基层改革创新举措”", "2025-04-25", "深圳商报"),
    "bozhou-ip-press-conference-2023": (
        "亳州市召开2023年度知识产权强市建设新闻发布会实录",
        "2023-11-30",
        "亳州市市场监督管理局(亳州市知识产权局)",
    ),
    "sz-invention-patents-per-10k-2022": ("深圳每萬人發明專利擁有量爲全國平均6倍", "2022-09-28", "讀特客戶端"),
}


def _raw(doc_id: str) -> str:
    """The capture with its no-break and ideographic spaces as plain spaces."""
    text = (CORPUS_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")
    return text.replace("\u00a0", " ").replace("\u3000", " ")


def test_seed_corpus_loads_every_capture(seed_corpus: Corpus) -> None:
    assert sorted(d.doc_id for d in seed_corpus.documents) == sorted(CASES)
    assert seed_corpus.skipped == []


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_furniture_removed(seed_corpus: Corpus, doc_id: str) -> None:
    furniture, _ = CASES[doc_id]
    raw, text = _raw(doc_id), seed_corpus.by_id()[doc_id].text
    for item in furniture:
        assert item in raw, f"test premise: {item!r} is in the capture {doc_id}"
        assert item not in text, f"furniture {item!r} left in {doc_id}"


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_content_kept(seed_corpus: Corpus, doc_id: str) -> None:
    _, facts = CASES[doc_id]
    text = seed_corpus.by_id()[doc_id].text
    for fact in facts:
        assert fact in text, f"fact {fact!r} lost from {doc_id}"


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_cleaned_lines_are_verbatim_lines_of_the_capture(seed_corpus: Corpus, doc_id: str) -> None:
    """Cleaning drops lines; it never rewrites text inside a kept line."""
    raw = _raw(doc_id)
    for line in seed_corpus.by_id()[doc_id].text.split("\n"):
        assert line and line in raw


def test_ten_events_list_kept_in_order(seed_corpus: Corpus) -> None:
    text = seed_corpus.by_id()["gd-ip-top10-events-2024"].text
    positions = [text.index(event) for event in TEN_EVENTS]
    assert positions == sorted(positions)


def test_comment_section_dropped_in_full(seed_corpus: Corpus) -> None:
    text = seed_corpus.by_id()["sz-ip-protection-stations-2023"].text
    assert text.rstrip().endswith("(原标题《我市建设知识产权保护工作站130家 覆盖重点企业12万家》)")
    assert "全国运动会" not in text and "https://" not in text


def test_tail_marker_in_page_header_does_not_swallow_the_article() -> None:
    body = "".join(f"正文第{i}句,专利授权量23.51万件。\n" for i in range(20))
    cleaned = clean_text("相关推荐\n" + body + "相关推荐\n广告一\n广告二")
    assert cleaned.count("23.51万件") == 20
    assert "广告" not in cleaned
    assert cleaned.endswith("正文第19句,专利授权量23.51万件。")


def test_a_tables_figures_one_a_line_are_kept_when_they_repeat() -> None:
    # a title printed twice is dropped once; a row's 0 / 0 written one cell a line is the table's
    flat = "各区专利授权量\n各区专利授权量\n地区\n发明\n外观设计\n丙区\n0\n0\n丁区\n3\n3"
    assert clean_text(flat) == "各区专利授权量\n地区\n发明\n外观设计\n丙区\n0\n0\n丁区\n3\n3"
    # the same figure line in many documents is a table's cell, not a site's furniture
    assert clean_text("地区\n0\n网站导航", repeated=frozenset({"0", "网站导航"})) == "地区\n0"


@pytest.mark.parametrize("doc_id", sorted(METADATA))
def test_metadata(seed_corpus: Corpus, doc_id: str) -> None:
    title, published, source = METADATA[doc_id]
    doc = seed_corpus.by_id()[doc_id]
    assert (doc.title, doc.published, doc.source) == (title, published, source)
    assert doc.path == f"{doc_id}.txt"
    assert len(doc.sha256) == 64


# ------------------------------------------------------------------------------------------ loading


def test_sidecar_overrides_metadata(corpus_copy: Path) -> None:
    sidecar = corpus_copy / "sz-ip-protection-stations-2023.meta.json"
    sidecar.write_text(
        json.dumps({"title": "保护工作站", "published": "2023-04-24", "source": "深圳特区报"}, ensure_ascii=False),
        encoding="utf-8",
    )
    doc = load_corpus(corpus_copy).by_id()["sz-ip-protection-stations-2023"]
    assert (doc.title, doc.published, doc.source) == ("保护工作站", "2023-04-24", "深圳特区报")
    # only the fields the sidecar names are overridden; the text is untouched
    sidecar.write_text(json.dumps({"published": "2023-04-23"}), encoding="utf-8")
    doc = load_corpus(corpus_copy).by_id()["sz-ip-protection-stations-2023"]
    assert (doc.title, doc.published, doc.source) == METADATA["sz-ip-protection-stations-2023"][:1] + (
        "2023-04-23",
        "深圳特区报社",
    )
    assert "130家" in doc.text


def test_sidecar_can_clear_a_date(corpus_copy: Path) -> None:
    (corpus_copy / "gd-ip-top10-events-2024.meta.json").write_text('{"published": null}', encoding="utf-8")
    assert load_corpus(corpus_copy).by_id()["gd-ip-top10-events-2024"].published is None


def test_broken_sidecar_is_ignored_with_a_warning(corpus_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    (corpus_copy / "gd-ip-top10-events-2024.meta.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="qa.documents"):
        doc = load_corpus(corpus_copy).by_id()["gd-ip-top10-events-2024"]
    assert doc.published == "2025-04-25"
    assert "gd-ip-top10-events-2024.meta.json" in caplog.text


ARTICLE = "深圳召开知识产权工作会议\n发布时间:2024/5/6 10:00:00\n全市国内专利授权量23.51万件,居全国第一。\n"


def test_utf8_with_bom_and_gb18030_are_read(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    (tmp_path / "gbk.txt").write_bytes(ARTICLE.encode("gb18030"))
    corpus = load_corpus(tmp_path)
    assert corpus.skipped == []
    docs = corpus.by_id()
    for doc_id in ("bom", "gbk"):
        doc = docs[doc_id]
        assert doc.title == "深圳召开知识产权工作会议"
        assert doc.published == "2024-05-06"
        assert "23.51万件" in doc.text
        assert "\ufeff" not in doc.text


def test_decode() -> None:
    assert decode("\ufeff专利".encode("utf-8")) == "专利"
    assert decode("專利".encode("gb18030")) == "專利"
    for bad in (b"", b"  \n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"):
        with pytest.raises(UnreadableFile):
            decode(bad)


def test_binary_and_empty_files_skipped_with_a_log_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (tmp_path / "furniture-only.txt").write_text("Copyright 2024 某网\nICP备案编号:京ICP备1号\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="qa.documents"):
        corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["good"]
    assert sorted(s.path for s in corpus.skipped) == ["empty.txt", "furniture-only.txt", "image.txt"]
    for name in ("empty.txt", "image.txt", "furniture-only.txt"):
        assert any(name in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records), name


def test_duplicate_content_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["a"]
    assert corpus.skipped[0].path == "b.txt" and "duplicate" in corpus.skipped[0].reason


def test_missing_corpus_dir_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="QA_CORPUS_DIR"):
        load_corpus(tmp_path / "nope")


def test_a_sites_navigation_trail_above_the_headline_is_no_title(tmp_path: Path) -> None:
    (tmp_path / "trail.txt").write_text("首页 > 聚焦 > >正文\n\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "here.txt").write_text("当前位置:首页>新闻动态\n" + ARTICLE, encoding="utf-8")
    docs = load_corpus(tmp_path).by_id()
    assert docs["trail"].title == docs["here"].title == "深圳召开知识产权工作会议"


def test_dates_written_in_english_or_as_a_dateline_are_publication_dates(tmp_path: Path) -> None:
    from qa.metadata import extract_published, head_date, parse_date

    assert parse_date("July 17, 2025") == parse_date("17 July 2025") == parse_date("Jul. 17 2025") == "2025-07-17"
    assert parse_date("Updated 17:00, 14-Jan-2019") == "2019-01-14"
    assert parse_date("Feb 30, 2024") is None and parse_date("May 2025") is None
    assert parse_date("1985.4-2013.12") is None  # a period: no day read from the next year's digits
    assert extract_published("Xinhua) 14:40, July 17, 2025\nAs of June this year") == "2025-07-17"
    assert extract_published("[来源][admin][发表时间] 2023/05/12阅读次数:1618次") == "2023-05-12"
    assert extract_published("On January 10, 2019, the office held a press conference") is None  # no label, no clock
    assert head_date("报道\n截至2023年12月31日\n正文", dateline_only=True) is None  # a period's end
    assert head_date("泉州网  泉州晚报\n2025年04月22日\n正文", dateline_only=True) == "2025-04-22"
    # a plain capture: an English label and date before the headline are neither title nor lost
    (tmp_path / "en.txt").write_text(
        "date 2025-07-17 China vigorously pursues transformation, industrialization of patents\n\n"
        "As of June this year, the number of valid domestic invention patents had reached 5.01 million.\n",
        encoding="utf-8",
    )
    (tmp_path / "zh.txt").write_text("泉州网  泉州晚报\n2025年04月22日\n过去一年全市专利授权3.79万件\n本周是全国知识产权宣传周。\n", encoding="utf-8")
    docs = load_corpus(tmp_path).by_id()
    assert docs["en"].published == "2025-07-17"
    assert docs["en"].title == "China vigorously pursues transformation, industrialization of patents"
    assert docs["zh"].published == "2025-04-22"
