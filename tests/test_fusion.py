"""Reciprocal rank fusion (k=60) and weighted min-max, checked against hand-computed values."""

from __future__ import annotations

import pytest

from qa.fusion import Fused, minmax, rrf
from qa.settings import Settings

BM25 = [(7, 12.0), (3, 9.0), (5, 4.0)]
DENSE = [(3, 0.91), (9, 0.80), (7, 0.42), (1, 0.10)]


def test_rrf_hand_computed() -> None:
    fused = rrf([BM25, DENSE], k=60)
    expected = {
        3: 1 / 62 + 1 / 61,  # bm25 #2, dense #1
        7: 1 / 61 + 1 / 63,  # bm25 #1, dense #3
        9: 1 / 62,  # dense #2
        5: 1 / 63,  # bm25 #3
        1: 1 / 64,  # dense #4
    }
    assert [f.row for f in fused] == [3, 7, 9, 5, 1]
    for item in fused:
        assert item.score == pytest.approx(expected[item.row], abs=1e-12)
    ranks = {f.row: f.ranks for f in fused}
    assert ranks == {3: (2, 1), 7: (1, 3), 9: (None, 2), 5: (3, None), 1: (None, 4)}


def test_rrf_uses_ranks_not_scores() -> None:
    scaled = [(row, score * 1000) for row, score in BM25]
    assert rrf([scaled, DENSE]) == rrf([BM25, DENSE])


def test_rrf_default_k_is_60() -> None:
    assert Settings().rrf_k == 60
    assert rrf([BM25])[0].score == pytest.approx(1 / 61)
    assert rrf([BM25], k=1)[0].score == pytest.approx(1 / 2)


def test_rrf_ties_broken_by_row() -> None:
    # rows 8 and 2 are both first in one list and absent from the other: equal scores
    fused = rrf([[(8, 1.0)], [(2, 1.0)]])
    assert [f.row for f in fused] == [2, 8]
    assert fused[0].score == fused[1].score
    # and the order does not depend on the order of the input lists
    assert [f.row for f in rrf([[(2, 1.0)], [(8, 1.0)]])] == [2, 8]


def test_rrf_deterministic() -> None:
    assert rrf([BM25, DENSE]) == rrf([list(BM25), list(DENSE)])


def test_rrf_empty_lists() -> None:
    assert rrf([[], []]) == []
    assert [f.row for f in rrf([[], DENSE])] == [3, 9, 7, 1]
    assert rrf([[], DENSE])[0] == Fused(3, pytest.approx(1 / 61), (None, 1))


@pytest.mark.parametrize("k", [0, -5])
def test_rrf_rejects_bad_k(k: int) -> None:
    with pytest.raises(ValueError, match="k"):
        rrf([BM25], k=k)


def test_minmax_hand_computed() -> None:
    fused = minmax([BM25, DENSE], [0.5, 0.5])
    # bm25 normalized: 7 -> 1, 3 -> 5/8, 5 -> 0; dense: 3 -> 1, 9 -> 0.7/0.81, 7 -> 0.32/0.81, 1 -> 0
    expected = {
        3: 0.5 * 5 / 8 + 0.5 * 1.0,
        7: 0.5 * 1.0 + 0.5 * 0.32 / 0.81,
        9: 0.5 * 0.70 / 0.81,
        5: 0.0,
        1: 0.0,
    }
    for item in fused:
        assert item.score == pytest.approx(expected[item.row])
    assert [f.row for f in fused] == [3, 7, 9, 1, 5]  # 1 and 5 tie at 0: by row


def test_minmax_weights_shift_the_order() -> None:
    assert minmax([BM25, DENSE], [1.0, 0.0])[0].row == 7
    assert minmax([BM25, DENSE], [0.0, 1.0])[0].row == 3


def test_minmax_single_hit_list_counts_fully() -> None:
    fused = minmax([[(4, 3.3)], []], [0.3, 0.7])
    assert fused == [Fused(4, pytest.approx(0.3), (1, None))]


@pytest.mark.parametrize(
    "weights",
    [[0.5], [0.5, 0.5, 0.5], [-0.1, 1.1], [0.0, 0.0]],
)
def test_minmax_weights_validated(weights: list[float]) -> None:
    with pytest.raises(ValueError, match="weight"):
        minmax([BM25, DENSE], weights)


def test_minmax_weight_setting_bounded() -> None:
    with pytest.raises(ValueError):
        Settings(minmax_weight=1.5)


def test_an_english_question_gets_chinese_passages_in_turn() -> None:
    from qa.languages import has_chinese, interleave_scripts, mostly_chinese

    assert not has_chinese("How many patents did China grant in 2023?") and has_chinese("深圳 patents")
    assert mostly_chinese("深圳市2023年专利授权量23.51万件,PCT申请1.59万件") and not mostly_chinese("CNIPA held a press 会 conference")
    ranked = ["en1", "en2", "en3", "中1", "en4", "中2"]
    chinese = lambda x: x.startswith("中")  # noqa: E731
    assert interleave_scripts(ranked, chinese) == ["en1", "中1", "en2", "中2", "en3", "en4"]
    assert interleave_scripts(["a", "b", "c"], chinese) == ["a", "b", "c"]  # one script: unchanged
