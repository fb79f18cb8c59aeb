"""Fusing ranked lists: reciprocal rank fusion (default, k=60) or weighted min-max interpolation.

Ties are broken by row number, so the same inputs always give the same order."""

from __future__ import annotations

from dataclasses import dataclass

Ranked = list[tuple[int, float]]  # (row, score), best first


@dataclass(frozen=True)
class Fused:
    row: int
    score: float
    ranks: tuple[int | None, ...]  # 1-based rank in each input list, None where absent


def _ranks(lists: list[Ranked]) -> list[dict[int, int]]:
    return [{row: rank for rank, (row, _) in enumerate(hits, start=1)} for hits in lists]


def _collect(lists: list[Ranked], scores: dict[int, float]) -> list[Fused]:
    ranks = _ranks(lists)
    fused = [Fused(row, score, tuple(r.get(row) for r in ranks)) for row, score in scores.items()]
    fused.sort(key=lambda f: (-f.score, f.row))
    return fused


def rrf(lists: list[Ranked], k: int = 60) -> list[Fused]:
    if k <= 0:
        raise ValueError("RRF k must be positive")
    scores: dict[int, float] = {}
    for hits in lists:
        for rank, (row, _) in enumerate(hits, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + rank)
    return _collect(lists, scores)


def minmax(lists: list[Ranked], weights: list[float]) -> list[Fused]:
    if len(weights) != len(lists) or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("min-max fusion needs one non-negative weight per list, not all zero")
    scores: dict[int, float] = {}
    for hits, weight in zip(lists, weights):
        if not hits:
            continue
        values = [score for _, score in hits]
        low, high = min(values), max(values)
        span = high - low
        for row, score in hits:
            normalized = (score - low) / span if span > 0 else 1.0
            scores[row] = scores.get(row, 0.0) + weight * normalized
    return _collect(lists, scores)
