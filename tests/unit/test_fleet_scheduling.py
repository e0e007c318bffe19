"""How the loop schedules a whole fleet, on a fake clock (test_loop.py covers one target at a time;
test_ratelimit.py the budget on its own): the budget holds over every window, nobody starves, polls go
out in due-time order, throttling slows the whole run and it recovers, a decided target costs nothing
more, and memory is a bounded number of bytes per target whatever the run's length.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import random
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests import fakes
from tests.fakes import FakeClock, ScriptedProbe, Timeline, simulated_poller, state
from validators.model import Outcome, RunResult, Target
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.ratelimit import RateLimiter, RegionBudgets
from validators.schedule import poll_interval
from validators.wait_settings import WaitPolicy

CREATING = state("CREATING")


def fleet(
    timelines: dict[str, Timeline], policy: WaitPolicy, *, seed: int = 3, cost: float = 0.0
) -> tuple[RunResult, ScriptedProbe, FakeClock, RateLimiter]:
    clock = FakeClock(start=0.0)
    probe = ScriptedProbe(clock, timelines, cost=cost)
    budgets = RegionBudgets(policy.max_rps, clock)
    result = simulated_poller(
        [(Target(name), "eu-west-1") for name in timelines],
        policy,
        probe,
        clock=clock,
        budgets=budgets,
        seed=seed,
    ).run()
    return result, probe, clock, budgets.of("eu-west-1")


def most_in_any_window(times: list[float], width: float) -> int:
    """The largest number of `times` inside any half-open window [t, t + width)."""
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + width) - i for i, t in enumerate(ordered))


def pending_forever(n: int) -> dict[str, Timeline]:
    return {f"ws-{i:04d}": Timeline([(0, CREATING)]) for i in range(n)}


# -- the budget -----------------------------------------------------------------------------------


@pytest.mark.parametrize("rps", [0.5, 3.0, 20.0])
@pytest.mark.parametrize("width", [1.0, 7.5, 60.0])
def test_budget_holds_over_every_window_of_the_run(rps: float, width: float) -> None:
    policy = WaitPolicy(max_rps=rps, timeout=300, min_interval=1, max_interval=5)
    _, probe, _, limiter = fleet(pending_forever(200), policy)
    times = [t for _, t in probe.calls]
    assert most_in_any_window(times, width) <= limiter.burst + rps * width + 1e-6
    assert len(times) >= rps * 300 * 0.9  # and the budget was actually used: demand exceeded it


def test_botocore_retries_inside_a_call_spend_the_same_budget() -> None:
    """A call that botocore retried twice cost three requests: the run's request rate still holds."""

    retried = Observation(ObservationKind.STATE, state="CREATING", arn="arn:x", requests=3)
    clock = FakeClock(start=0.0)
    probe = ScriptedProbe(clock, {f"ws-{i:04d}": Timeline([(0, retried)]) for i in range(30)})
    policy = WaitPolicy(max_rps=6, timeout=200, min_interval=1, max_interval=5)
    result = simulated_poller(
        [(Target(name), "r") for name in probe.timelines],
        policy,
        probe,
        clock=clock,
        seed=1,
    ).run()
    assert result.requests == 3 * len(probe.calls)
    # Each call may overdraw by its 2 retries before they are charged, never more.
    assert result.requests <= 6 * 200 + 6 + 2
    assert result.requests >= 6 * 200 * 0.9


# -- fairness -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "rps"), [(300, 10.0), (1000, 50.0), (64, 0.5)])
def test_every_target_is_polled_within_n_over_rps_of_the_start(n: int, rps: float) -> None:
    policy = WaitPolicy(max_rps=rps, timeout=n / rps * 3)
    _, probe, _, _ = fleet(pending_forever(n), policy)
    first: dict[str, float] = {}
    for name, t in probe.calls:
        first.setdefault(name, t)
    assert len(first) == n
    # The bucket starts with one token (no opening burst), so the n-th first poll is at (n - 1) / rps.
    assert max(first.values()) <= n / rps + 1e-6


def test_when_the_budget_binds_every_target_gets_its_turn_about_every_n_over_rps() -> None:
    n, rps = 200, 10.0
    policy = WaitPolicy(max_rps=rps, timeout=400, max_interval=30)
    _, probe, _, _ = fleet(pending_forever(n), policy)
    period = n / rps  # 20 s: the budget, not the schedule, sets the pace
    for name in probe.timelines:
        polls = probe.polls(name)
        gaps = [b - a for a, b in itertools.pairwise(polls)]
        assert max(gaps) <= max(period, policy.max_interval) + 2 / rps, name


