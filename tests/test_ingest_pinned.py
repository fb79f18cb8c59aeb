"""The seed corpus must clean to exactly the text, title, date and source it always had: the eval
baseline's chunks depend on it. A change to cleaning, metadata or the format readers that moves any
of these has to be a deliberate re-baselining, not a side effect."""

from __future__ import annotations

import hashlib
from pathlib import Path

from qa.documents import load_corpus

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"

# doc_id -> (title, published, source, sha256 of the cleaned text)
PINNED = {
    "bozhou-ip-press-conference-2023": ('亳州市召开2023年度知识产权强市建设新闻发布会实录', '2023-11-30', '亳州市市场监督管理局(亳州市知识产权局)', "16c407a999e99c6563a6b5f53250d0e4ce9176850ad863a7cd376fafa00d4b9a"),
    "gd-ip-top10-events-2024": ('广东发布2024年度知识产权“十大事件”和“基层改革创新举措”', '2025-04-25', '深圳商报', "f3750a4a5ced9dc28b806556e960a3374c646b1a965cc5c0c14b6b40ba049441"),
    "sz-invention-patents-per-10k-2022": ('深圳每萬人發明專利擁有量爲全國平均6倍', '2022-09-28', '讀特客戶端', "75a0d60b90c7b0a2325a7b0fecd82cfeb611bc60a053cfaddff3f97b4e80bd5e"),
    "sz-ip-protection-stations-2023": ('我市建设知识产权保护工作站130家 覆盖重点企业12万家', None, '深圳特区报社', "dd7b7debccd25c4809cb894afb723c2316f266218ac0004e9e277e5365f23c68"),
    "sz-ip-work-conference-2024": ('深圳召开2024年深圳市知识产权工作会议暨知识产权联席会议', '2024-04-25', '中国知识产权资讯网', "0bb3c299b7da4d437cf9e8e01bf9ae0c74cd957cff3cc8917b48aec27b3b0c30"),
}


def test_seed_corpus_cleans_exactly_as_pinned():
    corpus = load_corpus(CORPUS_DIR)
    assert corpus.skipped == []
    got = {
        d.doc_id: (d.title, d.published, d.source, hashlib.sha256(d.text.encode("utf-8")).hexdigest())
        for d in corpus.documents
    }
    assert got == PINNED


def test_seed_corpus_metadata_comes_from_the_text():
    for doc in load_corpus(CORPUS_DIR).documents:
        assert doc.format == "txt" and doc.pages == []
        assert doc.provenance["title"] == "text"
        assert doc.provenance["published"] == ("none" if doc.published is None else "text")
