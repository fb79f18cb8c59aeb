"""Chunks on Milvus: connection, collection schema, and the sync of a local build into it.

The same pymilvus client code talks to an embedded Milvus Lite file (`milvus_uri` is a path ending
in .db) and to a Milvus server or cluster (`milvus_uri` is http://host:19530). Milvus holds what
retrieval needs: the normalized chunk text (BM25 is computed server-side by a BM25 Function over a
jieba analyzer) and the chunk vectors of the local build (copied, never re-embedded). Documents and
chunk text for answering keep coming from the local LoadedIndex.

    <collection>        chunk_id (pk), doc_id, start, end, text, norm_text (analyzed), fingerprint,
                        dense (FLOAT_VECTOR, COSINE), sparse (BM25 output of norm_text)
    <collection>_sync   one marker row per collection: the build/corpus/embedder last synced
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import string
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .index_files import build_lock
from .index_store import IndexCorrupt, IndexError_, LoadedIndex, Progress, no_progress
from .tokenize import stopwords
from .vectors import BadVectors, check_matrix

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
BATCH = 256
MAX_TEXT_BYTES = 65535
SCAN_BATCH = 1000
# Milvus Lite 2.5 builds FLAT / IVF_FLAT / AUTOINDEX for dense vectors only; a server picks its own.
LITE_DENSE_INDEX = "FLAT"
SERVER_DENSE_INDEX = "AUTOINDEX"
DENSE_METRIC = "COSINE"
LITE_GRPC_OPTIONS = {"grpc.keepalive_time_ms": 300_000, "grpc.keepalive_permit_without_calls": 0}
LITE_CONNECT_ATTEMPTS = 3

# What the analyzer does (probed on milvus-lite 2.5.1, where run_analyzer is not implemented; see
# tests/test_milvus.py): Milvus's jieba keeps decimals and percentages whole ("23.51", "15.3%") but
# splits a number from the unit after it ("23.51万件" -> "23.51" "万件", "130家" -> "130" "家"), the
# same way for chunks and queries. The stock "chinese" analyzer adds `cnalphanumonly`, which in
# 2.5.1 only drops pure punctuation (newer Milvus documents it as dropping any token with a
# character outside Han/letters/digits, which would drop "23.51" and "15.3%"); `cncharonly` drops
# every number and Latin word (PCT). So: jieba + a `stop` filter (the project's stopwords and
# punctuation), no character-class filter. Text is normalized (lowercase, half-width) before.
PUNCTUATION = sorted(set(string.punctuation) | set("。、《》“”‘’【】…—·「」『』〈〉〔〕～"))


def analyzer_params() -> dict[str, Any]:
    return {
        "tokenizer": "jieba",
        "filter": [{"type": "stop", "stop_words": sorted(stopwords()) + PUNCTUATION + [" ", "\n", "\t"]}],
    }


class MilvusUnavailable(IndexError_):
    """Milvus cannot be reached or used; the message says what to check."""


@dataclass(frozen=True)
class MilvusConfig:
    """What reaching, filling and searching the Milvus collection read from the settings (the same
    names as there): where it is, its name, and the BM25 parameters its function is made with."""

    milvus_uri: str
    milvus_token: str | None
    milvus_collection: str
    index_dir: Path  # a relative Milvus Lite path is taken from its parent
    bm25_k1: float
    bm25_b: float

    @classmethod
    def from_settings(cls, settings: Settings) -> MilvusConfig:
        """The settings' Milvus fields: the one place they are unpacked."""
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


# ------------------------------------------------------------------------------------ connection


def is_local(uri: str) -> bool:
    return "://" not in uri


