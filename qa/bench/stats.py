"""Summaries of timing samples."""

from __future__ import annotations

import math
import resource
import sys
from typing import Sequence

import numpy as np


def summary(ms: Sequence[float]) -> dict[str, float | int]:
    """n, mean, p50, p95, p99 and max of samples in milliseconds (rounded to 0.01 ms)."""
    if not len(ms):
        return {"n": 0}
    values = np.asarray(ms, dtype=np.float64)
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {
        "n": int(len(values)),
        "mean": round(float(values.mean()), 3),
        "p50": round(float(p50), 3),
        "p95": round(float(p95), 3),
        "p99": round(float(p99), 3),
        "max": round(float(values.max()), 3),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def current_rss_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def ratio(numerator: float, denominator: float) -> float | None:
    if not denominator or math.isnan(denominator):
        return None
    return round(numerator / denominator, 1)
