"""The gate in `pulumi up`: how the hook is bound, and what its callback does with each verdict.

Hooks never run under Pulumi's mocks, so the binding is checked on the RegisterResource requests and
the callback is called directly: with a scripted waiter, and with the real gate against the local
TwinMaker endpoint.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Sequence
from typing import Any

import pytest

import validators.gate
import validators.pulumi_hook
from tests.program.harness import REGION, ProgramRun, load_program, stack_config
from twinmaker_local import running_endpoint
from validators.aws_settings import AwsSettings
from validators.model import JobResult, Outcome, ResourceError, RunResult, ServiceError, Target
from validators.pulumi_hook import (
    HOOK_NAME,
    SYNC_JOB_TYPE,
    SyncJobGateError,
    make_gate_callback,
)
from validators.reports.common import LISTED_RESOURCES
from validators.wait_settings import WaitPolicy
from validators.waiter import Waiter

pytestmark = pytest.mark.program

IDS = ("plant-a", "plant_b")


def run_async(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine on a private loop, leaving the Pulumi runtime's loop alone."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coro)
    finally:
        loop.close()


def hook_args(workspace_id: str = "plant-a", sync_source: str = "SITEWISE") -> Any:
    import pulumi

    outputs = {"workspaceId": workspace_id, "syncSource": sync_source, "arn": "arn:x", "state": "CREATING"}
    return pulumi.ResourceHookArgs(
        urn=f"urn:pulumi:test::twinmaker-sync::{SYNC_JOB_TYPE}::{workspace_id}-sync-job",
        id=f"{workspace_id}|{sync_source}",
        name=f"{workspace_id}-sync-job",
        type=SYNC_JOB_TYPE,
        new_inputs={"workspaceId": workspace_id, "syncSource": sync_source},
        new_outputs=outputs,
    )


class ScriptedWaiter:
    """Stands in for `wait_for_sync_jobs`: records its calls, answers with one scripted verdict."""

    def __init__(self, outcome: Outcome, state: str, **result: Any) -> None:
        self.calls: list[tuple[list[Target], WaitPolicy, AwsSettings]] = []
        self.outcome, self.state, self.result = outcome, state, result

    def __call__(
        self,
        targets: Sequence[Target],
        policy: WaitPolicy | None = None,
        *,
        aws: AwsSettings | None = None,
        **_: Any,
    ) -> RunResult:
        assert policy is not None and aws is not None
        self.calls.append((list(targets), policy, aws))
        job = JobResult(targets[0], self.outcome, self.state, elapsed_seconds=42.4, **self.result)
        return RunResult(jobs=(job,), elapsed_seconds=42.5)


def gate(waiter: Waiter, check_resources: bool = False) -> Any:
    return make_gate_callback(
        WaitPolicy(timeout=60, check_resources=check_resources), AwsSettings(region=REGION), waiter
    )


# --------------------------------------------------------------------------- binding, under mocks


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return load_program(
        stack_config(
            workspaces=[{"id": i} for i in IDS], gateTimeout="60", gateCheckResources="true", gateMode="hook"
        )
    )


def test_one_named_hook_is_bound_after_create_on_every_sync_job(run: ProgramRun) -> None:
    jobs = run.of_type(SYNC_JOB_TYPE)
    assert len(jobs) == len(IDS)
    assert all(job.after_create == [HOOK_NAME] and job.other_hooks == [] for job in jobs)
    # No other resource carries a hook, and the hook is registered once, for every job.
    assert [r.urn for r in run.registrations if r.after_create or r.other_hooks] == [j.urn for j in jobs]
    assert run.hook_names == [HOOK_NAME]


def test_hook_never_runs_on_preview_and_its_errors_fail_the_update(run: ProgramRun) -> None:
    assert run.hook_options[HOOK_NAME] == (False, False)  # (on_dry_run, ignore_errors)


def test_hook_gets_the_policy_and_region_from_config(
    run: ProgramRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The program's own hook object, called with a job's outputs, hands the gate the configured policy."""
    waiter = ScriptedWaiter(Outcome.ACTIVE, "ACTIVE")
    monkeypatch.setattr(validators.pulumi_hook, "shared_waiter", lambda: waiter)
    run_async(run.namespace["gate_hook"].callback(hook_args("plant_b")))
    [(targets, policy, aws)] = waiter.calls
    assert targets == [Target("plant_b", "SITEWISE", REGION)]
    assert (policy.timeout, policy.check_resources) == (60.0, True)
    assert aws == AwsSettings(region=REGION)


