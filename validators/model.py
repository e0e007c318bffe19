"""The gate's vocabulary: sync-job states, outcomes, exit codes, targets and verdicts.

Everything here is a plain value. The state and error-code sets mirror the `iottwinmaker` service model
(botocore `service-2.json`: `SyncJobState`); error codes (`ErrorCode`: today's 8, older SDKs know only 5)
and anything else the service sends are kept as strings, never rejected, so a newer API cannot crash the
gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from .names import DEFAULT_SYNC_SOURCE


class SyncJobState(StrEnum):
    """`SyncJobState` from the service model."""

    CREATING = "CREATING"
    INITIALIZING = "INITIALIZING"
    ACTIVE = "ACTIVE"
    DELETING = "DELETING"
    ERROR = "ERROR"


#: States in which the job is still on its way to ACTIVE: keep waiting.
PENDING_STATES: frozenset[str] = frozenset({SyncJobState.CREATING, SyncJobState.INITIALIZING})
#: The state the gate waits for.
TARGET_STATES: frozenset[str] = frozenset({SyncJobState.ACTIVE})
#: States that end the wait as a failure with the service's reason.
FAILURE_STATES: frozenset[str] = frozenset({SyncJobState.ERROR})


class Outcome(StrEnum):
    """A target's verdict, as docs/gate.md ("Outcomes and exit codes") names it."""

    ACTIVE = "active"
    ERROR = "error"
    RESOURCE_ERRORS = "resource_errors"
    UNEXPECTED_STATE = "unexpected_state"
    NOT_FOUND = "not_found"
    DENIED = "denied"
    INVALID = "invalid"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    INTERRUPTED = "interrupted"


class ExitStatus(IntEnum):
    """The process exit codes of `python -m validators wait` (docs/gate.md, "Outcomes and exit codes")."""

    OK = 0
    FAILED = 1
    USAGE = 2
    TIMEOUT = 3
    CANNOT_JUDGE = 4
    SIGINT = 130
    SIGTERM = 143


#: Each outcome's exit code; `interrupted` is decided by the signal (130 or 143), see `run_exit_status`.
OUTCOME_EXIT: dict[Outcome, ExitStatus] = {
    Outcome.ACTIVE: ExitStatus.OK,
    Outcome.ERROR: ExitStatus.FAILED,
    Outcome.RESOURCE_ERRORS: ExitStatus.FAILED,
    Outcome.UNEXPECTED_STATE: ExitStatus.FAILED,
    Outcome.NOT_FOUND: ExitStatus.CANNOT_JUDGE,
    Outcome.DENIED: ExitStatus.CANNOT_JUDGE,
    Outcome.INVALID: ExitStatus.CANNOT_JUDGE,
    Outcome.UNREACHABLE: ExitStatus.CANNOT_JUDGE,
    Outcome.TIMEOUT: ExitStatus.TIMEOUT,
    Outcome.INTERRUPTED: ExitStatus.SIGINT,
}

#: The order of severity for the run's exit code: 1 before 4 before 3 before 0 (docs/gate.md,
#: "Outcomes and exit codes").
_EXIT_SEVERITY: tuple[ExitStatus, ...] = (
    ExitStatus.FAILED,
    ExitStatus.CANNOT_JUDGE,
    ExitStatus.TIMEOUT,
    ExitStatus.OK,
)


def run_exit_status(outcomes: list[Outcome], interrupted_by: ExitStatus | None = None) -> ExitStatus:
    """The run's exit code: interrupted first (130/143); else 1 if any is 1; else 4; else 3; else 0."""
    if interrupted_by is not None or Outcome.INTERRUPTED in outcomes:
        return interrupted_by or ExitStatus.SIGINT
    codes = {OUTCOME_EXIT[o] for o in outcomes}
    for status in _EXIT_SEVERITY:
        if status in codes:
            return status
    return ExitStatus.OK


def worst_outcome(outcomes: list[Outcome]) -> Outcome:
    """The top-level outcome: the worst target outcome by the exit-code order (first of equals wins)."""
    if not outcomes:
        return Outcome.ACTIVE
    status = run_exit_status(outcomes)
    if status in (ExitStatus.SIGINT, ExitStatus.SIGTERM):
        return Outcome.INTERRUPTED
    return next(o for o in outcomes if OUTCOME_EXIT[o] == status)


