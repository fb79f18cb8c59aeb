"""Retrievers over a loaded index: BM25, dense, and their fusion. All return ranked Passages."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from .embedders import Embedder
from .fusion import Fused, minmax, rrf
from .index_store import LoadedIndex
from .normalize import normalize
from .settings import FusionMode, RetrieverName, Settings
from .tokenize import tokenize_normalized
from .types import Passage


@dataclass
class Timings:
    """Milliseconds spent per stage of one request."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + (time.perf_counter() - started) * 1000


class Retriever(Protocol):
    name: RetrieverName

    def retrieve(self, query: str, top_k: int, timings: Timings | None = None) -> list[Passage]: ...


def _passages(index: LoadedIndex, fused: list[Fused], top_k: int) -> list[Passage]:
    out = []
    for rank, item in enumerate(fused[:top_k], start=1):
        chunk = index.chunks[item.row]
        doc = index.documents[chunk.doc_id]
        bm25_rank, dense_rank = item.ranks
        out.append(
            Passage(
                rank=rank,
                chunk_id=chunk.chunk_id,
                doc_id=chunk.doc_id,
                title=doc.title,
                text=chunk.text,
                score=round(item.score, 6),
                bm25_rank=bm25_rank,
                dense_rank=dense_rank,
                start=chunk.start,
                end=chunk.end,
                row=item.row,
            )
        )
    return out


class IndexRetriever:
    """One class serves all three modes so that every passage reports both of its ranks."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: Settings, name: RetrieverName) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.name = name

    def _bm25(self, norm_query: str, timings: Timings) -> list[tuple[int, float]]:
        started = time.perf_counter()
        hits = self.index.bm25.search(tokenize_normalized(norm_query), self.settings.candidates)
        timings.add("bm25", started)
        return hits

    def _dense(self, norm_query: str, timings: Timings) -> list[tuple[int, float]]:
        started = time.perf_counter()
        vector = self.embedder.embed_query(norm_query)
        timings.add("embed", started)
        started = time.perf_counter()
        hits = self.index.dense.search(vector, self.settings.candidates)
        timings.add("dense", started)
        return hits

    def retrieve(self, query: str, top_k: int, timings: Timings | None = None) -> list[Passage]:
        timings = timings if timings is not None else Timings()
        norm_query = normalize(query.strip())
        if not norm_query:
            return []
        bm25_hits = self._bm25(norm_query, timings) if self.name is not RetrieverName.dense else []
        dense_hits = self._dense(norm_query, timings) if self.name is not RetrieverName.bm25 else []
        started = time.perf_counter()
        if self.name is RetrieverName.bm25:
            fused = [Fused(row, score, (rank, None)) for rank, (row, score) in enumerate(bm25_hits, start=1)]
        elif self.name is RetrieverName.dense:
            fused = [Fused(row, score, (None, rank)) for rank, (row, score) in enumerate(dense_hits, start=1)]
        elif self.settings.fusion is FusionMode.rrf:
            fused = rrf([bm25_hits, dense_hits], k=self.settings.rrf_k)
        else:
            weight = self.settings.minmax_weight
            fused = minmax([bm25_hits, dense_hits], [1.0 - weight, weight])
        passages = _passages(self.index, fused, top_k)
        timings.add("fusion", started)
        return passages
