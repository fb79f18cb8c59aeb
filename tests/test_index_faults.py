"""Index faults: a missing, damaged, mismatched or stale index is refused with a message naming
`qa index` (IndexMissing / IndexCorrupt / IndexStale), never served; a build killed midway leaves the
previous index current and does not break the next build."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from _reliability import record
from conftest import CORPUS_DIR, make_settings
from qa.embedders import HashingEmbedder
from qa.index_store import (
    IndexCorrupt,
    IndexMissing,
    IndexStale,
    build_index,
    current_build,
    load_index,
)
from qa.pipeline import Pipeline

QUESTION = "深圳每万人口高价值发明专利拥有量是多少?"
QA_BIN = Path(sys.executable).with_name("qa")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seed corpus, built once; tests corrupt copies of it."""
    index_dir = tmp_path_factory.mktemp("pristine") / "index"
    build_index(make_settings(CORPUS_DIR, index_dir), HashingEmbedder())
    return index_dir


@pytest.fixture()
def index_copy(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(pristine, target)
    return target


def _answer(settings) -> tuple[str | None, list[str], list[str]]:
    """What a client would see: the answer, its citations and the passages shown (never empty here)."""
    result = Pipeline.load(settings, build_if_missing=False).ask(QUESTION)
    passages = [p.chunk_id for p in result.passages]
    assert passages
    return result.answer, [c.chunk_id for c in result.citations], passages


# ------------------------------------------------------------------------------------- missing


def test_missing_index_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    settings = make_settings(CORPUS_DIR, tmp_path / "nothing-here")
    with pytest.raises(IndexMissing, match=r"(?i)run `qa index`"):
        Pipeline.load(settings, build_if_missing=False)
    record("index", "missing index", "IndexMissing naming `qa index`")


# ------------------------------------------------------------------------------------- corrupt


def _empty(data: bytes) -> bytes | None:
    return b""


def _half(data: bytes) -> bytes | None:
    return data[: len(data) // 2]


def _flip_middle(data: bytes) -> bytes | None:
    damaged = bytearray(data)
    middle = len(damaged) // 2
    for i in range(middle, min(len(damaged), middle + 32)):
        damaged[i] ^= 0x5A
    return bytes(damaged)


def _flip_last(data: bytes) -> bytes | None:
    damaged = bytearray(data)
    damaged[-2] ^= 0x01  # one bit in the last float / the last JSON line
    return bytes(damaged)


def _delete(data: bytes) -> bytes | None:
    return None


DAMAGE = {"empty": _empty, "truncated": _half, "bytes-flipped": _flip_middle, "one-bit": _flip_last, "deleted": _delete}
FILES = [
    "vectors.npy",
    "chunks.jsonl",
    "documents.jsonl",
    "manifest.json",
    "bm25/data.csc.index.npy",
    "bm25/indices.csc.index.npy",
    "bm25/indptr.csc.index.npy",
    "bm25/vocab.index.json",
    "bm25/params.index.json",
]


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("name", FILES)
def test_damaged_file_is_refused(index_copy: Path, name: str, damage: str) -> None:
    settings = make_settings(CORPUS_DIR, index_copy)
    target = current_build(index_copy) / name
    damaged = DAMAGE[damage](target.read_bytes())
    if damaged is None:
        target.unlink()
    else:
        target.write_bytes(damaged)
    if name == "manifest.json" and damage == "one-bit":
        # a bit flip inside the manifest may still be valid JSON: then it must be refused as stale
        # or damaged, never loaded with a different meaning
        with pytest.raises((IndexCorrupt, IndexStale), match=r"(?i)run `qa index`") as refused:
            Pipeline.load(settings, build_if_missing=False)
    else:
        with pytest.raises(IndexCorrupt, match=r"run `qa index` to rebuild it") as refused:
            Pipeline.load(settings, build_if_missing=False)
    record("index", f"{name} {damage}", type(refused.value).__name__, file=name, damage=damage)


@pytest.mark.parametrize(
    "content",
    ["", "\n", "no-such-build\n", "../../etc\n"],
    ids=["empty", "newline", "unknown-build", "path-escape"],
)
def test_current_pointer_damaged(index_copy: Path, content: str) -> None:
    (index_copy / "CURRENT").write_text(content, encoding="utf-8")
    with pytest.raises(IndexCorrupt, match=r"(?i)run `qa index`"):
        Pipeline.load(make_settings(CORPUS_DIR, index_copy), build_if_missing=False)
    record("index", f"CURRENT pointer {content.strip() or 'empty'!r}", "IndexCorrupt naming `qa index`")


@pytest.mark.parametrize("manifest", ["[]", "null", '"text"', '{"format_version": 1}'])
def test_manifest_of_the_wrong_shape(index_copy: Path, manifest: str) -> None:
    (current_build(index_copy) / "manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises((IndexCorrupt, IndexStale), match=r"(?i)run `qa index`"):
        Pipeline.load(make_settings(CORPUS_DIR, index_copy), build_if_missing=False)
    record("index", f"manifest.json = {manifest}", "refused naming `qa index`")


def test_rebuild_after_corruption_recovers(index_copy: Path) -> None:
    settings = make_settings(CORPUS_DIR, index_copy)
    before = _answer(settings)
    (current_build(index_copy) / "vectors.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(IndexCorrupt):
        load_index(settings, HashingEmbedder())
    build_index(settings, HashingEmbedder())
    assert _answer(settings) == before


# ------------------------------------------------------------------------------------- stale


def _edit_manifest(index_dir: Path, **changes: object) -> None:
    path = current_build(index_dir) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(changes)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_other_format_version_is_stale(index_copy: Path) -> None:
    _edit_manifest(index_copy, format_version=999)
    with pytest.raises(IndexStale, match=r"format_version is 999.*qa index"):
        Pipeline.load(make_settings(CORPUS_DIR, index_copy), build_if_missing=False)
    record("index", "manifest from another format version", "IndexStale naming `qa index`")


def test_other_embedder_is_stale(index_copy: Path) -> None:
    settings = make_settings(CORPUS_DIR, index_copy)
    with pytest.raises(IndexStale, match=r"embedder is 'hashing:256', settings need 'hashing:128'.*qa index"):
        load_index(settings, HashingEmbedder(dim=128))
    _edit_manifest(index_copy, embedder="e5-small:intfloat/multilingual-e5-small")
    with pytest.raises(IndexStale, match=r"embedder"):
        Pipeline.load(settings, build_if_missing=False)
    record("index", "index built with another embedder", "IndexStale naming `qa index`")


def test_changed_corpus_is_stale_and_rebuilt_when_asked(corpus_copy: Path, tmp_path: Path) -> None:
    settings = make_settings(corpus_copy, tmp_path / "index")
    build_index(settings, HashingEmbedder())
    (corpus_copy / "new-doc.txt").write_text(
        "发布时间:2024-06-01 09:00\n来源:测试日报\n2024年,测试市知识产权质押融资登记金额达到777亿元。\n", encoding="utf-8"
    )
    with pytest.raises(IndexStale, match=r"corpus .* changed since the index was built.*qa index"):
        Pipeline.load(settings, build_if_missing=False)
    pipeline = Pipeline.load(settings, build_if_missing=False, rebuild_stale=True)
    assert "new-doc" in pipeline.documents
    assert pipeline.search("质押融资登记金额 777亿元", retriever="bm25", top_k=1).passages[0].doc_id == "new-doc"
    record("index", "corpus changed since build", "IndexStale; rebuild_stale=True rebuilds and serves the change")


# ------------------------------------------------------------------------------ killed builds

_BUILD_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from qa import index_store
    from qa.embedders import HashingEmbedder
    from qa.settings import Settings

    corpus, index, stage, marker = sys.argv[1:5]

    def stall():
        Path(marker).write_text(str(os.getpid()))
        time.sleep(120)

    class SlowEmbedder(HashingEmbedder):
        def embed_passages(self, texts):
            if stage == "embedding":
                stall()
            return super().embed_passages(texts)

    if stage == "writing":
        write = index_store.write_jsonl
        def stalled_write(path, rows):
            write(path, rows)
            if path.name == "chunks.jsonl":
                stall()
        index_store.write_jsonl = stalled_write
    if stage == "switching":
        atomic = index_store.atomic_write_text
        def stalled_atomic(path, text):
            if path.name == "CURRENT":
                stall()
            atomic(path, text)
        index_store.atomic_write_text = stalled_atomic

    settings = Settings(corpus_dir=corpus, index_dir=index, embedder="hashing", show_progress=False)
    index_store.build_index(settings, SlowEmbedder())
    """
)


@pytest.mark.parametrize("stage", ["embedding", "writing", "switching"])
def test_build_killed_midway_leaves_previous_index(corpus_copy: Path, tmp_path: Path, stage: str) -> None:
    index_dir = tmp_path / "index"
    settings = make_settings(corpus_copy, index_dir)
    build_index(settings, HashingEmbedder())
    current = (index_dir / "CURRENT").read_text()
    before = _answer(settings)

    shutil.rmtree(index_dir / "cache")  # so the killed build has chunks to embed
    marker = tmp_path / "stalled"
    proc = subprocess.Popen(
        [sys.executable, "-c", _BUILD_SCRIPT, str(corpus_copy), str(index_dir), stage, str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, f"build exited early with {proc.returncode}"
            assert time.monotonic() < deadline, "build never reached the stall point"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    leftovers = sorted(p.name for p in (index_dir / "builds").iterdir())
    # the previous build is still current, loads and answers as before
    assert (index_dir / "CURRENT").read_text() == current
    assert _answer(settings) == before

    # the next build is not disturbed by the leftover temp dir / unswitched build, and cleans up
    (corpus_copy / "added.txt").write_text(
        "发布时间:2024-07-01 09:00\n来源:测试日报\n2024年,测试市新增海外知识产权纠纷应对指导站41个。\n", encoding="utf-8"
    )
    build_index(settings, HashingEmbedder())
    pipeline = Pipeline.load(settings, build_if_missing=False)
    assert "added" in pipeline.documents
    assert not [p for p in (index_dir / "builds").iterdir() if p.name.startswith(".tmp-")]
    record(
        "index",
        f"build SIGKILLed while {stage}",
        "previous index still current and answering; next build succeeds and prunes leftovers",
        leftovers=leftovers,
    )


def _multiplied_corpus(target: Path, copies: int) -> Path:
    """The seed corpus many times over, each copy made unique so none is skipped as a duplicate."""
    target.mkdir()
    for source in sorted(CORPUS_DIR.glob("*.txt")):
        text = source.read_text(encoding="utf-8")
        for i in range(copies):
            (target / f"{source.stem}-{i:03d}.txt").write_text(text + f"\n编号{i}\n", encoding="utf-8")
    return target


@pytest.mark.slow
def test_qa_index_cli_killed_at_several_moments(tmp_path: Path) -> None:
    """The real `qa index` process, SIGKILLed at increasing delays into a multi-second build."""
    corpus = _multiplied_corpus(tmp_path / "corpus", copies=30)
    index_dir = tmp_path / "index"
    settings = make_settings(corpus, index_dir)
    build_index(settings, HashingEmbedder())
    current = (index_dir / "CURRENT").read_text()
    before = _answer(settings)
    (index_dir / "cache").exists() and shutil.rmtree(index_dir / "cache")  # make the next build re-embed
    command = [str(QA_BIN), "--corpus-dir", str(corpus), "--index-dir", str(index_dir), "--embedder", "hashing",
               "--no-progress", "index"]
    outcomes = []
    for delay in (0.5, 2.0, 4.0):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = (index_dir / "CURRENT").read_text()
        published = now != current
        outcomes.append({"delay_s": delay, "finished_before_kill": finished, "published_before_kill": published})
        # Killed mid-build, CURRENT names either the previous build or, when the kill came after the new
        # build was published but before the process exited, the new one, complete: never a partial one.
        assert (index_dir / "builds" / now.strip()).is_dir()
        current = now
        assert _answer(settings) == before
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _answer(settings) == before
    assert not [p for p in (index_dir / "builds").iterdir() if p.name.startswith(".tmp-")]
    record("index", "`qa index` SIGKILLed at 0.5/2/4 s", "previous index current and answering each time", kills=outcomes)


# ------------------------------------------------------------------------------------------ CLI


def test_cli_search_on_corrupted_index_prints_one_line_error(index_copy: Path) -> None:
    target = current_build(index_copy) / "vectors.npy"
    target.write_bytes(target.read_bytes()[:100])
    result = subprocess.run(
        [str(QA_BIN), "--corpus-dir", str(CORPUS_DIR), "--index-dir", str(index_copy), "--embedder", "hashing",
         "--no-progress", "--log-level", "ERROR", "search", "发明专利"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "damaged" in errors[0] and "qa index" in errors[0]
    assert result.stdout == ""
    record("index", "`qa search` on a damaged index", f"exit {result.returncode}, one line: {errors[0][:80]}…")
