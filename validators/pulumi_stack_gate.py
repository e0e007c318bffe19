"""The stack-level gate: one gate run for every sync job of the stack, awaited by the program.

The per-resource hook (`pulumi_hook.py`) waits inside the engine's create step, so every waiting job
holds one of the engine's `--parallel` workers: N jobs are gated `--parallel` at a time, in rounds of
whole sync durations, and every other resource waits for a free worker too. Here the program waits
instead: once every SyncJob of the stack has its identity, one gate run (one boto3 session, one request
budget, `gateMaxRps`) polls them all at once; each job's state changes show on its own row of the
engine's display (ephemeral status messages), its verdict as an info line on it, and a failed job as an
error on its own URN. Then the program fails the update with every failed job listed.

It gates every job of the stack on every `pulumi up`, not only new ones: a job that failed before is
checked again (one GetSyncJob for a job that is ACTIVE). Never on preview: nothing is polled.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from validators.aws_settings import AwsSettings
from validators.model import Outcome, RunResult, StateChange, Target
from validators.pulumi_hook import HOOK_NAME, failure_message, shared_waiter
from validators.reports.heartbeat import narrate
from validators.sanitize import safe_text
from validators.wait_settings import WaitPolicy
from validators.waiter import Waiter

#: How the program gates its sync jobs (config `gateMode`): one wait for the stack, a hook per job, or
#: a SyncJobGate resource per job (`validators.pulumi`).
GATE_MODES = ("stack", "hook", "resource")
DEFAULT_GATE_MODE = "stack"


class SyncJobsFailedError(pulumi.RunError):
    """Some gated jobs did not become ACTIVE; each was reported on its own URN already."""


@dataclass(frozen=True)
class GatedJob:
    """A SyncJob of the program, with the outputs that name it to the service."""

    resource: pulumi.CustomResource
    workspace_id: pulumi.Input[str]
    sync_source: pulumi.Input[str]


def _in_daemon_thread(function: Callable[[], RunResult]) -> asyncio.Future[RunResult]:
    """`function()` on a daemon thread, as a future of the running loop. Not `asyncio.to_thread`: its
    worker threads are joined at interpreter exit, so a program interrupted mid-wait would hang there
    for the rest of the gate's timeout."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[RunResult] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def work() -> None:
        try:
            result = function()
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting coroutine
            # Bound now: `error` is unset when the except block ends, before the loop runs the lambda.
            loop.call_soon_threadsafe(settle, lambda failure=error: future.set_exception(failure))
        else:
            loop.call_soon_threadsafe(settle, lambda: future.set_result(result))

    threading.Thread(target=work, name="twinmaker-stack-gate", daemon=True).start()
    return future


def summary_line_from(failed: Sequence[dict[str, Any]], total: int) -> str:
    """The one line the update fails with: how many, and which, with each one's reason."""
    parts = []
    for job in failed:
        reason = job["outcome"] + (f" {safe_text(job['errorCode'], 80)}" if job.get("errorCode") else "")
        parts.append(f"{job['workspaceId']}/{job['syncSource']} ({reason})")
    return (
        f"{HOOK_NAME}: {len(failed)} of {total} sync jobs did not become ACTIVE: {', '.join(parts)}. "
        "Each is reported on its SyncJob above; fix the cause and run `pulumi up` again (the gate "
        "checks every job of the stack on every update)."
    )


def gate_stack(
    jobs: Sequence[GatedJob],
    policy: WaitPolicy,
    aws: AwsSettings,
    *,
    wait: Waiter | None = None,
    heartbeat: float = 30.0,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Waits for every job in one gate run; the Output resolves to one `{workspaceId, syncSource,
    outcome, state, elapsedSeconds, errorCode}` per job. Each failed job is reported on its own
    resource, then the update fails (`SyncJobsFailedError`) with all of them in one line. On preview it
    resolves to `[]` and polls nothing."""
    if not jobs or pulumi.runtime.is_dry_run():
        return pulumi.Output.from_input([])
    waiter = wait or shared_waiter()
    identities = pulumi.Output.all(
        *[pulumi.Output.all(job.workspace_id, job.sync_source, job.resource.urn) for job in jobs]
    )

    async def run(rows: list[Any]) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        targets = [Target(workspace_id=ws, sync_source=source, region=aws.region) for ws, source, _ in rows]
        resources = {
            target.label(): (job.resource, row[2])
            for target, job, row in zip(targets, jobs, rows, strict=True)
        }

        def status(change: StateChange) -> None:
            # Called on the gate's threads; a log line about a resource must be sent from the event loop.
            resource = resources.get(change.target.label(), (None, ""))[0]
            state = change.state or "not visible yet"
            text = f"{HOOK_NAME}: {state} ({change.elapsed_seconds:.0f}s, {change.polls} polls)"
            loop.call_soon_threadsafe(lambda: pulumi.log.info(text, resource=resource, ephemeral=True))

        def narrated(on_change: Callable[[StateChange], None]) -> RunResult:
            def both(change: StateChange) -> None:
                on_change(change)
                status(change)

            return waiter(targets, policy, aws=aws, on_change=both)

        started = time.monotonic()
        result = await _in_daemon_thread(
            lambda: narrate(
                narrated, targets, lambda line: pulumi.log.info(f"{HOOK_NAME}: {line}"), first=heartbeat
            )
        )
        failed = []
        for job in result.jobs:
            resource, urn = resources[job.target.label()]
            if job.outcome is Outcome.ACTIVE:
                pulumi.log.info(
                    f"{HOOK_NAME}: sync job {job.target.label()} is ACTIVE ({job.elapsed_seconds:.0f}s)",
                    resource=resource,
                )
            else:
                failed.append(job)
                pulumi.log.error(failure_message(job, policy.check_resources, urn), resource=resource)
        if not failed:
            pulumi.log.info(
                f"{HOOK_NAME}: all {len(result.jobs)} sync jobs ACTIVE ({time.monotonic() - started:.0f}s)"
            )
        return [
            {
                "workspaceId": job.target.workspace_id,
                "syncSource": job.target.sync_source,
                "outcome": job.outcome.value,
                "state": job.state,
                "elapsedSeconds": round(job.elapsed_seconds, 1),
                "errorCode": job.error.code if job.error is not None else None,
            }
            for job in result.jobs
        ]

    def fail_if_any(verdicts: list[dict[str, Any]]) -> None:
        failed = [v for v in verdicts if v["outcome"] != Outcome.ACTIVE.value]
        if failed:
            raise SyncJobsFailedError(summary_line_from(failed, len(verdicts)))

    verdicts: pulumi.Output[list[dict[str, Any]]] = identities.apply(run)
    # The update fails here, in an output nobody exports: the SDK awaits it after the stack's outputs
    # are registered, so a failed update still records `syncJobs` for the CLI gate to read.
    verdicts.apply(fail_if_any)
    return verdicts
