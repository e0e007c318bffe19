"""The gate's entry point as a type, written once: what the CLI and the Pulumi adapters call to wait,
so that tests can inject a scripted one. The real ones: a prepared `GateRun`'s `wait` (the CLI),
`validators.pulumi.wait.shared_waiter()` (the stack gate) and `validators.gate.wait_for_sync_jobs` (the
one-call form); they load boto3 when imported, which is why this protocol lives apart from them.
An adapter that passes the options on declares
`(targets, policy=None, **options)`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from .aws_settings import AwsSettings
from .model import RunResult, StateChange, Target
from .wait_settings import WaitPolicy


class Waiter(Protocol):
    """Waits for `targets` until each has a verdict, the policy's deadline, or `cancel`."""

    def __call__(
        self,
        targets: Sequence[Target],
        policy: WaitPolicy | None = None,
        *,
        aws: AwsSettings | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> RunResult: ...
