"""Scripted timelines, not-found windows and timeline selection, moved by the injected clock."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.endpoint.conftest import ROLE
from twinmaker_local import TIMELINE_TAG
from twinmaker_local.shapes import validate_output
from twinmaker_local.spec import service_model

pytestmark = pytest.mark.http


def _state(client: Any, workspace: str = "ws-1") -> str:
    return client.get_sync_job(workspaceId=workspace, syncSource="SITEWISE")["status"]["state"]


def test_not_found_window_then_states_follow_the_clock(client: Any, basic: Any) -> None:
    with pytest.raises(ClientError) as exc:
        _state(client)
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
    basic.clock.advance(1)
    seen = [_state(client)]
    for step in (1, 2, 1):
        basic.clock.advance(step)
        seen.append(_state(client))
    assert seen == ["CREATING", "INITIALIZING", "INITIALIZING", "ACTIVE"]  # at 1, 2, 4, 5 s


def test_error_state_carries_code_and_message(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint(
        {
            "syncJobs": [
                {
                    "workspaceId": "ws-e",
                    "states": [
                        {"at": 0, "state": "CREATING"},
                        {
                            "at": 3,
                            "state": "ERROR",
                            "error": {"code": "SYNC_CREATING_ERROR", "message": "role"},
                        },
                    ],
                }
            ]
        }
    )
    client = twinmaker_client(ep)
    ep.clock.advance(3)
    job = client.get_sync_job(workspaceId="ws-e", syncSource="SITEWISE")
    assert job["status"] == {"state": "ERROR", "error": {"code": "SYNC_CREATING_ERROR", "message": "role"}}


def test_unknown_state_and_code_pass_through_to_boto3(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint(
        {
            "syncJobs": [
                {
                    "workspaceId": "ws-new",
                    "states": [
                        {"at": 0, "state": "PAUSED", "error": {"code": "QUOTA_ERROR", "message": "m"}}
                    ],
                }
            ]
        }
    )
    # A newer API than the model: botocore parses it, the model check rightly objects to both enums.
    job = twinmaker_client(ep, check_shapes=False).get_sync_job(workspaceId="ws-new", syncSource="SITEWISE")
    assert job["status"] == {"state": "PAUSED", "error": {"code": "QUOTA_ERROR", "message": "m"}}
    wire = {k: v for k, v in job.items() if k != "ResponseMetadata"}
    wire["creationDateTime"] = wire["updateDateTime"] = 0
    problems = validate_output(service_model().operation_model("GetSyncJob").output_shape, wire)
    assert len(problems) == 2
    assert "'PAUSED' is not one of SyncJobState" in problems[0]
    assert "'QUOTA_ERROR' is not one of ErrorCode" in problems[1]


def test_timeline_before_first_step_reads_creating(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint({"syncJobs": [{"workspaceId": "ws-late", "states": [{"at": 4, "state": "ACTIVE"}]}]})
    client = twinmaker_client(ep)
    assert _state(client, "ws-late") == "CREATING"
    ep.clock.advance(4)
    assert _state(client, "ws-late") == "ACTIVE"


SLOW = {"states": [{"at": 0, "state": "CREATING"}, {"at": 10, "state": "ACTIVE"}]}
BROKEN = {"states": [{"at": 0, "state": "ERROR", "error": {"code": "INTERNAL_FAILURE", "message": "x"}}]}


def test_create_sync_job_picks_timeline_by_tag_then_workspace_then_default(
    local_endpoint: Any, twinmaker_client: Any
) -> None:
    ep = local_endpoint(
        {
            "defaultTimeline": "slow",
            "timelines": {"slow": SLOW, "broken": BROKEN},
            "workspaces": [{"workspaceId": "mapped", "syncJobTimeline": "broken"}, {"workspaceId": "plain"}],
        }
    )
    client = twinmaker_client(ep)
    client.create_workspace(workspaceId="tagged")
    client.create_sync_job(
        workspaceId="tagged", syncSource="SITEWISE", syncRole=ROLE, tags={TIMELINE_TAG: "broken"}
    )
    client.create_sync_job(workspaceId="mapped", syncSource="SITEWISE", syncRole=ROLE)
    client.create_sync_job(workspaceId="plain", syncSource="SITEWISE", syncRole=ROLE)
    assert [_state(client, w) for w in ("tagged", "mapped", "plain")] == ["ERROR", "ERROR", "CREATING"]
    ep.clock.advance(10)
    assert _state(client, "plain") == "ACTIVE"


def test_create_sync_job_with_unknown_timeline_tag_is_refused(client: Any) -> None:
    client.create_workspace(workspaceId="ws-2")
    with pytest.raises(ClientError) as exc:
        client.create_sync_job(
            workspaceId="ws-2", syncSource="SITEWISE", syncRole=ROLE, tags={TIMELINE_TAG: "nope"}
        )
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert "'nope'" in exc.value.response["Error"]["Message"]


def test_jobs_and_timelines_added_at_run_time_start_at_the_current_clock(basic: Any, client: Any) -> None:
    basic.clock.advance(100)
    basic.add_timeline("slow", SLOW)
    arn = basic.add_sync_job({"workspaceId": "ws-run", "syncSource": "SITEWISE", "timeline": "slow"})
    assert arn.endswith(":workspace/ws-run/sync-job/SITEWISE")
    assert _state(client, "ws-run") == "CREATING"  # its own clock started now, not at endpoint start
    basic.clock.advance(10)
    assert _state(client, "ws-run") == "ACTIVE"
    # Replacing a job restarts its timeline.
    basic.add_sync_job({"workspaceId": "ws-run", "states": [{"at": 0, "state": "INITIALIZING"}]})
    assert _state(client, "ws-run") == "INITIALIZING"


def test_resource_states_follow_their_own_timeline(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint(
        {
            "syncJobs": [
                {
                    "workspaceId": "ws-r",
                    "states": [{"at": 0, "state": "ACTIVE"}],
                    "resources": [
                        {
                            "resourceType": "ENTITY",
                            "resourceId": "e-1",
                            "states": [{"at": 0, "state": "PROCESSING"}, {"at": 3, "state": "IN_SYNC"}],
                        }
                    ],
                }
            ]
        }
    )
    client = twinmaker_client(ep)

    def errors_and_states() -> list[str]:
        page = client.list_sync_resources(workspaceId="ws-r", syncSource="SITEWISE")
        return [r["status"]["state"] for r in page["syncResources"]]

    assert errors_and_states() == ["PROCESSING"]
    ep.clock.advance(3)
    assert errors_and_states() == ["IN_SYNC"]


def test_first_request_clock_stands_still_until_armed_and_read_then_runs_scaled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from twinmaker_local.clock import FirstRequestClock

    now = [100.0]
    monkeypatch.setattr("twinmaker_local.clock.time.monotonic", lambda: now[0])
    clock = FirstRequestClock(scale=4, epoch=1_000.0)
    now[0] += 50
    assert clock() == 1_000.0  # not armed: the store may read it while it is built
    clock.arm()
    now[0] += 50
    assert clock() == 1_000.0  # the first read after arming starts time
    now[0] += 2.5
    assert clock() == 1_010.0  # 2.5 s of wall clock at 4x
