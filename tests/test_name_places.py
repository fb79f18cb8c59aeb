"""A document's file name says what place it is about, as its title would."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.name_places import name_places, with_name_places


def test_a_file_name_names_the_places_its_pinyin_or_english_words_are() -> None:
    assert name_places("fujian_yb2022_patents_by_category") == ("福建",)
    assert name_places("jiangsu_yb2005_14-14_patent_grants") == ("江苏",)
    assert name_places("hong-kong-ip-statistics") == ("香港",)  # two words together
    assert name_places("dongying-ip-press-2022") == ("东营",)
    # a word that is the pinyin of two cities names neither (苏州, 宿州); abbreviations and words name none
    assert name_places("suzhou-ip-pledge-2019") == ()
    assert name_places("sz-ip-work-conference-2024") == ()
    assert name_places("cnipa_2022_madrid_origin") == ()
    assert with_name_places("标题", "fujian_yb2022") == "标题\n福建"
    assert with_name_places("标题", "annual_report") == "标题"


YEARBOOK = (
    "16-5 各类型专利申请和授权情况\n"
    "单位:项\n"
    "| 年份 | 专利申请数 | 专利授权数 |\n"
    "| --- | --- | --- |\n"
    "| 2014 | 61209 | 37860 |\n"
    "| 2015 | 83146 | 61621 |\n"
)


@pytest.mark.parametrize(("name", "answered"), [("fujian_yb2022_16-5.md", True), ("yb2022_16-5.md", False)])
def test_a_yearbook_table_is_the_place_its_file_name_names(name: str, answered: bool, tmp_path: Path) -> None:
    from conftest import make_settings

    from qa.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(YEARBOOK, encoding="utf-8")
    pipeline = Pipeline.load(make_settings(corpus, tmp_path / "index", reader="combined"))
    result = pipeline.ask("福建省2015年专利授权数是多少项?")
    if answered:
        assert result.answer == "61621"
    else:  # the text never says 福建, nor does the name: another province's table may be the one saved
        assert result.abstained and "福建" in (result.reason or "")


def test_a_place_that_opens_a_company_name_is_no_place_asked() -> None:
    from qa.reader.constraints import question_constraints

    assert question_constraints("中外制药株式会社与温州海鹤药业有限公司案的判决书文号是什么?").places == ()
    assert question_constraints("2023年温州专利授权量是多少?").places == ("温州",)
    # the place is asked where it also stands alone, or a company of the place is asked about
    assert question_constraints("温州海鹤药业有限公司在温州的专利有多少件?").places == ("温州",)
    assert question_constraints("深圳公司数量是多少?").places == ("深圳",)
