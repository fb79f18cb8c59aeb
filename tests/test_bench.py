"""`qa bench --quick` end to end into a temporary directory: every section and figure is reported.
Timings are not checked against the targets here (the machine may be busy); only their presence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qa.bench.synthetic import seed_pool, synthetic_chunks, synthetic_vectors
from qa.chunking import chunk_document
from qa.cli.main import cli
from qa.normalize import normalize
from qa.tokenize import tokenize_normalized


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def test_synthetic_corpus_is_deterministic(seed_corpus) -> None:
    chunks = [c for d in seed_corpus.documents for c in chunk_document(d)]
    norms = [normalize(c.text) for c in chunks]
    pool = seed_pool(chunks, norms)
    first, sources = synthetic_chunks(pool, 50, seed=3)
    again, _ = synthetic_chunks(pool, 50, seed=3)
    other, _ = synthetic_chunks(pool, 50, seed=4)
    assert [c.text for c in first] == [c.text for c in again]
    assert [c.text for c in first] != [c.text for c in other]
    assert all(c.text and len(c.text) <= 240 for c in first)
    assert all(tokenize_normalized(c.text) for c in first)
    seed_vectors = np.random.default_rng(0).normal(size=(len(chunks), 8)).astype(np.float32)
    vectors = synthetic_vectors(seed_vectors, sources, seed=3)
    assert vectors.shape == (50, 8)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors, synthetic_vectors(seed_vectors, sources, seed=3))


@pytest.mark.slow
def test_quick_bench_reports_every_section(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli, ["--no-progress", "--log-level", "WARNING", "bench", "--quick", "--out", str(out), "--http-seconds", "2"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    markdown = (out / "bench.md").read_text(encoding="utf-8")

    machine = report["machine"]
    assert machine["cores"] >= 1 and machine["cpu_model"] and machine["python"]
    assert {"bm25s", "faiss-cpu", "numpy"} <= set(machine["libraries"])

    seed = report["seed"]
    assert seed["build"]["chunks"] > 0 and seed["build"]["embedded"] == seed["build"]["chunks"]
    assert _number(seed["build"]["seconds"]) and _number(seed["cold_start"]["median_s"])
    for retriever in ("bm25", "dense", "hybrid", "hybrid_repeat_cached"):
        latency = seed["ask"][retriever]["latency_ms"]
        assert latency["n"] == seed["ask"]["questions"] > 0
        assert all(_number(latency[p]) for p in ("p50", "p95", "p99"))
    hybrid_stages = seed["ask"]["hybrid"]["stage_mean_ms"]
    assert {"embed", "bm25", "dense", "fusion", "answer", "followup"} <= set(hybrid_stages)
    assert hybrid_stages["embed"] > 0 and seed["ask"]["bm25"]["stage_mean_ms"]["embed"] == 0

    scale = report["scale"]
    assert scale["embed_throughput"]["chunks_per_s"] > 0 and "synthetic" in scale["synthetic"].lower()
    (size,) = scale["sizes"].values()
    assert _number(size["build"]["total_s"]) and size["build"]["mean_chunk_tokens"] > 0
    assert _number(size["bm25s_ms"]["p50"]) and _number(size["hybrid_ms"]["p50"])
    assert 0 <= size["dense"]["hnsw_recall_at_10"] <= 1
    assert size["memory"]["peak_rss_mb"] > 0
    versus = size["bm25_vs_rank_bm25"]
    assert versus["queries"] > 0 and _number(versus["speedup_p50"]) and versus["top10_agreement"] > 0.5

    http = report["http"]
    for run in ("load_default", "load_uncached"):
        assert http[run]["requests"] > 0 and _number(http[run]["requests_per_s"]) and http[run]["errors"] == 0
    assert http["sequential_uncached"]["latency_ms"]["n"] > 0

    incremental = report["incremental"]
    assert incremental["only_new_embedded"], incremental
    assert incremental["reindex"]["embedded"] == incremental["new_document_chunks"] > 0

    names = [t["name"] for t in report["targets"]]
    assert len(names) == 10 and all(t["met"] in (True, False, None) for t in report["targets"])
    for heading in ("## Targets", "## Seed corpus", "## Scale", "## HTTP", "## Incremental re-index"):
        assert heading in markdown
