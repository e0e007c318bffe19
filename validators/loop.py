"""Polling many targets: due-time order, one deadline, one shared request budget, bounded concurrency.

The engine decides what to do next; the probe (boto3 adapter) and the executor carry it out. Clock,
sleep, randomness and executor are constructor arguments, so tests run a whole fleet on a fake clock
and record the exact sleep schedule. Only the loop's own thread touches the schedule and the results;
workers only read (GetSyncJob, and ListSyncResources after a verdict that needs it).
"""

from __future__ import annotations

import dataclasses
import heapq
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from validators.decision import (
    TIME_EPSILON,
    KeepWaiting,
    Progress,
    Verdict,
    advance,
    decide,
    decide_at_deadline,
    decide_resources,
    needs_resource_listing,
)
from validators.durations import format_duration
from validators.executor import Submitter
from validators.model import JobResult, Outcome, ResourceError, RunResult, ServiceError, StateChange, Target
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.policy import WaitPolicy
from validators.ratelimit import RateLimiter
from validators.schedule import backoff_interval, next_due, poll_interval

#: Longest real-time wait for in-flight requests in one step, so a cancel is seen within a second.
_WAIT_SLICE = 0.25


class Probe(Protocol):
    """Reads one sync job (the boto3 adapter in production, a scripted fake in unit tests)."""

    def get_sync_job(self, target: Target, region: str) -> Observation: ...

    def list_resource_errors(self, target: Target, region: str, cap: int) -> ResourceListing: ...

    def workspace_exists(self, target: Target, region: str) -> bool | None:
        """True / False when the service says so (GetWorkspace), None when it could not tell."""
        ...


@dataclass(frozen=True)
class _PollResult:
    observation: Observation
    listing: ResourceListing | None
    finished_at: float
    started_at: float  # a throttle on a request started before the last back-off is not a new overshoot


@dataclass
class _Tracked:
    """A target's mutable bookkeeping, owned by the loop's thread."""

    target: Target
    region: str
    progress: Progress = field(default_factory=Progress)
    polls: int = 0
    requests: int = 0
    errors_in_row: int = 0
    arn: str | None = None
    job_error: ServiceError | None = None  # the job's status.error, as last read
    api_error: ServiceError | None = None  # the last error an API call raised
    resource_errors: tuple[ResourceError, ...] = ()
    truncated: bool = False
    note: str = ""
    workspace_checked: bool = False  # one GetWorkspace per target, at its first not-found
    result: JobResult | None = None