def test_disabled_gate_binds_no_hook() -> None:
    run = load_program(stack_config(workspaces=[{"id": "solo-1"}], gateEnabled="false"))
    assert run.hook_names == []
    assert [r.urn for r in run.registrations if r.after_create or r.other_hooks] == []
    assert len(run.of_type(SYNC_JOB_TYPE)) == 1


# --------------------------------------------------------------------------- the callback's verdicts


def test_active_job_passes() -> None:
    waiter = ScriptedWaiter(Outcome.ACTIVE, "ACTIVE")
    run_async(gate(waiter)(hook_args()))
    assert [c[0] for c in waiter.calls] == [[Target("plant-a", "SITEWISE", REGION)]]


def test_error_job_raises_with_code_message_and_failing_resources() -> None:
    waiter = ScriptedWaiter(
        Outcome.ERROR,
        "ERROR",
        error=ServiceError(
            "SYNC_PROCESSING_ERROR", "Sync job finished with errors: 2 of 7 resources failed."
        ),
        resource_errors=(
            ResourceError(
                "ENTITY", "asset-1", "res-1", "PROCESSING_ERROR", "property 'Temp' has type STRUCT"
            ),
            ResourceError("COMPONENT_TYPE", "", "model-9", "PROCESSING_ERROR", "too many properties"),
        ),
    )
    with pytest.raises(SyncJobGateError) as caught:
        run_async(gate(waiter)(hook_args()))
    assert str(caught.value) == "\n".join(
        [
            "TwinMaker sync job plant-a/SITEWISE in eu-west-1 ended in ERROR (state ERROR, after 42s).",
            "  Service error SYNC_PROCESSING_ERROR: Sync job finished with errors: 2 of 7 resources failed.",
            "  Resources in ERROR (2):",
            "    - ENTITY asset-1 (id res-1): PROCESSING_ERROR: property 'Temp' has type STRUCT",
            "    - COMPONENT_TYPE - (id model-9): PROCESSING_ERROR: too many properties",
            "  Inspect: twinmaker-gate wait --workspace-id plant-a --sync-source SITEWISE --region eu-west-1",
            "  The sync job stays in the stack; fix the cause, then re-create it with `pulumi up --replace "
            "'urn:pulumi:test::twinmaker-sync::aws-native:iottwinmaker:SyncJob::plant-a-sync-job'`.",
        ]
    )
    assert caught.value.result.outcome is Outcome.ERROR


def test_resource_errors_on_an_active_job_fail_the_strict_gate() -> None:
    waiter = ScriptedWaiter(
        Outcome.RESOURCE_ERRORS,
        "ACTIVE",
        resource_errors=(ResourceError("ENTITY", "a1", "r1", "PROCESSING_ERROR", "bad"),),
    )
    with pytest.raises(
        SyncJobGateError, match=r"is ACTIVE, but some of its resources are in ERROR"
    ) as caught:
        run_async(gate(waiter, check_resources=True)(hook_args()))
    assert "    - ENTITY a1 (id r1): PROCESSING_ERROR: bad" in str(caught.value)
    assert "--region eu-west-1 --check-resources" in str(caught.value)


