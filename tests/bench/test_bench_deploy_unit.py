"""The deploy benchmark's pure parts: the seeded fleet, its scenario, the verdict check, the bound.
(The benchmark itself needs the real engine: tests/e2e/test_bench_deploy.py.)"""

from __future__ import annotations

import math

import pytest

from bench import deploy
from bench.__main__ import _parallels
from twinmaker_local.scenario import load_scenario


def test_the_fleet_is_seeded_within_the_window_with_two_errors_and_some_not_found_at_first() -> None:
    spec = deploy.DeploySpec(workspaces=24, window=90, seed=3)
    jobs = deploy.make_jobs(spec)
    assert jobs == deploy.make_jobs(spec)
    assert sum(j.final == "ERROR" for j in jobs) == 2
    assert all(9 <= j.delay <= 90 for j in jobs)
    assert sum(1 for j in jobs if j.not_found) == 6
    assert all(j.delay > j.not_found for j in jobs)
    assert sum(j.final == "ERROR" for j in deploy.make_jobs(deploy.DeploySpec(workspaces=2))) == 1


def test_the_scenario_is_valid_scripts_every_job_before_it_exists_and_throttles_the_gate_calls() -> None:
    spec = deploy.DeploySpec(workspaces=8, window=10)
    data = deploy.scenario(spec, deploy.make_jobs(spec))
    load_scenario(data)  # the endpoint's own parser accepts it
    assert all(job["exists"] is False for job in data["syncJobs"])
    (rule,) = data["faults"]
    assert rule["kind"] == "throttle" and rule["ratePerSecond"] == 20
    assert rule["operations"] == ["GetSyncJob", "ListSyncResources"]


def test_stack_config_sets_the_design_and_the_budget_and_turns_the_gate_off_for_the_bound() -> None:
    spec = deploy.DeploySpec(workspaces=2)
    jobs = deploy.make_jobs(spec)
    for design in deploy.DESIGNS:
        config = deploy.stack_config(spec, jobs, design)
        assert config["twinmaker-sync:gateMode"] == design
        assert config["twinmaker-sync:gateEnabled"] is True
        assert config["twinmaker-sync:gateMaxRps"] == 10
    off = deploy.stack_config(spec, jobs, deploy.OFF)
    assert off["twinmaker-sync:gateEnabled"] is False and "twinmaker-sync:gateMode" not in off


def test_the_designs_are_the_programs_gate_modes() -> None:
    from twinmaker_infra.config import GATE_MODES

    assert deploy.DESIGNS == GATE_MODES


def _run(
    output: str, code: int | None, created: dict[str, float] | None = None, wall: float = 10.0
) -> deploy.Run:
    failed, active, resources = deploy.judge_output(output)
    return deploy.Run("stack", None, wall, code, 0, 0, 0, created or {}, output, failed, active, resources)


JOBS = [deploy.Job("ws-a", 5.0, "ACTIVE", 0.0), deploy.Job("ws-b", 8.0, "ERROR", 0.0)]
# What the engine prints (progress lines of a stack-level gate run), cut to what the check reads.
GOOD = "\n".join(
    [
        " +  aws-native:iottwinmaker:SyncJob ws-a-sync-job created (0.04s) twinmaker-sync-gate: "
        "sync job ws-a/SITEWISE@us-east-1 is ACTIVE (4s)",
        " +  aws-native:iottwinmaker:SyncJob ws-b-sync-job **creating failed (0.03s)** error: "
        "TwinMaker sync job ws-b/SITEWISE in us-east-1 ended in ERROR",
        " +  pulumi:pulumi:Stack twinmaker-sync-bench **creating failed (7s)** 2 errors; 6 messages",
        "",
    ]
)


def test_verdicts_are_right_when_the_error_job_fails_the_update_and_the_other_is_active() -> None:
    assert deploy.verdicts_right(_run(GOOD, 1), JOBS) == 2


# The same, from a `resource` design run: the gates' rows (the ACTIVE job's gate created, the other's
# Create failed with the reasons).
GOOD_RESOURCE = "\n".join(
    [
        " +  twinmaker-sync-gate:index:SyncJobGate ws-b-sync-gate **creating failed** error: 1 error",
        "  twinmaker-sync-gate:index:SyncJobGate (ws-b-sync-gate):",
        "    error:   TwinMaker sync job ws-b/SITEWISE in us-east-1 ended in ERROR (state ERROR, after 2s).",
        " +  twinmaker-sync-gate:index:SyncJobGate ws-a-sync-gate created (4s) INITIALIZING (2s, 2 polls)",
        " +  pulumi:pulumi:Stack twinmaker-sync-bench **creating failed (7s)** 1 error",
        "",
    ]
)


def test_a_resource_design_run_is_judged_by_its_gates_rows() -> None:
    assert deploy.verdicts_right(_run(GOOD_RESOURCE, 1), JOBS) == 2
    # A gate still creating is no verdict; the gate of an ACTIVE job failing is a wrong one.
    creating = GOOD_RESOURCE.replace("ws-a-sync-gate created (4s)", "ws-a-sync-gate creating (4s)")
    assert deploy.verdicts_right(_run(creating, 1), JOBS) == 1
    wrong = GOOD_RESOURCE + " +  twinmaker-sync-gate:index:SyncJobGate ws-a-sync-gate **creating failed**\n"
    assert deploy.verdicts_right(_run(wrong, 1), JOBS) == 1


def test_a_passing_update_an_unreported_job_or_another_failed_resource_are_wrong_verdicts() -> None:
    assert deploy.verdicts_right(_run(GOOD, 0), JOBS) == 1  # the ERROR job did not fail the update
    assert deploy.verdicts_right(_run(GOOD, None), JOBS) == 1  # timed out
    no_active = GOOD.replace("is ACTIVE", "is pending")
    assert deploy.verdicts_right(_run(no_active, 1), JOBS) == 1
    bucket = GOOD + " +  aws:s3:Bucket ws-a-bucket **creating failed (1s)** error: boom\n"
    assert deploy.verdicts_right(_run(bucket, 1), JOBS) == 1


def test_the_bound_is_the_latest_of_the_engine_alone_and_each_create_plus_its_delay() -> None:
    off = _run("", 0, created={"ws-a": 3.0, "ws-b": 4.0}, wall=10.0)
    assert deploy.lower_bound(off, JOBS) == pytest.approx(12.0)  # ws-b: 4 + 8
    assert deploy.lower_bound(_run("", 0, created={"ws-a": 3.0, "ws-b": 4.0}, wall=20.0), JOBS) == 20.0
    assert math.isnan(deploy.lower_bound(_run("", 0, created={"ws-a": 3.0}), JOBS))  # ws-b never created


def test_the_program_declares_the_gate_keys_the_benchmark_sets() -> None:
    from local_cloud.plugins import PROJECT_ROOT

    project = (PROJECT_ROOT / "Pulumi.yaml").read_text(encoding="utf-8")
    config = deploy.stack_config(
        deploy.DeploySpec(workspaces=1), deploy.make_jobs(deploy.DeploySpec()), "stack"
    )
    for key in config:
        namespace, name = key.split(":")
        assert namespace != "twinmaker-sync" or f"\n  {name}:" in project, key


def test_parallel_values_parse_default_as_not_passed() -> None:
    assert _parallels("default,64") == (None, 64)
    with pytest.raises(Exception, match="positive"):
        _parallels("0")
