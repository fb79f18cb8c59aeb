"""Normalization for matching (same length as the input) and the BM25 tokens built on it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.documents import Corpus
from qa.normalize import normalize
from qa.tokenize import stopwords, tokenize, tokenize_normalized


def test_traditional_to_simplified_keeps_length() -> None:
    for traditional, simplified in [
        ("深圳每萬人發明專利擁有量爲全國平均6倍", "深圳每万人发明专利拥有量为全国平均6倍"),
        ("深圳知識產權保護中心主任是誰", "深圳知识产权保护中心主任是谁"),
        ("發行規模100.46億元", "发行规模100.46亿元"),
        ("連續18年居全國首位", "连续18年居全国首位"),
    ]:
        assert normalize(traditional) == simplified
        assert len(normalize(traditional)) == len(traditional)


def test_full_width_to_half_width_and_lower_case_keep_length() -> None:
    text = "ＰＣＴ國際專利申請量１．５９万件，同比增长１１．９％（全国）　第一"
    out = normalize(text)
    assert out == "pct国际专利申请量1.59万件,同比增长11.9%(全国) 第一"
    assert len(out) == len(text)
    assert normalize("PCT GDP") == "pct gdp"


def test_simplified_text_unchanged() -> None:
    text = "全市国内专利授权量23.51万件,商标注册量24.97万件"
    assert normalize(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_normalize_always_keeps_length(text: str) -> None:
    assert len(normalize(text)) == len(text)


def test_normalized_seed_documents_align_with_originals(seed_corpus: Corpus) -> None:
    for doc in seed_corpus.documents:
        norm = normalize(doc.text)
        assert len(norm) == len(doc.text)
        # an offset found in normalized text is the same offset in the original
        start = norm.find("知识产权")
        assert start >= 0
        assert normalize(doc.text[start : start + 4]) == "知识产权"


def test_query_number_matches_number_with_unit() -> None:
    query = set(tokenize("2023年深圳专利授权量是23.51万吗?"))
    doc = set(tokenize("全市国内专利授权量23.51万件,商标注册量24.97万件"))
    assert {"23.51", "23.51万"} <= query & doc
    assert "23.51万件" in doc and "24.97万件" in doc


def test_numbers_with_units_and_percent_kept_whole() -> None:
    tokens = tokenize("同比增长11.9%,有效发明专利量3721件,查办案件1796宗,发行规模100.46億元")
    for token in ("11.9%", "3721件", "1796宗", "100.46亿元", "100.46亿", "100.46"):
        assert token in tokens, token


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    assert tokenize("深圳知識產權保護中心主任是誰") == tokenize("深圳知识产权保护中心主任是谁")
    assert tokenize("ＰＣＴ國際專利申請量") == tokenize("PCT国际专利申请量")


def test_domain_dictionary_words() -> None:
    tokens = tokenize("深圳每万人发明专利拥有量和知识产权质押融资")
    for word in ("知识产权", "发明专利", "每万人", "质押融资"):
        assert word in tokens, word


def test_stopwords_and_punctuation_dropped() -> None:
    tokens = tokenize("深圳的知识产权保护工作站有多少家?“是”吗!,。、;:()《》")
    assert "知识产权保护工作站" in tokens and "工作站" in tokens
    for gone in ("的", "有", "多少", "是", "吗"):
        assert gone in stopwords()
        assert gone not in tokens
    assert not [t for t in tokens if not any(ch.isalnum() for ch in t)]


def test_empty_and_punctuation_only_input() -> None:
    assert tokenize("") == []
    assert tokenize("?!。,、 \n") == []
    assert tokenize_normalized("") == []

