"""Scale figures: the real model's passage embedding throughput, then one subprocess per synthetic
corpus size (scale_worker) so each size's peak RSS is measured on its own."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..chunking import chunk_document
from ..documents import load_corpus
from ..embedders import make_embedder
from ..index_store import EMBED_GROUP
from ..normalize import normalize
from ..settings import Settings
from .common import Progress, child_env
from .synthetic import NOISE, seed_pool, synthetic_chunks

SYNTHETIC = (
    "Synthetic corpora: each chunk is a run of sentences of the seed chunks (normalized text) "
    "recombined with a seeded RNG (mostly from one seed document, 20% from any), every number "
    "replaced by random digits of the same length; its vector is the mean of the real passage vectors "
    f"of the seed chunks its sentences came from plus Gaussian noise (sd {NOISE} per dimension), "
    "normalized. Query vectors are real query embeddings of the eval questions. The real model "
    "never embeds the synthetic chunks: its throughput is measured on a sample instead."
)


def seed_vectors(settings: Settings, workdir: Path, sample: int) -> tuple[Path, dict]:
    """Real passage vectors of the seed chunks (saved for the workers) and the model's passage
    embedding throughput on a sample of synthetic chunks, at index_threads."""
    corpus = load_corpus(settings.corpus_dir)
    chunks = [c for d in corpus.documents for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]
    norms = [normalize(c.text) for c in chunks]
    embedder = make_embedder(settings, for_indexing=True)
    embedder.embed_passages(norms[:2])  # load the model outside the timing
    started = time.perf_counter()
    vectors = embedder.embed_passages(norms)
    seed_s = time.perf_counter() - started
    texts = [c.text for c in synthetic_chunks(seed_pool(chunks, norms), sample, settings.chunk_size, seed=99)[0]]
    started = time.perf_counter()
    for offset in range(0, len(texts), EMBED_GROUP):  # as `qa index` calls it
        embedder.embed_passages(texts[offset : offset + EMBED_GROUP])
    sample_s = time.perf_counter() - started
    path = workdir / "seed_vectors.npy"
    np.save(path, vectors.astype(np.float32), allow_pickle=False)
    per_s = len(texts) / sample_s
    return path, {
        "embedder": embedder.embedder_id,
        "threads": settings.index_threads,
        "batch_size": getattr(embedder, "batch_size", None),
        "sample_chunks": len(texts),
        "chunks_per_s": round(per_s, 1),
        "seed_chunks_per_s": round(len(norms) / seed_s, 1),
        "hours_for_100k_chunks": round(100_000 / per_s / 3600, 2),
    }


def query_vectors(settings: Settings, questions: list[str], workdir: Path) -> Path:
    embedder = make_embedder(settings)
    vectors = np.stack([embedder.embed_query(normalize(q)) for q in questions]).astype(np.float32)
    path = workdir / "query_vectors.npy"
    np.save(path, vectors, allow_pickle=False)
    return path


def _worker(job_path: Path, result_path: Path, show_progress: bool, what: str) -> None:
    """Run scale_worker on a job in a fresh process (its own peak RSS, its own thread pools)."""
    done = subprocess.run(
        [sys.executable, "-m", "qa.bench.scale_worker", str(job_path), str(result_path)],
        stdout=subprocess.PIPE, stderr=None if show_progress else subprocess.PIPE, text=True, env=child_env(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"scale worker ({what}) failed: {(done.stderr or '').strip()[-800:]}")


def run_scale(
    settings: Settings,
    sizes: list[int],
    questions: list[str],
    workdir: Path,
    quick: bool,
    progress: Progress,
    show_progress: bool,
) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    progress("scale: embed sample", 0, 1)
    job_path, result_path = workdir / "job-embed.json", workdir / "result-embed.json"
    job_path.write_text(json.dumps({
        "mode": "embed", "settings": json.loads(settings.model_dump_json()), "workdir": str(workdir),
        "sample": 16 if quick else 64, "questions": questions,
    }, ensure_ascii=False), encoding="utf-8")
    _worker(job_path, result_path, show_progress, "embedding sample")
    embed = json.loads(result_path.read_text(encoding="utf-8"))
    seed_path, query_path, throughput = Path(embed["seed_vectors"]), Path(embed["query_vectors"]), embed["throughput"]
    progress("scale: embed sample", 1, 1)
    out: dict = {"synthetic": SYNTHETIC, "embed_throughput": throughput, "sizes": {}}
    for i, n in enumerate(sizes):
        job = {
            "settings": json.loads(settings.model_dump_json()),
            "chunks": n,
            "quick": quick,
            "seed": 0,
            "seed_vectors": str(seed_path),
            "query_vectors": str(query_path),
            "questions": questions,
            # rank-bm25 scores every row in Python and keeps the token lists alive: a handful of
            # queries up to 100k chunks, none at 1M (where it would hold gigabytes for the comparison)
            "rank_bm25_queries": 20 if n < 50_000 else 5 if n < 500_000 else 0,
            "workdir": str(workdir),
            "progress": show_progress,
        }
        job_path, result_path = workdir / f"job-{n}.json", workdir / f"result-{n}.json"
        job_path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
        progress("scale", i, len(sizes))
        started = time.perf_counter()
        _worker(job_path, result_path, show_progress, f"{n} chunks")
        result = json.loads(result_path.read_text(encoding="utf-8"))
        result["worker_s"] = round(time.perf_counter() - started, 1)
        out["sizes"][str(n)] = result
        progress("scale", i + 1, len(sizes))
    return out
