"""The `--output json` document: the keys of docs/gate.md exactly, the service's text as sent, ASCII only."""

from __future__ import annotations

import json
from pathlib import Path

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
from validators.reports.json_report import dumps, to_json_document
from validators.version import SCHEMA_VERSION, __version__

# The example of the contract ("Output"), verbatim; docs/gate.md shows it with the keys in ADDED.
CONTRACT_EXAMPLE = """
{
  "outcome": "active",
  "exitCode": 0,
  "elapsedSeconds": 12.4,
  "jobs": [
    {
      "workspaceId": "plant-a", "syncSource": "SITEWISE", "region": "eu-west-1",
      "outcome": "active", "state": "ACTIVE", "error": null,
      "arn": "arn:aws:iottwinmaker:...", "polls": 5, "elapsedSeconds": 11.9,
      "resourceErrors": []
    }
  ]
}
"""

EXAMPLE_RUN = RunResult(
    (
        JobResult(
            Target("plant-a"),
            Outcome.ACTIVE,
            "ACTIVE",
            arn="arn:aws:iottwinmaker:...",
            polls=5,
            elapsed_seconds=11.9,
            region="eu-west-1",
        ),
    ),
    12.4,
)


#: Keys beside the contract's: the format's version and the gate's, and unwritten reports.
ADDED = {"schemaVersion": SCHEMA_VERSION, "version": __version__, "reportErrors": []}


def test_document_matches_the_contract_example_key_by_key() -> None:
    expected = json.loads(CONTRACT_EXAMPLE)
    document = json.loads(dumps(EXAMPLE_RUN))
    assert [k for k in document if k not in ADDED] == list(expected)
    assert {k: document.pop(k) for k in ADDED} == ADDED
    for key in ("outcome", "exitCode", "elapsedSeconds"):
        assert document[key] == expected[key], key
    assert len(document["jobs"]) == 1
    job, expected_job = document["jobs"][0], expected["jobs"][0]
    assert list(job) == list(expected_job)
    for key, value in expected_job.items():
        assert job[key] == value, key
    assert document == expected
    assert to_json_document(EXAMPLE_RUN) == {**ADDED, **expected}


def test_the_reference_page_shows_the_document_as_the_gate_writes_it() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "gate.md").read_text()
    shown = json.loads(page.split("```json\n", 1)[1].split("```", 1)[0])
    document = to_json_document(EXAMPLE_RUN)
    assert list(shown) == list(document)
    assert shown == {**document, "version": shown["version"]}  # the page's example names a version


def test_dumps_is_one_document_ending_with_a_newline() -> None:
    text = dumps(EXAMPLE_RUN)
    assert text.endswith("}\n")
    assert json.loads(text) == to_json_document(EXAMPLE_RUN)


def test_error_and_resource_errors_carry_the_service_text_exactly_and_unknown_codes_pass_through() -> None:
    message = "Role arn:aws:iam::1:role/x cannot be assumed \u00e9\U0001f600"
    job = JobResult(
        Target("plant-b", "OTHER_SOURCE", "us-gov-west-1"),
        Outcome.ERROR,
        "ERROR",
        error=ServiceError("SOME_FUTURE_CODE", message),
        polls=9,
        elapsed_seconds=30.2344,
        resource_errors=(ResourceError("ENTITY", "pump-7", "1f0c", "PROCESSING_ERROR", "bad | <b>"),),
        region="us-gov-west-1",
    )
    document = json.loads(dumps(RunResult((job,), 31.0)))
    assert document["outcome"] == "error"
    assert document["exitCode"] == 1
    assert document["jobs"][0] == {
        "workspaceId": "plant-b",
        "syncSource": "OTHER_SOURCE",
        "region": "us-gov-west-1",
        "outcome": "error",
        "state": "ERROR",
        "error": {"code": "SOME_FUTURE_CODE", "message": message},
        "arn": None,
        "polls": 9,
        "elapsedSeconds": 30.234,
        "resourceErrors": [
            {
                "resourceType": "ENTITY",
                "externalId": "pump-7",
                "resourceId": "1f0c",
                "code": "PROCESSING_ERROR",
                "message": "bad | <b>",
            }
        ],
    }


@pytest.mark.parametrize(
    ("target_region", "resolved", "shown"),
    [
        (None, "eu-west-1", "eu-west-1"),  # the run's default, resolved by the gate
        ("us-east-1", "us-east-1", "us-east-1"),
        ("us-east-1", None, "us-east-1"),  # never resolved (interrupted early): the requested one
        (None, None, None),
    ],
)
def test_region_is_the_resolved_one_else_the_requested_one(
    target_region: str | None, resolved: str | None, shown: str | None
) -> None:
    job = JobResult(Target("plant-a", region=target_region), Outcome.ACTIVE, "ACTIVE", region=resolved)
    assert json.loads(dumps(RunResult((job,), 1.0)))["jobs"][0]["region"] == shown


def test_control_characters_never_appear_raw_but_survive_a_round_trip() -> None:
    message = "a\x00b\x1b[31mc\nd\r\x7f\x9b\u202e\u2028e"
    job = JobResult(Target("plant-a"), Outcome.ERROR, "ERROR", error=ServiceError("X\x1b", message))
    text = dumps(RunResult((job,), 1.0))
    assert text.isascii()
    assert all(c == "\n" or " " <= c <= "~" for c in text)
    assert json.loads(text)["jobs"][0]["error"] == {"code": "X\x1b", "message": message}


def test_credentials_are_redacted_even_in_json() -> None:
    job = JobResult(
        Target("plant-a"),
        Outcome.DENIED,
        None,
        error=ServiceError("UnrecognizedClientException", "token ASIAY34FZKBOKMUTVV7A is invalid"),
    )
    text = dumps(RunResult((job,), 1.0))
    assert "ASIAY34FZKBOKMUTVV7A" not in text
    assert json.loads(text)["jobs"][0]["error"]["message"] == "token [REDACTED] is invalid"


def test_top_level_outcome_is_the_worst_and_an_interrupted_run_says_so() -> None:
    jobs = (
        JobResult(Target("a1"), Outcome.TIMEOUT, "CREATING"),
        JobResult(Target("b1"), Outcome.NOT_FOUND, None),
        JobResult(Target("c1"), Outcome.ACTIVE, "ACTIVE"),
    )
    document = to_json_document(RunResult(jobs, 3.0))
    assert (document["outcome"], document["exitCode"]) == ("not_found", 4)
    interrupted = to_json_document(RunResult(jobs, 3.0, interrupted_by=ExitStatus.SIGTERM))
    assert (interrupted["outcome"], interrupted["exitCode"]) == ("interrupted", 143)
    assert to_json_document(RunResult((), 0.0)) == {
        **ADDED,
        "outcome": "active",
        "exitCode": 0,
        "elapsedSeconds": 0.0,
        "jobs": [],
    }


def test_the_version_and_unwritten_reports_are_in_the_document() -> None:
    run = RunResult(EXAMPLE_RUN.jobs, 1.0, report_errors=("--junit-xml out/gate.xml: Not a directory",))
    document = to_json_document(run)
    assert (document["schemaVersion"], document["version"]) == (1, __version__)
    assert document["reportErrors"] == ["--junit-xml out/gate.xml: Not a directory"]
    assert (document["outcome"], document["exitCode"]) == ("active", 4)
