"""`GateRun`: one prepared run (one session, one budget per region) that many waits share, at once or
one after another; what a `pulumi up` with a hook per SyncJob relies on (one budget per update)."""

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
