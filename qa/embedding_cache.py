"""Passage embeddings kept between builds, by chunk content hash (index/cache/<embedder>.npz), so a
rebuild embeds only the chunks that changed."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np

from .index_files import ensure_dir
from .vectors import BadVectors, finite_rows

log = logging.getLogger(__name__)


def cache_path(index_dir: Path, embedder_id: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder_id)
    return index_dir / "cache" / f"{slug}.npz"


def load_embedding_cache(index_dir: Path, embedder_id: str, dim: int) -> dict[str, np.ndarray]:
    """Cached passage vectors by content hash. Nothing in the cache is trusted: a file that does not
    load, or whose arrays have the wrong kind or shape, is ignored whole; rows with NaN or infinite
    values are dropped one by one. Either way the chunks are embedded again, with a log line."""
    path = cache_path(index_dir, embedder_id)
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
    path = cache_path(index_dir, embedder_id)
    ensure_dir(path.parent)
    keys = np.array(sorted(cache), dtype="<U64")
    vectors = np.stack([cache[k] for k in keys]) if len(keys) else np.zeros((0, dim), np.float32)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
    os.replace(tmp, path)

