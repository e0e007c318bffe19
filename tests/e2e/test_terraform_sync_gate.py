"""terraform/sync-gate on the real OpenTofu engine (the pinned build), against the local TwinMaker endpoint.

What a Terraform user relies on: `init` downloads nothing; `plan` runs no gate; `apply` passes when the
sync jobs end ACTIVE and fails, naming the job, the service's error code and message and the failing
resources, when one ends in ERROR; a replaced job is gated again (and only that job); `destroy` works;
bad input fails at `plan` with the module's own message.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.e2e.terraform_harness import (
    GATE_BIN,
    ROOT,
    ROOT_MODULE,
    TOFU,
    TofuProject,
    gate_address,
    gated_keys,
    require_tofu,
    tofu,
)

pytestmark = pytest.mark.e2e

__all__ = ["tofu"]  # the fixture, imported so pytest finds it

JOBS = {"press": {"workspace_id": "plant-a-press-line"}, "assembly": {"workspace_id": "plant-c-assembly"}}
A, C = "plant-a-press-line/SITEWISE", "plant-c-assembly/SITEWISE"
B = "plant-b-paint-shop/SITEWISE"


def test_init_downloads_nothing_and_writes_nothing_into_the_module(tofu: TofuProject) -> None:
    # The fixture's init already succeeded with providers allowed only from an empty mirror and HTTPS
    # sent to a closed port; run it again to read what it says.
    run = tofu.init()
    assert "OpenTofu has been successfully initialized!" in run.stdout
    assert "Installing" not in run.stdout and "Finding" not in run.stdout, run.stdout
    assert sorted(p.name for p in ROOT_MODULE.iterdir()) == ["main.tf"], "init wrote into the module"
    assert not any(tofu.workdir.joinpath("plugin-cache").iterdir())


def test_plan_shows_one_gate_per_job_and_calls_nothing(tofu: TofuProject) -> None:
    tofu.set_jobs(JOBS)
    run = tofu.plan()
    assert run.code == 0, str(run)
    for key in (A, C):
        assert f"# {gate_address(key)} will be created" in run.stdout
    assert "Plan: 4 to add, 0 to change, 0 to destroy." in run.stdout
    assert gated_keys(run) == set()
    assert tofu.endpoint.stats.snapshot()["total"] == 0, "plan made a request to the service"


def test_apply_passes_when_every_job_ends_active_and_outputs_feed_the_cli(tofu: TofuProject) -> None:
    # The assembly job names its region; the press job takes the gate's (--region in gate_options).
    # The endpoint keeps each region apart: a gate that asked the wrong region would find nothing.
    options = [*tofu.gate_options, "--region", "eu-west-1"]
    tofu.set_jobs({**JOBS, "assembly": {"workspace_id": "plant-c-assembly", "region": "us-east-1"}}, options)
    tofu.create_jobs(
        {"plant-a-press-line": "active", "plant-c-assembly": "late-active"},
        regions={"plant-a-press-line": "eu-west-1", "plant-c-assembly": "us-east-1"},
    )
    run = tofu.apply()
    assert run.code == 0, str(run)
    c_key = f"us-east-1/{C}"
    assert gated_keys(run) == {A, c_key}
    # The gate's own lines, attributed to each job's resource: it waited, then let the job pass.
    assert "plant-c-assembly/SITEWISE: not visible yet" in run.stdout
    assert "INITIALIZING -> ACTIVE" in run.stdout
    for key in (A, c_key):
        assert f"{gate_address(key)}: Creation complete" in run.stdout
    assert "Apply complete! Resources: 4 added, 0 changed, 0 destroyed." in run.stdout
    # A job's own region comes after gate_options, so it wins over their --region.
    assert re.search(r"plant-a-press-line/SITEWISE +eu-west-1 +active +ACTIVE", run.stdout), run.stdout
    assert re.search(r"plant-c-assembly/SITEWISE +us-east-1 +active +ACTIVE", run.stdout), run.stdout

    # `terraform output -json` is what --terraform-outputs reads: the CLI gates the same jobs from it.
    outputs = tofu.output_json()
    value = json.loads(outputs)["sync_jobs"]["value"]
    assert [(j["workspace_id"], j["sync_source"], j["region"]) for j in value] == [
        ("plant-a-press-line", "SITEWISE", None),
        ("plant-c-assembly", "SITEWISE", "us-east-1"),
    ]
    gate = subprocess.run(
        [str(GATE_BIN / "twinmaker-gate"), "wait", "--terraform-outputs", "-", *options],
        input=outputs, env=tofu.env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "result: active, exit code 0, " in gate.stdout and "(2 targets: 2 active)" in gate.stdout

    # A second apply with nothing changed gates nothing and calls nothing.
    before = tofu.gate_requests()
    again = tofu.apply()
    assert again.code == 0 and "No changes." in again.stdout, str(again)
    assert gated_keys(again) == set() and tofu.gate_requests() == before


def test_apply_fails_on_an_error_job_with_code_message_and_failing_resources(tofu: TofuProject) -> None:
    tofu.set_jobs({**JOBS, "paint": {"workspace_id": "plant-b-paint-shop"}})
    tofu.create_jobs(
        {"plant-a-press-line": "active", "plant-b-paint-shop": "error", "plant-c-assembly": "active"}
    )
    run = tofu.apply()
    assert run.code == 1, str(run)
    assert gated_keys(run) == {A, B, C}
    for key in (A, C):
        assert f"{gate_address(key)}: Creation complete" in run.stdout
    # The error names the failing job's resource, and carries the gate's verdict: code, message, and
    # every sync resource in ERROR with its own code and message.
    assert f"Error: local-exec provisioner error with {gate_address(B)}" in run.text, str(run)
    for expected in (
        "error: SYNC_PROCESSING_ERROR: Sync job finished with errors: 2 of 3 resources failed to sync.",
        "2 resources in ERROR",
        "ENTITY asset-paint-robot-1 (id paint-robot-1): PROCESSING_ERROR: property 'Zones' has data type "
        "STRUCT",
        "COMPONENT_TYPE model-oven (id oven-type): COMPOSITE_COMPONENT_FAILURE: asset model no longer exists",
        "result: error, exit code 1",
    ):
        assert expected in run.text, f"missing {expected!r} in\n{run}"
    assert "asset-conveyor" not in run.text  # IN_SYNC resources are not failures
    # It waited for the verdict: the job was CREATING or INITIALIZING when first seen (its timeline
    # starts at the first gate's first request and ends in ERROR two seconds later).
    assert re.search(r"plant-b-paint-shop/SITEWISE: (CREATING|INITIALIZING) -> ERROR", run.text), str(run)

    # The failed gate is tainted: the next plan re-gates that job only; once it is fixed, apply passes.
    plan = tofu.plan()
    assert f"# {gate_address(B)} is tainted, so it must be replaced" in plan.stdout, str(plan)
    assert "Plan: 1 to add, 0 to change, 1 to destroy." in plan.stdout
    tofu.create_jobs({"plant-b-paint-shop": "active"})
    fixed = tofu.apply()
    assert fixed.code == 0, str(fixed)
    assert gated_keys(fixed) == {B}


def test_a_replaced_job_is_gated_again_and_only_that_job(tofu: TofuProject) -> None:
    tofu.set_jobs(JOBS)
    tofu.create_jobs({"plant-a-press-line": "active", "plant-c-assembly": "active"})
    assert tofu.apply().code == 0

    # Retuning the gate is not a new job: nothing to do.
    tofu.set_jobs(JOBS, gate_options=[*tofu.gate_options, "--max-interval", "1"])
    assert "No changes." in tofu.plan().stdout

    # A new sync role replaces the job (as in awscc, every input forces replacement); its ARN is unknown
    # until the new job exists, so its gate is replaced too and runs again. This time the job fails.
    tofu.set_jobs(
        {
            **JOBS,
            "press": {
                "workspace_id": "plant-a-press-line",
                "sync_role": "arn:aws:iam::123456789012:role/new",
            },
        }
    )
    plan = tofu.plan()
    assert f"# {gate_address(A)} must be replaced" in plan.stdout, str(plan)
    assert f"# {gate_address(C)}" not in plan.stdout
    tofu.create_jobs({"plant-a-press-line": "error"})
    run = tofu.apply()
    assert run.code == 1, str(run)
    assert gated_keys(run) == {A}
    # This job was created just now, on a running clock: the gate may first see it in ERROR already.
    assert re.search(
        r"plant-a-press-line/SITEWISE: (\w+ -> )?ERROR \(\d+ polls?\) => error: SYNC_PROCESSING_ERROR",
        run.text,
    )

    # A job whose identity changes (here its workspace) is a new job: gated; the old gate goes away.
    tofu.create_jobs({"plant-a-press-line": "active", "plant-d-body-shop": "active"})
    tofu.set_jobs({**JOBS, "press": {"workspace_id": "plant-d-body-shop"}})
    moved = tofu.apply()
    assert moved.code == 0, str(moved)
    assert gated_keys(moved) == {"plant-d-body-shop/SITEWISE"}
    assert f"{gate_address(A)}: Destruction complete" in moved.stdout


def test_destroy_removes_every_gate_without_calling_the_service(tofu: TofuProject) -> None:
    tofu.set_jobs(JOBS)
    tofu.create_jobs({"plant-a-press-line": "active", "plant-c-assembly": "active"})
    assert tofu.apply().code == 0
    assert gate_address(A) in tofu.state_list()
    before = tofu.gate_requests()
    run = tofu.destroy()
    assert run.code == 0, str(run)
    assert "Destroy complete! Resources: 4 destroyed." in run.stdout
    assert tofu.state_list() == []
    assert tofu.gate_requests() == before


def test_a_gate_that_cannot_run_fails_the_apply(tofu: TofuProject) -> None:
    # Fail closed: a gate_command that is not there is not a pass.
    tofu.set_jobs({"press": JOBS["press"]}, gate_command=str(tofu.workdir / "no-such-gate"))
    tofu.create_jobs({"plant-a-press-line": "active"})
    run = tofu.apply()
    assert run.code == 1, str(run)
    assert f"Error: local-exec provisioner error with {gate_address(A)}" in run.text, str(run)
    assert "no-such-gate" in run.text and "no such file or directory" in run.text, str(run)
    assert tofu.gate_requests() == 0

    # An empty one is refused at plan by the module.
    tofu.set_jobs({"press": JOBS["press"]}, gate_command=" ")
    plan = tofu.plan()
    assert plan.code == 1
    assert "gate_command must not be empty; it is the gate executable, such as twinmaker-gate." in plan.text


@pytest.mark.parametrize(
    ("jobs", "message"),
    [
        (
            {"x": {"workspace_id": "plant a!"}},
            "sync_jobs[0].workspace_id \"plant a!\" is not a workspace ID (letters, digits, '_' and '-', "
            "not starting with '-', ending with a letter or digit: [a-zA-Z_0-9][a-zA-Z_\\-0-9]*[a-zA-Z0-9]+)",
        ),
        (
            {"x": {"workspace_id": "p" * 129}},
            "sync_jobs[0].workspace_id is 129 characters long, at most 128 are allowed",
        ),
        (
            {"a": {"workspace_id": "plant-a"}, "b": {"workspace_id": "plant-b", "sync_source": "S3"}},
            'sync_jobs[1].sync_source "S3" is not a supported sync source (the only one is SITEWISE)',
        ),
        (
            {"x": {"workspace_id": "plant-a", "region": "Frankfurt"}},
            'sync_jobs[0].region "Frankfurt" is not an AWS region name (such as eu-west-1)',
        ),
        (
            {"a": {"workspace_id": "plant-a"}, "b": {"workspace_id": "plant-a", "sync_source": "SITEWISE"}},
            "sync_jobs lists the job plant-a/SITEWISE more than once (items 0, 1); list each job once",
        ),
        ({}, "sync_jobs is an empty list; there is no sync job to gate."),
    ],
    ids=["pattern", "length", "source", "region", "duplicate", "empty"],
)
def test_bad_input_fails_at_plan_with_the_module_message(
    tofu: TofuProject, jobs: dict[str, dict[str, str]], message: str
) -> None:
    tofu.set_jobs(jobs)
    run = tofu.plan()
    assert run.code == 1, str(run)
    assert "Error: Invalid value for variable" in run.text, str(run)
    assert message in run.text, f"missing {message!r} in\n{run}"
    assert run.text.count("Error:") == 1, f"one problem, one error:\n{run}"
    assert tofu.endpoint.stats.snapshot()["total"] == 0


def test_every_terraform_file_is_formatted() -> None:
    # The module, the awscc example (which cannot be init'ed here) and this root module: `tofu fmt` needs
    # no init and no provider.
    require_tofu()
    for folder in (ROOT / "terraform", ROOT_MODULE):
        fmt = subprocess.run(
            [str(TOFU), "fmt", "-check", "-diff", "-recursive", str(folder)],
            # An empty CLI config: whatever the machine's TF_CLI_CONFIG_FILE says plays no part.
            env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert (fmt.returncode, fmt.stderr) == (0, ""), f"tofu fmt -check {folder}:\n{fmt.stdout}{fmt.stderr}"
