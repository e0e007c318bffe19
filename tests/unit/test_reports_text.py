"""Text output: one exact line per state change or verdict, and the summary table people read."""

from __future__ import annotations

import pytest

from validators.model import (
    ExitStatus,
    JobResult,
    Outcome,
    Reason,
    ResourceError,
    RunResult,
    ServiceError,
    StateChange,
    Target,
    Waiting,
)
from validators.reports.common import LISTED_RESOURCES
from validators.reports.text import format_change, format_summary

A = Target("plant-a")
B = Target("plant-b", region="eu-central-1")

ERROR_JOB = JobResult(
    B,
    Outcome.ERROR,
    "ERROR",
    error=ServiceError("SYNC_CREATING_ERROR", "Role cannot be assumed"),
    polls=9,
    elapsed_seconds=30.2,
    resource_errors=(ResourceError("ENTITY", "pump-7", "1f0c", "PROCESSING_ERROR", "Property not found"),),
    region="eu-central-1",
)
ACTIVE_JOB = JobResult(A, Outcome.ACTIVE, "ACTIVE", polls=5, elapsed_seconds=11.9, region="eu-west-1")
UNREACHED_JOB = JobResult(
    A,
    Outcome.UNREACHABLE,
    None,
    ServiceError("EndpointConnectionError", "refused"),
    polls=9,
    elapsed_seconds=120.0,
    region="eu-west-1",
    unreached_seconds=120.0,
)
TIMEOUT_JOB = JobResult(Target("plant-c"), Outcome.TIMEOUT, "INITIALIZING", polls=120, elapsed_seconds=1800.0)


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (
            StateChange(A, "ACTIVE", "CREATING", 12.3, 5),
            "[   12.3s] plant-a/SITEWISE: CREATING -> ACTIVE (5 polls)",
        ),
        (StateChange(A, "CREATING", None, 0.4, 1), "[    0.4s] plant-a/SITEWISE: CREATING (1 poll)"),
        (
            StateChange(A, None, None, 0.4, 1, Reason(Waiting.NOT_VISIBLE_YET, "ResourceNotFoundException")),
            "[    0.4s] plant-a/SITEWISE: not visible yet (1 poll)",
        ),
        (StateChange(A, None, None, 2.0, 2), "[    2.0s] plant-a/SITEWISE: no state yet (2 polls)"),
        (
            StateChange(A, None, None, 1.0, 1, Reason(Waiting.UNREACHED, "EndpointConnectionError")),
            "[    1.0s] plant-a/SITEWISE: no endpoint reached, "
            "retrying after EndpointConnectionError (1 poll)",
        ),
        (
            StateChange(A, None, None, 120.0, 9, result=UNREACHED_JOB),
            "[  120.0s] plant-a/SITEWISE: unreachable (9 polls) => unreachable: EndpointConnectionError: "
            "refused; no request reached the service for 2m; check the region (eu-west-1), the endpoint "
            "URL (--endpoint-url, AWS_ENDPOINT_URL_IOTTWINMAKER, AWS_ENDPOINT_URL), a VPC endpoint for "
            "iottwinmaker, or a proxy (HTTPS_PROXY, NO_PROXY)",
        ),
        (
            StateChange(A, "CREATING", "CREATING", 64.0, 12, Reason(Waiting.RETRYING, "ThrottlingException")),
            "[   64.0s] plant-a/SITEWISE: CREATING (12 polls); retrying after ThrottlingException",
        ),
        (
            StateChange(A, "ACTIVE", "ACTIVE", 11.9, 5, result=ACTIVE_JOB),
            "[   11.9s] plant-a/SITEWISE: ACTIVE (5 polls) => active",
        ),
        (
            StateChange(B, "ERROR", "CREATING", 30.2, 9, result=ERROR_JOB),
            "[   30.2s] plant-b/SITEWISE@eu-central-1: CREATING -> ERROR (9 polls) => error: "
            "SYNC_CREATING_ERROR: Role cannot be assumed; 1 resource in ERROR",
        ),
        (
            StateChange(TIMEOUT_JOB.target, "INITIALIZING", "INITIALIZING", 1800.0, 120, result=TIMEOUT_JOB),
            "[ 1800.0s] plant-c/SITEWISE: INITIALIZING (120 polls) => timeout: "
            "still INITIALIZING at the deadline",
        ),
        (
            StateChange(A, "\x1b[2J\nACTIVE", "CREATING", 1.0, 2, Reason(Waiting.RETRYING, "x\r\ny")),
            "[    1.0s] plant-a/SITEWISE: CREATING -> \u241b[2J\u240aACTIVE (2 polls); "
            "retrying after x\u240d\u240ay",
        ),
    ],
)
def test_format_change_is_one_exact_line(change: StateChange, line: str) -> None:
    assert format_change(change) == line


def test_format_change_colours_only_the_verdict_and_only_when_asked() -> None:
    change = StateChange(B, "ERROR", "ERROR", 30.2, 9, result=ERROR_JOB)
    assert "\x1b" not in format_change(change)
    assert format_change(change, use_color=True) == (
        "[   30.2s] plant-b/SITEWISE@eu-central-1: ERROR (9 polls) => \x1b[31merror\x1b[0m: "
        "SYNC_CREATING_ERROR: Role cannot be assumed; 1 resource in ERROR"
    )


