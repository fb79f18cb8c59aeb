"""Adding documents as a user would: `qa add PATH...` and POST /documents (multipart, admin key)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from qa.cli.main import cli
from qa.pipeline import Pipeline

from _ingest_files import STATIONS, STATIONS_TITLE, news_page_html, scanned_pdf, text_pdf, word_docx
from conftest import CORPUS_DIR, make_settings


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target


def run(corpus: Path, index: Path, *args: str):
    return CliRunner().invoke(
        cli, ["--corpus-dir", str(corpus), "--index-dir", str(index), "--embedder", "hashing", "--no-progress",
              "--log-level", "ERROR", *args],
    )


def test_qa_add_copies_indexes_and_reports(tmp_path: Path, corpus: Path):
    inbox = tmp_path / "inbox"
    (inbox / "folder").mkdir(parents=True)
    (inbox / "page.html").write_text(news_page_html(), encoding="utf-8")
    (inbox / "folder" / "stations.pdf").write_bytes(text_pdf([[STATIONS_TITLE, *STATIONS]], STATIONS_TITLE))
    (inbox / "folder" / "scan.pdf").write_bytes(scanned_pdf())
    (inbox / "folder" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    shutil.copy(corpus / "sz-ip-work-conference-2024.txt", inbox / "folder" / "copy.txt")
    result = run(corpus, tmp_path / "index", "add", "--json", str(inbox / "page.html"), str(inbox / "folder"))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    added = {a["path"]: a for a in report["added"]}
    assert sorted(added) == ["folder/stations.pdf", "page.html"]
    assert added["page.html"]["doc_id"] == "page.html" and added["page.html"]["published"] == "2024-04-25"
    assert added["page.html"]["provenance"]["title"] == "html-meta"
    assert added["folder/stations.pdf"]["doc_id"] == "folder--stations.pdf"
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"scan.pdf", "photo.jpg", "copy.txt"}
    assert "scanned PDF" in reasons["scan.pdf"] and "unsupported file type .jpg" in reasons["photo.jpg"]
    assert "already in the corpus as sz-ip-work-conference-2024.txt" == reasons["copy.txt"]
    assert (corpus / "folder" / "stations.pdf").exists() and not (corpus / "folder" / "scan.pdf").exists()
    assert report["build"]
    # the index now serves the added documents, with their metadata and provenance in the report
    listed = json.loads(run(corpus, tmp_path / "index", "index", "--json").output)
    meta = {m["doc_id"]: m for m in listed["document_metadata"]}
    assert meta["folder--stations.pdf"]["format"] == "pdf" and meta["folder--stations.pdf"]["pages"] == 1
    assert len(meta) == 7


def test_qa_add_plain_output_names_what_was_skipped(tmp_path: Path, corpus: Path):
    (tmp_path / "notes.xyz").write_text("x", encoding="utf-8")
    result = run(corpus, tmp_path / "index", "add", "--no-index", str(tmp_path / "notes.xyz"), str(tmp_path / "missing.txt"))
    assert result.exit_code == 0
    assert "skipped" in result.output and "notes.xyz: unsupported file type .xyz" in result.output
    assert "missing.txt: no such file or folder" in result.output


@pytest.fixture()
def upload_client(tmp_path: Path, corpus: Path):
    settings = make_settings(corpus, tmp_path / "index", admin_key="adm1n", max_upload_bytes=200_000)
    with TestClient(create_app(settings, Pipeline.load(settings)), raise_server_exceptions=False) as client:
        yield client


def test_post_documents_adds_and_serves(upload_client: TestClient):
    files = [
        ("files", ("会议.html", news_page_html().encode("utf-8"), "text/html")),
        ("files", ("bozhou.docx", word_docx(), "application/octet-stream")),
        ("files", ("evil.exe", b"MZ", "application/octet-stream")),
        ("files", ("scan.pdf", scanned_pdf(), "application/pdf")),
    ]
    response = upload_client.post("/documents", files=files, headers={"X-Admin-Key": "adm1n"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(a["path"] for a in body["added"]) == ["bozhou.docx", "会议.html"]
    assert {s["path"] for s in body["skipped"]} == {"evil.exe", "scan.pdf"}
    assert all("/tmp" not in json.dumps(s) for s in body["skipped"])
    ids = {d["doc_id"]: d for d in upload_client.get("/documents").json()["documents"]}
    assert "bozhou.docx" in ids and ids["bozhou.docx"]["format"] == "docx"
    html_id = next(a["doc_id"] for a in body["added"] if a["path"] == "会议.html")
    detail = upload_client.get(f"/documents/{html_id}").json()
    assert detail["provenance"] == {"title": "html-meta", "published": "html-meta", "source": "text"}
    assert detail["published"] == "2024-04-25"


def test_post_documents_needs_the_admin_key_and_keeps_to_the_limits(upload_client: TestClient):
    page = ("files", ("a.html", news_page_html().encode("utf-8"), "text/html"))
    assert upload_client.post("/documents", files=[page]).status_code == 401
    assert upload_client.post("/documents", files=[page], headers={"X-Admin-Key": "wrong"}).status_code == 403
    big = ("files", ("big.txt", "标题\n".encode() + "正文。".encode() * 80_000, "text/plain"))
    assert upload_client.post("/documents", files=[big], headers={"X-Admin-Key": "adm1n"}).status_code == 413
    many = [("files", (f"{n}.txt", b"x", "text/plain")) for n in range(21)]
    assert upload_client.post("/documents", files=many, headers={"X-Admin-Key": "adm1n"}).status_code == 400


def test_post_documents_is_absent_without_an_admin_key(client: TestClient):
    response = client.post("/documents", files=[("files", ("a.txt", b"x", "text/plain"))])
    assert response.status_code == 404


@pytest.fixture()
def client(settings, pipeline):
    with TestClient(create_app(settings, pipeline), raise_server_exceptions=False) as test_client:
        yield test_client
