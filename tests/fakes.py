"""Test doubles for the gate's unit tests: a fake clock and a scripted probe.

The scripted probe implements the loop's `Probe` protocol, answering from a timeline (seconds since
the run started -> observation), and records every call with its time, so tests can assert call counts
(fail-fast) and the exact poll schedule.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from validators.executor import InlineExecutor
from validators.loop import Poller, Probe
from validators.model import ServiceError, Target
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.ratelimit import RegionBudgets
from validators.throttling import is_throttling
from validators.wait_settings import WaitPolicy


class FakeClock:
    """Monotonic time that only moves when someone sleeps on it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.start = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, f"negative sleep {seconds}"
        self.sleeps.append(seconds)
        self.now += seconds

    @property
    def elapsed(self) -> float:
        return self.now - self.start


def state(name: str, code: str | None = None, message: str = "", arn: str = "arn:test") -> Observation:
    error = ServiceError(code, message) if code else None
    return Observation(ObservationKind.STATE, state=name, error=error, arn=arn)


def api_error(kind: ObservationKind, code: str, message: str = "") -> Observation:
    return Observation(kind, error=ServiceError(code, message))


NOT_FOUND = api_error(ObservationKind.NOT_FOUND, "ResourceNotFoundException", "sync job not found")
THROTTLED = api_error(ObservationKind.TRANSIENT, "ThrottlingException", "Rate exceeded")
SERVER_ERROR = api_error(ObservationKind.TRANSIENT, "InternalServerException", "boom")


@dataclass
class Timeline:
    """Observation by time since start: the last step whose start time has passed applies."""

    steps: list[tuple[float, Observation]]

    def at(self, t: float) -> Observation:
        current = self.steps[0][1]
        for start, obs in self.steps:
            if t >= start:
                current = obs
        return current


@dataclass
class ScriptedProbe:
    """A Probe answering from timelines; `cost` seconds pass on the clock per call (request latency)."""

    clock: FakeClock
    timelines: dict[str, Timeline]
    listings: dict[str, ResourceListing] = field(default_factory=dict)
    cost: float = 0.0
    calls: list[tuple[str, float]] = field(default_factory=list)
    listing_calls: list[str] = field(default_factory=list)
    hook: Callable[[str, float], None] | None = None
    missing_workspaces: set[str] = field(default_factory=set)  # GetWorkspace says "not found"
    workspace_calls: list[str] = field(default_factory=list)
    #: Fed as the boto3 adapter feeds them (validators.throttling): each call's retries are charged, a
    #: throttled answer backs the region's budget off, any other answer lets it recover.
    budgets: RegionBudgets | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get_sync_job(self, target: Target, region: str) -> Observation:
        with self._lock:
            sent_at = self.clock.now
            t = sent_at - self.clock.start
            self.calls.append((target.workspace_id, t))
            if self.hook:
                self.hook(target.workspace_id, t)
            self.clock.now += self.cost
            observation = self.answer(target.workspace_id, t)
        if self.budgets is not None:
            budget = self.budgets.of(region)
            budget.charge(observation.requests - 1)
            if observation.error is not None and is_throttling(observation.error.code):
                budget.on_throttled(sent_at=sent_at)
            else:
                budget.on_success()
        return observation

    def answer(self, workspace: str, t: float) -> Observation:
        """What the service says about `workspace` at `t` seconds into the run (override to script)."""
        return self.timelines[workspace].at(t)

    def list_resource_errors(self, target: Target, region: str, cap: int) -> ResourceListing:
        self.listing_calls.append(target.workspace_id)
        listing = self.listings.get(target.workspace_id, ResourceListing())
        return ResourceListing(
            listing.errors[:cap], listing.truncated or len(listing.errors) > cap, listing.failure
        )

    def workspace_exists(self, target: Target, region: str) -> bool | None:
        self.workspace_calls.append(target.workspace_id)
        return target.workspace_id not in self.missing_workspaces

    def polls(self, workspace: str) -> list[float]:
        return [t for w, t in self.calls if w == workspace]


def simulated_poller(
    targets: list[tuple[Target, str]],
    policy: WaitPolicy,
    probe: Probe,
    *,
    clock: FakeClock,
    seed: int = 0,
    budgets: RegionBudgets | None = None,
    **options: Any,
) -> Poller:
    """A Poller in simulated time: the fake clock and its sleep, calls run inline, a seeded rng. As in
    `gate.wait_for_sync_jobs`, a scripted probe feeds the same budgets the poller spends."""
    budgets = budgets or RegionBudgets(policy.max_rps, clock)
    if isinstance(probe, ScriptedProbe):
        probe.budgets = budgets
    return Poller(
        targets,
        policy,
        probe,
        clock=clock,
        sleep=clock.sleep,
        executor=InlineExecutor(),
        rng=random.Random(seed),
        budgets=budgets,
        **options,
    )
