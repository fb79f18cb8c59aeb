"""Scale points measured on their own (`qa bench --part scale --sizes 1000000`) are kept in
eval/reports/bench-scale-points.json, keyed by size (apart from that run's own report,
bench-scale.json/.md), so a full `qa bench` report includes them without re-running an hour-long
point; and how each cost grows from one size to the next."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from .report_types import get

STORE = "bench-scale-points.json"
GROWTH = (  # (label, path into a size's result)
    ("tokenize", ("build", "tokenize_s")),
    ("BM25 build", ("build", "bm25_index_s")),
    ("HNSW build", ("build", "faiss_hnsw_s")),
    ("BM25 query p50", ("bm25s_ms", "p50")),
    ("HNSW query p50", ("dense", "hnsw_ms", "p50")),
    ("exact (flat) query p50", ("dense", "flat_ms", "p50")),
    ("hybrid search p50", ("hybrid_ms", "p50")),
    ("memory held by the built indexes (RSS after the build minus before the corpus)", ("memory", "corpus_rss_mb")),
)


def load_stored(out_dir: Path) -> dict:
    path = out_dir / STORE
    if not path.is_file():
        return {"sizes": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def save_points(out_dir: Path, scale: dict, machine: dict) -> Path:
    """Add (or replace) this run's sizes in the store, each with when and where it was measured."""
    stored = load_stored(out_dir)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    for n, result in scale["sizes"].items():
        stored["sizes"][n] = {**result, "measured": stamp, "machine": machine, "embed_throughput": scale["embed_throughput"]}
    stored["synthetic"] = scale["synthetic"]
    path = out_dir / STORE
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def merge_stored(scale: dict, out_dir: Path) -> dict:
    """The run's scale section plus the stored sizes it did not measure itself (marked as stored)."""
    stored = load_stored(out_dir)["sizes"]
    sizes = dict(scale.get("sizes", {}))
    for n, result in stored.items():
        if n not in sizes:
            sizes[n] = {**result, "stored": True}
    return {**scale, "sizes": dict(sorted(sizes.items(), key=lambda item: int(item[0])))}


def _get(data: dict, path: tuple[str, ...]):
    if path == ("memory", "corpus_rss_mb"):  # before the query model loads, which costs the same at any size
        steps = (data.get("memory") or {}).get("rss_steps_mb") or {}
        after, before = steps.get("vectors_freed"), steps.get("before_corpus")
        return round(after - before, 1) if after and before else None
    return get(data, *path)


def growth(sizes: dict) -> list[dict]:
    """For each step between consecutive sizes and each cost: the ratio and its exponent
    (log ratio / log size ratio: 1 is linear, 0 constant, 2 quadratic)."""
    ordered = sorted(sizes.items(), key=lambda item: int(item[0]))
    rows = []
    for (n0, r0), (n1, r1) in zip(ordered, ordered[1:]):
        step = int(n1) / int(n0)
        for label, path in GROWTH:
            a, b = _get(r0, path), _get(r1, path)
            if not a or not b:
                continue
            exponent = math.log(b / a) / math.log(step)
            rows.append({"from": int(n0), "to": int(n1), "cost": label, "before": a, "after": b,
                         "ratio": round(b / a, 2), "exponent": round(exponent, 2)})
    return rows


def shape(exponent: float) -> str:
    if exponent < 0.3:
        return "about flat"
    if exponent < 0.8:
        return "sublinear"
    if exponent <= 1.25:
        return "linear"
    return "superlinear" if exponent < 1.6 else "**quadratic-like**"
