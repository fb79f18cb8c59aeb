"""Security checks on the HTTP service: document ids cannot reach the filesystem (whatever the
encoding, even as raw ASGI paths no client would normalize), keys and server paths never appear in
a response or a log line, request bodies stay out of every log by default, CORS is off by default."""

from __future__ import annotations

import asyncio
import builtins
import io
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from _reliability import record
from api import create_app
from conftest import make_settings
from qa.embedders import HashingEmbedder
from qa.index_store import build_index, current_build
from qa.pipeline import Pipeline

API_KEY = "k3y-for-tests-7c1e"
ADMIN_KEY = "adm1n-for-tests-93fa"
SECRET = "TOP-SECRET-CONTENT-5d2b"


@pytest.fixture()
def world(corpus_copy: Path, tmp_path: Path):
    """A corpus with a secret file beside it, its index, and a keyed app over them."""
    (corpus_copy.parent / "secret.txt").write_text(SECRET, encoding="utf-8")
    (corpus_copy / "empty.txt").write_bytes(b"")  # so /health lists a skipped file
    settings = make_settings(corpus_copy, tmp_path / "index", api_key=API_KEY, admin_key=ADMIN_KEY)
    build_index(settings, HashingEmbedder())
    pipeline = Pipeline.load(settings, build_if_missing=False)
    return settings, pipeline, create_app(settings, pipeline)


