"""Corpus faults: files a user may drop into corpus/ that are not clean UTF-8 documents.

Each bad file is skipped (or, for a sidecar, ignored) with a log line naming it and an entry in the
manifest's "skipped" list saying why; every other document is still indexed."""

from __future__ import annotations

import json
import logging
import os
import tracemalloc
from pathlib import Path

import pytest

from _reliability import record
from conftest import make_settings
from qa.documents import MAX_FILE_BYTES, is_valid_doc_id, load_corpus
from qa.embedders import HashingEmbedder
from qa.index_store import IndexStale, build_index, corpus_fingerprint, read_manifest
from qa.pipeline import Pipeline

SEED_IDS = {
    "bozhou-ip-press-conference-2023",
    "gd-ip-top10-events-2024",
    "sz-invention-patents-per-10k-2022",
    "sz-ip-protection-stations-2023",
    "sz-ip-work-conference-2024",
}
NEW_TEXT = "发布时间:2024-05-06 10:00\n来源:测试日报\n2024年,某市新增知识产权服务站12家,服务企业3600余家。\n"

# name -> (bytes, expected substring of the skip reason)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    "control-chars.txt": (bytes(range(1, 32)) * 200, "binary"),
    "empty.txt": (b"", "empty"),
    "blank.txt": (b" \n\t\r\n  \n", "empty"),
    "utf16.txt": ("2024年专利授权量为10万件。".encode("utf-16"), "UTF-16 text: save it as UTF-8"),
    "latin1-ff.txt": (b"Caf\xe9 \xff\xfe na\xefve \x80\x80", "neither UTF-8 nor GB18030"),
}


def _write_faults(corpus: Path) -> None:
    for name, (data, _) in BAD_FILES.items():
        (corpus / name).write_bytes(data)
    # the same bytes under a second name
    (corpus / "zz-copy-of-gd.txt").write_bytes((corpus / "gd-ip-top10-events-2024.txt").read_bytes())
    # a sidecar that is not JSON, and one that is JSON but not an object
    (corpus / "sz-ip-work-conference-2024.meta.json").write_text('{"title": "broken', encoding="utf-8")
    (corpus / "bozhou-ip-press-conference-2023.meta.json").write_text("[1, 2]", encoding="utf-8")
    # a good new document with a non-ASCII name
    (corpus / "新增 文档(测试).txt").write_text(NEW_TEXT, encoding="utf-8")


def test_faulty_files_are_skipped_logged_and_listed(corpus_copy: Path, tmp_path: Path, caplog) -> None:
    _write_faults(corpus_copy)
    settings = make_settings(corpus_copy, tmp_path / "index")
    with caplog.at_level(logging.WARNING, logger="qa"):
        report = build_index(settings, HashingEmbedder())
    manifest = read_manifest(settings.index_dir)
    skipped = {row["path"]: row["reason"] for row in manifest["skipped"]}
    logs = caplog.text

    for name, (_, reason) in BAD_FILES.items():
        assert reason in skipped[name], (name, skipped.get(name))
        assert name in logs
    assert skipped["zz-copy-of-gd.txt"] == "duplicate of gd-ip-top10-events-2024.txt"
    assert "zz-copy-of-gd.txt" in logs
    for sidecar in ("sz-ip-work-conference-2024.meta.json", "bozhou-ip-press-conference-2023.meta.json"):
        assert "sidecar ignored" in skipped[sidecar]
        assert sidecar in logs
    assert {s.path for s in report.skipped} == set(skipped)

    pipeline = Pipeline.load(settings, build_if_missing=False)
    docs = pipeline.documents
    new_ids = set(docs) - SEED_IDS
    assert SEED_IDS <= set(docs) and len(new_ids) == 1
    new_id = new_ids.pop()
    assert is_valid_doc_id(new_id)
    assert "新增知识产权服务站12家" in docs[new_id].text
    # the documents whose sidecars were broken keep the metadata found in their text
    assert docs["sz-ip-work-conference-2024"].title and docs["sz-ip-work-conference-2024"].title != "broken"
    assert manifest["counts"]["documents"] == len(SEED_IDS) + 1
    hits = pipeline.search("知识产权服务站 12家", top_k=3).passages
    assert new_id in {p.doc_id for p in hits}
    record(
        "corpus",
        "bad files in corpus/",
        "skipped with reason, logged, rest indexed",
        injected=len(skipped),
        skipped=skipped,
        indexed=len(docs),
    )


def test_gb18030_document_is_indexed_with_the_same_text(corpus_copy: Path, tmp_path: Path, seed_corpus) -> None:
    name = "sz-ip-protection-stations-2023"
    path = corpus_copy / f"{name}.txt"
    original = path.read_bytes().decode("utf-8")
    gb = original.encode("gb18030")
    assert gb != original.encode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    path.write_bytes(gb)
    settings = make_settings(corpus_copy, tmp_path / "index")
    build_index(settings, HashingEmbedder())
    pipeline = Pipeline.load(settings, build_if_missing=False)
    expected = seed_corpus.by_id()[name]
    doc = pipeline.documents[name]
    assert doc.text == expected.text
    assert (doc.title, doc.published, doc.source) == (expected.title, expected.published, expected.source)
    assert not read_manifest(settings.index_dir)["skipped"]
    record("corpus", "GB18030 document", "indexed, text identical to the UTF-8 original")


