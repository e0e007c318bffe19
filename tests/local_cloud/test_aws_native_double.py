"""The aws-native double against the real local endpoint over HTTP: what it creates is what the gate
then polls, every SyncJob change is a replacement, deletes wait until the service forgets."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.provider import CreateRequest, DeleteRequest, DiffRequest, ReadRequest

from local_cloud.aws_native import AwsNativeDouble
from local_cloud.provider import INPUTS_KEY, ProviderError
from tests.conftest import LocalEndpoint
from tests.local_cloud.conftest import configure, run, urn
from validators.pulumi.values import map_from_plain, map_to_plain

pytestmark = pytest.mark.http

WORKSPACE = "aws-native:iottwinmaker:Workspace"
SYNC_JOB = "aws-native:iottwinmaker:SyncJob"
ROLE = "arn:aws:iam::123456789012:role/tm-plant-a-ws-1"
SYNC_ROLE = "arn:aws:iam::123456789012:role/tm-plant-a-sync-1"


@pytest.fixture
def double(local_endpoint: LocalEndpoint, twinmaker_client: Any) -> AwsNativeDouble:
    endpoint = local_endpoint(wall_clock=True)
    provider = AwsNativeDouble(client_factory=lambda _region: twinmaker_client(endpoint, check_shapes=True))
    configure(provider, region="us-east-1")
    return provider


def create(double: AwsNativeDouble, token: str, **inputs: Any) -> tuple[str, dict[str, Any]]:
    response = run(double.create(CreateRequest(urn(token, "x"), map_from_plain(inputs), 60, False)))
    assert response.resource_id is not None
    return response.resource_id, map_to_plain(response.properties)


def read(double: AwsNativeDouble, token: str, resource_id: str, old: dict[str, Any]) -> Any:
    return run(double.read(ReadRequest(urn(token, "x"), resource_id, map_from_plain(old), {})))


def delete(double: AwsNativeDouble, token: str, resource_id: str, old: dict[str, Any]) -> None:
    run(double.delete(DeleteRequest(urn(token, "x"), resource_id, map_from_plain(old), 60)))


def test_workspace_and_sync_job_are_created_on_the_endpoint_and_deleted_from_it(
    double: AwsNativeDouble,
) -> None:
    ws_id, ws = create(
        double, WORKSPACE, workspaceId="plant-a", role=ROLE, s3Location="arn:aws:s3:::b", tags={"k": "v"}
    )
    assert ws_id == "plant-a"
    assert ws["arn"].endswith(":workspace/plant-a")
    job_id, job = create(double, SYNC_JOB, workspaceId="plant-a", syncSource="SITEWISE", syncRole=SYNC_ROLE)
    assert job_id == "plant-a|SITEWISE"
    assert job["arn"].startswith("arn:aws:iottwinmaker:")
    got = double.client.get_sync_job(workspaceId="plant-a", syncSource="SITEWISE")
    assert got["arn"] == job["arn"]  # the job the gate polls is the one the engine created

    assert map_to_plain(read(double, SYNC_JOB, job_id, job).properties)["syncRole"] == SYNC_ROLE
    delete(double, SYNC_JOB, job_id, job)
    assert read(double, SYNC_JOB, job_id, job).resource_id is None
    delete(double, WORKSPACE, ws_id, ws)
    assert read(double, WORKSPACE, ws_id, ws).resource_id is None
    assert double.client.list_workspaces()["workspaceSummaries"] == []


def test_deleting_what_is_gone_succeeds(double: AwsNativeDouble) -> None:
    delete(double, SYNC_JOB, "nowhere|SITEWISE", {})
    delete(double, WORKSPACE, "nowhere", {})


def test_every_sync_job_change_is_a_replacement(double: AwsNativeDouble) -> None:
    inputs = {"workspaceId": "w", "syncSource": "SITEWISE", "syncRole": SYNC_ROLE}
    old = {
        **inputs,
        "arn": "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/w",
        INPUTS_KEY: sorted(inputs),
    }
    request = DiffRequest(
        urn(SYNC_JOB, "x"),
        "w|SITEWISE",
        map_from_plain(old),
        map_from_plain({**inputs, "syncRole": "other"}),
        [],
    )
    response = run(double.diff(request))
    assert (response.changes, response.replaces) == (True, ["syncRole"])


def test_service_errors_surface_as_provider_errors_with_the_service_code(double: AwsNativeDouble) -> None:
    with pytest.raises(
        ProviderError,
        match=r"creating TwinMaker sync job nowhere/SITEWISE: ValidationException: Workspace nowhere",
    ):
        create(double, SYNC_JOB, workspaceId="nowhere", syncSource="SITEWISE", syncRole=SYNC_ROLE)
