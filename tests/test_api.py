"""The HTTP service: every route, every refusal (status, a message naming the problem, no traceback),
keys, CORS, body limits, the time budget and the admin reload. Fast: the hashing pipeline."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from api import create_app
from api.schemas import HealthResponse
from qa.contract import AskResponse, DocumentDetail, DocumentList, SearchResponse, payload
from qa.index_store import IndexStale
from qa.pipeline import Pipeline
from qa.settings import RetrieverName, Settings
from qa.types import Turn

from conftest import CORPUS_DIR, make_settings

STATIONS_DOC = "sz-ip-protection-stations-2023"
QUESTION = "深圳建设了多少家知识产权保护工作站"


@pytest.fixture(scope="module")
def client(settings: Settings, pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(settings, pipeline), raise_server_exceptions=False) as test_client:
        yield test_client


def make_client(settings: Settings, pipeline: Any) -> TestClient:
    return TestClient(create_app(settings, pipeline), raise_server_exceptions=False)


def assert_error(response: Any, status: int, *words: str) -> dict:
    """A JSON error body with a message naming the problem, and nothing internal."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    for word in words:
        assert word in error["message"], f"{word!r} not in {error['message']!r}"
    for leak in ("Traceback", 'File "', "/work/", "site-packages", "Exception"):
        assert leak not in response.text
    return error


class Wrapped:
    """The real pipeline, except for what a test replaces."""

    def __init__(self, real: Pipeline, **replacements: Any) -> None:
        self._real = real
        self.__dict__.update(replacements)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


# ------------------------------------------------------------------------------------------ routes


def test_ask_returns_the_pipeline_payload(client: TestClient, pipeline: Pipeline) -> None:
    response = client.post("/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    AskResponse.model_validate(body)
    assert set(body) == set(AskResponse.model_fields)
    assert body == payload(AskResponse.from_result(pipeline.ask(QUESTION)))
    assert body["question"] == QUESTION
    assert len(body["passages"]) == pipeline.settings.top_k
    assert body["passages"][0]["doc_id"] == STATIONS_DOC


def test_ask_citations_index_the_document_text(client: TestClient, pipeline: Pipeline) -> None:
    body = client.post("/ask", json={"question": QUESTION, "top_k": 3}).json()
    for citation in body["citations"]:
        text = client.get(f"/documents/{citation['doc_id']}").json()["text"]
        assert text[citation["start"]:citation["end"]] == citation["quote"]


def test_ask_passes_history_top_k_and_retriever(client: TestClient, pipeline: Pipeline) -> None:
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "130家"}]
    request = {"question": "那覆盖多少家企业?", "history": history, "top_k": 2, "retriever": "bm25"}
    body = client.post("/ask", json=request).json()
    expected = pipeline.ask(
        "那覆盖多少家企业?", [Turn("user", QUESTION), Turn("assistant", "130家")], RetrieverName.bm25, 2
    )
    assert body == payload(AskResponse.from_result(expected))
    assert len(body["passages"]) == 2


def test_question_is_stripped_and_control_characters_removed(client: TestClient) -> None:
    body = client.post("/ask", json={"question": "  深圳\x00知识产权\x07保护工作站\r\n "}).json()
    assert body["question"] == "深圳知识产权保护工作站"


@pytest.mark.parametrize("retriever", ["hybrid", "bm25", "dense"])
def test_search_each_retriever(client: TestClient, pipeline: Pipeline, retriever: str) -> None:
    response = client.post("/search", json={"query": "知识产权保护工作站", "top_k": 4, "retriever": retriever})
    assert response.status_code == 200
    body = response.json()
    SearchResponse.model_validate(body)
    assert body == payload(SearchResponse.from_result(pipeline.search("知识产权保护工作站", RetrieverName(retriever), 4)))
    assert len(body["passages"]) == 4
    assert [p["rank"] for p in body["passages"]] == [1, 2, 3, 4]


