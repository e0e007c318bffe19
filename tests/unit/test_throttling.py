"""Throttling seen per HTTP attempt: a real boto3 client with botocore's standard retries, whose HTTP
layer is a scripted wire (a `before-send` handler answering each attempt), so botocore's own retry
decisions, parsing and events run as in production and nothing leaves the process.

botocore sleeps between retries (its jitter cannot be injected): at most 50 ms after a 5xx in these
tests, and up to 1 s in the one test that needs botocore to retry a 429.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import botocore.exceptions as bexc
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from tests.fakes import FakeClock
from validators.aws import BotoProbe, ClientPool
from validators.aws_settings import AwsSettings
from validators.model import Target
from validators.observation import ObservationKind
from validators.ratelimit import RegionBudgets
from validators.throttling import is_throttling

REGION = "eu-west-1"
ACTIVE_BODY = {
    "arn": "arn:aws:iottwinmaker:eu-west-1:123456789012:workspace/plant-a/sync-job/SITEWISE",
    "workspaceId": "plant-a",
    "syncSource": "SITEWISE",
    "syncRole": "arn:aws:iam::123456789012:role/sync",
    "status": {"state": "ACTIVE"},
    "creationDateTime": 1764000000,
    "updateDateTime": 1764000000,
}


pytestmark = pytest.mark.usefixtures("aws_env")  # dummy credentials; no AWS config is read


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_kwargs: object) -> Iterator[bytes]:
        yield self._body


#: What the wire does with one attempt: (HTTP status, error code) to answer, or an exception to raise.
Answer = tuple[int, str | None] | Exception


@dataclass
class Wire:
    """Answers attempts in order from `script`, then ACTIVE; notes the budget's rate as each is sent."""

    script: list[Answer]
    budgets: RegionBudgets
    rates_at_send: list[float] = field(default_factory=list)

    def __call__(self, request: AWSPreparedRequest, **_kwargs: object) -> AWSResponse:
        self.rates_at_send.append(self.budgets.of(REGION).rate)
        answer = self.script.pop(0) if self.script else (200, None)
        if isinstance(answer, Exception):
            raise answer
        status, code = answer
        headers = {"content-type": "application/json"}
        if code is None:
            body = json.dumps(ACTIVE_BODY if status == 200 else {}).encode()
        else:
            headers["x-amzn-ErrorType"] = code
            body = json.dumps({"message": f"{code} for the test"}).encode()
        return AWSResponse(request.url, status, headers, _Raw(body))


def probe_on_wire(script: list[Answer], max_rps: float = 10.0) -> tuple[BotoProbe, Wire, RegionBudgets]:
    budgets = RegionBudgets(max_rps, FakeClock())
    pool = ClientPool(AwsSettings(region=REGION, endpoint_url="http://127.0.0.1:1"))
    wire = Wire(script, budgets)
    pool.client(REGION).meta.events.register("before-send.iottwinmaker", wire)
    return BotoProbe(pool, budgets), wire, budgets


@pytest.mark.parametrize(
    "first",
    [
        (500, "InternalServerException"),
        (500, None),
        (502, None),
        (503, None),
        (504, None),
        bexc.ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        bexc.ConnectionClosedError(endpoint_url="http://127.0.0.1:1"),
    ],
    ids=str,
)
def test_a_retried_5xx_timeout_or_reset_leaves_the_rate_untouched(first: Answer) -> None:
    """Every request first gets a 5xx (or a timeout, a reset): botocore retries it, the retry is
    charged to the budget, and the rate stays where it was: the quota was never the problem."""
    probe, wire, budgets = probe_on_wire([])
    target = Target("plant-a")
    for _ in range(3):
        wire.script.append(first)
        observation = probe.get_sync_job(target, REGION)
        assert (observation.kind, observation.state, observation.requests) == (
            ObservationKind.STATE,
            "ACTIVE",
            2,
        )
    budget = budgets.of(REGION)
    assert budget.rate == budget.max_rate == 10.0
    assert budget.spent == 3  # the three retries; the first attempts were the loop's to pay
    assert wire.rates_at_send == [10.0] * 6


def test_a_429_lowers_the_rate_before_botocore_sends_the_retry() -> None:
    probe, wire, budgets = probe_on_wire([(429, "ThrottlingException")])
    observation = probe.get_sync_job(Target("plant-a"), REGION)
    assert observation.state == "ACTIVE" and observation.requests == 2
    assert wire.rates_at_send == [10.0, 5.0]  # learned from the attempt, not from the call's end
    assert budgets.of(REGION).spent == 1


@pytest.mark.parametrize(
    "answer",
    [(402, "ServiceQuotaExceededException")],
    ids=str,
)
def test_throttling_botocore_does_not_retry_still_lowers_the_rate(answer: tuple[int, str]) -> None:
    """TwinMaker's 402 quota error is not retried by botocore (it ends the call), but it is the
    account's quota speaking: the run backs off."""
    probe, wire, budgets = probe_on_wire([answer])
    observation = probe.get_sync_job(Target("plant-a"), REGION)
    assert observation.kind is ObservationKind.TRANSIENT
    assert observation.error is not None and observation.error.code == answer[1]
    assert len(wire.rates_at_send) == 1
    assert budgets.of(REGION).rate == 5.0


def test_regions_keep_separate_budgets() -> None:
    budgets = RegionBudgets(10, FakeClock())
    budgets.of("eu-west-1").on_throttled()
    assert (budgets.of("eu-west-1").rate, budgets.of("us-east-1").rate) == (5.0, 10.0)
    assert budgets.of("eu-west-1") is budgets.of("eu-west-1")


@pytest.mark.parametrize(
    ("code", "status", "throttling"),
    [
        ("ThrottlingException", 429, True),
        ("ThrottlingException", 400, True),  # botocore's list of codes, whatever the status
        ("TooManyRequestsException", 400, True),
        ("ServiceQuotaExceededException", 402, True),  # TwinMaker's quota error, not in botocore's list
        ("Whatever", 429, True),
        ("InternalServerException", 500, False),
        ("ServiceUnavailable", 503, False),
        ("ValidationException", 400, False),
        ("", 0, False),
    ],
)
def test_what_counts_as_throttling(code: str, status: int, throttling: bool) -> None:
    assert is_throttling(code, status) is throttling
