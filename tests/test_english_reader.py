"""English questions over English pages, read by typed spans."""

from __future__ import annotations

from qa.documents import Document
from qa.normalize import normalize
from qa.reader.english import EnglishReader, asked_kind
from qa.retrieval import Passage

PAGE = (
    "China vigorously pursues transformation of patents\n"
    "BEIJING, July 17 (Xinhua) -- China has promoted the industrialization of patents, with the industrialization "
    "rate of enterprise invention patents up from 44.9 percent in 2020 to 53.3 percent in 2024, the official said.\n"
    "As of June this year, the number of valid domestic invention patents had reached 5.01 million, an increase "
    "of 13.2 percent year on year, while high-value invention patents per 10,000 people reached 14.\n"
    "There were 524,000 domestic enterprises that held valid invention patents in June 2025.\n"
    "The press conference was held on July 17, 2025 in Beijing."
)


class _Index:
    def __init__(self, docs: list[Document]) -> None:
        self.documents = {d.doc_id: d for d in docs}
        self.doc_norms = {d.doc_id: normalize(d.text) for d in docs}


def _read(question: str, extra: list[Document] = ()) -> tuple[str | None, float]:  # type: ignore[assignment]
    doc = Document("xinhua", "China pursues", "2025-07-17", None, "x.txt", "0" * 64, PAGE)
    docs = [*extra, doc]
    passages = [Passage(i + 1, f"{d.doc_id}-1", d.doc_id, d.title, d.text[:200], 1.0, i + 1, i + 1, 0, 200, 0) for i, d in enumerate(docs)]
    r = EnglishReader().read(question, question, passages, _Index(docs))  # type: ignore[arg-type]
    return r.answer, r.confidence


def test_the_kind_asked_decides_what_is_read() -> None:
    assert asked_kind("How many patents were granted?") == "quantity"
    assert asked_kind("What was the industrialization rate of patents?") == "rate"
    assert asked_kind("When was the list posted?") == "date" and asked_kind("Who spoke?") == "person"
    assert asked_kind("Why did patents grow?") is None
    # which/what of a post asks a person
    assert asked_kind("Which CNIPA official gave the figures?") == "person"
    assert asked_kind("What Hong Kong minister spoke on the bill?") == "person"
    assert asked_kind("Which patent office granted the most?") is None


def test_the_figure_of_the_year_asked_in_the_sentence_that_says_the_question() -> None:
    assert _read("What was the industrialization rate of enterprise invention patents in China in 2024?")[0] == "53.3 percent"
    assert _read("What was the industrialization rate of enterprise invention patents in China in 2020?")[0] == "44.9 percent"
    # the sentence that says the question's words in its order, not the one that says them scattered
    assert _read("How many valid domestic invention patents did China have as of June 2025?")[0] == "5.01 million"
    assert _read("When was the press conference held?")[0] == "July 17, 2025"
    # the base of a rate ('per 10,000 people') is no figure of its own


def test_a_sentence_without_a_year_is_read_in_the_year_the_page_opens_on() -> None:
    opening = Document(
        "cgtn", "Opinion", "2019-01-14", None, "c.txt", "0" * 64,
        "Opinion: What can we get from the press conference?\nOn January 10, 2019, the office introduced the "
        "statistics of its work in 2018.\nPatent filings numbered about 1.5 million applications.",
    )
    assert _read("How many patent filings were there in 2018?", [opening])[0] == "1.5 million"
    assert _read("How many patent filings were there in 2017?", [opening])[0] is None


def test_no_sentence_saying_enough_of_the_question_is_no_answer() -> None:
    assert _read("How many PCT international applications did Chinese applicants file in 2024?")[0] is None
    assert _read("How many trademarks were registered in Hong Kong in 2019?")[0] is None  # another year, no such words
    chinese = Document("zh", "专利", "2025-01-01", None, "zh.txt", "0" * 64, "2024年企业发明专利产业化率为53.3%。")
    answer, _ = _read("What was the industrialization rate of enterprise invention patents in 2024?", [chinese])
    assert answer == "53.3 percent"  # Chinese pages are left to the other readings


HU = Document(
    "hu", "China's innovation capabilities soar", "2025-01-15", None, "h.txt", "0" * 64,
    "China's innovation capabilities soar\nBEIJING, Jan. 15 (Xinhua) -- China's innovation capabilities have surged, "
    "with 14 high-value invention patents per 10,000 people, an official said on Wednesday.\n"
    "By the end of 2024, China had approximately 4.76 million valid domestic invention patents, according to "
    "Hu Wenhui, deputy commissioner of the China National Intellectual Property Administration.",
)


def test_the_value_of_a_rate_is_a_figure_though_small() -> None:
    # '14 … per 10,000 people': a small number before the base of a rate is its value
    assert _read("How many high-value invention patents per 10,000 people does China have?", [HU])[0] == "14"


def test_a_person_asked_by_post_of_an_organisation_named_by_its_acronym() -> None:
    # CNIPA is the initials of the page's China National Intellectual Property Administration; the post
    # asked ('official') is the answer's, not a word the sentence must say
    assert _read("Which CNIPA official gave the end-2024 figures on valid invention patents?", [HU])[0] == "Hu Wenhui"


def test_a_question_in_other_words_of_the_page_is_read() -> None:
    from qa.reader.english import stem as _stem

    assert _stem("jumped") == _stem("increase") == _stem("growth")
    assert _stem("held") == _stem("hold") and _stem("published") == _stem("released")
    assert _stem("close") != _stem("concluded")  # 'close to 30,000' is no closing of cases
    from qa.reader.english import _content_words, _said

    page = "Customs detained 41,300 batches of goods, an increase of 8 percent."
    seized = _said(_content_words("How many batches of goods were seized?"), page)
    assert seized > _said(_content_words("How many batches of goods were burned?"), page) and seized > 0.8
