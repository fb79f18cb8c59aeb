"""Question analysis: what is asked and under which constraints, in either script."""

from __future__ import annotations

import pytest

from qa.answering.numbers import cn_to_int, ordinals, years
from qa.answering.places import find_places, lies_within, narrowest
from qa.answering.question import Kind, analyze


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("2023年深圳专利授权量是多少?", Kind.quantity),
        ("深圳知識產權保護中心主任是誰?", Kind.person),
        ("谁主持了会议?", Kind.person),
        ("大会是哪天召开的?", Kind.date),
        ("分中心是什么时候成立的?", Kind.date),
        ("哪些案例入选十大事件?", Kind.listing),
        ("哪5个区获颁任务书?", Kind.listing),
        ("PCT申请量连续多少年居全国首位?", Kind.streak),
        ("商标注册申请量在全省排第几?", Kind.ranking),
        ("拥有量是全国平均水平的几倍?", Kind.ratio),
        ("银奖占全国的百分之几?", Kind.ratio),
        ("软件著作权登记量跟上一年比变化了多少?", Kind.ratio),
        ("种植业的地理标志商标占全省总量多少?", Kind.ratio),  # a share of the whole, without 比例
        ("《示范区建设方案》的文号是什么?", Kind.docnum),
        ("判决书的案号是什么?", Kind.docnum),
        ("2019年出台的地方性法规叫什么?", Kind.title),
        ("深圳发布了什么宣言?", Kind.title),
        ("三部门建立了什么协同保护机制?", Kind.named),
        ("发布会在哪里举行?", Kind.entity),
        ("由哪个部门发布?", Kind.entity),
        ("深圳发布的地方标准叫什么名字?", Kind.title),
        ("这个服务平台叫什么?", Kind.named),
        ("保护中心主任叫什么名字?", Kind.person),
        ("局长叫什么?", Kind.person),
        ("入池企业的融资成本有多高?", Kind.quantity),
        ("银奖占全国的百分比?", Kind.ratio),
        ("同比涨了多少?", Kind.ratio),
        ("有效注册商标量的排名又如何?", Kind.ranking),
        ("那起337调查最后结果怎样?", Kind.outcome),
        ("还有哪个单位发言?", Kind.entity),
        ("夏昆山是什么职务?", Kind.role),
        ("李波在哪里任职?", Kind.role),
        ("有哪些单位发言?", Kind.listing),
        ("专利产出量在全国大中城市排名是多少?", Kind.ranking),
        ("证券化产品的规模有多大?", Kind.quantity),
    ],
)
def test_answer_kind(question: str, kind: Kind) -> None:
    assert analyze(question).kind is kind


def test_constraints_are_read_in_either_script() -> None:
    simplified = analyze("2022年上半年深圳每万人发明专利拥有量是多少?")
    traditional = analyze("2022年上半年深圳每萬人發明專利擁有量是多少?")
    for q in (simplified, traditional):
        assert q.places == ["深圳"]
        assert q.years == [2022]
        assert "每万人" in q.terms and "拥有量" in q.terms
    assert simplified.terms == traditional.terms


def test_unit_and_focus_of_a_quantity_question() -> None:
    q = analyze("第二十四届中国专利奖深圳获得了几项银奖?")
    assert q.unit == "项"
    assert q.focus == "银奖"
    assert q.ordinals == {(24, "届")}
    # the edition is a constraint, not a bag of content words
    assert not any(t in "第二十四届" for t in q.terms)
    assert analyze("2023年1-11月亳州查处的商标案件案值是多少?").focus == "案值"


def test_person_titles_and_list_size() -> None:
    q = analyze("出席会议的共青团深圳市委员会副书记是谁?")
    assert q.titles == ["副书记"]  # 委员会 is an organisation, not the title 委员
    assert analyze("哪五个方面?").list_size == 5
    assert analyze("哪些方面?").list_size is None


def test_publication_names_are_no_place_constraint() -> None:
    assert find_places("香港商报这篇报道的深圳特区报记者是谁") == []
    assert find_places("香港2022年的专利申请量") == ["香港"]
    assert find_places("深圳与亳州") == ["深圳", "亳州"]


