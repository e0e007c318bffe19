"""The pure decision: what one poll read + the policy + the clock -> keep waiting, or a verdict.

No I/O, no time source and no wording here: `now` and the target's progress so far are arguments, and
what comes out is data (an outcome with the service's error, or a typed reason to keep waiting), so
every rule is a row in a parametrised test table (tests/unit/test_decision.py). Words are made in
`validators/reports/` (what `pulumi up` shows too: `reports/pulumi.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import (
    FAILURE_STATES,
    PENDING_STATES,
    TARGET_STATES,
    Outcome,
    Reason,
    ServiceError,
    Waiting,
)
from .observation import Observation, ObservationKind, ResourceListing
from .wait_settings import WaitPolicy


@dataclass(frozen=True)
class KeepWaiting:
    """Poll again later. `reason` is why, when there is more to it than a pending state; `retry_soon`
    asks for back-off after an error rather than the normal growth."""

    reason: Reason | None = None
    retry_soon: bool = False


@dataclass(frozen=True)
class Verdict:
    """The target is decided; it is never polled again. `error` is the service's reason, exactly as
    sent: the job's `status.error` for error, unexpected_state and resource_errors; the API error for
    denied, invalid, not_found and unreachable; none for active, timeout and interrupted."""

    outcome: Outcome
    error: ServiceError | None = None


Decision = KeepWaiting | Verdict

#: Times within a microsecond are equal: float clocks must not livelock a loop one ulp before a deadline.
TIME_EPSILON = 1e-6


@dataclass(frozen=True)
class Progress:
    """What the loop remembers of a target between polls (the decision's only memory)."""

    last_state: str | None = None  # the last state the service reported
    not_found_since: float | None = None  # when the current run of ResourceNotFound began
    read_anything: bool = False  # a state or a not-found was ever read (else: only transient errors)
    job_error: ServiceError | None = None  # the job's `status.error` as last read
    api_error: ServiceError | None = None  # the last error a call raised (GetSyncJob or the listing)
    unreached_since: float | None = None  # when the current run of requests that reached nothing began


def decide(
    obs: Observation,
    progress: Progress,
    policy: WaitPolicy,
    *,
    now: float,
    deadline: float,
    listing: ResourceListing | None = None,
) -> Decision:
    """Judge one poll: the GetSyncJob observation and, when `needs_resource_listing` asked for it, the
    listing of the job's sync resources in ERROR.

    - ACTIVE is the target (see `_refine_active` for the listing); ERROR fails with the job's error;
      CREATING/INITIALIZING are pending (`timeout` once the deadline has passed); DELETING and any
      unknown state are `unexpected_state`.
    - ResourceNotFound is "not visible yet" until it has lasted `not_found_grace`, then `not_found`;
      at once when the workspace does not exist either (no grace makes a missing workspace appear),
      with the observation's error, which then names the workspace.
    - Access denied / bad credentials -> `denied`, ValidationException -> `invalid`, at once.
    - Requests that reach no endpoint at all for `unreachable_after` -> `unreachable`, before the deadline.
    - Other transient errors never end a target before the deadline; at it, see `decide_at_deadline`.
    """
    past_deadline = now >= deadline - TIME_EPSILON
    code = obs.error.code if obs.error is not None else ""
    if obs.kind is ObservationKind.STATE:
        state = obs.state
        if state in TARGET_STATES:
            return Verdict(Outcome.ACTIVE) if listing is None else _refine_active(listing, obs.error)
        if state in FAILURE_STATES:
            return Verdict(Outcome.ERROR, obs.error)
        if state in PENDING_STATES:
            return Verdict(Outcome.TIMEOUT) if past_deadline else KeepWaiting()
        return Verdict(Outcome.UNEXPECTED_STATE, obs.error)
    if obs.kind is ObservationKind.NOT_FOUND:
        since = progress.not_found_since if progress.not_found_since is not None else now
        if obs.workspace_missing or now - since >= policy.not_found_grace - TIME_EPSILON:
            return Verdict(Outcome.NOT_FOUND, obs.error)
        return (
            Verdict(Outcome.TIMEOUT) if past_deadline else KeepWaiting(Reason(Waiting.NOT_VISIBLE_YET, code))
        )
    if obs.kind is ObservationKind.DENIED:
        return Verdict(Outcome.DENIED, obs.error)
    if obs.kind is ObservationKind.INVALID:
        return Verdict(Outcome.INVALID, obs.error)
    if obs.unreached:
        since = progress.unreached_since if progress.unreached_since is not None else now
        if now - since >= policy.unreachable_after - TIME_EPSILON:
            return Verdict(Outcome.UNREACHABLE, obs.error)
    if past_deadline:
        return decide_at_deadline(advance(progress, obs, now=now))
    return KeepWaiting(
        Reason(Waiting.UNREACHED if obs.unreached else Waiting.RETRYING, code), retry_soon=True
    )


def _refine_active(listing: ResourceListing, job_error: ServiceError | None) -> Decision:
    """ACTIVE, with --check-resources: any resource in ERROR -> `resource_errors`; a listing that could
    not be completed because access was denied or the request was refused -> `denied` / `invalid`; a
    transient failure -> poll again."""
    if listing.errors:
        return Verdict(Outcome.RESOURCE_ERRORS, job_error)
    failure = listing.failure
    if failure is None:
        return Verdict(Outcome.ACTIVE)
    if failure.kind is ObservationKind.DENIED:
        return Verdict(Outcome.DENIED, failure.error)
    if failure.kind is ObservationKind.INVALID:
        return Verdict(Outcome.INVALID, failure.error)
    code = failure.error.code if failure.error is not None else ""
    return KeepWaiting(Reason(Waiting.LISTING_RETRYING, code), retry_soon=True)


def decide_at_deadline(progress: Progress, *, polled: bool = True) -> Verdict:
    """A target still undecided at the deadline.

    - never polled at all (the run's budget or deadline allowed no look): `timeout`, nothing failed;
    - nothing but transient errors ever read (no state, no not-found): `unreachable`, with the last error;
    - ACTIVE seen, but its sync resources could not be listed (--check-resources): `unreachable`, since
      the gate could not judge it (it is not "still CREATING or INITIALIZING");
    - else `timeout`, with its last state.
    """
    if not polled:
        return Verdict(Outcome.TIMEOUT)
    if not progress.read_anything or progress.last_state in TARGET_STATES:
        return Verdict(Outcome.UNREACHABLE, progress.api_error)
    return Verdict(Outcome.TIMEOUT)


def advance(
    progress: Progress, obs: Observation, *, now: float, listing: ResourceListing | None = None
) -> Progress:
    """The progress after a poll: the not-found run restarts whenever anything else is read; the
    unreached run restarts whenever any request is answered (a 5xx or a throttle is an answer); the last
    API error is whatever a call (GetSyncJob, or the listing) last raised."""
    api_error = progress.api_error
    if obs.kind is not ObservationKind.STATE and obs.error is not None:
        api_error = obs.error
    if listing is not None and listing.failure is not None and listing.failure.error is not None:
        api_error = listing.failure.error
    if obs.kind is ObservationKind.NOT_FOUND:
        since = progress.not_found_since if progress.not_found_since is not None else now
        return replace(
            progress, not_found_since=since, read_anything=True, api_error=api_error, unreached_since=None
        )
    if obs.kind is ObservationKind.STATE:
        return Progress(obs.state, None, True, obs.error, api_error)
    unreached_since = None
    if obs.unreached:
        unreached_since = progress.unreached_since if progress.unreached_since is not None else now
    return replace(progress, api_error=api_error, unreached_since=unreached_since)


def needs_resource_listing(obs: Observation, policy: WaitPolicy) -> bool:
    """List failing sync resources on ERROR (best effort, for the report; the verdict stays `error`
    whatever the listing says) and, with --check-resources, after ACTIVE (where any resource in ERROR
    fails the target)."""
    if obs.kind is not ObservationKind.STATE:
        return False
    return obs.state in FAILURE_STATES or (policy.check_resources and obs.state in TARGET_STATES)
