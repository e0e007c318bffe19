"""GitHub Actions: annotations escaped exactly as the runner unescapes them; a Markdown step summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validators.model import ExitStatus, JobResult, Outcome, ResourceError, RunResult, ServiceError, Target
from validators.reports.github import (
    ANNOTATION_RESOURCES,
    annotations,
    append_step_summary,
    escape_data,
    escape_property,
    in_github_actions,
    md,
    step_summary_markdown,
)


def runner_unescape_data(text: str) -> str:
    """What actions/runner does to a command's data: %0D, %0A, then %25 last."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def runner_unescape_property(text: str) -> str:
    """What actions/runner does to a property value."""
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def runner_command_section(line: str) -> str:
    """The part actions/runner parses as `command key=value,...` (ActionCommand.TryParseV2): from after
    the leading `::` to the next `::`; everything after that is the message, never a command."""
    assert line.startswith("::")
    return line[2 : line.index("::", 2)]


def _error_job(code: str, message: str, workspace: str = "plant-b") -> JobResult:
    return JobResult(Target(workspace), Outcome.ERROR, "ERROR", error=ServiceError(code, message))


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("title: a, b", "title: a, b", "title%3A a%2C b"),
        ("%0A literal", "%250A literal", "%250A literal"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
)
def test_escaping_follows_the_workflow_command_rules(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_annotation_per_failed_target_with_title_and_message() -> None:
    jobs = (
        JobResult(Target("plant-a"), Outcome.ACTIVE, "ACTIVE"),
        JobResult(
            Target("plant-b", region="eu-west-1"),
            Outcome.ERROR,
            "ERROR",
            error=ServiceError("SYNC_CREATING_ERROR", "Role cannot be assumed, 100% sure"),
            resource_errors=(ResourceError("ENTITY", "pump-7", "1f0c", "PROCESSING_ERROR", "bad"),),
        ),
        JobResult(Target("plant-c"), Outcome.TIMEOUT, "CREATING"),
        JobResult(Target("plant-d"), Outcome.INTERRUPTED, "CREATING"),
    )
    assert annotations(RunResult(jobs, 5.0, interrupted_by=ExitStatus.SIGINT)) == [
        "::error title=TwinMaker sync job plant-b/SITEWISE@eu-west-1%3A error::"
        "SYNC_CREATING_ERROR: Role cannot be assumed, 100%25 sure; 1 resource in ERROR"
        "%0AENTITY pump-7 (id 1f0c): PROCESSING_ERROR: bad",
        "::error title=TwinMaker sync job plant-c/SITEWISE%3A timeout::still CREATING at the deadline",
        "::warning title=TwinMaker sync job plant-d/SITEWISE%3A interrupted::"
        "stopped before a verdict, last state CREATING",
    ]


def test_annotation_names_at_most_its_share_of_resources() -> None:
    resources = tuple(ResourceError("ENTITY", f"e{i}", f"r{i}", "C", "m") for i in range(13))
    job = JobResult(Target("plant-a"), Outcome.RESOURCE_ERRORS, "ACTIVE", resource_errors=resources)
    (line,) = annotations(RunResult((job,), 1.0))
    parts = runner_unescape_data(line.split("::", 2)[2]).split("\n")
    assert len(parts) == 1 + ANNOTATION_RESOURCES + 1
    assert parts[-1] == "... and 3 more"


@pytest.mark.parametrize(
    "attack",
    [
        "\n::error::forged",
        "\r::set-output name=x::y",
        "%0A::error::forged via escape",
        "%0D%0A::add-mask::x",
        "x\u2028::error::line separator",
        "\x1b[2K\r::warning::ansi",
        "::stop-commands::token",
    ],
)
def test_service_text_cannot_start_or_forge_a_workflow_command(attack: str) -> None:
    run = RunResult((_error_job(attack, attack),), 1.0)
    (line,) = annotations(run)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert runner_command_section(line) == "error title=TwinMaker sync job plant-b/SITEWISE%3A error"
    # The message as the runner shows it: one annotation body, with no line break that a log could split.
    shown = runner_unescape_data(line[len("::") + len(runner_command_section(line)) + len("::") :])
    assert "\n" not in shown and "\r" not in shown


@given(st.text(max_size=300), st.text(max_size=300))
def test_annotations_are_single_lines_whatever_the_service_sends(code: str, message: str) -> None:
    (line,) = annotations(RunResult((_error_job(code, message),), 1.0))
    assert "\n" not in line and "\r" not in line  # one raw line: nothing else can start at a line start
    assert runner_command_section(line) == "error title=TwinMaker sync job plant-b/SITEWISE%3A error"


@given(st.text())
def test_escaping_round_trips_through_the_runner(text: str) -> None:
    assert "\n" not in escape_data(text) and "\r" not in escape_data(text)
    assert runner_unescape_data(escape_data(text)) == text
    escaped = escape_property(text)
    assert ":" not in escaped and "," not in escaped
    assert runner_unescape_property(escaped) == text


def test_in_github_actions_needs_the_exact_flag() -> None:
    assert in_github_actions({"GITHUB_ACTIONS": "true"})
    assert not in_github_actions({"GITHUB_ACTIONS": "false"})
    assert not in_github_actions({})


def test_step_summary_is_a_markdown_table() -> None:
    jobs = (
        JobResult(
            Target("plant-a"), Outcome.ACTIVE, "ACTIVE", polls=5, elapsed_seconds=11.9, region="eu-west-1"
        ),
        JobResult(
            Target("plant_b"),
            Outcome.ERROR,
            "ERROR",
            error=ServiceError("SYNC_CREATING_ERROR", "Role cannot be assumed"),
            polls=9,
            elapsed_seconds=30.2,
            resource_errors=(ResourceError("ENTITY", "pump-7", "1f0c", "PROCESSING_ERROR", "bad"),),
        ),
    )
    assert step_summary_markdown(RunResult(jobs, 31.0)) == (
        "### TwinMaker sync jobs: error\n"
        "\n"
        "Exit code 1 after 31.0s; 2 targets: 1 active, 1 error.\n"
        "\n"
        "| Target | Region | Outcome | State | Polls | Elapsed | Error |\n"
        "|---|---|---|---|---:|---:|---|\n"
        "| plant-a/SITEWISE | eu-west-1 | \u2705 active | ACTIVE | 5 | 11.9s | - |\n"
        "| plant\\_b/SITEWISE | - | \u274c error | ERROR | 9 | 30.2s | "
        "SYNC\\_CREATING\\_ERROR: Role cannot be assumed; 1 resource in ERROR |\n"
        "\n"
        "**plant\\_b/SITEWISE**: 1 resource in ERROR\n"
        "\n"
        "- ENTITY pump-7 \\(id 1f0c\\): PROCESSING\\_ERROR: bad\n"
    )


def _unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


@pytest.mark.parametrize(
    "hostile",
    [
        "a | b || c",
        "line\n| forged | row |",
        "<img src=x onerror=alert(1)> <details>",
        "`code` ``` fence",
        "[click](https://evil.example) ![img](https://evil.example/x.png)",
        "$x^2$ ~~strike~~ **bold** &amp;",
        "back\\slash\\| escape",
    ],
)
def test_step_summary_cells_stay_inert_whatever_the_service_sends(hostile: str) -> None:
    job = _error_job(hostile, hostile)
    markdown = step_summary_markdown(RunResult((job,), 1.0))
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(rows) == 3
    assert _unescaped_pipes(rows[2]) == 8  # 7 cells, all intact
    # No HTML tag, link, image or code span can open: each of their characters is backslash-escaped.
    assert not re.search(r"(?<!\\)[<>\[\]`]", rows[2])


@given(st.text(max_size=200))
def test_md_cell_text_is_one_line_without_an_unescaped_pipe(text: str) -> None:
    cell = md(text)
    assert "\n" not in cell and "\r" not in cell
    assert _unescaped_pipes(cell) == 0


def test_append_step_summary_appends_only_under_github_actions(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    run = RunResult((JobResult(Target("plant-a"), Outcome.ACTIVE, "ACTIVE"),), 1.0)
    assert not append_step_summary(run, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert not append_step_summary(run, {"GITHUB_ACTIONS": "true"})
    assert summary.read_text(encoding="utf-8") == "earlier step\n"
    assert append_step_summary(run, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + step_summary_markdown(run)
