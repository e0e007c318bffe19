"""Jobs that do not exist yet: a scenario scripts what the sync job a later CreateSyncJob makes will do
(`syncJobs` entries with `"exists": false`), so a deployment that creates workspace W and then W's
job meets the scripted story. Driven the way the Pulumi provider test-doubles drive it: CreateWorkspace,
CreateSyncJob, GetSyncJob, DeleteSyncJob, DeleteWorkspace through boto3 over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.endpoint.conftest import ROLE
from twinmaker_local import TIMELINE_TAG, ScenarioError, load_scenario

pytestmark = pytest.mark.http

FAILING = {
    "resourceType": "ENTITY",
    "externalId": "asset-7",
    "resourceId": "entity-7",
    "state": "ERROR",
    "error": {"code": "PROCESSING_ERROR", "message": "property 'Flow' has data type STRUCT"},
}
PAINT_SHOP_FAILS: dict[str, Any] = {
    "workspaceId": "plant-b",
    "exists": False,
    "states": [
        {"at": 0, "state": "CREATING"},
        {"at": 2, "state": "INITIALIZING"},
        {"at": 4, "state": "ERROR", "error": {"code": "SYNC_PROCESSING_ERROR", "message": "1 asset failed"}},
    ],
    "notFound": [[0, 1]],
    "resources": [
        {**FAILING, "externalId": "asset-1", "resourceId": "entity-1", "state": "IN_SYNC"},
        FAILING,
    ],
    "deletingSeconds": 2,
}
JOB = {"workspaceId": "plant-b", "syncSource": "SITEWISE"}


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    return exc.value.response["Error"]["Code"], exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _state(client: Any) -> str:
    return str(client.get_sync_job(**JOB)["status"]["state"])


def test_a_scripted_job_tells_its_story_from_its_create_sync_job_to_its_deletion(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint({"syncJobs": [PAINT_SHOP_FAILS]})
    client = twinmaker_client(ep)
    assert ep.store.counts() == {"workspaces": 0, "syncJobs": 0}  # a script creates nothing

    client.create_workspace(workspaceId="plant-b")
    ep.clock.advance(30)  # time before the CreateSyncJob does not count: the story starts there
    created = client.create_sync_job(**JOB, syncRole=ROLE)
    assert created["state"] == "CREATING"

    with pytest.raises(ClientError) as exc:
        client.get_sync_job(**JOB)  # the not-found window right after the create
    assert _code(exc) == ("ResourceNotFoundException", 404)
    ep.clock.advance(1)
    assert _state(client) == "CREATING"
    ep.clock.advance(1)
    assert _state(client) == "INITIALIZING"
    ep.clock.advance(2)
    job = client.get_sync_job(**JOB)
    assert job["status"] == {
        "state": "ERROR",
        "error": {"code": "SYNC_PROCESSING_ERROR", "message": "1 asset failed"},
    }
    assert job["syncRole"] == ROLE  # the role the CreateSyncJob named
    failing = client.list_sync_resources(**JOB, filters=[{"state": "ERROR"}])["syncResources"]
    assert [(r["externalId"], r["status"]["error"]["code"]) for r in failing] == [
        ("asset-7", "PROCESSING_ERROR")
    ]

    # DeleteWorkspace refuses while the job exists (the model's ValidationException), also while it
    # is DELETING; DeleteSyncJob moves it to DELETING, then it is gone.
    with pytest.raises(ClientError) as exc:
        client.delete_workspace(workspaceId="plant-b")
    assert _code(exc) == ("ValidationException", 400)
    assert client.delete_sync_job(**JOB)["state"] == "DELETING"
    assert _state(client) == "DELETING"
    with pytest.raises(ClientError) as exc:
        client.delete_workspace(workspaceId="plant-b")
    assert _code(exc) == ("ValidationException", 400)
    ep.clock.advance(2)  # deletingSeconds
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(**JOB)
    assert _code(exc) == ("ResourceNotFoundException", 404)
    assert client.delete_workspace(workspaceId="plant-b")["message"] == "Workspace plant-b was deleted."
    assert ep.store.counts() == {"workspaces": 0, "syncJobs": 0}

    # The script stays: a replaced job (a second `pulumi up --replace`) meets the same story again.
    client.create_workspace(workspaceId="plant-b")
    client.create_sync_job(**JOB, syncRole=ROLE)
    ep.clock.advance(4)
    assert client.get_sync_job(**JOB)["status"]["error"]["code"] == "SYNC_PROCESSING_ERROR"
    assert ep.stats.by_operation["CreateSyncJob"] == 2


def test_a_created_job_nobody_scripted_gets_the_default_timeline(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint(
        {
            "defaultTimeline": "slow",
            "timelines": {
                "slow": {"states": [{"at": 0, "state": "CREATING"}, {"at": 10, "state": "ACTIVE"}]}
            },
            "syncJobs": [PAINT_SHOP_FAILS],
        }
    )
    client = twinmaker_client(ep)
    client.create_workspace(workspaceId="plant-a")
    client.create_sync_job(workspaceId="plant-a", syncSource="SITEWISE", syncRole=ROLE)
    ep.clock.advance(9)
    assert client.get_sync_job(workspaceId="plant-a", syncSource="SITEWISE")["status"]["state"] == "CREATING"
    ep.clock.advance(1)
    assert client.get_sync_job(workspaceId="plant-a", syncSource="SITEWISE")["status"]["state"] == "ACTIVE"


def test_a_script_applies_in_its_region_only(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint({"syncJobs": [{**PAINT_SHOP_FAILS, "region": "eu-west-1", "notFound": []}]})
    for region in ("eu-west-1", "us-east-1"):
        client = twinmaker_client(ep, region=region)
        client.create_workspace(workspaceId="plant-b")
        client.create_sync_job(**JOB, syncRole=ROLE)
    ep.clock.advance(5)
    for region, final in (("eu-west-1", "ERROR"), ("us-east-1", "ACTIVE")):
        assert _state(twinmaker_client(ep, region=region)) == final


def test_the_tag_beats_the_script_and_the_script_beats_the_workspace_timeline(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint(
        {
            "timelines": {"instant": {"states": [{"at": 0, "state": "ACTIVE"}]}},
            "workspaces": [{"workspaceId": "plant-b", "syncJobTimeline": "instant"}],
            "syncJobs": [{**PAINT_SHOP_FAILS, "notFound": []}],
        }
    )
    client = twinmaker_client(ep)
    client.create_sync_job(**JOB, syncRole=ROLE)
    assert _state(client) == "CREATING"  # the script, not the workspace's "instant"
    client.delete_sync_job(**JOB)
    ep.clock.advance(2)
    client.create_sync_job(**JOB, syncRole=ROLE, tags={TIMELINE_TAG: "instant"})
    assert _state(client) == "ACTIVE"


def test_scripts_can_be_added_at_run_time(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint()
    arn = ep.add_sync_job({**PAINT_SHOP_FAILS, "notFound": []})
    assert arn == "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/plant-b/sync-job/SITEWISE"
    assert ep.store.counts() == {"workspaces": 0, "syncJobs": 0}
    client = twinmaker_client(ep)
    client.create_workspace(workspaceId="plant-b")
    assert client.create_sync_job(**JOB, syncRole=ROLE)["arn"] == arn
    ep.clock.advance(4)
    assert _state(client) == "ERROR"


def test_an_existing_job_and_a_script_for_its_successor_may_share_a_key(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint(
        {"syncJobs": [{"workspaceId": "plant-b", "states": [{"at": 0, "state": "ACTIVE"}]}, PAINT_SHOP_FAILS]}
    )
    client = twinmaker_client(ep)
    assert _state(client) == "ACTIVE"
    client.delete_sync_job(**JOB)
    ep.clock.advance(2)
    client.create_sync_job(**JOB, syncRole=ROLE)
    ep.clock.advance(4)
    assert _state(client) == "ERROR"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"workspaceId": "w1", "exists": "no"}, "syncJobs[0].exists: must be true or false, not a string"),
        (
            {"workspaceId": "w1", "exists": False, "syncRole": ROLE},
            "syncJobs[0].syncRole: not for a job with exists: false (CreateSyncJob's request names the role)",
        ),
        (
            {"workspaceId": "w1", "exists": False, "syncSource": "OPCUA"},
            "syncJobs[0].syncSource: AWS creates sync jobs only for SITEWISE, not 'OPCUA'",
        ),
        (
            {"workspaceId": "w1", "exists": False, "timeline": "nope"},
            "syncJobs[0].timeline: no timeline named 'nope'",
        ),
        (
            {"workspaceId": "w1", "exists": False, "onCreate": {}},
            "syncJobs[0]: unknown key 'onCreate' (allowed: ",
        ),
    ],
)
def test_bad_scripts_are_refused_with_one_line(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario({"syncJobs": [entry]})
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_the_same_script_twice_is_refused() -> None:
    entry = {"workspaceId": "w1", "exists": False}
    with pytest.raises(
        ScenarioError, match=r"sync job 'w1/SITEWISE in us-east-1 \(exists: false\)' appears twice"
    ):
        load_scenario({"syncJobs": [entry, entry]})