class Poller:
    """Waits for every target to reach a verdict, the deadline, or a cancel."""

    def __init__(
        self,
        targets: Sequence[tuple[Target, str]],
        policy: WaitPolicy,
        probe: Probe,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], object],
        executor: Submitter,
        limiter: RateLimiter | None = None,
        rng: random.Random | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: threading.Event | None = None,
        settle_seconds: float = 10.0,
    ) -> None:
        """`targets` pairs each target with its resolved region. `settle_seconds` is how long requests
        still in flight at the deadline may take (one request timeout) before their targets expire."""
        self._tracked = [_Tracked(target, region) for target, region in targets]
        self._policy = policy
        self._probe = probe
        self._clock = clock
        self._sleep = sleep
        self._executor = executor
        self._limiter = limiter or RateLimiter(policy.max_rps, clock)
        self._rng = rng or random.Random()
        self._on_change = on_change or (lambda change: None)
        self._cancel = cancel or threading.Event()
        self._settle = settle_seconds
        self._start = 0.0
        self._deadline = 0.0

    # -- the loop -------------------------------------------------------------------------------------

    def run(self) -> RunResult:
        self._start = self._clock()
        self._deadline = self._start + self._policy.timeout
        # (due time, index): every target is due at once; the shared budget spreads the first polls.
        due: list[tuple[float, int]] = [(self._start, i) for i in range(len(self._tracked))]
        in_flight: dict[Future[_PollResult], int] = {}
        while (due or in_flight) and not self._cancel.is_set():
            self._harvest(in_flight, due)
            now = self._clock()
            if now >= self._deadline - TIME_EPSILON:
                self._last_look(due, in_flight)
                break
            wake_at = self._dispatch(due, in_flight, now)
            if not due and not in_flight:
                break
            self._wait(in_flight, wake_at)
        self._finish_undecided()
        return RunResult(
            jobs=tuple(t.result for t in self._tracked if t.result is not None),
            elapsed_seconds=self._clock() - self._start,
            requests=sum(t.requests for t in self._tracked),
        )

    def _dispatch(
        self, due: list[tuple[float, int]], in_flight: dict[Future[_PollResult], int], now: float
    ) -> float:
        """Start polls in due-time order while there is concurrency and budget; return when to wake."""
        wake_at = self._deadline
        while due and len(in_flight) < self._policy.max_concurrency:
            when, index = due[0]
            if when > now + TIME_EPSILON:
                return min(wake_at, when)
            delay = self._limiter.reserve()
            if delay > 0:
                return min(wake_at, now + delay)
            heapq.heappop(due)
            in_flight[self._submit(index)] = index
        return wake_at

    def _wait(self, in_flight: dict[Future[_PollResult], int], wake_at: float) -> None:
        """Until a poll completes or `wake_at`, whichever is first (never past the deadline)."""
        pause = max(0.0, min(wake_at, self._deadline) - self._clock())
        if in_flight:
            if not any(f.done() for f in in_flight):
                wait_futures(list(in_flight), timeout=min(pause, _WAIT_SLICE), return_when=FIRST_COMPLETED)
        else:
            # At least a microsecond, so a float clock always moves on (no livelock one ulp short).
            self._sleep(max(pause, TIME_EPSILON))

    def _harvest(self, in_flight: dict[Future[_PollResult], int], due: list[tuple[float, int]]) -> None:
        for future in [f for f in in_flight if f.done()]:
            index = in_flight.pop(future)
            next_time = self._absorb(index, future.result())
            if next_time is not None:
                heapq.heappush(due, (next_time, index))

    def _last_look(self, due: list[tuple[float, int]], in_flight: dict[Future[_PollResult], int]) -> None:
        """At the deadline: one last look for each pending target the budget allows at once; requests in
        flight get at most one request timeout to answer; whatever is left expires."""
        for _, index in sorted(due):
            if len(in_flight) >= self._policy.max_concurrency or self._limiter.reserve() > 0:
                break
            in_flight[self._submit(index)] = index
        settle_until = self._clock() + self._settle
        while in_flight and not self._cancel.is_set():
            # Absorb what has already answered before looking at the clock: a reply that is in is never
            # thrown away, even when the settle time is up (or zero).
            for future in [f for f in in_flight if f.done()]:
                index = in_flight.pop(future)
                if self._absorb(index, future.result()) is not None:
                    self._expire(self._tracked[index])
            remaining = settle_until - self._clock()
            if not in_flight or remaining <= 0:
                break
            wait_futures(list(in_flight), timeout=min(remaining, _WAIT_SLICE), return_when=FIRST_COMPLETED)
        due.clear()

    def _finish_undecided(self) -> None:
        """Targets without a verdict when the loop ends: interrupted on cancel, else expired."""
        for tracked in self._tracked:
            if tracked.result is None:
                if self._cancel.is_set():
                    self._settle_verdict(tracked, Outcome.INTERRUPTED, self._clock())
                else:
                    self._expire(tracked)

    def _expire(self, tracked: _Tracked) -> None:
        outcome = decide_at_deadline(tracked.progress, polled=tracked.polls > 0)
        self._settle_verdict(tracked, outcome, self._clock())

    # -- one poll (worker thread) ---------------------------------------------------------------------

    def _submit(self, index: int) -> Future[_PollResult]:
        """Start one poll; the loop's thread decides here whether it may also look at the workspace."""
        check_workspace = not self._tracked[index].workspace_checked
        return self._executor.submit(partial(self._poll, index, check_workspace))

    def _poll(self, index: int, check_workspace: bool = False) -> _PollResult:
        """GetSyncJob, then the resource listing when the verdict needs it, or, at a target's first
        not-found, one GetWorkspace. Runs on a worker thread and touches nothing shared but the probe
        (and, through it, the thread-safe budget)."""
        tracked = self._tracked[index]
        started = self._clock()
        try:
            observation = self._probe.get_sync_job(tracked.target, tracked.region)
            if check_workspace and observation.kind is ObservationKind.NOT_FOUND:
                observation = self._check_workspace(tracked, observation)
            listing = None
            if needs_resource_listing(observation, self._policy):
                listing = self._probe.list_resource_errors(
                    tracked.target, tracked.region, self._policy.resource_error_cap
                )
        except Exception as exc:  # noqa: BLE001 - a bug or an unforeseen failure: retried, then reported
            error = ServiceError(type(exc).__name__, str(exc))
            observation, listing = Observation(ObservationKind.TRANSIENT, error=error), None
        return _PollResult(observation, listing, self._clock(), started)

    def _check_workspace(self, tracked: _Tracked, observation: Observation) -> Observation:
        """A sync job that is not found in a workspace that is not found either is a typo or a deleted
        workspace, not eventual consistency: say so at once. Anything but a clear "no" (access denied
        to GetWorkspace, a 5xx) leaves the observation as it was, and the grace decides."""
        try:
            exists = self._probe.workspace_exists(tracked.target, tracked.region)
        except Exception:  # noqa: BLE001 - a failed look is "cannot tell"; the job's own answer stands
            exists = None
        if exists is not False:
            return observation
        workspace = tracked.target.workspace_id
        return dataclasses.replace(
            observation,
            workspace_missing=True,
            error=ServiceError("ResourceNotFoundException", f"workspace {workspace} not found"),
            requests=observation.requests + 1,
        )

    # -- absorbing a result (loop thread) -------------------------------------------------------------

    def _absorb(self, index: int, poll: _PollResult) -> float | None:
        """Apply one poll's result; return the next due time, or None when the target has its verdict."""
        tracked = self._tracked[index]
        obs, now = poll.observation, poll.finished_at
        tracked.polls += 1
        if obs.kind is ObservationKind.NOT_FOUND:
            tracked.workspace_checked = True
        tracked.requests += obs.requests + (poll.listing.requests if poll.listing else 0)
        self._limiter.charge(obs.requests - 1)  # botocore's own retries spent the quota too
        if obs.throttled:
            self._limiter.on_throttled(sent_at=poll.started_at)
        else:
            self._limiter.on_success()
        previous = tracked.progress.last_state
        decision = decide(obs, tracked.progress, self._policy, now=now, deadline=self._deadline)
        tracked.progress = advance(tracked.progress, obs, now=now)
        if obs.kind is ObservationKind.STATE:
            tracked.arn = obs.arn or tracked.arn
            tracked.job_error = obs.error
        elif obs.error is not None:
            tracked.api_error = obs.error
        if isinstance(decision, Verdict) and poll.listing is not None:
            tracked.resource_errors = poll.listing.errors
            tracked.truncated = poll.listing.truncated
            decision = decide_resources(decision, poll.listing)
            if poll.listing.failure is not None and poll.listing.failure.error is not None:
                tracked.api_error = poll.listing.failure.error
        if isinstance(decision, Verdict):
            self._settle_verdict(tracked, decision.outcome, now, previous)
            return None
        return self._reschedule(tracked, decision, previous, now)

    def _reschedule(
        self, tracked: _Tracked, decision: KeepWaiting, previous: str | None, now: float
    ) -> float:
        tracked.errors_in_row = tracked.errors_in_row + 1 if decision.retry_soon else 0
        draw = self._rng.random()
        if decision.retry_soon:
            pause = backoff_interval(tracked.errors_in_row, self._policy, draw)
        else:
            pause = poll_interval(now - self._start, self._policy, draw)
        state = tracked.progress.last_state
        # A line when the state changes, or when a new reason to wait appears; not when an error clears,
        # nor again for the same error, so a flaky endpoint does not print a line per poll.
        new_note = bool(decision.note) and decision.note != tracked.note
        if state != previous or new_note or tracked.polls == 1:
            tracked.note = decision.note
            self._on_change(
                StateChange(tracked.target, state, previous, now - self._start, tracked.polls, decision.note)
            )
        limit = self._deadline
        if tracked.progress.not_found_since is not None:
            grace_end = tracked.progress.not_found_since + self._policy.not_found_grace
            if grace_end > now + TIME_EPSILON:
                # Look again exactly when the not-found grace ends, so `not_found` is neither early nor
                # late. (Once it has passed, e.g. during an outage that followed, back-off rules alone.)
                limit = min(limit, grace_end)
        if tracked.progress.unreached_since is not None:
            # Likewise, look again when `unreachable_after` is up, so a dead endpoint ends on time.
            unreachable_at = tracked.progress.unreached_since + self._policy.unreachable_after
            if unreachable_at > now + TIME_EPSILON:
                limit = min(limit, unreachable_at)
        return next_due(now, pause, limit)

    def _hint(self, tracked: _Tracked, outcome: Outcome, now: float) -> str:
        """What to check when requests reached nothing: the error alone names only the URL."""
        since = tracked.progress.unreached_since
        if outcome is not Outcome.UNREACHABLE or since is None:
            return ""
        return (
            f"no request reached the service for {format_duration(now - since)}; check the region "
            f"({tracked.region}), the endpoint URL (--endpoint-url, AWS_ENDPOINT_URL_IOTTWINMAKER, "
            "AWS_ENDPOINT_URL), a VPC endpoint for iottwinmaker, or a proxy (HTTPS_PROXY, NO_PROXY)"
        )

    def _settle_verdict(
        self, tracked: _Tracked, outcome: Outcome, now: float, previous: str | None = None
    ) -> None:
        """Freeze a target's verdict, with the service's reason where the outcome has one. `previous` is
        the state before the observation that decided it (the verdict line shows the transition)."""
        if outcome in (Outcome.ERROR, Outcome.UNEXPECTED_STATE, Outcome.RESOURCE_ERRORS):
            error = tracked.job_error
        elif outcome in (Outcome.DENIED, Outcome.INVALID, Outcome.NOT_FOUND, Outcome.UNREACHABLE):
            error = tracked.api_error
        else:
            error = None
        tracked.result = JobResult(
            target=tracked.target,
            outcome=outcome,
            state=tracked.progress.last_state,
            error=error,
            arn=tracked.arn,
            polls=tracked.polls,
            elapsed_seconds=now - self._start,
            resource_errors=tracked.resource_errors,
            region=tracked.region,
            resource_errors_truncated=tracked.truncated,
            hint=self._hint(tracked, outcome, now),
        )
        self._on_change(
            StateChange(
                tracked.target,
                tracked.progress.last_state,
                previous if previous is not None else tracked.progress.last_state,
                now - self._start,
                tracked.polls,
                note=outcome.value,
                result=tracked.result,
            )
        )
