"""Paragraph retrieval on a SQuAD-format file, for `qa eval-embedders --mrc FILE`: every paragraph
one passage, every question a query, dense vectors only (no index, no BM25); the rank of the
question's own paragraph gives Recall@1/5 and MRR@10.

The own eval set and the generalization set are small (173 and 83 questions): there one question
is 0.006 or 0.012 of Recall@1, so two embedders whose vectors agree to cosine 0.999 can differ by
more than the 0.01 rule by chance. A reading-comprehension file holds thousands of questions; its
figures say how far apart two embedders really are. Each embedder runs in a child process of its
own (`python -m qa.evaluation.paragraph_retrieval JOB RESULT`), as `qa eval` does, so thread pools
are sized by its settings alone."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..bench.common import child_env

GROUP = 128  # paragraphs per embed_passages call, as `qa index` hands them


def paragraphs_and_questions(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    """The distinct paragraphs (normalized), the questions (normalized) and each question's paragraph."""
    from ..normalize import normalize
    from ..reader.squad import load_squad

    index: dict[str, int] = {}
    paragraphs: list[str] = []
    questions: list[str] = []
    gold: list[int] = []
    for ex in load_squad(path):
        if ex.paragraph not in index:
            index[ex.paragraph] = len(paragraphs)
            paragraphs.append(normalize(ex.context))
        questions.append(normalize(ex.question))
        gold.append(index[ex.paragraph])
    return paragraphs, questions, np.asarray(gold, dtype=np.int64)


def scores(query_vectors: np.ndarray, passage_vectors: np.ndarray, gold: np.ndarray) -> dict:
    """Recall@1/5 and MRR@10 of the gold paragraph (ties count against it)."""
    similarity = query_vectors @ passage_vectors.T
    own = similarity[np.arange(len(gold)), gold][:, None]
    rank = (similarity > own).sum(axis=1)  # paragraphs strictly closer than the gold one
    return {
        "n": int(len(gold)),
        "recall_1": round(float((rank < 1).mean()), 4),
        "recall_5": round(float((rank < 5).mean()), 4),
        "mrr_10": round(float(np.where(rank < 10, 1.0 / (rank + 1), 0.0).mean()), 4),
    }


def measure(settings_json: dict, path: Path) -> dict:
    """One embedder (from the settings) on one file: its vectors and their scores."""
    from ..embedders import make_embedder
    from ..settings import Settings

    settings = Settings(**settings_json)
    paragraphs, questions, gold = paragraphs_and_questions(path)
    started = time.perf_counter()
    passages = make_embedder(settings, for_indexing=True)
    p = np.concatenate([passages.embed_passages(paragraphs[a : a + GROUP]) for a in range(0, len(paragraphs), GROUP)])
    queries = make_embedder(settings.with_overrides(query_cache_size=0))
    q = np.stack([queries.embed_query(text) for text in questions])
    return {"embedder_id": queries.embedder_id, "paragraphs": len(paragraphs),
            "seconds": round(time.perf_counter() - started, 1), "retrieval": {"dense": scores(q, p, gold)}}


def run_child(settings_json: dict, path: Path, work: Path, tag: str) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    job, result = work / f"mrc-{tag}.json", work / f"mrc-{tag}-result.json"
    job.write_text(json.dumps({"settings": settings_json, "file": str(path)}, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "qa.evaluation.paragraph_retrieval", str(job), str(result)],
                          capture_output=True, text=True, env=child_env(), timeout=7200)
    if done.returncode != 0:
        raise RuntimeError(f"paragraph retrieval ({tag}) failed: {done.stderr.strip()[-800:]}")
    return json.loads(result.read_text(encoding="utf-8"))


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out = measure(job["settings"], Path(job["file"]))
    Path(sys.argv[2]).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