@dataclass(frozen=True, order=True)
class Target:
    """One sync job to gate. `region=None` means the run's default region."""

    workspace_id: str
    sync_source: str = DEFAULT_SYNC_SOURCE
    region: str | None = None

    @property
    def key(self) -> tuple[str | None, str, str]:
        """Identity for de-duplication: the same (region, workspace, sync source) is one target."""
        return (self.region, self.workspace_id, self.sync_source)

    def label(self) -> str:
        """How people see the target: `workspace/SOURCE`, with `@region` when it has its own."""
        base = f"{self.workspace_id}/{self.sync_source}"
        return f"{base}@{self.region}" if self.region else base


@dataclass(frozen=True)
class ServiceError:
    """An error exactly as the service sent it: a job's `status.error`, or an API exception."""

    code: str
    message: str


@dataclass(frozen=True)
class ResourceError:
    """A sync resource in state ERROR (`ListSyncResources`), i.e. an asset or model that failed."""

    resource_type: str
    external_id: str
    resource_id: str
    code: str
    message: str


@dataclass(frozen=True)
class JobResult:
    """The verdict for one target, with everything a report needs."""

    target: Target
    outcome: Outcome
    state: str | None
    error: ServiceError | None = None
    arn: str | None = None
    polls: int = 0
    elapsed_seconds: float = 0.0
    resource_errors: tuple[ResourceError, ...] = ()
    region: str | None = None
    resource_errors_truncated: bool = False
    # `unreachable` because no request reached an endpoint: for how long (`reports.common.unreached_hint`
    # turns it into what to check: region, endpoint URL, VPC endpoint, proxy).
    unreached_seconds: float | None = None
    # `not_found` because GetWorkspace says the workspace does not exist either (not a job not visible
    # yet): reports say so in one sentence.
    workspace_missing: bool = False


@dataclass(frozen=True)
class RunResult:
    """The verdicts of a whole run. `interrupted_by` is set when a signal ended it early."""

    jobs: tuple[JobResult, ...]
    elapsed_seconds: float
    interrupted_by: ExitStatus | None = None
    requests: int = 0
    report_errors: tuple[str, ...] = ()  # reports asked for but not written (a path, a full disk)

    @property
    def exit_status(self) -> ExitStatus:
        """The run's exit code; a run that would pass but could not write a report it was asked for
        exits 4 (could not judge): a pipeline must not read a missing report as a pass."""
        status = run_exit_status([j.outcome for j in self.jobs], self.interrupted_by)
        if self.report_errors and status is ExitStatus.OK:
            return ExitStatus.CANNOT_JUDGE
        return status

    @property
    def outcome(self) -> Outcome:
        if self.interrupted_by is not None:
            return Outcome.INTERRUPTED
        return worst_outcome([j.outcome for j in self.jobs])


class Waiting(StrEnum):
    """Why a target is still waiting although the last poll did not show its state moving on."""

    NOT_VISIBLE_YET = "not_visible_yet"  # ResourceNotFoundException within the not-found grace
    RETRYING = "retrying"  # a transient failure: throttling, 5xx, a timeout, a reset, an unreadable body
    # a transient failure in which no request reached an endpoint (refused, DNS, connect timeout, proxy):
    # the run of these ends the target `unreachable` after `--unreachable-after`
    UNREACHED = "unreached"
    LISTING_RETRYING = "listing_retrying"  # ACTIVE, but listing its sync resources failed transiently


@dataclass(frozen=True)
class Reason:
    """A reason to keep waiting, as data: what kind, and the code that caused it (the service's error
    code, or the name of the botocore exception). Reports turn it into words."""

    waiting: Waiting
    code: str = ""


@dataclass(frozen=True)
class StateChange:
    """A target's state changed (or it reached a verdict): one line of text output, one progress tick.

    `state` is the job's state as last read (`None` while nothing could be read); `reason` says why it
    is still waiting when there is news to tell besides the state (not visible yet, retrying after ...).
    """

    target: Target
    state: str | None
    previous: str | None
    elapsed_seconds: float
    polls: int
    reason: Reason | None = None
    result: JobResult | None = None  # set when this change is the target's verdict
