"""Retrievers on Milvus: BM25 (server-side BM25 Function), dense, and Milvus's own RRF hybrid.

They honour the Retriever protocol of qa.retrieval and return the same Passages: Milvus answers
with chunk ids, and text, titles and offsets come from the local LoadedIndex the ids belong to.
Hybrid runs the BM25 and dense searches (for each passage's two ranks) and a `hybrid_search` with
`RRFRanker(rrf_k)` whose order is the result; min-max fusion, which Milvus does not offer in the
same form, is computed here from the two lists."""

from __future__ import annotations

import logging
import time
from typing import Any

from .embedders import Embedder
from .fusion import Fused, minmax
from .index_store import LoadedIndex, Progress
from .milvus_backend import DENSE_METRIC, _guard, connect, in_sync, sync_to_milvus
from .normalize import normalize
from .retrieval import Passage, Retriever, Timings, _passages
from .settings import FusionMode, RetrieverName, Settings

log = logging.getLogger(__name__)

Hits = list[tuple[str, float]]  # (chunk_id, score), best first


class MilvusRetriever:
    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: Settings, name: RetrieverName, client: Any) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.name = name
        self.client = client
        self.collection = settings.milvus_collection
        self._rows = {chunk.chunk_id: row for row, chunk in enumerate(index.chunks)}

    def _search(self, data: list, field: str, metric: str, limit: int) -> Hits:
        results = self.client.search(
            self.collection, data=data, anns_field=field, limit=limit,
            search_params={"metric_type": metric}, output_fields=["chunk_id"],
        )
        return [(hit["id"], float(hit["distance"])) for hit in results[0]] if results else []

    def _hybrid(self, norm_query: str, vector: list[float], depth: int, top_k: int) -> Hits:
        from pymilvus import AnnSearchRequest, RRFRanker

        requests = [
            AnnSearchRequest(data=[norm_query], anns_field="sparse", param={"metric_type": "BM25"}, limit=depth),
            AnnSearchRequest(data=[vector], anns_field="dense", param={"metric_type": DENSE_METRIC}, limit=depth),
        ]
        results = self.client.hybrid_search(
            self.collection, reqs=requests, ranker=RRFRanker(self.settings.rrf_k), limit=top_k,
            output_fields=["chunk_id"],
        )
        return [(hit["id"], float(hit["distance"])) for hit in results[0]] if results else []

    def _to_rows(self, hits: Hits) -> list[tuple[int, float]]:
        rows = []
        for chunk_id, score in hits:
            row = self._rows.get(chunk_id)
            if row is None:  # the collection holds a chunk this build lacks: never show it
                log.warning("Milvus returned chunk %s, which is not in build %s: skipped", chunk_id, self.index.name)
                continue
            rows.append((row, score))
        return rows

    def retrieve(self, query: str, top_k: int, timings: Timings | None = None) -> list[Passage]:
        timings = timings if timings is not None else Timings()
        norm_query = normalize(query.strip())
        if not norm_query:
            return []
        depth = max(self.settings.candidates, top_k)
        with _guard(self.settings.milvus_uri):
            bm25: list[tuple[int, float]] = []
            dense: list[tuple[int, float]] = []
            vector: list[float] = []
            if self.name is not RetrieverName.dense:
                started = time.perf_counter()
                bm25 = self._to_rows(self._search([norm_query], "sparse", "BM25", depth))
                timings.add("bm25", started)
            if self.name is not RetrieverName.bm25:
                started = time.perf_counter()
                vector = self.embedder.embed_query(norm_query).astype("float32").tolist()
                timings.add("embed", started)
                started = time.perf_counter()
                dense = self._to_rows(self._search([vector], "dense", DENSE_METRIC, depth))
                timings.add("dense", started)
            started = time.perf_counter()
            bm25_rank = {row: rank for rank, (row, _) in enumerate(bm25, start=1)}
            dense_rank = {row: rank for rank, (row, _) in enumerate(dense, start=1)}
            if self.name is RetrieverName.bm25:
                fused = [Fused(row, score, (rank, dense_rank.get(row))) for rank, (row, score) in enumerate(bm25, 1)]
            elif self.name is RetrieverName.dense:
                fused = [Fused(row, score, (bm25_rank.get(row), rank)) for rank, (row, score) in enumerate(dense, 1)]
            elif self.settings.fusion is FusionMode.rrf:
                hits = self._to_rows(self._hybrid(norm_query, vector, depth, top_k))
                fused = [Fused(row, score, (bm25_rank.get(row), dense_rank.get(row))) for row, score in hits]
            else:
                weight = self.settings.minmax_weight
                fused = minmax([bm25, dense], [1.0 - weight, weight])
            passages = _passages(self.index, fused, top_k)
            timings.add("fusion", started)
        return passages


def milvus_retrievers(
    index: LoadedIndex, embedder: Embedder, settings: Settings, progress: Progress | None = None
) -> dict[RetrieverName, Retriever]:
    """Retrievers for every mode over one client; syncs the build first when the collection lags."""
    client = connect(settings)
    with _guard(settings.milvus_uri):
        synced = in_sync(client, settings, index)
    if not synced:
        log.info("Milvus collection %s does not hold build %s yet: syncing", settings.milvus_collection, index.name)
        sync_to_milvus(settings, index, progress or (lambda stage, done, total: None), client=client)
    return {name: MilvusRetriever(index, embedder, settings, name, client) for name in RetrieverName}
