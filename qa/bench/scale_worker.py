"""One scale point in its own process (so its peak RSS is its own):
`python -m qa.bench.scale_worker JOB.json RESULT.json`.

Builds a synthetic corpus of n chunks (see synthetic.py), its BM25 index and FAISS flat and HNSW
indexes, then times BM25 (bm25s vs rank-bm25 on the same tokens), dense search (recall@10 of HNSW
against flat) and hybrid retrieval end to end with the real query embedder."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from ..bm25 import BM25Index
from ..chunking import chunk_document
from ..dense import FLAT, DenseIndex
from ..documents import Document, load_corpus
from ..embedders import make_embedder
from ..index_store import LoadedIndex
from ..normalize import normalize
from ..pipeline import compose_retrievers
from ..retrieval import Timings
from ..settings import Backend, RetrieverName, Settings
from ..tokenize import get_jieba, tokenize_normalized
from .stats import current_rss_mb, peak_rss_mb, ratio, summary
from .synthetic import seed_pool, synthetic_chunks, synthetic_vectors

log = logging.getLogger(__name__)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _rank_bm25(tokens: list[list[str]], queries: list[list[str]], ours: BM25Index, settings: Settings, k: int) -> dict:
    from rank_bm25 import BM25Plus

    started = time.perf_counter()
    oracle = BM25Plus(tokens, k1=settings.bm25_k1, b=settings.bm25_b, delta=settings.bm25_delta)
    build_s = time.perf_counter() - started
    theirs_ms, ours_ms, agree = [], [], []
    for query in queries:
        started = time.perf_counter()
        scores = oracle.get_scores(query)
        top = np.argsort(-scores, kind="stable")[:k]
        theirs_ms.append(_ms(started))
        started = time.perf_counter()
        hits = ours.search(query, k)
        ours_ms.append(_ms(started))
        agree.append(len({r for r, _ in hits[:10]} & set(top[:10].tolist())) / max(1, min(10, len(hits))))
    theirs, mine = summary(theirs_ms), summary(ours_ms)
    return {
        "queries": len(queries),
        "build_s": round(build_s, 2),
        "rank_bm25_ms": theirs,
        "bm25s_same_queries_ms": mine,
        "speedup_p50": ratio(theirs["p50"], mine["p50"]),
        "top10_agreement": round(float(np.mean(agree)), 3) if agree else None,
    }


def _build(job: dict, settings: Settings, n: int, out: dict) -> tuple[list, BM25Index, DenseIndex]:
    """Generate the corpus, then BM25 and HNSW, each structure freed as soon as it is no longer
    needed (token lists after BM25, the vector matrix once FAISS holds its copy), with the
    resident memory after each step: at 1M chunks every copy is gigabytes."""
    seed_vectors = np.load(job["seed_vectors"], allow_pickle=False)
    corpus = load_corpus(settings.corpus_dir)
    seed_chunks = [c for d in corpus.documents for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]
    pool = seed_pool(seed_chunks, [normalize(c.text) for c in seed_chunks])
    get_jieba()
    rss = {"before_corpus": current_rss_mb()}
    timer = _Timer()
    chunks, sources = synthetic_chunks(pool, n, settings.chunk_size, seed=job.get("seed", 0))
    generate_s = timer.lap()
    rss["chunks"] = current_rss_mb()
    bar = tqdm(chunks, desc=f"tokenize {n}", unit="chunk", file=sys.stderr, disable=not job["progress"], leave=False)
    tokens = [tokenize_normalized(c.text) for c in bar]  # synthetic text is normalized text
    tokenize_s = timer.lap()
    rss["tokens"] = current_rss_mb()
    token_count = sum(map(len, tokens))
    faiss.omp_set_num_threads(settings.index_threads)  # building: as `qa index` would
    bm25 = BM25Index.build(tokens, settings.bm25_k1, settings.bm25_b, settings.bm25_delta)
    bm25_s = timer.lap()
    rss["bm25_built"] = current_rss_mb()
    out["_tokens"] = tokens if job["rank_bm25_queries"] else None  # the rank-bm25 comparison needs them
    del tokens
    rss["tokens_freed"] = current_rss_mb()
    vectors = synthetic_vectors(seed_vectors, sources, seed=job.get("seed", 0))
    del sources
    generate_s += timer.lap()
    rss["vectors"] = current_rss_mb()
    hnsw = DenseIndex.build(vectors, hnsw_threshold=0, m=settings.hnsw_m, ef_search=settings.hnsw_ef_search)
    hnsw_s = timer.lap()
    rss["hnsw_built"] = current_rss_mb()
    out["vectors_mb"] = round(vectors.nbytes / 2**20, 1)
    del vectors  # FAISS holds its own copy; the exact reference searches that copy
    rss["vectors_freed"] = current_rss_mb()
    chars = sum(len(c.text) for c in chunks)
    out["build"] = {
        "generate_s": round(generate_s, 2),
        "tokenize_s": round(tokenize_s, 2),
        "tokenize_chars_per_s": round(chars / tokenize_s) if tokenize_s else None,
        "bm25_index_s": round(bm25_s, 2),
        "faiss_hnsw_s": round(hnsw_s, 2),
        "total_s": round(tokenize_s + bm25_s + hnsw_s, 2),
        "mean_chunk_chars": round(chars / n, 1),
        "mean_chunk_tokens": round(token_count / n, 1),
        "build_threads": faiss.omp_get_max_threads(),
        "note": "tokenize + BM25 + HNSW; passage embedding not included (see embed throughput)",
    }
    out["_rss"] = rss
    return chunks, bm25, hnsw


class _Timer:
    def __init__(self) -> None:
        self._last = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        seconds, self._last = now - self._last, now
        return seconds


def _hybrid(job: dict, settings: Settings, chunks: list, bm25: BM25Index, hnsw: DenseIndex, out: dict) -> None:
    """Hybrid end to end: tokenize + BM25, embed the query (real model, 1 thread, no cache), HNSW, RRF."""
    n, questions = len(chunks), job["questions"]
    documents = {
        c.doc_id: Document(c.doc_id, f"synthetic {c.doc_id}", None, None, f"{c.doc_id}.txt", "", "")
        for c in chunks
    }
    index = LoadedIndex(
        name=f"synthetic-{n}", path=Path(job["workdir"]), manifest={}, documents=documents, chunks=chunks,
        chunk_norms=[c.text for c in chunks], doc_norms={}, bm25=bm25,
        vectors=np.zeros((0, 384), np.float32),  # retrieval reads FAISS, not the matrix
        dense=hnsw,
    )
    query_settings = settings.with_overrides(query_cache_size=0, answer_cache_size=0, backend=Backend.embedded)
    embedder = make_embedder(query_settings)
    retriever = compose_retrievers(query_settings, index, embedder)[RetrieverName.hybrid]
    retriever.retrieve("深圳知识产权", settings.top_k)  # loads the model
    hybrid_ms, stages = [], {}
    for question in questions:
        timings = Timings()
        started = time.perf_counter()
        retriever.retrieve(question, max(settings.top_k, 8), timings)
        hybrid_ms.append(_ms(started))
        for stage, ms in timings.stages.items():
            stages[stage] = stages.get(stage, 0.0) + ms
    out["hybrid_embedder"] = embedder.embedder_id
    out["hybrid_ms"] = summary(hybrid_ms)
    out["hybrid_stage_mean_ms"] = {s: round(ms / len(questions), 3) for s, ms in stages.items()}


def _dense(settings: Settings, hnsw: DenseIndex, query_vectors: np.ndarray, out: dict) -> None:
    """HNSW against exact search over the same vectors (the flat storage inside the HNSW index)."""
    started = time.perf_counter()
    flat = DenseIndex(faiss.downcast_index(hnsw._index.storage), FLAT)
    out["build"]["faiss_flat_s"] = round(time.perf_counter() - started, 2)
    flat_ms, hnsw_ms, recalls, exact_rows = [], [], [], []
    for vector in query_vectors:
        started = time.perf_counter()
        exact = flat.search(vector, 10)
        flat_ms.append(_ms(started))
        started = time.perf_counter()
        approx = hnsw.search(vector, 10)
        hnsw_ms.append(_ms(started))
        exact_rows.append({r for r, _ in exact})
        recalls.append(len(exact_rows[-1] & {r for r, _ in approx}) / max(1, len(exact)))
    out["dense"] = {
        "flat_ms": summary(flat_ms),
        "hnsw_ms": summary(hnsw_ms),
        "hnsw_recall_at_10": round(float(np.mean(recalls)), 4),
        "hnsw_m": settings.hnsw_m,
        "hnsw_ef_search": settings.hnsw_ef_search,
        "hnsw_ef_construction": 80,
        "query_vectors": "real query embeddings of the eval questions",
        "ef_sweep": _ef_sweep(hnsw, query_vectors, exact_rows, settings.hnsw_ef_search),
    }


EF_SWEEP = (64, 128, 256, 512, 1024, 2048)


def _ef_sweep(hnsw: DenseIndex, query_vectors: np.ndarray, exact_rows: list[set[int]], configured: int) -> list[dict]:
    """Recall@10 and latency of the same HNSW graph at other search breadths (efSearch is a search-time
    setting, QA_HNSW_EF_SEARCH): what each step of recall costs at this size."""
    graph = faiss.downcast_index(hnsw._index).hnsw
    rows = []
    try:
        for ef in EF_SWEEP:
            graph.efSearch = ef
            ms, recalls = [], []
            for vector, exact in zip(query_vectors, exact_rows):
                started = time.perf_counter()
                approx = hnsw.search(vector, 10)
                ms.append(_ms(started))
                recalls.append(len(exact & {r for r, _ in approx}) / max(1, len(exact)))
            rows.append({"ef_search": ef, "recall_at_10": round(float(np.mean(recalls)), 4), "p50_ms": summary(ms)["p50"]})
    finally:
        graph.efSearch = configured
    return rows


def run(job: dict) -> dict:
    settings = Settings(**job["settings"])
    n = int(job["chunks"])
    out: dict = {"chunks": n}
    chunks, bm25, hnsw = _build(job, settings, n, out)
    tokens, rss = out.pop("_tokens"), out.pop("_rss")

    faiss.omp_set_num_threads(1)  # queries: one thread, as served
    query_tokens = [tokenize_normalized(normalize(q)) for q in job["questions"]]
    bm25_ms = []
    for query in query_tokens:
        started = time.perf_counter()
        bm25.search(query, settings.candidates)
        bm25_ms.append(_ms(started))
    out["bm25s_ms"] = summary(bm25_ms)
    _hybrid(job, settings, chunks, bm25, hnsw, out)
    rss["served"] = current_rss_mb()
    out["memory"] = {
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_corpus_mb": rss["before_corpus"],
        "rss_after_mb": rss["served"],
        "rss_steps_mb": rss,
        "vectors_mb": out.pop("vectors_mb"),
        "note": (
            "peak of one process that generated, tokenized and indexed the corpus (BM25 + HNSW) and "
            "served hybrid queries; rss_steps_mb is the resident size after each step (token lists are "
            "freed once BM25 is built, the vector matrix once FAISS holds it); the rank-bm25 "
            "comparison comes after the peak is taken"
        ),
    }
    _dense(settings, hnsw, np.load(job["query_vectors"], allow_pickle=False), out)
    handful = int(job["rank_bm25_queries"])
    if handful and tokens is not None:
        picked = [q for q in query_tokens if q][:handful]
        out["bm25_vs_rank_bm25"] = _rank_bm25(tokens, picked, bm25, settings, settings.candidates)
    return out


def embed(job: dict) -> dict:
    """Seed passage vectors and query vectors for the scale workers, and the passage throughput
    (index_threads, as `qa index` embeds) in a process of their own."""
    from .scale import query_vectors, seed_vectors

    settings = Settings(**job["settings"])
    workdir = Path(job["workdir"])
    seed_path, throughput = seed_vectors(settings, workdir, sample=int(job["sample"]))
    query_path = query_vectors(settings, job["questions"], workdir)
    return {"seed_vectors": str(seed_path), "query_vectors": str(query_path), "throughput": throughput}


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    result = embed(job) if job.get("mode") == "embed" else run(job)
    Path(sys.argv[2]).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
