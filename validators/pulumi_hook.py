"""The Pulumi adapter of the gate: an `after_create` resource hook that waits for a new sync job.

`pulumi up` creates an `aws-native:iottwinmaker:SyncJob`; the engine then calls this hook with the
job's outputs. The hook waits with the gate library and raises unless the job is ACTIVE, so a job that
ends in ERROR fails the deployment (with Pulumi CLI >= 3.238; older CLIs only print a warning) and
the error says which job, the service's code and message, and which resources failed.

This module and `pulumi_stack_gate.py` are the only ones of `validators` that import Pulumi, so the CLI
never pays for (or needs) the Pulumi SDK. Hooks never run on preview (`on_dry_run=False`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import pulumi

from validators.aws_settings import AwsSettings
from validators.model import JobResult, Outcome, RunResult, StateChange, Target
from validators.names import DEFAULT_SYNC_SOURCE
from validators.reports.common import resource_text, unreached_hint
from validators.reports.heartbeat import narrate
from validators.sanitize import safe_text
from validators.wait_settings import WaitPolicy
from validators.waiter import Waiter

HOOK_NAME = "twinmaker-sync-gate"
SYNC_JOB_TYPE = "aws-native:iottwinmaker:SyncJob"
#: Failing resources listed in the error; the rest are counted. A deploy log is not a report.
MAX_LISTED_RESOURCES = 10

HookCallback = Callable[[pulumi.ResourceHookArgs], Awaitable[None]]

_OUTCOME_TEXT: dict[Outcome, str] = {
    Outcome.ERROR: "ended in ERROR",
    Outcome.RESOURCE_ERRORS: "is ACTIVE, but some of its resources are in ERROR",
    Outcome.UNEXPECTED_STATE: "is in an unexpected state",
    Outcome.NOT_FOUND: "was not found (after the not-found grace)",
    Outcome.DENIED: "could not be read: access denied or no valid credentials",
    Outcome.INVALID: "could not be read: the service rejected the request",
    Outcome.UNREACHABLE: "could not be read before the deadline (connection errors, throttling or 5xx)",
    Outcome.TIMEOUT: "was still not ACTIVE at the gate's deadline",
    Outcome.INTERRUPTED: "was not judged: the gate was interrupted",
}


class SyncJobGateError(Exception):
    """A gated sync job did not become ACTIVE. `str()` is the message `pulumi up` shows."""

    def __init__(self, result: JobResult, message: str) -> None:
        super().__init__(message)
        self.result = result


#: Set to stop every gate wait of this program at once: what a Ctrl-C of the process that hosts the
#: program does (`local_cloud.run`), so an interrupted update ends within seconds.
PROGRAM_CANCEL = threading.Event()


def shared_waiter() -> Waiter:
    """The program's real waits: every hook (and the stack-level gate) of one `pulumi up` waits on this
    process's one `GateRun` for its settings, so they share one boto3 session and one request budget
    (`gateMaxRps`, per region) instead of one each; `PROGRAM_CANCEL` stops them all."""

    def wait(
        targets: Sequence[Target],
        policy: WaitPolicy | None = None,
        *,
        aws: AwsSettings | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> RunResult:
        # Imported when a wait starts, so building the program (and its tests under mocks) needs no boto3.
        from validators.gate import GateRun  # noqa: PLC0415

        run = GateRun.shared(policy or WaitPolicy(), aws or AwsSettings())
        return run.wait(targets, on_change=on_change, cancel=cancel or PROGRAM_CANCEL)

    return wait


def logged_wait(
    log: Callable[[str], None],
    *,
    heartbeat: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
    tick_wait: Callable[[float], bool] | None = None,
) -> Waiter:
    """The real wait, narrated to `log` as the CLI narrates it off a terminal: a line per state change
    and heartbeats while a job sits in one state (`pulumi up` shows them as the stack's info lines, so
    a long CREATING is not a silent step in CI). `clock` and `tick_wait` are for tests."""

    def wait(targets: Sequence[Target], policy: WaitPolicy | None = None, **options: Any) -> RunResult:
        """A `Waiter`: the options (`aws`, `on_change`, `cancel`) go on to the real one."""
        real = shared_waiter()
        on_change: Callable[[StateChange], None] | None = options.pop("on_change", None)

        def run(tell: Callable[[StateChange], None]) -> RunResult:
            def both(change: StateChange) -> None:
                tell(change)
                if on_change is not None:
                    on_change(change)

            return real(targets, policy, on_change=both, **options)

        return narrate(
            run,
            targets,
            lambda line: log(f"{HOOK_NAME}: {line}"),
            first=heartbeat,
            clock=clock,
            wait=tick_wait,
        )

    return wait


def failure_message(
    result: JobResult, check_resources: bool, urn: str | None = None, *, recreate_hint: bool = True
) -> str:
    """What a person reading `pulumi up` output needs: which job, what happened, why, and what next.

    The job stays in the stack after a failed after-hook, and a later `up` sees no change, so the hook
    would not run again: the message says how to re-create (and re-gate) the job. `recreate_hint=False`
    leaves that out, for gates that the next `up` checks again by itself (the SyncJobGate resource).
    """
    target = result.target
    region = target.region or result.region
    where = f" in {region}" if region else ""
    lines = [
        f"TwinMaker sync job {target.workspace_id}/{target.sync_source}{where} "
        f"{_OUTCOME_TEXT.get(result.outcome, f'ended as {result.outcome.value}')} "
        f"(state {safe_text(result.state or 'unknown')}, after {result.elapsed_seconds:.0f}s).",
    ]
    if result.error is not None:
        lines.append(f"  Service error {safe_text(result.error.code)}: {safe_text(result.error.message)}")
    if result.resource_errors:
        shown = result.resource_errors[:MAX_LISTED_RESOURCES]
        more = len(result.resource_errors) - len(shown)
        lines.append(f"  Resources in ERROR ({len(result.resource_errors)}):")
        lines.extend(f"    - {resource_text(r)}" for r in shown)
        if more > 0 or result.resource_errors_truncated:
            lines.append("    - ... more; list them all with the command below")
    if hint := unreached_hint(result):
        lines.append(f"  {hint}")
    region_flag = f" --region {region}" if region else ""
    lines.append(
        "  Inspect: twinmaker-gate wait "
        f"--workspace-id {target.workspace_id} --sync-source {target.sync_source}{region_flag}"
        f"{' --check-resources' if check_resources else ''}"
    )
    if recreate_hint and result.outcome in (Outcome.ERROR, Outcome.RESOURCE_ERRORS):
        lines.append(
            "  The sync job stays in the stack; fix the cause, then re-create it with "
            f"`pulumi up --replace '{urn or '<URN of the SyncJob>'}'`."
        )
    return "\n".join(lines)


def _output_str(outputs: Mapping[str, Any], name: str, default: str | None = None) -> str:
    value = outputs.get(name, default)
    if not isinstance(value, str) or not value:
        # Secret outputs arrive wrapped in an Output; a sync job's ID and source never are.
        raise RuntimeError(f"{HOOK_NAME}: the created sync job has no readable `{name}` output ({value!r})")
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
        # The wait blocks for minutes; on a thread it leaves the program's event loop free, so the
        # engine can go on with other resources and other jobs' hooks run concurrently.
        result = await asyncio.to_thread(waiter, [target], policy, aws=aws)
        job = result.jobs[0]
        if job.outcome is not Outcome.ACTIVE:
            raise SyncJobGateError(job, failure_message(job, policy.check_resources, args.urn))
        pulumi.log.info(f"{HOOK_NAME}: sync job {target.label()} is ACTIVE ({job.elapsed_seconds:.0f}s)")

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
