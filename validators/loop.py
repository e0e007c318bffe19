"""Polling many targets: due-time order, one deadline, a request budget per region, bounded concurrency.

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

from .decision import (
    TIME_EPSILON,
    KeepWaiting,
    Progress,
    Verdict,
    advance,
    decide,
    decide_at_deadline,
    needs_resource_listing,
)
from .executor import Submitter
from .model import (
    JobResult,
    Outcome,
    Reason,
    ResourceError,
    RunResult,
    ServiceError,
    StateChange,
    Target,
)
from .observation import Observation, ObservationKind, ResourceListing
from .ratelimit import RegionBudgets
from .schedule import backoff_interval, next_due, poll_interval
from .wait_settings import WaitPolicy

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


class _DueQueues:
    """(due time, target index) heaps, one per region, since each region has its own budget: a region
    whose budget is spent must not hold back another's due targets."""

    def __init__(self) -> None:
        self._heaps: dict[str, list[tuple[float, int]]] = {}

    def __bool__(self) -> bool:
        return any(self._heaps.values())

    def push(self, region: str, when: float, index: int) -> None:
        heapq.heappush(self._heaps.setdefault(region, []), (when, index))

    def heads(self) -> list[tuple[float, str]]:
        """The earliest due time of each region that has targets waiting."""
        return [(heap[0][0], region) for region, heap in self._heaps.items() if heap]

    def pop(self, region: str) -> int:
        return heapq.heappop(self._heaps[region])[1]

    def drain(self) -> list[tuple[float, str, int]]:
        """Everything still waiting, earliest first; the queues are empty after."""
        items = sorted((when, region, index) for region, heap in self._heaps.items() for when, index in heap)
        self._heaps.clear()
        return items


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
    resource_errors: tuple[ResourceError, ...] = ()
    truncated: bool = False
    reason: Reason | None = None  # the last reason to wait that was reported (on_change)
    workspace_checked: bool = False  # one GetWorkspace per target, at its first not-found
    workspace_missing: bool = False  # ... and it said the workspace does not exist
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
        budgets: RegionBudgets | None = None,
        rng: random.Random | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: threading.Event | None = None,
        settle_seconds: float = 10.0,
    ) -> None:
        """`targets` pairs each target with its resolved region; each region spends its own budget of
        `budgets` (which the probe also feeds with what each HTTP attempt met: retries, throttling).
        `settle_seconds` is how long requests still in flight at the deadline may take (one request
        timeout) before their targets expire."""
        self._tracked = [_Tracked(target, region) for target, region in targets]
        self._policy = policy
        self._probe = probe
        self._clock = clock
        self._sleep = sleep
        self._executor = executor
        self._budgets = budgets or RegionBudgets(policy.max_rps, clock)
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
        # Every target is due at once; each region's budget spreads its first polls.
        due = _DueQueues()
        for index, tracked in enumerate(self._tracked):
            due.push(tracked.region, self._start, index)
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

    def _dispatch(self, due: _DueQueues, in_flight: dict[Future[_PollResult], int], now: float) -> float:
        """Start polls in due-time order (across regions) while there is concurrency and budget in the
        target's region; return when to wake."""
        wake_at = self._deadline
        spent: set[str] = set()  # regions whose budget has no token left now
        while len(in_flight) < self._policy.max_concurrency:
            heads = [head for head in due.heads() if head[1] not in spent]
            if not heads:
                break
            when, region = min(heads)
            if when > now + TIME_EPSILON:
                return min(wake_at, when)
            delay = self._budgets.of(region).reserve()
            if delay > 0:
                spent.add(region)
                wake_at = min(wake_at, now + delay)
                continue
            index = due.pop(region)
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

    def _harvest(self, in_flight: dict[Future[_PollResult], int], due: _DueQueues) -> None:
        for future in [f for f in in_flight if f.done()]:
            index = in_flight.pop(future)
            next_time = self._absorb(index, future.result())
            if next_time is not None:
                due.push(self._tracked[index].region, next_time, index)

    def _last_look(self, due: _DueQueues, in_flight: dict[Future[_PollResult], int]) -> None:
        """At the deadline: one last look for each pending target its region's budget allows at once;
        requests in flight get at most one request timeout to answer; whatever is left expires."""
        spent: set[str] = set()
        for _, region, index in due.drain():
            if len(in_flight) >= self._policy.max_concurrency:
                break
            if region in spent or self._budgets.of(region).reserve() > 0:
                spent.add(region)
                continue
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

    def _finish_undecided(self) -> None:
        """Targets without a verdict when the loop ends: interrupted on cancel, else expired."""
        for tracked in self._tracked:
            if tracked.result is None:
                if self._cancel.is_set():
                    self._settle_verdict(tracked, Verdict(Outcome.INTERRUPTED), self._clock())
                else:
                    self._expire(tracked)

    def _expire(self, tracked: _Tracked) -> None:
        verdict = decide_at_deadline(tracked.progress, polled=tracked.polls > 0)
        self._settle_verdict(tracked, verdict, self._clock())

    # -- one poll (worker thread) ---------------------------------------------------------------------

    def _submit(self, index: int) -> Future[_PollResult]:
        """Start one poll; the loop's thread decides here whether it may also look at the workspace."""
        check_workspace = not self._tracked[index].workspace_checked
        return self._executor.submit(partial(self._poll, index, check_workspace))

    def _poll(self, index: int, check_workspace: bool = False) -> _PollResult:
        """GetSyncJob, then the resource listing when the verdict needs it, or, at a target's first
        not-found, one GetWorkspace. Runs on a worker thread and touches nothing shared but the probe
        (and, through it, the thread-safe budgets)."""
        tracked = self._tracked[index]
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
        return _PollResult(observation, listing, self._clock())

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
            tracked.workspace_missing = obs.workspace_missing
        # Counted for the report only: the probe charged botocore's retries to the budget as they went
        # out, and told it of each throttled attempt (validators.throttling).
        tracked.requests += obs.requests + (poll.listing.requests if poll.listing else 0)
        previous = tracked.progress.last_state
        decision = decide(
            obs, tracked.progress, self._policy, now=now, deadline=self._deadline, listing=poll.listing
        )
        tracked.progress = advance(tracked.progress, obs, now=now, listing=poll.listing)
        if obs.kind is ObservationKind.STATE:
            tracked.arn = obs.arn or tracked.arn
        if poll.listing is not None:
            tracked.resource_errors = poll.listing.errors
            tracked.truncated = poll.listing.truncated
        if isinstance(decision, Verdict):
            self._settle_verdict(tracked, decision, now, previous)
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
        # A change when the state changes, or when a new reason to wait appears (reasons compared as
        # data: kind and code); not when an error clears, nor again for the same reason, so a flaky
        # endpoint does not print a line per poll.
        new_reason = decision.reason is not None and decision.reason != tracked.reason
        if state != previous or new_reason or tracked.polls == 1:
            tracked.reason = decision.reason
            self._on_change(
                StateChange(
                    tracked.target, state, previous, now - self._start, tracked.polls, decision.reason
                )
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

    def _settle_verdict(
        self, tracked: _Tracked, verdict: Verdict, now: float, previous: str | None = None
    ) -> None:
        """Freeze a target's verdict (its error chosen by the decision). `previous` is the state before
        the observation that decided it (the verdict line shows the transition). An `unreachable` target
        whose requests reached no endpoint keeps how long that lasted (reports say what to check)."""
        since = tracked.progress.unreached_since
        unreached = verdict.outcome is Outcome.UNREACHABLE and since is not None
        tracked.result = JobResult(
            target=tracked.target,
            outcome=verdict.outcome,
            state=tracked.progress.last_state,
            error=verdict.error,
            arn=tracked.arn,
            polls=tracked.polls,
            elapsed_seconds=now - self._start,
            resource_errors=tracked.resource_errors,
            region=tracked.region,
            resource_errors_truncated=tracked.truncated,
            unreached_seconds=now - since if unreached and since is not None else None,
            workspace_missing=verdict.outcome is Outcome.NOT_FOUND and tracked.workspace_missing,
        )
        self._on_change(
            StateChange(
                tracked.target,
                tracked.progress.last_state,
                previous if previous is not None else tracked.progress.last_state,
                now - self._start,
                tracked.polls,
                result=tracked.result,
            )
        )
