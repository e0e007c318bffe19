"""What a person reads inside `pulumi up` (`validators.reports.pulumi`): exact lines, each said once."""

from __future__ import annotations

import pytest

from validators.model import (
    JobResult,
    Outcome,
    Reason,
    ResourceError,
    ServiceError,
    StateChange,
    Target,
    Waiting,
)
from validators.reports.common import LISTED_RESOURCES, SaidOnce
from validators.reports.pulumi import (
    active_line,
    all_active_line,
    failed_summary,
    failure_message,
    recheck_advice,
    replace_advice,
    status_line,
)

A = Target("plant-a", region="eu-west-1")
B = Target("plant-b", region="eu-west-1")
URN = "urn:pulumi:demo::twinmaker-sync::aws-native:iottwinmaker:SyncJob::plant-a-sync-job"
NO_CREDENTIALS = ServiceError(
    "NoCredentialsError",
    "no AWS credentials found for no profile (AWS_PROFILE is not set). Locally, set AWS_PROFILE. Tried: env.",
)


def test_a_status_line_counts_polls_in_the_singular_and_the_plural() -> None:
    assert (
        status_line(StateChange(A, "CREATING", None, 0.4, 1)) == "twinmaker-sync-gate: CREATING (0s, 1 poll)"
    )
    assert (
        status_line(StateChange(A, "INITIALIZING", "CREATING", 2.0, 2))
        == "twinmaker-sync-gate: INITIALIZING (2s, 2 polls)"
    )


def test_a_status_line_without_a_state_says_why_it_waits() -> None:
    change = StateChange(A, None, None, 3.0, 2, Reason(Waiting.RETRYING, "ThrottlingException"))
    assert status_line(change) == "twinmaker-sync-gate: retrying after ThrottlingException (3s, 2 polls)"
    assert status_line(StateChange(A, None, None, 0.1, 1, Reason(Waiting.NOT_VISIBLE_YET))) == (
        "twinmaker-sync-gate: not visible yet (0s, 1 poll)"
    )


def test_the_verdicts_that_pass() -> None:
    assert active_line(JobResult(A, Outcome.ACTIVE, "ACTIVE", elapsed_seconds=4.2)) == (
        "twinmaker-sync-gate: sync job plant-a/SITEWISE@eu-west-1 is ACTIVE (4s)"
    )
    assert all_active_line(1, 6.4) == "twinmaker-sync-gate: all 1 sync job ACTIVE (6s)"
    assert all_active_line(3, 6.4) == "twinmaker-sync-gate: all 3 sync jobs ACTIVE (6s)"


def test_a_workspace_that_does_not_exist_is_one_sentence() -> None:
    job = JobResult(
        A,
        Outcome.NOT_FOUND,
        None,
        ServiceError("ResourceNotFoundException", "workspace plant-a not found"),
        polls=1,
        workspace_missing=True,
    )
    message = failure_message(job, check_resources=False, next_step=replace_advice(URN))
    assert message.splitlines() == [
        "TwinMaker sync job plant-a/SITEWISE in eu-west-1 does not exist: its workspace plant-a does not "
        "exist either.",
        "  Inspect: twinmaker-gate wait --workspace-id plant-a --sync-source SITEWISE --region eu-west-1",
    ]


def test_what_to_do_next_is_the_callers() -> None:
    job = JobResult(
        A, Outcome.ERROR, "ERROR", ServiceError("SYNC_PROCESSING_ERROR", "bad"), elapsed_seconds=4
    )
    replaced = failure_message(job, check_resources=False, next_step=replace_advice(URN)).splitlines()
    rechecked = failure_message(job, check_resources=False, next_step=recheck_advice).splitlines()
    assert replaced[:-1] == rechecked[:-1]
    assert replaced[-1] == (
        "  The sync job stays in the stack; fix the cause, then re-create it with "
        f"`pulumi up --replace '{URN}'`."
    )
    assert rechecked[-1] == (
        "  The sync job stays in ERROR; fix the cause, then re-create the job with `pulumi up --replace "
        "'<URN of the SyncJob>'`: a gate given the job's `syncJobArn` is replaced with it and waits again."
    )
    still_creating = JobResult(A, Outcome.TIMEOUT, "CREATING", elapsed_seconds=60)
    assert (
        failure_message(still_creating, check_resources=False, next_step=recheck_advice).splitlines()[-1]
        == "  Once the cause is fixed, run `pulumi up` again: it checks this sync job again."
    )
    # A job still CREATING at the deadline is not re-created: no replace advice.
    timeout = JobResult(A, Outcome.TIMEOUT, "CREATING", elapsed_seconds=60)
    assert "--replace" not in failure_message(timeout, check_resources=False, next_step=replace_advice(URN))


def test_an_error_many_jobs_share_is_said_once_and_whole() -> None:
    said = SaidOnce()
    messages = [
        failure_message(
            JobResult(t, Outcome.DENIED, None, NO_CREDENTIALS), check_resources=False,
            next_step=recheck_advice, said=said,
        )
        for t in (A, B)
    ]  # fmt: skip
    assert f"  Service error NoCredentialsError: {NO_CREDENTIALS.message}" in messages[0].splitlines()
    assert (
        "  Service error NoCredentialsError (as for plant-a/SITEWISE@eu-west-1)" in messages[1].splitlines()
    )
    assert "Locally" not in messages[1]


