"""`gateMode: resource` under mocks: one SyncJobGate per sync job, through one twinmaker-sync-gate
provider with the gate's budget, the job's identity and ARN as inputs, and the gate's deadline as the
engine's customTimeouts. (The plugin's waits run on the real engine: tests/e2e/test_plugin_up.py.)"""

from __future__ import annotations

import pytest

from tests.program.harness import REGION, ProgramRun, load_program, stack_config
from validators.pulumi.spec import PACKAGE, RESOURCE_TOKEN
from validators.version import __version__

SYNC_JOB_TYPE = "aws-native:iottwinmaker:SyncJob"
PROVIDER_TYPE = f"pulumi:providers:{PACKAGE}"
IDS = ["plant-a", "plant_b"]


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return load_program(
        stack_config(
            workspaces=[{"id": i} for i in IDS],
            gateMode="resource",
            gateTimeout="45m",
            gateMaxRps="4",
            gateCheckResources="true",
        )
    )


def test_one_gate_per_sync_job_with_the_jobs_identity_and_arn(run: ProgramRun) -> None:
    jobs = {job.inputs["workspaceId"]: job for job in run.of_type(SYNC_JOB_TYPE)}
    gates = run.of_type(RESOURCE_TOKEN)
    assert sorted(g.inputs["workspaceId"] for g in gates) == IDS
    for gate in gates:
        job = jobs[gate.inputs["workspaceId"]]
        assert gate.inputs["syncSource"] == "SITEWISE"
        # The job's ARN (from its outputs): a replaced job replaces the gate, which waits again.
        assert gate.inputs["syncJobArn"].endswith(f"workspace/{gate.inputs['workspaceId']}/sync-job/SITEWISE")
        assert job.urn in gate.property_dependencies["syncJobArn"]
        assert gate.inputs["checkResources"] is True
        assert gate.parent == run.by_urn(job.parent).urn  # beside its job, in the workspace component
    assert not any(r.hooks for r in run.registrations) and run.hook_names == []  # no hooks in this mode


def test_the_gates_deadline_is_its_timeout_and_the_engines_custom_timeout(run: ProgramRun) -> None:
    for gate in run.of_type(RESOURCE_TOKEN):
        assert gate.inputs["timeout"] == 2700  # gateTimeout 45m
        assert gate.custom_timeouts == ("2700s", "2700s")


def test_a_zero_gate_timeout_is_one_look_not_the_engines_unset_timeout() -> None:
    zero = load_program(stack_config(workspaces=[{"id": "solo-1"}], gateMode="resource", gateTimeout="0"))
    [gate] = zero.of_type(RESOURCE_TOKEN)
    assert gate.inputs["timeout"] == 0
    assert gate.custom_timeouts == ("", "")


def test_every_gate_uses_one_provider_with_the_budget_and_region(run: ProgramRun) -> None:
    [provider] = run.of_type(PROVIDER_TYPE)
    assert provider.inputs["maxRps"] == 4
    assert provider.inputs["region"] == REGION
    # The plugin the engine must load is this distribution's version.
    assert {provider.version, *(g.version for g in run.of_type(RESOURCE_TOKEN))} == {__version__}
    assert {g.provider.rsplit("::", 1)[0] for g in run.of_type(RESOURCE_TOKEN)} == {provider.urn}


def test_no_stack_output_waits_for_a_gate(run: ProgramRun) -> None:
    """A failed gate's outputs never resolve, and the stack's outputs are registered in one call once
    all are known: an output built from a gate would keep a failed update from recording `syncJobs`
    (on the engine: tests/e2e/test_plugin_up.py). The verdicts are the gates' own outputs."""
    assert set(run.outputs) == {"syncJobs", "workspaces"}
    assert sorted(j["workspaceId"] for j in run.outputs["syncJobs"]) == IDS


def test_the_stack_mode_registers_no_gate_and_no_gate_provider() -> None:
    run = load_program(stack_config(workspaces=[{"id": "solo-1"}], gateMode="stack"))
    assert run.of_type(RESOURCE_TOKEN) == [] and run.of_type(PROVIDER_TYPE) == []


def test_a_disabled_gate_registers_no_gate() -> None:
    run = load_program(stack_config(workspaces=[{"id": "solo-1"}], gateMode="resource", gateEnabled="false"))
    assert run.of_type(RESOURCE_TOKEN) == []
