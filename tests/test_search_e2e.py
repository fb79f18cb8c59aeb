"""End to end retrieval with the real e5-small model: the answer-bearing passage is in the hybrid
top 5 for questions in either script, through the pipeline and through `qa search --json`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qa.cli.main import cli
from qa.pipeline import Pipeline
from qa.settings import RetrieverName, Settings

pytestmark = pytest.mark.slow

CASES = [
    ("深圳建设了多少家知识产权保护工作站", "130家", "sz-ip-protection-stations-2023"),
    ("亳州有效发明专利量是多少", "3721件", "bozhou-ip-press-conference-2023"),
    ("深圳知识产权证券化产品发行规模", "100.46億元", "sz-invention-patents-per-10k-2022"),
    ("深圳知識產權保護中心主任是誰", "宋洋", "sz-invention-patents-per-10k-2022"),
    ("2024年深圳查办知识产权行政案件多少宗", "1796宗", "gd-ip-top10-events-2024"),
    ("第二十四届中国专利奖深圳金奖", "金奖5项", "sz-ip-protection-stations-2023"),
]
PASSAGE_KEYS = {"rank", "chunk_id", "doc_id", "title", "text", "score", "bm25_rank", "dense_rank"}


@pytest.mark.parametrize(("query", "answer", "doc_id"), CASES, ids=[c[1] for c in CASES])
def test_hybrid_top5_has_the_answer(e5_pipeline: Pipeline, query: str, answer: str, doc_id: str) -> None:
    result = e5_pipeline.search(query, RetrieverName.hybrid, top_k=5)
    assert [p.rank for p in result.passages] == [1, 2, 3, 4, 5]
    hits = [p for p in result.passages if answer in p.text]
    assert hits, f"{answer} not in the top 5 for {query}: {[p.chunk_id for p in result.passages]}"
    assert hits[0].doc_id == doc_id
    document = e5_pipeline.documents[doc_id]
    assert document.text[hits[0].start : hits[0].end] == hits[0].text
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)


def test_hybrid_passages_report_both_ranks(e5_pipeline: Pipeline) -> None:
    passages = e5_pipeline.search("亳州有效发明专利量是多少", RetrieverName.hybrid, top_k=5).passages
    assert any(p.bm25_rank is not None and p.dense_rank is not None for p in passages)
    bm25 = e5_pipeline.search("亳州有效发明专利量是多少", RetrieverName.bm25, top_k=5).passages
    dense = e5_pipeline.search("亳州有效发明专利量是多少", RetrieverName.dense, top_k=5).passages
    assert all(p.dense_rank is None and p.bm25_rank == p.rank for p in bm25)
    assert all(p.bm25_rank is None and p.dense_rank == p.rank for p in dense)


def _qa(settings: Settings, *args: str):
    base = ["--corpus-dir", str(settings.corpus_dir), "--index-dir", str(settings.index_dir)]
    base += ["--embedder", settings.embedder.value, "--no-progress", "--log-level", "WARNING"]
    return CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)


def test_cli_search_json_shape(e5_pipeline: Pipeline, e5_settings: Settings) -> None:
    query, answer, doc_id = CASES[4]
    result = _qa(e5_settings, "search", query, "--json", "--retriever", "hybrid", "--top-k", "5")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"query", "passages"}
    assert payload["query"] == query
    assert len(payload["passages"]) == 5
    for rank, passage in enumerate(payload["passages"], start=1):
        assert set(passage) == PASSAGE_KEYS
        assert passage["rank"] == rank
        assert isinstance(passage["score"], float)
        assert passage["bm25_rank"] is None or isinstance(passage["bm25_rank"], int)
        assert passage["dense_rank"] is None or isinstance(passage["dense_rank"], int)
        assert passage["title"] == e5_pipeline.documents[passage["doc_id"]].title
    assert any(answer in p["text"] and p["doc_id"] == doc_id for p in payload["passages"])
    # the CLI prints exactly what the pipeline returns
    same = e5_pipeline.search(query, RetrieverName.hybrid, top_k=5).passages
    assert [p["chunk_id"] for p in payload["passages"]] == [p.chunk_id for p in same]


def test_cli_search_plain_text(e5_pipeline: Pipeline, e5_settings: Settings) -> None:
    result = _qa(e5_settings, "search", "深圳知識產權保護中心主任是誰", "--top-k", "3")
    assert result.exit_code == 0, result.output
    assert "[1] " in result.stdout and "宋洋" in result.stdout
    assert "[4] " not in result.stdout


def test_cli_search_empty_query_is_a_usage_error(e5_settings: Settings) -> None:
    result = _qa(e5_settings, "search", "  ")
    assert result.exit_code == 2
    assert "the query is empty" in result.output
