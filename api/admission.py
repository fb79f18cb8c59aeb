"""Admission control: a bounded number of requests at work, a bounded queue, a bounded wait.

Beyond `max_in_flight` requests at work and `max_queued` waiting, a request is refused at once with
503 and Retry-After (a JSON body like every other error), so the requests that are admitted keep
close to their unloaded latency instead of everyone waiting behind everyone. A request that waits
longer than `queue_timeout_s` for a slot gets the same 503. So that this is rare, the queue holds
only as many as can expect a slot in time: with the recent time a request holds a slot (`service_s`,
a moving average), the k-th waiting request gets one after about k * service_s / max_in_flight;
places beyond queue_timeout_s * max_in_flight / service_s are not offered (`waiting_room`). With the
rule reader (tens of ms a request) that is all 16; with the learned reader at ~1.6 s a request under
overload on 2 cores, 2: the others get their 503 at once instead of after a second's wait. Paths in `exempt` (`/health`) bypass
admission, so a health check answers however busy the service is.

A client that disconnects is noticed while its request waits or works: a waiting request leaves
the queue, a working one is cancelled, and `client_gone` (a threading.Event in the request's
scope state) tells the worker thread not to start pipeline work for it (see api/deps.py).

The counts live in one `Admission` object (app.state.admission), shared by this middleware and by
`qa serve`'s HTTP protocol (api/server.py), which refuses a request while `full()` straight from the
parsed request line, before routing, body reading or any task: the cheap path the overload takes.
The middleware's own refusal remains for other servers (tests' TestClient) and for the moment
between the protocol's check and the middleware's."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

RETRY_AFTER_S = 1
SERVICE_WEIGHT = 0.2  # weight of the latest request's time at work in the moving average
EXEMPT = frozenset({"/health"})


def _busy_body() -> bytes:
    message = "the server is busy: too many requests at once; try again in a moment (see Retry-After)"
    return json.dumps({"error": {"code": "overloaded", "message": message}}).encode()


BUSY_BODY = _busy_body()
BUSY_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BUSY_BODY)).encode()),
                (b"retry-after", str(RETRY_AFTER_S).encode())]


class _Waiter:
    __slots__ = ("event", "granted")

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.granted = False


class Admission:
    """Requests at work (`active`) and waiting for a slot (`waiting`), on the event loop's thread."""

    def __init__(self, max_in_flight: int, max_queued: int, queue_timeout_s: float) -> None:
        self.max_in_flight = max_in_flight
        self.max_queued = max_queued
        self.queue_timeout_s = queue_timeout_s
        self.active = 0
        self.waiting: deque[_Waiter] = deque()
        self.refused = 0  # since start, for logs and tests
        # requests the protocol let through, whole, that have not reached the middleware yet (a Pending
        # each): counted as if waiting, so that a burst arriving together is not all let through
        self.pending = 0
        self.service_s = 0.0  # recent time a request holds a slot (moving average); 0: none finished yet

    def waiting_room(self) -> int:
        """Places in the queue whose request can expect a slot within queue_timeout_s."""
        if self.service_s <= 0:
            return self.max_queued
        return min(self.max_queued, int(self.queue_timeout_s * self.max_in_flight / self.service_s))

    def full(self) -> bool:
        """True when a request arriving now would be refused: no free slot and no room to wait.
        (A slot is handed from request to request, so `waiting` is empty while a slot is free.)"""
        return self.active + len(self.waiting) + self.pending >= self.max_in_flight + self.waiting_room()

    async def admit(self) -> bool:
        if self.active < self.max_in_flight and not self.waiting:
            self.active += 1
            return True
        if len(self.waiting) >= self.waiting_room():
            return False
        waiter = _Waiter()
        self.waiting.append(waiter)
        try:
            with anyio.move_on_after(self.queue_timeout_s):
                await waiter.event.wait()
        except BaseException:  # cancelled: the client left while waiting
            if waiter.granted:
                self.release()  # the slot was handed over just now: pass it on
            else:
                self.waiting.remove(waiter)
            raise
        if not waiter.granted:
            self.waiting.remove(waiter)
        return waiter.granted

    def release(self, held_s: float | None = None) -> None:
        """Hand the slot to the longest-waiting request, or give it back; `held_s`: how long the
        request that leaves held it (for `service_s`)."""
        if held_s is not None:
            self.service_s = held_s if self.service_s <= 0 else (
                (1 - SERVICE_WEIGHT) * self.service_s + SERVICE_WEIGHT * held_s)
        if self.waiting:
            waiter = self.waiting.popleft()
            waiter.granted = True
            waiter.event.set()
            return
        self.active -= 1


