"""The pipeline's work in a child process, for `qa serve`.

Why. The HTTP server's event loop (accepting connections, refusing the overload with 503s, /health,
timing out slow clients) and the threads computing answers used to share one interpreter, so one
GIL: the loop had to win the GIL back after every system call (each recv, send and poll) against
every worker thread that was busy (a socket call of 3 µs alone took 52 µs on average against four
computing threads). Under overload its turns stretched to tens of milliseconds, and so did the 503s
and health checks it was there to answer at once. Here the questions are answered in a spawned child
process with its own interpreter (its own GIL), and the server's process keeps its GIL for the loop;
the operating system's scheduler shares the cores.

How. The child loads the pipeline itself (`Pipeline.load`, the build the server loaded; the server's
own pipeline loads no models: it lists documents and orchestrates reloads), asks one question to
load what loads lazily (a cold first question takes seconds: jieba's dictionaries), and serves
`threads` channels (pipes), one thread each, so up to `threads` questions are computed at once, as
the worker threads did before. The server's side of a call is a thread of its own (api/deps.py's
run_in_budget: the time budget, the slot) that sends ("ask" or "search", arguments) over a free
channel and waits for the response's JSON bytes, rendered in the child. A third message, reload, goes
over a control channel: the child swaps in the current build as the server's pipeline just did.

If the child dies (killed, out of memory), the calls waiting on it fail with PipelineProcessDied
(the service answers 503) and the next call starts a new child."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from .settings import Settings

log = logging.getLogger(__name__)

SPAWN = multiprocessing.get_context("spawn")
WARM_UP_QUESTION = "知识产权保护有哪些措施?"  # asked once by the child before it says it is ready
Call = tuple[str, tuple]  # ("ask", (question, history, retriever, top_k)) or ("search", (query, retriever, top_k))


class PipelineProcessDied(RuntimeError):
    """The child process stopped while (or before) computing a call."""


def perform(pipeline: Any, call: Call) -> bytes:
    """Run one call on `pipeline` and return the response body (in the child, or in a worker thread of
    a server without a child: the in-process app of the tests)."""
    from .contract import AskResponse, SearchResponse, render

    method, args = call
    if method == "ask":
        return render(AskResponse.from_result(pipeline.ask(*args)))
    if method == "search":
        return render(SearchResponse.from_result(pipeline.search(*args)))
    raise ValueError(f"unknown pipeline call {method!r}")


def _portable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling (the server raises it as the pipeline would have), else a
    RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


# ----------------------------------------------------------------------------------------- child


def _serve_channel(pipeline: Any, channel: Connection) -> None:
    while True:
        try:
            call = channel.recv()
        except (EOFError, OSError):
            return  # the server closed its end
        try:
            reply: tuple[str, Any] = ("ok", perform(pipeline, call))
        except Exception as exc:
            reply = ("error", _portable(exc))
        try:
            channel.send(reply)
        except OSError:
            return


def _child(data: dict[str, Any], control: Connection, channels: list[Connection]) -> None:
    from .console import configure_logging
    from .pipeline import Pipeline

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the process group: the server stops us
    settings = Settings(**data)
    configure_logging(settings.log_level)
    try:
        pipeline = Pipeline.load(settings, build_if_missing=False, rebuild_stale=False)
    except Exception as exc:
        control.send(("error", f"{exc}"))
        return
    try:  # what loads at the first question (jieba's dictionaries, the tagger, patterns) loads now
        pipeline.ask(WARM_UP_QUESTION)
    except Exception as exc:
        log.warning("the warm-up question failed: %s", exc)
    gc.collect()
    gc.freeze()  # the loaded pipeline is out of the collector's sight: full collections walk only the new
    for channel in channels:
        threading.Thread(target=_serve_channel, args=(pipeline, channel), daemon=True).start()
    control.send(("ready", pipeline.index.name))
    while True:
        try:
            message = control.recv()
        except (EOFError, OSError):
            break  # the server is gone: so are we
        if message == "stop":
            break
        if message == "reload":
            try:
                control.send(("ok", pipeline.reload()))
            except Exception as exc:
                control.send(("error", _portable(exc)))
    os._exit(0)  # daemon threads may be inside a call; nothing of ours needs flushing


# ---------------------------------------------------------------------------------------- server


class _Child:
    """One started child: its process, control channel and call channels."""

    def __init__(self, settings: Settings, threads: int) -> None:
        control, control_there = SPAWN.Pipe()
        pairs = [SPAWN.Pipe() for _ in range(threads)]
        self.process = SPAWN.Process(
            target=_child, args=(settings.model_dump(mode="json"), control_there, [there for _, there in pairs]),
            name="qa-pipeline", daemon=True,
        )
        self.process.start()
        for end in (control_there, *(there for _, there in pairs)):
            end.close()  # the child holds these now; closing ours lets us see EOF when it dies
        self.control = control
        self.free = [here for here, _ in pairs]
        self.control_lock = threading.Lock()

    def wait_ready(self) -> str:
        try:
            status, value = self.control.recv()
        except (EOFError, OSError):
            self.process.join(5)
            raise PipelineProcessDied(f"the pipeline process stopped while loading (exit code {self.process.exitcode})") from None
        if status != "ready":
            self.process.join(5)
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        try:
            self.control.send("stop")
        except OSError:
            pass
        for end in (self.control, *self.free):
            end.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


class PipelineProcess:
    """The server's handle on the child: `call` from any thread (at most `threads` at once, which the
    caller's slots ensure), `reload` after the server's own pipeline reloaded, `close` at exit."""

    def __init__(self, settings: Settings, threads: int) -> None:
        self.settings = settings
        self.threads = threads
        self._lock = threading.Condition()
        self._child: _Child | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.process.pid if child is not None else None

    def start(self) -> str:
        """Start the child and wait until its pipeline is loaded; the build name it serves."""
        with self._lock:
            return self._start()

    def _start(self) -> str:
        child = _Child(self.settings, self.threads)
        try:
            name = child.wait_ready()
        except BaseException:
            child.close()
            raise
        self._child = child
        self._lock.notify_all()
        log.info("pipeline process %d serving %s", child.process.pid, name)
        return name

    def call(self, call: Call) -> bytes:
        """The response body of `call`, computed in the child; the pipeline's exception if it raised one."""
        child = self._child
        if child is not None and child.process.exitcode is not None:  # it died while idle: replace it first
            self._died(child)
        with self._lock:
            if self._child is None:
                self._start_again()
            child = self._child
            assert child is not None
            while not child.free:  # the caller's slots keep this from happening; be safe anyway
                self._lock.wait()
            channel = child.free.pop()
        try:
            channel.send(call)
            status, value = channel.recv()
        except (EOFError, OSError):
            channel.close()
            self._died(child)
            raise PipelineProcessDied("the pipeline process stopped while answering") from None
        with self._lock:
            if self._child is child:
                child.free.append(channel)
                self._lock.notify()
            else:
                channel.close()
        if status == "ok":
            return value
        raise value

    def reload(self) -> str:
        """Make the child swap in the current build (as Pipeline.reload); its name."""
        with self._lock:
            child = self._child
        if child is None:
            return self.start()  # a new child loads the current build anyway
        with child.control_lock:
            try:
                child.control.send("reload")
                status, value = child.control.recv()
            except (EOFError, OSError):
                self._died(child)
                raise PipelineProcessDied("the pipeline process stopped while reloading") from None
        if status != "ok":
            raise value
        return value

    def _died(self, child: _Child) -> None:
        with self._lock:
            if self._child is not child:
                return  # already noticed
            self._child = None
        child.process.join(5)
        log.error("the pipeline process %s stopped (exit code %s): a new one starts with the next request",
                  child.process.pid, child.process.exitcode)
        child.close()

    def _start_again(self) -> None:
        self.restarts += 1
        try:
            self._start()
        except Exception as exc:
            log.error("the pipeline process could not be started again: %s", exc)
            raise PipelineProcessDied(f"the pipeline process could not be started: {exc}") from None

    def close(self) -> None:
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            child.close()
