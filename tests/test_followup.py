"""Follow-up questions resolved against the conversation history."""

from __future__ import annotations

import pytest

from qa.answering.followup import resolve_followup
from qa.types import Turn


def chat(*pairs: tuple[str, str]) -> list[Turn]:
    history: list[Turn] = []
    for question, answer in pairs:
        history += [Turn("user", question), Turn("assistant", answer)]
    return history


def test_standalone_questions_are_left_alone() -> None:
    history = chat(("2023年深圳专利授权量是多少?", "23.51万件"))
    assert resolve_followup("亳州有效发明专利量是多少?", history) == "亳州有效发明专利量是多少?"
    assert resolve_followup("2023年深圳专利授权量是多少?", []) == "2023年深圳专利授权量是多少?"


def test_metric_swap_keeps_year_and_place() -> None:
    history = chat(("2023年深圳全市国内专利授权量是多少?", "23.51万件"))
    resolved = resolve_followup("那商标注册量呢?", history)
    assert resolved.startswith("2023年深圳") and resolved.endswith("商标注册量是多少?") and "专利授权量" not in resolved
    history = chat(("2023年1-10月亳州商标注册申请量是多少?", "18856件"))
    assert resolve_followup("那有效注册商标量呢?", history) == "2023年1-10月亳州有效注册商标量是多少?"


def test_chain_of_swaps_builds_on_the_last_complete_question() -> None:
    history = chat(("2023年深圳全市国内专利授权量是多少?", "23.51万件"), ("那商标注册量呢?", "24.97万件"))
    resolved = resolve_followup("PCT国际专利申请量呢?", history)
    assert resolved.startswith("2023年深圳") and resolved.endswith("PCT国际专利申请量是多少?")
    assert "商标注册量" not in resolved and "专利授权量" not in resolved


def test_place_or_year_swap() -> None:
    history = chat(("2023年深圳每万人口高价值发明专利拥有量是多少?", "98.36件"))
    resolved = resolve_followup("那北京呢?", history)
    assert "北京" in resolved and "深圳" not in resolved and "每万人口高价值发明专利拥有量" in resolved
    history = chat(("第二十三届中国专利奖深圳获得多少项奖项?", "86项"))
    resolved = resolve_followup("第二十四届呢?", history)
    assert resolved.startswith("第二十四届") and "二十三" not in resolved and "中国专利奖" in resolved


def test_own_question_about_the_same_subject() -> None:
    history = chat(("亳州2023年度知识产权强市建设新闻发布会的主持人是谁?", "李波"))
    resolved = resolve_followup("在哪里开的?", history)
    assert resolved.startswith("亳州2023年度知识产权强市建设新闻发布会") and resolved.endswith("在哪里开的?")
    assert "主持人" not in resolved  # what was asked before is not carried
    history = chat(("2023年深圳建设了多少家知识产权保护工作站?", "130家"))
    resolved = resolve_followup("覆盖了多少家重点企业?", history)
    assert "知识产权保护工作站" in resolved and "2023年深圳" in resolved and "覆盖了多少家重点企业" in resolved


def test_other_year_in_the_followup_replaces_the_old_one() -> None:
    history = chat(("2023年深圳PCT国际专利申请量是多少?", "1.59万件"))
    resolved = resolve_followup("2022年的报道里说的是连续多少年?", history)
    assert "2023" not in resolved and "PCT国际专利申请量" in resolved and "2022年" in resolved


def test_pronoun_takes_the_previous_answer() -> None:
    history = chat(("2024年深圳市知识产权工作会议上是谁作了讲话?", "蔡英权"))
    resolved = resolve_followup("他给哪几个区颁发了任务书?", history)
    assert "蔡英权给哪几个区颁发了任务书" in resolved


def test_elliptical_sub_item() -> None:
    history = chat(("第二十四届中国专利奖深圳总共获奖多少项?", "96项"), ("其中金奖几项?", "5项"))
    resolved = resolve_followup("银奖呢?", history)
    assert "银奖" in resolved and "金奖" not in resolved and "第二十四届中国专利奖" in resolved