def test_oversized_file_is_skipped_without_being_read(corpus_copy: Path, tmp_path: Path, caplog) -> None:
    huge = corpus_copy / "huge.txt"
    with huge.open("wb") as handle:  # sparse: costs no disk, but reading it would allocate it all
        handle.truncate(MAX_FILE_BYTES + 1)
    tracemalloc.start()
    try:
        with caplog.at_level(logging.WARNING, logger="qa"):
            corpus = load_corpus(corpus_copy)
            corpus_fingerprint(corpus_copy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(s.path, "too large" in s.reason) for s in corpus.skipped] == [("huge.txt", True)]
    assert "huge.txt" in caplog.text
    assert len(corpus.documents) == len(SEED_IDS)
    assert peak < MAX_FILE_BYTES // 4, f"peak Python allocation {peak} bytes: the oversized file was read whole"
    record("corpus", "oversized file (> MAX_FILE_BYTES)", "skipped, never read whole", peak_bytes=peak, size=MAX_FILE_BYTES + 1)


def test_edit_and_delete_between_builds(corpus_copy: Path, tmp_path: Path) -> None:
    settings = make_settings(corpus_copy, tmp_path / "index")
    build_index(settings, HashingEmbedder())
    assert "gd-ip-top10-events-2024" in Pipeline.load(settings, build_if_missing=False).documents

    edited = corpus_copy / "sz-ip-work-conference-2024.txt"
    text = edited.read_text(encoding="utf-8")
    assert "持续提升管理效能" in text
    edited.write_text(text.replace("持续提升管理效能", "持续提升管理效能,新建知识产权保护示范园区7个"), encoding="utf-8")
    (corpus_copy / "gd-ip-top10-events-2024.txt").unlink()

    with pytest.raises(IndexStale) as excinfo:
        Pipeline.load(settings, build_if_missing=False)
    assert "qa index" in str(excinfo.value) and "corpus" in str(excinfo.value)

    build_index(settings, HashingEmbedder())
    pipeline = Pipeline.load(settings, build_if_missing=False)
    assert "gd-ip-top10-events-2024" not in pipeline.documents
    assert "知识产权保护示范园区7个" in pipeline.documents["sz-ip-work-conference-2024"].text
    hits = pipeline.search("知识产权保护示范园区", retriever="bm25", top_k=3).passages
    assert hits and hits[0].doc_id == "sz-ip-work-conference-2024" and "示范园区" in hits[0].text
    assert all(p.doc_id != "gd-ip-top10-events-2024" for p in pipeline.search("十大事件", top_k=10).passages)
    record("corpus", "document edited + document deleted after build", "IndexStale until rebuilt; rebuild shows edit, drops deleted doc")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_file_is_skipped(corpus_copy: Path, tmp_path: Path, caplog) -> None:
    locked = corpus_copy / "locked.txt"
    locked.write_text(NEW_TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        with caplog.at_level(logging.WARNING, logger="qa"):
            corpus = load_corpus(corpus_copy)
    finally:
        locked.chmod(0o644)
    assert [s.path for s in corpus.skipped] == ["locked.txt"]
    assert "locked.txt" in caplog.text
    assert len(corpus.documents) == len(SEED_IDS)
    record("corpus", "unreadable file (mode 000)", "skipped with reason, logged")


def test_skipped_reasons_are_json_serialisable_in_cli_report(corpus_copy: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qa.cli.main import cli

    (corpus_copy / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(
        cli,
        ["--corpus-dir", str(corpus_copy), "--index-dir", str(tmp_path / "index"), "--embedder", "hashing",
         "--no-progress", "index", "--json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["skipped"] == [{"path": "empty.txt", "reason": "empty file"}]
    assert payload["documents"] == len(SEED_IDS)


def test_hidden_folders_and_links_out_of_the_corpus_are_not_documents(corpus_copy, tmp_path) -> None:
    from qa.documents import corpus_files

    hidden = corpus_copy / ".git"
    hidden.mkdir()
    (hidden / "notes.txt").write_text("深圳知识产权保护工作站130家", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("外部文件不属于语料", encoding="utf-8")
    (corpus_copy / "link.txt").symlink_to(outside)
    inside_link = corpus_copy / "alias.txt"
    inside_link.symlink_to(corpus_copy / "sz-ip-work-conference-2024.txt")
    names = {p.name for p in corpus_files(corpus_copy)}
    assert "notes.txt" not in names and "link.txt" not in names
    assert "alias.txt" in names and "sz-ip-work-conference-2024.txt" in names