class OpenSpy:
    """Records every file the process opens while active."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real_open, real_io_open, real_os_open = builtins.open, io.open, os.open

        def spy(real):
            def opener(file, *args, **kwargs):
                self.paths.append(os.fspath(file) if not isinstance(file, int) else f"fd:{file}")
                return real(file, *args, **kwargs)
            return opener

        monkeypatch.setattr(builtins, "open", spy(real_open))
        monkeypatch.setattr(io, "open", spy(real_io_open))
        monkeypatch.setattr(os, "open", spy(real_os_open))


async def _raw_get(app, raw_path: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One GET straight through ASGI, with a path no HTTP client would have normalized."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": unquote(raw_path.decode("latin-1")), "raw_path": raw_path, "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 1), "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


TRAVERSALS = [
    "../secret.txt", "../../secret.txt", "..%2Fsecret.txt", "..%2fsecret", "%2e%2e%2fsecret.txt", "%2e%2e",
    "..", "...", "....//secret.txt", "..%5Csecret.txt", "%2Fetc%2Fpasswd", "/etc/passwd", "//etc/passwd",
    "%252e%252e%252fsecret.txt", "..%00.txt", "%00", "C:%5Cwindows%5Cwin.ini", "~%2F.ssh%2Fid_rsa",
    "sz-ip-work-conference-2024%2F..%2F..%2Fsecret", "sz-ip-work-conference-2024.txt", "empty",
    "%EF%BC%8E%EF%BC%8E%EF%BC%8Fsecret.txt",  # full-width ．．／
]


def test_document_ids_never_reach_the_filesystem(world, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, pipeline, app = world
    statuses: dict[str, int] = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        spy = OpenSpy(monkeypatch)
        for doc_id in TRAVERSALS:
            for raw in (False, True):
                path = f"/documents/{doc_id}"
                if raw:
                    status, body = asyncio.run(_raw_get(app, path.encode(), [(b"x-api-key", API_KEY.encode())]))
                    text = body.decode("utf-8", "replace")
                else:
                    response = client.get(path, headers={"X-API-Key": API_KEY})
                    status, text = response.status_code, response.text
                statuses[f"{'raw ' if raw else ''}{doc_id}"] = status
                assert SECRET not in text and "root:" not in text, doc_id
                if text.startswith("<!doctype html>"):  # resolved to the chat page by the client
                    assert not raw and status == 200
                    continue
                assert status in (404, 422), (doc_id, raw, status, text[:200])
                error = json.loads(text)["error"]
                assert str(settings.corpus_dir) not in error["message"]
        Path(__file__).read_text(encoding="utf-8")  # control: the spy sees pathlib reads
        monkeypatch.undo()
    assert __file__ in spy.paths
    opened = [p for p in spy.paths if "secret" in p or "passwd" in p or "win.ini" in p or "id_rsa" in p]
    assert not opened, opened
    assert not [p for p in spy.paths if p.startswith(str(settings.corpus_dir))], "a document request read a corpus file"
    record("security", "document-id traversal (22 forms, via client and raw ASGI)",
           "404/422 (a bare \"..\" is resolved by the client to the chat page), no file opened", requests=len(statuses),
           statuses={str(s): sum(1 for v in statuses.values() if v == s) for s in sorted(set(statuses.values()))})


def test_keys_and_paths_never_in_responses_or_logs(world, caplog: pytest.LogCaptureFixture) -> None:
    settings, pipeline, app = world
    bodies: list[str] = []
    with caplog.at_level(logging.DEBUG), TestClient(app, raise_server_exceptions=False) as client:
        calls = [
            ("post", "/ask", {"json": {"question": "深圳专利"}}, {}),
            ("post", "/ask", {"json": {"question": "深圳专利"}}, {"X-API-Key": API_KEY[:-1]}),
            ("post", "/ask", {"json": {"question": "深圳专利"}}, {"X-API-Key": API_KEY}),
            ("post", "/search", {"json": {"query": "知识产权"}}, {"X-API-Key": API_KEY}),
            ("get", "/documents", {}, {"X-API-Key": API_KEY}),
            ("get", "/health", {}, {}),
            ("post", "/admin/reload", {}, {}),
            ("post", "/admin/reload", {}, {"X-Admin-Key": ADMIN_KEY + "x"}),
            ("post", "/admin/reload", {}, {"X-Admin-Key": ADMIN_KEY}),
        ]
        for method, path, kwargs, headers in calls:
            response = getattr(client, method)(path, headers=headers, **kwargs)
            assert response.status_code < 500, response.text
            bodies.append(response.text)
        assert [json.loads(b).get("error", {}).get("code") for b in bodies[:2]] == ["unauthorized", "unauthorized"]
        assert json.loads(bodies[7])["error"]["code"] == "forbidden"
        assert json.loads(bodies[8])["status"] == "reloaded"
        assert json.loads(bodies[5]) == {"status": "ok"}  # no build name or file names without the key
        health = client.get("/health", headers={"X-API-Key": API_KEY}).json()
        assert health["index"]["skipped"] == [{"path": "empty.txt", "reason": "empty file"}]

        # an index that breaks under the server: the 503 says what to do, not where the files are
        vectors = current_build(settings.index_dir) / "vectors.npy"
        vectors.write_bytes(vectors.read_bytes()[:64])
        broken = client.post("/admin/reload", headers={"X-Admin-Key": ADMIN_KEY})
        assert broken.status_code == 503 and "qa index" in broken.json()["error"]["message"]
        bodies.append(broken.text)
        # the corpus changes under the server: stale, again without paths
        shutil.copy(settings.corpus_dir / "gd-ip-top10-events-2024.txt", settings.corpus_dir / "copy.txt")
        build_index(settings, HashingEmbedder())
        (settings.corpus_dir / "copy.txt").unlink()
        stale = client.post("/admin/reload", headers={"X-Admin-Key": ADMIN_KEY})
        assert stale.status_code == 503
        bodies.append(stale.text)
        # still serving the last good index
        assert client.post("/ask", json={"question": "深圳专利"}, headers={"X-API-Key": API_KEY}).status_code == 200

    logs = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    for secret in (API_KEY, ADMIN_KEY, API_KEY[:-1], ADMIN_KEY + "x"):
        assert all(secret not in body for body in bodies), secret
        assert secret not in logs, secret
    for path in (str(settings.corpus_dir), str(settings.index_dir), str(settings.corpus_dir.parent)):
        assert all(path not in body for body in bodies), path
    record("security", "API/admin keys and server paths", "absent from every response and log line",
           responses=len(bodies))


def test_request_bodies_stay_out_of_all_logs_by_default(world, caplog: pytest.LogCaptureFixture) -> None:
    settings, pipeline, app = world
    marker = "保密问题标记甲乙丙"
    for log_bodies in (False, True):
        caplog.clear()
        configured = settings.with_overrides(log_request_bodies=log_bodies)
        with caplog.at_level(logging.INFO), TestClient(create_app(configured, pipeline)) as client:
            headers = {"X-API-Key": API_KEY}
            assert client.post("/ask", json={"question": marker}, headers=headers).status_code == 200
            assert client.post("/search", json={"query": marker}, headers=headers).status_code == 200
            assert client.post("/ask", json={"question": marker, "top_k": 999}, headers=headers).status_code == 422
        logged = any(marker in r.getMessage() for r in caplog.records)
        assert logged is log_bodies, f"log_request_bodies={log_bodies}"
    record("security", "request bodies in logs (every logger, INFO)", "absent by default; present only with log_request_bodies")


def test_cors_headers_absent_by_default_and_key_enforced(world) -> None:
    settings, pipeline, app = world
    with TestClient(app, raise_server_exceptions=False) as client:
        for method, path in (("options", "/ask"), ("get", "/health"), ("post", "/search")):
            response = getattr(client, method)(path, headers={
                "Origin": "http://evil.example", "Access-Control-Request-Method": "POST", "X-API-Key": API_KEY,
            })
            assert not [h for h in response.headers if h.lower().startswith("access-control-")], (path, response.headers)
        for path in ("/documents", "/documents/sz-ip-work-conference-2024"):
            assert client.get(path).status_code == 401
            assert client.get(path, headers={"X-API-Key": API_KEY.upper()}).status_code == 401
            assert client.get(path, headers={"X-API-Key": API_KEY}).status_code == 200
    record("security", "CORS default and API key", "no Access-Control-* headers; 401 without/with wrong key")