# -- due-time order -------------------------------------------------------------------------------


def test_polls_go_out_in_due_time_order_across_targets() -> None:
    """With no jitter each poll's due time can be recomputed from the target's previous poll; under a
    binding budget the dispatched sequence of due times never goes backwards (earliest due first)."""
    policy = WaitPolicy(max_rps=4, jitter=0.0, timeout=600, min_interval=2, max_interval=30)
    timelines = {f"ws-{i:03d}": Timeline([(0, CREATING), (30 + 7 * i, state("ACTIVE"))]) for i in range(60)}
    _, probe, _, _ = fleet(timelines, policy)
    last_poll: dict[str, float] = {}
    dues = []
    for name, t in probe.calls:
        previous = last_poll.get(name)
        dues.append(0.0 if previous is None else previous + poll_interval(previous, policy, 0.0))
        last_poll[name] = t
        assert t >= dues[-1] - 1e-9  # never before it is due
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(dues))


def test_a_target_backing_off_after_errors_does_not_delay_the_others() -> None:
    """Due-time order across kinds: a target in error back-off waits for its own due time while the
    healthy ones keep their schedule."""
    policy = WaitPolicy(max_rps=1000, jitter=0.0, timeout=60)
    timelines = {
        "flaky": Timeline([(0, fakes.THROTTLED)]),
        "healthy": Timeline([(0, CREATING), (59, state("ACTIVE"))]),
    }
    _, probe, _, _ = fleet(timelines, policy)
    healthy = probe.polls("healthy")
    # Its growth schedule, untouched (give or take the budget's 1 ms between two requests).
    assert healthy[:11] == pytest.approx([2.0 * k for k in range(11)], abs=0.01)
    flaky = probe.polls("flaky")
    assert len(flaky) < len(healthy)


# -- throttling -----------------------------------------------------------------------------------


def test_throttling_slows_the_whole_run_and_the_rate_recovers_after() -> None:
    """Every call is throttled from 100 s to 130 s (the account's quota is taken by someone else): the
    run's request rate falls well below the budget during the storm and climbs back after it."""
    storm = (100.0, 130.0)

    class Storm(ScriptedProbe):
        def answer(self, workspace: str, t: float) -> Observation:
            return fakes.THROTTLED if storm[0] <= t < storm[1] else super().answer(workspace, t)

    rps = 20.0
    clock = FakeClock(start=0.0)
    probe = Storm(clock, pending_forever(400))
    budgets = RegionBudgets(rps, clock)
    limiter = budgets.of("r")
    rates: list[tuple[float, float]] = []
    probe.hook = lambda _w, t: rates.append((t, limiter.rate))
    simulated_poller(
        [(Target(name), "r") for name in probe.timelines],
        WaitPolicy(max_rps=rps, timeout=220),
        probe,
        clock=clock,
        budgets=budgets,
        seed=5,
    ).run()
    times = [t for _, t in probe.calls]

    def per_second(lo: float, hi: float) -> float:
        return sum(lo <= t < hi for t in times) / (hi - lo)

    assert per_second(60, 100) >= 0.9 * rps  # before: the budget is the pace
    assert per_second(105, 130) <= 0.25 * rps  # during: backed off as a whole, not per target
    assert min(rate for t, rate in rates if storm[0] <= t < storm[1]) < 0.25 * rps
    # After: it climbs back linearly (5 % of the budget per second), not in one jump, and gets there.
    assert max(rate for t, rate in rates if storm[1] <= t < storm[1] + 3) <= 0.5 * rps
    assert per_second(170, 220) >= 0.9 * rps
    assert limiter.rate == pytest.approx(rps)


# -- verdicts -------------------------------------------------------------------------------------


def test_a_decided_target_is_never_polled_again_whatever_its_verdict() -> None:
    policy = WaitPolicy(max_rps=5, timeout=400, not_found_grace=60)
    kinds: list[tuple[str, Callable[[float], Timeline]]] = [
        ("active", lambda at: Timeline([(0, CREATING), (at, state("ACTIVE"))])),
        ("error", lambda at: Timeline([(0, CREATING), (at, state("ERROR", "SYNC_CREATING_ERROR", "x"))])),
        ("deleting", lambda at: Timeline([(0, CREATING), (at, state("DELETING"))])),
        (
            "denied",
            lambda at: Timeline(
                [(0, CREATING), (at, fakes.api_error(ObservationKind.DENIED, "AccessDenied"))]
            ),
        ),
        ("notfound", lambda at: Timeline([(0, fakes.NOT_FOUND)])),
    ]
    rng = random.Random(11)
    timelines = {f"{kind}-{i}": make(rng.uniform(0, 200)) for kind, make in kinds for i in range(20)}
    result, probe, _, _ = fleet(timelines, policy)
    assert all(job.outcome is not Outcome.TIMEOUT for job in result.jobs)
    for job in result.jobs:
        polls = probe.polls(job.target.workspace_id)
        assert polls[-1] == pytest.approx(job.elapsed_seconds)  # the verdict's poll was the last one
        assert len(polls) == job.polls


