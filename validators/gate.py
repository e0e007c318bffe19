"""The library's front door: wait for sync jobs with real boto3 clients.

A `GateRun` has two phases. `prepare` (its constructor and `resolve`): one boto3 session and client
pool, one request budget per region (TwinMaker's quotas are per account and region), one pool of worker
threads. Then any number of waits, at once or one after another, all spending that one budget:
`wait(targets)` for a batch (the CLI, the stack-level gate) and `submit(target)` for one target added
while others wait (the SyncJobGate plugin's Creates), each
with its own deadline and its own verdict. A wait may bring its own `WaitPolicy` (a SyncJobGate's
`timeout`, `checkResources`, `notFoundGrace`); the run's budget (`max_rps`) and pools stay the run's.
`GateRun.shared(policy, aws)` is the one run of this process for those settings, so every wait of a
program shares it. `wait_for_sync_jobs` is the one-call form; everything is injectable for tests.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import replace

import botocore.exceptions as bexc

from .aws import BotoProbe, ClientPool
from .aws_settings import AwsSettings, GateConfigError
from .executor import DaemonExecutor, on_daemon_thread
from .loop import Poller
from .model import RunResult, StateChange, Target
from .names import check_region
from .ratelimit import RegionBudgets
from .sanitize import safe_text
from .wait_settings import WaitPolicy

#: Real sleeps are cut into slices this long, so a cancel (Ctrl-C, SIGTERM) is seen within a second.
_SLEEP_SLICE = 0.2


def interruptible_sleep(
    cancel: threading.Event, clock: Callable[[], float] = time.monotonic
) -> Callable[[float], None]:
    """A sleep that returns early once `cancel` is set (checked at least every 0.2 s)."""

    def sleep(seconds: float) -> None:
        until = clock() + seconds
        while not cancel.is_set() and (left := until - clock()) > 0:
            cancel.wait(min(left, _SLEEP_SLICE))

    return sleep


def open_pool(aws: AwsSettings, policy: WaitPolicy) -> ClientPool:
    """The run's clients; an unknown profile is a configuration error, not a traceback."""
    try:
        return ClientPool(aws, max_pool=policy.max_concurrency)
    except bexc.ProfileNotFound as exc:
        raise GateConfigError(_profile_problem(aws, exc)) from None


def _profile_problem(aws: AwsSettings, exc: Exception) -> str:
    """Blame the profile on whoever named it: the --profile flag, or the environment variable."""
    if aws.profile is not None:
        return f"--profile: {exc}"
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        if name := os.environ.get(variable):
            return (
                f"{variable}={safe_text(name, 80)}: {exc}; set {variable} to a profile of your AWS config "
                "(AWS_CONFIG_FILE or ~/.aws/config; `aws configure list-profiles` lists them), or unset it"
            )
    return f"AWS config: {exc}"


def resolve_regions(targets: Sequence[Target], pool: ClientPool) -> list[tuple[Target, str]]:
    """Each distinct target with the region it will be read in.

    The same (region, workspace, sync source) twice is one target, judged by the resolved region: a
    target without a region and the same one naming the default region are one. The first occurrence
    is kept as given (reports name it as the user did). No region, or a malformed one, is a
    configuration error, before any request.
    """
    seen: set[tuple[str, str, str]] = set()
    resolved: list[tuple[Target, str]] = []
    for target in targets:
        region = pool.region_for(target)
        if not region:
            raise GateConfigError(
                f"no region for {target.label()}: pass --region, set AWS_REGION, or give the target a region",
                setting="region",
            )
        if problem := check_region(region):
            where = "from AWS_REGION or the AWS config" if target.region is None else f"of {target.label()}"
            raise GateConfigError(f"region {safe_text(region, 40)!r} ({where}) {problem}")
        key = (region, target.workspace_id, target.sync_source)
        if key not in seen:
            seen.add(key)
            resolved.append((target, region))
    return resolved


