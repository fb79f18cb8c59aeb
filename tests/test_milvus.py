"""Retrieval on Milvus (Milvus Lite here; the same client code talks to a cluster).

One Milvus Lite file per test session. Most tests use the hashing embedder; the one with the real
e5-small model (the default embedder) is also marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from conftest import make_settings  # noqa: E402
from qa.embedders import make_embedder  # noqa: E402
from qa.index_store import build_index, load_index  # noqa: E402
from qa.milvus_backend import (  # noqa: E402
    MilvusUnavailable,
    analyzer_params,
    connect,
    meta_collection,
    read_marker,
    resolve_uri,
    sync_to_milvus,
)
from qa.pipeline import ANSWER_POOL, Pipeline  # noqa: E402
from qa.settings import RetrieverName, Settings  # noqa: E402

pytestmark = pytest.mark.milvus

# question -> text the answer-bearing passage contains
SEEDS = {
    "深圳建设了多少家知识产权保护工作站": "130家",
    "2024年深圳查办知识产权行政案件多少宗": "1796宗",
    "截至2023年,深圳引导行业协会、商会建设了多少家知识产权保护工作站?": "130家",
}


@pytest.fixture(scope="session")
def milvus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("milvus") / "milvus.db"


@pytest.fixture(scope="session")
def milvus_settings(settings: Settings, milvus_db: Path) -> Settings:
    """The session's hashing index, served from Milvus."""
    return settings.with_overrides(backend="milvus", milvus_uri=str(milvus_db), milvus_collection="seed_hashing")


@pytest.fixture(scope="session")
def milvus_pipeline(pipeline: Pipeline, milvus_settings: Settings) -> Pipeline:
    return Pipeline.load(milvus_settings)


@pytest.fixture(scope="session")
def client(milvus_settings: Settings):
    return connect(milvus_settings)


# ------------------------------------------------------------------------------------ analyzer


def _matches(client, name: str, params: dict, docs: list[str], query: str) -> set[str]:
    """Docs sharing a token with the query under these analyzer params (run_analyzer stand-in)."""
    from pymilvus import DataType, Function, FunctionType

    if client.has_collection(name):
        client.drop_collection(name)
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=200, enable_analyzer=True, analyzer_params=params)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=["text"], output_field_names=["sparse"]))
    index_params = client.prepare_index_params()
    index_params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection(name, schema=schema, index_params=index_params, consistency_level="Strong")
    client.insert(name, [{"id": i, "text": d} for i, d in enumerate(docs)])
    hits = client.search(name, data=[query], anns_field="sparse", limit=len(docs), output_fields=["text"],
                         search_params={"metric_type": "BM25"})
    return {h["entity"]["text"] for h in hits[0]}


PROBE_DOCS = ["23.51万件", "23.51", "23", "51", "万件", "万", "件", "15.3%", "15.3", "%", "130家", "130", "家",
              "pct", "的", ","]


def test_analyzer_keeps_numbers_with_their_units_matchable(client) -> None:
    """Milvus Lite 2.5.1 does not implement run_analyzer, so tokens are probed through BM25 matches:
    a one-token document matches a query exactly when the query emits that token."""
    params = analyzer_params()

    def probe(query: str) -> set[str]:
        return _matches(client, "probe_analyzer", params, PROBE_DOCS, query)

    # jieba keeps the decimal whole and splits the unit off ("23.51" "万件"), not "23" "51"
    assert probe("23.51万件") == {"23.51万件", "23.51", "万件"}
    # a percentage is one token: it matches neither "15.3" nor "%"
    assert probe("15.3%") == {"15.3%"}
    assert probe("建设工作站130家") >= {"130家", "130", "家"}
    assert probe("pct申请") == {"pct"}
    # stopwords and punctuation never make a match
    assert probe("的") == set()
    assert probe(",") == set()


def test_cncharonly_filter_would_drop_numbers(client) -> None:
    """Why the analyzer has no character-class filter: cncharonly loses every number and Latin word."""
    params = {"tokenizer": "jieba", "filter": ["cncharonly"]}
    assert _matches(client, "probe_cncharonly", params, PROBE_DOCS, "23.51万件") == {"23.51万件", "万件"}
    assert _matches(client, "probe_cncharonly", params, PROBE_DOCS, "15.3%") == set()


# ---------------------------------------------------------------------------------------- sync