class Pending:
    """One request counted in `Admission.pending`, until the middleware takes it over or it ends."""

    __slots__ = ("admission",)

    def __init__(self, admission: Admission) -> None:
        self.admission: Admission | None = admission
        admission.pending += 1

    def release(self) -> None:
        if self.admission is not None:
            self.admission.pending -= 1
            self.admission = None


PENDING_KEY = "admission_pending"  # scope["state"] key of a request's Pending (set by api/server.py)


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, max_in_flight: int = 4, max_queued: int = 16, queue_timeout_s: float = 1.0,
                 exempt: frozenset[str] = EXEMPT, admission: Admission | None = None) -> None:
        self.app = app
        self.admission = admission or Admission(max_in_flight, max_queued, queue_timeout_s)
        self.exempt = exempt

    @property
    def active(self) -> int:
        return self.admission.active

    @property
    def waiting(self) -> deque[_Waiter]:
        return self.admission.waiting

    @property
    def refused(self) -> int:
        return self.admission.refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        admission = self.admission
        pending = (scope.get("state") or {}).pop(PENDING_KEY, None)
        if pending is not None:
            pending.release()  # counted from here on as at work, waiting or refused
        if admission.full():  # refused before the body is drained or a task started
            admission.refused += 1
            await _send_busy(send)
            return
        request = await _drain(receive)
        if request is None:
            return  # the client left before its request was complete
        gone = threading.Event()
        scope.setdefault("state", {})["client_gone"] = gone
        replay = _replay(request)
        responded = {"done": False}

        async def send_tracked(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                responded["done"] = True
            await send(message)

        async with anyio.create_task_group() as tasks:
            async def watch() -> None:
                # after the request body, the server's receive() returns only when the client has gone
                # (or the response is complete)
                if (await receive())["type"] == "http.disconnect" and not responded["done"]:
                    gone.set()
                    tasks.cancel_scope.cancel()

            tasks.start_soon(watch)
            try:
                if await admission.admit():
                    began = time.monotonic()
                    try:
                        await self.app(scope, replay, send_tracked)
                    finally:
                        admission.release(time.monotonic() - began)
                else:
                    admission.refused += 1
                    await _send_busy(send_tracked)
            finally:
                tasks.cancel_scope.cancel()
        if gone.is_set():
            log.info("client left before its answer; its work was dropped")


async def _drain(receive: Receive) -> list[Message] | None:
    """Every http.request message of the request (the body is already buffered by ServiceMiddleware
    for the methods that have one), or None when the client disconnects first."""
    messages: list[Message] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        messages.append(message)
        if not message.get("more_body", False):
            return messages


def _replay(messages: list[Message]) -> Receive:
    pending = deque(messages)
    never = anyio.Event()

    async def replay() -> dict[str, Any]:
        if pending:
            return pending.popleft()
        await never.wait()  # the watcher owns the real receive(); the app is cancelled if the client goes
        return {"type": "http.disconnect"}

    return replay


async def _send_busy(send: Send) -> None:
    await send({"type": "http.response.start", "status": 503, "headers": BUSY_HEADERS})
    await send({"type": "http.response.body", "body": BUSY_BODY})
