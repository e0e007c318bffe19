"""The stack gate (`gateMode: stack`, the default): one gate run for every sync job of the stack,
awaited by the program.

The SyncJobGate resource (`gateMode: resource`, `validators/pulumi/`) waits in its Create, in the
provider plugin's process, so every waiting gate holds one of the engine's `--parallel` workers, as any
slow resource does: beyond `--parallel` jobs, gates queue for a free worker, and every other resource
does too. Here the program waits instead: once every SyncJob of the stack has its identity, one gate
run (one boto3 session, one request budget, `gateMaxRps`) polls them all at once, holding no worker.
Each job's state changes show on its own row of the engine's display (ephemeral status), its verdict as
an info line on it, and a failed job as an error on its own URN; the stack's row shows only the
heartbeats in long silences. Then the program fails the update with every failed job listed in one
line.

It gates every job of the stack on every `pulumi up`, not only new ones: a job that failed before is
checked again (one GetSyncJob for a job that is ACTIVE). Never on preview: nothing is polled.
What it writes is `validators.reports.pulumi`'s; how it waits is `validators.pulumi.wait`'s.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from ..aws_settings import AwsSettings, GateConfigError
from ..model import Outcome, StateChange, Target
from ..names import DEFAULT_SYNC_SOURCE
from ..reports.common import SaidOnce
from ..reports.pulumi import (
    active_line,
    all_active_line,
    failed_summary,
    failure_message,
    replace_advice,
    signed,
    status_line,
)
from ..wait_settings import WaitPolicy, setting
from ..waiter import Waiter
from .wait import narrated_wait, off_the_loop, shared_waiter


class SyncJobsFailedError(pulumi.RunError):
    """Some gated jobs did not become ACTIVE; each was reported on its own URN already."""


@dataclass(frozen=True)
class GatedJob:
    """A sync job of the program: its resource (where its status, verdict and failure are shown) and
    the two values that name it to the service (usually the resource's own outputs)."""

    resource: pulumi.CustomResource
    workspace_id: pulumi.Input[str]
    sync_source: pulumi.Input[str] = DEFAULT_SYNC_SOURCE


def config_problem(error: GateConfigError) -> str:
    """A gate run that cannot start, worded for a program (the CLI's words name its flags)."""
    if error.setting == "region":
        return (
            "no region for the sync jobs: set `aws-native:region` (or `aws:region`) in the stack's "
            "config or AWS_REGION; a program of your own can pass `aws=AwsSettings(region=...)`"
        )
    return str(error)


def gate_stack(
    jobs: Sequence[GatedJob],
    policy: WaitPolicy | None = None,
    aws: AwsSettings | None = None,
    *,
    wait: Waiter | None = None,
    heartbeat: float = setting("heartbeat").default,
) -> pulumi.Output[list[dict[str, Any]]]:
    """Gate every job of a Python Pulumi program in one gate run, awaited by the program.

    `policy` (default: the gate's defaults, `WaitPolicy()`) sets the deadline, `check_resources` and the
    request budget (`max_rps`, per region); `aws` (default: botocore's environment) the region, profile
    and endpoint. Returns an Output of one `{workspaceId, syncSource, outcome, state, elapsedSeconds,
    errorCode}` per job; export it, or the program does not wait for it. Each job's state changes show
    on its resource's row, a failed job as an error on it, and then the update fails
    (`SyncJobsFailedError`) with every failed job in one line, after the stack's other outputs are
    registered. On preview it resolves to `[]` and sends no request. `wait` and `heartbeat` are for
    tests. This signature is the public API (`twinmaker_sync_gate.pulumi.gate_stack`)."""
    policy = policy or WaitPolicy()
    aws = aws or AwsSettings()
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
            text = status_line(change)
            loop.call_soon_threadsafe(lambda: pulumi.log.info(text, resource=resource, ephemeral=True))

        started = time.monotonic()
        try:
            result = await off_the_loop(
                lambda: narrated_wait(
                    waiter,
                    targets,
                    policy,
                    aws,
                    # The stack's row: heartbeats only; each change is on its job's row (`status`).
                    log=lambda line: pulumi.log.info(signed(line)),
                    on_change=status,
                    changes=False,
                    heartbeat=heartbeat,
                )
            )
        except GateConfigError as error:
            raise pulumi.RunError(signed(config_problem(error))) from None
        said = SaidOnce()
        failed = []
        for job in result.jobs:
            resource, urn = resources[job.target.label()]
            if job.outcome is Outcome.ACTIVE:
                pulumi.log.info(active_line(job), resource=resource)
            else:
                failed.append(job)
                # A job in ERROR stays in ERROR: re-checking it on the next update cannot pass it.
                message = failure_message(
                    job, check_resources=policy.check_resources, next_step=replace_advice(urn), said=said
                )
                pulumi.log.error(message, resource=resource)
        if not failed:
            pulumi.log.info(all_active_line(len(result.jobs), time.monotonic() - started))
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
            raise SyncJobsFailedError(failed_summary(failed, len(verdicts)))

    verdicts: pulumi.Output[list[dict[str, Any]]] = identities.apply(run)
    # The update fails here, in an output nobody exports: the SDK awaits it after the stack's outputs
    # are registered, so a failed update still records `syncJobs` for the CLI gate to read.
    verdicts.apply(fail_if_any)
    return verdicts