def test_provinces_by_their_abbreviations_where_they_are_listed() -> None:
    listed = "2023年,沪、苏、浙、皖四省市新增发明专利授权量"
    assert find_places(listed, abbreviations=True) == ["上海", "江苏", "浙江", "安徽"]
    assert find_places("京津冀协同发展", abbreviations=True) == ["北京", "天津", "河北"]
    # inside words they are no abbreviations: 辽宁 is no 辽 + 宁, 新华社 names no 新疆
    assert find_places("辽宁省", abbreviations=True) == ["辽宁"]
    assert find_places("新华社记者报道,青年才俊", abbreviations=True) == []
    # a question's '不含港澳台' or '粤港澳大湾区' asks about no province
    assert find_places(listed) == [] and analyze("国内(不含港澳台)发明专利拥有量是多少?").places == []


@pytest.mark.parametrize(("text", "value"), [("二十四", 24), ("十六", 16), ("两", 2), ("七", 7), ("24", 24), ("一百零八", 108)])
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_to_int(text) == value


def test_years_and_editions_including_damaged_dates() -> None:
    assert years("20231-10月,全市共获授权发明专利330件") == [2023]
    assert years("2023426日,国家主席") == [2023]
    assert years("2024年查办知识产权行政案件1796宗") == [2024]
    assert ordinals("第二十四届中国专利奖") == {(24, "届")}
    assert ordinals("二十四届中国专利奖预获奖项目96项") == {(24, "届")}
    assert ordinals("第23届") == {(23, "届")}


def test_separable_verbs_are_joined() -> None:
    q = analyze("大会上谁致的辞?")
    assert q.kind is Kind.person
    assert "致辞" in q.norm and "致辞" in q.role_verbs


def test_a_place_inside_another_named_beside_it_is_the_constraint() -> None:
    assert lies_within("连平", "河源") and lies_within("连平", "广东")
    assert lies_within("亳州", "安徽") and lies_within("南山", "深圳") and lies_within("南山", "广东")
    assert not lies_within("深圳", "安徽") and not lies_within("广东", "深圳")
    assert narrowest(["亳州", "安徽"]) == ["亳州"]
    assert narrowest(["北京", "深圳"]) == ["北京", "深圳"]  # two places side by side both constrain
    ranking = analyze("亳州有效注册商标量在安徽全省排第几?")
    assert ranking.places == ["亳州"] and ranking.named_places == ["亳州", "安徽"]
    # the wider place said on its own names the level (the provincial assessment) ...
    assert analyze("深圳在广东省知识产权保护考核中连续几年获评优秀?").level_places == ["广东"]
    # ... but not when it is part of a name or an address
    assert analyze("河套深圳园区的措施涵盖几个方面?").level_places == []
    assert analyze("安徽亳州有多少件有效发明专利?").level_places == []
    # a province asked about on its own is still a constraint of its own
    assert analyze("广东省专利授权量是多少?").places == ["广东"]


def test_a_ranking_question_is_about_the_metric_before_the_ranking_frame() -> None:
    assert analyze("2023年亳州PCT专利申请量在安徽全省排第几位?").focus == "专利申请量"
    assert analyze("亳州有效注册商标量全省排名第几?").focus == "有效注册商标量"


def test_a_date_question_is_about_the_event_named_after_the_asking_phrase() -> None:
    assert analyze("深圳出台了《条例》,后来哪一年修订的?").focus == "修订"
    assert analyze("分中心是什么时候成立的?").kind is Kind.date


def test_the_period_asked_and_the_unit_of_the_asking_phrase() -> None:
    assert analyze("2022年全年深圳每万人发明专利拥有量是多少?").periods == {"全年"}
    assert analyze("2023年1至10月亳州商标注册量是多少?").periods == {"1-10月"}
    assert analyze("深圳专利授权量是多少?").periods == set()
    # a count up to a month's end covers the year so far (截至6月底: the first half; 截至12月底: the year)
    assert analyze("截至2022年6月底我国发明专利有效量是多少?").periods == {"上半年"}
    assert analyze("截至2023年8月,湖南全省当年专利授权量累计多少?").periods == {"1-8月"}
    assert analyze("截止到12月末有效商标多少件?").periods == {"全年"}
    # 多少亿元 asks for money; 亿元 is no word the answer's sentence must contain
    assert "亿元" not in analyze("深圳知识产权质押融资总额是多少亿元?").terms


def test_a_ratio_or_ranking_question_is_about_the_metric_before_its_frame_noun() -> None:
    assert analyze("银奖占全国的比例是多少?").focus == "银奖"
    assert analyze("银奖占全国的百分之几?").focus == "银奖"
    assert analyze("商标注册申请量,有效注册商标量的排名又如何?").focus == "有效注册商标量"


