"""The shape validator itself: it must catch what a drifting endpoint would send (else the
shape-checked tests prove nothing), and it must accept what the model allows."""

from __future__ import annotations

from typing import Any

import pytest

from twinmaker_local.shapes import java_pattern, validate_input, validate_output
from twinmaker_local.spec import IMPLEMENTED_OPERATIONS, find_route, service_model

MODEL = service_model()
GET_SYNC_JOB = MODEL.operation_model("GetSyncJob").output_shape
GOOD: dict[str, Any] = {
    "arn": "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/ws-1/sync-job/SITEWISE",
    "workspaceId": "ws-1",
    "syncSource": "SITEWISE",
    "syncRole": "arn:aws:iam::123456789012:role/sync",
    "status": {"state": "ERROR", "error": {"code": "SYNC_PROCESSING_ERROR", "message": "m"}},
    "creationDateTime": 1700000000.123,
    "updateDateTime": 1700000001,
}


def test_a_conforming_body_has_no_problems() -> None:
    assert validate_output(GET_SYNC_JOB, GOOD) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": None}, "$.status: required by GetSyncJobResponse but missing"),
        ({"status": "ACTIVE"}, "$.status: expected an object for SyncJobStatus, got str"),
        ({"status": {"state": "PAUSED"}}, "$.status.state: 'PAUSED' is not one of SyncJobState"),
        ({"status": {"state": 1}}, "$.status.state: expected string (SyncJobState), got int"),
        ({"creationDateTime": "2024-01-01"}, "$.creationDateTime: expected timestamp (Timestamp), got str"),
        ({"creationDateTime": True}, "$.creationDateTime: expected timestamp (Timestamp), got bool"),
        ({"workspaceId": "bad id"}, "$.workspaceId: 'bad id' does not match Id pattern"),
        ({"workspaceId": "w" * 129}, "$.workspaceId: length 129 above maximum 128 of Id"),
        (
            {"arn": "arn:aws:s3:::my-bucket-name"},
            "$.arn: 'arn:aws:s3:::my-bucket-name' does not match TwinMakerArn pattern",
        ),
        ({"extra": 1}, "$.extra: not a member of GetSyncJobResponse"),
        ({"status": {"state": "ERROR", "error": {"message": "m" * 2049}}}, "length 2049 above maximum 2048"),
    ],
)
def test_each_kind_of_drift_is_reported(change: dict[str, Any], problem: str) -> None:
    body = {**GOOD, **change}
    body = {k: v for k, v in body.items() if v is not None}
    problems = validate_output(GET_SYNC_JOB, body)
    assert len(problems) == 1
    assert problem in problems[0]


def test_union_members_are_counted() -> None:
    shape = MODEL.shape_for("SyncResourceFilter")
    assert validate_output(shape, {"state": "ERROR"}) == []
    assert validate_output(shape, {"state": "ERROR", "resourceType": "ENTITY"}) == [
        "$: union SyncResourceFilter must have exactly one member, has 2"
    ]


def test_java_only_pattern_constructs_are_translated() -> None:
    tag_key = java_pattern(MODEL.shape_for("TagKey").metadata["pattern"])
    assert tag_key.fullmatch("twinmaker-local:timeline")
    assert tag_key.fullmatch("Kostenstelle Ä/1")  # \p{L} and \p{Z}
    assert not tag_key.fullmatch("tab\there")  # a tab is not \p{Z}


def test_input_messages_use_coral_wording_and_paths() -> None:
    shape = MODEL.operation_model("ListSyncResources").input_shape
    problems = validate_input(shape, {"workspaceId": "ws", "syncSource": "S", "filters": [{"state": "X"}]})
    assert problems == [
        "Value 'X' at 'filters.1.member.state' failed to satisfy constraint: "
        "Member must satisfy enum value set: [INITIALIZING, PROCESSING, DELETED, IN_SYNC, ERROR]"
    ]


@pytest.mark.parametrize(
    ("method", "path", "operation", "labels"),
    [
        ("GET", "/sync-jobs/SITEWISE", "GetSyncJob", {"syncSource": "SITEWISE"}),
        (
            "POST",
            "/workspaces/ws-1/sync-jobs/SITEWISE",
            "CreateSyncJob",
            {"workspaceId": "ws-1", "syncSource": "SITEWISE"},
        ),
        (
            "DELETE",
            "/workspaces/ws-1/sync-jobs/SITEWISE",
            "DeleteSyncJob",
            {"workspaceId": "ws-1", "syncSource": "SITEWISE"},
        ),
        ("POST", "/workspaces/ws-1/sync-jobs-list", "ListSyncJobs", {"workspaceId": "ws-1"}),
        (
            "POST",
            "/workspaces/ws-1/sync-jobs/S/resources-list",
            "ListSyncResources",
            {"workspaceId": "ws-1", "syncSource": "S"},
        ),
        ("POST", "/workspaces-list", "ListWorkspaces", {}),
        ("GET", "/workspaces/arn%3Aaws%3Ax", "GetWorkspace", {"workspaceId": "arn:aws:x"}),
    ],
)
def test_routes_come_from_the_model(method: str, path: str, operation: str, labels: dict[str, str]) -> None:
    found = find_route(method, path)
    assert found is not None
    assert (found[0].operation.name, found[1]) == (operation, labels)


def test_every_implemented_operation_exists_in_the_model() -> None:
    assert set(MODEL.operation_names) >= IMPLEMENTED_OPERATIONS