class GateRun:
    """One gate run: one session, one client pool, one budget per region, one worker pool (see the
    module docstring). Thread-safe: waits may run on many threads at once."""

    def __init__(
        self,
        policy: WaitPolicy,
        aws: AwsSettings,
        *,
        pool: ClientPool | None = None,
        targets_hint: int | None = None,
    ) -> None:
        """Prepare: raises `GateConfigError` (an unknown profile) before any request. `targets_hint`:
        how many targets the run will see at most, when known, so it starts no idle worker threads."""
        self.policy = policy
        self.aws = aws
        self.pool = pool or open_pool(aws, policy)
        self.clock: Callable[[], float] = time.monotonic
        self.budgets = RegionBudgets(policy.max_rps, self.clock)
        workers = (
            policy.max_concurrency if targets_hint is None else min(policy.max_concurrency, targets_hint)
        )
        self._executor = DaemonExecutor(max(1, workers))
        self._lock = threading.Lock()  # boto3 sessions are not thread-safe: clients are made under it

    @classmethod
    def shared(cls, policy: WaitPolicy, aws: AwsSettings) -> GateRun:
        """This process's run for these settings, made on first use: every caller shares its budget."""
        with _SHARED_LOCK:
            run = _SHARED.get((policy, aws))
            if run is None:
                run = _SHARED[(policy, aws)] = cls(policy, aws)
            return run

    def resolve(self, targets: Sequence[Target]) -> list[tuple[Target, str]]:
        """Each distinct target with its region (`resolve_regions`), its region's client made."""
        with self._lock:
            resolved = resolve_regions(targets, self.pool)
            for region in sorted({region for _, region in resolved}):
                self.pool.client(region)
        return resolved

    def wait(
        self,
        targets: Sequence[Target],
        *,
        policy: WaitPolicy | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> RunResult:
        """Poll `targets` until each has a verdict, this wait's deadline (`timeout` from now), or
        `cancel`; every request spends the run's budget of its region.

        `policy` is this wait's (deadline, intervals, grace, `check_resources`, concurrency), the run's
        when None; its `max_rps` is ignored: the budget is the run's, shared by every wait."""
        resolved = self.resolve(targets)
        cancel = cancel or threading.Event()
        sleep = interruptible_sleep(cancel, self.clock)
        return Poller(
            resolved,
            policy or self.policy,
            BotoProbe(self.pool, self.budgets, sleep),
            clock=self.clock,
            sleep=sleep,
            executor=self._executor,
            budgets=self.budgets,
            rng=random.Random(),
            on_change=on_change,
            cancel=cancel,
            settle_seconds=self.aws.read_timeout,
        ).run()

    def look(
        self, target: Target, *, policy: WaitPolicy | None = None, cancel: threading.Event | None = None
    ) -> RunResult:
        """One read of `target`, now, without waiting for it to change: its verdict if the read gives
        one, else what the deadline would say (`timeout` for a job still CREATING, as `--timeout 0`;
        `not_found` for a job the read does not find).

        Unlike a zero-deadline `wait`, which skips a target whose region has no token at that instant,
        the read waits for a token of the run's budget (or `cancel`): many looks at once (a refresh)
        each get their one read, at the run's pace."""
        [(_, region)] = self.resolve([target])
        cancel = cancel or threading.Event()
        sleep = interruptible_sleep(cancel, self.clock)
        budget = self.budgets.of(region)
        while not cancel.is_set() and (delay := budget.reserve()) > 0:
            sleep(delay)
        return Poller(
            [(target, region)],
            # No grace either: a job the one read does not find is `not_found` (a refresh of a gate
            # whose job was deleted), not a job "still not ACTIVE".
            replace(policy or self.policy, timeout=0.0, not_found_grace=0.0),
            BotoProbe(self.pool, self.budgets, sleep),
            clock=self.clock,
            sleep=sleep,
            executor=self._executor,
            # The read's token came from the run's budget above: the loop's own budget holds one.
            budgets=RegionBudgets(1.0, self.clock),
            cancel=cancel,
            settle_seconds=self.aws.read_timeout,
        ).run()

    def submit(
        self,
        target: Target,
        *,
        policy: WaitPolicy | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: threading.Event | None = None,
        once: bool = False,
    ) -> Future[RunResult]:
        """Add one target while others wait: its own deadline (and `policy`, as in `wait`), the run's
        budget; with `once`, one `look` instead of a wait. The future holds its result (or the
        `GateConfigError` that kept it from starting). Waits on a daemon thread (`on_daemon_thread`)."""

        def work() -> RunResult:
            if once:
                return self.look(target, policy=policy, cancel=cancel)
            return self.wait([target], policy=policy, on_change=on_change, cancel=cancel)

        return on_daemon_thread(work, name=f"gate-{target.label()}")

    def close(self) -> None:
        """Let the worker threads go (they are daemons: nothing waits for them)."""
        self._executor.shutdown()

    def __enter__(self) -> GateRun:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


#: `GateRun.shared`'s runs, by settings: one per process for each (policy, AWS settings).
_SHARED: dict[tuple[WaitPolicy, AwsSettings], GateRun] = {}
_SHARED_LOCK = threading.Lock()


def wait_for_sync_jobs(
    targets: Sequence[Target],
    policy: WaitPolicy | None = None,
    *,
    aws: AwsSettings | None = None,
    on_change: Callable[[StateChange], None] | None = None,
    cancel: threading.Event | None = None,
    pool: ClientPool | None = None,
) -> RunResult:
    """Poll every target until each has a verdict, the policy's deadline passes, or `cancel` is set.

    Raises `GateConfigError` before any request when the run cannot start (no region, unknown profile).
    Never raises for what the service or the network does: that is in the verdicts.
    """
    with GateRun(policy or WaitPolicy(), aws or AwsSettings(), pool=pool, targets_hint=len(targets)) as run:
        return run.wait(targets, on_change=on_change, cancel=cancel)
