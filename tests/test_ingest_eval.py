"""The ingest evaluation set (eval/ingest/): real captures meet the issue's title/date/furniture targets."""

from __future__ import annotations

from pathlib import Path

from qa.evaluation.ingest_eval import evaluate, to_markdown

SET_DIR = Path(__file__).resolve().parent.parent / "eval" / "ingest"


def test_ingest_set_meets_the_targets():
    report = evaluate(SET_DIR)
    summary = report["summary"]
    assert summary["documents"] >= 15 and set(summary["by_format"]) == {"html", "pdf", "docx"}
    assert summary["skipped"] == 0
    assert summary["title_accuracy"] >= 0.90
    assert summary["date_accuracy"] >= 0.95
    assert summary["documents_with_furniture"] == 0, [r for r in report["documents"] if r["furniture_left"]]
    assert "title right" in to_markdown(report)
