"""Targets from `--pulumi-outputs` and `--terraform-outputs` (files and stdin), combined with
`--workspace-id`, gated end to end against the local endpoint through the CLI in this process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.http.harness import WallEndpoint, job, run_gate, states

pytestmark = pytest.mark.http

ERROR_STEP = {"at": 0.1, "state": "ERROR", "error": {"code": "SYNC_CREATING_ERROR", "message": "role"}}


def plant(*workspaces: tuple[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A scenario with one workspace and SITEWISE job per (workspace, states)."""
    return {
        "workspaces": [{"workspaceId": ws} for ws, _ in workspaces],
        "syncJobs": [job(ws, steps) for ws, steps in workspaces],
    }


def pulumi_outputs(*jobs: dict[str, Any]) -> str:
    """What `pulumi stack output --json` prints for the program: other outputs next to `syncJobs`."""
    return json.dumps({"bucketName": "twinmaker-plant-123456789012", "syncJobs": list(jobs)}, indent=2)


def terraform_outputs(*jobs: dict[str, Any]) -> str:
    """What `terraform output -json` prints: each output an object with `sensitive`, `type`, `value`."""
    return json.dumps(
        {
            "bucket_name": {"sensitive": False, "type": "string", "value": "twinmaker-plant"},
            "sync_jobs": {"sensitive": False, "type": ["list", ["object", {}]], "value": list(jobs)},
        },
        indent=2,
    )


def test_pulumi_outputs_file_gates_every_sync_job_of_the_stack(
    endpoint: WallEndpoint, tmp_path: Path
) -> None:
    scenario = plant(("plant-a", states((0, "CREATING"), (0.1, "ACTIVE"))), ("plant-b", [ERROR_STEP]))
    # plant-b lives in Ireland only: read in the default region it would not be found.
    scenario["workspaces"][1]["region"] = scenario["syncJobs"][1]["region"] = "eu-west-1"
    ep = endpoint(scenario)
    outputs = tmp_path / "stack-outputs.json"
    outputs.write_text(
        pulumi_outputs(
            {"workspaceId": "plant-a", "syncSource": "SITEWISE", "region": "us-east-1", "arn": "arn:x"},
            {"workspaceId": "plant-b", "region": "eu-west-1"},
        )
    )

    run = run_gate(ep.url, "--pulumi-outputs", str(outputs), "--output", "json")

    assert run.code == 1
    jobs = [(j["workspaceId"], j["syncSource"], j["region"], j["outcome"]) for j in run.document["jobs"]]
    assert jobs == [
        ("plant-a", "SITEWISE", "us-east-1", "active"),
        ("plant-b", "SITEWISE", "eu-west-1", "error"),  # each target is read in its own region
    ]
    assert run.job("plant-b")["error"] == {"code": "SYNC_CREATING_ERROR", "message": "role"}
    assert run.job("plant-b")["arn"] == ep.store.job_arn("plant-b", "SITEWISE", region="eu-west-1")
    assert ep.stats.by_region["eu-west-1"] >= 1


def test_pulumi_outputs_on_stdin_combine_with_workspace_ids_without_repeats(endpoint: WallEndpoint) -> None:
    ep = endpoint(
        plant(
            (
                "plant-a",
                states(
                    (0, "ACTIVE"),
                ),
            ),
            (
                "plant-c",
                states(
                    (0, "ACTIVE"),
                ),
            ),
        )
    )
    stdin = pulumi_outputs({"workspaceId": "plant-a", "region": "us-east-1"})

    # plant-a twice: from the stack (region named) and by flag (the default region, the same one).
    run = run_gate(ep.url, "--pulumi-outputs", "-", "--workspace-id", "plant-a", "--workspace-id", "plant-c",
                   "--output", "json", stdin=stdin)  # fmt: skip

    assert run.code == 0
    assert [(j["workspaceId"], j["outcome"]) for j in run.document["jobs"]] == [
        ("plant-a", "active"),
        ("plant-c", "active"),
    ]
    assert ep.stats.by_operation["GetSyncJob"] == 2  # one target each, polled once each


def test_terraform_outputs_file_gates_the_sync_jobs_value(endpoint: WallEndpoint, tmp_path: Path) -> None:
    ep = endpoint(
        plant(
            (
                "tf-a",
                states(
                    (0, "ACTIVE"),
                ),
            ),
            ("tf-b", states((0, "CREATING"), (0.1, "ACTIVE"))),
        )
    )
    outputs = tmp_path / "tf-outputs.json"
    outputs.write_text(
        terraform_outputs(
            {"workspace_id": "tf-a", "sync_source": None, "region": None},
            {"workspace_id": "tf-b", "sync_source": "SITEWISE", "region": "us-east-1"},
        )
    )

    run = run_gate(ep.url, "--terraform-outputs", str(outputs), "--output", "json")

    assert run.code == 0
    assert [(j["workspaceId"], j["syncSource"], j["outcome"]) for j in run.document["jobs"]] == [
        ("tf-a", "SITEWISE", "active"),
        ("tf-b", "SITEWISE", "active"),
    ]


def test_terraform_outputs_on_stdin_report_a_failed_job(endpoint: WallEndpoint) -> None:
    ep = endpoint(plant(("tf-c", [ERROR_STEP])))

    run = run_gate(ep.url, "--terraform-outputs", "-", stdin=terraform_outputs({"workspace_id": "tf-c"}))

    assert run.code == 1
    row = next(line for line in run.stdout.splitlines() if line.startswith("tf-c/SITEWISE  "))
    assert row.split()[:4] == ["tf-c/SITEWISE", "us-east-1", "error", "ERROR"]
    assert row.endswith("SYNC_CREATING_ERROR: role")


@pytest.mark.parametrize(
    ("option", "content", "message"),
    [
        ("--pulumi-outputs", "{not json", "outputs.json: is not valid JSON (line 1, column 2"),
        ("--pulumi-outputs", json.dumps({"bucketName": "b"}), "has no stack output syncJobs"),
        (
            "--terraform-outputs",
            json.dumps({"sync_jobs": {"value": [{"workspace_id": "bad id!"}]}}),
            'sync_jobs.value[0].workspace_id "bad id!" is not a workspace ID',
        ),
    ],
    ids=["not-json", "no-syncJobs", "bad-workspace-id"],
)
def test_bad_outputs_file_is_one_line_exit_2_and_no_request(
    endpoint: WallEndpoint, tmp_path: Path, option: str, content: str, message: str
) -> None:
    ep = endpoint(
        plant(
            (
                "plant-a",
                states(
                    (0, "ACTIVE"),
                ),
            )
        )
    )
    outputs = tmp_path / "outputs.json"
    outputs.write_text(content)

    run = run_gate(ep.url, option, str(outputs), "--workspace-id", "plant-a")

    assert run.code == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1
    assert run.stderr.startswith("python -m validators wait: error: ")
    assert message in run.stderr
    assert ep.stats.total == 0


def test_missing_outputs_file_is_one_line_exit_2(endpoint: WallEndpoint, tmp_path: Path) -> None:
    ep = endpoint(
        plant(
            (
                "plant-a",
                states(
                    (0, "ACTIVE"),
                ),
            )
        )
    )

    run = run_gate(ep.url, "--pulumi-outputs", str(tmp_path / "nope.json"))

    assert (run.code, run.stdout, len(run.stderr.splitlines())) == (2, "", 1)
    assert run.stderr.endswith("nope.json: no such file\n")
    assert ep.stats.total == 0
