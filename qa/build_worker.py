"""Building an index in a child process.

The e5 engine sizes its OpenMP thread pool once per process, when it loads. A process that
builds an index (several threads) and then answers queries (one thread, the fast setting on a
busy small machine) must therefore not load the engine for the build: the build runs here, in a
spawned child, and the serving process loads the engine only for queries."""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from typing import Any

from .settings import Settings


def _run(data: dict[str, Any], errors: Any) -> None:
    from .console import ProgressBars, configure_logging
    from .embedders import make_embedder
    from .index_store import IndexConfig, build_index

    settings = Settings(**data)
    configure_logging(settings.log_level)
    bars = ProgressBars(settings.show_progress)
    try:
        build_index(IndexConfig.from_settings(settings), make_embedder(settings, for_indexing=True), progress=bars)
    except Exception as exc:  # the parent raises it with this message
        errors.put(str(exc))
        raise SystemExit(1) from None
    finally:
        bars.close()


def build_in_child(settings: Settings) -> None:
    """Build the index in a spawned process; raise RuntimeError with its message if it fails."""
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    child = context.Process(target=_run, args=(settings.model_dump(mode="json"), errors), name="qa-index-build")
    child.start()
    child.join()
    try:
        message = errors.get(timeout=1) if child.exitcode else None
    except queue_module.Empty:
        message = None
    if child.exitcode:
        raise RuntimeError(message or f"the index build stopped (exit code {child.exitcode}): run `qa index` to see why")
