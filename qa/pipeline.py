"""The pipeline object every interface shares: index + embedder + retrievers + answerer."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Sequence

from .answering.followup import resolve_followup
from .documents import Document
from .embedders import Embedder, make_embedder
from .index_store import (
    IndexConfig,
    IndexMissing,
    IndexStale,
    LoadedIndex,
    Progress,
    build_index,
    load_index,
)
from .lru import LRU
from .reader import reader_from_settings
from .retrieval import (
    BM25Retriever,
    DenseRetriever,
    HybridRetriever,
    Retriever,
    Timings,
    fusion_for,
)
from .build_worker import build_in_child
from .cedict import english_names
from .crosslingual import lexicon
from .settings import Backend, EmbedderName, FusionMode, RetrieverName, Settings
from .types import AskResult, SearchResult, Turn

log = logging.getLogger(__name__)

ANSWER_POOL = 8  # passages the answerer reads, whatever top_k the caller wants shown


@dataclass(frozen=True)
class _State:
    index: LoadedIndex
    retrievers: dict[RetrieverName, Retriever]


def compose_retrievers(settings: Settings, index: LoadedIndex, embedder: Embedder) -> dict[RetrieverName, Retriever]:
    """The retrievers over `index`: a sparse and a dense one from the settings' backend, and their
    hybrid with the settings' fusion (Milvus fuses with RRF itself)."""
    s = settings
    sparse: BM25Retriever
    dense: DenseRetriever
    if s.backend is Backend.milvus:  # Milvus searches; answers still read the local build
        from .milvus_backend import MilvusConfig
        from .milvus_retrieval import MilvusBM25Retriever, MilvusDenseRetriever, MilvusRRF, milvus_collection

        collection = milvus_collection(index, MilvusConfig.from_settings(s))
        sparse = MilvusBM25Retriever(collection, s.candidates)
        dense = MilvusDenseRetriever(collection, embedder, s.candidates)
        fusion = MilvusRRF(collection, s.rrf_k, s.candidates) if s.fusion is FusionMode.rrf else None
    else:
        sparse = BM25Retriever(index, s.candidates)
        dense = DenseRetriever(index, embedder, s.candidates)
        fusion = None
    hybrid = HybridRetriever(sparse, dense, fusion or fusion_for(s.fusion, s.rrf_k, s.minmax_weight))
    return {RetrieverName.bm25: sparse, RetrieverName.dense: dense, RetrieverName.hybrid: hybrid}


def _dictionaries() -> None:
    lexicon()
    try:
        english_names()
    except RuntimeError:  # no CC-CEDICT (lexicon() has said so)
        pass


class Pipeline:
    def __init__(self, settings: Settings, embedder: Embedder, index: LoadedIndex) -> None:
        self.settings = settings
        self.index_config = IndexConfig.from_settings(settings)
        self.embedder = embedder
        self.reader = reader_from_settings(settings)
        self._state = self._make_state(index)
        # answers by (index build, retriever, resolved question, top_k): a repeated question skips
        # retrieval and reading; a reload changes the build name, so nothing stale is served
        self._answers: LRU[AskResult] = LRU(settings.answer_cache_size)
        self._reload_lock = threading.Lock()

    def _make_state(self, index: LoadedIndex) -> _State:
        return _State(index, compose_retrievers(self.settings, index, self.embedder))

    @classmethod
    def load(
        cls,
        settings: Settings,
        build_if_missing: bool = True,
        rebuild_stale: bool | None = None,
        progress: Progress | None = None,
        warm_up: bool = True,
    ) -> "Pipeline":
        """Load the current index; build it when missing, rebuild it when stale if asked to. With
        warm_up=False the reader's and embedder's models load when first used, not now (`qa serve`'s
        own process, which answers no questions: its pipeline process does)."""
        embedder = make_embedder(settings)
        config = IndexConfig.from_settings(settings)
        rebuild_stale = settings.rebuild_stale if rebuild_stale is None else rebuild_stale
        try:
            index = load_index(config, embedder)
        except IndexMissing:
            if not build_if_missing:
                raise
            log.info("no index in %s yet: building it", settings.index_dir)
            cls._build(settings, progress)
            index = load_index(config, embedder)
        except IndexStale as exc:
            if not rebuild_stale:
                raise
            log.warning("%s Rebuilding.", exc)
            cls._build(settings, progress)
            index = load_index(config, embedder)
        pipeline = cls(settings, embedder, index)
        if warm_up:
            pipeline.reader.warm_up()  # the reader's model loads now, not on the first question
            # the dictionary English questions are read with, and the English of its names that a
            # Chinese question's search looks for in English pages, beside the serving (not before it)
            threading.Thread(target=_dictionaries, name="lexicon-warm-up", daemon=True).start()
            embedder_warm_up = getattr(embedder, "warm_up", None)
            if embedder_warm_up is not None:  # the e5 ONNX session too (and its graph is built if not cached)
                embedder_warm_up()
        return pipeline

    @staticmethod
    def _build(settings: Settings, progress: Progress | None) -> None:
        if settings.embedder is EmbedderName.e5_small and settings.index_threads != settings.query_threads:
            # the engine's thread pool is sized once per process: build in a child so this
            # process keeps its query setting
            build_in_child(settings)
            return
        kwargs = {"progress": progress} if progress else {}
        build_index(IndexConfig.from_settings(settings), make_embedder(settings, for_indexing=True), **kwargs)

    # ------------------------------------------------------------------------------------ state

    @property
    def index(self) -> LoadedIndex:
        return self._state.index

    @property
    def documents(self) -> dict[str, Document]:
        return self._state.index.documents

    def reload(self) -> str:
        """Swap in the current build from disk; requests in flight finish on the old one."""
        with self._reload_lock:
            index = load_index(self.index_config, self.embedder)
            self._state = self._make_state(index)
            log.info("reloaded index %s", index.name)
            return index.name

    # ---------------------------------------------------------------------------------- queries

    def search(self, query: str, retriever: RetrieverName | None = None, top_k: int | None = None) -> SearchResult:
        state = self._state
        timings = Timings()
        name = retriever or self.settings.retriever
        passages = state.retrievers[name].retrieve(query, top_k or self.settings.top_k, timings)
        return SearchResult(query=query, passages=passages, timings=timings.stages)

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        retriever: RetrieverName | None = None,
        top_k: int | None = None,
    ) -> AskResult:
        state = self._state
        timings = Timings()
        top_k = top_k or self.settings.top_k
        name = retriever or self.settings.retriever
        started = time.perf_counter()
        resolved = resolve_followup(question, history)
        timings.add("followup", started)
        key = (state.index.name, name, resolved, top_k)
        cached = self._answers.get(key)
        if cached is not None:
            return replace(cached, question=question, timings=timings.stages)
        pool = state.retrievers[name].retrieve(resolved, max(top_k, ANSWER_POOL), timings)
        started = time.perf_counter()
        result = self.reader.read(question, resolved, pool, state.index)
        timings.add("answer", started)
        result.passages = pool[:top_k]
        result.timings = timings.stages
        self._answers.put(key, result)
        return replace(result, timings=dict(result.timings))
