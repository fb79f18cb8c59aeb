"""The index's files: its errors (each message says what to run), JSON lines, writes that are atomic
and synced to disk, and the build lock that keeps two builds of one index directory apart."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Iterator


class IndexError_(RuntimeError):
    """Base for index problems; the message says what to run."""


class IndexMissing(IndexError_):
    pass


class IndexStale(IndexError_):
    pass


class IndexCorrupt(IndexError_):
    pass


class IndexBusy(IndexError_):
    """Another process holds the build lock for longer than the caller would wait."""



def write_jsonl(path: Path, rows: Iterator[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def ensure_dir(path: Path) -> None:
    """mkdir -p, with a message that says what to do when a file stands where a directory must be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ValueError(
            f"{path} must be a directory but a file is in the way: move that file, or point QA_INDEX_DIR "
            "(--index-dir) at a directory"
        ) from None


LOCK_POLL_S = 0.1


@contextlib.contextmanager
def build_lock(index_dir: Path, timeout_s: float | None = None) -> Iterator[None]:
    """The index directory's build lock; with `timeout_s`, IndexBusy when another process holds it
    for longer than that (without, wait as long as it takes)."""
    ensure_dir(index_dir)
    with (index_dir / ".lock").open("w") as handle:
        if timeout_s is None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
                            f"another index build is running in {index_dir} (waited {timeout_s:g}s): "
                            "try again when it has finished"
                        ) from None
                    time.sleep(LOCK_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)



def file_sha256(path: Path) -> bytes:
    """Streamed, so an oversized file in the corpus is never held in memory whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()
