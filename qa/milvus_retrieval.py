"""Retrievers on Milvus: BM25 (server-side BM25 Function), dense, and Milvus's own RRF as a fusion.

They are the pieces of qa/retrieval.py over a Milvus collection: `MilvusBM25Retriever` and
`MilvusDenseRetriever` are the BM25 and dense retrievers searching Milvus instead, composed into a hybrid by the same `HybridRetriever`,
with `MilvusRRF` (a `hybrid_search` with `RRFRanker(rrf_k)`, whose order is the result; the two lists
give each passage its two ranks) or the local min-max fusion, which Milvus does not offer in the same
form. Milvus answers with chunk ids; text, titles and offsets come from the local LoadedIndex the ids
belong to, so the Passages are the embedded backend's."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from .embedders import Embedder
from .fusion import Fused, Ranked
from .index_store import LoadedIndex, Progress
from .milvus_backend import DENSE_METRIC, MilvusConfig, connect, in_sync, milvus_errors, sync_to_milvus
from .retrieval import BM25Retriever, DenseRetriever, Query

log = logging.getLogger(__name__)

Hits = list[tuple[str, float]]  # (chunk_id, score), best first


class MilvusCollection:
    """One client on the collection that holds `index`'s chunks; answers in the index's rows."""

    def __init__(self, index: LoadedIndex, client: Any, collection: str, uri: str) -> None:
        self.index = index
        self.client = client
        self.collection = collection
        self.uri = uri
        self._rows = {chunk.chunk_id: row for row, chunk in enumerate(index.chunks)}

    def search(self, data: list, field: str, metric: str, limit: int) -> Ranked:
        with milvus_errors(self.uri):
            results = self.client.search(
                self.collection, data=data, anns_field=field, limit=limit,
                search_params={"metric_type": metric}, output_fields=["chunk_id"],
            )
        return self._to_rows(results)

    def hybrid_rrf(self, norm_query: str, vector: list[float], depth: int, top_k: int, rrf_k: int) -> Ranked:
        from pymilvus import AnnSearchRequest, RRFRanker

        requests = [
            AnnSearchRequest(data=[norm_query], anns_field="sparse", param={"metric_type": "BM25"}, limit=depth),
            AnnSearchRequest(data=[vector], anns_field="dense", param={"metric_type": DENSE_METRIC}, limit=depth),
        ]
        with milvus_errors(self.uri):
            results = self.client.hybrid_search(
                self.collection, reqs=requests, ranker=RRFRanker(rrf_k), limit=top_k, output_fields=["chunk_id"],
            )
        return self._to_rows(results)

    def _to_rows(self, results: Any) -> Ranked:
        hits: Hits = [(hit["id"], float(hit["distance"])) for hit in results[0]] if results else []
        rows = []
        for chunk_id, score in hits:
            row = self._rows.get(chunk_id)
            if row is None:  # the collection holds a chunk this build lacks: never show it
                log.warning("Milvus returned chunk %s, which is not in build %s: skipped", chunk_id, self.index.name)
                continue
            rows.append((row, score))
        return rows


class MilvusBM25Retriever(BM25Retriever):
    """Sparse: the collection's BM25 Function, at least `candidates` deep."""

    def __init__(self, collection: MilvusCollection, candidates: int) -> None:
        super().__init__(collection.index, candidates)
        self.collection = collection

    def search(self, text: str, top_k: int) -> Ranked:
        return self.collection.search([text], "sparse", "BM25", max(self.candidates, top_k))


class MilvusDenseRetriever(DenseRetriever):
    """Dense: the embedded query against the collection's vectors, at least `candidates` deep."""

    def __init__(self, collection: MilvusCollection, embedder: Embedder, candidates: int) -> None:
        super().__init__(collection.index, embedder, candidates)
        self.collection = collection

    def embed(self, text: str) -> list[float]:
        return super().embed(text).astype("float32").tolist()

    def search(self, vector: list[float], top_k: int) -> Ranked:
        return self.collection.search([vector], "dense", DENSE_METRIC, max(self.candidates, top_k))


@dataclass(frozen=True)
class MilvusRRF:
    """Milvus's RRF over its BM25 and dense searches (the query's vector, as MilvusDenseRetriever left it)."""

    collection: MilvusCollection
    k: int
    candidates: int

    def fuse(self, lists: list[Ranked], query: Query) -> list[Fused]:
        bm25_rank, dense_rank = ({row: rank for rank, (row, _) in enumerate(hits, start=1)} for hits in lists)
        depth = max(self.candidates, query.top_k)
        hits = self.collection.hybrid_rrf(query.text, query.vector, depth, query.top_k, self.k)
        return [Fused(row, score, (bm25_rank.get(row), dense_rank.get(row))) for row, score in hits]


def milvus_collection(index: LoadedIndex, config: MilvusConfig, progress: Progress | None = None) -> MilvusCollection:
    """The configured collection, synced to `index` first when it lags."""
    client = connect(config)
    with milvus_errors(config.milvus_uri):
        synced = in_sync(client, config, index)
    if not synced:
        log.info("Milvus collection %s does not hold build %s yet: syncing", config.milvus_collection, index.name)
        sync_to_milvus(config, index, progress or (lambda stage, done, total: None), client=client)
    return MilvusCollection(index, client, config.milvus_collection, config.milvus_uri)
