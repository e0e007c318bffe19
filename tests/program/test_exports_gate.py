"""The stack's `syncJobs` export is exactly what the gate CLI reads from `pulumi stack output --json`."""

from __future__ import annotations

import json

import pytest

from tests.program.harness import REGION, ProgramRun, load_program, stack_config
from twinmaker_infra import outputs as keys
from validators.inputs import read_pulumi_outputs
from validators.model import Target

pytestmark = pytest.mark.program


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return load_program(stack_config(workspaces=[{"id": "plant-a"}, {"id": "plant_b"}, {"id": "Line_3"}]))


def test_stack_outputs_feed_the_gate_cli_reader(run: ProgramRun) -> None:
    # `pulumi stack output --json` prints every output as one JSON object.
    printed = json.dumps(run.outputs, indent=2)
    assert read_pulumi_outputs(printed) == [
        Target("plant-a", "SITEWISE", REGION),
        Target("plant_b", "SITEWISE", REGION),
        Target("Line_3", "SITEWISE", REGION),
    ]


def test_sync_jobs_items_carry_exactly_the_contract_keys(run: ProgramRun) -> None:
    assert all(
        set(item) == {keys.JOB_WORKSPACE_ID, keys.JOB_SYNC_SOURCE, keys.JOB_REGION, keys.JOB_ARN}
        for item in run.outputs[keys.SYNC_JOBS]
    )
    assert (keys.SYNC_JOBS, keys.JOB_WORKSPACE_ID, keys.JOB_SYNC_SOURCE) == (
        "syncJobs",
        "workspaceId",
        "syncSource",
    )
