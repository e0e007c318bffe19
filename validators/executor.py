"""A small thread pool whose workers are daemon threads, and an inline one for tests.

Why not `ThreadPoolExecutor`: its workers are joined at interpreter exit, so a run interrupted with
Ctrl-C would hang until every in-flight HTTP request timed out. An interrupted gate must stop within a
second; the requests it abandons are reads, so nothing is lost by not waiting for them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol, TypeVar

T = TypeVar("T")


class Submitter(Protocol):
    """The part of an executor the loop uses."""

    def submit(self, fn: Callable[[], T]) -> Future[T]: ...


class InlineExecutor:
    """Runs each call at once in the caller's thread: with a fake clock, tests are deterministic."""

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn())
        except BaseException as exc:  # noqa: BLE001 - a worker's failure travels in its future, as in a real pool
            future.set_exception(exc)
        return future


class DaemonExecutor:
    """`workers` daemon threads taking calls from one queue. `shutdown` never waits for them."""

    def __init__(self, workers: int, name: str = "gate-worker") -> None:
        self._queue: queue.SimpleQueue[tuple[Future[object], Callable[[], object]] | None] = (
            queue.SimpleQueue()
        )
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True) for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, fn = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - delivered to the loop through the future
                future.set_exception(exc)

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((future, fn))  # type: ignore[arg-type]
        return future

    def shutdown(self) -> None:
        """Ask the workers to stop once idle; do not wait for requests still in flight."""
        for _ in self._threads:
            self._queue.put(None)


def on_daemon_thread(fn: Callable[[], T], name: str) -> Future[T]:
    """`fn()` on a daemon thread of its own; the future holds its result or what it raised. For a
    blocking wait that must not keep the interpreter alive at exit (as `asyncio.to_thread`'s workers
    would, for the rest of the gate's timeout, after a Ctrl-C). The one way the gate's entry points
    run a wait off their event loop. A future cancelled before the thread starts does not run."""
    future: Future[T] = Future()

    def work() -> None:
        # Running from here on: a later `cancel()` (an awaiting task that was cancelled) returns False
        # instead of leaving a cancelled future for `set_result` to fail on.
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever awaits the future
            future.set_exception(exc)

    threading.Thread(target=work, name=name, daemon=True).start()
    return future
