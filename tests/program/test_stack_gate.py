"""The stack gate (`gateMode: stack`, the default) in the program, under Pulumi's mocks: one wait for
every job, each state change said once (on its job's own row), each failure on its job's resource,
and the update failed with one line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pulumi
import pytest

from tests.program import harness
from tests.program.harness import GATED, load_program, stack_config
from validators.model import JobResult, Outcome, RunResult, ServiceError, StateChange, Target
from validators.pulumi.stack_gate import SyncJobsFailedError

pytestmark = pytest.mark.program

IDS = ("plant-a", "plant_b")


def test_the_default_stack_gate_waits_for_every_job_in_one_run_and_binds_no_hook() -> None:
    run = load_program(stack_config(workspaces=[{"id": i} for i in IDS], gateMaxRps="4"))
    assert run.hook_names == []
    assert all(not r.hooks for r in run.registrations)
    assert sorted(t.workspace_id for t in GATED) == sorted(IDS)  # one call, every job
    assert {v["outcome"] for v in run.outputs["syncJobGate"]} == {"active"}


def test_the_gate_mode_and_budget_are_checked_config() -> None:
    for key, value, message in (
        ("gateMode", "sometimes", "expected one of stack, resource"),
        ("gateMaxRps", "0", "twinmaker-sync:gateMaxRps must be more than zero, got '0'"),
    ):
        with pytest.raises(Exception, match=message):
            load_program(stack_config(workspaces=[{"id": "solo-1"}], **{key: value}))


def _scripted(targets: Sequence[Target], _policy: Any = None, **options: Any) -> RunResult:
    """plant-a: CREATING, then ACTIVE; plant_b: CREATING, then ERROR; each change told once."""
    on_change: Callable[[StateChange], None] = options["on_change"]
    jobs = []
    for target in targets:
        on_change(StateChange(target, "CREATING", None, 0.0, 1))
        ok = target.workspace_id == "plant-a"
        job = JobResult(
            target,
            Outcome.ACTIVE if ok else Outcome.ERROR,
            "ACTIVE" if ok else "ERROR",
            None if ok else ServiceError("SYNC_PROCESSING_ERROR", "2 of 7 resources failed"),
            polls=2,
            elapsed_seconds=4.0,
        )
        on_change(StateChange(target, job.state, "CREATING", 4.0, 2, result=job))
        jobs.append(job)
    return RunResult(tuple(jobs), 4.0)


def test_each_state_change_is_said_once_on_its_jobs_row_and_each_failure_on_its_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged: list[tuple[str, str, str | None, bool]] = []

    def recorder(level: str) -> Callable[..., None]:
        def log(text: str, resource: Any = None, stream_id: Any = None, ephemeral: bool = False) -> None:
            logged.append((level, text, resource._name if resource is not None else None, ephemeral))

        return log

    monkeypatch.setattr(pulumi.log, "info", recorder("info"))
    monkeypatch.setattr(pulumi.log, "error", recorder("error"))
    monkeypatch.setattr(harness, "_all_active", _scripted)
    with pytest.raises(SyncJobsFailedError) as caught:
        load_program(stack_config(workspaces=[{"id": i} for i in IDS]))

    stack_row = [text for _level, text, resource, _eph in logged if resource is None]
    assert not any("CREATING" in text or "poll" in text for text in stack_row)  # heartbeats only
    statuses = [(text, resource) for level, text, resource, eph in logged if eph]
    assert statuses == [
        ("twinmaker-sync-gate: CREATING (0s, 1 poll)", "plant-a-sync-job"),
        ("twinmaker-sync-gate: ACTIVE (4s, 2 polls)", "plant-a-sync-job"),
        ("twinmaker-sync-gate: CREATING (0s, 1 poll)", "plant_b-sync-job"),
        ("twinmaker-sync-gate: ERROR (4s, 2 polls)", "plant_b-sync-job"),
    ]
    verdicts = [(level, text.splitlines()[0], resource) for level, text, resource, eph in logged if not eph]
    assert verdicts == [
        ("info", "twinmaker-sync-gate: sync job plant-a/SITEWISE@eu-west-1 is ACTIVE (4s)",
         "plant-a-sync-job"),
        ("error", "TwinMaker sync job plant_b/SITEWISE in eu-west-1 ended in ERROR (state ERROR, after 4s).",
         "plant_b-sync-job"),
    ]  # fmt: skip
    assert str(caught.value) == (
        "twinmaker-sync-gate: 1 of 2 sync jobs did not become ACTIVE: plant_b/SITEWISE "
        "(error SYNC_PROCESSING_ERROR). Each is reported on its SyncJob above, with what to do next "
        "(the gate checks every job of the stack again on every update)."
    )


# --------------------------------------------------------------------------- the real gate, local endpoint

#: Jobs already at their verdict: one GetSyncJob each (and the failing resources of the ERROR one).
LOCAL_SCENARIO: dict[str, Any] = {
    "region": harness.REGION,
    "accountId": harness.ACCOUNT,
    "timelines": {
        "ok": {"states": [{"at": 0, "state": "ACTIVE"}]},
        "bad": {
            "states": [
                {
                    "at": 0,
                    "state": "ERROR",
                    "error": {"code": "SYNC_PROCESSING_ERROR", "message": "1 of 2 resources failed to sync."},
                }
            ],
            "resources": [
                {
                    "resourceType": "ENTITY",
                    "externalId": "asset-7",
                    "resourceId": "asset-7",
                    "states": [
                        {
                            "at": 0,
                            "state": "ERROR",
                            "error": {"code": "PROCESSING_ERROR", "message": "property 'Zone' is a STRUCT"},
                        }
                    ],
                }
            ],
        },
    },
    "workspaces": [
        {
            "workspaceId": ws,
            "role": f"arn:aws:iam::{harness.ACCOUNT}:role/{ws}",
            "s3Location": f"arn:aws:s3:::{ws}",
        }
        for ws in ("line-ok", "line-bad")
    ],
    "syncJobs": [
        {
            "workspaceId": ws,
            "syncSource": "SITEWISE",
            "syncRole": f"arn:aws:iam::{harness.ACCOUNT}:role/{ws}-sync",
            "timeline": timeline,
        }
        for ws, timeline in (("line-ok", "ok"), ("line-bad", "bad"))
    ],
}


@pytest.mark.http
def test_the_program_gates_its_jobs_with_the_real_gate_on_the_local_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The program's own wait (`shared_waiter`: GateRun, boto3) against the local TwinMaker endpoint,
    found as in a pipeline through the AWS environment: the ACTIVE job passes, the ERROR job is reported
    on its SyncJob with the service's code and message and the failing asset, and the update fails."""
    import validators.gate
    from twinmaker_local import running_endpoint
    from validators.pulumi.wait import shared_waiter

    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIDLOCALTEST",
        "AWS_SECRET_ACCESS_KEY": "local-secret",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    # Nothing from the developer's or the runner's AWS setup may redirect or sign these requests.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(validators.gate, "_SHARED", {})  # a run made for another endpoint is not this one
    errors: list[tuple[str, str | None]] = []
    monkeypatch.setattr(
        pulumi.log,
        "error",
        lambda text, resource=None, **_: errors.append((text, resource and resource._name)),
    )
    monkeypatch.setattr(harness, "_all_active", shared_waiter())

    with running_endpoint(LOCAL_SCENARIO) as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL_IOTTWINMAKER", endpoint.url)
        with pytest.raises(SyncJobsFailedError, match=r"1 of 2 sync jobs did not become ACTIVE: line-bad"):
            load_program(stack_config(workspaces=[{"id": "line-ok"}, {"id": "line-bad"}], gateTimeout="10"))
        polls = endpoint.stats.snapshot()["byOperation"]["GetSyncJob"]

    [(message, resource)] = errors
    assert resource == "line-bad-sync-job"
    lines = message.splitlines()
    assert (
        lines[0]
        == "TwinMaker sync job line-bad/SITEWISE in eu-west-1 ended in ERROR (state ERROR, after 0s)."
    )
    assert "  Service error SYNC_PROCESSING_ERROR: 1 of 2 resources failed to sync." in lines
    [listed] = [line for line in lines if line.startswith("    - ENTITY asset-7 (id ")]
    assert listed.endswith("): PROCESSING_ERROR: property 'Zone' is a STRUCT")
    assert polls == 2  # one look at each job: both already had their verdict


def test_a_users_own_program_gates_with_the_public_function_and_its_defaults() -> None:
    from validators.wait_settings import WaitPolicy

    run = load_program(stack_config(), main=Path(__file__).parent / "programs" / "own_program.py")
    assert [(t.workspace_id, t.sync_source) for t in GATED] == [("line-1", "SITEWISE")]
    assert [type(p).__name__ for p in harness.GATE_POLICIES] == ["WaitPolicy"]
    assert harness.GATE_POLICIES[0].timeout == WaitPolicy().timeout
    assert [v["outcome"] for v in run.outputs["gate"]] == ["active"]


def test_a_gate_that_cannot_start_says_what_to_set_in_the_programs_terms() -> None:
    from validators.aws_settings import GateConfigError

    def no_region(targets: Sequence[Target], _policy: Any = None, **_options: Any) -> RunResult:
        raise GateConfigError("no region for line-1/SITEWISE: pass --region ...", setting="region")

    with pytest.raises(Exception, match=r"no region for the sync jobs: set `aws-native:region`") as caught:
        load_program(stack_config(workspaces=[{"id": "line-1"}]), waiter=no_region)
    assert "--region" not in str(caught.value)
