"""The scope of a candidate sentence: which years an undated sentence speaks of."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answering.context import build_doc_context, sentence_scope
from qa.documents import Document
from qa.normalize import normalize


def _scopes(published: str | None, text: str) -> dict[str, set[int]]:
    doc = Document(doc_id="d", title=text.split("\n", 1)[0], published=published, source=None, path="d.txt",
                   sha256="0" * 64, text=text)
    ctx = build_doc_context(doc, normalize(text))
    return {ctx.norm[start:end]: sentence_scope(ctx, start, end).years for start, end in ctx.sentences}


TEXT = "深圳专利工作取得新进展\n全市有效发明专利达到10件。\n上半年,每万人发明专利拥有量达124.9件。\n2021年,商标注册量为5件。此外,地理标志为3件。"


def test_an_undated_sentence_of_a_spring_report_may_speak_of_last_year() -> None:
    scopes = _scopes("2024-04-25", TEXT)
    assert scopes["全市有效发明专利达到10件。"] == {2024, 2023}  # annual results come out in spring
    assert scopes["上半年,每万人发明专利拥有量达124.9件。"] == {2024}  # a period of this year


def test_the_full_year_of_a_spring_report_is_the_year_before() -> None:
    text = "重庆知识产权工作新闻发布会\n全年授权专利5.41万件。\n今年全年目标是授权专利6万件。\n一季度授权专利1.2万件。"
    scopes = _scopes("2024-04-25", text)
    assert scopes["全年授权专利5.41万件。"] == {2023}  # 2024 is not over in April
    assert scopes["今年全年目标是授权专利6万件。"] == {2024}  # 今年 says which
    assert scopes["一季度授权专利1.2万件。"] == {2024}
    assert _scopes("2024-10-25", text)["全年授权专利5.41万件。"] == {2024}  # an autumn report: its own year


def test_an_undated_sentence_of_an_autumn_report_speaks_of_its_own_year() -> None:
    scopes = _scopes("2022-09-28", TEXT)
    assert scopes["全市有效发明专利达到10件。"] == {2022}
    assert scopes["上半年,每万人发明专利拥有量达124.9件。"] == {2022}


def test_a_year_said_earlier_in_the_paragraph_carries_on() -> None:
    scopes = _scopes("2022-09-28", TEXT)
    assert scopes["2021年,商标注册量为5件。"] == {2021}
    assert scopes["此外,地理标志为3件。"] == {2021}


def test_an_undated_document_has_no_year_of_its_own() -> None:
    assert _scopes(None, TEXT)["全市有效发明专利达到10件。"] == set()


def test_the_date_a_notice_is_signed_with_is_its_last_date_line() -> None:
    from qa.answering.answerer import Answerer
    from qa.types import Passage

    text = "关于确定示范区的通知\n2022年11月,国家局印发方案。\n各地要落实。\n国家知识产权局\n2023年4月24日\n(此件主动公开)"
    doc = Document("notice", "关于确定示范区的通知", None, None, "notice.txt", "0" * 64, text)
    ctx = build_doc_context(doc, normalize(text))
    passage = Passage(1, "notice-1", "notice", doc.title, text, 1.0, 1, 1, 0, len(text), 0)
    (signed,) = Answerer._signed_date([passage], {"notice": ctx})
    assert text[signed.answer_start : signed.answer_end] == "2023年4月24日"  # not the 2022年11月 inside a sentence
    signed_cn = text.replace("2023年4月24日", "二○二三年四月二十四日")
    doc_cn = Document("notice", "关于确定示范区的通知", None, None, "notice.txt", "0" * 64, signed_cn)
    (cn,) = Answerer._signed_date([passage], {"notice": build_doc_context(doc_cn, normalize(signed_cn))})
    assert signed_cn[cn.answer_start : cn.answer_end] == "二○二三年四月二十四日"  # signed in Chinese numerals
    bare = Document("x", "x", None, None, "x.txt", "0" * 64, "没有落款的文字。")
    assert Answerer._signed_date([replace_doc(passage, "x")], {"x": build_doc_context(bare, normalize(bare.text))}) == []


def test_the_number_a_notice_is_issued_with_is_the_line_under_its_title() -> None:
    from qa.answering.answerer import Answerer
    from qa.types import Passage

    text = "最高人民法院关于印发典型案例的通知\n(法〔2010〕172号)\n各高级人民法院:\n(2008)民三终字第8号案入选。"
    doc = Document("spc", "最高人民法院关于印发典型案例的通知", None, None, "spc.txt", "0" * 64, text)
    passage = Passage(1, "spc-1", "spc", doc.title, text, 1.0, 1, 1, 0, len(text), 0)
    (number,) = Answerer._numbered([passage], {"spc": build_doc_context(doc, normalize(text))})
    assert text[number.answer_start : number.answer_end] == "法〔2010〕172号"
    bare = Document("x", "x", None, None, "x.txt", "0" * 64, "没有文号的通知。\n(2008)民三终字第8号")
    assert Answerer._numbered([replace_doc(passage, "x")], {"x": build_doc_context(bare, normalize(bare.text))}) == []


def replace_doc(passage, doc_id: str):  # noqa: ANN001, ANN201
    from dataclasses import replace

    return replace(passage, doc_id=doc_id)


def test_an_item_of_a_numbered_list_is_read_under_the_lists_heading() -> None:
    text = ("最高法发布案件\n\n2022年中国法院十大知识产权案件\n\n一、 甲公司与乙公司侵害商标权纠纷案〔某法院(2021)京知民终1号〕\n\n"
            "二、 丙公司与丁公司著作权侵权纠纷案\n\n其他内容说明。")
    doc = Document("cases", "最高法发布案件", None, None, "cases.txt", "0" * 64, text)
    ctx = build_doc_context(doc, normalize(text))
    scopes = {ctx.norm[s:e]: sentence_scope(ctx, s, e) for s, e in ctx.sentences}
    second = next(v for k, v in scopes.items() if k.startswith("二、"))
    assert "十大知识产权案件" in second.text and 2022 in second.years
    first = next(v for k, v in scopes.items() if k.startswith("一、"))
    assert 2021 not in first.years  # the year of a case number is when it was filed, not what it is about
    assert "十大" not in next(v for k, v in scopes.items() if k.startswith("其他")).text  # no item: no heading


def test_a_list_under_a_label_is_read_under_the_title_above_the_label() -> None:
    text = "检察机关知识产权保护典型案例\n\n目 录\n\n1. 甲某侵犯商业秘密案\n\n2. 乙某假冒注册商标案"
    doc = Document("spp", "典型案例", None, None, "spp.txt", "0" * 64, text)
    ctx = build_doc_context(doc, normalize(text))
    second = next(s for s, e in ctx.sentences if ctx.norm[s:e].startswith("2."))
    assert ctx.heading_of(second) == "检察机关知识产权保护典型案例\n目 录"


def test_the_item_a_question_numbers_is_preferred_in_digits_or_chinese_numerals() -> None:
    from qa.answering.answerer import Answerer
    from qa.answering.question import analyze

    q = analyze("典型案例中第三件是什么案?")
    assert Answerer._enumeration(q, "3. 丙某侵犯著作权案") > 0 > Answerer._enumeration(q, "1. 甲某侵犯商业秘密案")
    assert Answerer._enumeration(q, "最高检选编“甲某案”等9件案例") < 0  # no item of the list
    assert Answerer._enumeration(q, "第三件是丙某侵犯著作权案") == 0.0  # says which item it is


def test_a_person_named_in_the_question_is_followed_through_the_text() -> None:
    from qa.answering.people import named_people, refers_to, without_pieces

    text = "專訪梁家麗JP 知識產權署署長\n梁女士未曾修讀知識產權。但她心意已決,於1995年加入知識產權署。\n該署於1990年才成立。"
    doc = Document("hk", "專訪", None, None, "hk.txt", "0" * 64, text)
    ctx = build_doc_context(doc, normalize(text))
    question = normalize("梁家丽是哪一年进入知识产权署工作的?")
    assert named_people(question, [ctx]) == ["梁家丽"]  # the document calls her 梁女士: a person
    assert named_people(normalize("高价值专利有多少件?"), [ctx]) == []  # a surname character opening a word
    paragraph = normalize("梁女士未曾修讀知識產權。但她心意已決,於1995年加入知識產權署。")
    assert refers_to("梁家丽", normalize("但她心意已決,於1995年加入知識產權署。"), paragraph)
    assert not refers_to("梁家丽", normalize("該署於1990年才成立。"), normalize("該署於1990年才成立。"))
    weights = without_pieces({"梁家": 2.0, "丽是": 3.0, "加入": 1.0}, question, ["梁家丽"])
    assert set(weights) == {"梁家丽", "加入"} and weights["梁家丽"] > 3.0
    # a word the tokenizer glued onto the name is a piece too (雷筱云任 of 雷筱云任什么职务)
    glued = without_pieces({"雷筱云任": 2.0, "职务": 1.0}, normalize("雷筱云任什么职务?"), ["雷筱云"])
    assert set(glued) == {"雷筱云", "职务"}


def test_a_persons_posts_are_the_words_right_before_the_name_after_what_introduces_them() -> None:
    from qa.answering.question import analyze
    from qa.answering.spans import role_spans

    s = normalize("共同出席今天发布会的还有战略规划司司长甲乙先生,知识产权运用促进司司长丙丁女士。")

    def posts(name: str) -> list[str]:
        return [s[sp.start : sp.end] for sp in role_spans(s, analyze(normalize(f"{name}担任什么职务?")), {name})]

    assert posts("甲乙") == ["战略规划司司长"]  # not '共同出席今天发布会的还有…'
    assert posts("丙丁") == ["知识产权运用促进司司长"]  # a verb inside a department's name is kept


def test_a_sibling_in_the_place_of_a_word_asked_is_another_figure() -> None:
    from qa.answering.answerer import _sibling_in_place
    from qa.answering.question import analyze

    q = analyze("2023年全国海关扣留涉嫌侵犯专利权的货物有多少批?")
    assert _sibling_in_place(q, normalize("其中,扣留涉嫌侵犯商标权货物61610批、8172.75万件")) == "商标权"
    assert _sibling_in_place(q, normalize("扣留涉嫌侵犯专利权货物120批")) is None
    assert _sibling_in_place(q, normalize("全国海关扣留侵权嫌疑货物6.2万批")) is None  # no word in its place
    # two verbs in one place say one act in other words
    asked = analyze("2022年国内申请人递交了多少件马德里商标国际注册申请?")
    assert _sibling_in_place(asked, normalize("收到国内申请人提交马德里商标国际注册申请2699件。")) is None


def test_a_kind_the_document_never_names_is_not_answered_with_the_wider_figure() -> None:
    from qa.answering.answerer import _first_unsaid, _narrowing, _unsaid_in
    from qa.answering.question import Question, analyze

    def _unsaid_kind(q: Question, s: str, doc_norm: str) -> str | None:  # the answerer's three steps in one
        return _first_unsaid(_unsaid_in(_narrowing(q), doc_norm), s)

    doc = normalize("2021年,全國共完成作品著作權登記3983943件,同比增長20.13%。其中,影視作品244538件。")
    sentence = normalize("2021年,全國共完成作品著作權登記3983943件,同比增長20.13%;")
    assert _unsaid_kind(analyze("2021年音乐作品登记了多少件?"), sentence, doc) == "音乐"
    assert _unsaid_kind(analyze("2021年影视作品登记了多少件?"), sentence, doc) is None  # the document names it
    assert _unsaid_kind(analyze("一般情况下拿到商标注册要等多久?"), "商标注册周期稳定在7个月", "商标注册周期") is None  # a verb
    # a place after the noun is no word it narrows
    gd = normalize("广东省已连续第六年评选并发布年度广东省知识产权十大事件")
    assert _unsaid_kind(analyze("第二十四届中国专利奖广东省总共获奖多少项?"), gd, gd) is None


def test_a_figure_whose_clause_opens_with_a_verb_has_its_subject_in_the_clause_before() -> None:
    from qa.answering.answerer import Answerer, _opens_with_verb
    from qa.answering.span_base import Span
    from qa.answering.question import Kind

    s = "江津区有效商标24754件,2022年新增3706件,增长17.64%"
    at = s.index("3706件")
    span = Span(at, at + len("3706件"), Kind.quantity, 1.0)
    assert Answerer._clause(s, span, split_list=True, figure=True) == "江津区有效商标24754件,2022年新增3706件"
    assert Answerer._clause(s, span, split_list=True) == "2022年新增3706件"  # not a figure asked: its own clause
    assert _opens_with_verb("2022年新增") and not _opens_with_verb("其中发明专利") and not _opens_with_verb("全市")
    assert not _opens_with_verb("提供海外知识产权维权援助服务")  # a verb with no time first opens a clause of its own
    # a share after a growth rate: both have their subject further back
    t = "南昌市专利授权量23800件,同比增长32.9%,占全省24.44%"
    at = t.index("24.44%")
    share = Span(at, at + len("24.44%"), Kind.ratio, 1.0)
    assert Answerer._clause(t, share, split_list=True, figure=True) == t


def test_the_place_a_figure_is_about_is_the_subject_of_the_nearest_clause_that_opens_with_one() -> None:
    from qa.answering.places import another_place, subject_place

    report = "在专利方面,泸州市2022年新增授权3591件,有效发明专利拥有量1059件"
    assert subject_place(report) == "泸州" and another_place(report, ["荣昌"])
    assert not another_place(report, ["泸州"]) and not another_place("其中,南山区授权5万件", ["深圳"])  # a part of it
    # a place inside a clause (an event's name) is no subject
    assert subject_place("开展杭州亚运会等知识产权保护专项行动,1-11月,共查处商标案件253件") is None


def test_a_year_a_figure_is_compared_with_is_not_its_year() -> None:
    from qa.answering.numbers import years

    assert years("每万人口发明专利拥有量达到19.98件,较2022年增长23.79%") == []
    assert years("2023年专利授权量比2022年增长5%") == [2023]


def test_a_year_like_number_that_counts_things_is_no_year() -> None:
    from qa.answering.numbers import years

    assert years("2024年,发明专利授权2091件,实用新型专利授权1941件") == [2024]
    assert years("共1968家企业,2023年度") == [2023]
    assert years("2019年专利授权40037件") == [2019]



def test_the_year_a_figure_follows_in_a_sentence_of_two_years() -> None:
    from qa.answering.numbers import year_before

    s = "统计处表示,2023年度新申请专利案件72,607件,年增0.8%,2024年度前七月40,415件,年增0.2%"
    assert year_before(s, s.index("72,607")) == 2023 and year_before(s, s.index("40,415")) == 2024
    s = "2024年专利授权量100件,比2023年增长5%"
    assert year_before(s, s.index("5%")) == 2024  # the year compared with is not the figure's
    assert year_before("专利授权量100件", 5) is None
    s = "2024年,累计监测纠纷案件1955件,为1968家涉案企业提供指导"
    assert year_before(s, s.index("1968")) == 2024  # 1955件 is a count, not a year


def test_a_headlines_pieces_set_apart_by_spaces_are_clauses_of_their_own() -> None:
    from qa.answering.answerer import Answerer
    from qa.answering.question import Kind
    from qa.answering.span_base import Span

    s = "2023年重庆全年授权专利5.41万件 每万人口发明专利拥有量达19.98件"
    at = s.index("5.41万件")
    assert Answerer._clause(s, Span(at, at + 6, Kind.quantity, 1.0), split_list=True) == "2023年重庆全年授权专利5.41万件"
    s = "世界知识产权组织 (World Intellectual Property Organization, WIPO) 受理PCT国际申请约272,600件"
    at = s.index("约272,600件")
    assert Answerer._clause(s, Span(at, len(s), Kind.quantity, 1.0), split_list=True) == " WIPO) 受理PCT国际申请约272,600件"


def _pipeline(tmp_path: Path, name: str, text: str, reader: str):  # noqa: ANN202
    """A pipeline over a corpus of one document."""
    from conftest import make_settings

    from qa.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    return Pipeline.load(make_settings(corpus, tmp_path / "index", reader=reader))


REPORT = (
    "川渝四地知识产权白皮书:泸州、永川、江津、荣昌\n"
    "在专利方面,泸州市2022年新增授权3591件,有效发明专利拥有量1059件。\n"
    "永川区2022年新增授权2027件,有效发明专利拥有量1309件。\n"
    "荣昌区有效商标14659件,2022年新增1679件,增长12.94%。\n"
)


def test_a_report_on_several_places_answers_each_from_its_own_sentences(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, "chuanyu.txt", REPORT, "combined")
    assert pipeline.ask("永川区2022年新增授权多少件?").answer == "2027件"
    # 荣昌's patents are not given: not 泸州's or 永川's figure, though the title names all four places
    assert pipeline.ask("荣昌区2022年有效发明专利拥有量是多少?").abstained


RANKINGS = (
    "两个机构2024年发明专利申请人排名\n"
    "2024年,审查中心发明专利公开案件前十大申请人,华北电子以5,100件排名第1,其次依序是东方机械(3,200件)。"
    "专利局部分,南方科技以1,200件连续3年居冠,其次依序是西部材料(700件)。"
    "值得留意的是,2024年本地发明专利申请县市,以临江市3,100件居首。\n"
)


def test_a_sentence_opening_on_a_topic_of_its_own_goes_on_from_the_sentence_before(tmp_path: Path) -> None:
    # '专利局部分,…居冠' ranks what the sentence before ranked (发明专利公开案件申请人) for another topic
    pipeline = _pipeline(tmp_path, "rankings.txt", RANKINGS, "rules")
    assert pipeline.ask("2024年专利局发明专利申请人第一名是谁?").answer == "南方科技"
    # the ranking's words (排名第一) are read by the leader's span finder, whatever words the text uses (居冠)
    assert pipeline.ask("2024年专利局发明专利申请人中排名第一的是哪个?").answer == "南方科技"
    assert pipeline.ask("2024年审查中心发明专利申请人中排名第一的是哪个?").answer == "华北电子"
    # the rest of a ranking after its first (其次依序是…), and the figure of the one ranked so
    assert pipeline.ask("2024年专利局发明专利申请人第二名是谁?").answer == "西部材料"
    assert pipeline.ask("2024年专利局发明专利申请人第一名申请了多少件?").answer == "1,200件"
    assert pipeline.ask("2024年审查中心发明专利申请人第二名有多少件?").answer == "3,200件"


def test_a_figure_whose_clause_names_another_kind_of_what_is_asked_is_that_kinds() -> None:
    from qa.answering.answerer import _another_kind
    from qa.answering.question import analyze

    patents = analyze("荣昌区2022年新增专利授权多少件?")
    assert _another_kind(patents, normalize("荣昌区有效商标14659件,2022年新增1679件"))
    assert not _another_kind(patents, normalize("永川区2022年新增专利授权2027件"))
    assert not _another_kind(patents, normalize("2022年新增2027件"))  # no kind named: nothing to tell
    assert not _another_kind(patents, normalize("专利商标质押融资18.98亿元"))  # the kind asked is named too
    utility = analyze("2023年受理的新型专利申请有多少件?")
    assert _another_kind(utility, normalize("受理50,854件发明专利申请案"))
    assert not _another_kind(utility, normalize("实用新型专利申请3.2万件"))  # another name of the same kind
    assert not _another_kind(analyze("2023年专利申请有多少件?"), normalize("受理50,854件发明专利申请案"))
    # a sentence whose topic is another kind: the figure's clause need not name it again
    trademarks = analyze("2022年上半年我国商标注册申请量是多少?")
    assert _another_kind(trademarks, normalize("发证5233件"), normalize("集成电路布图设计方面:上半年,我国集成电路布图设计登记申请7661件,发证5233件"))
    assert not _another_kind(trademarks, normalize("商标注册申请量3.2万件"), normalize("专利申请量2.1万件,商标注册申请量3.2万件"))


def test_an_entity_asked_for_is_not_the_thing_the_question_says_it_of(tmp_path: Path) -> None:
    text = (
        "无锡知识产权金融工作\n2023年,无锡市市场监督管理局与国家金融监督管理总局无锡监管分局共建无锡市知识产权金融创新实验室,"
        "搭建交流平台。\n"
    )
    pipeline = _pipeline(tmp_path, "lab.txt", text, "rules")
    answer = pipeline.ask("无锡的知识产权金融创新实验室是跟哪个监管机构一起搭的?").answer
    assert answer is not None and answer.endswith("无锡监管分局")


def test_kinds_of_a_court_caseload_are_told_apart() -> None:
    from qa.answering.kinds import another_kind, kinds_asked, unsaid_kind

    received = kinds_asked(normalize("2024年湖北法院新收知识产权案件多少件?"))
    assert another_kind(received, normalize("2024年審結各類知識產權案件 15627 件")) == "审结"
    assert another_kind(received, normalize("2024年新收知识产权案件16200件")) is None
    assert unsaid_kind(received, normalize("本次发布十件典型案例。2024年审结案件15627件。")) == "新收"
    assert unsaid_kind(received, normalize("全年新受理知识产权案件1.6万件。")) is None  # another name of the kind
    # a question naming both kinds of a family, or none, pins no kind
    assert kinds_asked(normalize("2024年新收和审结的案件各多少件?")) == ()
    assert unsaid_kind(kinds_asked(normalize("2024年知识产权案件多少件?")), "审结15627件") is None


COURT = (
    "湖北高院发布2024年知识产权典型案例\n"
    "本次发布十件知识产权典型案例,覆盖商业秘密、商标、著作权等案件类型。"
    "2024年湖北法院审结各类知识产权案件15627件,同比增长8.2%。\n"
)


@pytest.mark.parametrize("reader", ["rules", "combined"])
def test_a_kind_of_figure_the_document_never_gives_is_not_answered(reader: str, tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, "court.txt", COURT, reader)
    assert pipeline.ask("2024年湖北法院审结知识产权案件多少件?").answer == "15627件"
    # cases received (新收) are never given: neither the cases closed nor the ten typical cases answer
    assert pipeline.ask("2024年湖北法院新收知识产权案件多少件?").abstained


PAGE = (
    "甲市中级法院发布2024年知识产权十大典型案例\n"
    "甲市中级法院 2025-04-27\n"
    "本次发布的十件典型案例覆盖商业秘密、商标、著作权等案件类型。\n"
    "案例一 某科技公司诉某网络公司侵害商标权纠纷案,法院判决被告赔偿经济损失50万元。\n"
)


@pytest.mark.parametrize("reader", ["rules", "combined"])
def test_the_date_a_page_was_posted_is_its_publication_date_as_the_page_writes_it(reader: str, tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, "cases.txt", PAGE, reader)
    result = pipeline.ask("甲市中级法院2024年知识产权十大典型案例是哪天发布的?")
    assert result.answer == "2025-04-27" and result.as_of == "2025-04-27"
    assert pipeline.ask("On what date was the list of ten typical IP cases of 2024 posted?").answer == "2025-04-27"
    # another page's date is not this page's: its title and opening do not say what the question asks about
    assert pipeline.ask("商标审查审理指南修订稿是哪天发布的?").answer != "2025-04-27"


CASES = (
    "甲省高院发布知识产权典型案例\n"
    "案例一\n"
    "案例索引:甲省乙市中级人民法院(2023)甲01知民初481号\n"
    "案情摘要\n"
    "某公司经核准取得“通达”注册商标,被告在网站使用相同标识,法院判决停止侵权。\n"
    "案例二\n"
    "案例索引:甲省高级人民法院(2024)甲知民终77号\n"
    "案情摘要\n"
    "原告与被告就植物新品种权许可合同发生纠纷,法院判决被告支付许可费。\n"
)


def test_a_case_number_given_before_its_case_is_found_by_what_the_case_is_about(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, "cases.txt", CASES, "rules")
    assert pipeline.ask("“通达”商标案的案号是什么?").answer == "(2023)甲01知民初481号"
    assert pipeline.ask("植物新品种权许可合同纠纷案的案号是什么?").answer == "(2024)甲知民终77号"


def test_a_count_said_vaguely_and_exactly_is_no_sibling() -> None:
    from qa.answering.answerer import _sibling_in_place
    from qa.answering.question import analyze

    q = analyze("河北作品著作权登记量连续多年大涨,平均每年涨幅是多少?")
    assert _sibling_in_place(q, normalize("作品著作权登记数量已连续七年出现较大幅度增长,年均增长率为161.59%。")) is None


def test_a_figure_of_what_is_asked_joined_with_another_is_of_both() -> None:
    from qa.answering.joined import joined_with_another
    from qa.answering.question import analyze

    whole = "中国国内高校和科研机构有效发明专利拥有量共达到102.3万件"
    assert joined_with_another(analyze("中国高校有效发明专利拥有量达到多少?"), whole)
    assert joined_with_another(analyze("国内科研机构有效发明专利拥有量是多少?"), whole)
    assert not joined_with_another(analyze("高校和科研机构有效发明专利拥有量是多少?"), whole)
    assert not joined_with_another(analyze("中国高校有效发明专利拥有量达到多少?"), "高校达79.4万件")
    assert not joined_with_another(
        analyze("2019年辽宁三种专利一共授权了多少件?"), "全省发明专利、实用新型专利以及外观设计专利三种专利授权40037件"
    )
    # kinds of one thing listed, or all of them asked, are no other thing joined on
    assert not joined_with_another(analyze("2019年辽宁专利授权了多少件?"), "全省发明专利、实用新型专利以及外观设计专利授权40037件")


def test_a_figure_of_the_place_that_holds_the_one_asked_is_not_its_figure() -> None:
    from qa.answering.places import another_place

    said = "2021年1至12月,宁夏全区专利授权量为12885件"
    assert another_place(said, ["固原"], ["宁夏", "固原"])  # the whole's figure, not its part's
    assert not another_place(said, ["宁夏"], ["宁夏"])
    assert not another_place("固原市685件", ["固原"], ["宁夏", "固原"])
    # another city of the province the question names beside the one asked: a sibling's figure
    assert another_place("吴忠市1891件", ["银川"], ["宁夏", "银川"])
    assert not another_place("银川市7286件", ["银川"], ["宁夏", "银川"])


def test_a_wider_place_whose_figures_hold_the_part_is_no_level() -> None:
    from qa.answering.question import analyze

    assert analyze("2021年宁夏的授权专利里,银川一个市就拿下了多少件?").level_places == []
    assert analyze("深圳在广东省知识产权保护考核中连续几年获评优秀?").level_places == ["广东"]


def test_applications_and_grants_received_and_closed_arrests_and_prosecutions_are_kinds() -> None:
    from qa.answering.kinds import another_kind, kinds_asked

    granted = kinds_asked(normalize("2019年临川专利授权总量是多少件?"))
    assert another_kind(granted, normalize("临川全市专利申请总量为29000件")) == "申请"
    assert another_kind(granted, normalize("授权总量18000件")) is None
    closed = kinds_asked(normalize("临川法院十年来审结了多少件案件?"))
    assert another_kind(closed, normalize("共受理案件20100件")) == "受理"
    prosecuted = kinds_asked(normalize("2024年临川检察机关受理审查起诉侵犯知识产权犯罪多少人?"))
    assert another_kind(prosecuted, normalize("共受理审查逮捕侵犯知识产权犯罪1300人")) == "逮捕"
    assert another_kind(prosecuted, normalize("受理审查起诉3300人")) is None


def test_a_respectively_list_later_in_a_sentence_does_not_shield_an_earlier_figure(tmp_path: Path) -> None:
    text = "临川专利统计\n\n2019年,临川全市专利申请总量为29000件,授权总量18000件,其中发明专利申请量、授权量分别为5100件和2200件。\n"
    pipeline = _pipeline(tmp_path, "lc.txt", text, "rules")
    assert pipeline.ask("2019年临川全市专利授权总量是多少件?").answer == "18000件"
    assert pipeline.ask("2019年临川发明专利授权量是多少件?").answer == "2200件"


def test_a_figure_of_one_kind_is_a_part_where_the_whole_is_asked() -> None:
    from qa.answering.kinds import a_part_of_the_whole

    asked = normalize("2023年临川专利授权量是多少?")
    assert a_part_of_the_whole(asked, normalize("外观设计专利授权522件"))
    assert not a_part_of_the_whole(asked, normalize("全市新增专利授权6992件"))
    assert not a_part_of_the_whole(normalize("2023年临川外观设计专利授权量是多少?"), normalize("外观设计专利授权522件"))
    assert a_part_of_the_whole(normalize("临川知识产权质押融资多少?"), normalize("专利权质押融资3亿元"))


def test_a_figure_over_a_span_of_years_is_no_answer_for_its_last_year(tmp_path: Path) -> None:
    text = "临川法院十年审判白皮书\n\n白皮书显示,2014年11月至2024年10月,临川法院共受理案件20198件,审结案件19550件。\n"
    pipeline = _pipeline(tmp_path, "lc.txt", text, "rules")
    assert pipeline.ask("临川法院2024年全年审结了多少件案件?").abstained
    assert pipeline.ask("临川法院2014年11月至2024年10月审结了多少件案件?").answer == "19550件"
