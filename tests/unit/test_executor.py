"""`on_daemon_thread`: the one way the gate's entry points run a blocking wait off their event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from validators.executor import on_daemon_thread


def test_a_wait_whose_awaiting_task_is_cancelled_ends_without_a_thread_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An awaiting task cancelled mid-wait (asyncio.wrap_future cancels the future) must not make the
    worker's `set_result` fail: the future is running, so the cancel is refused and the result kept."""
    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    release, started = threading.Event(), threading.Event()

    def blocking() -> str:
        started.set()
        release.wait(5)
        return "verdict"

    async def cancel_the_waiter() -> None:
        future = on_daemon_thread(blocking, name="test-wait")
        task = asyncio.ensure_future(asyncio.wrap_future(future))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        assert await asyncio.to_thread(future.result, 5) == "verdict"

    # A private loop, not asyncio.run: that unsets the thread's loop, which Pulumi's mocks use.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(cancel_the_waiter())
    finally:
        loop.close()
    assert failures == []


def test_what_the_function_raises_is_in_the_future() -> None:
    def fail() -> None:
        raise ValueError("no region")

    with pytest.raises(ValueError, match="no region"):
        on_daemon_thread(fail, name="test-fail").result(5)