def test_format_change_shows_a_denied_verdict_with_the_api_error() -> None:
    denied = JobResult(
        A, Outcome.DENIED, None, error=ServiceError("AccessDeniedException", "no iottwinmaker:GetSyncJob")
    )
    change = StateChange(A, None, None, 0.3, 1, result=denied)
    assert format_change(change) == (
        "[    0.3s] plant-a/SITEWISE: denied (1 poll) => denied: "
        "AccessDeniedException: no iottwinmaker:GetSyncJob"
    )


SUMMARY = """\
TARGET                         REGION        OUTCOME  STATE         POLLS  ELAPSED  ERROR
plant-a/SITEWISE               eu-west-1     active   ACTIVE            5    11.9s  -
plant-b/SITEWISE@eu-central-1  eu-central-1  error    ERROR             9    30.2s  SYNC_CREATING_ERROR: Role cannot be assumed; 1 resource in ERROR
    ENTITY pump-7 (id 1f0c): PROCESSING_ERROR: Property not found
plant-c/SITEWISE               -             timeout  INITIALIZING    120  1800.0s  still INITIALIZING at the deadline
result: error, exit code 1, 1800.4s (3 targets: 1 active, 1 error, 1 timeout)"""  # noqa: E501 (the table as people see it)


def test_format_summary_is_a_table_then_the_result_line() -> None:
    run = RunResult((ACTIVE_JOB, ERROR_JOB, TIMEOUT_JOB), 1800.4)
    assert format_summary(run) == SUMMARY


def test_format_summary_colours_outcomes_without_shifting_columns() -> None:
    run = RunResult((ACTIVE_JOB, ERROR_JOB, TIMEOUT_JOB), 1800.4)
    coloured = format_summary(run, use_color=True)
    plain = coloured
    for code in ("\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"):
        plain = plain.replace(code, "")
    assert plain == SUMMARY
    assert "\x1b[32mactive " in coloured


def test_format_summary_of_an_interrupted_run_names_the_signal() -> None:
    pending = JobResult(A, Outcome.INTERRUPTED, "CREATING", polls=3, elapsed_seconds=5.0)
    run = RunResult((pending,), 5.04, interrupted_by=ExitStatus.SIGTERM)
    assert format_summary(run).splitlines()[-1] == (
        "result: interrupted (SIGTERM), exit code 143, 5.0s (1 target: 1 interrupted)"
    )


def test_format_summary_lists_at_most_its_share_of_failing_resources() -> None:
    resources = tuple(ResourceError("ENTITY", f"e{i}", f"r{i}", "PROCESSING_ERROR", "bad") for i in range(25))
    job = JobResult(
        A, Outcome.RESOURCE_ERRORS, "ACTIVE", resource_errors=resources, resource_errors_truncated=True
    )
    lines = format_summary(RunResult((job,), 1.0)).splitlines()
    assert lines[1].endswith("  25 resources in ERROR (or more; the list was cut)")
    assert lines[2] == "    ENTITY e0 (id r0): PROCESSING_ERROR: bad"
    assert lines[2 + LISTED_RESOURCES] == "    ... and 5 more"
    assert len(lines) == 2 + LISTED_RESOURCES + 2


def test_hostile_service_text_cannot_add_lines_or_escapes_to_the_summary() -> None:
    hostile = ServiceError("X\x1b]0;pwned\x07", "line\nresult: active, exit code 0\r\x1b[2K" + "m" * 100_000)
    job = JobResult(A, Outcome.ERROR, "ERROR", error=hostile)
    summary = format_summary(RunResult((job,), 1.0))
    assert len(summary.splitlines()) == 3
    assert "\x1b" not in summary and "\r" not in summary
    assert len(summary.splitlines()[1]) < 600
    assert summary.splitlines()[-1] == "result: error, exit code 1, 1.0s (1 target: 1 error)"


def test_credentials_in_service_text_are_redacted_in_text_output() -> None:
    leaky = ServiceError("AccessDenied", "key AKIAIOSFODNN7EXAMPLE https://u:pw@host/?X-Amz-Signature=abc")
    job = JobResult(A, Outcome.DENIED, None, error=leaky)
    summary = format_summary(RunResult((job,), 1.0))
    assert "AKIAIOSFODNN7EXAMPLE" not in summary and "pw@" not in summary and "abc" not in summary
    assert "key [REDACTED] https://[REDACTED]@host/?X-Amz-Signature=[REDACTED]" in summary


def test_an_error_many_targets_share_is_said_once_per_view_and_whole() -> None:
    """Missing credentials are the run's: the summary says the reason once, then names the first
    target for each other one; what to do next (said first) is never the part that is cut."""
    reason = ServiceError(
        "NoCredentialsError", "no AWS credentials found. Locally, set AWS_PROFILE. " + "x" * 400
    )
    jobs = tuple(JobResult(t, Outcome.DENIED, None, reason, polls=1) for t in (A, B))
    summary = format_summary(RunResult(jobs, 0.1))
    assert summary.count("Locally, set AWS_PROFILE") == 1
    assert "NoCredentialsError (as for plant-a/SITEWISE)" in summary.splitlines()[2]
