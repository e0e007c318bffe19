"""The scenario format: clear errors for bad files, and the bundled demo behaving as documented."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from twinmaker_local import ScenarioError, load_scenario


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"workspace": []}, "scenario: unknown key 'workspace' (allowed: "),
        (
            {"workspaces": [{"workspaceId": "bad id"}]},
            "workspaces[0].workspaceId: 'bad id' is not a valid Id",
        ),
        (
            {"syncJobs": [{"workspaceId": "w1", "timeline": "nope"}]},
            "syncJobs[0].timeline: no timeline named 'nope'",
        ),
        ({"syncJobs": [{"workspaceId": "w1", "states": []}]}, "syncJobs[0].states: needs at least one state"),
        (
            {"syncJobs": [{"workspaceId": "w1", "states": [{"at": -1, "state": "ACTIVE"}]}]},
            "syncJobs[0].states[0].at: must be a number >= 0, not -1",
        ),
        (
            {
                "syncJobs": [
                    {"workspaceId": "w1", "states": [{"at": 2, "state": "A"}, {"at": 1, "state": "B"}]}
                ]
            },
            "syncJobs[0].states: 'at' must not decrease ([2.0, 1.0])",
        ),
        (
            {"syncJobs": [{"workspaceId": "w1", "states": [{"at": 0, "state": "A"}], "notFound": [[3, 1]]}]},
            "syncJobs[0].notFound[0]: must be [from, to] seconds with 0 <= from <= to, not [3, 1]",
        ),
        (
            {"syncJobs": [{"workspaceId": "w1", "timeline": "default", "states": [{"at": 0, "state": "A"}]}]},
            "syncJobs[0]: give either 'timeline' or 'states', not both",
        ),
        (
            {"syncJobs": [{"workspaceId": "w1"}, {"workspaceId": "w1"}]},
            "sync job 'w1/SITEWISE in us-east-1' appears twice",
        ),
        ({"faults": [{"kind": "explode"}]}, "faults[0].kind: 'explode' is not one of latency, drop"),
        (
            {"faults": [{"kind": "error", "status": 404}]},
            "faults[0].status: must be one of (500, 502, 503, 504)",
        ),
        (
            {"syncJobs": [{"workspaceId": "w1", "syncSource": "OPCUA"}]},
            "syncJobs[0].syncSource: AWS creates sync jobs only for SITEWISE, not 'OPCUA'",
        ),
        ({"faults": [{"kind": "drop", "probability": 2}]}, "faults[0].probability: must be between 0 and 1"),
        ({"accountId": "42"}, "accountId: must be 12 digits, not '42'"),
        ({"defaultTimeline": "x"}, "defaultTimeline: no timeline named 'x'"),
    ],
)
def test_bad_scenarios_name_the_place_and_the_problem(scenario: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(scenario)
    assert message in str(exc.value)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ScenarioError, match=r"bad\.json: not valid JSON"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match=r"missing\.json: cannot read scenario"):
        load_scenario(tmp_path / "missing.json")
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps({"syncJobs": [{"workspaceId": "w1", "notfound": [[0, 1]]}]}))
    with pytest.raises(ScenarioError, match=r"^typo\.json: syncJobs\[0\]: unknown key 'notfound'"):
        load_scenario(typo)


def test_bundled_demo_loads_by_name_and_its_arns_match_the_model() -> None:
    demo = load_scenario("demo")
    assert [w.workspace_id for w in demo.workspaces] == [
        "plant-a-press-line",
        "plant-b-paint-shop",
        "plant-c-assembly",
    ]


@pytest.mark.http
def test_demo_scenario_tells_the_three_plant_stories(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint("demo")
    client = twinmaker_client(ep)  # shape-checked: the demo's IDs, ARNs and codes fit the model

    def state(workspace: str) -> str:
        return client.get_sync_job(workspaceId=workspace, syncSource="SITEWISE")["status"]["state"]

    with pytest.raises(ClientError) as exc:
        state("plant-c-assembly")  # not visible right after creation
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"

    ep.clock.advance(3)
    assert state("plant-a-press-line") == "ACTIVE"
    assert state("plant-c-assembly") == "CREATING"

    ep.clock.advance(2)
    job_b = client.get_sync_job(workspaceId="plant-b-paint-shop", syncSource="SITEWISE")
    assert job_b["status"]["state"] == "ERROR"
    assert job_b["status"]["error"]["code"] == "SYNC_PROCESSING_ERROR"
    failing = client.list_sync_resources(
        workspaceId="plant-b-paint-shop", syncSource="SITEWISE", filters=[{"state": "ERROR"}]
    )["syncResources"]
    assert [(r["resourceType"], r["status"]["error"]["code"]) for r in failing] == [
        ("ENTITY", "PROCESSING_ERROR"),
        ("ENTITY", "COMPOSITE_COMPONENT_FAILURE"),
    ]
    in_sync = client.list_sync_resources(
        workspaceId="plant-b-paint-shop", syncSource="SITEWISE", filters=[{"state": "IN_SYNC"}]
    )["syncResources"]
    assert len(in_sync) == 5

    assert state("plant-c-assembly") == "INITIALIZING"
    ep.clock.advance(7)
    assert state("plant-c-assembly") == "ACTIVE"  # at 12 s
    assert client.get_sync_job(workspaceId="plant-a-press-line", syncSource="SITEWISE")["arn"] == (
        "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/plant-a-press-line/sync-job/SITEWISE"
    )
