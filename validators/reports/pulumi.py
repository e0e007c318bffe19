"""What a person reads inside `pulumi up`: every line the gate's Pulumi entry points write, in one place.

- `status_text` / `status_line`: a job's state change, as ephemeral status on its own row of the engine's
  display (the SyncJobGate's row, or the SyncJob's row signed with the gate's name);
- `cancelled_message`: a SyncJobGate whose wait the engine cancelled;
- `active_line`, `all_active_line`: the verdicts that pass;
- `failure_message`: a job that did not become ACTIVE, as an error on its resource: which job, what
  happened, why (the service's code and message, the resources in ERROR), how to look again, and what
  to do next. What to do next is the caller's (`NextStep`): the stack gate's job in ERROR stays in
  ERROR, so it needs `pulumi up --replace URN`; a SyncJobGate, which the next `up` checks again, says so;
- `failed_summary`: the one line the update fails with;
- `signed`: the gate's name in front of a line the engine shows without a resource.

Service text goes through `safe_text` here as in every report (see `validators.reports`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..model import JobResult, Outcome, StateChange
from ..sanitize import safe_text
from .common import (
    LISTED_RESOURCES,
    SaidOnce,
    error_text,
    plural,
    reason_text,
    resource_text,
    unreached_hint,
)

#: How the gate signs its lines in `pulumi up`.
GATE_NAME = "twinmaker-sync-gate"

#: What a failed job's message says to do next, given its verdict; None: nothing beyond the inspect line.
NextStep = Callable[[JobResult], str | None]

_OUTCOME_TEXT: dict[Outcome, str] = {
    Outcome.ERROR: "ended in ERROR",
    Outcome.RESOURCE_ERRORS: "is ACTIVE, but some of its resources are in ERROR",
    Outcome.UNEXPECTED_STATE: "is in an unexpected state",
    Outcome.NOT_FOUND: "was still not found when the not-found grace ended",
    Outcome.DENIED: "could not be read: access denied or no valid credentials",
    Outcome.INVALID: "could not be read: the service rejected the request",
    Outcome.UNREACHABLE: "could not be read before the deadline (connection errors, throttling or 5xx)",
    Outcome.TIMEOUT: "was still not ACTIVE at the gate's deadline",
    Outcome.INTERRUPTED: "was not judged: the gate was interrupted",
}


def signed(line: str) -> str:
    """`twinmaker-sync-gate: line`, for a line on the stack's row (where no resource names the gate)."""
    return f"{GATE_NAME}: {line}"


def status_text(change: StateChange) -> str:
    """A job's state change as the status on its own row: `INITIALIZING (2s, 1 poll)`, with the reason
    it still waits when there is one (`CREATING (9s, 5 polls, retrying after ThrottlingException)`),
    or that reason alone while there is no state yet (`not visible yet (0s, 1 poll)`)."""
    counts = f"{change.elapsed_seconds:.0f}s, {plural(change.polls, 'poll')}"
    reason = safe_text(reason_text(change.reason), 120) if change.reason is not None else None
    if change.state:
        return f"{safe_text(change.state, 64)} ({counts}{f', {reason}' if reason else ''})"
    if reason is not None:
        what = reason
    else:
        what = change.result.outcome.value if change.result is not None else "waiting for a first answer"
    return f"{what} ({counts})"


def status_line(change: StateChange) -> str:
    """`status_text` signed, for the program's gates (the SyncJob's row does not name the gate)."""
    return signed(status_text(change))


def cancelled_message(job_label: str) -> str:
    """Why a SyncJobGate's Create or Update ended without a verdict: the engine was cancelled."""
    return (
        f"TwinMaker sync job {job_label}: the gate was cancelled before a verdict; "
        "nothing was recorded, the next `pulumi up` waits again"
    )


def active_line(job: JobResult) -> str:
    """`twinmaker-sync-gate: sync job plant-a/SITEWISE@eu-west-1 is ACTIVE (4s)`."""
    return signed(f"sync job {safe_text(job.target.label(), 200)} is ACTIVE ({job.elapsed_seconds:.0f}s)")


def all_active_line(count: int, seconds: float) -> str:
    """`twinmaker-sync-gate: all 3 sync jobs ACTIVE (6s)`."""
    return signed(f"all {plural(count, 'sync job')} ACTIVE ({seconds:.0f}s)")


def replace_advice(urn: str | None) -> NextStep:
    """For the stack gate's job in ERROR, which stays in ERROR (checking it again cannot pass it): after
    ERROR or resources in ERROR, re-create it with `--replace`."""

    def advice(result: JobResult) -> str | None:
        if result.outcome not in (Outcome.ERROR, Outcome.RESOURCE_ERRORS):
            return None
        return (
            "The sync job stays in the stack; fix the cause, then re-create it with "
            f"`pulumi up --replace '{urn or '<URN of the SyncJob>'}'`."
        )

    return advice


def recheck_advice(result: JobResult) -> str:
    """For a gate that the next `pulumi up` checks again (it is recorded with init errors). A job in
    ERROR stays in ERROR, so checking it again fails again: it must be re-created first."""
    if result.outcome in (Outcome.ERROR, Outcome.RESOURCE_ERRORS):
        return (
            "The sync job stays in ERROR; fix the cause, then re-create the job with "
            "`pulumi up --replace '<URN of the SyncJob>'`: a gate given the job's `syncJobArn` is "
            "replaced with it and waits again."
        )
    return "Once the cause is fixed, run `pulumi up` again: it checks this sync job again."


def failure_message(
    result: JobResult, *, check_resources: bool, next_step: NextStep, said: SaidOnce | None = None
) -> str:
    """The error on a failed job's resource: the headline sentence, the service's error (with `said`,
    named rather than repeated when an earlier job's was the same), the resources in ERROR (at most
    `LISTED_RESOURCES`), what to check when nothing was reached, how to inspect it, then `next_step`."""
    target = result.target
    region = target.region or result.region
    where = f" in {region}" if region else ""
    subject = f"TwinMaker sync job {target.workspace_id}/{target.sync_source}{where}"
    lines = [_headline(result, subject)]
    if result.error is not None and not result.workspace_missing:
        lines.append(f"  Service error {error_text(result, 512, said)}")
    if result.resource_errors:
        shown = result.resource_errors[:LISTED_RESOURCES]
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
    if advice := next_step(result):
        lines.append(f"  {advice}")
    return "\n".join(lines)


def _headline(result: JobResult, subject: str) -> str:
    """One sentence: the job, what happened, and the state and time when they say something."""
    if result.workspace_missing:
        return f"{subject} does not exist: its workspace {result.target.workspace_id} does not exist either."
    text = _OUTCOME_TEXT.get(result.outcome, f"ended as {result.outcome.value}")
    when = f"after {result.elapsed_seconds:.0f}s"
    known = f"state {safe_text(result.state)}, {when}" if result.state else when
    return f"{subject} {text} ({known})."


def failed_summary(failed: Sequence[Mapping[str, Any]], total: int) -> str:
    """The one line the update fails with: how many, and which, with each one's outcome and code
    (`failed` are rows of the stack gate's `syncJobGate` output)."""
    parts = []
    for job in failed:
        reason = job["outcome"] + (f" {safe_text(job['errorCode'], 80)}" if job.get("errorCode") else "")
        parts.append(f"{job['workspaceId']}/{job['syncSource']} ({reason})")
    return signed(
        f"{len(failed)} of {total} sync jobs did not become ACTIVE: {', '.join(parts)}. Each is reported "
        "on its SyncJob above, with what to do next (the gate checks every job of the stack again on "
        "every update)."
    )
