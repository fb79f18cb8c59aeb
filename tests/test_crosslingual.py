"""English questions read in the Chinese words of their evidence (qa/crosslingual.py), and the readers
and the hybrid retriever that use that reading."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.crosslingual import chinese_question, lexicon
from qa.reader.combined import CombinedReader
from qa.reader.rules import chinese_reading
from qa.types import AskResult, Passage

XIAOSHAN = "2023年,杭州市萧山区发明专利授权量2393件,同比增长12%。全区专利授权量合计9986件。"
CUSTOMS = "2023年全国海关在货运渠道扣留侵权嫌疑货物2832批,依申请扣留29批。"


def test_a_question_is_read_in_the_words_its_evidence_uses_and_in_chinese_order() -> None:
    got = chinese_question("How many invention patents were granted in Hangzhou's Xiaoshan district in 2023?", [XIAOSHAN])
    # the year first, then the places (Xiaoshan district -> 萧山区 as the evidence writes it), the
    # figure asked, the act as its volume (授权 -> 授权量, which the evidence says), the question word
    assert got == "2023年杭州萧山区发明专利授权量是多少?"


def test_a_measure_word_goes_with_the_question_word() -> None:
    got = chinese_question("In 2023, how many batches of goods did customs detain in the freight channel?", [CUSTOMS])
    assert got is not None and got.startswith("2023年") and got.endswith("多少批?")
    assert "海关" in got and "扣留" in got and "货运" in got


def test_a_sense_the_evidence_does_not_use_is_left_out() -> None:
    # 'goods' has many Chinese words (商品, 产品, 货物 …): the one taken is the evidence's
    assert "货物" in (chinese_question("How many goods were detained?", [CUSTOMS]) or "")
    assert "商品" not in (chinese_question("How many goods were detained?", [CUSTOMS]) or "")
    # nothing of the question in the evidence: no reading at all
    assert chinese_question("How many trademarks did Madrid register?", ["今天天气很好。"]) is None
    assert chinese_question("How many patents?", []) is None


@pytest.mark.parametrize(
    ("question", "ending"),
    [
        ("Who presided over the press conference?", "谁?"),
        ("Which reporter wrote the report?", "是谁?"),
        ("In which year was the office set up?", "哪一年?"),
        ("For how many consecutive years has the index stayed satisfied?", "连续多少年?"),
    ],
)
def test_the_question_word_asked(question: str, ending: str) -> None:
    evidence = "新闻发布会由市委宣传部副部长李波主持。记者何泳报道。该办公室成立于1995年。满意度指数连续14年处于满意区间。"
    got = chinese_question(question, [evidence])
    assert got is not None and got.endswith(ending)


def test_grammar_of_the_field_says_nothing() -> None:
    evidence = "中国2023年全年共授权专利364.9万件,合计增长。"
    assert chinese_question("How many patents in total did China grant in 2023?", [evidence]) == "2023年中国专利授权是多少?"


def test_the_lexicon_holds_the_terminology_and_cc_cedict() -> None:
    lex = lexicon()
    assert lex.candidates("invention patent")[0] == ("发明专利",)
    assert "海关" in lex.candidates("customs")[1]
    assert "萧山" in lex.candidates("xiaoshan")[1]  # a place by its pinyin


# ------------------------------------------------------------------------------ the readers


def _passage(text: str, doc_id: str = "d", rank: int = 1) -> Passage:
    return Passage(rank, f"{doc_id}#0", doc_id, "标题", text, 1.0, 1, 1, 0, len(text), 0)


def _result(answer: str | None, confidence: float, resolved: str = "q") -> AskResult:
    return AskResult(
        question="q", resolved_question=resolved, answer=answer, abstained=answer is None, reason=None if answer else "无",
        confidence=confidence, sentence=None, as_of=None, citations=[], passages=[],
    )


class Recording:
    """A reader that gives one fixed result and records the questions it was asked."""

    name = "fixed"

    def __init__(self, result: AskResult) -> None:
        self.result = result
        self.asked: list[str] = []
        self.first_only: list[bool] = []

    def read(self, question, resolved, passages, index, first_only=False):  # noqa: ANN001
        self.asked.append(resolved)
        self.first_only.append(first_only)
        return replace(self.result, question=question, resolved_question=resolved)

    def support(self, *args):  # noqa: ANN002
        return None


def test_the_rules_read_an_english_question_only_in_chinese_words() -> None:
    passages = [_passage("An English page about patents."), _passage(XIAOSHAN, "zj", 2)]
    # the Chinese passages alone give the words; an English page gives none
    assert chinese_reading("How many invention patents were granted in Xiaoshan district?", passages) == "萧山区发明专利授权量是多少?"
    assert chinese_reading("How many invention patents were granted?", [_passage("An English page.")]) is None


def test_the_combined_reader_reads_an_english_question_in_chinese_where_the_model_finds_nothing() -> None:
    passages = [_passage(XIAOSHAN)]
    rules, learned = Recording(_result("2393件", 0.9)), Recording(_result(None, 0.1))
    english = "How many invention patents were granted in Hangzhou's Xiaoshan district in 2023?"
    r = CombinedReader(rules, learned, alone=0.5, trust=1.01).read("q", english, passages, None)  # type: ignore[arg-type]
    assert r.answer == "2393件" and r.resolved_question == english and r.reader == "combined"
    assert rules.asked == ["2023年杭州萧山区发明专利授权量是多少?"]
    assert learned.asked == [english, "2023年杭州萧山区发明专利授权量是多少?"]  # as written first, then the reading


def test_an_english_question_is_read_both_as_written_and_in_chinese() -> None:
    passages = [_passage(XIAOSHAN)]
    english = "How many invention patents in Xiaoshan?"
    rules, learned = Recording(_result(None, 0.0)), Recording(_result("2393件", 0.8))
    r = CombinedReader(rules, learned, alone=0.5).read("q", english, passages, None)  # type: ignore[arg-type]
    assert r.answer == "2393件" and rules.asked == ["萧山发明专利是多少?"]  # the model's: the rules find nothing
    rules = Recording(_result("9986件", 0.99))
    r = CombinedReader(rules, Recording(_result(None, 0.0)), alone=0.5).read("q", english, passages, None)  # type: ignore[arg-type]
    assert r.answer == "9986件" and r.resolved_question == english


# ------------------------------------------------------------------------------ retrieval


class _Chunk:
    def __init__(self, text: str, doc_id: str = "page") -> None:
        self.text = text
        self.doc_id = doc_id


class _Index:
    chunks = [_Chunk("An English page about customs."), _Chunk("海关总署介绍了知识产权保护情况。"), _Chunk(CUSTOMS)]
    documents: dict = {}


class _Lists:
    """A list retriever that finds the customs figure only by a Chinese word (海关, which the English
    question's second candidate uses)."""

    index = _Index()

    def __init__(self) -> None:
        self.queries: list[str] = []

    def ranked(self, query):  # noqa: ANN001
        self.queries.append(query.text)
        if "海关" in query.text:
            return [(2, 3.0), (1, 1.0)]
        return [(0, 2.0), (1, 1.0)]


def test_an_english_question_is_also_searched_with_its_chinese_reading() -> None:
    from qa.retrieval import HybridRetriever, RRFFusion, _query

    sparse, dense = _Lists(), _Lists()
    hybrid = HybridRetriever(sparse, dense, RRFFusion())  # type: ignore[arg-type]
    request = _query("How many batches did customs detain in the freight channel?", 5, None)
    assert request is not None
    first = RRFFusion().fuse([sparse.ranked(request), dense.ranked(request)], request)
    assert [f.row for f in first] == [0, 1]  # the English question alone never reaches the figure
    again = hybrid._with_chinese_reading(request, first)
    assert 2 in [f.row for f in again]
    assert any(q.startswith("海关") for q in sparse.queries)
    ranks = {f.row: f.ranks for f in again}
    assert ranks[0] == first[0].ranks  # passages keep the English question's own ranks where it had them


def test_an_english_question_for_one_thing() -> None:
    from qa.crosslingual import asks_one

    assert asks_one("How many batches were detained?") and asks_one("Who presided over it?")
    assert not asks_one("Which cities were named demonstration zones?")


def test_a_count_asked_in_english_is_told_from_a_share_asked() -> None:
    from qa.crosslingual import asks_count

    assert asks_count("How many PCT applications did Chinese applicants file in 2024?")
    assert asks_count("What was the number of invention patents granted?")
    assert not asks_count("How many percent did filings grow?")
    assert not asks_count("What share of the national total is that?")
    assert not asks_count("How much did spending rise?")


@pytest.mark.parametrize(
    "question",
    ["", "😀" * 50, "How many " * 2000, "混合 scripts 與繁體 and English 123 ％", "???", "2023", "'s 's -- ,,,"],
)
def test_odd_questions_give_a_reading_or_none_never_an_exception(question: str) -> None:
    got = chinese_question(question, [XIAOSHAN, CUSTOMS])
    assert got is None or (isinstance(got, str) and got.endswith("?"))


def test_a_place_only_the_title_names_and_a_month_are_rendered() -> None:
    # a passage from the middle of a city's report does not name the city; its document's title does
    middle = "国际专利(PCT)申请528件,较2022年增长17.07%。有效注册商标总量86.66万件。"
    title = "2023年重庆全年授权专利5.41万件"
    question = "How many PCT international patent applications did Chongqing file in August 2023?"
    got = chinese_question(question, [middle], [title])
    assert got is not None and got.startswith("2023年8月重庆") and "国际专利" in got


def test_a_name_keeps_its_apostrophe() -> None:
    text = "西安市商标有效注册量49.38万件,同比增长8.8%。"
    assert "西安" in (chinese_question("How many valid trademarks did Xi'an have?", [text]) or "")
    assert "商标" in (chinese_question("What is Xi'an's number of valid trademarks?", [text]) or "")


def test_a_search_renders_the_fields_terms_the_passages_do_not_use_yet() -> None:
    # the first passages found for an English question may miss the figure's words: the search looks
    # for them in the terminology's Chinese; the reader keeps to the words of its evidence
    text = "西安探索知识产权与产业经济融合发展,截至今年6月有效发明专利9.96万件。"
    question = "How many valid trademark registrations did Xi'an have?"
    assert "商标" not in (chinese_question(question, [text]) or "")
    assert "商标" in (chinese_question(question, [text], unseen_terms=True) or "")


def test_an_english_question_that_quotes_a_chinese_name_is_english_and_keeps_the_name() -> None:
    from qa.languages import mostly_chinese

    question = "What position does 陈茂波 hold in the Hong Kong SAR government?"
    assert not mostly_chinese(question)  # three characters among forty letters: an English question
    assert mostly_chinese("2023年PCT国际专利申请量是多少?")  # a Chinese one with a Latin acronym
    from qa.languages import latin_script

    assert latin_script("Zhejiang | 803 | 763") and not latin_script("| 2021 | 5928 |")  # figures alone are no English
    evidence = "香港特区政府财政司司长陈茂波7日表示,香港将建设区域知识产权贸易中心。"
    got = chinese_question(question, [evidence])
    assert got is not None and "陈茂波" in got and got.endswith("什么职务?")  # the name as written, the post asked
    passages = [_passage(evidence)]
    rules, learned = Recording(_result("财政司司长", 0.9)), Recording(_result(None, 0.1))
    r = CombinedReader(rules, learned, alone=0.5, trust=1.01).read("q", question, passages, None)  # type: ignore[arg-type]
    assert r.answer == "财政司司长" and rules.asked == [got]  # read as English: its rendering reaches the rules


def test_a_place_named_by_its_pinyin_binds_where_the_passages_never_say_it() -> None:
    page = "白皮书显示,2023年,全市新增专利授权6992件,其中新增发明专利授权1060件。"
    assert chinese_question("How many patents were granted in Binzhou in 2023?", [page]) == "2023年滨州专利授权是多少?"
    # a pinyin of two cities (台州, 泰州) binds neither; 'China' is among the senses of 唐山, not its pinyin
    assert chinese_question("How many patents were granted in Taizhou in 2023?", [page]) == "2023年专利授权是多少?"
    assert chinese_question("How many patents did China grant in 2023?", [page]) == "2023年专利授权是多少?"
