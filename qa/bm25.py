"""BM25 over pre-tokenized chunks, with bm25s as the engine (BM25+ variant, as rank-bm25's BM25Plus)."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

log = logging.getLogger(__name__)
# bm25s pins its logger at DEBUG on import, which prints its chatter whatever QA_LOG_LEVEL says
logging.getLogger("bm25s").setLevel(logging.NOTSET)
METHOD = "bm25+"


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, unordered; ties at the cut go to the lowest positions."""
    n = len(scores)
    if k >= n:
        return np.arange(n)
    candidates = np.arange(n)
    stride = n // (4 * k)
    if stride > 1:
        # the k-th highest of a strided sample is at most the k-th highest of all, so every top-k
        # score is >= it: an exact cut that leaves a few hundred candidates instead of ~100k
        bound = np.partition(scores[::stride], -k)[-k]
        candidates = np.flatnonzero(scores >= bound)
    values = scores[candidates]
    kth = np.partition(values, -k)[-k]
    above = candidates[values > kth]
    ties = candidates[values == kth]
    return np.concatenate([above, ties[: k - len(above)]])


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

    def doc_freq(self, token: str) -> int:
        """How many chunks hold the token (0 when it is not in the vocabulary)."""
        i = self._vocab.get(token) if token else None
        if i is None:
            return 0
        indptr = self._model.scores["indptr"]
        return int(indptr[i + 1] - indptr[i])

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

    def _sparse(self, ids: list[int]) -> np.ndarray:
        """The postings part of the scores, summed as bm25s sums them (token by token, in query
        order; a token's postings hold each row once). Positive exactly on the rows that hold a
        query token: the BM25+ floor of absent tokens is not in it."""
        scores_ = self._model.scores
        indptr, indices, data = scores_["indptr"], scores_["indices"], scores_["data"]
        sparse = np.zeros(self.size, dtype=data.dtype)
        for i in ids:
            np.add.at(sparse, indices[indptr[i] : indptr[i + 1]], data[indptr[i] : indptr[i + 1]])
        return sparse

    def _floor(self, ids: list[int]) -> np.floating | float:
        nonoccurrence = self._model.nonoccurrence_array
        return 0.0 if nonoccurrence is None else nonoccurrence[np.asarray(ids)].sum()

    def search(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top-k (row, score), best first, among the rows that match a query token."""
        # one pass over the postings gives both the matching rows and their scores: at 100k chunks
        # np.unique over the postings of common tokens plus a second scoring pass cost ~20 ms
        ids = self._ids(query_tokens)
        if not ids:
            return []
        sparse = self._sparse(ids)
        rows = np.flatnonzero(sparse > 0)
        if not len(rows):
            return []
        scores = sparse[rows]
        scores += self._floor(ids)
        top = top_k(scores, min(k, len(rows)))
        order = sorted(top.tolist(), key=lambda i: (-float(scores[i]), int(rows[i])))
        return [(int(rows[i]), float(scores[i])) for i in order]

    def save(self, directory: Path) -> None:
        self._model.save(str(directory), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> "BM25Index":
        model = bm25s.BM25.load(str(directory), mmap=False, allow_pickle=False)
        return cls(model)
