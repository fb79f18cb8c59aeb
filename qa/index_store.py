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

Here: building (`build_index`) and loading (`load_index`). Beside it: index_files.py (the errors,
atomic writes, the build lock), index_manifest.py (what a build was made with, checksums, staleness)
and embedding_cache.py (vectors kept between builds).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np

from .bm25 import BM25Index
from .chunking import Chunk, chunk_document
from .dense import DenseIndex
from .documents import Corpus, Document, SkippedFile, document_metadata, load_corpus
from .embedders import Embedder
from .embedding_cache import load_embedding_cache, save_embedding_cache
from .index_files import (  # the errors are the store's own: callers import them from here
    IndexBusy,
    IndexCorrupt,
    IndexError_,
    IndexMissing,
    IndexStale,
    atomic_write_text,
    build_lock,
    ensure_dir,
    fsync_dir,
    read_jsonl,
    write_jsonl,
)
from .index_manifest import IndexConfig, check_manifest, corpus_fingerprint, verify_checksums, write_manifest
from .languages import latin_script
from .normalize import normalize
from .tokenize import tokenize_normalized
from .vectors import BadVectors, check_matrix

log = logging.getLogger(__name__)

EMBED_GROUP = 128  # passages per embed_passages call while indexing
Progress = Callable[[str, int, int], None]  # (stage, done, total)


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
    config: IndexConfig, embedder: Embedder, progress: Progress = no_progress, lock_timeout_s: float | None = None
) -> BuildReport:
    """Build a new index from the corpus and make it current (only once it loads). With
    `lock_timeout_s`, IndexBusy rather than a longer wait for another process's build."""
    started = time.perf_counter()
    index_dir = config.index_dir
    with build_lock(index_dir, lock_timeout_s):
        fingerprint = corpus_fingerprint(config.corpus_dir)
        corpus = _readable_corpus(config, progress)
        documents = corpus.documents
        chunks, norms = _chunks(documents, config, progress)
        progress("bm25", 0, 1)
        bm25 = BM25Index.build([tokenize_normalized(n) for n in norms], config.bm25_k1, config.bm25_b, config.bm25_delta)
        progress("bm25", 1, 1)
        cache = load_embedding_cache(index_dir, embedder.embedder_id, embedder.dim)
        vectors, embedded, reused = _vectors(chunks, norms, embedder, cache, config, progress)
        dense = DenseIndex.build(vectors, config.hnsw_threshold, config.hnsw_m, config.hnsw_ef_search)

        builds = index_dir / "builds"
        ensure_dir(builds)
        # microseconds: two builds in the same second (one process re-indexing twice) must not collide
        name = datetime.now().strftime("%Y%m%dT%H%M%S%f") + f"-{fingerprint[:8]}-{os.getpid()}"
        tmp = builds / f".tmp-{name}"
        tmp.mkdir()
        write_jsonl(tmp / "documents.jsonl", (asdict(d) for d in documents))
        write_jsonl(tmp / "chunks.jsonl", (asdict(c) | {"norm": n} for c, n in zip(chunks, norms)))
        (tmp / "bm25").mkdir()
        bm25.save(tmp / "bm25")
        np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
        dense.save(tmp / "dense.faiss")
        counts = {
            "documents": len(documents), "chunks": len(chunks), "embedded": embedded, "reused": reused,
            "latin_chunks": sum(1 for c in chunks if latin_script(c.text)),  # English pages (retrieval reads it)
        }
        manifest = write_manifest(tmp, config, embedder, fingerprint, corpus, dense.kind, counts)
        final = builds / name
        os.rename(tmp, final)
        fsync_dir(builds)
        _check_loads(final, manifest, config)  # a build that cannot be served never becomes CURRENT
        atomic_write_text(index_dir / "CURRENT", name + "\n")
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


def _readable_corpus(config: IndexConfig, progress: Progress) -> Corpus:
    """The corpus's documents; ValueError (naming what was skipped and why) when none can be read."""
    corpus = load_corpus(config.corpus_dir, progress=progress)
    if not corpus.documents:
        skipped = "; ".join(f"{s.path}: {s.reason}" for s in corpus.skipped)
        raise ValueError(
            f"no readable documents in {config.corpus_dir}: put .txt, .md, .html, .pdf or .docx files there"
            + (f" (skipped {skipped})" if skipped else "")
        )
    return corpus


def _chunks(documents: list[Document], config: IndexConfig, progress: Progress) -> tuple[list[Chunk], list[str]]:
    """Every document's chunks, with each chunk's normalized text."""
    chunks: list[Chunk] = []
    for i, doc in enumerate(documents, start=1):
        chunks.extend(chunk_document(doc, config.chunk_size, config.chunk_overlap))
        progress("chunk", i, len(documents))
    return chunks, [normalize(c.text) for c in chunks]


def _vectors(
    chunks: list[Chunk], norms: list[str], embedder: Embedder, cache: dict[str, np.ndarray], config: IndexConfig,
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
    group = max(config.embed_batch_size or 0, EMBED_GROUP)
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


def _checked_embeddings(embedder: Embedder, texts: list[str], dim: int) -> np.ndarray:
    try:
        return check_matrix(embedder.embed_passages(texts), dim, "the embedder's output")
    except BadVectors as exc:
        raise BadVectors(
            f"{exc} (embedder {embedder.embedder_id}): the index was not changed; check the model "
            "(QA_EMBEDDER, QA_EMBEDDER_MODEL) and run `qa index` again"
        ) from None


def _check_loads(path: Path, manifest: dict, config: IndexConfig) -> None:
    """Load a finished build exactly as serving will; on failure remove it and keep CURRENT as it is."""
    try:
        _load_build(path, manifest, config)
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


def load_index(config: IndexConfig, embedder: Embedder, check_corpus: bool = True) -> LoadedIndex:
    path = current_build(config.index_dir)
    manifest = read_manifest(config.index_dir)
    check_manifest(manifest, config, embedder, check_corpus)
    return _load_build(path, manifest, config)


def _load_build(path: Path, manifest: dict, config: IndexConfig) -> LoadedIndex:
    try:
        verify_checksums(path, manifest)
        documents = [Document(**row) for row in read_jsonl(path / "documents.jsonl")]
        rows = read_jsonl(path / "chunks.jsonl")
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
        dense = DenseIndex.load(vectors, path / "dense.faiss", config.hnsw_threshold, config.hnsw_ef_search)
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