def test_search_finds_the_stations_document(client: TestClient) -> None:
    body = client.post("/search", json={"query": QUESTION, "retriever": "bm25"}).json()
    assert body["query"] == QUESTION
    assert body["passages"][0]["doc_id"] == STATIONS_DOC


def test_documents_list_and_detail(client: TestClient, pipeline: Pipeline) -> None:
    listing = client.get("/documents").json()
    DocumentList.model_validate(listing)
    ids = [d["doc_id"] for d in listing["documents"]]
    assert ids == sorted(pipeline.documents)
    assert all("text" not in d for d in listing["documents"])
    detail = client.get(f"/documents/{STATIONS_DOC}").json()
    DocumentDetail.model_validate(detail)
    assert detail["text"] == pipeline.documents[STATIONS_DOC].text
    assert detail["chars"] == len(detail["text"])


def test_health_summarizes_the_index(client: TestClient, pipeline: Pipeline) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    HealthResponse.model_validate(body)
    assert body["status"] == "ok"
    assert body["documents"] == len(pipeline.documents) == 5
    assert body["chunks"] == len(pipeline.index.chunks)
    assert body["index"]["build"] == pipeline.index.name
    assert body["index"]["embedder"].startswith("hashing")
    assert body["index"]["corpus_fingerprint"] == pipeline.index.manifest["corpus"]["fingerprint"]
    assert body["index"]["counts"]["chunks"] == body["chunks"]
    assert str(pipeline.settings.corpus_dir) not in response.text  # no server paths


def test_openapi_documents_routes_and_bounds(client: TestClient, settings: Settings) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/ask", "/search", "/documents", "/documents/{doc_id}", "/health"):
        assert path in spec["paths"]
    assert "/admin/reload" not in spec["paths"]  # disabled (no admin key): not advertised
    schemas = spec["components"]["schemas"]
    question = schemas["AskRequest"]["properties"]["question"]
    assert question["maxLength"] == settings.max_question_chars
    assert question["minLength"] == 1
    assert schemas["AskRequest"]["required"] == ["question"]
    assert "AskResponse" in schemas


def test_chat_page_and_static_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/static/app.js" in page.text and "知识产权" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    script = client.get("/static/app.js")
    assert script.status_code == 200
    # the page inserts question and document text as text, never as markup
    assert not re.search(r"\.(inner|outer)HTML\s*\+?=|insertAdjacentHTML\(|document\.write\(|eval\(", script.text)
    assert client.get("/static/style.css").status_code == 200
    assert "http://" not in page.text and "https://" not in page.text  # no CDN


# ------------------------------------------------------------------------------------------ errors


def test_malformed_json(client: TestClient) -> None:
    response = client.post("/ask", content=b'{"question": "x"', headers={"content-type": "application/json"})
    assert_error(response, 400, "not valid JSON")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, ["question", "required"]),
        ({"question": 42}, ["question", "string"]),
        ({"question": ""}, ["question", "empty"]),
        ({"question": "   \n\t "}, ["question", "empty"]),
        ({"question": "\x00\x01\x1b"}, ["question", "empty"]),
        ({"question": "问" * 501}, ["question", "too long", "500"]),
        ({"question": "\x01" + "问" * 500}, ["question", "too long", "500"]),  # bounds apply to the text as sent
        ({"question": "深圳", "top_k": 0}, ["top_k", "greater than or equal to 1"]),
        ({"question": "深圳", "top_k": 51}, ["top_k", "less than or equal to 50"]),
        ({"question": "深圳", "top_k": "5"}, ["top_k", "integer"]),
        ({"question": "深圳", "top_k": 2.5}, ["top_k", "integer"]),
        ({"question": "深圳", "retriever": "magic"}, ["retriever", "hybrid", "bm25", "dense"]),
        ({"question": "深圳", "history": "earlier"}, ["history", "list"]),
        ({"question": "深圳", "history": [{"role": "bot", "content": "x"}]}, ["history[0].role", "user"]),
        ({"question": "深圳", "history": [{"role": "user"}]}, ["history[0].content", "required"]),
        ({"question": "深圳", "history": [{"role": "user", "content": 3}]}, ["history[0].content", "string"]),
        ({"question": "深圳", "history": [{"role": "user", "content": "x"}] * 21}, ["history", "too many", "20"]),
        (
            {"question": "深圳", "history": [{"role": "user", "content": "x" * 1500}, {"role": "assistant", "content": "y" * 1500}]},
            ["history", "3000", "2000"],
        ),
        ({"question": "深圳", "topk": 3}, ["topk", "not a known field"]),
        (["深圳"], ["JSON object"]),
    ],
)
def test_ask_rejects_bad_requests(client: TestClient, body: Any, words: list[str]) -> None:
    error = assert_error(client.post("/ask", json=body), 422, *words)
    assert error["code"] == "invalid_request"
    assert error["details"] and all({"field", "problem"} <= set(d) for d in error["details"])


