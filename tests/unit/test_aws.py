"""The boto3 adapter: botocore's Stubber checks our requests and the canned responses against the
service model; the exception table turns every failure into the right observation kind."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import botocore.exceptions as bexc
import pytest
from botocore.parsers import ResponseParserError
from botocore.stub import Stubber

from validators.aws import (
    BotoProbe,
    ClientPool,
    client_config,
    mark_unreached,
    no_credentials_observation,
    observation_from_exception,
)
from validators.aws_settings import AwsSettings
from validators.model import ResourceError, ServiceError, Target
from validators.observation import ObservationKind

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
ARN = "arn:aws:iottwinmaker:eu-west-1:123456789012:workspace/plant-a/sync-job/SITEWISE"
TARGET = Target("plant-a")


pytestmark = pytest.mark.usefixtures("aws_env")  # dummy credentials; no AWS config is read


def client_error(code: str, status: int, message: str = "m", retries: int = 0) -> bexc.ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "RetryAttempts": retries},
    }
    return bexc.ClientError(response, "GetSyncJob")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (client_error("ResourceNotFoundException", 404), ObservationKind.NOT_FOUND),
        (client_error("AccessDeniedException", 403), ObservationKind.DENIED),
        (client_error("UnrecognizedClientException", 403), ObservationKind.DENIED),
        (client_error("ExpiredTokenException", 403), ObservationKind.DENIED),
        (client_error("InvalidSignatureException", 403), ObservationKind.DENIED),
        (client_error("SomethingForbidden", 403), ObservationKind.DENIED),
        (client_error("ValidationException", 400), ObservationKind.INVALID),
        (client_error("ConflictException", 409), ObservationKind.INVALID),
        (client_error("ThrottlingException", 429), ObservationKind.TRANSIENT),
        (client_error("ServiceQuotaExceededException", 402), ObservationKind.TRANSIENT),
        (client_error("InternalServerException", 500), ObservationKind.TRANSIENT),
        (client_error("503", 503), ObservationKind.TRANSIENT),
        (client_error("BrandNewServerFault", 502), ObservationKind.TRANSIENT),
        (bexc.NoCredentialsError(), ObservationKind.DENIED),
        (
            bexc.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
            ObservationKind.DENIED,
        ),
        (bexc.EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), ObservationKind.TRANSIENT),
        (bexc.ConnectionClosedError(endpoint_url="http://x"), ObservationKind.TRANSIENT),
        (bexc.ReadTimeoutError(endpoint_url="http://x"), ObservationKind.TRANSIENT),
        (ResponseParserError("not json"), ObservationKind.TRANSIENT),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_every_failure_becomes_an_observation(exc: Exception, kind: ObservationKind) -> None:
    observation = observation_from_exception(exc)
    assert observation.kind is kind
    assert observation.error is not None and observation.error.code


def test_service_error_keeps_code_message_and_counts_botocore_retries() -> None:
    observation = observation_from_exception(
        client_error("ThrottlingException", 429, "Rate exceeded", retries=2)
    )
    assert observation.error == ServiceError("ThrottlingException", "Rate exceeded")
    assert observation.requests == 3


def test_a_bug_is_not_swallowed_as_a_service_error() -> None:
    with pytest.raises(ZeroDivisionError):
        observation_from_exception(ZeroDivisionError())


def make_probe() -> tuple[BotoProbe, Stubber]:
    pool = ClientPool(AwsSettings(region="eu-west-1"))
    client = pool.client("eu-west-1")
    return BotoProbe(pool), Stubber(client)


def sync_job(state: str, error: dict[str, str] | None = None) -> dict[str, object]:
    status: dict[str, object] = {"state": state}
    if error:
        status["error"] = error
    return {
        "arn": ARN,
        "workspaceId": "plant-a",
        "syncSource": "SITEWISE",
        "syncRole": "arn:aws:iam::123456789012:role/sync",
        "status": status,
        "creationDateTime": NOW,
        "updateDateTime": NOW,
    }


def test_get_sync_job_reads_state_and_arn_through_the_model() -> None:
    probe, stubber = make_probe()
    stubber.add_response(
        "get_sync_job", sync_job("ACTIVE"), {"workspaceId": "plant-a", "syncSource": "SITEWISE"}
    )
    with stubber:
        observation = probe.get_sync_job(TARGET, "eu-west-1")
    stubber.assert_no_pending_responses()
    assert (observation.kind, observation.state, observation.arn, observation.error) == (
        ObservationKind.STATE,
        "ACTIVE",
        ARN,
        None,
    )


def test_get_sync_job_carries_the_jobs_error_exactly_as_sent() -> None:
    probe, stubber = make_probe()
    error = {"code": "SYNC_CREATING_ERROR", "message": "Role arn:aws:iam::1:role/x cannot be assumed"}
    stubber.add_response("get_sync_job", sync_job("ERROR", error))
    with stubber:
        observation = probe.get_sync_job(TARGET, "eu-west-1")
    assert observation.state == "ERROR"
    assert observation.error == ServiceError(error["code"], error["message"])


def test_get_sync_job_not_found_is_data() -> None:
    probe, stubber = make_probe()
    stubber.add_client_error("get_sync_job", "ResourceNotFoundException", "no such job", 404)
    with stubber:
        observation = probe.get_sync_job(TARGET, "eu-west-1")
    assert observation.kind is ObservationKind.NOT_FOUND


def resources(*items: tuple[str, str], token: str | None = None) -> dict[str, object]:
    page: dict[str, object] = {
        "syncResources": [
            {
                "resourceType": "ENTITY",
                "externalId": ext,
                "resourceId": f"id-{ext}",
                "status": {"state": "ERROR", "error": {"code": code, "message": f"{ext} failed"}},
                "updateDateTime": NOW,
            }
            for ext, code in items
        ]
    }
    if token:
        page["nextToken"] = token
    return page


def test_resource_errors_are_paged_by_hand_with_the_state_filter() -> None:
    probe, stubber = make_probe()
    base = {
        "workspaceId": "plant-a",
        "syncSource": "SITEWISE",
        "filters": [{"state": "ERROR"}],
        "maxResults": 101,
    }
    stubber.add_response("list_sync_resources", resources(("a1", "PROCESSING_ERROR"), token="t2"), base)
    stubber.add_response(
        "list_sync_resources",
        resources(("a2", "SYNC_PROCESSING_ERROR")),
        {**base, "maxResults": 100, "nextToken": "t2"},
    )
    with stubber:
        listing = probe.list_resource_errors(TARGET, "eu-west-1", cap=100)
    stubber.assert_no_pending_responses()
    assert listing.errors == (
        ResourceError("ENTITY", "a1", "id-a1", "PROCESSING_ERROR", "a1 failed"),
        ResourceError("ENTITY", "a2", "id-a2", "SYNC_PROCESSING_ERROR", "a2 failed"),
    )
    assert listing.truncated is False and listing.failure is None and listing.requests == 2


def test_resource_listing_is_capped_and_says_so() -> None:
    probe, stubber = make_probe()
    stubber.add_response(
        "list_sync_resources", resources(("a1", "E"), ("a2", "E"), ("a3", "E"), token="more")
    )
    with stubber:
        listing = probe.list_resource_errors(TARGET, "eu-west-1", cap=2)
    assert [r.external_id for r in listing.errors] == ["a1", "a2"]
    assert listing.truncated is True


def test_a_listing_that_fails_midway_keeps_what_it_read() -> None:
    probe, stubber = make_probe()
    stubber.add_response("list_sync_resources", resources(("a1", "E"), token="t2"))
    stubber.add_client_error("list_sync_resources", "AccessDeniedException", "no", 403)
    with stubber:
        listing = probe.list_resource_errors(TARGET, "eu-west-1", cap=100)
    assert [r.external_id for r in listing.errors] == ["a1"]
    assert listing.failure is not None and listing.failure.kind is ObservationKind.DENIED


def prefix_for(settings: AwsSettings) -> bool:
    return bool(ClientPool(settings).client("eu-west-1").meta.config.inject_host_prefix)


def test_the_api_host_prefix_is_kept_for_aws_and_dropped_for_any_other_endpoint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert prefix_for(AwsSettings()) is True
    assert prefix_for(AwsSettings(endpoint_url="https://iottwinmaker.eu-west-1.amazonaws.com")) is True
    assert prefix_for(AwsSettings(endpoint_url="http://127.0.0.1:4566")) is False
    monkeypatch.setenv("AWS_ENDPOINT_URL_IOTTWINMAKER", "http://localhost:4566")
    assert prefix_for(AwsSettings()) is False
    monkeypatch.delenv("AWS_ENDPOINT_URL_IOTTWINMAKER")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    assert prefix_for(AwsSettings()) is False
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")  # botocore then calls AWS itself
    assert prefix_for(AwsSettings()) is True
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    config = tmp_path / "config"
    config.write_text("[profile local]\nendpoint_url = http://127.0.0.1:4566\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert prefix_for(AwsSettings(profile="local")) is False


def test_retries_are_botocores_standard_mode_with_bounded_timeouts() -> None:
    config = client_config(AwsSettings(), 8)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert (config.connect_timeout, config.read_timeout) == (5.0, 10.0)


def test_one_client_per_region_shared_across_threads() -> None:
    pool = ClientPool(AwsSettings(region="eu-west-1"))
    seen: list[object] = []

    def grab() -> None:
        seen.append(pool.client("eu-west-1"))
        seen.append(pool.client("us-east-1"))

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 2
    assert pool.client("us-east-1").meta.region_name == "us-east-1"


def test_aws_region_is_honoured_between_the_flag_and_botocores_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    assert ClientPool(AwsSettings()).default_region == "ap-south-1"
    assert ClientPool(AwsSettings(region="us-west-2")).default_region == "us-west-2"
    monkeypatch.delenv("AWS_REGION")
    assert ClientPool(AwsSettings()).default_region == "eu-north-1"


def test_resolve_regions_keeps_the_first_of_each_resolved_region_workspace_source() -> None:
    from validators.gate import resolve_regions

    pool = ClientPool(AwsSettings(region="eu-west-1"))
    a = Target("plant-a")
    a_eu = Target("plant-a", region="eu-west-1")  # the default region, named: the same target as `a`
    a_us = Target("plant-a", region="us-east-1")
    a_other = Target("plant-a", "OTHER")
    b = Target("plant-b")
    resolved = resolve_regions([b, a, a_eu, b, a_other, a_us, a], pool)
    assert resolved == [(b, "eu-west-1"), (a, "eu-west-1"), (a_other, "eu-west-1"), (a_us, "us-east-1")]
    assert resolve_regions([], pool) == []


# --- early answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "unreached"),
    [
        (bexc.EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),  # refused, DNS
        (bexc.ConnectTimeoutError(endpoint_url="http://10.0.0.1"), True),  # a black-holed route
        (bexc.ProxyConnectionError(proxy_url="http://proxy:3128", error="refused"), True),
        (bexc.SSLError(endpoint_url="https://x", error="bad certificate"), True),
        (bexc.ConnectionClosedError(endpoint_url="http://x"), False),  # something answered, then closed
        (bexc.ReadTimeoutError(endpoint_url="http://x"), False),  # connected; the answer was slow
        (client_error("InternalServerException", 500), False),
        (client_error("ThrottlingException", 429), False),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_only_requests_that_reach_no_endpoint_are_marked_unreached(exc: Exception, unreached: bool) -> None:
    assert mark_unreached(exc, observation_from_exception(exc)).unreached is unreached


@pytest.mark.parametrize(
    ("answer", "exists"),
    [
        ({"service_error_code": "ResourceNotFoundException", "http_status_code": 404}, False),
        ({"service_error_code": "AccessDeniedException", "http_status_code": 403}, None),
        ({"service_error_code": "InternalServerException", "http_status_code": 500}, None),
    ],
)
def test_workspace_exists_is_false_only_when_the_service_says_not_found(
    answer: dict[str, object], exists: bool | None
) -> None:
    probe, stubber = make_probe()
    stubber.add_client_error("get_workspace", expected_params={"workspaceId": "plant-a"}, **answer)  # type: ignore[arg-type]
    with stubber:
        assert probe.workspace_exists(TARGET, "eu-west-1") is exists


def test_workspace_exists_when_get_workspace_answers() -> None:
    probe, stubber = make_probe()
    response = {
        "workspaceId": "plant-a", "arn": "arn:aws:iottwinmaker:eu-west-1:123456789012:workspace/plant-a",
        "s3Location": "arn:aws:s3:::b", "role": "arn:aws:iam::123456789012:role/r",
        "creationDateTime": NOW, "updateDateTime": NOW,
    }  # fmt: skip
    stubber.add_response("get_workspace", response, {"workspaceId": "plant-a"})
    with stubber:
        assert probe.workspace_exists(TARGET, "eu-west-1") is True


def test_missing_credentials_name_the_sources_tried_and_where_to_set_them_up() -> None:
    observation = no_credentials_observation(["env", "assume-role-with-web-identity", "iam-role"], "ci")
    assert observation.kind is ObservationKind.DENIED
    assert observation.error is not None and observation.error.code == "NoCredentialsError"
    message = observation.error.message
    # What to do comes first, so a report that cuts the message never cuts it; what was tried last.
    assert message.startswith("no AWS credentials found for profile 'ci'. Locally, set AWS_PROFILE")
    assert message.index("OIDC") < message.index("Tried: ")
    assert message.endswith(
        "Tried: environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), web identity "
        "(AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), EC2 instance metadata."
    )


def test_the_pool_lists_botocores_credential_sources_in_order() -> None:
    sources = ClientPool(AwsSettings(region="eu-west-1")).credential_sources()
    assert sources[0] == "env" and "iam-role" in sources and "sso" in sources
