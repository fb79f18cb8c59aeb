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
from ..dense import DenseIndex
from ..documents import Document, load_corpus
from ..embedders import make_embedder
from ..index_store import LoadedIndex
from ..normalize import normalize
from ..retrieval import IndexRetriever, Timings
from ..settings import RetrieverName, Settings
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


def run(job: dict) -> dict:
    settings = Settings(**job["settings"])
    n = int(job["chunks"])
    seed_vectors = np.load(job["seed_vectors"], allow_pickle=False)
    query_vectors = np.load(job["query_vectors"], allow_pickle=False)
    questions: list[str] = job["questions"]
    out: dict = {"chunks": n}

    corpus = load_corpus(settings.corpus_dir)
    seed_chunks = [c for d in corpus.documents for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]
    pool = seed_pool(seed_chunks, [normalize(c.text) for c in seed_chunks])
    get_jieba()
    baseline_rss = current_rss_mb()

    started = time.perf_counter()
    chunks, sources = synthetic_chunks(pool, n, settings.chunk_size, seed=job.get("seed", 0))
    vectors = synthetic_vectors(seed_vectors, sources, seed=job.get("seed", 0))
    generate_s = time.perf_counter() - started

    started = time.perf_counter()
    bar = tqdm(chunks, desc=f"tokenize {n}", unit="chunk", file=sys.stderr, disable=not job["progress"], leave=False)
    tokens = [tokenize_normalized(c.text) for c in bar]  # synthetic text is normalized text
    tokenize_s = time.perf_counter() - started
    faiss.omp_set_num_threads(settings.index_threads)  # building: as `qa index` would
    started = time.perf_counter()
    bm25 = BM25Index.build(tokens, settings.bm25_k1, settings.bm25_b, settings.bm25_delta)
    bm25_s = time.perf_counter() - started
    started = time.perf_counter()
    hnsw = DenseIndex.build(vectors, hnsw_threshold=0, m=settings.hnsw_m, ef_search=settings.hnsw_ef_search)
    hnsw_s = time.perf_counter() - started
    chars = sum(len(c.text) for c in chunks)
    out["build"] = {
        "generate_s": round(generate_s, 2),
        "tokenize_s": round(tokenize_s, 2),
        "tokenize_chars_per_s": round(chars / tokenize_s) if tokenize_s else None,
        "bm25_index_s": round(bm25_s, 2),
        "faiss_hnsw_s": round(hnsw_s, 2),
        "total_s": round(tokenize_s + bm25_s + hnsw_s, 2),
        "mean_chunk_chars": round(chars / n, 1),
        "mean_chunk_tokens": round(sum(map(len, tokens)) / n, 1),
        "build_threads": faiss.omp_get_max_threads(),
        "note": "tokenize + BM25 + HNSW; passage embedding not included (see embed throughput)",
    }

    faiss.omp_set_num_threads(1)  # queries: one thread, as served
    query_tokens = [tokenize_normalized(normalize(q)) for q in questions]
    k = settings.candidates
    bm25_ms = []
    for query in query_tokens:
        started = time.perf_counter()
        bm25.search(query, k)
        bm25_ms.append(_ms(started))
    out["bm25s_ms"] = summary(bm25_ms)

    # hybrid end to end: tokenize + BM25, embed the query (real model, 1 thread, no cache), HNSW, RRF
    documents = {
        c.doc_id: Document(c.doc_id, f"synthetic {c.doc_id}", None, None, f"{c.doc_id}.txt", "", "")
        for c in chunks
    }
    index = LoadedIndex(
        name=f"synthetic-{n}", path=Path(job["workdir"]), manifest={}, documents=documents, chunks=chunks,
        chunk_norms=[c.text for c in chunks], doc_norms={}, bm25=bm25, vectors=vectors, dense=hnsw,
    )
    query_settings = settings.with_overrides(query_cache_size=0, answer_cache_size=0)
    embedder = make_embedder(query_settings)
    retriever = IndexRetriever(index, embedder, query_settings, RetrieverName.hybrid)
    retriever.retrieve("深圳知识产权", settings.top_k)  # loads the model
    hybrid_ms, stages = [], {}
    for question in questions:
        timings = Timings()
        started = time.perf_counter()
        retriever.retrieve(question, max(settings.top_k, 8), timings)
        hybrid_ms.append(_ms(started))
        for stage, ms in timings.stages.items():
            stages[stage] = stages.get(stage, 0.0) + ms
    out["hybrid_ms"] = summary(hybrid_ms)
    out["hybrid_stage_mean_ms"] = {s: round(ms / len(questions), 3) for s, ms in stages.items()}
    out["memory"] = {
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_corpus_mb": baseline_rss,
        "rss_after_mb": current_rss_mb(),
        "vectors_mb": round(vectors.nbytes / 2**20, 1),
        "note": (
            "peak of one process that generated, tokenized and indexed the corpus (BM25 + HNSW) and "
            "served hybrid queries; the flat reference index and rank-bm25 come after it is taken"
        ),
    }

    started = time.perf_counter()
    flat = DenseIndex.build(vectors, hnsw_threshold=n + 1)  # exact reference for HNSW recall
    out["build"]["faiss_flat_s"] = round(time.perf_counter() - started, 2)
    flat_ms, hnsw_ms, recalls = [], [], []
    for vector in query_vectors:
        started = time.perf_counter()
        exact = flat.search(vector, 10)
        flat_ms.append(_ms(started))
        started = time.perf_counter()
        approx = hnsw.search(vector, 10)
        hnsw_ms.append(_ms(started))
        recalls.append(len({r for r, _ in exact} & {r for r, _ in approx}) / max(1, len(exact)))
    out["dense"] = {
        "flat_ms": summary(flat_ms),
        "hnsw_ms": summary(hnsw_ms),
        "hnsw_recall_at_10": round(float(np.mean(recalls)), 4),
        "hnsw_m": settings.hnsw_m,
        "hnsw_ef_search": settings.hnsw_ef_search,
        "hnsw_ef_construction": 80,
        "query_vectors": "real query embeddings of the eval questions",
    }

    handful = int(job["rank_bm25_queries"])
    if handful:
        picked = [q for q in query_tokens if q][:handful]
        out["bm25_vs_rank_bm25"] = _rank_bm25(tokens, picked, bm25, settings, k)
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