def test_decided_targets_give_their_share_of_the_budget_to_the_rest() -> None:
    """Half the fleet is ACTIVE at 100 s: once those are decided, the other half is polled twice as
    often (the budget, not the schedule, binds: the schedule's interval is 10-19 s over the window)."""
    n, rps = 200, 5.0
    timelines = {
        f"ws-{i:03d}": Timeline([(0, CREATING), (100, state("ACTIVE"))])
        if i % 2
        else Timeline([(0, CREATING)])
        for i in range(n)
    }
    policy = WaitPolicy(max_rps=rps, timeout=200, max_interval=60)
    _, probe, _, _ = fleet(timelines, policy)

    def mean_gap(lo: float, hi: float) -> float:
        gaps = []
        for name in (f"ws-{i:03d}" for i in range(0, n, 2)):
            polls = [t for t in probe.polls(name) if lo <= t < hi]
            gaps += [b - a for a, b in itertools.pairwise(polls)]
        return sum(gaps) / len(gaps)

    assert mean_gap(0, 100) == pytest.approx(n / rps, rel=0.15)  # everyone shares: ~40 s
    assert mean_gap(145, 200) == pytest.approx(n / 2 / rps, rel=0.15)  # the decided half is free: ~20 s
    assert all(t < 100 + n / rps + 1 for name, t in probe.calls if int(name[3:]) % 2)


# -- memory ---------------------------------------------------------------------------------------


class _CoarseClock:
    """A fake clock that keeps no record (FakeClock logs every sleep, which would be the biggest thing in
    a long run) and whose sleeps last at least a millisecond, so a fast budget hands out tokens in
    batches and the loop dispatches up to its concurrency at once (fewer loop turns: a fast test)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 1e-3)


@dataclass
class _QuietProbe:
    """Answers without remembering anything (ScriptedProbe's call log would be the biggest thing)."""

    clock: _CoarseClock
    active_after: float

    def get_sync_job(self, target: Target, region: str) -> Observation:
        name = "ACTIVE" if self.clock.now >= self.active_after else "CREATING"
        return Observation(ObservationKind.STATE, state=name, arn=f"arn:{target.workspace_id}")

    def list_resource_errors(self, target: Target, region: str, cap: int) -> ResourceListing:
        return ResourceListing()


def peak_bytes_per_target(n: int, active_after: float) -> tuple[float, int]:
    """(peak traced bytes of one run / n, calls made); the targets exist before tracing starts."""
    targets = [(Target(f"plant-{i:05d}"), "eu-west-1") for i in range(n)]
    clock = _CoarseClock()
    policy = WaitPolicy(max_rps=1e6, max_concurrency=64, timeout=3600)
    calls = 0

    class Counting(_QuietProbe):
        def get_sync_job(self, target: Target, region: str) -> Observation:
            nonlocal calls
            calls += 1
            return super().get_sync_job(target, region)

    probe = Counting(clock, active_after)
    gc.collect()
    tracemalloc.start()
    try:
        result = simulated_poller(
            targets,
            policy,
            probe,
            clock=clock,
            seed=2,
        ).run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(job.outcome is Outcome.ACTIVE for job in result.jobs)
    return peak / n, calls


def test_memory_per_target_is_bounded_and_flat_in_the_number_of_targets() -> None:
    small, _ = peak_bytes_per_target(1_000, active_after=0)
    large, calls = peak_bytes_per_target(10_000, active_after=0)
    assert calls == 10_000
    assert large < 2_048  # bookkeeping + verdict per target, a couple of KiB at most
    assert large < small * 1.25  # flat: ten times the targets, not more per target


def test_memory_does_not_grow_with_the_number_of_polls() -> None:
    short, short_calls = peak_bytes_per_target(300, active_after=0)
    long, long_calls = peak_bytes_per_target(300, active_after=120)
    assert long_calls >= 25 * short_calls  # every target polled ~30 times instead of once
    assert long < short * 1.25 + 64