def test_search_needs_query_not_question(client: TestClient) -> None:
    assert_error(client.post("/search", json={"question": "深圳"}), 422, "query", "required")
    assert_error(client.post("/search", json={"query": " "}), 422, "query", "empty")


def test_form_encoded_body_is_refused(client: TestClient) -> None:
    response = client.post("/ask", data={"question": "深圳"})
    assert_error(response, 422, "JSON object")


def test_missing_body(client: TestClient) -> None:
    assert_error(client.post("/ask"), 422, "required")


def test_body_over_the_limit_by_content_length(client: TestClient, settings: Settings) -> None:
    body = b'{"question": "' + b"a" * settings.max_body_bytes + b'"}'
    response = client.post("/ask", content=body, headers={"content-type": "application/json"})
    assert_error(response, 413, str(settings.max_body_bytes))


def test_body_over_the_limit_when_streamed(client: TestClient, settings: Settings) -> None:
    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length to trust
        yield b'{"question": "'
        for _ in range(settings.max_body_bytes // 1024 + 2):
            yield b"a" * 1024
        yield b'"}'

    response = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "larger than")


def test_unknown_and_invalid_documents(client: TestClient) -> None:
    assert_error(client.get("/documents/no-such-doc"), 404, "no-such-doc", "GET /documents")
    assert_error(client.get("/documents/.hidden"), 422, "document id")
    assert_error(client.get("/documents/a..b"), 404, "no document")  # fits the pattern, never a valid id
    for path in ("/documents/..%2F..%2Fetc%2Fpasswd", "/documents/%2e%2e", "/documents/../pyproject.toml"):
        response = client.get(path)
        assert response.status_code in (404, 422), path
        assert "root:" not in response.text and "[project]" not in response.text


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_error(client.get("/nothing-here"), 404, "/nothing-here")
    assert_error(client.get("/ask"), 405, "GET")