def test_sync_is_idempotent_and_resumable(pipeline: Pipeline, settings: Settings, milvus_db: Path) -> None:
    own = settings.with_overrides(backend="milvus", milvus_uri=str(milvus_db), milvus_collection="sync_test")
    index = load_index(own, make_embedder(own))
    client = connect(own)
    first = sync_to_milvus(own, index, client=client)
    assert (first.upserted, first.deleted, first.skipped) == (len(index.chunks), 0, False)
    assert client.query(own.milvus_collection, filter='chunk_id != ""', output_fields=["count(*)"])[0]["count(*)"] == len(
        index.chunks
    )
    assert read_marker(client, own)["build"] == index.name

    second = sync_to_milvus(own, index, client=client)
    assert (second.upserted, second.deleted, second.skipped) == (0, 0, True)

    # an interrupted sync: some rows missing, a stray row from an older build, no marker yet
    lost = [c.chunk_id for c in index.chunks[:7]]
    client.delete(own.milvus_collection, ids=lost)
    client.delete(meta_collection(own), ids=[own.milvus_collection])
    stray = dict(client.query(own.milvus_collection, filter=f'chunk_id == "{index.chunks[9].chunk_id}"',
                              output_fields=["*"])[0])
    stray.pop("sparse", None)
    stray["chunk_id"] = "removed-doc#0000"
    client.insert(own.milvus_collection, [stray])
    third = sync_to_milvus(own, index, client=client)
    assert (third.upserted, third.deleted, third.skipped) == (7, 1, False)
    ids = {r["chunk_id"] for r in client.query(own.milvus_collection, filter='chunk_id != ""',
                                                output_fields=["chunk_id"], limit=16384)}
    assert ids == {c.chunk_id for c in index.chunks}
    assert sync_to_milvus(own, index, client=client).skipped


def test_new_build_pushes_only_changed_chunks(corpus_copy: Path, tmp_path: Path) -> None:
    own = make_settings(corpus_copy, tmp_path / "index", backend="milvus", milvus_uri=str(tmp_path / "m.db"))
    embedder = make_embedder(own)
    build_index(own, embedder)
    first = sync_to_milvus(own, load_index(own, embedder))
    build_index(own, embedder)  # same corpus, new build name: nothing to push
    again = sync_to_milvus(own, load_index(own, embedder))
    assert first.upserted > 0 and (again.upserted, again.deleted, again.skipped) == (0, 0, False)

    victim = corpus_copy / "sz-ip-protection-stations-2023.txt"
    victim.unlink()
    build_index(own, embedder)
    index = load_index(own, embedder)
    shrunk = sync_to_milvus(own, index)
    assert shrunk.upserted == 0 and shrunk.deleted == first.chunks - len(index.chunks) > 0


def test_relative_uri_lives_beside_the_index(settings: Settings) -> None:
    own = settings.with_overrides(milvus_uri="index/milvus.db")
    assert resolve_uri(own) == str(settings.index_dir.parent / "index" / "milvus.db")
    assert resolve_uri(settings.with_overrides(milvus_uri="http://milvus:19530")) == "http://milvus:19530"
    with pytest.raises(MilvusUnavailable, match=r"\.db"):
        resolve_uri(settings.with_overrides(milvus_uri="/tmp/milvus.sqlite"))


# ------------------------------------------------------------------------------------ retrieval


@pytest.mark.parametrize("question, needle", SEEDS.items())
@pytest.mark.parametrize("retriever", [RetrieverName.hybrid, RetrieverName.bm25])
def test_answer_bearing_passage_is_retrieved(milvus_pipeline: Pipeline, question: str, needle: str, retriever) -> None:
    passages = milvus_pipeline.search(question, retriever, ANSWER_POOL).passages
    assert any(needle in p.text for p in passages), [p.chunk_id for p in passages]


@pytest.mark.parametrize("question", SEEDS)
def test_dense_on_milvus_equals_faiss(milvus_pipeline: Pipeline, pipeline: Pipeline, question: str) -> None:
    """Same stored vectors, exact search on both sides: the same chunks in the same order."""
    ours = milvus_pipeline.search(question, RetrieverName.dense, 10).passages
    faiss = pipeline.search(question, RetrieverName.dense, 10).passages
    assert [p.chunk_id for p in ours] == [p.chunk_id for p in faiss]
    assert [p.score for p in ours] == pytest.approx([p.score for p in faiss], abs=1e-4)


