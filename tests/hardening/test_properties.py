"""Properties of the decision and the loop, for arbitrary observation sequences, policies and clocks.

- the decision gives `active` only for an ACTIVE state, and at the deadline it always gives a verdict;
- the loop (on a fake clock) judges a target `active` only if ACTIVE was read for it, never polls a
  target after its verdict, never overruns the deadline by more than one request's time, and never
  spends more requests than the shared budget (a token bucket of `max_rps`, bursting to
  `max(1, max_rps)`) allows over any interval.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes import FakeClock, simulated_poller
from validators.decision import KeepWaiting, Progress, Verdict, decide, needs_resource_listing
from validators.model import PENDING_STATES, Outcome, ResourceError, ServiceError, Target
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.wait_settings import WaitPolicy

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)

STATES = st.one_of(
    st.sampled_from(["CREATING", "INITIALIZING", "ACTIVE", "ERROR", "DELETING"]),
    st.sampled_from(["active", "ACTIVE ", " ACTIVE", "Active", "ACTIVE\x00", "\x1b[32mACTIVE"]),
    st.text(max_size=12),
)


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    kind = draw(st.sampled_from(list(ObservationKind)))
    if kind is ObservationKind.STATE:
        error = draw(st.none() | st.builds(ServiceError, st.text(max_size=8), st.text(max_size=8)))
        return Observation(kind, state=draw(STATES), error=error, arn="arn:x")
    code = {
        ObservationKind.NOT_FOUND: "ResourceNotFoundException",
        ObservationKind.TRANSIENT: "ThrottlingException",
        ObservationKind.DENIED: "AccessDeniedException",
        ObservationKind.INVALID: "ValidationException",
    }[kind]
    if kind is ObservationKind.TRANSIENT:
        code = draw(st.sampled_from(["ThrottlingException", "InternalServerException"]))
    return Observation(kind, error=ServiceError(code, "m"))


@st.composite
def policies(draw: st.DrawFn) -> WaitPolicy:
    min_interval = draw(st.floats(0.01, 3.0))
    return WaitPolicy(
        timeout=draw(st.floats(0.0, 30.0)),
        min_interval=min_interval,
        max_interval=draw(st.floats(min_interval, 10.0)),
        not_found_grace=draw(st.floats(0.0, 15.0)),
        check_resources=draw(st.booleans()),
        max_concurrency=draw(st.integers(1, 4)),
        max_rps=draw(st.floats(0.2, 20.0)),
    )


# -- the decision ---------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    obs=observations(),
    last_state=st.none() | STATES,
    not_found_since=st.none() | st.floats(0, 100),
    read_anything=st.booleans(),
    now=st.floats(0, 200),
    deadline=st.floats(0, 200),
    policy=policies(),
    resource_errors=st.integers(0, 2),
)
def test_decision_says_active_only_for_an_active_state_and_always_decides_at_the_deadline(
    *,
    obs: Observation,
    last_state: str | None,
    not_found_since: float | None,
    read_anything: bool,
    now: float,
    deadline: float,
    policy: WaitPolicy,
    resource_errors: int,
) -> None:
    progress = Progress(last_state, not_found_since, read_anything)
    listing = None
    if needs_resource_listing(obs, policy):
        listing = ResourceListing(errors=(ResourceError("ASSET", "e", "r", "C", "m"),) * resource_errors)
    decision = decide(obs, progress, policy, now=now, deadline=deadline, listing=listing)
    if isinstance(decision, Verdict) and decision.outcome is Outcome.ACTIVE:
        assert obs.kind is ObservationKind.STATE and obs.state == "ACTIVE"
        assert listing is None or resource_errors == 0
    if now >= deadline:
        assert isinstance(decision, Verdict), decision
    if not isinstance(decision, Verdict):
        assert isinstance(decision, KeepWaiting)


# -- the loop on a fake clock ---------------------------------------------------------------------------


@dataclass
class SequenceProbe:
    """Answers each target's GetSyncJob from its script (the last entry repeats); records every call."""

    clock: FakeClock
    scripts: dict[str, list[Observation]]
    cost: float
    calls: dict[str, list[tuple[float, Observation]]] = field(default_factory=dict)
    all_calls: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get_sync_job(self, target: Target, region: str) -> Observation:
        with self._lock:
            seen = self.calls.setdefault(target.workspace_id, [])
            script = self.scripts[target.workspace_id]
            obs = script[min(len(seen), len(script) - 1)]
            seen.append((self.clock.now, obs))
            self.all_calls.append(self.clock.now)
            assert len(self.all_calls) < 20_000, "the loop does not stop"
            self.clock.now += self.cost
            return obs

    def list_resource_errors(self, target: Target, region: str, cap: int) -> ResourceListing:
        return ResourceListing()

    def workspace_exists(self, target: Target, region: str) -> bool | None:
        return True  # the workspace is there: not-found means "not visible yet", as the properties say


def _terminal(obs: Observation) -> bool:
    """An observation that decides a target whatever the clock says."""
    if obs.kind is ObservationKind.STATE:
        return obs.state not in PENDING_STATES
    return obs.kind in (ObservationKind.DENIED, ObservationKind.INVALID)


@PROPERTY_SETTINGS
@given(
    scripts=st.lists(st.lists(observations(), min_size=1, max_size=8), min_size=1, max_size=4),
    policy=policies(),
    cost=st.floats(0.0, 1.0),
    start=st.floats(0.0, 1e6),
    seed=st.integers(0, 2**32 - 1),
)
def test_loop_never_lies_never_repolls_a_verdict_never_overruns_and_keeps_the_budget(
    scripts: list[list[Observation]], policy: WaitPolicy, cost: float, start: float, seed: int
) -> None:
    clock = FakeClock(start)
    named = {f"ws-{i}": script for i, script in enumerate(scripts)}
    probe = SequenceProbe(clock, named, cost)
    targets = [(Target(name), "us-east-1") for name in named]
    poller = simulated_poller(
        targets,
        policy,
        probe,
        clock=clock,
        seed=seed,
        settle_seconds=cost,  # one request's time: what a real run allows requests in flight at the end
    )
    result = poller.run()

    assert [job.target.workspace_id for job in result.jobs] == list(named)
    for job in result.jobs:
        calls = probe.calls.get(job.target.workspace_id, [])
        seen = [obs for _, obs in calls]
        # Never `active` unless ACTIVE was read for this very target (and it was the last thing read).
        if job.outcome is Outcome.ACTIVE:
            assert seen and seen[-1].kind is ObservationKind.STATE and seen[-1].state == "ACTIVE"
        # A target with a verdict is not polled again: nothing after the first deciding observation,
        # and no call starts after the verdict's time.
        terminal = [i for i, obs in enumerate(seen) if _terminal(obs)]
        if terminal:
            assert len(seen) == terminal[0] + 1, (job.outcome, seen)
        assert job.polls == len(calls)
        verdict_at = start + job.elapsed_seconds
        assert all(t <= verdict_at + 1e-9 for t, _ in calls)
    # One deadline: a poll started before it may finish one request later (serially, per target, with
    # the inline executor); nothing waits beyond that.
    assert clock.elapsed <= policy.timeout + len(targets) * cost + 1e-6, (clock.elapsed, policy.timeout)
    # The shared budget: over any interval, at most burst + rate x length requests.
    burst = max(1.0, policy.max_rps)
    times = probe.all_calls
    for i in range(len(times)):
        for j in range(i, len(times)):
            assert j - i + 1 <= burst + policy.max_rps * (times[j] - times[i]) + 1e-6, (i, j, times)
