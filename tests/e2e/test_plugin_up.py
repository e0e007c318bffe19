"""`gateMode: resource` on the real engine: each SyncJobGate's Create waits in the twinmaker-sync-gate
plugin (the console script, installed into the local cloud's PULUMI_HOME with `pulumi plugin install
--file`), a failed gate is recorded with init errors and checked again (Update) by the next `up`.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.e2e.pulumi_harness import Deployment, deploy, dump, output_of
from validators.pulumi.spec import PACKAGE, RESOURCE_TOKEN
from validators.version import __version__

pytestmark = pytest.mark.e2e

__all__ = ["deploy"]  # the fixture, imported for pytest


def gates(d: Deployment) -> dict[str, dict]:
    """The SyncJobGates in the state, by workspace."""
    return {
        r["inputs"]["workspaceId"]: r
        for r in d.cloud.stack_resources(d.stack)
        if r.get("type") == RESOURCE_TOKEN
    }


@pytest.fixture
def gated(deploy):
    """`deploy` in `gateMode: resource`, the gate's console script installed as a user installs it.
    (The `deploy` fixture stops the plugins a cancelled engine leaves running.)"""

    def make(timelines: dict[str, str], **program) -> Deployment:
        d: Deployment = deploy(timelines, gateMode="resource", **program)
        d.cloud.install_gate_plugin()
        return d

    return make


def test_up_passes_when_every_job_is_active_with_each_verdict_on_its_gate(gated) -> None:
    d = gated({"plant-a": "active", "plant-b": "active"})
    done = d.up()
    assert done.returncode == 0, dump(done)
    found = gates(d)
    assert sorted(found) == ["plant-a", "plant-b"]
    assert all(g["outputs"]["outcome"] == "active" and not g.get("initErrors") for g in found.values())
    # The stack outputs hold nothing built from a gate (see the next test): the jobs, for the CLI gate.
    outputs = d.cloud.stack_outputs(d.stack)
    assert sorted(outputs) == ["syncJobs", "workspaces"]


def test_an_error_job_fails_up_on_the_gates_row_and_the_next_up_checks_it_again(gated) -> None:
    d = gated({"plant-a": "active", "plant-b": "error"})
    done = d.up()
    text = output_of(done)
    assert done.returncode != 0, dump(done)
    # The reasons on the gate's own row: code, message, failing assets, the inspect command.
    assert "twinmaker-sync-gate:index:SyncJobGate (plant-b-sync-gate):" in text, dump(done)
    assert "TwinMaker sync job plant-b/SITEWISE in us-east-1 ended in ERROR" in text
    assert "Service error SYNC_PROCESSING_ERROR: Sync job finished with errors" in text
    assert "asset-1" in text and "asset-2" in text
    assert "Inspect: twinmaker-gate wait --workspace-id plant-b" in text
    assert "re-create the job with `pulumi up --replace" in text  # a job in ERROR stays in ERROR
    assert "Traceback" not in text
    # Progress on the gate's row, one status per state change.
    assert re.search(r"SyncJobGate plant-b-sync-gate creating \(\d+s\) CREATING \(\d+s, 1 poll\)", text), text
    # Recorded with its outputs and init errors (a partial failure), the healthy gate without.
    found = gates(d)
    failed = found["plant-b"]
    assert failed["outputs"]["outcome"] == "error"
    assert failed["outputs"]["errorCode"] == "SYNC_PROCESSING_ERROR"
    assert [r["externalId"] for r in failed["outputs"]["resourceErrors"]] == ["asset-1", "asset-2"]
    (reason,) = failed["initErrors"]
    assert "SYNC_PROCESSING_ERROR" in reason and "asset-2" in reason
    assert found["plant-a"]["outputs"]["outcome"] == "active" and not found["plant-a"].get("initErrors")
    # The failed update still recorded the stack outputs: a pipeline's CLI gate step can read them and
    # reaches the same verdicts.
    outputs = d.cloud.pulumi(["stack", "output", "--json", "--stack", d.stack], check=True).stdout
    jobs = json.loads(outputs)["syncJobs"]
    assert sorted(j["workspaceId"] for j in jobs) == ["plant-a", "plant-b"], outputs
    gate = d.gate_cli(outputs)
    assert gate.returncode == 1, dump(gate)
    assert "plant-b" in gate.stdout + gate.stderr

    # The next `up` calls Update on the failed gate only (the engine's "continue awaiting
    # initialization"): one more look, still ERROR, the update fails again.
    polls = d.calls("GetSyncJob")
    again = d.up()
    text = output_of(again)
    assert again.returncode != 0, dump(again)
    assert "SyncJobGate plant-b-sync-gate **updating failed**" in text, dump(again)
    assert "plant-a-sync-gate" not in text  # the healthy gate is not touched
    assert "SYNC_PROCESSING_ERROR" in text
    assert d.calls("GetSyncJob") == polls + 1
    assert gates(d)["plant-b"]["initErrors"]


def test_preview_sends_no_request_and_shows_the_gates(gated) -> None:
    d = gated({"plant-a": "active"})
    done = d.preview()
    assert done.returncode == 0, dump(done)
    assert d.calls("GetSyncJob") == 0 and d.calls("CreateSyncJob") == 0
    assert "plant-a-sync-gate" in output_of(done)


def test_refresh_reads_each_gate_once_and_keeps_a_failed_ones_init_errors(gated) -> None:
    d = gated({"plant-a": "active", "plant-b": "error"})
    assert d.up().returncode != 0
    polls = d.calls("GetSyncJob")
    done = d.cloud.run("refresh", d.stack)
    assert done.returncode == 0, dump(done)
    # One look per gate (and one read per SyncJob by the aws-native double's own refresh), no waiting.
    assert d.calls("GetSyncJob") == polls + 2 + 2
    assert "Refreshed resource is in an unhealthy state" in output_of(done)
    found = gates(d)
    assert found["plant-b"]["outputs"]["polls"] == 1 and found["plant-b"]["outputs"]["outcome"] == "error"
    assert "SYNC_PROCESSING_ERROR" in found["plant-b"]["initErrors"][0]
    assert found["plant-a"]["outputs"]["polls"] == 1 and not found["plant-a"].get("initErrors")


def test_ctrl_c_while_a_gate_waits_ends_within_seconds_with_nothing_pending(gated) -> None:
    d = gated({"slow-1": "slow"})
    returncode, output, took = d.ctrl_c_while_waiting()
    assert returncode != 0, output
    assert took < 15, f"took {took:.1f}s"
    assert "Traceback" not in output
    exported = json.loads(d.cloud.pulumi(["stack", "export", "--stack", d.stack], check=True).stdout)
    assert not exported["deployment"].get("pending_operations")
    assert "slow-1" not in gates(d)  # the cancelled Create recorded nothing: the next `up` waits again
    calls = d.calls("GetSyncJob")
    time.sleep(2.5)
    assert d.calls("GetSyncJob") == calls  # no wait left polling behind the engine's back


def test_the_tarball_installs_with_pulumi_plugin_install_and_gates_an_up(deploy, tmp_path: Path) -> None:
    from validators.pulumi.tarball import build

    d: Deployment = deploy({"plant-a": "active"}, gateMode="resource")
    tarball = build(tmp_path / "dist")
    d.cloud.install_gate_plugin(tarball)
    listed = d.cloud.pulumi(["plugin", "ls"], check=True).stdout
    assert re.search(rf"{PACKAGE}\s+resource\s+{re.escape(__version__)}", listed), listed
    done = d.up()
    assert done.returncode == 0, dump(done)
    assert gates(d)["plant-a"]["outputs"]["outcome"] == "active"
