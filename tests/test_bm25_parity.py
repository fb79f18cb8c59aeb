"""bm25s (the engine) against rank-bm25's BM25Plus (the reference oracle): same variant, same
parameters, same tokens -> the same scores and the same top-10."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Plus

from qa.bm25 import METHOD, BM25Index
from qa.chunking import chunk_document
from qa.documents import Corpus
from qa.normalize import normalize
from qa.settings import Settings
from qa.tokenize import tokenize_normalized

K1, B, DELTA = 1.5, 0.75, 1.0
RTOL = 1e-4

QUERIES = [
    "深圳建设了多少家知识产权保护工作站",
    "亳州有效发明专利量是多少",
    "深圳知识产权证券化产品发行规模",
    "深圳知識產權保護中心主任是誰",
    "2024年深圳查办知识产权行政案件多少宗",
    "第二十四届中国专利奖深圳金奖",
    "2023年深圳国内专利授权量",
    "每万人口高价值发明专利拥有量",
    "PCT国际专利申请量连续多少年居全国首位",
    "河套36条有多少项政策落地",
    "广东知识产权十大事件有哪些",
    "亳州商标注册申请量全省排名",
    "谁主持了亳州新闻发布会",
    "专利质押融资金额",
    "海外知识产权纠纷应对指导",
    "北京2025年商标注册量",  # mostly unknown words: partial matches only
]


def _tokens(text: str) -> list[str]:
    return tokenize_normalized(normalize(text))


@pytest.fixture(scope="module")
def corpus_tokens(seed_corpus: Corpus) -> list[list[str]]:
    chunks = [c for doc in seed_corpus.documents for c in chunk_document(doc)]
    return [_tokens(c.text) for c in chunks]


def _query(text: str) -> list[str]:
    # BM25Index counts each query token once; give the oracle the same deduplicated query
    return list(dict.fromkeys(_tokens(text)))


def _top10(scores: np.ndarray) -> list[int]:
    return sorted(range(len(scores)), key=lambda row: (-float(scores[row]), row))[:10]


def _assert_same(engine: BM25Index, oracle: BM25Plus, queries: list[list[str]]) -> None:
    for query in queries:
        ours = engine.scores(query).astype(np.float64)
        ref = np.asarray(oracle.get_scores(query), dtype=np.float64)
        assert ours.shape == ref.shape
        np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=1e-6, err_msg=" ".join(query))
        # the order, with ties broken by row; float32 rounding may only swap exact-tie neighbours
        assert _top10(ours) == _top10(ref) or np.allclose(
            np.sort(ours)[-10:], np.sort(ref)[-10:], rtol=RTOL
        ), query


def test_defaults_are_the_oracle_parameters() -> None:
    settings = Settings()
    assert METHOD == "bm25+"
    assert (settings.bm25_k1, settings.bm25_b, settings.bm25_delta) == (K1, B, DELTA)


def test_same_scores_as_rank_bm25_on_the_seed_corpus(corpus_tokens: list[list[str]]) -> None:
    assert len(corpus_tokens) > 40 and all(corpus_tokens)
    engine = BM25Index.build(corpus_tokens, K1, B, DELTA)
    oracle = BM25Plus(corpus_tokens, k1=K1, b=B, delta=DELTA)
    queries = [_query(q) for q in QUERIES]
    assert all(queries)
    _assert_same(engine, oracle, queries)


def test_top10_order_identical(corpus_tokens: list[list[str]]) -> None:
    engine = BM25Index.build(corpus_tokens, K1, B, DELTA)
    oracle = BM25Plus(corpus_tokens, k1=K1, b=B, delta=DELTA)
    for text in QUERIES:
        query = _query(text)
        ref = np.asarray(oracle.get_scores(query))
        ours = engine.scores(query)
        assert _top10(ours) == _top10(ref), text


def test_search_ranks_matching_rows_like_the_oracle(corpus_tokens: list[list[str]]) -> None:
    engine = BM25Index.build(corpus_tokens, K1, B, DELTA)
    oracle = BM25Plus(corpus_tokens, k1=K1, b=B, delta=DELTA)
    for text in QUERIES:
        query = _query(text)
        ref = np.asarray(oracle.get_scores(query))
        matching = [row for row, tokens in enumerate(corpus_tokens) if set(tokens) & set(query)]
        expected = sorted(matching, key=lambda row: (-float(ref[row]), row))[:10]
        hits = engine.search(query, 10)
        assert [row for row, _ in hits] == expected, text
        for row, score in hits:
            assert score == pytest.approx(ref[row], rel=RTOL)


def test_parity_with_empty_chunks_and_repeated_tokens(corpus_tokens: list[list[str]]) -> None:
    """A chunk with no tokens (all punctuation or stopwords) has length 0 in both engines."""
    tokens = corpus_tokens[:20] + [[], ["深圳", "深圳", "深圳"], [], [], []] + corpus_tokens[20:30] + [[]]
    engine = BM25Index.build(tokens, K1, B, DELTA)
    oracle = BM25Plus(tokens, k1=K1, b=B, delta=DELTA)
    assert engine.size == len(tokens)
    _assert_same(engine, oracle, [_query(q) for q in QUERIES])


def test_repeated_query_tokens_counted_once(corpus_tokens: list[list[str]]) -> None:
    engine = BM25Index.build(corpus_tokens, K1, B, DELTA)
    query = _query("知识产权保护工作站")
    np.testing.assert_allclose(engine.scores(query + query), engine.scores(query))


def test_unknown_and_empty_tokens_score_nothing(corpus_tokens: list[list[str]]) -> None:
    engine = BM25Index.build(corpus_tokens + [[]], K1, B, DELTA)
    assert not engine.scores(["没有这个词xyz", ""]).any()
    assert engine.search(["没有这个词xyz", ""], 5) == []


def test_all_empty_corpus() -> None:
    engine = BM25Index.build([[], []], K1, B, DELTA)
    assert engine.size == 2
    assert engine.search(["深圳"], 5) == []


def test_saved_index_scores_the_same(corpus_tokens: list[list[str]], tmp_path: Path) -> None:
    engine = BM25Index.build(corpus_tokens + [[]], K1, B, DELTA)
    engine.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    for text in QUERIES:
        query = _query(text)
        np.testing.assert_array_equal(loaded.scores(query), engine.scores(query))
        assert loaded.search(query, 10) == engine.search(query, 10)
