"""Every fault, observed the way the gate will see it: through a real boto3 client."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from twinmaker_local import ScenarioError, load_scenario
from twinmaker_local.faults import CONTROL_MESSAGE

pytestmark = pytest.mark.http

JOB = {"workspaceId": "ws-1", "syncSource": "SITEWISE"}
SCENARIO = {
    "syncJobs": [
        {
            **JOB,
            "states": [
                {"at": 0, "state": "ERROR", "error": {"code": "SYNC_PROCESSING_ERROR", "message": "m"}}
            ],
        },
        {"workspaceId": "ws-2", "states": [{"at": 0, "state": "ACTIVE"}]},
    ]
}


@pytest.fixture
def ep(local_endpoint: Any) -> Any:
    return local_endpoint(SCENARIO)


@pytest.fixture
def raw_client(ep: Any, twinmaker_client: Any) -> Any:
    """A client that does not check shapes: these faults break the wire on purpose."""
    return twinmaker_client(ep, check_shapes=False)


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    return exc.value.response["Error"]["Code"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_throttle_token_bucket_answers_429_and_refills_with_the_clock(ep: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(ep)  # a throttle is a well-formed model error: shapes stay checked
    ep.set_faults([{"kind": "throttle", "ratePerSecond": 1, "burst": 2}])
    client.get_sync_job(**JOB)
    client.get_sync_job(**JOB)
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(**JOB)
    assert _error(exc) == ("ThrottlingException", 429)
    assert exc.value.response["Error"]["Message"] == "Rate exceeded"
    ep.clock.advance(1)
    client.get_sync_job(**JOB)
    assert (ep.stats.total, ep.stats.throttled, ep.stats.by_status[200]) == (4, 1, 3)


def test_500_is_a_json_internal_server_exception(ep: Any, twinmaker_client: Any) -> None:
    ep.set_faults([{"kind": "error", "status": 500}])
    with pytest.raises(ClientError) as exc:
        twinmaker_client(ep).get_sync_job(**JOB)
    assert _error(exc) == ("InternalServerException", 500)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_html_pages(ep: Any, raw_client: Any, status: int) -> None:
    ep.set_faults([{"kind": "error", "status": status}])
    with pytest.raises(ClientError) as exc:
        raw_client.get_sync_job(**JOB)
    assert _error(exc) == (str(status), status)  # no error type: botocore falls back to the status
    assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "text/html"


def test_json_service_unavailable_is_a_503_a_client_can_name(ep: Any, twinmaker_client: Any) -> None:
    ep.set_faults([{"kind": "error", "code": "ServiceUnavailable"}])
    with pytest.raises(ClientError) as exc:
        twinmaker_client(ep).get_sync_job(**JOB)  # shape-checked: a front-door error with a message
    assert _error(exc) == ("ServiceUnavailable", 503)
    assert exc.value.response["Error"]["Message"] == (
        "The request has failed due to a temporary failure of the server."
    )
    assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/json"
    assert ep.stats.by_error["ServiceUnavailable"] == 1


def test_internal_server_exception_by_code_is_the_model_500(ep: Any, twinmaker_client: Any) -> None:
    ep.set_faults([{"kind": "error", "code": "InternalServerException", "message": "boom"}])
    with pytest.raises(ClientError) as exc:
        twinmaker_client(ep).list_sync_jobs(workspaceId="ws-1")
    assert _error(exc) == ("InternalServerException", 500)
    assert exc.value.response["Error"]["Message"] == "boom"


def test_a_4xx_fault_sends_a_model_error_with_the_models_status(ep: Any, twinmaker_client: Any) -> None:
    ep.set_faults(
        [
            {
                "kind": "error",
                "code": "ValidationException",
                "message": "The sync source SITEWISE is not enabled for workspace ws-1.",
                "operations": ["GetSyncJob"],
                "times": 1,
            }
        ]
    )
    client = twinmaker_client(ep)  # a well-formed model error: shapes stay checked
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(**JOB)
    assert _error(exc) == ("ValidationException", 400)
    assert (
        exc.value.response["Error"]["Message"]
        == "The sync source SITEWISE is not enabled for workspace ws-1."
    )
    headers = exc.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"] == "ValidationException"  # a model error: no Coral suffix
    assert client.get_sync_job(**JOB)["status"]["state"] == "ERROR"  # `times` spent


def test_an_error_code_outside_the_model_needs_a_status_and_gets_the_coral_suffix(
    ep: Any, raw_client: Any
) -> None:
    ep.set_faults([{"kind": "error", "code": "RequestTimeoutException", "status": 408}])
    with pytest.raises(ClientError) as exc:
        raw_client.get_sync_job(**JOB)
    assert _error(exc) == ("RequestTimeoutException", 408)
    assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"].startswith(
        "RequestTimeoutException:http://internal.amazon.com/coral/"
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"kind": "error", "code": "ValidationException", "status": 503}, "ValidationException is HTTP 400"),
        ({"kind": "error", "code": "TeapotException"}, "required for TeapotException, which is not an error"),
        ({"kind": "error", "code": "Bad Code"}, "must be an error code like ValidationException"),
        ({"kind": "error", "code": "X", "status": 302}, "must be an error status (400-599), not 302"),
        ({"kind": "error", "status": 404}, "must be one of (500, 502, 503, 504) (or give a 'code'"),
        ({"kind": "error", "message": "m"}, "faults[0].message: only together with 'code'"),
    ],
)
def test_bad_error_rules_are_refused_with_one_line(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario({"faults": [rule]})
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_fault_limited_by_times_then_service_recovers(ep: Any, raw_client: Any) -> None:
    ep.set_faults([{"kind": "error", "status": 503, "times": 2}])
    for _ in range(2):
        with pytest.raises(ClientError):
            raw_client.get_sync_job(**JOB)
    assert raw_client.get_sync_job(**JOB)["status"]["state"] == "ERROR"


def test_fault_limited_to_operations_and_workspaces(ep: Any, raw_client: Any) -> None:
    ep.set_faults([{"kind": "error", "status": 500, "operations": ["GetSyncJob"], "workspaces": ["ws-2"]}])
    raw_client.get_sync_job(**JOB)
    raw_client.list_sync_jobs(workspaceId="ws-2")
    with pytest.raises(ClientError):
        raw_client.get_sync_job(workspaceId="ws-2", syncSource="SITEWISE")


def test_latency_past_the_read_timeout_is_a_read_timeout(ep: Any, twinmaker_client: Any) -> None:
    ep.set_faults([{"kind": "latency", "seconds": 0.5}])
    client = twinmaker_client(ep, read_timeout=0.1)
    start = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        client.get_sync_job(**JOB)
    assert time.monotonic() - start < 0.45


def test_latency_below_the_read_timeout_only_slows_down(ep: Any, twinmaker_client: Any) -> None:
    ep.set_faults([{"kind": "latency", "seconds": 0.05, "jitter": 0.05}])
    start = time.monotonic()
    twinmaker_client(ep).get_sync_job(**JOB)
    assert 0.05 <= time.monotonic() - start < 1


def test_dropped_connection_is_a_connection_error(ep: Any, raw_client: Any) -> None:
    ep.set_faults([{"kind": "drop"}])
    with pytest.raises(ConnectionClosedError):
        raw_client.get_sync_job(**JOB)
    assert (ep.stats.dropped, sum(ep.stats.by_status.values())) == (1, 0)


def test_deny_workspace_is_403_access_denied(ep: Any, twinmaker_client: Any) -> None:
    ep.set_faults([{"kind": "deny", "workspaces": ["ws-1"]}])
    client = twinmaker_client(ep)
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(**JOB)
    assert _error(exc) == ("AccessDeniedException", 403)
    assert (
        "iottwinmaker:GetSyncJob on resource: arn:aws:iottwinmaker:us-east-1:123456789012:workspace/ws-1"
        in (exc.value.response["Error"]["Message"])
    )
    client.get_sync_job(workspaceId="ws-2", syncSource="SITEWISE")


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("expired", "ExpiredTokenException", "The security token included in the request is expired"),
        (
            "unrecognized",
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
    ],
)
def test_scripted_bad_credentials_are_403(
    local_endpoint: Any, twinmaker_client: Any, kind: str, code: str, message: str
) -> None:
    ep = local_endpoint({**SCENARIO, "credentials": {kind: ["AKIABAD"]}})
    with pytest.raises(ClientError) as exc:
        twinmaker_client(ep, access_key_id="AKIABAD").get_sync_job(**JOB)
    assert _error(exc) == (code, 403)
    assert exc.value.response["Error"]["Message"] == message
    twinmaker_client(ep).get_sync_job(**JOB)  # other keys still work
    ep.set_credentials("AKIABAD", None)
    twinmaker_client(ep, access_key_id="AKIABAD").get_sync_job(**JOB)


@pytest.mark.parametrize("body", ["json", "html"])
def test_malformed_200_body_parses_to_an_empty_result(ep: Any, raw_client: Any, body: str) -> None:
    # botocore does not raise on a 200 body it cannot parse: the caller gets no `status` at all.
    ep.set_faults([{"kind": "malformed", "body": body}])
    result = raw_client.get_sync_job(**JOB)
    assert "status" not in result
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_wrong_shape_missing_status(ep: Any, raw_client: Any) -> None:
    ep.set_faults([{"kind": "wrong-shape", "variant": "missing-status"}])
    result = raw_client.get_sync_job(**JOB)
    assert "status" not in result
    assert result["workspaceId"] == "ws-1"


@pytest.mark.parametrize(
    ("variant", "error"),
    [("wrong-types", AttributeError), ("bad-timestamp", ValueError), ("non-utf8", UnicodeDecodeError)],
)
def test_wrong_shapes_that_botocore_cannot_parse_raise_raw_exceptions(
    ep: Any, raw_client: Any, variant: str, error: type[Exception]
) -> None:
    # Not ClientError: a caller that only catches botocore's exceptions crashes on these.
    ep.set_faults([{"kind": "wrong-shape", "variant": variant}])
    with pytest.raises(error):
        raw_client.get_sync_job(**JOB)


def test_huge_and_control_character_messages_reach_the_caller_unchanged(ep: Any, raw_client: Any) -> None:
    ep.set_faults([{"kind": "wrong-shape", "variant": "huge-message", "size": 100_000, "times": 1}])
    assert raw_client.get_sync_job(**JOB)["status"]["error"]["message"] == "x" * 100_000
    ep.set_faults([{"kind": "wrong-shape", "variant": "control-chars"}])
    assert raw_client.get_sync_job(**JOB)["status"]["error"]["message"] == CONTROL_MESSAGE


def test_unknown_member_is_ignored_by_botocore_but_caught_by_the_shape_check(
    ep: Any, twinmaker_client: Any
) -> None:
    ep.set_faults([{"kind": "wrong-shape", "variant": "unknown-member"}])
    assert "someFutureMember" not in twinmaker_client(ep, check_shapes=False).get_sync_job(**JOB)
    with pytest.raises(AssertionError, match=r"\$\.someFutureMember: not a member of GetSyncJobResponse"):
        twinmaker_client(ep).get_sync_job(**JOB)


def _outcomes(local_endpoint: Any, twinmaker_client: Any, seed: int) -> list[str]:
    ep = local_endpoint(SCENARIO, seed=seed)
    ep.set_faults([{"kind": "error", "status": 500, "probability": 0.5}])
    client = twinmaker_client(ep)
    out = []
    for _ in range(24):
        try:
            client.get_sync_job(**JOB)
            out.append("ok")
        except ClientError:
            out.append("500")
    return out


def test_faults_are_deterministic_under_a_seed(local_endpoint: Any, twinmaker_client: Any) -> None:
    first = _outcomes(local_endpoint, twinmaker_client, seed=7)
    assert first == _outcomes(local_endpoint, twinmaker_client, seed=7)
    assert first != _outcomes(local_endpoint, twinmaker_client, seed=8)
    assert 4 < first.count("500") < 20  # the probability is honoured, roughly
