"""A repeated question is answered from the answer cache: same answer, no retrieval or reading."""

from __future__ import annotations

from pathlib import Path

from qa.pipeline import Pipeline
from conftest import CORPUS_DIR, make_settings


def test_a_repeated_question_is_served_from_the_cache(pipeline: Pipeline) -> None:
    first = pipeline.ask("2023年深圳全市国内专利授权量是多少?")
    again = pipeline.ask("2023年深圳全市国内专利授权量是多少?")
    assert "answer" in first.timings and set(again.timings) == {"followup"}
    assert (again.answer, again.citations, again.passages) == (first.answer, first.citations, first.passages)
    other = pipeline.ask("那商标注册量呢?", history=[])
    assert other.question == "那商标注册量呢?"


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    off = Pipeline.load(make_settings(CORPUS_DIR, tmp_path / "idx", answer_cache_size=0))
    off.ask("深圳知识产权保护中心主任是谁?")
    assert "answer" in off.ask("深圳知识产权保护中心主任是谁?").timings
