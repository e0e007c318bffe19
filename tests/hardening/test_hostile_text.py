"""Hostile text end to end: the endpoint serves an ERROR job whose code, message and failing resources
hold ANSI escapes, CR/LF followed by a workflow command, NUL, `]]>`, bidi overrides and a 100 kB
string, and a job whose *state* is hostile. Every output mode of the CLI must stay clean: no raw control
or format character, every line bounded, no line a workflow command except the gate's own, JUnit
well-formed, JSON pure ASCII (the service's words kept exactly, as escapes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.harness import (
    FAST,
    assert_junit_clean,
    assert_lines_clean,
    at,
    run_gate,
    scenario_job,
    unsafe_characters,
)
from twinmaker_local import Endpoint

pytestmark = pytest.mark.http

HUGE = "y" * 100_000
FORGE = "\r\n::error::forged"
HOSTILE_MESSAGE = (
    "::error::at the start\x1b[31m red \x1b[0m" + FORGE + "\x00 nul ]]> cdata \u202eevil\u202c"
    " \u2066iso\u2069 \x85nel \u2028ls \x9b31m csi\n::warning file=x::second line %0A::error::encoded " + HUGE
)
HOSTILE_CODE = "\x1b]0;title\x07CODE" + FORGE + "]]>\u202e"
HOSTILE_STATE = "\x1b[32mACTIVE" + FORGE
SCENARIO: dict[str, Any] = {
    "syncJobs": [
        scenario_job(
            "ws-hostile",
            at(0, "ERROR", HOSTILE_CODE, HOSTILE_MESSAGE),
            resources=[
                {
                    "resourceType": "ENTITY",
                    "externalId": f"asset-{n}",
                    "resourceId": f"entity-{n}",
                    "state": "ERROR",
                    "error": {"code": HOSTILE_CODE, "message": HOSTILE_MESSAGE if n % 2 else FORGE + "]]>"},
                }
                for n in range(3)
            ],
        ),
        scenario_job("ws-state", at(0, HOSTILE_STATE)),
    ]
}
ARGS = ("--workspace-id", "ws-hostile", "--workspace-id", "ws-state", "--timeout", "5", *FAST)


@pytest.fixture
def ep(local_endpoint: Callable[..., Endpoint]) -> Endpoint:
    return local_endpoint(SCENARIO)


def assert_capped(text: str) -> None:
    assert "y" * 2100 not in text, "the 100 kB message reached people uncapped"


def test_text_output_shows_hostile_service_text_inert_and_capped(ep: Endpoint) -> None:
    run = run_gate(["--endpoint-url", ep.url, *ARGS])
    assert run.code == 1
    assert_lines_clean(run.stdout)
    assert_lines_clean(run.stderr)
    assert_capped(run.everything)
    assert "forged" in run.stdout and "\u241b[31m" in run.stdout  # shown, as visible stand-ins
    assert "\\u202e" in run.stdout
    summary = run.stdout.splitlines()[-1]
    assert summary.startswith("result: error, exit code 1")


def test_json_and_github_actions_outputs_are_clean(ep: Endpoint, tmp_path: Path) -> None:
    step_summary = tmp_path / "step-summary.md"
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(step_summary)}
    run = run_gate(["--endpoint-url", ep.url, "--output", "json", *ARGS], environ=environ)
    assert run.code == 1
    # stdout: exactly one document, plain printable ASCII, the service's words kept exactly.
    assert run.stdout.isascii() and unsafe_characters(run.stdout) == []
    jobs = {job["workspaceId"]: job for job in run.document["jobs"]}
    assert jobs["ws-hostile"]["error"] == {"code": HOSTILE_CODE, "message": HOSTILE_MESSAGE}
    assert jobs["ws-state"]["state"] == HOSTILE_STATE
    assert jobs["ws-state"]["outcome"] == "unexpected_state"  # a state that merely contains ACTIVE
    assert {r["message"] for r in jobs["ws-hostile"]["resourceErrors"]} == {HOSTILE_MESSAGE, FORGE + "]]>"}
    # stderr: the gate's own annotations, one per failed target, nothing forged.
    assert_lines_clean(run.stderr, allow_commands=True)
    commands = [line for line in run.stderr.splitlines() if line.startswith("::")]
    assert len(commands) == 2, commands
    assert not re.search(r"(^|[\r\n])::(error|warning)::", run.stderr)
    assert_capped(run.stderr)
    # The step summary: Markdown that cannot break its table or smuggle HTML/commands.
    markdown = step_summary.read_text(encoding="utf-8")
    assert_lines_clean(markdown)
    assert_capped(markdown)
    assert "<" not in markdown.replace("\\<", "")
    assert "]]>" not in markdown
    for row in (line for line in markdown.splitlines() if line.startswith("| ws-")):
        assert len(re.findall(r"(?<!\\)\|", row)) == 8, row  # 7 cells: no `|` from the service splits one


def test_junit_report_is_well_formed_and_clean(ep: Endpoint, tmp_path: Path) -> None:
    report = tmp_path / "reports" / "gate.xml"
    report.parent.mkdir()
    run = run_gate(["--endpoint-url", ep.url, "--junit-xml", str(report), *ARGS])
    assert run.code == 1
    root = assert_junit_clean(report, max_text=20_000)
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {"ws-hostile/SITEWISE", "ws-state/SITEWISE"}
    failure = cases["ws-hostile/SITEWISE"].find("failure")
    assert failure is not None and "forged" in (failure.get("message") or "")
    assert "\n" not in (failure.get("message") or "")
    assert_capped(report.read_text(encoding="utf-8"))
