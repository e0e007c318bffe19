"""Small pieces of wording that every report shares, so a verdict reads the same everywhere."""

from __future__ import annotations

from collections import Counter

from ..durations import format_duration
from ..model import ExitStatus, JobResult, Outcome, Reason, ResourceError, RunResult, Waiting
from ..sanitize import safe_text


def plural(count: int, word: str) -> str:
    """`1 poll`, `5 polls`."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def region_of(job: JobResult) -> str | None:
    """The region a job was checked in: the resolved one (`JobResult.region`) when the gate knew it,
    else the one the target asked for, else None (e.g. interrupted before a client was made)."""
    return job.region or job.target.region


def reason_text(reason: Reason) -> str:
    """A reason to keep waiting in words: `not visible yet`, `retrying after ThrottlingException`,
    `listing sync resources: retrying after ...`, `no endpoint reached, retrying after ...`. Not yet safe
    to show: pass it through `safe_text`."""
    if reason.waiting is Waiting.NOT_VISIBLE_YET:
        return "not visible yet"
    retrying = f"retrying after {reason.code or 'transient error'}"
    if reason.waiting is Waiting.LISTING_RETRYING:
        return f"listing sync resources: {retrying}"
    if reason.waiting is Waiting.UNREACHED:
        return f"no endpoint reached, {retrying}"
    return retrying


def unreached_hint(job: JobResult) -> str:
    """What to check when no request reached the service (the error alone names only the URL), or ""."""
    if job.unreached_seconds is None:
        return ""
    region = safe_text(region_of(job) or "-", 64)
    return (
        f"no request reached the service for {format_duration(job.unreached_seconds)}; check the region "
        f"({region}), the endpoint URL (--endpoint-url, AWS_ENDPOINT_URL_IOTTWINMAKER, "
        "AWS_ENDPOINT_URL), a VPC endpoint for iottwinmaker, or a proxy (HTTPS_PROXY, NO_PROXY)"
    )


#: Failing resources a report for people lists under a target; the rest are counted. (The GitHub
#: summary lists more: it is a page of its own, read after the run, not a log.)
LISTED_RESOURCES = 20


class SaidOnce:
    """The service errors a report has already shown in full. The same error (code and message) for
    many targets - missing credentials are the run's, not a job's - is said once, whole; each later
    target names the first one that had it instead of repeating it."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, str], str] = {}

    def first_with(self, job: JobResult) -> str | None:
        """The label of an earlier target with the same error as `job`, or None (then it is remembered
        as the first)."""
        if job.error is None:
            return None
        key = (job.error.code, job.error.message)
        label = job.target.label()
        first = self._first.setdefault(key, label)
        return None if first == label else first


def error_text(job: JobResult, limit: int, said: SaidOnce | None = None) -> str:
    """`CODE: message` of the service's error, safe to show, or "" when there is none; with `said`,
    `CODE (as for plant-a/SITEWISE)` when an earlier target's error was the same."""
    if job.error is None:
        return ""
    code = safe_text(job.error.code, 100)
    if said is not None and (first := said.first_with(job)) is not None:
        return f"{code} (as for {safe_text(first, 200)})"
    message = safe_text(job.error.message, limit)
    return f"{code}: {message}" if message else code


def verdict_detail(job: JobResult, limit: int = 512, said: SaidOnce | None = None) -> str:
    """Why a target got its outcome, in one line: the service's error, then the resources in ERROR, or
    for a timeout / an interruption the state it was left in. "" for `active` or when there is nothing
    more to say."""
    parts: list[str] = []
    if job.error is not None:
        parts.append(error_text(job, limit, said))
    if job.resource_errors:
        count = plural(len(job.resource_errors), "resource")
        more = " (or more; the list was cut)" if job.resource_errors_truncated else ""
        parts.append(f"{count} in ERROR{more}")
    if job.outcome is Outcome.TIMEOUT and job.state:
        parts.append(f"still {safe_text(job.state, 64)} at the deadline")
    if job.outcome is Outcome.INTERRUPTED:
        parts.append(f"stopped before a verdict, last state {safe_text(job.state or '-', 64)}")
    if hint := unreached_hint(job):
        parts.append(hint)
    return "; ".join(parts)


def resource_text(resource: ResourceError, limit: int = 512) -> str:
    """`asset ext-1 (id res-1): CODE: message`: one failing sync resource, safe to show."""
    kind = safe_text(resource.resource_type, 40) or "resource"
    external = safe_text(resource.external_id, 200) or "-"
    ident = safe_text(resource.resource_id, 200) or "-"
    code = safe_text(resource.code, 100)
    message = safe_text(resource.message, limit)
    return f"{kind} {external} (id {ident}): {code}: {message}"


def tally(run: RunResult) -> str:
    """`3 targets: 2 active, 1 error`, outcomes in the order they first appear."""
    counts = Counter(job.outcome.value for job in run.jobs)
    listed = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
    head = plural(len(run.jobs), "target")
    return f"{head}: {listed}" if listed else head


def signal_name(run: RunResult) -> str:
    """`SIGINT`/`SIGTERM` for an interrupted run, else ""."""
    status = run.exit_status
    if status is ExitStatus.SIGTERM:
        return "SIGTERM"
    return "SIGINT" if status is ExitStatus.SIGINT else ""
