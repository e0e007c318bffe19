"""How the program waits (`validators.pulumi.wait`): off the event loop, and told as the CLI tells it.

The stack gate awaits its one wait from the program's event loop; the engine's other work (registering
resources, resolving outputs) goes on on that loop meanwhile. Its lines are the CLI's off a terminal: a
line per state change, heartbeats in the silences (a fake clock here).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

import pytest

from validators.aws_settings import AwsSettings
from validators.model import JobResult, Outcome, RunResult, StateChange, Target
from validators.pulumi.wait import narrated_wait, off_the_loop
from validators.wait_settings import WaitPolicy

pytestmark = pytest.mark.program

TARGET = Target("plant-a", region="eu-west-1")
T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a private loop, leaving the Pulumi runtime's loop alone (`asyncio.run`
    would unset the thread's loop, which the program's tests under mocks use)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def test_the_wait_runs_off_the_event_loop_on_a_daemon_thread() -> None:
    """Two blocking waits awaited together overlap, and the loop runs other work meanwhile; each runs
    on a daemon thread, so an interrupted program does not hang at exit on it."""
    daemons: list[bool] = []
    ticks: list[float] = []

    def slow() -> str:
        daemons.append(threading.current_thread().daemon)
        time.sleep(0.5)
        return "done"

    async def ticking() -> None:
        for _ in range(4):
            ticks.append(time.monotonic())
            await asyncio.sleep(0.05)

    async def together() -> list[str]:
        results = await asyncio.gather(off_the_loop(slow), off_the_loop(slow), ticking())
        return [r for r in results if r is not None]

    started = time.monotonic()
    assert run_async(together()) == ["done", "done"]
    assert time.monotonic() - started < 0.9  # one after the other would take 1.0 s
    assert len(ticks) == 4 and ticks[-1] - started < 0.4  # the loop was free while they slept
    assert daemons == [True, True]


def test_an_error_in_the_wait_reaches_the_awaiting_coroutine() -> None:
    def broken() -> None:
        raise RuntimeError("no credentials")

    with pytest.raises(RuntimeError, match="no credentials"):
        run_async(off_the_loop(broken))


class SlowCreating:
    """A waiter whose one job is CREATING for 70 s (on the test's clock), then ACTIVE; it records the
    changes it was handed a callback for."""

    def __init__(self) -> None:
        self.now = 0.0
        self.started, self.done = threading.Event(), threading.Event()

    def tick_wait(self, seconds: float) -> bool:
        """The heartbeat ticker's wait: time passes only once the wait has started."""
        assert self.started.wait(5)
        self.now += seconds
        if self.now > 65:
            self.done.set()
            return True
        return False

    def __call__(
        self, targets: Sequence[Target], policy: WaitPolicy | None = None, **options: Any
    ) -> RunResult:
        on_change: Callable[[StateChange], None] = options["on_change"]
        on_change(StateChange(targets[0], "CREATING", None, 0.0, 1))
        self.started.set()
        assert self.done.wait(5)
        job = JobResult(targets[0], Outcome.ACTIVE, "ACTIVE", polls=9, elapsed_seconds=70.0)
        on_change(StateChange(targets[0], "ACTIVE", "CREATING", 70.0, 9, result=job))
        return RunResult(jobs=(job,), elapsed_seconds=70.0)


def narrated(waiter: SlowCreating, **options: Any) -> tuple[list[str], list[StateChange], RunResult]:
    lines: list[str] = []
    seen: list[StateChange] = []
    result = narrated_wait(
        waiter,
        [TARGET],
        WaitPolicy(),
        AwsSettings(region="eu-west-1"),
        log=lines.append,
        on_change=seen.append,
        clock=lambda: waiter.now,
        tick_wait=waiter.tick_wait,
        **options,
    )
    return lines, seen, result


def test_changes_and_heartbeats_are_logged_as_the_cli_does() -> None:
    """A long CREATING is narrated, not silent: every change, and a heartbeat in each silence."""
    lines, seen, result = narrated(SlowCreating())
    assert lines == [
        "[    0.0s] plant-a/SITEWISE@eu-west-1: CREATING (1 poll)",
        "[   30.0s] waiting: 1 job CREATING for 30s: plant-a/SITEWISE@eu-west-1",
        "[   60.0s] waiting: 1 job CREATING for 1m: plant-a/SITEWISE@eu-west-1",
        "[   70.0s] plant-a/SITEWISE@eu-west-1: CREATING -> ACTIVE (9 polls) => active",
    ]
    assert [c.state for c in seen] == ["CREATING", "ACTIVE"]  # the caller's own callback too
    assert result.jobs[0].outcome is Outcome.ACTIVE


def test_without_changes_only_the_heartbeats_are_logged() -> None:
    """The stack gate shows each change on its job's own row: the stack's row gets the heartbeats."""
    lines, seen, _ = narrated(SlowCreating(), changes=False)
    assert lines == [
        "[   30.0s] waiting: 1 job CREATING for 30s: plant-a/SITEWISE@eu-west-1",
        "[   60.0s] waiting: 1 job CREATING for 1m: plant-a/SITEWISE@eu-west-1",
    ]
    assert [c.state for c in seen] == ["CREATING", "ACTIVE"]
