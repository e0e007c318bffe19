"""Poll schedule on a simulated clock: detection lag and GetSyncJob calls per wait, deterministic.

One job that reads CREATING until `T` seconds, then ACTIVE. The gate's `Poller` (default policy, real
decision and schedule code) runs on a fake clock with an inline executor and a scripted probe, for
several jitter seeds; the worst case over the seeds is reported. Side by side: a fixed-delay waiter as
botocore builds them (`botocore.waiter.Waiter.wait`: call, match acceptors, `time.sleep(delay)`, call
again ...), which polls at 0, d, 2d, ... (botocore hard-codes `time.sleep`, so its loop is mirrored
here rather than patched).

Conventions: a request takes no simulated time; a poll at or after the transition sees ACTIVE. Each seed
also shifts the transition by a seeded offset in [0, 1) s (the same for the gate and the waiters), so a
transition does not sit exactly on a waiter's poll grid (which would flatter it with a zero lag). The
gate's timeout is raised to 2 h so the 30 min job does not coincide with the default 30 min deadline.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass

from bench.common import table
from validators.executor import InlineExecutor
from validators.loop import Poller
from validators.model import Outcome, Target
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.ratelimit import RegionBudgets
from validators.wait_settings import WaitPolicy

WAITS: tuple[float, ...] = (5, 30, 120, 600, 1800)
SEEDS: tuple[int, ...] = tuple(range(20))
WAITER_DELAYS: tuple[float, ...] = (5, 15)


class SimClock:
    """Time that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


@dataclass
class OneJobProbe:
    """CREATING before `active_at`, ACTIVE from then on; remembers when it was called."""

    clock: SimClock
    active_at: float
    calls: list[float] = dataclasses.field(default_factory=list)

    def get_sync_job(self, target: Target, region: str) -> Observation:
        self.calls.append(self.clock.now)
        name = "ACTIVE" if self.clock.now >= self.active_at else "CREATING"
        return Observation(ObservationKind.STATE, state=name, arn="arn:bench")

    def list_resource_errors(self, target: Target, region: str, cap: int) -> ResourceListing:
        return ResourceListing()

    def workspace_exists(self, target: Target, region: str) -> bool | None:
        return True  # never asked: this job is never "not found"


@dataclass(frozen=True)
class Trial:
    lag: float  # verdict time minus the transition
    calls: int  # GetSyncJob calls until the verdict


def gate_trial(active_at: float, seed: int, policy: WaitPolicy) -> Trial:
    """The gate's Poller on a fake clock for one job turning ACTIVE at `active_at`."""
    clock = SimClock()
    probe = OneJobProbe(clock, active_at)
    result = Poller(
        [(Target("bench"), "us-east-1")],
        policy,
        probe,
        clock=clock,
        sleep=clock.sleep,
        executor=InlineExecutor(),
        budgets=RegionBudgets(policy.max_rps, clock),
        rng=random.Random(seed),
    ).run()
    (job,) = result.jobs
    assert job.outcome is Outcome.ACTIVE, job
    return Trial(job.elapsed_seconds - active_at, len(probe.calls))


def waiter_trial(active_at: float, delay: float) -> Trial:
    """botocore's Waiter loop (poll, sleep `delay`, poll ...) on the same fake clock and probe."""
    clock = SimClock()
    probe = OneJobProbe(clock, active_at)
    while True:
        observation = probe.get_sync_job(Target("bench"), "us-east-1")
        if observation.state == "ACTIVE":
            return Trial(clock.now - active_at, len(probe.calls))
        clock.sleep(delay)


@dataclass(frozen=True)
class Row:
    wait: float
    gate_lag: float  # worst over the seeds
    gate_calls: int  # worst over the seeds
    lag_goal: float  # max(min-interval, 10 % of the wait), never above max-interval
    waiter_lags: tuple[float, ...]
    waiter_calls: tuple[int, ...]

    @property
    def meets_goal(self) -> bool:
        calls_ok = self.wait < 1800 or self.gate_calls < 100
        return self.gate_lag <= self.lag_goal + 1e-9 and calls_ok


def lag_goal(wait: float, policy: WaitPolicy) -> float:
    return min(policy.max_interval, max(policy.min_interval, 0.1 * wait))


def run(
    waits: Sequence[float] = WAITS,
    seeds: Sequence[int] = SEEDS,
    delays: Sequence[float] = WAITER_DELAYS,
    policy: WaitPolicy | None = None,
) -> list[Row]:
    policy = policy or WaitPolicy(timeout=7200)
    rows = []
    for wait in waits:
        offsets = [random.Random(10_000 + seed).random() for seed in seeds]
        trials = [gate_trial(wait + off, seed, policy) for seed, off in zip(seeds, offsets, strict=True)]
        waiters = [[waiter_trial(wait + off, delay) for off in offsets] for delay in delays]
        rows.append(
            Row(
                wait,
                max(t.lag for t in trials),
                max(t.calls for t in trials),
                lag_goal(wait, policy),
                tuple(max(t.lag for t in w) for w in waiters),
                tuple(max(t.calls for t in w) for w in waiters),
            )
        )
    return rows


def _span(seconds: float) -> str:
    return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:g} min"


def render(rows: Sequence[Row], delays: Sequence[float] = WAITER_DELAYS, seeds: int = len(SEEDS)) -> str:
    headers = ["ACTIVE after", f"gate lag (worst of {seeds} seeds)", "gate calls (worst)", "lag goal"]
    for delay in delays:
        headers += [f"{delay:g} s waiter lag (worst)", f"{delay:g} s waiter calls (worst)"]
    headers.append("goal met")
    body = []
    for row in rows:
        cells: list[object] = [
            _span(row.wait),
            f"{row.gate_lag:.2f} s",
            row.gate_calls,
            f"{row.lag_goal:g} s",
        ]
        for lag, calls in zip(row.waiter_lags, row.waiter_calls, strict=True):
            cells += [f"{lag:.2f} s", calls]
        cells.append("yes" if row.meets_goal else "NO")
        body.append(cells)
    return table(headers, body)


def main(seeds: int = len(SEEDS)) -> list[Row]:
    print("## Poll schedule (simulated clock, default policy: min 2 s, max 30 s, growth 10 %, jitter 10 %)")
    print()
    rows = run(seeds=tuple(range(seeds)))
    print(render(rows, seeds=seeds))
    print()
    return rows


if __name__ == "__main__":
    main()
