"""Bad requests: property tests (hypothesis) and schema-driven fuzzing (schemathesis) against the
ASGI app. Whatever arrives, the answer is a 200 with a normal payload or a 4xx with a JSON error
that says what is wrong; never a 5xx, never a traceback or a server path in the body."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from _reliability import record
from api import create_app
from qa.contract import AskResponse, SearchResponse
from qa.settings import PROJECT_ROOT

MAX_EXAMPLES = 150
FUZZ = hsettings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

STATS: Counter[str] = Counter()


@pytest.fixture(scope="module")
def client(pipeline):
    app = create_app(pipeline.settings, pipeline)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    record(
        "api",
        "hypothesis property tests",
        "no 5xx, every error a JSON {error: {code, message}}",
        requests=sum(v for k, v in STATS.items() if k.startswith("status:")),
        statuses={k[7:]: v for k, v in sorted(STATS.items()) if k.startswith("status:")},
        examples=STATS["examples"],
    )


def forbidden_fragments(pipeline) -> list[str]:
    s = pipeline.settings
    return ["Traceback", 'File "', "site-packages", str(PROJECT_ROOT), str(s.index_dir), str(s.corpus_dir)]


def check(response, pipeline, ok_model=None) -> dict[str, Any]:
    """The invariant of every response; returns the parsed JSON body."""
    STATS[f"status:{response.status_code}"] += 1
    assert response.status_code < 500, response.text[:500]
    text = response.text
    for fragment in forbidden_fragments(pipeline):
        assert fragment not in text, f"{fragment!r} leaked: {text[:300]}"
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    if response.status_code == 200:
        if ok_model is not None:
            ok_model.model_validate(body)
    else:
        assert 400 <= response.status_code < 500
        error = body["error"]
        assert isinstance(error["code"], str) and error["code"]
        assert isinstance(error["message"], str) and len(error["message"]) > 10
    return body


# ------------------------------------------------------------------------------------ strategies

INJECTIONS = [
    "'; DROP TABLE documents; --",
    "1 OR 1=1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/a}",
    "__import__('os').system('id')",
    "\x00",
    "\u202e\u0635\u0648\u0631",
    "😀" * 50,
    "深圳" * 250,
    "深圳" * 251,
    " \t\n\r ",
    "",
]
any_char = st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF, categories=None)
surrogate = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=None)
questions = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.one_of(any_char, surrogate), max_size=40),
    st.sampled_from(INJECTIONS),
    st.integers(0, 3000).map(lambda n: "知识产权" * n),
    st.text(alphabet=st.sampled_from("\x00\x01\x07\x1b\x7f\u2028\ufeff \n"), max_size=20),
)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)
top_ks = st.one_of(st.none(), st.integers(-(10**30), 10**30), st.integers(0, 60), st.floats(), st.text(max_size=5), st.booleans())
retrievers = st.one_of(st.none(), st.sampled_from(["hybrid", "bm25", "dense", "HYBRID", "", "bm25 ", "milvus"]), st.text(max_size=8))
turns = st.fixed_dictionaries({
    "role": st.one_of(st.sampled_from(["user", "assistant", "system", "USER"]), json_scalars),
    "content": st.one_of(questions, json_scalars),
})
histories = st.one_of(
    st.none(),
    st.lists(turns, max_size=25),
    st.lists(st.fixed_dictionaries({"role": st.just("user"), "content": st.just("深圳" * 600)}), min_size=1, max_size=3),
    json_values,
)


def _drop_none(body: dict) -> dict:
    return {k: v for k, v in body.items() if v is not None}


# ----------------------------------------------------------------------------------- properties


@FUZZ
@given(question=questions, top_k=top_ks, retriever=retrievers, history=histories)
def test_ask_never_fails_on_arbitrary_fields(client, pipeline, question, top_k, retriever, history) -> None:
    STATS["examples"] += 1
    body = _drop_none({"question": question, "top_k": top_k, "retriever": retriever, "history": history})
    response = client.post("/ask", content=json.dumps(body), headers={"content-type": "application/json"})
    payload = check(response, pipeline, AskResponse)
    if response.status_code == 200:
        assert payload["question"].strip() and len(payload["passages"]) <= 50
        for citation in payload["citations"]:
            assert pipeline.documents[citation["doc_id"]].text[citation["start"]:citation["end"]] == citation["quote"]


valid_turns = st.lists(
    st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": st.text(max_size=80)}), max_size=4
)


@FUZZ
@given(question=questions, top_k=st.one_of(st.none(), st.integers(1, 50)),
       retriever=st.sampled_from([None, "hybrid", "bm25", "dense"]), history=valid_turns)
def test_ask_any_text_in_a_valid_shape(client, pipeline, question, top_k, retriever, history) -> None:
    """Well-formed requests carrying arbitrary text: answered, unless the text is empty or too long once cleaned."""
    STATS["examples"] += 1
    body = _drop_none({"question": question, "top_k": top_k, "retriever": retriever, "history": history})
    response = client.post("/ask", content=json.dumps(body), headers={"content-type": "application/json"})
    payload = check(response, pipeline, AskResponse)
    if response.status_code == 200:
        assert len(payload["passages"]) <= (top_k or pipeline.settings.top_k)
    elif response.status_code == 413:  # "知识产权" * 3000, \u-escaped, is over the body limit
        assert len(response.request.content) > pipeline.settings.max_body_bytes
    else:
        assert response.status_code == 422
        assert payload["error"]["details"][0]["field"] in ("question", "history") or "history" in payload["error"]["message"]


@FUZZ
@given(query=questions, top_k=top_ks, retriever=retrievers)
def test_search_never_fails_on_arbitrary_fields(client, pipeline, query, top_k, retriever) -> None:
    STATS["examples"] += 1
    body = _drop_none({"query": query, "top_k": top_k, "retriever": retriever})
    response = client.post("/search", content=json.dumps(body), headers={"content-type": "application/json"})
    payload = check(response, pipeline, SearchResponse)
    if response.status_code == 200 and isinstance(top_k, int) and not isinstance(top_k, bool):
        assert len(payload["passages"]) <= top_k


@FUZZ
@given(body=json_values, path=st.sampled_from(["/ask", "/search", "/admin/reload"]))
def test_arbitrary_json_bodies(client, pipeline, body, path) -> None:
    STATS["examples"] += 1
    response = client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
    check(response, pipeline)
    if path != "/admin/reload" and not (isinstance(body, dict) and ("question" in body or "query" in body)):
        assert response.status_code in (400, 422)


@FUZZ
@given(
    raw=st.one_of(
        st.binary(max_size=200),
        st.binary(max_size=50).map(lambda b: b'{"question": "' + b + b'"}'),
        st.sampled_from([b'{"question": "\xff\xfe\xfd"}', b'{"question": "\xed\xa0\x80"}', b"{", b'{"question":',
                         b'{"question": "x",}', b"\xef\xbb\xbf{\"question\": \"x\"}", b"NaN", b"1e999999", b"[" * 5000]),
    ),
    path=st.sampled_from(["/ask", "/search"]),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
)
def test_malformed_bytes_and_content_types(client, pipeline, raw, path, content_type) -> None:
    STATS["examples"] += 1
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(path, content=raw, headers=headers)
    check(response, pipeline)


@FUZZ
@given(doc_id=st.one_of(
    st.text(max_size=40).map(lambda text: quote(text, safe="")),
    st.sampled_from(["..", "../..", "..%2f..%2fetc%2fpasswd", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2Fetc%2Fpasswd",
                     "/etc/passwd", "....//....//etc/passwd", "a%00b", "..%5c..%5cwin.ini", "~root", "CON", "a" * 300]),
))
def test_document_ids(client, pipeline, doc_id) -> None:
    STATS["examples"] += 1
    response = client.get(f"/documents/{doc_id}")
    if response.headers.get("content-type", "").startswith("text/html"):
        # the client resolved the path to another route (e.g. "/documents/.." is "/"): no document read
        assert response.status_code == 200 and "<html" in response.text
        return
    body = check(response, pipeline)
    if response.status_code == 200 and "documents" in body:  # "/documents/" or "/documents/." is the list
        return
    if response.status_code == 200:
        assert body["doc_id"] in pipeline.documents and body["text"] == pipeline.documents[body["doc_id"]].text
    else:
        assert response.status_code in (404, 422)


def test_concrete_bad_requests(client, pipeline) -> None:
    """The cases the issue names, each once, with the status they must get."""
    cases = [
        ("/ask", {"question": ""}, 422),
        ("/ask", {"question": "   \n\t "}, 422),
        ("/ask", {"question": "\u0000\u0001\u0002"}, 422),
        ("/ask", {"question": "深" * 501}, 422),
        ("/ask", {"question": "深圳", "top_k": 0}, 422),
        ("/ask", {"question": "深圳", "top_k": 10**12}, 422),
        ("/ask", {"question": "深圳", "top_k": -1}, 422),
        ("/ask", {"question": "深圳", "top_k": "5"}, 422),
        ("/ask", {"question": "深圳", "retriever": "milvus"}, 422),
        ("/ask", {"question": "深圳", "history": "not a list"}, 422),
        ("/ask", {"question": "深圳", "history": [{"role": "system", "content": "x"}]}, 422),
        ("/ask", {"question": "深圳", "history": [{"role": "user", "content": "x"}] * 21}, 422),
        ("/ask", {"question": "深圳", "history": [{"role": "user", "content": "深" * 1500}] * 2}, 422),
        ("/ask", {"question": "深圳", "unknown": 1}, 422),
        ("/ask", {"question": 12}, 422),
        ("/ask", {}, 422),
        ("/ask", {"question": "\ud800深圳"}, 200),
        ("/search", {"query": "a\udfff"}, 200),
        ("/ask", {"question": "😀😀😀"}, 200),
        ("/ask", {"question": "'; DROP TABLE documents; --"}, 200),
        ("/ask", {"question": "深圳专利", "top_k": 50, "retriever": "bm25"}, 200),
    ]
    for path, body, status in cases:
        response = client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
        check(response, pipeline)
        assert response.status_code == status, (body, response.status_code, response.text[:300])
    huge = client.post("/ask", content=b'{"question": "' + b"a" * 200_000 + b'"}', headers={"content-type": "application/json"})
    check(huge, pipeline)
    assert huge.status_code == 413
    for raw, status in [(b'{"question": "x"', 400), (b'{"question": "\xff\xfe"}', 400), (b"", 422)]:
        response = client.post("/ask", content=raw, headers={"content-type": "application/json"})
        body = check(response, pipeline)
        assert response.status_code == status, (raw, response.text)
        if status == 400:
            assert body["error"]["code"] == "malformed_json" and "not valid JSON" in body["error"]["message"]
    record("api", "named bad requests", "each got its expected status", cases=len(cases) + 4)


# ---------------------------------------------------------------------------------- schemathesis

SCHEMATHESIS_EXAMPLES = 60  # per operation


def test_schemathesis_every_operation(client, pipeline) -> None:
    """Cases generated from /openapi.json for every operation: no server error, no leak, and all of
    schemathesis' checks (status codes, content types, response schemas, schema-valid data accepted,
    schema-invalid data rejected)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    statuses: Counter[str] = Counter()
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.append(operation.label)

        @hsettings(max_examples=SCHEMATHESIS_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call()
            statuses[str(response.status_code)] += 1
            assert response.status_code < 500, (case.path, case.body, response.text[:300])
            for fragment in forbidden_fragments(pipeline):
                assert fragment not in response.text
            case.validate_response(response)

        run()
    assert "POST /ask" in operations and "GET /documents/{doc_id}" in operations
    record("api", "schemathesis (every operation in /openapi.json)", "no server error; every schemathesis check passes",
           operations=len(operations), cases=sum(statuses.values()), statuses=dict(sorted(statuses.items())))