@pytest.mark.parametrize(
    ("outcome", "state", "phrase"),
    [
        (Outcome.TIMEOUT, "INITIALIZING", "was still not ACTIVE at the gate's deadline (state INITIALIZING"),
        (Outcome.DENIED, None, "could not be read: access denied or no valid credentials (after 42s)."),
        (Outcome.NOT_FOUND, None, "was still not found when the not-found grace ended (after 42s)."),
        (Outcome.UNEXPECTED_STATE, "DELETING", "is in an unexpected state (state DELETING"),
    ],
)
def test_every_other_verdict_fails_the_update_and_says_why(
    outcome: Outcome, state: str | None, phrase: str
) -> None:
    with pytest.raises(SyncJobGateError) as caught:
        run_async(gate(ScriptedWaiter(outcome, state))(hook_args()))  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"TwinMaker sync job plant-a/SITEWISE in eu-west-1 {phrase}")


def test_service_text_reaches_the_log_without_control_characters() -> None:
    waiter = ScriptedWaiter(Outcome.ERROR, "ERROR", error=ServiceError("X\x1b[2J", "line1\nFAKE: ok\x07"))
    with pytest.raises(SyncJobGateError) as caught:
        run_async(gate(waiter)(hook_args()))
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message
    assert "\nFAKE" not in message  # a service message cannot forge a line of its own


def test_long_resource_lists_are_capped() -> None:
    errors = tuple(ResourceError("ENTITY", f"a{i}", f"r{i}", "PROCESSING_ERROR", "bad") for i in range(25))
    with pytest.raises(SyncJobGateError) as caught:
        run_async(gate(ScriptedWaiter(Outcome.ERROR, "ERROR", resource_errors=errors))(hook_args()))
    lines = str(caught.value).splitlines()
    assert "  Resources in ERROR (25):" in lines
    assert sum(line.startswith("    - ENTITY") for line in lines) == LISTED_RESOURCES == 20
    assert "    - ... more; list them all with the command below" in lines


def test_a_job_without_outputs_is_an_error_not_a_silent_pass() -> None:
    import pulumi

    args = pulumi.ResourceHookArgs(
        urn="u", id="i", name="n", type=SYNC_JOB_TYPE, new_outputs={"syncSource": "SITEWISE"}
    )
    waiter = ScriptedWaiter(Outcome.ACTIVE, "ACTIVE")
    with pytest.raises(
        RuntimeError, match=r"twinmaker-sync-gate: the created sync job has no readable `workspaceId`"
    ):
        run_async(gate(waiter)(args))
    assert waiter.calls == []


def test_the_wait_runs_off_the_event_loop() -> None:
    """A blocking wait must not stall the program: two hooks wait concurrently."""

    def slow(targets: list[Target], policy: WaitPolicy, aws: AwsSettings) -> RunResult:
        time.sleep(0.5)
        return RunResult(jobs=(JobResult(targets[0], Outcome.ACTIVE, "ACTIVE"),), elapsed_seconds=0.5)

    async def both() -> None:
        await asyncio.gather(gate(slow)(hook_args("plant-a")), gate(slow)(hook_args("plant_b")))

    started = time.monotonic()
    run_async(both())
    assert time.monotonic() - started < 0.9  # sequential would take 1.0 s


# --------------------------------------------------------------------------- the real gate, local endpoint

LOCAL_SCENARIO: dict[str, Any] = {
    "region": "us-east-1",
    "accountId": "123456789012",
    "timelines": {
        "ok": {"states": [{"at": 0, "state": "CREATING"}, {"at": 0.2, "state": "ACTIVE"}]},
        "bad": {
            "states": [
                {"at": 0, "state": "CREATING"},
                {
                    "at": 0.2,
                    "state": "ERROR",
                    "error": {"code": "SYNC_PROCESSING_ERROR", "message": "1 of 2 resources failed to sync."},
                },
            ],
            "resources": [
                {
                    "resourceType": "ENTITY",
                    "externalId": "asset-7",
                    "resourceId": "asset-7",
                    "states": [
                        {"at": 0, "state": "PROCESSING"},
                        {
                            "at": 0.2,
                            "state": "ERROR",
                            "error": {"code": "PROCESSING_ERROR", "message": "property 'Zone' is a STRUCT"},
                        },
                    ],
                }
            ],
        },
    },
    "workspaces": [
        {
            "workspaceId": ws,
            "role": f"arn:aws:iam::123456789012:role/{ws}",
            "s3Location": f"arn:aws:s3:::{ws}",
        }
        for ws in ("line-ok", "line-bad")
    ],
    "syncJobs": [
        {
            "workspaceId": ws,
            "syncSource": "SITEWISE",
            "syncRole": f"arn:aws:iam::123456789012:role/{ws}-sync",
            "timeline": timeline,
        }
        for ws, timeline in (("line-ok", "ok"), ("line-bad", "bad"))
    ],
}


