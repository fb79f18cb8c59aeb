"""A page that speaks for a place by its offices (Taiwan's 智慧局) and dates by the ROC calendar."""

from __future__ import annotations

from qa.answering.calendar import gregorian, roc_dated
from qa.answering.context import build_doc_context, sentence_scope
from qa.answering.jurisdictions import governed_place, offices
from qa.documents import Document
from qa.normalize import normalize
from qa.reader.constraints import question_constraints, unnamed_places

TAIWAN = (
    "106年專利商標申請統計\n"
    "106年智慧局受理專利申請73,791件,年增2%;本國人發明專利18,199件。\n"
    "從申請人國籍來看,日本三種專利共申請13,850件,美國7,312件。"
)
MAINLAND = "深圳市知识产权局发布数据\n2023年深圳专利授权量23.51万件。台湾智慧局同期发布的数据显示,台湾发明专利申请量增长。深圳居全国第一。"


def _doc(text: str, published: str = "2018-01-25") -> Document:
    return Document("d", text.split("\n", 1)[0], published, None, "d.txt", "0" * 64, text)


def test_offices_come_from_the_data_file_and_name_divisions() -> None:
    table = offices()
    assert table["智慧财产局"] == "台湾" and table["知识产权署"] == "香港"


def test_a_page_of_an_office_speaks_for_its_place() -> None:
    assert governed_place(normalize(TAIWAN)) == "台湾"


def test_a_page_that_quotes_an_office_is_not_that_places_page() -> None:
    # the mainland report names 深圳 more often than it names Taiwan's office
    assert governed_place(normalize(MAINLAND)) is None
    assert governed_place(normalize("2023年深圳专利授权量23.51万件。")) is None


def test_roc_years_read_as_gregorian_on_a_roc_dated_page_only() -> None:
    norm = normalize(TAIWAN)
    assert roc_dated(norm) and not roc_dated(normalize(MAINLAND))
    converted = gregorian(norm, True)
    assert len(converted) == len(norm)  # offsets still point into the document
    assert converted.startswith("2017专利商标申请统计") and "2017智慧局受理" in converted
    assert gregorian("建党100年", False) == "建党100年"
    assert gregorian("民国99年与1100年", True) == "民国99年与1100年"  # two digits, or a four-digit year: left


def test_the_place_and_year_of_a_roc_page_are_its_sentences_scope() -> None:
    norm = normalize(TAIWAN)
    ctx = build_doc_context(_doc(TAIWAN), norm)
    assert "台湾" in ctx.main_places and 2017 in ctx.all_years
    start, end = next((s, e) for s, e in ctx.sentences if "18,199" in ctx.norm[s:e])
    scope = sentence_scope(ctx, start, end)
    assert "台湾" in scope.places and scope.years == {2017}


def test_a_place_spoken_for_by_offices_is_not_missing_from_the_corpus() -> None:
    norms = {"tw": normalize(TAIWAN), "sz": normalize(MAINLAND)}
    assert unnamed_places("2017年台湾发明专利申请量是多少?", norms, ["tw"]) == []
    assert unnamed_places("2017年香港发明专利申请量是多少?", norms, ["tw"]) == ["香港"]
    assert question_constraints("2017年台湾发明专利申请量是多少?").places == ("台湾",)


def test_a_hong_kong_page_is_known_by_its_currency_and_its_districts() -> None:
    from qa.answering.places import lies_within

    norm = normalize("海關日前在屯門工廈倉庫檢獲4300件懷疑冒牌物品,估計市值港幣50萬元。")
    assert governed_place(norm) == "香港"  # it never says 香港
    assert lies_within("屯门", "香港") and lies_within("台中", "台湾")
    # the tagger's one word 香港海关 is the office of a place: the place is what the evidence must name
    assert question_constraints("香港海关在屯门查获多少件冒牌物品?").places == ("香港", "屯门")
    assert question_constraints("江苏南京有效发明专利多少件?").places == ("江苏", "南京")
    assert unnamed_places("香港海关在屯门查获多少件冒牌物品?", {"hk": norm}, ["hk"]) == []
