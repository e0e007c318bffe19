"""Regions come from the request's SigV4 credential scope: each region keeps its own workspaces and
jobs, and every ARN carries the region (and its partition). Unsigned or badly signed requests get the
front door's errors, as botocore parses them."""

from __future__ import annotations

from typing import Any

import pytest
import urllib3
from botocore.exceptions import ClientError

from tests.endpoint.conftest import ROLE
from twinmaker_local import ScenarioError, load_scenario

pytestmark = pytest.mark.http

ACCOUNT = "123456789012"


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Message"]


def test_a_workspace_created_in_one_region_is_not_found_in_another(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint()
    ireland = twinmaker_client(ep, region="eu-west-1")
    virginia = twinmaker_client(ep, region="us-east-1")

    created = ireland.create_workspace(workspaceId="plant-a")
    assert created["arn"] == f"arn:aws:iottwinmaker:eu-west-1:{ACCOUNT}:workspace/plant-a"
    job = ireland.create_sync_job(workspaceId="plant-a", syncSource="SITEWISE", syncRole=ROLE)
    assert job["arn"] == f"arn:aws:iottwinmaker:eu-west-1:{ACCOUNT}:workspace/plant-a/sync-job/SITEWISE"

    with pytest.raises(ClientError) as exc:
        virginia.get_workspace(workspaceId="plant-a")
    assert _error(exc)[:2] == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as exc:
        virginia.get_sync_job(workspaceId="plant-a", syncSource="SITEWISE")
    assert _error(exc)[:2] == ("ResourceNotFoundException", 404)
    assert virginia.list_workspaces()["workspaceSummaries"] == []

    # The same ID is free in the other region, with its own ARN.
    assert virginia.create_workspace(workspaceId="plant-a")["arn"] == (
        f"arn:aws:iottwinmaker:us-east-1:{ACCOUNT}:workspace/plant-a"
    )
    assert ireland.get_sync_job(workspaceId="plant-a", syncSource="SITEWISE")["arn"] == job["arn"]
    assert ep.stats.by_region == {"eu-west-1": 3, "us-east-1": 4}
    assert ep.store.counts("eu-west-1") == {"workspaces": 1, "syncJobs": 1}
    assert ep.store.counts() == {"workspaces": 2, "syncJobs": 1}


@pytest.mark.parametrize(
    ("region", "arn_prefix"),
    [("cn-north-1", "arn:aws-cn:iottwinmaker:cn-north-1"), ("us-gov-west-1", "arn:aws-us-gov:iottwinmaker:")],
)
def test_arns_carry_the_partition_of_the_region(
    local_endpoint: Any, twinmaker_client: Any, region: str, arn_prefix: str
) -> None:
    client = twinmaker_client(local_endpoint(), region=region)  # shape-checked: the model's ARN pattern
    assert client.create_workspace(workspaceId="w1")["arn"].startswith(arn_prefix)


def test_scenario_places_workspaces_and_jobs_in_regions_with_its_region_as_default(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint(
        {
            "region": "eu-central-1",
            "workspaces": [{"workspaceId": "home"}, {"workspaceId": "away", "region": "ap-south-1"}],
            "syncJobs": [{"workspaceId": "home"}, {"workspaceId": "far", "region": "sa-east-1"}],
        }
    )
    frankfurt = twinmaker_client(ep, region="eu-central-1")
    assert [w["workspaceId"] for w in frankfurt.list_workspaces()["workspaceSummaries"]] == ["home"]
    assert frankfurt.get_sync_job(workspaceId="home", syncSource="SITEWISE")["arn"].startswith(
        "arn:aws:iottwinmaker:eu-central-1:"
    )
    mumbai = twinmaker_client(ep, region="ap-south-1")
    assert mumbai.get_workspace(workspaceId="away")["arn"].endswith(":ap-south-1:123456789012:workspace/away")
    sao_paulo = twinmaker_client(ep, region="sa-east-1")
    assert sao_paulo.get_sync_job(workspaceId="far", syncSource="SITEWISE")["workspaceId"] == "far"
    assert sorted(ep.store.regions()) == ["ap-south-1", "eu-central-1", "sa-east-1"]


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"region": "EU_West"}, "region: 'EU_West' is not a region name (like eu-west-1)"),
        (
            {"workspaces": [{"workspaceId": "w1", "region": ""}]},
            "workspaces[0].region: '' is not a region name",
        ),
        (
            {"workspaces": [{"workspaceId": "w1"}, {"workspaceId": "w1", "region": "us-east-1"}]},
            "workspaces: workspace 'w1 in us-east-1' appears twice",
        ),
    ],
)
def test_bad_regions_in_scenarios_are_refused(scenario: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(scenario)
    assert message in str(exc.value)


def test_the_same_workspace_id_in_two_regions_is_two_workspaces() -> None:
    scenario = load_scenario(
        {"workspaces": [{"workspaceId": "w1"}, {"workspaceId": "w1", "region": "eu-west-1"}]}
    )
    assert [(w.workspace_id, w.region) for w in scenario.workspaces] == [("w1", None), ("w1", "eu-west-1")]


def test_fault_rules_can_target_one_region(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint({"faults": [{"kind": "deny", "regions": ["eu-west-1"]}]})
    with pytest.raises(ClientError) as exc:
        twinmaker_client(ep, region="eu-west-1").get_sync_job(workspaceId="w1", syncSource="SITEWISE")
    assert _error(exc)[:2] == ("AccessDeniedException", 403)
    assert twinmaker_client(ep, region="us-east-1").list_workspaces()["workspaceSummaries"] == []


def test_deny_names_the_workspace_arn_in_the_request_region(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint({"faults": [{"kind": "deny"}]})
    with pytest.raises(ClientError) as exc:
        twinmaker_client(ep, region="eu-west-1").get_sync_job(workspaceId="w1", syncSource="SITEWISE")
    assert "on resource: arn:aws:iottwinmaker:eu-west-1:123456789012:workspace/w1 " in _error(exc)[2]


# ---------------------------------------------------------------------------------- the front door


@pytest.fixture
def http() -> Any:
    pool = urllib3.PoolManager(retries=False)
    yield pool
    pool.clear()


DATE = {"X-Amz-Date": "20240101T000000Z"}
GOOD_SCOPE = "testing/20240101/eu-west-1/iottwinmaker/aws4_request"


def _front_door(http: Any, url: str, headers: dict[str, str], path: str = "/workspaces-list") -> Any:
    r = http.request("POST", url + path, body=b"{}", headers=headers)
    return r.status, r.headers.get("x-amzn-ErrorType", "").split(":")[0], r.json()["message"]


@pytest.mark.parametrize(
    ("headers", "code", "message"),
    [
        ({}, "MissingAuthenticationTokenException", "Missing Authentication Token"),
        (
            {"Authorization": "Bearer abc.def", **DATE},
            "IncompleteSignatureException",
            "Authorization header requires 'Credential' parameter. Authorization header requires "
            "'SignedHeaders' parameter. Authorization header requires 'Signature' parameter. "
            "Authorization=Bearer abc.def",
        ),
        (
            {"Authorization": f"AWS4-HMAC-SHA256 Credential={GOOD_SCOPE}, SignedHeaders=host, Signature=ab"},
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            f"Authorization=AWS4-HMAC-SHA256 Credential={GOOD_SCOPE}, SignedHeaders=host, Signature=ab",
        ),
        (
            {"Authorization": f"AWS4-HMAC-SHA256 Credential={GOOD_SCOPE}, SignedHeaders host", **DATE},
            "IncompleteSignatureException",
            "'SignedHeaders host' not a valid key=value pair (missing equal-sign) in Authorization header: "
            f"'AWS4-HMAC-SHA256 Credential={GOOD_SCOPE}, SignedHeaders host'.",
        ),
        (
            {
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101, SignedHeaders=h, Signature=s",
                **DATE,
            },
            "IncompleteSignatureException",
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,"
            " got 'AKID/20240101'",
        ),
        (
            {
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/s3/aws4_request, "
                "SignedHeaders=h, Signature=s",
                **DATE,
            },
            "InvalidSignatureException",
            "Credential should be scoped to correct service: 'iottwinmaker'. ",
        ),
        (
            {
                "Authorization": "AWS4-HMAC-SHA256 "
                "Credential=AKID/20240101/Mars_1/iottwinmaker/aws4_request, SignedHeaders=h, Signature=s",
                **DATE,
            },
            "InvalidSignatureException",
            "Credential should be scoped to a valid region, not 'Mars_1'. ",
        ),
    ],
)
def test_unsigned_and_malformed_signatures_get_the_front_doors_403(
    local_endpoint: Any, http: Any, headers: dict[str, str], code: str, message: str
) -> None:
    ep = local_endpoint()
    assert _front_door(http, ep.url, headers) == (403, code, message)
    assert ep.stats.by_error[code] == 1
    assert ep.stats.by_region == {}  # refused before any region was known


def test_a_presigned_query_credential_names_the_region(local_endpoint: Any, http: Any) -> None:
    ep = local_endpoint({"workspaces": [{"workspaceId": "w1", "region": "eu-west-1"}]})
    query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + GOOD_SCOPE.replace("/", "%2F")
    r = http.request("GET", f"{ep.url}/workspaces/w1?{query}")
    assert (r.status, r.json()["workspaceId"]) == (200, "w1")


def test_boto3_reports_a_malformed_signature_as_a_client_error(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint()
    client = twinmaker_client(ep)

    def break_signature(request: Any, **_: Any) -> None:
        request.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=oops"

    client.meta.events.register_last("before-send.iottwinmaker", break_signature)
    with pytest.raises(ClientError) as exc:
        client.list_workspaces()
    code, status, message = _error(exc)
    assert (code, status) == ("IncompleteSignatureException", 403)
    assert message.startswith("Authorization header requires 'SignedHeaders' parameter.")
