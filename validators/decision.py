"""The pure decision: one observation + the policy + the clock -> keep waiting, or a verdict.

No I/O and no time source here: `now` and the target's progress so far are arguments, so every rule is
a row in a parametrised test table (tests/unit/test_decision.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from validators.model import FAILURE_STATES, PENDING_STATES, TARGET_STATES, Outcome
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.policy import WaitPolicy


@dataclass(frozen=True)
class KeepWaiting:
    """Poll again later. `retry_soon` asks for back-off after an error rather than the normal growth."""

    note: str = ""
    retry_soon: bool = False


@dataclass(frozen=True)
class Verdict:
    """The target is decided; it is never polled again."""

    outcome: Outcome


Decision = KeepWaiting | Verdict

#: Times within a microsecond are equal: float clocks must not livelock a loop one ulp before a deadline.
TIME_EPSILON = 1e-6


@dataclass(frozen=True)
class Progress:
    """What the loop remembers of a target between polls (the decision's only memory)."""

    last_state: str | None = None  # the last state the service reported
    not_found_since: float | None = None  # when the current run of ResourceNotFound began
    read_anything: bool = False  # a state or a not-found was ever read (else: only transient errors)
    unreached_since: float | None = None  # when the current run of requests that reached nothing began


def decide(
    obs: Observation, progress: Progress, policy: WaitPolicy, *, now: float, deadline: float
) -> Decision:
    """Judge one observation.

    - ACTIVE is the target; ERROR fails with the service's reason; CREATING/INITIALIZING are pending
      (`timeout` once the deadline has passed); DELETING and any unknown state are `unexpected_state`.
    - ResourceNotFound is "not visible yet" until it has lasted `not_found_grace`, then `not_found`;
      at once when the workspace does not exist either (no grace makes a missing workspace appear).
    - Access denied / bad credentials -> `denied`, ValidationException -> `invalid`, at once.
    - Requests that reach no endpoint at all for `unreachable_after` -> `unreachable`, before the deadline.
    - Other transient errors never end a target before the deadline; at it, see `decide_at_deadline`.
    """
    past_deadline = now >= deadline - TIME_EPSILON
    if obs.kind is ObservationKind.STATE:
        state = obs.state
        if state in TARGET_STATES:
            return Verdict(Outcome.ACTIVE)
        if state in FAILURE_STATES:
            return Verdict(Outcome.ERROR)
        if state in PENDING_STATES:
            return Verdict(Outcome.TIMEOUT) if past_deadline else KeepWaiting()
        return Verdict(Outcome.UNEXPECTED_STATE)
    if obs.kind is ObservationKind.NOT_FOUND:
        since = progress.not_found_since if progress.not_found_since is not None else now
        if obs.workspace_missing or now - since >= policy.not_found_grace - TIME_EPSILON:
            return Verdict(Outcome.NOT_FOUND)
        return Verdict(Outcome.TIMEOUT) if past_deadline else KeepWaiting(note=obs.note)
    if obs.kind is ObservationKind.DENIED:
        return Verdict(Outcome.DENIED)
    if obs.kind is ObservationKind.INVALID:
        return Verdict(Outcome.INVALID)
    if obs.unreached:
        since = progress.unreached_since if progress.unreached_since is not None else now
        if now - since >= policy.unreachable_after - TIME_EPSILON:
            return Verdict(Outcome.UNREACHABLE)
    if past_deadline:
        return Verdict(decide_at_deadline(progress))
    return KeepWaiting(note=obs.note, retry_soon=True)


def decide_at_deadline(progress: Progress, *, polled: bool = True) -> Outcome:
    """A target still undecided at the deadline.

    - never polled at all (the run's budget or deadline allowed no look): `timeout`, nothing failed;
    - nothing but transient errors ever read (no state, no not-found): `unreachable`;
    - ACTIVE seen, but its sync resources could not be listed (--check-resources): `unreachable`, since
      the gate could not judge it (it is not "still CREATING or INITIALIZING");
    - else `timeout`, with its last state.
    """
    if not polled:
        return Outcome.TIMEOUT
    if not progress.read_anything or progress.last_state in TARGET_STATES:
        return Outcome.UNREACHABLE
    return Outcome.TIMEOUT


def advance(progress: Progress, obs: Observation, *, now: float) -> Progress:
    """The progress after an observation. The not-found run restarts whenever anything else is read;
    the unreached run restarts whenever any request is answered (a 5xx or a throttle is an answer)."""
    if obs.kind is ObservationKind.NOT_FOUND:
        since = progress.not_found_since if progress.not_found_since is not None else now
        return Progress(progress.last_state, since, read_anything=True)
    if obs.kind is ObservationKind.STATE:
        return Progress(obs.state, None, read_anything=True)
    if obs.unreached:
        since = progress.unreached_since if progress.unreached_since is not None else now
        return replace(progress, unreached_since=since)
    return replace(progress, unreached_since=None)


def needs_resource_listing(obs: Observation, policy: WaitPolicy) -> bool:
    """List failing sync resources on ERROR (best effort, for the report) and, with --check-resources,
    after ACTIVE (where any resource in ERROR fails the target)."""
    if obs.kind is not ObservationKind.STATE:
        return False
    return obs.state in FAILURE_STATES or (policy.check_resources and obs.state in TARGET_STATES)


def decide_resources(verdict: Verdict, listing: ResourceListing) -> Decision:
    """Refine a verdict with the resource listing.

    ERROR stays ERROR whatever the listing says (it is best effort). After ACTIVE with --check-resources:
    any resource in ERROR -> `resource_errors`; a listing that could not be completed because access was
    denied or the request was refused -> `denied` / `invalid`; a transient failure -> poll again.
    """
    if verdict.outcome is not Outcome.ACTIVE:
        return verdict
    if listing.errors:
        return Verdict(Outcome.RESOURCE_ERRORS)
    failure = listing.failure
    if failure is None:
        return verdict
    if failure.kind is ObservationKind.DENIED:
        return Verdict(Outcome.DENIED)
    if failure.kind is ObservationKind.INVALID:
        return Verdict(Outcome.INVALID)
    return KeepWaiting(note=f"listing sync resources: {failure.note}", retry_soon=True)
