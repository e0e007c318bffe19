"""Every implemented operation through a real boto3 client; every response is shape-checked by the
client's after-call hook (see twinmaker_local.testing), so these tests also pin the wire format."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.endpoint.conftest import ROLE

pytestmark = pytest.mark.http

EPOCH = dt.datetime.fromtimestamp(1_700_000_000, tz=dt.UTC)


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    err = exc.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_list_delete_workspace(client: Any) -> None:
    created = client.create_workspace(
        workspaceId="ws-2",
        description="second",
        role="arn:aws:iam::123456789012:role/ws-role",
        s3Location="arn:aws:s3:::bucket-2",
        tags={"team": "plant"},
    )
    assert created["arn"] == "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/ws-2"
    assert created["creationDateTime"] == EPOCH

    got = client.get_workspace(workspaceId="ws-2")
    assert (got["workspaceId"], got["description"], got["role"], got["s3Location"]) == (
        "ws-2",
        "second",
        "arn:aws:iam::123456789012:role/ws-role",
        "arn:aws:s3:::bucket-2",
    )
    assert got["updateDateTime"] == EPOCH

    ids = [w["workspaceId"] for w in client.list_workspaces()["workspaceSummaries"]]
    assert ids == ["ws-1", "ws-2"]

    assert client.delete_workspace(workspaceId="ws-2")["message"] == "Workspace ws-2 was deleted."
    with pytest.raises(ClientError) as exc:
        client.get_workspace(workspaceId="ws-2")
    assert _code(exc) == ("ResourceNotFoundException", 404)


def test_get_workspace_accepts_its_arn(client: Any) -> None:
    arn = "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/ws-1"
    assert client.get_workspace(workspaceId=arn)["workspaceId"] == "ws-1"


def test_create_workspace_twice_is_a_conflict(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.create_workspace(workspaceId="ws-1")
    assert _code(exc) == ("ConflictException", 409)
    assert "ws-1 already exists" in exc.value.response["Error"]["Message"]


def test_delete_workspace_with_sync_job_is_refused(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.delete_workspace(workspaceId="ws-1")
    assert _code(exc) == ("ValidationException", 400)


def test_create_sync_job_returns_state_at_top_level(client: Any, basic: Any) -> None:
    client.create_workspace(workspaceId="ws-2")
    created = client.create_sync_job(workspaceId="ws-2", syncSource="SITEWISE", syncRole=ROLE)
    assert created["state"] == "CREATING"
    assert created["arn"] == "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/ws-2/sync-job/SITEWISE"
    basic.clock.advance(2)  # the built-in default timeline: ACTIVE after 2 s
    job = client.get_sync_job(workspaceId="ws-2", syncSource="SITEWISE")
    assert job["status"] == {"state": "ACTIVE"}
    assert "state" not in job
    assert job["syncRole"] == ROLE
    assert job["updateDateTime"] - job["creationDateTime"] == dt.timedelta(seconds=2)


def test_create_sync_job_in_missing_workspace_or_twice(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.create_sync_job(workspaceId="nope", syncSource="SITEWISE", syncRole=ROLE)
    assert _code(exc) == ("ValidationException", 400)
    with pytest.raises(ClientError) as exc:
        client.create_sync_job(workspaceId="ws-1", syncSource="SITEWISE", syncRole=ROLE)
    assert _code(exc) == ("ConflictException", 409)


@pytest.mark.parametrize("source", ["OPCUA", "sitewise", "SITEWISE_2"])
def test_create_sync_job_refuses_every_source_but_sitewise(client: Any, source: str) -> None:
    client.create_workspace(workspaceId="ws-2")
    with pytest.raises(ClientError) as exc:
        client.create_sync_job(workspaceId="ws-2", syncSource=source, syncRole=ROLE)
    assert _code(exc) == ("ValidationException", 400)
    assert exc.value.response["Error"]["Message"] == (
        f"Sync source '{source}' is not supported. Supported sync sources: SITEWISE."
    )
    assert client.list_sync_jobs(workspaceId="ws-2")["syncJobSummaries"] == []


def test_get_sync_job_sends_workspace_in_query_and_nests_state(client: Any, basic: Any) -> None:
    basic.clock.advance(5)
    job = client.get_sync_job(workspaceId="ws-1", syncSource="SITEWISE")
    assert job["status"] == {"state": "ACTIVE"}
    assert job["workspaceId"] == "ws-1"
    assert job["syncSource"] == "SITEWISE"
    assert basic.stats.by_operation["GetSyncJob"] == 1


def test_get_sync_job_unknown_is_not_found(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(workspaceId="ws-1", syncSource="OTHER")
    assert _code(exc) == ("ResourceNotFoundException", 404)


def test_list_sync_jobs(client: Any, basic: Any) -> None:
    basic.clock.advance(2)
    summaries = client.list_sync_jobs(workspaceId="ws-1")["syncJobSummaries"]
    assert [(s["syncSource"], s["status"]["state"]) for s in summaries] == [("SITEWISE", "INITIALIZING")]


def test_delete_sync_job_goes_through_deleting_then_gone(client: Any, basic: Any) -> None:
    basic.clock.advance(6)
    assert client.delete_sync_job(workspaceId="ws-1", syncSource="SITEWISE")["state"] == "DELETING"
    assert client.get_sync_job(workspaceId="ws-1", syncSource="SITEWISE")["status"]["state"] == "DELETING"
    basic.clock.advance(1)  # deletingSeconds defaults to 1
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(workspaceId="ws-1", syncSource="SITEWISE")
    assert _code(exc) == ("ResourceNotFoundException", 404)
    assert client.list_sync_jobs(workspaceId="ws-1")["syncJobSummaries"] == []
    client.delete_workspace(workspaceId="ws-1")  # now allowed


def test_list_sync_resources_unfiltered(client: Any) -> None:
    resources = client.list_sync_resources(workspaceId="ws-1", syncSource="SITEWISE")["syncResources"]
    assert [(r["resourceType"], r["resourceId"], r["status"]["state"]) for r in resources] == [
        ("ENTITY", "entity-1", "IN_SYNC"),
        ("ENTITY", "entity-2", "ERROR"),
        ("COMPONENT_TYPE", "ct-1", "IN_SYNC"),
    ]
    assert resources[1]["status"]["error"] == {
        "code": "PROCESSING_ERROR",
        "message": "property type not supported",
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([{"state": "ERROR"}], ["entity-2"]),
        ([{"state": "IN_SYNC"}], ["entity-1", "ct-1"]),
        ([{"state": "DELETED"}], []),
        ([{"resourceType": "ENTITY"}, {"resourceId": "entity-2"}], ["entity-2"]),
        ([{"resourceType": "COMPONENT_TYPE"}, {"resourceId": "entity-2"}], []),
        ([{"resourceType": "ENTITY"}, {"externalId": "asset-1"}], ["entity-1"]),
    ],
)
def test_list_sync_resources_filters(client: Any, filters: list[dict[str, str]], expected: list[str]) -> None:
    page = client.list_sync_resources(workspaceId="ws-1", syncSource="SITEWISE", filters=filters)
    assert [r["resourceId"] for r in page["syncResources"]] == expected


@pytest.mark.parametrize(
    "filters",
    [
        [{"resourceType": "ENTITY"}],
        [{"resourceId": "entity-1"}],
        [{"state": "ERROR"}, {"resourceType": "ENTITY"}],
        [{"state": "ERROR"}, {"state": "IN_SYNC"}],
    ],
)
def test_list_sync_resources_refuses_unsupported_filter_combinations(client: Any, filters: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.list_sync_resources(workspaceId="ws-1", syncSource="SITEWISE", filters=filters)
    assert _code(exc) == ("ValidationException", 400)


def test_list_sync_resources_of_unknown_job_is_a_validation_error(client: Any) -> None:
    # The model lists no ResourceNotFoundException for ListSyncResources.
    with pytest.raises(ClientError) as exc:
        client.list_sync_resources(workspaceId="ws-1", syncSource="OTHER")
    assert _code(exc) == ("ValidationException", 400)


def test_unimplemented_model_operation_answers_501(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.list_entities(workspaceId="ws-1")
    assert _code(exc) == ("NotImplemented", 501)
