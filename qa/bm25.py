"""BM25 over pre-tokenized chunks, with bm25s as the engine (BM25+ variant, as rank-bm25's BM25Plus)."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

log = logging.getLogger(__name__)
METHOD = "bm25+"


class BM25Index:
    def __init__(self, model: bm25s.BM25) -> None:
        self._model = model
        self._vocab: dict[str, int] = model.vocab_dict

    @classmethod
    def build(cls, corpus_tokens: list[list[str]], k1: float, b: float, delta: float) -> "BM25Index":
        model = bm25s.BM25(k1=k1, b=b, delta=delta, method=METHOD)
        # An empty chunk keeps its row (so row numbers stay chunk numbers) with length 0, as in
        # rank-bm25; a placeholder token would count in the average length and shift every score.
        # bm25s cannot index a corpus without a single token, where the placeholder is harmless.
        if not any(corpus_tokens):
            corpus_tokens = [[""] for _ in corpus_tokens]
        model.index(corpus_tokens, show_progress=False)
        return cls(model)

    @property
    def size(self) -> int:
        return int(self._model.scores["num_docs"])

    def _ids(self, query_tokens: list[str]) -> list[int]:
        """Vocabulary ids of the known query tokens, each once, in query order; bm25s' empty token
        (which has no column in the index) is left out."""
        return list(dict.fromkeys(self._vocab[t] for t in query_tokens if t and t in self._vocab))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for the query (unknown and repeated tokens ignored)."""
        ids = self._ids(query_tokens)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return self._model.get_scores_from_ids(ids)

    def matching_rows(self, query_tokens: list[str]) -> np.ndarray:
        """Rows that contain at least one query token (BM25+ gives every row a floor score)."""
        indptr, indices = self._model.scores["indptr"], self._model.scores["indices"]
        ids = self._ids(query_tokens)
        if not ids:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate([indices[indptr[i] : indptr[i + 1]] for i in ids]))

    def search(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top-k (row, score), best first, among the rows that match a query token."""
        rows = self.matching_rows(query_tokens)
        if not len(rows):
            return []
        scores = self.scores(query_tokens)[rows]
        k = min(k, len(rows))
        top = np.argpartition(-scores, k - 1)[:k]
        order = sorted(top.tolist(), key=lambda i: (-float(scores[i]), int(rows[i])))
        return [(int(rows[i]), float(scores[i])) for i in order]

    def save(self, directory: Path) -> None:
        self._model.save(str(directory), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> "BM25Index":
        model = bm25s.BM25.load(str(directory), mmap=False, allow_pickle=False)
        return cls(model)
