"""Plumbing the bench sections share: the eval questions, the `qa` executable, progress."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Callable

from ..settings import PROJECT_ROOT, Settings

Progress = Callable[[str, int, int], None]  # (stage, done, total)
QUESTIONS = PROJECT_ROOT / "eval" / "questions.jsonl"


def no_progress(stage: str, done: int, total: int) -> None:
    return None


def load_questions(path: Path = QUESTIONS, limit: int | None = None) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        questions = [json.loads(line)["question"] for line in handle if line.strip()]
    return questions[:limit] if limit else questions


def qa_command() -> list[str]:
    """The `qa` console script of this interpreter's environment (or the module as a fallback)."""
    script = Path(sys.executable).with_name("qa")
    if script.exists():
        return [str(script)]
    found = shutil.which("qa")
    return [found] if found else [sys.executable, "-c", "from qa.cli import main; main()"]


def cli_options(settings: Settings, index_dir: Path) -> list[str]:
    """Global `qa` options that make a child process use these settings and this index."""
    options = [
        "--no-progress", "--log-level", "WARNING",
        "--corpus-dir", str(settings.corpus_dir), "--index-dir", str(index_dir),
        "--embedder", settings.embedder.value,
    ]
    if settings.embedder_model:
        options += ["--embedder-model", settings.embedder_model]
    if settings.model_cache_dir:
        options += ["--model-cache-dir", str(settings.model_cache_dir)]
    return options


def child_env(**extra: str) -> dict[str, str]:
    """This environment for a child process, less the OpenMP thread count an embedder in this
    process wrote into it (each child sizes its own pools from its settings)."""
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.update(extra)
    return env
