"""Retrievers over a loaded index. All return ranked Passages.

Small pieces behind one protocol, composed as Pyserini composes its searchers:

- a *list retriever* ranks the index by one signal: `BM25Retriever` (sparse) and `DenseRetriever`
  here, their Milvus counterparts in qa/milvus_retrieval.py;
- `HybridRetriever(sparse, dense, fusion)` runs any two of them and fuses their lists with a
  `Fusion`: `RRFFusion` (reciprocal rank fusion) or `MinMaxFusion` here, Milvus's own RRF there.

For a question without Chinese the fused ranking is fused again with the ranking of the question read
in the Chinese words of its best Chinese candidates (`qa.crosslingual`), and then takes Chinese and
other passages in turn after its first (`qa.languages`): an English question over Chinese news
otherwise sees only the English pages.

Every passage reports its rank in each list that was run (`bm25_rank`, `dense_rank`). `Pipeline`
(qa/pipeline.py) chooses and composes the pieces from the settings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from .crosslingual import chinese_question
from .english_anchors import english_anchors, said
from .embedders import Embedder
from .fusion import Fused, Ranked, minmax, rrf
from .index_store import LoadedIndex
from .languages import interleave_scripts, latin_script, mostly_chinese
from .normalize import normalize
from .settings import FusionMode, RetrieverName
from .tokenize import tokenize_normalized
from .types import Passage

__all__ = [
    "BM25Retriever", "DenseRetriever", "Fusion", "HybridRetriever", "ListRetriever", "MinMaxFusion", "Passage",
    "Query", "RRFFusion", "Retriever", "Timings", "fusion_for", "to_passages",
]


@dataclass
class Timings:
    """Milliseconds spent per stage of one request."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + (time.perf_counter() - started) * 1000


class Retriever(Protocol):
    name: RetrieverName

    def retrieve(self, query: str, top_k: int, timings: Timings | None = None) -> list[Passage]: ...


@dataclass
class Query:
    """One retrieval request as the pieces see it."""

    text: str  # normalized
    top_k: int
    timings: Timings
    vector: Any = None  # the embedded query, set by the dense retriever that embedded it


def to_passages(index: LoadedIndex, fused: list[Fused], top_k: int) -> list[Passage]:
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


def _query(text: str, top_k: int, timings: Timings | None) -> Query | None:
    """The normalized request, or None when nothing is left to look for."""
    norm = normalize(text.strip())
    return Query(norm, top_k, timings if timings is not None else Timings()) if norm else None


class ListRetriever:
    """A retriever of one ranked list; its rank is the passages' rank in `slot` (0: BM25, 1: dense),
    the other rank is None. Subclasses give `name`, `slot`, `index` and `ranked`."""

    name: RetrieverName
    slot: int
    index: LoadedIndex

    def ranked(self, query: Query) -> Ranked:
        """(row, score) best first, recording its own stages in query.timings."""
        raise NotImplementedError

    def retrieve(self, query: str, top_k: int, timings: Timings | None = None) -> list[Passage]:
        request = _query(query, top_k, timings)
        if request is None:
            return []
        hits = self.ranked(request)
        started = time.perf_counter()
        fused = [Fused(row, score, (rank, None) if self.slot == 0 else (None, rank)) for rank, (row, score) in enumerate(hits, 1)]
        passages = to_passages(self.index, fused, top_k)
        request.timings.add("fusion", started)
        return passages


class BM25Retriever(ListRetriever):
    """Sparse: BM25 over the index's tokens, `candidates` deep (another backend overrides `search`)."""

    name = RetrieverName.bm25
    slot = 0

    def __init__(self, index: LoadedIndex, candidates: int) -> None:
        self.index = index
        self.candidates = candidates

    def ranked(self, query: Query) -> Ranked:
        started = time.perf_counter()
        hits = self.search(query.text, query.top_k)
        query.timings.add("bm25", started)
        return hits

    def search(self, text: str, top_k: int) -> Ranked:
        return self.index.bm25.search(tokenize_normalized(text), self.candidates)


class DenseRetriever(ListRetriever):
    """Dense: the embedded query against the index's vectors, `candidates` deep (another backend
    overrides `embed` and `search`)."""

    name = RetrieverName.dense
    slot = 1

    def __init__(self, index: LoadedIndex, embedder: Embedder, candidates: int) -> None:
        self.index = index
        self.embedder = embedder
        self.candidates = candidates

    def ranked(self, query: Query) -> Ranked:
        started = time.perf_counter()
        query.vector = self.embed(query.text)
        query.timings.add("embed", started)
        started = time.perf_counter()
        hits = self.search(query.vector, query.top_k)
        query.timings.add("dense", started)
        return hits

    def embed(self, text: str) -> Any:
        return self.embedder.embed_query(text)

    def search(self, vector: Any, top_k: int) -> Ranked:
        return self.index.dense.search(vector, self.candidates)


class Fusion(Protocol):
    def fuse(self, lists: list[Ranked], query: Query) -> list[Fused]:
        """One list from the sparse and the dense list, best first, each item with both ranks."""
        ...


@dataclass(frozen=True)
class RRFFusion:
    k: int = 60

    def fuse(self, lists: list[Ranked], query: Query) -> list[Fused]:
        return rrf(lists, k=self.k)


