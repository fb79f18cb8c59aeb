"""`qa serve`'s pipeline process (qa/pipeline_process.py): answers computed in a child process are the
answers of the server's own pipeline; the pipeline's errors come back as themselves; a child that
dies fails the calls waiting on it and is replaced on the next call; a reload reaches the child."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from qa.pipeline_process import PipelineProcess, PipelineProcessDied, perform

QUESTION = "2023年深圳专利授权量是多少?"


def _without_timings(body: bytes) -> dict:
    payload = json.loads(body)
    payload.pop("timings", None)
    return payload


@pytest.fixture(scope="module")
def process(settings, pipeline):  # `pipeline` first: the index is built before the child loads it
    child = PipelineProcess(settings, threads=2)
    assert child.start() == pipeline.index.name
    yield child
    child.close()


def test_answers_are_the_servers_own(process, pipeline) -> None:
    for call in [("ask", (QUESTION, [], None, 3)), ("search", ("深圳 专利", None, 4))]:
        assert _without_timings(process.call(call)) == _without_timings(perform(pipeline, call))


def test_calls_run_side_by_side(process) -> None:
    bodies: list[bytes] = []
    threads = [threading.Thread(target=lambda: bodies.append(process.call(("search", ("专利", None, 2)))))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(bodies) == 6 and len({json.dumps(_without_timings(b)["passages"]) for b in bodies}) == 1


def test_errors_come_back_as_raised(process) -> None:
    with pytest.raises(ValueError, match="unknown pipeline call"):
        process.call(("nonsense", ()))
    assert json.loads(process.call(("search", ("专利", None, 1))))["passages"]  # the channel still works


def test_reload_reaches_the_child(process, pipeline) -> None:
    assert process.reload() == pipeline.index.name


def test_a_dead_child_is_replaced(process) -> None:
    pid = process.pid
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(PipelineProcessDied):  # a call under way when it dies fails (here: a reload)
        process.reload()
    assert json.loads(process.call(("search", ("专利", None, 1))))["passages"]  # a new child answers
    assert process.pid != pid and process.restarts == 1
    idle = process.pid
    os.kill(idle, signal.SIGKILL)  # dies between calls: replaced before the next call, which succeeds
    deadline = time.monotonic() + 10
    while process._child.process.exitcode is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert json.loads(process.call(("search", ("专利", None, 1))))["passages"]
    assert process.pid not in (pid, idle) and process.restarts == 2


def test_a_child_that_cannot_load_is_an_error(settings, tmp_path) -> None:
    child = PipelineProcess(settings.with_overrides(index_dir=tmp_path / "no-index"), threads=1)
    with pytest.raises(RuntimeError, match="qa index"):
        child.start()
    assert child.pid is None
    child.close()

