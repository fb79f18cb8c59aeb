"""Figures for eval/reports/reliability.md: tests append records here, eval/reliability_report.py renders them.

Records go to tests/artifacts/reliability/<section>.jsonl (git-ignored); each test run appends, the
report keeps the latest record per (section, name)."""

from __future__ import annotations

import json
import time
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "reliability"


def record(section: str, name: str, outcome: str, **figures: object) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    row = {"section": section, "name": name, "outcome": outcome, "at": time.strftime("%Y-%m-%dT%H:%M:%S")} | figures
    with (ARTIFACTS / f"{section}.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