def resolve_uri(config: MilvusConfig) -> str:
    """A local path (Milvus Lite; relative paths are taken from the index dir's parent) or a URL."""
    uri = config.milvus_uri.strip()
    if not is_local(uri):
        return uri
    path = Path(uri).expanduser()
    if not path.is_absolute():
        path = config.index_dir.parent / path
    if path.suffix != ".db":
        raise MilvusUnavailable(
            f"milvus_uri {uri!r} is a local path, which means Milvus Lite, whose files must end in .db: "
            "set QA_MILVUS_URI to a path like index/milvus.db or to a server URL like http://host:19530"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def connect(config: MilvusConfig):
    """A MilvusClient for the configuration (imported lazily: pymilvus is an optional extra)."""
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:
        raise MilvusUnavailable(
            "backend=milvus needs the milvus extra: pip install 'ipqa[milvus]'"
        ) from exc
    uri = resolve_uri(config)
    # pymilvus pings every 10 s even when idle; the Milvus Lite server answers an idle client's
    # pings with GOAWAY "too_many_pings" after a minute and the connection is dead from then on.
    local = is_local(config.milvus_uri)
    options = {"grpc_options": LITE_GRPC_OPTIONS} if local else {}
    # an embedded Milvus Lite server sometimes exits while starting; a fresh start then succeeds
    attempts = LITE_CONNECT_ATTEMPTS if local else 1
    for attempt in range(1, attempts + 1):
        try:
            return MilvusClient(uri=uri, token=config.milvus_token or "", **options)
        except Exception as exc:  # pymilvus raises its own exception types for every connection problem
            if attempt < attempts:
                log.warning("Milvus Lite at %s did not start (%s); trying again", uri, exc)
                time.sleep(0.5 * attempt)
                continue
            raise MilvusUnavailable(
                f"cannot connect to Milvus at {uri} ({exc}): check QA_MILVUS_URI / QA_MILVUS_TOKEN, or run "
                "with QA_BACKEND=embedded"
            ) from exc
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------- schema


def meta_collection(config: MilvusConfig) -> str:
    return config.milvus_collection + "_sync"


def _create_chunks_collection(client, name: str, dim: int, local: bool, config: MilvusConfig) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=128)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=256)
    schema.add_field("start", DataType.INT64)
    schema.add_field("end", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
    schema.add_field(
        "norm_text",
        DataType.VARCHAR,
        max_length=MAX_TEXT_BYTES,
        enable_analyzer=True,
        analyzer_params=analyzer_params(),
    )
    schema.add_field("fingerprint", DataType.VARCHAR, max_length=64)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="norm_text_bm25",
            function_type=FunctionType.BM25,
            input_field_names=["norm_text"],
            output_field_names=["sparse"],
        )
    )
    index_params = client.prepare_index_params()
    index_params.add_index(
        "dense", index_type=LITE_DENSE_INDEX if local else SERVER_DENSE_INDEX, metric_type=DENSE_METRIC
    )
    index_params.add_index(
        "sparse",
        index_type="SPARSE_INVERTED_INDEX",
        metric_type="BM25",
        params={"bm25_k1": config.bm25_k1, "bm25_b": config.bm25_b},
    )
    client.create_collection(name, schema=schema, index_params=index_params, consistency_level="Strong")


def _create_meta_collection(client, name: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=256)
    schema.add_field("value", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
    schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field
    index_params = client.prepare_index_params()
    index_params.add_index("unused", index_type="AUTOINDEX", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index_params, consistency_level="Strong")


# ---------------------------------------------------------------------------------------- marker


def wanted_marker(config: MilvusConfig, index: LoadedIndex) -> dict[str, Any]:
    """What the collection must hold to serve this build: any difference means a sync is due."""
    return {
        "schema_version": SCHEMA_VERSION,
        "build": index.name,
        "corpus": index.manifest.get("corpus", {}).get("fingerprint"),
        "embedder": index.manifest.get("embedder"),
        "dim": int(index.manifest.get("embedder_dim", index.vectors.shape[1] if index.vectors.ndim == 2 else 0)),
        "chunks": len(index.chunks),
        "analyzer": hashlib.sha256(json.dumps(analyzer_params(), sort_keys=True).encode()).hexdigest()[:16],
        "bm25": {"k1": config.bm25_k1, "b": config.bm25_b},
    }


# the marker fields that are baked into the collection schema: a change means drop and recreate
_SCHEMA_KEYS = ("schema_version", "dim", "analyzer", "bm25")


def read_marker(client, config: MilvusConfig) -> dict[str, Any] | None:
    meta = meta_collection(config)
    if not client.has_collection(meta):
        return None
    rows = client.query(meta, filter=f'key == "{config.milvus_collection}"', output_fields=["value"])
    if not rows:
        return None
    try:
        return json.loads(rows[0]["value"])
    except ValueError:
        return None


def _write_marker(client, config: MilvusConfig, marker: dict[str, Any]) -> None:
    meta = meta_collection(config)
    if not client.has_collection(meta):
        _create_meta_collection(client, meta)
    client.upsert(
        meta, [{"key": config.milvus_collection, "value": json.dumps(marker, sort_keys=True), "unused": [0.0, 0.0]}]
    )


def in_sync(client, config: MilvusConfig, index: LoadedIndex) -> bool:
    return client.has_collection(config.milvus_collection) and read_marker(client, config) == wanted_marker(
        config, index
    )


# ------------------------------------------------------------------------------------------ sync


@dataclass(frozen=True)
class SyncReport:
    collection: str
    build: str
    chunks: int
    upserted: int
    deleted: int
    skipped: bool  # the marker said the collection already holds this build


def chunk_fingerprint(index: LoadedIndex, row: int) -> str:
    """Identifies everything stored for a chunk: its place, its text, and the vector's embedder."""
    chunk = index.chunks[row]
    digest = hashlib.sha256()
    for part in (chunk.chunk_id, chunk.doc_id, str(chunk.start), str(chunk.end), chunk.text,
                 index.chunk_norms[row], str(index.manifest.get("embedder"))):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


def _stored_fingerprints(client, name: str) -> dict[str, str]:
    stored: dict[str, str] = {}
    iterator = client.query_iterator(name, batch_size=SCAN_BATCH, filter='chunk_id != ""',
                                     output_fields=["chunk_id", "fingerprint"])
    try:
        while True:
            rows = iterator.next()
            if not rows:
                break
            stored.update((r["chunk_id"], r["fingerprint"]) for r in rows)
    finally:
        iterator.close()
    return stored


def _dense_dim(client, name: str) -> int | None:
    for field in client.describe_collection(name).get("fields", []):
        if field.get("name") == "dense":
            return int(field.get("params", {}).get("dim", 0))
    return None


def _row(index: LoadedIndex, row: int, fingerprint: str) -> dict[str, Any]:
    chunk = index.chunks[row]
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "norm_text": index.chunk_norms[row],
        "fingerprint": fingerprint,
        "dense": index.vectors[row].astype("float32").tolist(),
    }


