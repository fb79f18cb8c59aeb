"""The evaluation metrics on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from qa.documents import Document
from qa.evaluation import metrics
from qa.types import Citation


# ------------------------------------------------------------------------------------ retrieval


def test_relevance_uses_normalized_containment_and_the_doc_id() -> None:
    text = "全市國內專利授權量２３.５１萬件，同比增長"  # Traditional script, full-width digits
    assert metrics.is_relevant(text, "sz", "全市国内专利授权量23.51万件")
    assert metrics.is_relevant(text, "sz", "全市国内专利授权量23.51万件", doc_id="sz")
    assert not metrics.is_relevant(text, "gd", "全市国内专利授权量23.51万件", doc_id="sz")
    assert not metrics.is_relevant(text, "sz", "商标注册量")
    assert not metrics.is_relevant(text, "sz", "")  # an unanswerable question has no relevant passage


def test_relevance_ignores_how_a_table_row_is_spaced_or_broken() -> None:
    passage = "北京 |  Beijing |6527| 11463\n| 11438 |"
    assert metrics.is_relevant(passage, "t", "北京 | Beijing | 6527 | 11463 | 11438 |")
    assert metrics.is_relevant("北京\nBeijing\n6527", "t", "北京 Beijing 6527")
    assert not metrics.is_relevant(passage, "t", "北京 | Beijing | 6528")


def test_recall_and_mrr_at_k() -> None:
    rel = [False, False, True, False, True]
    assert metrics.recall_at_k(rel, 1) == 0.0
    assert metrics.recall_at_k(rel, 2) == 0.0
    assert metrics.recall_at_k(rel, 3) == 1.0
    assert metrics.mrr_at_k(rel, 10) == pytest.approx(1 / 3)
    assert metrics.mrr_at_k(rel, 2) == 0.0  # first hit beyond the cut-off
    assert metrics.recall_at_k([], 5) == 0.0 and metrics.mrr_at_k([], 5) == 0.0


def test_ndcg_hand_computed() -> None:
    # relevant at ranks 2 and 4; two relevant passages exist:
    # DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161; IDCG = 1 + 1/log2(3) = 1.63093
    rel = [False, True, False, True]
    assert metrics.ndcg_at_k(rel, 10) == pytest.approx(0.650921, abs=1e-6)
    # a third relevant passage exists in the index but was not retrieved: IDCG = 1 + .63093 + .5
    assert metrics.ndcg_at_k(rel, 10, n_relevant=3) == pytest.approx(1.06161 / 2.13093, abs=1e-5)
    assert metrics.ndcg_at_k([True], 10) == 1.0
    assert metrics.ndcg_at_k([False, False], 10) == 0.0
    # the cut-off: the hit at rank 4 does not count at k=3, and the ideal keeps min(n, k) = 2 slots
    assert metrics.ndcg_at_k(rel, 3) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


# -------------------------------------------------------------------------------------- answers


def test_tokens_are_chinese_characters_and_latin_digit_runs() -> None:
    assert metrics.answer_tokens("23.51万件") == ["23.51", "万", "件"]
    assert metrics.answer_tokens("每亿元GDP专利产出量") == ["每", "亿", "元", "gdp", "专", "利", "产", "出", "量"]
    assert metrics.answer_tokens("《深圳市知识产权保护条例》、PCT") == list("深圳市知识产权保护条例") + ["pct"]
    assert metrics.answer_tokens("“ ，。！") == []


def test_f1_is_the_longest_common_substring_worked_example() -> None:
    # gold 福田、南山、宝安、龙岗、光明 -> 10 tokens (punctuation dropped); prediction 南山、宝安 -> 4 tokens,
    # all inside the gold: precision 4/4, recall 4/10, F1 = 2*1*.4/1.4 = 0.5714
    assert metrics.f1_score(["福田、南山、宝安、龙岗、光明"], "南山、宝安") == pytest.approx(0.8 / 1.4)
    # substring, not subsequence: 一二三四 vs 一三四二 share 三四 (2), not 一三四 (3): P = R = .5
    assert metrics.f1_score(["一二三四"], "一三四二") == pytest.approx(0.5)
    # a number is one token: ["约","23.51","万"] vs ["23.51","万","件"] share 2 of 3 each
    assert metrics.f1_score(["23.51万件"], "约23.51万") == pytest.approx(2 / 3)
    assert metrics.f1_score(["23.51万件"], "23.5万件") == pytest.approx(2 / 3)  # 23.5 != 23.51


def test_f1_takes_the_best_accepted_answer_and_zero_without_prediction() -> None:
    assert metrics.f1_score(["24.97万件", "24.97万"], "24.97万") == 1.0
    assert metrics.f1_score(["李军"], None) == 0.0
    assert metrics.f1_score(["李军"], "") == 0.0
    assert metrics.f1_score([], "李军") == 0.0
    assert metrics.f1_score(["李军"], "蔡英权") == 0.0


def test_exact_match_ignores_punctuation_script_width_and_case() -> None:
    assert metrics.exact_match(["福田、南山、宝安"], "福田,南山,宝安。") == 1.0
    assert metrics.exact_match(["知识产权保护工作站"], "知識產權保護工作站") == 1.0  # Traditional
    assert metrics.exact_match(["PCT国际专利申请量"], "ｐｃｔ國際專利申請量") == 1.0  # full-width, case
    assert metrics.exact_match(["《专利法》"], "专利法") == 1.0
    assert metrics.exact_match(["8.3倍", "8.3"], "8.3") == 1.0
    assert metrics.exact_match(["8.3倍"], "83倍") == 0.0  # the decimal point is part of the number
    assert metrics.exact_match(["98.36件"], "98.36件以上") == 0.0
    assert metrics.exact_match(["98.36件"], None) == 0.0
    assert metrics.exact_match(["98.36件"], "。") == 0.0  # nothing left after punctuation


# ----------------------------------------------------------------------------------- abstention


def test_abstention_precision_and_recall() -> None:
    # (abstained, unanswerable): 2 correct abstentions, 1 wrong abstention, 1 missed unanswerable
    result = metrics.abstention([(True, True), (True, True), (True, False), (False, True), (False, False)])
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(2 / 3)
    assert (result.abstained, result.unanswerable, result.correct) == (3, 3, 2)


def test_abstention_zero_denominators_are_none_not_zero() -> None:
    never = metrics.abstention([(False, True), (False, False)])
    assert never.precision is None  # nothing abstained: precision undefined
    assert never.recall == 0.0
    all_answerable = metrics.abstention([(True, False), (False, False)])
    assert all_answerable.recall is None  # no unanswerable question: recall undefined
    assert all_answerable.precision == 0.0
    empty = metrics.abstention([])
    assert empty.precision is None and empty.recall is None


# ------------------------------------------------------------------------------------ citations


def _doc(text: str) -> Document:
    return Document(doc_id="d1", title="t", published=None, source=None, path="d1.txt", sha256="0", text=text)


def _cite(start: int, end: int, quote: str, doc_id: str = "d1") -> Citation:
    return Citation(doc_id=doc_id, chunk_id="d1-0", title="t", published=None, start=start, end=end, quote=quote)


def test_citation_faithfulness() -> None:
    text = "会议由副局长李军主持。蔡英权在会上作了讲话。"
    docs = {"d1": _doc(text)}
    good = _cite(0, 11, text[0:11])
    assert metrics.citation_problem("李军", [good], docs) is None
    assert metrics.citation_problem("李军", [good, _cite(11, 22, text[11:22])], docs) is None
    assert metrics.citation_problem("蔡英权", [good], docs) == "answer not inside any cited quote"
    assert metrics.citation_problem("李军", [_cite(1, 12, text[0:11])], docs) == "quote is not d1[1:12]"
    assert metrics.citation_problem("李军", [_cite(0, 999, text)], docs) == "quote is not d1[0:999]"
    assert "unknown document" in metrics.citation_problem("李军", [_cite(0, 11, text[0:11], "zz")], docs)
    assert metrics.citation_problem("李军", [], docs) == "no citation"
    # every citation must be exact, even when another one holds the answer
    assert metrics.citation_problem("李军", [good, _cite(11, 12, "X")], docs) == "quote is not d1[11:12]"
