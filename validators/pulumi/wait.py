"""How the program waits for its sync jobs (the stack gate, `validators.pulumi.stack_gate`).

- `shared_waiter()`: the program's real waits, all on this process's one `GateRun` for their settings
  (one boto3 session, one request budget per region, `gateMaxRps`); `PROGRAM_CANCEL` stops them all.
- `off_the_loop(fn)`: a blocking wait awaited from the program's event loop without stalling it, on a
  daemon thread, so an interrupted program does not hang at exit for the rest of the gate's timeout.
- `narrated_wait(...)`: a wait with its story told as the CLI tells it off a terminal (a line per state
  change, heartbeats in the silences; `pulumi up` shows them as info lines), each change also handed
  to the caller's own `on_change`.

Nothing here imports Pulumi or boto3 until a wait starts, so a program (and its tests under mocks) is
built without either.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..aws_settings import AwsSettings
from ..executor import on_daemon_thread
from ..model import RunResult, StateChange, Target
from ..reports.heartbeat import narrate
from ..wait_settings import WaitPolicy, setting
from ..waiter import Waiter

T = TypeVar("T")

#: Set to stop every gate wait of this program at once: what a Ctrl-C of the process that hosts the
#: program does (`local_cloud.run`), so an interrupted update ends within seconds.
PROGRAM_CANCEL = threading.Event()


def shared_waiter() -> Waiter:
    """The program's real waits: each on `GateRun.shared(policy, aws)`, cancelled by `PROGRAM_CANCEL`
    unless the caller passes its own event."""

    def wait(targets: Sequence[Target], policy: WaitPolicy | None = None, **options: Any) -> RunResult:
        # Imported when a wait starts, so building the program (and its tests under mocks) needs no boto3.
        from ..gate import GateRun  # noqa: PLC0415

        run = GateRun.shared(policy or WaitPolicy(), options.get("aws") or AwsSettings())
        return run.wait(
            targets, on_change=options.get("on_change"), cancel=options.get("cancel") or PROGRAM_CANCEL
        )

    return wait


async def off_the_loop(fn: Callable[[], T]) -> T:
    """`fn()` on a daemon thread, awaited: the event loop stays free for the engine's other work."""
    return await asyncio.wrap_future(on_daemon_thread(fn, name="twinmaker-sync-gate"))


def narrated_wait(
    waiter: Waiter,
    targets: Sequence[Target],
    policy: WaitPolicy,
    aws: AwsSettings,
    *,
    log: Callable[[str], None],
    on_change: Callable[[StateChange], None] | None = None,
    changes: bool = True,
    heartbeat: float = setting("heartbeat").default,
    clock: Callable[[], float] = time.monotonic,
    tick_wait: Callable[[float], bool] | None = None,
) -> RunResult:
    """`waiter(targets, policy, aws=aws)`, told through `log` (`reports.heartbeat.narrate`: change lines
    unless `changes` is False, heartbeats after `heartbeat` seconds of silence), every change also
    handed to `on_change`. `clock` and `tick_wait` are for tests."""

    def run(tell: Callable[[StateChange], None]) -> RunResult:
        def both(change: StateChange) -> None:
            tell(change)
            if on_change is not None:
                on_change(change)

        return waiter(targets, policy, aws=aws, on_change=both)

    return narrate(run, targets, log, first=heartbeat, clock=clock, wait=tick_wait, changes=changes)
