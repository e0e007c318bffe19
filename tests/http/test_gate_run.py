"""`GateRun`: one prepared run (one session, one budget per region) that many waits share, at once or
one after another; what the SyncJobGate plugin's Creates rely on (one budget per plugin process)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import LocalEndpoint
from validators.aws_settings import AwsSettings
from validators.gate import GateRun
from validators.model import Outcome, Target
from validators.wait_settings import WaitPolicy

pytestmark = pytest.mark.http

REGION = "us-east-1"
CREATING = {"states": [{"at": 0, "state": "CREATING"}]}


def _scenario(count: int) -> dict[str, Any]:
    return {
        "region": REGION,
        "timelines": {"creating": CREATING},
        "syncJobs": [{"workspaceId": f"plant-{i}", "timeline": "creating"} for i in range(count)],
    }


def test_waits_submitted_at_different_times_share_one_request_budget(local_endpoint: LocalEndpoint) -> None:
    # Four jobs that stay CREATING (the endpoint's clock stands still), each polled as often as the
    # policy allows, four waits at once on one run with a budget of 4 requests per second.
    endpoint = local_endpoint(_scenario(4))
    policy = WaitPolicy(timeout=2.0, min_interval=0.05, max_interval=0.05, max_rps=4)
    run = GateRun(policy, AwsSettings(region=REGION, endpoint_url=endpoint.url))
    started = time.monotonic()
    futures = []
    for i in range(4):
        futures.append(run.submit(Target(f"plant-{i}", "SITEWISE", None)))
        time.sleep(0.1)  # added while the others already wait
    results = [future.result(timeout=30) for future in futures]
    elapsed = time.monotonic() - started
    run.close()
    assert [r.jobs[0].outcome for r in results] == [Outcome.TIMEOUT] * 4  # each had its own deadline
    requests = endpoint.stats.snapshot()["byOperation"]["GetSyncJob"]
    # One budget: at most its rate over the run, plus its burst and a last look per job. Four budgets
    # (a run per wait) would allow about four times as many.
    assert requests <= 4 * elapsed + 4 + 4, (requests, elapsed)
    assert requests >= 3 * elapsed  # the budget, not the jobs, set the pace: it was (nearly) all spent


def test_the_shared_run_is_one_per_process_and_settings(local_endpoint: LocalEndpoint) -> None:
    endpoint = local_endpoint(_scenario(1))
    aws = AwsSettings(region=REGION, endpoint_url=endpoint.url)
    first = GateRun.shared(WaitPolicy(timeout=1.0), aws)
    assert GateRun.shared(WaitPolicy(timeout=1.0), aws) is first
    assert GateRun.shared(WaitPolicy(timeout=2.0), aws) is not first


def test_a_target_that_cannot_start_reports_through_its_future(local_endpoint: LocalEndpoint) -> None:
    endpoint = local_endpoint(_scenario(1))
    run = GateRun(WaitPolicy(timeout=1.0), AwsSettings(region=None, endpoint_url=endpoint.url))
    future = run.submit(Target("plant-0", "SITEWISE", "not a region!"))
    with pytest.raises(Exception, match="region"):
        future.result(timeout=10)


def test_each_wait_may_bring_its_own_policy_on_the_runs_budget(local_endpoint: LocalEndpoint) -> None:
    # What the SyncJobGate plugin does: one run (one budget), a timeout per gate.
    endpoint = local_endpoint(_scenario(2))
    run = GateRun(
        WaitPolicy(timeout=30.0, min_interval=0.05, max_interval=0.05),
        AwsSettings(region=REGION, endpoint_url=endpoint.url),
    )
    short = run.submit(
        Target("plant-0", "SITEWISE", None),
        policy=WaitPolicy(timeout=0.3, min_interval=0.05, max_interval=0.05),
    )
    longer = run.submit(
        Target("plant-1", "SITEWISE", None),
        policy=WaitPolicy(timeout=1.0, min_interval=0.05, max_interval=0.05),
    )
    first, second = short.result(timeout=30), longer.result(timeout=30)
    run.close()
    assert first.jobs[0].outcome is Outcome.TIMEOUT and second.jobs[0].outcome is Outcome.TIMEOUT
    assert first.elapsed_seconds < 0.9 <= second.elapsed_seconds  # each its own deadline, not the run's 30 s


def test_looks_at_once_each_get_their_one_read(local_endpoint: LocalEndpoint) -> None:
    # A refresh: several one-shot reads at once on a fresh run (one token at start) all read once.
    endpoint = local_endpoint(_scenario(3))
    run = GateRun(WaitPolicy(max_rps=20), AwsSettings(region=REGION, endpoint_url=endpoint.url))
    futures = [run.submit(Target(f"plant-{i}", "SITEWISE", None), once=True) for i in range(3)]
    results = [future.result(timeout=30) for future in futures]
    run.close()
    assert [(r.jobs[0].state, r.jobs[0].polls) for r in results] == [("CREATING", 1)] * 3
    assert [r.jobs[0].outcome for r in results] == [Outcome.TIMEOUT] * 3  # `--timeout 0`'s word
    assert endpoint.stats.snapshot()["byOperation"]["GetSyncJob"] == 3


def test_a_look_at_a_job_that_is_not_there_is_not_found_not_a_timeout(local_endpoint: LocalEndpoint) -> None:
    # A refresh of a gate whose job is gone (its workspace still there): one read, no grace.
    hidden = {"states": [{"at": 0, "state": "CREATING"}], "notFound": [[0, 600]]}
    endpoint = local_endpoint(
        {
            "region": REGION,
            "timelines": {"hidden": hidden},
            "syncJobs": [{"workspaceId": "plant-0", "timeline": "hidden"}],
        }
    )
    run = GateRun(WaitPolicy(max_rps=20), AwsSettings(region=REGION, endpoint_url=endpoint.url))
    result = run.submit(Target("plant-0", "SITEWISE", None), once=True).result(timeout=30)
    run.close()
    assert result.jobs[0].outcome is Outcome.NOT_FOUND
