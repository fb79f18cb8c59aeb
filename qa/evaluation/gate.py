"""The regression gate: hybrid Recall@5 and answer F1 must not fall below a baseline report's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..bench.report_types import get
from .results import EvalReport

GATED = (("hybrid Recall@5", ("retrieval", "hybrid", "recall_5")), ("answer F1", ("answers", "f1")))


@dataclass(frozen=True)
class GateCheck:
    metric: str
    baseline: float
    current: float | None
    floor: float

    @property
    def passed(self) -> bool:
        return self.current is not None and self.current >= self.floor - 1e-9

    def describe(self) -> str:
        current = "missing" if self.current is None else f"{self.current:.4f}"
        verdict = "ok" if self.passed else "BELOW"
        return f"{self.metric}: {current} vs baseline {self.baseline:.4f} (floor {self.floor:.4f}) {verdict}"


def load_baseline(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"baseline report not found: {path} (pass a JSON report written by `qa eval`)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"baseline {path} is not valid JSON ({exc.msg})") from None
    for metric, key in GATED:
        if not isinstance(get(data, *key), (int, float)):
            raise ValueError(f"baseline {path} has no {metric} ({'.'.join(key)}); is it a `qa eval` JSON report?")
    return data


def check(report: EvalReport, baseline: dict[str, Any], tolerance: float) -> list[GateCheck]:
    if tolerance < 0:
        raise ValueError("the gate tolerance must not be negative")
    current = report.to_dict()
    checks = []
    for metric, key in GATED:
        base = float(get(baseline, *key))
        value = get(current, *key)
        checks.append(GateCheck(metric, base, None if value is None else float(value), base - tolerance))
    return checks


def comparable(report: EvalReport, baseline: dict[str, Any]) -> list[str]:
    """Warnings when the run and the baseline did not evaluate the same thing."""
    warnings = []
    for label, key, value in (
        ("questions", ("answers", "questions"), report.answers.questions),
        ("corpus fingerprint", ("config", "corpus_fingerprint"), report.config.corpus_fingerprint),
        ("embedder", ("config", "embedder"), report.config.embedder),
    ):
        base = get(baseline, *key)
        if base is not None and base != value:
            warnings.append(f"{label} differ from the baseline's ({value} vs {base})")
    return warnings