def test_what_a_question_rules_out_is_no_term_of_it() -> None:
    q = analyze("深圳获得的银奖(不是金奖)有多少项?")
    assert "金奖" in q.excluded and "金奖" not in q.terms and q.focus == "银奖"
    assert analyze("第二十三届中国专利奖(不是第二十四届)深圳获奖多少项?").ordinals == {(23, "届")}
    assert analyze("2022年全年(而不是上半年)深圳的拥有量是多少?").periods == {"全年"}
    q = analyze("会议上除了深圳市公安局,还有哪个单位发言?")
    assert "公安局" in q.excluded and "深圳" not in q.excluded  # a place is a constraint, not ruled out


def test_an_item_of_an_enumeration_is_asked_by_its_number() -> None:
    assert analyze("其中第二方面聚焦什么?").enumerated == "二"
    assert analyze("第四件案件的原告是谁?").enumerated == "四" and analyze("第四件案件的原告是谁?").party == "first"
    assert analyze("被上诉人是哪家公司?").party == "second"
    assert analyze("聚焦什么?").enumerated is None and analyze("聚焦什么?").party is None
    # a follow-up asking for a part of what was counted names it after 其中
    assert analyze("2023年海关在货运渠道扣留侵权嫌疑货物,其中依申请扣留的有多少批?").part == ["申请"]
    assert analyze("第二十四届中国专利奖深圳获得几项金奖?").enumerated is None


def test_a_streak_asked_around_its_verb() -> None:
    assert analyze("十大事件评选连续搞了几年?").kind is Kind.streak
    assert analyze("十大事件这是第几年评了?").kind is Kind.streak


def test_a_pointer_to_an_edition_is_no_edition() -> None:
    assert ordinals("这一届广东知识产权十大事件") == set()
    assert ordinals("24届中国专利奖") == {(24, "届")}


def test_what_a_metric_counts_is_its_name_before_the_volume_word() -> None:
    from qa.answering.answerer import _metric_core

    assert _metric_core("专利申请量") == "申请" and _metric_core("商标注册量") == "注册"
    assert _metric_core("融资额") == "融资" and _metric_core("拥有量") == "拥有"
    assert _metric_core("质押金额") == "质押" and _metric_core("作品数量") == "作品"
    assert _metric_core("工作站") is None and _metric_core(None) is None  # no metric name


def test_a_span_never_cuts_a_word_of_latin_script() -> None:
    from qa.answering.answerer import _cuts_a_word

    s = "accounting for 74.4 percentage points,财政司司长陈茂波"
    at = s.index("age")
    assert _cuts_a_word(s, at, at + 3)  # 'age' of 'percentage'
    assert not _cuts_a_word(s, s.index("percentage"), s.index("percentage") + len("percentage"))
    assert not _cuts_a_word(s, s.index("财政司司长"), s.index("财政司司长") + 5)  # Chinese has no such boundary
    assert not _cuts_a_word("iphone15发布", 0, 6)


def test_which_one_leads_asks_a_name_however_its_figure_is_measured() -> None:
    from qa.answering.question import Kind, analyze

    assert analyze("外国申请人中,哪个国家占比最高?").kind is Kind.entity  # not the share
    assert analyze("哪个城市专利授权量最多?").kind is Kind.entity
    assert analyze("占比最高的是多少?").kind is Kind.ratio  # the figure of the one that leads
    assert analyze("哪一年的专利授权量最多?").kind is Kind.date
    assert not analyze("最高检发布的典型案例中,第一件是什么案?").leader  # 最高检 names a body, not a leader
    assert analyze("专利密集型产业在国内生产总值中占了多大份额?").kind is Kind.ratio  # a share, not an amount


def test_a_rate_asked_is_a_ratio() -> None:
    assert analyze("2023年临川法院的结案率是多少?").kind is Kind.ratio
    assert analyze("临川发明专利授权率为多少?").kind is Kind.ratio


def test_a_year_asked_is_no_end_of_a_span_of_years() -> None:
    from qa.answering.numbers import asks_one_year, only_as_a_span_of_years

    sentence = "2014年11月至2024年10月,临川法院共受理案件20198件,审结案件19550件"
    assert only_as_a_span_of_years(sentence, [2024])
    assert not only_as_a_span_of_years("2024年审结案件1000件,2014年至2024年累计审结2万件", [2024])
    assert not only_as_a_span_of_years("2024年1月至2024年10月审结2000件", [2024])  # one year's months
    assert asks_one_year("临川法院2024年全年审结了多少件案件", [2024])
    assert not asks_one_year("临川法院2014年11月至2024年10月审结了多少件案件", [2014, 2024])
    assert not asks_one_year("临川法院到2024年十年来审结了多少件案件", [2024])
