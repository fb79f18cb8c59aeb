"""One contract, two interfaces: `qa ask --json` / `qa search --json` print exactly what
POST /ask / POST /search answer, for the same index and settings."""

from __future__ import annotations

import json
from typing import Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api import create_app
from qa.contract import AskResponse, SearchResponse
from qa.cli.main import cli
from qa.pipeline import Pipeline
from qa.settings import Settings

QUESTIONS = [
    "深圳建设了多少家知识产权保护工作站",
    "2023年深圳PCT国际专利申请量连续多少年居全国首位?",
    "深圳每万人口高价值发明专利拥有量是多少",
    "亳州市知识产权新闻发布会由谁主持",
    "北京2025年的专利授权量是多少",
]


@pytest.fixture(scope="module")
def client(settings: Settings, pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(settings, pipeline)) as test_client:
        yield test_client


def run_cli(settings: Settings, *args: str) -> dict:
    global_options = [
        "--corpus-dir", str(settings.corpus_dir),
        "--index-dir", str(settings.index_dir),
        "--embedder", settings.embedder.value,
        "--reader", settings.reader.value,
        "--no-progress",
    ]
    result = CliRunner().invoke(cli, [*global_options, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_json_equals_http(settings: Settings, client: TestClient, question: str) -> None:
    from_cli = run_cli(settings, "ask", question, "--json")
    response = client.post("/ask", json={"question": question})
    assert response.status_code == 200
    assert response.json() == from_cli
    AskResponse.model_validate(from_cli)
    assert from_cli["question"] == question


@pytest.mark.parametrize("retriever", ["hybrid", "bm25", "dense"])
def test_ask_options_agree(settings: Settings, client: TestClient, retriever: str) -> None:
    question = QUESTIONS[0]
    from_cli = run_cli(settings, "ask", question, "--json", "--retriever", retriever, "--top-k", "3")
    from_http = client.post("/ask", json={"question": question, "retriever": retriever, "top_k": 3}).json()
    assert from_http == from_cli
    assert len(from_cli["passages"]) == 3


@pytest.mark.parametrize("retriever", ["hybrid", "bm25", "dense"])
@pytest.mark.parametrize("query", ["知识产权保护工作站", "PCT国际专利申请量", "十大事件"])
def test_search_json_equals_http(settings: Settings, client: TestClient, query: str, retriever: str) -> None:
    from_cli = run_cli(settings, "search", query, "--json", "--retriever", retriever, "--top-k", "4")
    response = client.post("/search", json={"query": query, "retriever": retriever, "top_k": 4})
    assert response.status_code == 200
    assert response.json() == from_cli
    SearchResponse.model_validate(from_cli)
    assert len(from_cli["passages"]) == 4


def test_routes_declare_the_contract_models(client: TestClient) -> None:
    """The response models are declared on the routes (response_model=), so the OpenAPI document
    names them as the 200 of each route."""
    paths = client.get("/openapi.json").json()["paths"]
    for path, method, model in [("/ask", "post", "AskResponse"), ("/search", "post", "SearchResponse"),
                                ("/documents", "get", "DocumentList"), ("/documents/{doc_id}", "get", "DocumentDetail")]:
        schema = paths[path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/" + model)


def test_the_contract_rounds_any_real_confidence_to_four_places() -> None:
    import numpy as np

    from qa.contract import payload
    from qa.types import AskResult

    for value, shown in [(np.float32(0.12345678), 0.1235), (0.98765432, 0.9877), (1, 1.0)]:
        result = AskResult("问", "问", None, True, "no evidence", value, None, None, [], [])
        assert payload(AskResponse.from_result(result))["confidence"] == shown


def test_one_shot_commands_load_models_only_when_used(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qa ask` / `qa search` answer with the same payload without warming the pipeline up first:
    a model loads when a question needs it, so a cold start does not pay for what it does not use."""
    loads: list[dict] = []
    real = Pipeline.load.__func__

    def spy(cls, *args, **kwargs):
        loads.append(kwargs)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "load", classmethod(spy))
    run_cli(settings, "ask", QUESTIONS[0], "--json")
    run_cli(settings, "search", QUESTIONS[0], "--json")
    assert [k.get("warm_up") for k in loads] == [False, False]
