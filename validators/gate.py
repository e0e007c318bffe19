"""The library's front door: wait for sync jobs with real boto3 clients. The CLI and the Pulumi hook
both call `wait_for_sync_jobs`; everything it wires together is injectable for tests."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Sequence

import botocore.exceptions as bexc

from validators.aws import BotoProbe, ClientPool
from validators.aws_settings import AwsSettings, GateConfigError
from validators.executor import DaemonExecutor
from validators.loop import Poller
from validators.model import RunResult, StateChange, Target
from validators.names import check_region
from validators.ratelimit import RegionBudgets
from validators.sanitize import safe_text
from validators.wait_settings import WaitPolicy

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
                f"no region for {target.label()}: pass --region, set AWS_REGION, or give the target a region"
            )
        if problem := check_region(region):
            where = "from AWS_REGION or the AWS config" if target.region is None else f"of {target.label()}"
            raise GateConfigError(f"region {safe_text(region, 40)!r} ({where}) {problem}")
        key = (region, target.workspace_id, target.sync_source)
        if key not in seen:
            seen.add(key)
            resolved.append((target, region))
    return resolved


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
    policy = policy or WaitPolicy()
    aws = aws or AwsSettings()
    cancel = cancel or threading.Event()
    pool = pool or open_pool(aws, policy)
    resolved = resolve_regions(targets, pool)
    for region in sorted({region for _, region in resolved}):
        pool.client(region)  # created here, on one thread: boto3 sessions are not thread-safe
    clock = time.monotonic
    sleep = interruptible_sleep(cancel, clock)
    budgets = RegionBudgets(policy.max_rps, clock)  # TwinMaker's quotas are per account and region
    probe = BotoProbe(pool, budgets, sleep)
    executor = DaemonExecutor(max(1, min(policy.max_concurrency, len(resolved))))
    try:
        return Poller(
            resolved,
            policy,
            probe,
            clock=clock,
            sleep=sleep,
            executor=executor,
            budgets=budgets,
            rng=random.Random(),
            on_change=on_change,
            cancel=cancel,
            settle_seconds=aws.read_timeout,
        ).run()
    finally:
        executor.shutdown()