@contextlib.contextmanager
def milvus_errors(uri_hint: str) -> Iterator[None]:
    """Milvus's own failures (MilvusException, grpc errors) as MilvusUnavailable, naming the server."""
    try:
        yield
    except IndexError_:
        raise
    except Exception as exc:  # MilvusException and grpc errors carry no common base we can import eagerly
        raise MilvusUnavailable(f"Milvus at {uri_hint} failed: {exc}") from exc


def sync_to_milvus(config: MilvusConfig, index: LoadedIndex, progress: Progress = no_progress, client=None) -> SyncReport:
    """Make the collection hold exactly the chunks of this build (upsert changed, delete gone).

    Idempotent and resumable: rows are keyed by chunk_id and carry a fingerprint, so a rerun after
    an interruption upserts only what is missing or different; the marker is written last, and when
    it already matches the build nothing is read or written at all."""
    wanted = wanted_marker(config, index)
    try:  # nothing reaches the collection (or its marker) from a build whose vectors are unusable
        check_matrix(index.vectors, wanted["dim"], f"build {index.name}'s vectors")
    except BadVectors as exc:
        raise IndexCorrupt(f"{exc}: nothing was synced to Milvus; run `qa index` to rebuild the index") from None
    client = client if client is not None else connect(config)
    name = config.milvus_collection
    with milvus_errors(config.milvus_uri), build_lock(config.index_dir):
        marker = read_marker(client, config)
        exists = client.has_collection(name)
        if exists and marker == wanted:
            progress("milvus", len(index.chunks), len(index.chunks))
            return SyncReport(name, index.name, len(index.chunks), 0, 0, skipped=True)
        if exists and (
            (marker is not None and any(marker.get(k) != wanted[k] for k in _SCHEMA_KEYS))
            or (marker is None and _dense_dim(client, name) != wanted["dim"])
        ):
            log.info("collection %s was made for another schema/embedder: recreating it", name)
            client.drop_collection(name)
            exists = False
        if not exists:
            _create_chunks_collection(client, name, wanted["dim"], is_local(config.milvus_uri), config)
        stored = _stored_fingerprints(client, name)
        fingerprints = [chunk_fingerprint(index, row) for row in range(len(index.chunks))]
        todo = [row for row, fp in enumerate(fingerprints) if stored.get(index.chunks[row].chunk_id) != fp]
        current = {c.chunk_id for c in index.chunks}
        gone = [chunk_id for chunk_id in stored if chunk_id not in current]
        total = len(todo) + len(gone)
        done = 0
        progress("milvus", 0, total)
        for offset in range(0, len(todo), BATCH):
            part = todo[offset : offset + BATCH]
            client.upsert(name, [_row(index, row, fingerprints[row]) for row in part])
            done += len(part)
            progress("milvus", done, total)
        for offset in range(0, len(gone), BATCH):
            part = gone[offset : offset + BATCH]
            client.delete(name, ids=part)
            done += len(part)
            progress("milvus", done, total)
        client.flush(name)
        _write_marker(client, config, wanted)
    log.info("synced build %s to Milvus collection %s: %d upserted, %d deleted", index.name, name, len(todo), len(gone))
    return SyncReport(name, index.name, len(index.chunks), len(todo), len(gone), skipped=False)