@dataclass(frozen=True)
class MinMaxFusion:
    dense_weight: float  # the sparse list weighs 1 - dense_weight

    def fuse(self, lists: list[Ranked], query: Query) -> list[Fused]:
        return minmax(lists, [1.0 - self.dense_weight, self.dense_weight])


def fusion_for(mode: FusionMode, rrf_k: int, minmax_weight: float) -> Fusion:
    return RRFFusion(rrf_k) if mode is FusionMode.rrf else MinMaxFusion(minmax_weight)


TRANSLATION_POOL = 20  # an English question's best Chinese candidates whose words its Chinese reading may use
OTHER_SCRIPT_AT = 5  # a Chinese question's English passages that say its names come after its first five
OTHER_SCRIPT_PASSAGES = 2


class HybridRetriever:
    """Runs a sparse and a dense list retriever over the same index and fuses their lists."""

    name = RetrieverName.hybrid

    def __init__(self, sparse: ListRetriever, dense: ListRetriever, fusion: Fusion) -> None:
        self.sparse = sparse
        self.dense = dense
        self.fusion = fusion
        self.index = sparse.index
        self._other_script: bool | None = None

    def _with_chinese_reading(self, request: Query, fused: list[Fused]) -> list[Fused]:
        """An English question's ranking fused (RRF) with the ranking of its reading in the Chinese
        words of its best Chinese candidates (`crosslingual.chinese_question`): BM25 matches the
        Chinese evidence only through those words. Passages keep the English question's ranks."""
        chunks = [self.index.chunks[f.row] for f in fused[:TRANSLATION_POOL]]
        titles = [doc.title for doc_id in dict.fromkeys(c.doc_id for c in chunks) if (doc := self.index.documents.get(doc_id))]
        chinese = chinese_question(request.text, [c.text for c in chunks], titles, unseen_terms=True, unseen_places=False)
        reading = _query(chinese, request.top_k, request.timings) if chinese else None
        if reading is None:
            return fused
        again = self.fusion.fuse([self.sparse.ranked(reading), self.dense.ranked(reading)], reading)
        ranks = {f.row: f.ranks for f in again} | {f.row: f.ranks for f in fused}
        merged = rrf([[(f.row, f.score) for f in fused], [(f.row, f.score) for f in again]])
        return [Fused(m.row, m.score, ranks[m.row]) for m in merged]

    def _english_pages(self) -> bool:
        """Whether the index holds passages in Latin script (figures alone are none): counted when the
        index was built, looked at once here for a build from before that count."""
        if self._other_script is None:
            counted = self.index.manifest.get("counts", {}).get("latin_chunks")
            self._other_script = bool(counted) if counted is not None else any(latin_script(c.text) for c in self.index.chunks)
        return self._other_script

    def _with_english_passages(self, request: Query, fused: list[Fused]) -> list[Fused]:
        """A Chinese question's ranking with the English passages that say its names as English
        writes them (`english_anchors`: 浙江 -> Zhejiang, EPO) placed right after its first five, the
        best two by BM25 over those names: an English table of provinces has no word of the question,
        and the first five, which the answer is read from first, stay the question's own."""
        anchors = english_anchors(request.text)
        reading = _query(" ".join(anchors), request.top_k, request.timings) if anchors else None
        if reading is None:
            return fused
        head = {f.row for f in fused[:OTHER_SCRIPT_AT]}
        chunks, norms = self.index.chunks, self.index.chunk_norms
        found = [
            (row, score) for row, score in self.sparse.ranked(reading)
            if score > 0 and row not in head and latin_script(chunks[row].text) and said(norms[row], anchors)
        ]  # (passages of English that say one of the names)
        if not found:
            return fused
        # the page that says most of the names first (the Madrid table's Zhejiang row, not another
        # table's), then BM25; a second passage is one that says a name the first does not (the
        # table's heading says Madrid, its row Zhejiang), else the next
        pages = {d: len(said(self.index.doc_norms[d], anchors)) for d in {chunks[row].doc_id for row, _ in found}}
        found.sort(key=lambda h: (pages[chunks[h[0]].doc_id], h[1]), reverse=True)
        extra: list[int] = []
        covered: set[str] = set()
        for row, _ in found:
            names = said(norms[row], anchors)
            if not extra or names - covered:
                extra.append(row)
                covered |= names
            if len(extra) == OTHER_SCRIPT_PASSAGES:
                break
        extra += [row for row, _ in found if row not in extra][: OTHER_SCRIPT_PASSAGES - len(extra)]
        ranked = {f.row: f for f in fused}
        moved = [ranked.get(row) or Fused(row, 0.0, (None, None)) for row in extra]
        return fused[:OTHER_SCRIPT_AT] + moved + [f for f in fused[OTHER_SCRIPT_AT:] if f.row not in extra]

    def retrieve(self, query: str, top_k: int, timings: Timings | None = None) -> list[Passage]:
        request = _query(query, top_k, timings)
        if request is None:
            return []
        lists = [self.sparse.ranked(request), self.dense.ranked(request)]
        started = time.perf_counter()
        fused = self.fusion.fuse(lists, request)
        if not mostly_chinese(request.text):  # an English question: Chinese passages get their turn too
            chunks = self.index.chunks
            fused = self._with_chinese_reading(request, fused)
            fused = interleave_scripts(fused, lambda f: mostly_chinese(chunks[f.row].text))
        elif self._english_pages():
            fused = self._with_english_passages(request, fused)
        passages = to_passages(self.index, fused, top_k)
        request.timings.add("fusion", started)
        return passages

