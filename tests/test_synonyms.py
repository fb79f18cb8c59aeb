"""A question said in other words than its sentence: the synonym groups of news and statistics prose."""

from __future__ import annotations

from qa.answering.question import analyze
from qa.answering.synonyms import aliases, groups
from qa.answering.terms import TermWeights
from qa.normalize import normalize


def _aliases(question: str) -> dict[str, tuple[str, ...]]:
    q = analyze(question)
    return aliases(q.norm, q.terms)


def test_groups_are_normalized_as_texts_are() -> None:
    assert any("gdp" in g for g in groups())  # normalized text is lower-cased: GDP is read as gdp
    assert all(len(g) >= 2 and len(set(g)) == len(g) for g in groups())


def test_a_phrase_of_several_terms_is_said_by_its_alternatives() -> None:
    found = _aliases("河北作品著作权登记量连续多年大涨,平均每年涨幅是多少?")
    assert "年均" in found["平均"] and "年均" in found["每年"]  # 平均每年 = 年均
    assert "增长率" in found["涨幅"]


def test_a_term_holding_a_group_word_is_said_with_that_word_replaced() -> None:
    found = _aliases("2023年专利申请量是多少?")
    assert "专利申请数量" in found.get("专利申请量", ()) or "申请数量" in found.get("申请量", ())


def test_no_group_word_no_aliases() -> None:
    assert _aliases("深圳有多少家知识产权保护工作站?") == {}


def test_coverage_counts_a_term_said_another_way() -> None:
    weights = TermWeights({"平均": 1.0, "每年": 1.0, "涨幅": 2.0}, {"平均": ("年均",), "每年": ("年均",), "涨幅": ("增长率",)})
    assert weights.coverage(normalize("年均增长率为161.59%")) == 1.0
    assert TermWeights({"平均": 1.0, "每年": 1.0, "涨幅": 2.0}).coverage(normalize("年均增长率为161.59%")) == 0.0
    assert (weights | {"河北": 1.0}).aliases == weights.aliases  # adding terms keeps the aliases
    assert weights.says("涨幅", "增长率") and not weights.says("涨幅", "增加")