@pytest.fixture
def local_aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIDLOCALTEST",
        "AWS_SECRET_ACCESS_KEY": "local-secret",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    # Nothing from the developer's or the runner's AWS setup may redirect or sign these requests.
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IOTTWINMAKER",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    with running_endpoint(LOCAL_SCENARIO) as endpoint:
        yield make_gate_callback(
            WaitPolicy(timeout=10, min_interval=0.05, max_interval=0.2, not_found_grace=2),
            AwsSettings(region="us-east-1", endpoint_url=endpoint.url),
        )


@pytest.mark.http
def test_real_gate_passes_an_active_job_on_the_local_endpoint(local_aws: Any) -> None:
    run_async(local_aws(hook_args("line-ok")))


@pytest.mark.http
def test_real_gate_fails_an_error_job_on_the_local_endpoint(local_aws: Any) -> None:
    with pytest.raises(SyncJobGateError) as caught:
        run_async(local_aws(hook_args("line-bad")))
    message = str(caught.value)
    assert message.startswith("TwinMaker sync job line-bad/SITEWISE in us-east-1 ended in ERROR (state ERROR")
    assert "  Service error SYNC_PROCESSING_ERROR: 1 of 2 resources failed to sync." in message
    [listed] = [line for line in message.splitlines() if line.startswith("    - ENTITY asset-7 (id ")]
    assert listed.endswith("): PROCESSING_ERROR: property 'Zone' is a STRUCT")


# --------------------------------------------------------------------------- what the hook logs


def test_the_hook_logs_changes_and_heartbeats_as_the_cli_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pulumi up` shows the hook's info lines: a long CREATING is narrated, not silent (fake clock)."""
    import threading

    from validators.model import StateChange
    from validators.pulumi_hook import logged_wait

    now = [0.0]
    started, done = threading.Event(), threading.Event()

    def tick_wait(seconds: float) -> bool:  # the heartbeat ticker's wait, on the fake clock
        assert started.wait(5)
        now[0] += seconds
        if now[0] > 65:
            done.set()
            return True
        return False

    def fake_gate(targets: Sequence[Target], policy: WaitPolicy | None = None, **options: Any) -> RunResult:
        on_change = options["on_change"]
        on_change(StateChange(targets[0], "CREATING", None, 0.0, 1))
        started.set()
        assert done.wait(5)
        job = JobResult(targets[0], Outcome.ACTIVE, "ACTIVE", polls=9, elapsed_seconds=70.0)
        on_change(StateChange(targets[0], "ACTIVE", "CREATING", 70.0, 9, result=job))
        return RunResult(jobs=(job,), elapsed_seconds=70.0)

    monkeypatch.setattr(validators.pulumi_hook, "shared_waiter", lambda: fake_gate)
    lines: list[str] = []
    waiter = logged_wait(lines.append, clock=lambda: now[0], tick_wait=tick_wait)
    run_async(gate(waiter)(hook_args()))
    assert lines == [
        f"{HOOK_NAME}: [    0.0s] plant-a/SITEWISE@{REGION}: CREATING (1 poll)",
        f"{HOOK_NAME}: [   30.0s] waiting: 1 job CREATING for 30s: plant-a/SITEWISE@{REGION}",
        f"{HOOK_NAME}: [   60.0s] waiting: 1 job CREATING for 1m: plant-a/SITEWISE@{REGION}",
        f"{HOOK_NAME}: [   70.0s] plant-a/SITEWISE@{REGION}: CREATING -> ACTIVE (9 polls) => active",
    ]
