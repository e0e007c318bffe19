"""examples/yaml/ by the shell command `pulumi` (no Automation API): the CLI starts the YAML language
host, which type-checks the program against the providers' schemas; each SyncJobGate waits in the
twinmaker-sync-gate plugin's Create; a failed gate is recorded with init errors, fails the update on
its own row and is checked again (Update) by the next `up`. The plugin is found the ways a user
installs one: `plugins.providers` in Pulumi.yaml, PATH, `pulumi plugin install --file TARBALL`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local_cloud.engine import PULUMI_BIN
from local_cloud.yaml_example import GATE_TYPE, LANGUAGE_HOST, YamlStack, example_cloud
from tests.e2e.pulumi_harness import REGION, dump, output_of, scenario
from twinmaker_local import Endpoint, serve
from twinmaker_local.stats import read_stats
from validators.pulumi import tarball

pytestmark = pytest.mark.e2e

SYNC_JOB = "aws-native:iottwinmaker:SyncJob"
A, B = "plant-a", "plant-b"
GATE_A, GATE_B = "syncJobGateA", "syncJobGateB"


def assert_no_traceback(text: str) -> None:
    """A user sees the gate's reason, not Python's frames (the SDK's server appends them to errors)."""
    frame = re.search(r'File "[^"]+", line \d+', text)
    assert frame is None, f"a Python traceback reached the engine's output: {frame.group(0)}\n{text}"


@dataclass
class Example:
    """One stack of the YAML example on a fresh local cloud, with the endpoint it deploys to."""

    stack: YamlStack
    endpoint: Endpoint

    def up(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.stack.run("up", *extra)

    def calls(self, operation: str) -> int:
        return int(self.endpoint.stats.snapshot()["byOperation"].get(operation, 0))

    def script(self, workspace: str, timeline: str) -> None:
        """The job a later CreateSyncJob makes in `workspace` follows `timeline` ("active", "error"...)."""
        self.endpoint.add_sync_job({"workspaceId": workspace, "exists": False, "timeline": timeline})

    def left_on_endpoint(self) -> dict[str, Any]:
        return {k: v for k, v in read_stats(self.endpoint.url)["store"].items() if v}


@pytest.fixture
def example(tmp_path: Path) -> Iterator[Any]:
    """Factory: `example(timeline_a, timeline_b, plugin_source="providers") -> Example` (stack made)."""
    for tool in (PULUMI_BIN, PULUMI_BIN.parent / LANGUAGE_HOST):
        if not tool.exists():
            pytest.fail(f"{tool} is missing: `make pulumi` builds it (make e2e does so first)")
    made: list[Example] = []

    def make(timeline_a: str, timeline_b: str, plugin_source: str = "providers") -> Example:
        endpoint = serve(scenario({A: timeline_a, B: timeline_b}))
        cloud = example_cloud(tmp_path / f"cloud{len(made)}", endpoint.url, REGION, plugin_source)
        run = Example(YamlStack(cloud), endpoint)
        made.append(run)
        run.stack.init(A, B)
        return run

    yield make
    for run in made:
        run.stack.cloud.stop_leftover_plugins()
        run.endpoint.stop()


def test_all_active_up_passes_with_the_outputs_and_destroy_leaves_nothing(example) -> None:
    ex: Example = example("active", "active")
    done = ex.up()
    assert done.returncode == 0, dump(done)
    text = output_of(done)
    assert "warning" not in text.lower(), dump(done)  # the program type-checks against every schema
    jobs = ex.stack.outputs()["syncJobs"]
    assert [(j["workspaceId"], j["syncSource"], j["region"]) for j in jobs] == [
        (A, "SITEWISE", REGION),
        (B, "SITEWISE", REGION),
    ]
    assert all(j["arn"].endswith(f"workspace/{j['workspaceId']}/sync-job/SITEWISE") for j in jobs)
    gates = ex.stack.gates()
    assert {name: g["outputs"]["outcome"] for name, g in gates.items()} == {
        GATE_A: "active",
        GATE_B: "active",
    }
    assert not any(g.get("initErrors") for g in gates.values())
    assert gates[GATE_A]["customTimeouts"]["create"] == 1800  # the example's `customTimeouts: 30m`
    assert ex.stack.cloud.gate(ex.stack.outputs_json(), "--timeout", "30").returncode == 0

    destroyed = ex.stack.run("destroy")
    assert destroyed.returncode == 0, dump(destroyed)
    assert ex.stack.resources() == []
    assert ex.stack.cloud.recorded() == {}
    assert ex.left_on_endpoint() == {}


def test_an_error_job_fails_up_on_its_gate_which_the_next_up_checks_again_until_the_job_is_fixed(
    example,
) -> None:
    ex: Example = example("active", "error")
    done = ex.up()
    text = output_of(done)
    assert done.returncode != 0, dump(done)
    # The reasons on the gate's own row: code, message, failing assets, the inspect command.
    assert f"{GATE_TYPE} ({GATE_B}):" in text, dump(done)
    assert f"TwinMaker sync job {B}/SITEWISE in {REGION} ended in ERROR" in text
    assert "Service error SYNC_PROCESSING_ERROR: Sync job finished with errors" in text
    assert "asset-1" in text and "asset-2" in text
    assert f"Inspect: twinmaker-gate wait --workspace-id {B}" in text
    assert f"SyncJobGate {GATE_A} created" in text
    assert_no_traceback(text)
    # `pulumi stack export`: the failed gate with its outputs and init errors, the healthy one without.
    gates = ex.stack.gates()
    (reason,) = gates[GATE_B]["initErrors"]
    assert "SYNC_PROCESSING_ERROR" in reason and "asset-2" in reason
    assert gates[GATE_B]["outputs"]["outcome"] == "error"
    assert [r["externalId"] for r in gates[GATE_B]["outputs"]["resourceErrors"]] == ["asset-1", "asset-2"]
    assert not gates[GATE_A].get("initErrors")
    # The stack outputs survive the failed update, so the pipeline's CLI gate agrees.
    gate = ex.stack.cloud.gate(ex.stack.outputs_json(), "--output", "json", "--timeout", "30")
    assert gate.returncode == 1, dump(gate)
    assert {j["workspaceId"]: j["outcome"] for j in json.loads(gate.stdout)["jobs"]} == {
        A: "active",
        B: "error",
    }

    # `preview` plans the gate's re-check (an update) and sends no request.
    ex.endpoint.stats.reset()
    previewed = ex.stack.run("preview")
    assert previewed.returncode == 0, dump(previewed)
    assert f"SyncJobGate {GATE_B} update" in output_of(previewed)
    assert ex.endpoint.stats.snapshot()["total"] == 0

    # The next `up` calls Update on the failed gate only: it reads the job again, fails again.
    again = ex.up("--skip-preview")
    text = output_of(again)
    assert again.returncode != 0, dump(again)
    assert f"SyncJobGate {GATE_B} **updating failed**" in text, dump(again)
    assert GATE_A not in text
    assert ex.calls("GetSyncJob") >= 1
    assert ex.stack.gates()[GATE_B]["initErrors"]

    # Fixed: the job re-created (`up --replace` of the SyncJob), this time it becomes ACTIVE.
    ex.script(B, "active")
    fixed = ex.up("--skip-preview", "--replace", ex.stack.urn(SYNC_JOB, "syncJobB"))
    assert fixed.returncode == 0, dump(fixed)
    # The job's new ARN is unknown until it exists, so the gate is replaced with it and waits again.
    assert f"SyncJobGate {GATE_B} created replacement" in output_of(fixed), dump(fixed)
    gates = ex.stack.gates()
    assert gates[GATE_B]["outputs"]["outcome"] == "active" and not gates[GATE_B].get("initErrors")


def test_refresh_updates_the_gates_outputs_from_the_jobs_state(example) -> None:
    ex: Example = example("active", "active")
    assert ex.up("--skip-preview").returncode == 0
    # plant-b's job turns to ERROR after the update (re-scripted in place, as if the sync broke).
    arn = ex.endpoint.add_sync_job(
        {"workspaceId": B, "syncRole": "arn:aws:iam::123456789012:role/r", "timeline": "error"}
    )
    time.sleep(2.5)  # the "error" timeline reaches ERROR after 2 s
    done = ex.stack.run("refresh", "--skip-preview")
    assert done.returncode == 0, dump(done)
    gates = ex.stack.gates()
    assert gates[GATE_B]["outputs"]["state"] == "ERROR", dump(done)
    assert gates[GATE_B]["outputs"]["errorCode"] == "SYNC_PROCESSING_ERROR"
    assert gates[GATE_B]["outputs"]["syncJobArn"] == arn
    assert gates[GATE_A]["outputs"]["state"] == "ACTIVE"
    assert "Refreshed resource is in an unhealthy state" in output_of(done)


def _plugin_pids(parent: int) -> list[int]:
    """The gate plugin processes the process `parent` started (Linux /proc). The CLI starts one to
    serve the update; the YAML host starts another of its own, only to read its schema."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if b"pulumi-resource-twinmaker-sync-gate" in cmdline and ppid == parent:
                found.append(int(entry.name))
    return found


def _start_up(ex: Example) -> subprocess.Popen[str]:
    """`pulumi up` in its own session (a terminal's foreground job), once both gates are waiting."""
    child = subprocess.Popen(
        ex.stack.argv("up", "--skip-preview"),
        cwd=ex.stack.cloud.work_dir,
        env=ex.stack.cloud.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while ex.calls("GetSyncJob") < 2 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.2)
    if ex.calls("GetSyncJob") < 2:
        child.kill()
        pytest.fail(f"the gates never started waiting:\n{child.communicate()[0]}")
    return child


def test_ctrl_c_while_the_gates_wait_ends_the_update_within_seconds(example) -> None:
    ex: Example = example("slow", "slow")
    child = _start_up(ex)
    pressed = time.monotonic()
    os.killpg(child.pid, signal.SIGINT)  # Ctrl-C at a terminal reaches the foreground process group
    output, _ = child.communicate(timeout=60)
    took = time.monotonic() - pressed
    assert child.returncode != 0, output
    assert took < 15, f"took {took:.1f}s:\n{output}"
    assert "the gate was cancelled before a verdict" in output
    assert_no_traceback(output)
    exported = json.loads(ex.stack.cloud.pulumi(["stack", "export"], check=True).stdout)
    assert not exported["deployment"].get("pending_operations"), output
    assert not ex.stack.gates()  # the cancelled Creates recorded nothing: the next `up` waits again
    calls = ex.calls("GetSyncJob")
    time.sleep(2.5)
    assert ex.calls("GetSyncJob") == calls  # no wait left polling behind the engine's back


def test_killing_the_plugin_mid_wait_fails_the_update_and_the_next_up_gates_again(example) -> None:
    ex: Example = example("slow", "slow")
    child = _start_up(ex)
    (pid,) = _plugin_pids(child.pid)
    os.kill(pid, signal.SIGKILL)
    output, _ = child.communicate(timeout=60)
    assert child.returncode != 0, output
    assert "exited prematurely" in output and "error reading from server: EOF" in output, output
    assert_no_traceback(output)
    assert not ex.stack.gates()
    # The jobs become ACTIVE (re-scripted in place); the next `up` creates the gates again and waits.
    for workspace in (A, B):
        ex.endpoint.add_sync_job(
            {"workspaceId": workspace, "syncRole": "arn:aws:iam::123456789012:role/r", "timeline": "active"}
        )
    ex.endpoint.stats.reset()
    again = ex.up("--skip-preview")
    assert again.returncode == 0, dump(again)
    assert ex.calls("GetSyncJob") >= 2
    assert {g["outputs"]["outcome"] for g in ex.stack.gates().values()} == {"active"}


@pytest.mark.parametrize("plugin_source", ["path", "installed"])
def test_the_plugin_is_found_on_path_or_installed_from_its_tarball(
    example, plugin_source: str, tmp_path: Path
) -> None:
    ex: Example = example("active", "error", plugin_source)
    if plugin_source == "installed":
        # What `make plugin-tarball` writes, installed as a user installs a plugin archive.
        ex.stack.cloud.install_gate_plugin(tarball.build(tmp_path / "dist"))
    done = ex.up("--skip-preview")
    assert done.returncode != 0, dump(done)
    assert f"{GATE_TYPE} ({GATE_B}):" in output_of(done)
    ambient = "warning: using pulumi-resource-twinmaker-sync-gate from $PATH"
    assert (ambient in output_of(done)) == (plugin_source == "path"), dump(done)
    assert ex.stack.gates()[GATE_B]["initErrors"]