def test_unexpected_error_is_a_generic_500(settings: Settings, pipeline: Pipeline, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret detail at /srv/private/path")

    with make_client(settings, Wrapped(pipeline, ask=broken)) as test_client, caplog.at_level(logging.ERROR):
        response = test_client.post("/ask", json={"question": "深圳"})
    error = assert_error(response, 500, "internal error")
    assert "secret" not in response.text and "/srv/private" not in response.text
    assert error["code"] == "internal_error"
    assert any("secret detail" in (r.exc_text or "") or r.exc_info for r in caplog.records)  # logged


def test_index_problem_is_a_503_without_paths(settings: Settings, pipeline: Pipeline) -> None:
    def stale(*args: Any, **kwargs: Any) -> None:
        raise IndexStale("index /srv/index/builds/x is stale: run `qa index`")

    with make_client(settings, Wrapped(pipeline, search=stale)) as test_client:
        response = test_client.post("/search", json={"query": "深圳"})
    assert_error(response, 503, "rebuild")
    assert "/srv/index" not in response.text


def test_unreachable_milvus_is_a_503_that_says_so(settings: Settings, pipeline: Pipeline) -> None:
    from qa.milvus_backend import MilvusUnavailable

    def down(*args: Any, **kwargs: Any) -> None:
        raise MilvusUnavailable("cannot connect to Milvus at http://10.0.0.5:19530 (refused)")

    with make_client(settings, Wrapped(pipeline, ask=down)) as test_client:
        response = test_client.post("/ask", json={"question": "深圳"})
    assert_error(response, 503, "Milvus server cannot be reached")
    assert "10.0.0.5" not in response.text


def test_slow_answer_hits_the_time_budget(settings: Settings, pipeline: Pipeline) -> None:
    def slow(*args: Any, **kwargs: Any) -> None:
        time.sleep(1.5)

    quick = settings.with_overrides(request_timeout_s=0.2)
    with make_client(quick, Wrapped(pipeline, settings=quick, ask=slow)) as test_client:
        started = time.monotonic()
        response = test_client.post("/ask", json={"question": "深圳"})
        waited = time.monotonic() - started
    error = assert_error(response, 504, "0.2s", "try again")
    assert error["code"] == "timeout"
    assert waited < 1.4  # answered at the budget, not when the work finished


# -------------------------------------------------------------------------------------- security


def test_api_key_guards_data_routes_only(settings: Settings, pipeline: Pipeline) -> None:
    keyed = settings.with_overrides(api_key="s3cret-key")
    with make_client(keyed, pipeline) as test_client:
        assert_error(test_client.post("/ask", json={"question": "深圳"}), 401, "X-API-Key")
        assert_error(test_client.post("/search", json={"query": "深圳"}), 401, "X-API-Key")
        assert_error(test_client.get("/documents"), 401, "X-API-Key")
        wrong = test_client.get(f"/documents/{STATIONS_DOC}", headers={"X-API-Key": "guess"})
        assert_error(wrong, 401, "wrong")
        assert "s3cret" not in wrong.text
        good = {"X-API-Key": "s3cret-key"}
        assert test_client.post("/ask", json={"question": "深圳"}, headers=good).status_code == 200
        assert test_client.get("/documents", headers=good).status_code == 200
        assert test_client.get("/health").status_code == 200
        assert test_client.get("/").status_code == 200


def test_cors_is_off_by_default(client: TestClient) -> None:
    response = client.options(
        "/ask", headers={"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in response.headers
    response = client.get("/health", headers={"Origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_for_configured_origins(settings: Settings, pipeline: Pipeline) -> None:
    cors = settings.with_overrides(cors_origins=["http://app.example"])
    with make_client(cors, pipeline) as test_client:
        allowed = test_client.get("/health", headers={"Origin": "http://app.example"})
        assert allowed.headers["access-control-allow-origin"] == "http://app.example"
        other = test_client.get("/health", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_access_log_leaves_bodies_out_unless_asked(
    settings: Settings, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "深圳保密问题"
    for log_bodies in (False, True):
        caplog.clear()
        configured = settings.with_overrides(log_request_bodies=log_bodies)
        with make_client(configured, pipeline) as test_client, caplog.at_level(logging.INFO, logger="api.access"):
            test_client.post("/ask", json={"question": marker})
        access = [r.getMessage() for r in caplog.records if r.name == "api.access"]
        assert any("POST /ask" in line and " 200 " in line for line in access)
        assert any(marker in line for line in access) is log_bodies


# ------------------------------------------------------------------------------------------- admin


@pytest.fixture(scope="module")
def own_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """A pipeline over its own index directory, so reloads and rebuilds touch nothing shared."""
    return Pipeline.load(make_settings(CORPUS_DIR, tmp_path_factory.mktemp("index-admin"), admin_key="adm1n"))


def test_admin_reload_is_absent_without_an_admin_key(client: TestClient) -> None:
    assert_error(client.post("/admin/reload", headers={"X-Admin-Key": "anything"}), 404, "disabled")


def test_admin_reload_needs_the_key(own_pipeline: Pipeline) -> None:
    with make_client(own_pipeline.settings, own_pipeline) as test_client:
        assert_error(test_client.post("/admin/reload"), 401, "X-Admin-Key")
        wrong = test_client.post("/admin/reload", headers={"X-Admin-Key": "nope"})
        assert_error(wrong, 403, "wrong")
        assert "adm1n" not in wrong.text


def test_admin_reload_and_rebuild_swap_the_index(own_pipeline: Pipeline) -> None:
    key = {"X-Admin-Key": "adm1n"}
    with make_client(own_pipeline.settings, own_pipeline) as test_client:
        before = own_pipeline.index.name
        response = test_client.post("/admin/reload", headers=key)
        assert response.status_code == 200
        assert response.json()["index"]["build"] == before
        assert response.json()["rebuilt"] is False

        response = test_client.post("/admin/reload", json={"rebuild": True}, headers=key)
        assert response.status_code == 200, response.text
        after = response.json()["index"]["build"]
        assert after != before and response.json()["rebuilt"] is True
        assert test_client.get("/health").json()["index"]["build"] == after
        assert test_client.post("/ask", json={"question": QUESTION}).status_code == 200

        assert_error(test_client.post("/admin/reload", json={"rebuild": "yes"}, headers=key), 422, "rebuild")


def test_reload_keeps_serving_when_the_index_is_broken(own_pipeline: Pipeline) -> None:
    with make_client(own_pipeline.settings, Wrapped(own_pipeline, reload=_missing)) as test_client:
        response = test_client.post("/admin/reload", headers={"X-Admin-Key": "adm1n"})
        assert_error(response, 503, "qa index")
        assert "/srv/secret" not in response.text
        assert test_client.post("/ask", json={"question": QUESTION}).status_code == 200


def _missing() -> None:
    from qa.index_store import IndexMissing

    raise IndexMissing("no index in /srv/secret/index: run `qa index`")


# ------------------------------------------------------------------------------- factory and serve


def test_factory_loads_the_pipeline_in_the_lifespan(settings: Settings, pipeline: Pipeline) -> None:
    app = create_app(settings)
    assert app.state.pipeline is None  # nothing loaded when the app is built
    with TestClient(app) as test_client:
        assert isinstance(app.state.pipeline, Pipeline)
        assert test_client.get("/health").json()["index"]["build"] == pipeline.index.name


def test_qa_serve_runs_uvicorn_with_the_app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from click.testing import CliRunner

    from qa.cli.main import cli

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    options = ["--corpus-dir", str(settings.corpus_dir), "--index-dir", str(settings.index_dir),
               "--embedder", "hashing", "--no-progress"]
    result = CliRunner().invoke(cli, [*options, "serve", "--port", "8123", "--no-rebuild-stale"])
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)
    assert call["app"].state.pipeline.index.name == Pipeline.load(settings).index.name


def test_qa_serve_refuses_a_stale_index_with_a_message(corpus_copy: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from click.testing import CliRunner

    from qa.cli.main import cli

    Pipeline.load(make_settings(corpus_copy, tmp_path / "index"))
    (corpus_copy / "new-doc.txt").write_text("深圳新增知识产权保护工作站20家。", encoding="utf-8")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: pytest.fail("must not serve a stale index"))
    options = ["--corpus-dir", str(corpus_copy), "--index-dir", str(tmp_path / "index"), "--embedder", "hashing",
               "--no-progress"]
    result = CliRunner().invoke(cli, [*options, "serve", "--no-rebuild-stale"])
    assert result.exit_code == 1
    assert "qa index" in result.output and "Traceback" not in result.output
