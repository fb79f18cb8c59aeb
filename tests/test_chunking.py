"""Sentence-aware chunking: exact offsets, stable ids, bounded sizes, overlap."""

from __future__ import annotations

import pytest

from qa.chunking import Chunk, chunk_document, sentence_spans
from qa.documents import Corpus, Document

SIZE, OVERLAP = 240, 60


def _doc(text: str, doc_id: str = "t") -> Document:
    return Document(doc_id=doc_id, title="t", published=None, source=None, path=f"{doc_id}.txt", sha256="0", text=text)


@pytest.fixture(scope="module")
def seed_chunks(seed_corpus: Corpus) -> dict[str, list[Chunk]]:
    return {doc.doc_id: chunk_document(doc, SIZE, OVERLAP) for doc in seed_corpus.documents}


def test_chunk_text_is_the_document_slice(seed_corpus: Corpus, seed_chunks: dict[str, list[Chunk]]) -> None:
    docs = seed_corpus.by_id()
    total = 0
    for doc_id, chunks in seed_chunks.items():
        assert chunks, doc_id
        for chunk in chunks:
            assert chunk.doc_id == doc_id
            assert docs[doc_id].text[chunk.start : chunk.end] == chunk.text
            assert chunk.text == chunk.text.strip()
            total += 1
    assert total > 5 * 5


def test_chunk_ids_stable_and_unique(seed_corpus: Corpus, seed_chunks: dict[str, list[Chunk]]) -> None:
    ids = [c.chunk_id for chunks in seed_chunks.values() for c in chunks]
    assert len(ids) == len(set(ids))
    again = [c.chunk_id for doc in seed_corpus.documents for c in chunk_document(doc, SIZE, OVERLAP)]
    assert sorted(again) == sorted(ids)
    for doc_id, chunks in seed_chunks.items():
        assert [c.chunk_id for c in chunks] == [f"{doc_id}#{i:04d}" for i in range(len(chunks))]


def test_chunks_are_in_order_and_cover_the_document(
    seed_corpus: Corpus, seed_chunks: dict[str, list[Chunk]]
) -> None:
    docs = seed_corpus.by_id()
    for doc_id, chunks in seed_chunks.items():
        text = docs[doc_id].text
        covered = [False] * len(text)
        for chunk in chunks:
            for i in range(chunk.start, chunk.end):
                covered[i] = True
        assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace()), doc_id
        starts = [c.start for c in chunks]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_sizes_bounded(seed_chunks: dict[str, list[Chunk]]) -> None:
    sizes = [c.end - c.start for chunks in seed_chunks.values() for c in chunks]
    assert max(sizes) <= SIZE
    assert sum(sizes) / len(sizes) > SIZE / 2  # packed, not one sentence a chunk


def test_overlap_present_and_bounded(seed_chunks: dict[str, list[Chunk]]) -> None:
    overlaps = [a.end - b.start for chunks in seed_chunks.values() for a, b in zip(chunks, chunks[1:])]
    assert max(overlaps) <= OVERLAP
    assert sum(1 for o in overlaps if o > 0) >= len(overlaps) // 3


def test_short_sentences_overlap_at_every_boundary() -> None:
    text = "".join(f"第{i:02d}句话讲知识产权保护工作。" for i in range(30))  # 16 characters each
    chunks = chunk_document(_doc(text), size=100, overlap=40)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        assert 0 < a.end - b.start <= 40
        assert text[b.start : a.end].endswith("。")  # whole sentences shared
    assert chunks[-1].end == len(text)


def test_fact_inside_a_sentence_is_never_cut(seed_corpus: Corpus, seed_chunks: dict[str, list[Chunk]]) -> None:
    for doc_id, fact in [
        ("sz-ip-work-conference-2024", "全市国内专利授权量23.51万件"),
        ("bozhou-ip-press-conference-2023", "有效发明专利量3721件"),
        ("sz-invention-patents-per-10k-2022", "發行規模100.46億元"),
        ("gd-ip-top10-events-2024", "2024年查办知识产权行政案件1796宗"),
        ("sz-ip-protection-stations-2023", "其中金奖5项"),
    ]:
        assert any(fact in c.text for c in seed_chunks[doc_id]), fact


def test_long_sentence_without_punctuation_is_split() -> None:
    text = "知识产权" * 200  # 800 characters, no punctuation at all
    chunks = chunk_document(_doc(text), size=SIZE, overlap=OVERLAP)
    assert len(chunks) >= 4
    assert all(c.end - c.start <= SIZE for c in chunks)
    assert "".join(text[c.start : c.end] for c in chunks) == text  # hard cuts lose nothing
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_long_sentence_split_at_clauses_first() -> None:
    clause = "深圳知识产权保护工作站覆盖重点企业十二万家,"  # 22 characters
    text = clause * 30 + "完。"
    chunks = chunk_document(_doc(text), size=100, overlap=20)
    assert all(c.end - c.start <= 100 for c in chunks)
    # every cut falls right after a comma
    assert all(text[c.end - 1] in ",。" for c in chunks)


def test_sentence_spans_trim_and_split() -> None:
    text = "  第一句。第二句!\n\n第三句“引语。”第四句"
    spans = [text[s.start : s.end] for s in sentence_spans(text)]
    assert spans == ["第一句。", "第二句!", "第三句“引语。”", "第四句"]


def test_empty_document_has_no_chunks() -> None:
    assert chunk_document(_doc("")) == []
    assert chunk_document(_doc(" \n ")) == []
