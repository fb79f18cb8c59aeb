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


def test_a_term_said_as_asked_nearby_weighs_an_alias_half() -> None:
    # 质押贷款 asked: where the passages at hand also say 贷款, a sentence of 质押融资 is the farther one
    weights = TermWeights({"质押": 1.0, "贷款": 1.0}, {"贷款": ("融资",)}, written=frozenset({"贷款"}))
    assert weights.coverage(normalize("为150余家企业办理了知识产权质押贷款")) == 1.0
    assert weights.coverage(normalize("10家企业省级专利质押融资奖补80.5万元")) == 0.75
    unwritten = TermWeights({"质押": 1.0, "贷款": 1.0}, {"贷款": ("融资",)})
    assert unwritten.coverage(normalize("10家企业省级专利质押融资奖补80.5万元")) == 1.0
    assert (weights | {"亳州": 1.0}).written == weights.written


def test_an_unsaid_terms_weight_comes_from_an_alias_only_where_a_passage_says_it() -> None:
    from qa.answering.answerer import Answerer

    class _BM25:
        size = 100

        @staticmethod
        def doc_freq(term: str) -> int:
            return {"总数": 4, "商标": 30}.get(term, 0)

    class _Index:
        bm25 = _BM25()

    q = analyze("亳州的有效注册商标总量在全省排第几?")  # 总量 is said nowhere; 总数 (its alias) somewhere
    assert Answerer._weights(q, _Index(), retrieved="有效注册商标量107757件,全省排名第3位")["总量"] == 0.05
    assert Answerer._weights(q, _Index(), retrieved="注册商标总数107757件")["总量"] > 1.0


def test_a_compound_said_with_a_word_inside_it_is_said() -> None:
    # 有效商标注册量 asked, 商标有效注册量 said: 有效 sits inside the compound
    weights = TermWeights({"有效": 1.0, "商标": 1.0, "注册量": 1.0, "商标注册量": 2.0})
    assert weights.coverage(normalize("全市商标有效注册量49.38万件")) == 1.0
    assert weights.coverage(normalize("全市商标代理机构注册量312家")) < 1.0  # more than a word between: another thing


def test_a_compound_whose_head_two_coordinated_words_share_is_said() -> None:
    # 发明专利授权量 asked, 发明专利申请量、授权量 said: the head is said once for both
    weights = TermWeights({"发明": 1.0, "专利": 1.0, "授权": 1.0, "授权量": 2.0, "发明专利授权量": 3.0})
    assert weights.coverage(normalize("其中发明专利申请量、授权量分别为5121件和2207件")) == 1.0
    assert weights.coverage(normalize("发明专利申请量和授权量均有增长")) == 1.0
    assert weights.coverage(normalize("发明专利申请量增长,授权量下降")) < 1.0  # two clauses: no shared head

