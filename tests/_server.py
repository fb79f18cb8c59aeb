"""`qa serve` in a subprocess on 127.0.0.1 and a free port, for the live (loopback-only) tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx

QA_BIN = Path(sys.executable).with_name("qa")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def rss_kib(self) -> int:
        """Resident memory of the server: `qa serve` and the processes it started (the pipeline
        process, multiprocessing's resource tracker), summed."""
        return sum(self.rss_parts_kib().values())

    def rss_parts_kib(self) -> dict[int, int]:
        """Resident memory (KiB) of `qa serve` and of each of its descendants, by pid."""
        parts: dict[int, int] = {}
        todo = [self.process.pid]
        while todo:
            pid = todo.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                            for c in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue  # gone meanwhile
            parts[pid] = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            todo += children
        if self.process.pid not in parts:
            raise RuntimeError("qa serve is not running")
        return parts

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def serve(corpus_dir: Path, index_dir: Path, log_path: Path, startup_s: float = 90, **env: str) -> Iterator[Server]:
    port = free_port()
    environ = os.environ | {
        "QA_CORPUS_DIR": str(corpus_dir),
        "QA_INDEX_DIR": str(index_dir),
        "QA_EMBEDDER": "hashing",
        "QA_SHOW_PROGRESS": "false",
        "QA_LOG_LEVEL": "WARNING",
        "QA_READER": "rules",  # as the in-process tests (conftest.make_settings); a test may name another
        "HF_HUB_OFFLINE": "1",
    } | env
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(QA_BIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environ, stdout=log, stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"qa serve exited with {process.returncode}:\n{server.log()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(server.base_url + "/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"qa serve did not come up in {startup_s}s:\n{server.log()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
