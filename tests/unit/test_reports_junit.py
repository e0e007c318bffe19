"""JUnit XML: one testcase per target, the verdict in the right element, well-formed whatever the text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from validators.model import (
    ExitStatus,
    JobResult,
    Outcome,
    ResourceError,
    RunResult,
    ServiceError,
    Target,
)
from validators.reports.junit import SUITE_NAME, to_junit_xml


def _parse(run: RunResult) -> ET.Element:
    text = to_junit_xml(run)
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<testsuites ")
    return ET.fromstring(text.encode("utf-8"))


def test_one_suite_with_one_testcase_per_target_named_by_workspace_and_source() -> None:
    jobs = (
        JobResult(Target("plant-a"), Outcome.ACTIVE, "ACTIVE", polls=5, elapsed_seconds=11.9),
        JobResult(Target("plant-a", "OTHER"), Outcome.ACTIVE, "ACTIVE", elapsed_seconds=2.0),
        JobResult(Target("plant-a", region="us-east-1"), Outcome.ACTIVE, "ACTIVE"),
    )
    root = _parse(RunResult(jobs, 12.4))
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    assert suite.attrib == {
        "name": SUITE_NAME,
        "tests": "3",
        "failures": "0",
        "errors": "0",
        "skipped": "0",
        "time": "12.400",
    }
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name"), c.get("time")) for c in cases] == [
        ("twinmaker.sync-jobs", "plant-a/SITEWISE", "11.900"),
        ("twinmaker.sync-jobs", "plant-a/OTHER", "2.000"),
        ("twinmaker.sync-jobs", "plant-a/SITEWISE@us-east-1", "0.000"),
    ]
    assert all(len(c) == 0 for c in cases)


@pytest.mark.parametrize(
    ("outcome", "element"),
    [
        (Outcome.ACTIVE, None),
        (Outcome.ERROR, "failure"),
        (Outcome.RESOURCE_ERRORS, "failure"),
        (Outcome.UNEXPECTED_STATE, "failure"),
        (Outcome.TIMEOUT, "failure"),
        (Outcome.NOT_FOUND, "error"),
        (Outcome.DENIED, "error"),
        (Outcome.INVALID, "error"),
        (Outcome.UNREACHABLE, "error"),
        (Outcome.INTERRUPTED, "skipped"),
    ],
)
def test_each_outcome_maps_to_its_junit_element(outcome: Outcome, element: str | None) -> None:
    root = _parse(RunResult((JobResult(Target("plant-a"), outcome, "CREATING"),), 1.0))
    case = root.find("testsuite/testcase")
    assert case is not None
    assert [child.tag for child in case] == ([element] if element else [])
    suite = root.find("testsuite")
    assert suite is not None
    counts = {k: suite.get(k) for k in ("failures", "errors", "skipped")}
    expected = {"failures": "0", "errors": "0", "skipped": "0"}
    if element:
        expected[{"failure": "failures", "error": "errors", "skipped": "skipped"}[element]] = "1"
    assert counts == expected
    if element in ("failure", "error"):
        assert case[0].get("type") == outcome.value


def test_a_failed_target_carries_outcome_code_message_and_resources() -> None:
    job = JobResult(
        Target("plant-b"),
        Outcome.ERROR,
        "ERROR",
        error=ServiceError("SYNC_CREATING_ERROR", "Role cannot be assumed"),
        arn="arn:aws:iottwinmaker:eu-west-1:1:workspace/plant-b/sync-job/SITEWISE",
        polls=9,
        elapsed_seconds=30.2,
        resource_errors=(
            ResourceError("ENTITY", "pump-7", "1f0c", "PROCESSING_ERROR", "Property not found"),
        ),
        region="eu-west-1",
    )
    failure = _parse(RunResult((job,), 31.0)).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.attrib == {
        "message": "error: SYNC_CREATING_ERROR: Role cannot be assumed; 1 resource in ERROR",
        "type": "error",
    }
    assert failure.text == (
        "outcome: error\n"
        "state: ERROR\n"
        "error: SYNC_CREATING_ERROR: Role cannot be assumed\n"
        "region: eu-west-1\n"
        "arn: arn:aws:iottwinmaker:eu-west-1:1:workspace/plant-b/sync-job/SITEWISE\n"
        "polls: 9, elapsed: 30.2s\n"
        "resources in ERROR: 1\n"
        "  ENTITY pump-7 (id 1f0c): PROCESSING_ERROR: Property not found"
    )


def test_timeout_is_a_failure_and_interrupted_is_skipped_with_a_reason() -> None:
    jobs = (
        JobResult(Target("plant-c"), Outcome.TIMEOUT, "INITIALIZING", polls=120, elapsed_seconds=1800.0),
        JobResult(Target("plant-d"), Outcome.INTERRUPTED, "CREATING"),
    )
    root = _parse(RunResult(jobs, 1800.0, interrupted_by=ExitStatus.SIGINT))
    failure = root.find("testsuite/testcase/failure")
    skipped = root.find("testsuite/testcase/skipped")
    assert failure is not None and skipped is not None
    assert failure.attrib == {"message": "timeout: still INITIALIZING at the deadline", "type": "timeout"}
    assert skipped.attrib == {"message": "interrupted: stopped before a verdict, last state CREATING"}


HOSTILE = [
    "nul\x00 and bell\x07 and vt\x0b",
    "end of cdata ]]> and <script>alert(1)</script> & \"quotes\" 'too'",
    "\x1b[31mred\x1b[0m \x1b]0;title\x07",
    "emoji \U0001f600 \U00010348 and noncharacters \ufffe\uffff",
    "lone \ud800 surrogate",
    "m" * 100_000,
    "line\r\nforged line",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_service_text_keeps_the_document_well_formed(text: str) -> None:
    job = JobResult(
        Target("plant-a"),
        Outcome.ERROR,
        text,
        error=ServiceError(text, text),
        arn=text,
        resource_errors=(ResourceError(text, text, text, text, text),),
    )
    root = _parse(RunResult((job,), 1.0))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    message = failure.get("message")
    assert message is not None
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert len(message) < 1200
    assert failure.text is not None
    assert "\x00" not in failure.text and "\x1b" not in failure.text
    assert len(failure.text) < 20_000
    if "<script>" in text:
        assert "<script>alert(1)</script>" in message  # quoted by the XML writer, read back as text
    if "\U0001f600" in text:
        assert "\U0001f600" in message


def test_empty_run_is_still_a_valid_suite() -> None:
    suite = _parse(RunResult((), 0.0)).find("testsuite")
    assert suite is not None and suite.get("tests") == "0" and len(suite) == 0
