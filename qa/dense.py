"""Vector search with FAISS: exact inner product on normalized vectors, HNSW above a size threshold."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

FLAT = "flat"
HNSW = "hnsw"


class DenseIndex:
    def __init__(self, index: faiss.Index, kind: str) -> None:
        self._index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_threshold: int, m: int = 32, ef_search: int = 1024) -> "DenseIndex":
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        if len(vectors) > hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = ef_search
            kind = HNSW
        else:
            index = faiss.IndexFlatIP(dim)
            kind = FLAT
        if len(vectors):
            index.add(vectors)
        return cls(index, kind)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, self.size)
        if k <= 0:
            return []
        scores, rows = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        hits = [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]
        hits.sort(key=lambda hit: (-hit[1], hit[0]))
        return hits

    def save(self, path: Path) -> None:
        """Only HNSW graphs are stored: a flat index is rebuilt from vectors.npy in milliseconds."""
        if self.kind == HNSW:
            faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, vectors: np.ndarray, path: Path, hnsw_threshold: int, ef_search: int = 1024) -> "DenseIndex":
        if len(vectors) > hnsw_threshold and path.exists():
            index = faiss.read_index(str(path))
            index.hnsw.efSearch = ef_search
            if index.ntotal != len(vectors):
                raise ValueError(f"{path.name} holds {index.ntotal} vectors, vectors.npy {len(vectors)}")
            return cls(index, HNSW)
        return cls.build(vectors, hnsw_threshold, ef_search=ef_search)