def test_a_new_question_about_the_same_subject_drops_what_was_asked_before() -> None:
    history = chat(("深圳哪一年出台了《深圳经济特区知识产权保护条例》?", "2019年"))
    resolved = resolve_followup("后来哪一年修订的?", history)
    assert resolved == "深圳出台了《深圳经济特区知识产权保护条例》,后来哪一年修订的?"


def test_a_new_subject_alone_is_asked_the_way_the_question_before_it_asked() -> None:
    history = chat(("在国家知识产权行政保护绩效考核中,深圳连续几年获评优秀?", "连续四年"))
    assert resolve_followup("广东省知识产权保护考核方面呢?", history) == "在广东省知识产权保护考核中,深圳连续几年获评优秀?"
    assert resolve_followup("营商环境评价指标呢?", history).endswith("营商环境评价指标连续几年?")


def test_a_pointer_to_the_edition_brings_it_back() -> None:
    history = chat(("第二十三届中国专利奖深圳获得了多少项奖项?", "86项"), ("深圳市知识产权局拿到了什么奖?", "优秀组织奖"))
    assert resolve_followup("这一届里深圳的金奖有几项?", history).startswith("第二十三届")


def test_the_event_a_date_question_dated_is_not_carried_on() -> None:
    history = chat(("2023年深圳市知识产权保护工作站助推高质量发展大会是哪天召开的?", "4月23日"))
    resolved = resolve_followup("会上是谁致辞的?", history)
    assert resolved == "2023年深圳市知识产权保护工作站助推高质量发展大会,会上是谁致辞的?"


def test_a_follow_up_that_counts_its_own_thing_drops_the_metric_asked_before() -> None:
    history = chat(("第二十四届中国专利奖深圳总获奖项目有多少项?", "96项"))
    assert resolve_followup("其中优秀奖多少项?", history) == "第二十四届中国专利奖深圳,其中优秀奖多少项?"  # a part asked
    # ... but one that points back keeps it
    history = chat(("2023年深圳每平方公里发明专利拥有量是多少件?", "150.38件"))
    assert "每平方公里发明专利拥有量" in resolve_followup("这个指标连续多少年居全国第一?", history)


def test_a_question_with_nothing_of_its_own_is_about_the_last_answer() -> None:
    history = chat(("第二十四届中国专利奖深圳总共获奖多少项?", "96项"), ("其中银奖几项?", "7项"))
    resolved = resolve_followup("占全国多少比例?", history)
    assert "银奖" in resolved and resolved.endswith("占全国多少比例?")


def test_x_ne_asks_the_way_the_last_question_asked() -> None:
    history = chat(("亳州2023年知识产权强市建设新闻发布会在哪儿开的?", "市会务中心第三会议室"), ("发布人是谁?", "王璞"))
    assert resolve_followup("知识产权科科长呢?", history).endswith("知识产权科科长是谁?")


def test_a_new_year_keeps_the_place_and_a_new_place_keeps_the_year() -> None:
    history = chat(("2023年杭州西湖区合计授权量是多少?", "13686"))
    assert resolve_followup("那2022年呢?", history) == "2022年杭州西湖区合计授权量是多少?"
    history = chat(("2023年深圳市专利授权量是多少?", "23.51万件"))
    assert resolve_followup("那北京呢?", history) == "北京2023年专利授权量是多少?"  # 深圳 goes with its 市


def test_a_new_place_takes_the_place_the_last_follow_up_named() -> None:
    history = chat(("首批示范区建设城市有哪些?", "天津市滨海新区、…、浙江省杭州市、浙江省宁波市"),
                   ("其中浙江有哪两个?", "浙江省杭州市、浙江省宁波市"))
    resolved = resolve_followup("天津呢?", history)
    assert "天津" in resolved and "浙江" not in resolved and resolved.endswith("天津有哪两个?")


def test_a_follow_up_in_another_time_keeps_the_place() -> None:
    history = chat(("2024年度泉州全市专利授权量是多少?", "3.79万件"), ("目前发明专利拥有量呢?", "2.14万件"))
    resolved = resolve_followup("那“十三五”末期是多少?", history)
    assert resolved.startswith("泉州全市") and "2024" not in resolved and "“十三五”末期" in resolved


