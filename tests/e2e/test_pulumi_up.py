"""`pulumi up` on the real engine: the gate hook runs after each SyncJob is created and fails the
update when a job ends in ERROR, naming the job, the service's code and message and the failing assets.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.pulumi_harness import SYNC_JOB_TYPE, Deployment, deploy, dump, output_of

pytestmark = pytest.mark.e2e

__all__ = ["deploy"]  # the fixture, imported for pytest


def test_all_active_up_succeeds_and_the_stack_outputs_feed_the_cli_gate(deploy) -> None:
    d: Deployment = deploy({"plant-a": "active", "plant-b": "active"})
    done = d.up()
    assert done.returncode == 0, dump(done)
    assert d.calls("GetSyncJob") >= 2  # the hooks really polled
    outputs = d.cloud.pulumi(["stack", "output", "--json", "--stack", d.stack], check=True).stdout
    jobs = json.loads(outputs)["syncJobs"]
    assert sorted(j["workspaceId"] for j in jobs) == ["plant-a", "plant-b"]
    assert all(j["arn"].startswith("arn:aws:iottwinmaker:us-east-1:") for j in jobs)
    gate = d.gate_cli(outputs)
    assert gate.returncode == 0, dump(gate)


def test_an_error_job_fails_up_with_the_hook_the_urn_the_code_and_the_failing_assets(deploy) -> None:
    d: Deployment = deploy({"plant-a": "active", "plant-b": "error"})
    done = d.up()
    text = output_of(done)
    assert done.returncode != 0, dump(done)
    assert "twinmaker-sync-gate" in text
    assert re.search(
        r"urn:pulumi:e2e::twinmaker-sync::.*aws-native:iottwinmaker:SyncJob::plant-b-sync-job", text
    )
    assert "plant-b/SITEWISE" in text
    assert "SYNC_PROCESSING_ERROR" in text
    assert "Sync job finished with errors" in text
    assert "asset-1" in text and "asset-2" in text
    # The job stays in the state: the after-hook failed after the create succeeded.
    assert any("plant-b-sync-job" in urn for urn in d.sync_job_urns()), dump(done)


def test_a_second_up_does_not_regate_a_failed_job_and_replace_does(deploy) -> None:
    d: Deployment = deploy({"plant-b": "error"})
    first = d.up()
    assert first.returncode != 0, dump(first)
    polls = d.calls("GetSyncJob")

    second = d.up()
    assert second.returncode == 0, dump(second)  # no change: the hook does not run again
    assert d.calls("GetSyncJob") == polls

    (urn,) = d.sync_job_urns()
    replaced = d.up("--replace", urn)
    assert replaced.returncode != 0, dump(replaced)
    assert "SYNC_PROCESSING_ERROR" in output_of(replaced)
    assert d.calls("GetSyncJob") > polls


def test_preview_creates_nothing_and_sends_no_get_sync_job(deploy) -> None:
    d: Deployment = deploy({"plant-a": "active"})
    done = d.preview()
    assert done.returncode == 0, dump(done)
    assert d.calls("GetSyncJob") == 0
    assert d.calls("CreateWorkspace") == 0
    assert d.calls("CreateSyncJob") == 0
    assert SYNC_JOB_TYPE in output_of(done) or "plant-a-sync-job" in output_of(done)


def test_gate_disabled_binds_no_hook(deploy) -> None:
    d: Deployment = deploy({"plant-b": "error"}, gateEnabled=False)
    done = d.up()
    assert done.returncode == 0, dump(done)
    assert d.calls("GetSyncJob") == 0
    assert "twinmaker-sync-gate" not in output_of(done)


def test_a_config_error_stops_preview_with_the_programs_one_line(deploy) -> None:
    d: Deployment = deploy({"plant-a": "active"})
    d.cloud.write_stack_config(
        d.stack,
        {
            "aws:region": "us-east-1",
            "aws-native:region": "us-east-1",
            "twinmaker-sync:workspaces": [{"id": "bad id!"}],
        },
    )
    done = d.preview()
    assert done.returncode != 0, dump(done)
    text = output_of(done)
    assert "bad id!" in text
    assert "Traceback" not in text


def test_destroy_leaves_no_workspace_on_the_endpoint_and_nothing_in_the_account(deploy) -> None:
    d: Deployment = deploy({"plant-a": "active", "plant-b": "error"})
    d.up()
    done = d.destroy()
    assert done.returncode == 0, dump(done)
    assert d.calls("DeleteSyncJob") == 2
    assert d.calls("DeleteWorkspace") == 2
    assert d.cloud.recorded() == {}
    assert d.cloud.stack_resources(d.stack) == []