def test_the_update_fails_with_one_line_listing_every_failed_job() -> None:
    failed = [
        {"workspaceId": "plant-b", "syncSource": "SITEWISE", "outcome": "error", "errorCode": "SYNC_X"},
        {"workspaceId": "plant-c", "syncSource": "SITEWISE", "outcome": "timeout", "errorCode": None},
    ]
    assert failed_summary(failed, 3) == (
        "twinmaker-sync-gate: 2 of 3 sync jobs did not become ACTIVE: plant-b/SITEWISE (error SYNC_X), "
        "plant-c/SITEWISE (timeout). Each is reported on its SyncJob above, with what to do next "
        "(the gate checks every job of the stack again on every update)."
    )


def test_an_error_names_the_code_the_message_the_failing_resources_and_how_to_look_again() -> None:
    job = JobResult(
        A,
        Outcome.ERROR,
        "ERROR",
        ServiceError("SYNC_PROCESSING_ERROR", "Sync job finished with errors: 2 of 7 resources failed."),
        elapsed_seconds=42.4,
        resource_errors=(
            ResourceError(
                "ENTITY", "asset-1", "res-1", "PROCESSING_ERROR", "property 'Temp' has type STRUCT"
            ),
            ResourceError("COMPONENT_TYPE", "", "model-9", "PROCESSING_ERROR", "too many properties"),
        ),
    )
    assert failure_message(job, check_resources=False, next_step=replace_advice(URN)).splitlines() == [
        "TwinMaker sync job plant-a/SITEWISE in eu-west-1 ended in ERROR (state ERROR, after 42s).",
        "  Service error SYNC_PROCESSING_ERROR: Sync job finished with errors: 2 of 7 resources failed.",
        "  Resources in ERROR (2):",
        "    - ENTITY asset-1 (id res-1): PROCESSING_ERROR: property 'Temp' has type STRUCT",
        "    - COMPONENT_TYPE - (id model-9): PROCESSING_ERROR: too many properties",
        "  Inspect: twinmaker-gate wait --workspace-id plant-a --sync-source SITEWISE --region eu-west-1",
        "  The sync job stays in the stack; fix the cause, then re-create it with "
        f"`pulumi up --replace '{URN}'`.",
    ]


def test_resources_in_error_on_an_active_job_say_so_and_inspect_strictly() -> None:
    job = JobResult(
        A,
        Outcome.RESOURCE_ERRORS,
        "ACTIVE",
        resource_errors=(ResourceError("ENTITY", "a1", "r1", "PROCESSING_ERROR", "bad"),),
    )
    lines = failure_message(job, check_resources=True, next_step=recheck_advice).splitlines()
    assert lines[0].startswith(
        "TwinMaker sync job plant-a/SITEWISE in eu-west-1 is ACTIVE, but some of its resources are in ERROR"
    )
    assert "    - ENTITY a1 (id r1): PROCESSING_ERROR: bad" in lines
    assert lines[-2].endswith("--region eu-west-1 --check-resources")


@pytest.mark.parametrize(
    ("outcome", "state", "phrase"),
    [
        (Outcome.TIMEOUT, "INITIALIZING", "was still not ACTIVE at the gate's deadline (state INITIALIZING"),
        (Outcome.DENIED, None, "could not be read: access denied or no valid credentials (after 42s)."),
        (Outcome.NOT_FOUND, None, "was still not found when the not-found grace ended (after 42s)."),
        (Outcome.UNEXPECTED_STATE, "DELETING", "is in an unexpected state (state DELETING"),
        (Outcome.INTERRUPTED, "CREATING", "was not judged: the gate was interrupted (state CREATING"),
    ],
)
def test_every_other_verdict_says_why(outcome: Outcome, state: str | None, phrase: str) -> None:
    job = JobResult(A, outcome, state, elapsed_seconds=42.4)
    message = failure_message(job, check_resources=False, next_step=recheck_advice)
    assert message.startswith(f"TwinMaker sync job plant-a/SITEWISE in eu-west-1 {phrase}")


def test_service_text_reaches_the_message_without_control_characters_or_forged_lines() -> None:
    job = JobResult(A, Outcome.ERROR, "ERROR", ServiceError("X\x1b[2J", "line1\nFAKE: ok\x07"))
    message = failure_message(job, check_resources=False, next_step=recheck_advice)
    assert "\x1b" not in message and "\x07" not in message
    assert "\nFAKE" not in message  # a service message cannot forge a line of its own


def test_long_resource_lists_are_capped() -> None:
    errors = tuple(ResourceError("ENTITY", f"a{i}", f"r{i}", "PROCESSING_ERROR", "bad") for i in range(25))
    job = JobResult(A, Outcome.ERROR, "ERROR", resource_errors=errors)
    lines = failure_message(job, check_resources=False, next_step=recheck_advice).splitlines()
    assert "  Resources in ERROR (25):" in lines
    assert sum(line.startswith("    - ENTITY") for line in lines) == LISTED_RESOURCES == 20
    assert "    - ... more; list them all with the command below" in lines