def _english(question: str, before: str = "How many patents were granted in Shenzhen in 2023?") -> str:
    return resolve_followup(question, [Turn("user", before), Turn("assistant", "23.51万件")])


@pytest.mark.parametrize(
    ("question", "resolved"),
    [
        ("What about 2022?", "How many patents were granted in Shenzhen in 2022?"),
        ("And in 2021?", "How many patents were granted in Shenzhen in 2021?"),
        ("那2022年呢?", "How many patents were granted in Shenzhen in 2022?"),
        ("How about Guangzhou?", "How many patents were granted in Guangzhou in 2023?"),
        ("And Guangzhou in 2022?", "How many patents were granted in Guangzhou in 2022?"),
        ("And invention patents?", "How many invention patents were granted in Shenzhen in 2023?"),
        # a question of its own, or one whose new words the last question has no place for
        ("Who presided over the meeting?", "Who presided over the meeting?"),
        ("What about trademark registrations?", "What about trademark registrations?"),
    ],
)
def test_english_follow_ups(question: str, resolved: str) -> None:
    assert _english(question) == resolved


def test_an_english_follow_up_year_after_a_chinese_question() -> None:
    history = [Turn("user", "2023年深圳专利授权量是多少?"), Turn("assistant", "23.51万件")]
    assert resolve_followup("What about 2022?", history) == "2022年深圳专利授权量是多少?"
    # a year added where the last question had none
    assert _english("In 2022?", "How many patents has Shenzhen granted?") == "How many patents has Shenzhen granted in 2022?"


def test_a_question_opening_on_its_comparison_leans_on_the_last_one() -> None:
    # made-up conversation: '比…增长了多少' has no subject of its own
    history = chat(("临川现在有多少件地理标志证明商标?", "120件"))
    resolved = resolve_followup("比“十三五”末增长了多少?", history)
    assert resolved.startswith("临川") and "地理标志证明商标" in resolved and resolved.endswith("比“十三五”末增长了多少?")


def test_where_or_by_whom_asked_leaves_the_subject_as_topic() -> None:
    history = chat(("2025年度临川市版权登记分析报告是在什么场合发布的?", "启动仪式上"))
    resolved = resolve_followup("报告里个人作品登记了多少件?", history)
    assert resolved.startswith("2025年度临川市版权登记分析报告,") and "场合" not in resolved and "发布" not in resolved


def test_a_sibling_in_the_last_question_is_swapped_before_the_anchors_word() -> None:
    history = chat(
        ("2025年度临川市作品登记分析报告是在什么场合发布的?", "启动仪式上"),
        ("报告里个人作品登记了多少件?", "2834件"),
    )
    resolved = resolve_followup("那职务作品呢?", history)
    assert "职务作品登记了多少件" in resolved and "个人作品" not in resolved and "场合" not in resolved


def test_a_rank_asked_is_no_part_of_the_topic() -> None:
    history = chat(("临川2025年有效注册商标在全国排第几?", "第七"))
    assert resolve_followup("同比增长多少?", history) == "临川2025年有效注册商标,同比增长多少?"
    # a share of the total asked after a part was counted: the part's share
    history += chat(("种植业的地理标志商标有多少件?", "390件"))
    resolved = resolve_followup("占全省总量多少?", history)
    assert "种植业的地理标志商标" in resolved and resolved.endswith("占全省总量多少?")


def test_a_phrase_naming_a_figure_of_its_own_is_asked_plainly() -> None:
    history = chat(("临川现在有多少件地理标志证明商标?", "120件"), ("比“十三五”末增长了多少?", "28.3%"))
    resolved = resolve_followup("腐乳示范区2025年的综合产值呢?", history)
    assert resolved.endswith("腐乳示范区2025年的综合产值是多少?") and "比例" not in resolved


def test_a_name_that_opens_like_a_comparison_is_no_follow_up() -> None:
    history = chat(("2023年深圳专利授权量是多少?", "23.51万件"))
    for question in ("和平区2023年专利授权多少件?", "2023年和平区专利授权比上年增加多少件?"):
        assert resolve_followup(question, history) == question
