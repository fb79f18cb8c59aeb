"""A poisoned embedding cache, an embedder gone bad, a build that does not load: the next build heals
(drops the bad entries and embeds them again) or fails without switching CURRENT, and the last good
build keeps answering. The Milvus sync refuses unusable vectors before touching the collection."""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from _reliability import record
from conftest import CORPUS_DIR, make_settings
from qa import index_store
from qa.embedders import HashingEmbedder
from qa.embedding_cache import cache_path
from qa.index_files import build_lock
from qa.index_store import (
    IndexBusy,
    IndexCorrupt,
    IndexMissing,
    build_index,
    current_build,
    load_index,
)
from qa.pipeline import Pipeline
from qa.vectors import BadVectors

QUESTION = "深圳每万人口高价值发明专利拥有量是多少?"
QA_BIN = Path(sys.executable).with_name("qa")
EMBEDDER = HashingEmbedder()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("pristine-cache") / "index"
    build_index(make_settings(CORPUS_DIR, index_dir), EMBEDDER)
    return index_dir


@pytest.fixture()
def index_dir(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(pristine, target)
    return target


def _cache(index_dir: Path) -> Path:
    return cache_path(index_dir, EMBEDDER.embedder_id)


def _rewrite(index_dir: Path, keys: np.ndarray, vectors: np.ndarray) -> None:
    np.savez(_cache(index_dir), keys=keys, vectors=vectors)


def _read(index_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(_cache(index_dir), allow_pickle=False) as data:
        return data["keys"], data["vectors"]


def _poison_rows(value: float):
    def damage(index_dir: Path) -> None:
        keys, vectors = _read(index_dir)
        vectors = vectors.astype(np.float64)  # float64: 1e300 is finite there, infinite as float32
        vectors[::3, 5] = value
        _rewrite(index_dir, keys, vectors)
    return damage


def _truncated_file(index_dir: Path) -> None:
    data = _cache(index_dir).read_bytes()
    _cache(index_dir).write_bytes(data[: len(data) // 2])


def _truncated_vectors(index_dir: Path) -> None:
    keys, vectors = _read(index_dir)
    _rewrite(index_dir, keys, vectors[: len(vectors) // 2])


def _integer_vectors(index_dir: Path) -> None:
    keys, vectors = _read(index_dir)
    _rewrite(index_dir, keys, (vectors * 1000).astype(np.int64))


def _wrong_width(index_dir: Path) -> None:
    keys, vectors = _read(index_dir)
    _rewrite(index_dir, keys, vectors[:, :-1])


def _numeric_keys(index_dir: Path) -> None:
    keys, vectors = _read(index_dir)
    _rewrite(index_dir, np.arange(len(keys)), vectors)


POISONS = {
    "NaN rows": _poison_rows(np.nan),
    "+inf rows": _poison_rows(np.inf),
    "-inf rows": _poison_rows(-np.inf),
    "float64 overflow rows": _poison_rows(1e300),
    "file cut in half": _truncated_file,
    "vectors array cut in half": _truncated_vectors,
    "integer vectors": _integer_vectors,
    "wrong width": _wrong_width,
    "numeric keys": _numeric_keys,
}


@pytest.mark.parametrize("poison", list(POISONS))
def test_poisoned_cache_is_healed_by_the_next_build(index_dir: Path, poison: str, caplog) -> None:
    settings = make_settings(CORPUS_DIR, index_dir)
    before = current_build(index_dir).name
    POISONS[poison](index_dir)
    with caplog.at_level(logging.WARNING, logger="qa.embedding_cache"):
        report = build_index(settings, EMBEDDER)
    assert report.embedded > 0  # the bad entries were embedded again
    assert any("embedding cache" in r.getMessage() for r in caplog.records)
    assert current_build(index_dir).name == report.name != before
    loaded = load_index(settings, EMBEDDER)
    assert np.isfinite(loaded.vectors).all()
    keys, vectors = _read(index_dir)  # the cache written back is clean again
    assert vectors.dtype == np.float32 and np.isfinite(vectors).all() and len(keys) == len(vectors)
    assert Pipeline.load(settings, build_if_missing=False).ask(QUESTION).passages
    record("cache", f"embedding cache: {poison}", "bad entries dropped with a log line, re-embedded; new build current and answering",
           embedded_again=report.embedded, reused=report.reused)


class NaNEmbedder(HashingEmbedder):
    """Right shape, NaN values: what a broken model or a bad quantized kernel can return."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        vectors = super().embed_passages(texts)
        vectors[:, 0] = np.nan
        return vectors


class ShortEmbedder(HashingEmbedder):
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return super().embed_passages(texts)[:, :-1]


@pytest.mark.parametrize("embedder", [NaNEmbedder(), ShortEmbedder()], ids=["NaN vectors", "wrong width"])
def test_bad_embedder_output_fails_the_build_and_keeps_current(index_dir: Path, embedder: HashingEmbedder) -> None:
    settings = make_settings(CORPUS_DIR, index_dir)
    before = current_build(index_dir).name
    _cache(index_dir).unlink()  # every chunk must be embedded
    with pytest.raises(BadVectors, match="qa index"):
        build_index(settings, embedder)
    assert current_build(index_dir).name == before
    assert Pipeline.load(settings, build_if_missing=False).ask(QUESTION).passages
    assert not _cache(index_dir).exists() or np.isfinite(_read(index_dir)[1]).all()
    record("cache", f"embedder returns {'NaN' if isinstance(embedder, NaNEmbedder) else 'too short'} vectors",
           "build fails with a one-line message; CURRENT unchanged; last good build answers")


def test_a_build_that_does_not_load_never_becomes_current(index_dir: Path, monkeypatch) -> None:
    settings = make_settings(CORPUS_DIR, index_dir)
    before = current_build(index_dir).name
    real_save = index_store.DenseIndex.save

    def broken_save(self, path: Path) -> None:  # a write that goes wrong after the arrays were checked
        real_save(self, path)
        vectors = path.parent / "vectors.npy"
        np.save(vectors, np.full((3, 7), np.nan, dtype=np.float32), allow_pickle=False)

    monkeypatch.setattr(index_store.DenseIndex, "save", broken_save)
    with pytest.raises(IndexCorrupt, match="previous index is still current"):
        build_index(settings, EMBEDDER)
    assert current_build(index_dir).name == before
    assert sorted(p.name for p in (index_dir / "builds").iterdir()) == [before]
    assert Pipeline.load(settings, build_if_missing=False).ask(QUESTION).passages
    record("cache", "a finished build that does not load", "removed; CURRENT unchanged; last good build answers")


def test_qa_index_heals_a_nan_cache_and_qa_ask_answers(index_dir: Path) -> None:
    _poison_rows(np.nan)(index_dir)
    common = [str(QA_BIN), "--corpus-dir", str(CORPUS_DIR), "--index-dir", str(index_dir), "--embedder", "hashing",
              "--no-progress", "--log-level", "WARNING"]
    env = os.environ | {"QA_READER": "rules"}  # the learned reader ships no model yet
    built = subprocess.run(common + ["index", "--json"], capture_output=True, text=True, timeout=300, env=env)
    assert built.returncode == 0, built.stderr
    assert "NaN" in built.stderr and "Traceback" not in built.stderr
    asked = subprocess.run(common + ["ask", QUESTION, "--json"], capture_output=True, text=True, timeout=300, env=env)
    assert asked.returncode == 0, asked.stderr
    record("cache", "`qa index` over a NaN-poisoned cache, then `qa ask`", "exit 0 with a warning line; ask answers")


# ---------------------------------------------------------------------------------- Milvus sync


class RecordingClient:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            self.calls.append(name)
            raise AssertionError(f"the Milvus client was used: {name}")
        return call


def test_milvus_sync_refuses_bad_vectors_before_touching_the_collection(index_dir: Path) -> None:
    pytest.importorskip("pymilvus")
    from qa.milvus_backend import sync_to_milvus

    settings = make_settings(CORPUS_DIR, index_dir)
    index = load_index(settings, EMBEDDER)
    vectors = index.vectors.copy()
    vectors[1, 1] = np.nan
    client = RecordingClient()
    with pytest.raises(IndexCorrupt, match="nothing was synced"):
        sync_to_milvus(settings, dataclasses.replace(index, vectors=vectors), client=client)
    assert client.calls == []
    record("cache", "Milvus sync of a build with a NaN vector", "IndexCorrupt before any client call; collection and marker untouched")


# --------------------------------------------------------------------------- index dir and lock


def test_garbage_in_current_says_what_to_do(index_dir: Path) -> None:
    (index_dir / "CURRENT").write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(IndexCorrupt, match="qa index") as info:
        current_build(index_dir)
    assert "codec" not in str(info.value)
    record("index", "CURRENT pointer of undecodable bytes", "IndexCorrupt naming `qa index` (no codec error)")


def test_index_dir_that_is_a_file_says_what_to_do(tmp_path: Path) -> None:
    target = tmp_path / "index"
    target.write_text("not a directory")
    settings = make_settings(CORPUS_DIR, target)
    with pytest.raises(IndexMissing, match="QA_INDEX_DIR"):
        current_build(target)
    with pytest.raises(ValueError, match="QA_INDEX_DIR") as info:
        build_index(settings, EMBEDDER)
    assert "Errno" not in str(info.value)
    record("index", "index directory is a file", "load and build both say to move it or set QA_INDEX_DIR (no Errno 17)")


def test_build_lock_wait_is_bounded(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    with (index_dir / ".lock").open("w") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)  # another process's build, as far as flock is concerned
        with pytest.raises(IndexBusy, match="another index build"):
            with build_lock(index_dir, timeout_s=0.3):
                pass
    with build_lock(index_dir, timeout_s=0.3):  # free again
        pass
