"""The after-create hook (`gateMode: hook`): waits for each new sync job inside its create step.

`pulumi up` creates an `aws-native:iottwinmaker:SyncJob`; the engine then calls this hook with the
job's outputs. The hook waits with the gate library and raises unless the job is ACTIVE, so a job that
does not become ACTIVE fails the deployment (with Pulumi CLI >= 3.238; older CLIs only print a warning)
with the error on the job's URN. Each waiting hook holds one of the engine's `--parallel` workers, and a
job that failed is not gated again unless it is replaced; the default, the stack gate
(`pulumi_stack_gate.py`), has neither limit.

What it writes is `validators.reports.pulumi`'s; how it waits is `validators.pulumi_wait`'s. The Pulumi
adapters are the only modules of `validators` that import Pulumi, so the CLI never pays for (or
needs) the Pulumi SDK. Hooks never run on preview (`on_dry_run=False`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import pulumi

from validators.aws_settings import AwsSettings
from validators.model import JobResult, Outcome, RunResult, Target
from validators.names import DEFAULT_SYNC_SOURCE
from validators.pulumi_wait import PROGRAM_CANCEL, narrated_wait, off_the_loop, shared_waiter
from validators.reports.pulumi import (
    GATE_NAME,
    active_line,
    failure_message,
    missing_output,
    replace_advice,
    signed,
)
from validators.wait_settings import WaitPolicy, setting
from validators.waiter import Waiter

__all__ = ["HOOK_NAME", "PROGRAM_CANCEL", "SYNC_JOB_TYPE", "SyncJobGateError", "create_gate_hook"]

HOOK_NAME = GATE_NAME
SYNC_JOB_TYPE = "aws-native:iottwinmaker:SyncJob"

HookCallback = Callable[[pulumi.ResourceHookArgs], Awaitable[None]]


class SyncJobGateError(Exception):
    """A gated sync job did not become ACTIVE. `str()` is the message `pulumi up` shows."""

    def __init__(self, result: JobResult, message: str) -> None:
        super().__init__(message)
        self.result = result


def logged_wait(
    log: Callable[[str], None],
    *,
    heartbeat: float = setting("heartbeat").default,
    clock: Callable[[], float] = time.monotonic,
    tick_wait: Callable[[float], bool] | None = None,
) -> Waiter:
    """The real wait, narrated to `log` as the CLI narrates it off a terminal (`pulumi up` shows the
    lines as the stack's info lines, so a long CREATING is not a silent step in CI). `clock` and
    `tick_wait` are for tests."""

    def wait(targets: Sequence[Target], policy: WaitPolicy | None = None, **options: Any) -> RunResult:
        return narrated_wait(
            shared_waiter(),
            targets,
            policy or WaitPolicy(),
            options.get("aws") or AwsSettings(),
            log=lambda line: log(signed(line)),
            on_change=options.get("on_change"),
            heartbeat=heartbeat,
            clock=clock,
            tick_wait=tick_wait,
        )

    return wait


def _output_str(outputs: Mapping[str, Any], name: str, default: str | None = None) -> str:
    value = outputs.get(name, default)
    if not isinstance(value, str) or not value:
        # Secret outputs arrive wrapped in an Output; a sync job's ID and source never are.
        raise RuntimeError(missing_output(name, value))
    return value


def target_from_hook_args(args: pulumi.ResourceHookArgs, region: str | None) -> Target:
    """The gate's target: the created job's `workspaceId` and `syncSource`, in the program's region."""
    outputs = args.new_outputs or args.new_inputs or {}
    return Target(
        workspace_id=_output_str(outputs, "workspaceId"),
        sync_source=_output_str(outputs, "syncSource", DEFAULT_SYNC_SOURCE),
        region=region,
    )


def make_gate_callback(
    policy: WaitPolicy,
    aws: AwsSettings,
    wait: Waiter | None = None,
) -> HookCallback:
    """The hook body: wait for the created job, return on ACTIVE, raise `SyncJobGateError` otherwise."""

    async def gate(args: pulumi.ResourceHookArgs) -> None:
        target = target_from_hook_args(args, aws.region)
        # Tests inject a scripted `wait`. pulumi.log without a resource logs synchronously (a gRPC
        # call), so it is safe from the wait's threads.
        waiter = wait or logged_wait(pulumi.log.info)
        # Off the loop, the engine goes on with other resources and other jobs' hooks run concurrently.
        result = await off_the_loop(lambda: waiter([target], policy, aws=aws))
        job = result.jobs[0]
        if job.outcome is not Outcome.ACTIVE:
            message = failure_message(
                job, check_resources=policy.check_resources, next_step=replace_advice(args.urn)
            )
            raise SyncJobGateError(job, message)
        pulumi.log.info(active_line(job))

    return gate


def create_gate_hook(
    policy: WaitPolicy,
    aws: AwsSettings,
    wait: Waiter | None = None,
    name: str = HOOK_NAME,
) -> pulumi.ResourceHook:
    """The named hook to bind `after_create` on every SyncJob. Never runs on preview."""
    return pulumi.ResourceHook(
        name,
        make_gate_callback(policy, aws, wait),
        opts=pulumi.ResourceHookOptions(on_dry_run=False, ignore_errors=False),
    )
