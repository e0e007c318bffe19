"""The gate's entry point as a type: what the CLI and the Pulumi hook call to wait, so that tests can
inject a scripted one. `validators.gate.wait_for_sync_jobs` is the real one; it is imported only when a
run starts (it loads boto3), which is why this protocol lives apart from it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from validators.aws_settings import AwsSettings
from validators.model import RunResult, StateChange, Target
from validators.wait_settings import WaitPolicy


class Waiter(Protocol):
    """Waits for `targets` (see `validators.gate.wait_for_sync_jobs`)."""

    def __call__(
        self,
        targets: Sequence[Target],
        policy: WaitPolicy | None = None,
        *,
        aws: AwsSettings | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> RunResult: ...


def default_waiter() -> Waiter:
    """`validators.gate.wait_for_sync_jobs`, imported now (boto3 with it), not when this module is."""
    from validators.gate import wait_for_sync_jobs  # noqa: PLC0415 - boto3 only when a run starts

    return wait_for_sync_jobs