@pytest.mark.parametrize("question", SEEDS)
def test_hybrid_passages_carry_ranks_and_milvus_rrf_scores(milvus_pipeline: Pipeline, question: str) -> None:
    k = milvus_pipeline.settings.rrf_k
    depth = milvus_pipeline.settings.candidates
    hybrid = milvus_pipeline.search(question, RetrieverName.hybrid, 10).passages
    bm25 = {p.chunk_id: p.rank for p in milvus_pipeline.search(question, RetrieverName.bm25, depth).passages}
    dense = {p.chunk_id: p.rank for p in milvus_pipeline.search(question, RetrieverName.dense, depth).passages}
    assert hybrid and any(p.bm25_rank and p.dense_rank for p in hybrid)
    for p in hybrid:
        assert (p.bm25_rank, p.dense_rank) == (bm25.get(p.chunk_id), dense.get(p.chunk_id))
        expected = sum(1.0 / (k + r) for r in (p.bm25_rank, p.dense_rank) if r)
        assert p.score == pytest.approx(expected, abs=1e-5)
    assert [p.rank for p in hybrid] == list(range(1, len(hybrid) + 1))
    assert [p.score for p in hybrid] == sorted((p.score for p in hybrid), reverse=True)


def test_passages_have_the_local_shape(milvus_pipeline: Pipeline) -> None:
    passages = milvus_pipeline.search("知识产权保护工作站", RetrieverName.hybrid, 5).passages
    assert len(passages) == 5
    for p in passages:
        doc = milvus_pipeline.documents[p.doc_id]
        assert doc.text[p.start : p.end] == p.text and p.title == doc.title
        assert milvus_pipeline.index.chunks[p.row].chunk_id == p.chunk_id


def test_stopword_only_query_gives_dense_results_only(milvus_pipeline: Pipeline) -> None:
    assert milvus_pipeline.search("的了吗", RetrieverName.bm25, 5).passages == []
    hybrid = milvus_pipeline.search("的了吗", RetrieverName.hybrid, 5).passages
    assert hybrid and all(p.bm25_rank is None and p.dense_rank for p in hybrid)


@pytest.mark.parametrize("question", SEEDS)
def test_ask_over_milvus_answers_like_embedded(milvus_pipeline: Pipeline, pipeline: Pipeline, question: str) -> None:
    """Dense pools are identical on both backends (same vectors), so the answers must be too."""
    ours = milvus_pipeline.ask(question, retriever=RetrieverName.dense)
    theirs = pipeline.ask(question, retriever=RetrieverName.dense)
    assert (ours.answer, ours.abstained) == (theirs.answer, theirs.abstained)
    assert [(c.doc_id, c.start, c.end) for c in ours.citations] == [(c.doc_id, c.start, c.end) for c in theirs.citations]
    assert ours.passages and all(p.dense_rank for p in ours.passages)


@pytest.mark.parametrize("question, needle", SEEDS.items())
def test_hybrid_ask_over_milvus_finds_the_answer(milvus_pipeline: Pipeline, question: str, needle: str) -> None:
    result = milvus_pipeline.ask(question)
    assert result.answer is not None and needle in result.answer, (result.answer, result.reason)
    assert any(needle in milvus_pipeline.documents[c.doc_id].text[c.start : c.end] for c in result.citations)


def test_unreachable_cluster_is_a_clear_error(settings: Settings) -> None:
    own = settings.with_overrides(backend="milvus", milvus_uri="http://127.0.0.1:9", milvus_token="x")
    with pytest.raises(MilvusUnavailable, match="QA_MILVUS_URI"):
        Pipeline.load(own)


# ------------------------------------------------------------------------------------- e5-small


@pytest.fixture(scope="session")
def e5_milvus_pipeline(e5_pipeline: Pipeline, e5_settings: Settings, milvus_db: Path) -> Pipeline:
    return Pipeline.load(e5_settings.with_overrides(backend="milvus", milvus_uri=str(milvus_db), milvus_collection="seed_e5"))


@pytest.mark.slow
@pytest.mark.parametrize("question, needle", SEEDS.items())
def test_e5_on_milvus_retrieves_like_faiss(e5_milvus_pipeline: Pipeline, e5_pipeline: Pipeline, question: str, needle: str) -> None:
    hybrid = e5_milvus_pipeline.search(question, RetrieverName.hybrid, 5).passages
    assert any(needle in p.text for p in hybrid), [p.chunk_id for p in hybrid]
    dense = [p.chunk_id for p in e5_milvus_pipeline.search(question, RetrieverName.dense, 5).passages]
    assert dense == [p.chunk_id for p in e5_pipeline.search(question, RetrieverName.dense, 5).passages]


@pytest.mark.slow
@pytest.mark.parametrize("question", SEEDS)
def test_e5_ask_over_milvus_answers_like_embedded(e5_milvus_pipeline: Pipeline, e5_pipeline: Pipeline, question: str) -> None:
    ours, theirs = e5_milvus_pipeline.ask(question), e5_pipeline.ask(question)
    assert (ours.answer, ours.abstained) == (theirs.answer, theirs.abstained)
    assert [(c.doc_id, c.start, c.end) for c in ours.citations] == [(c.doc_id, c.start, c.end) for c in theirs.citations]
