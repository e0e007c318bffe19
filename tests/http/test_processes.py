"""The gate as a pipeline runs it: a real `python -m validators wait` process against the local endpoint,
including SIGINT/SIGTERM in the middle of a run (exit 130/143 within a second, partial reports written
atomically) and input piped on stdin."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.http.harness import (
    ROOT,
    LineReader,
    WallEndpoint,
    assert_no_traceback,
    gate_command,
    job,
    junit,
    junit_case,
    run_gate_process,
    states,
    subprocess_env,
)

pytestmark = pytest.mark.http

ERROR_STEP = {
    "at": 0,
    "state": "ERROR",
    "error": {
        "code": "SYNC_INITIALIZING_ERROR",
        "message": "Role arn:aws:iam::123456789012:role/x cannot be assumed",
    },
}


def scenario(*workspaces: tuple[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "workspaces": [{"workspaceId": ws} for ws, _ in workspaces],
        "syncJobs": [job(ws, steps) for ws, steps in workspaces],
    }


def test_gate_process_reports_active_and_error_with_junit(endpoint: WallEndpoint, tmp_path: Path) -> None:
    ep = endpoint(scenario(("plant-a", states((0, "CREATING"), (0.2, "ACTIVE"))), ("plant-b", [ERROR_STEP])))
    report = tmp_path / "junit.xml"

    run = run_gate_process(ep.url, "--workspace-id", "plant-a", "--workspace-id", "plant-b",
                           "--junit-xml", str(report))  # fmt: skip

    assert run.code == 1
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert any(line.endswith("plant-a/SITEWISE: CREATING (1 poll)") for line in lines)
    assert any(
        "plant-a/SITEWISE: CREATING -> ACTIVE (" in line and line.endswith("=> active") for line in lines
    )
    assert any(
        "plant-b/SITEWISE: ERROR (1 poll) => error: SYNC_INITIALIZING_ERROR: Role " in line for line in lines
    )
    assert lines[-1].startswith("result: error, exit code 1, ")
    assert lines[-1].endswith("(2 targets: 1 active, 1 error)")
    root = junit(report)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    assert list(junit_case(root, "plant-a/SITEWISE")) == []  # passed: no child element
    failure = junit_case(root, "plant-b/SITEWISE").find("failure")
    assert failure is not None
    assert failure.get("message") == (
        "error: SYNC_INITIALIZING_ERROR: Role arn:aws:iam::123456789012:role/x cannot be assumed"
    )


def test_terraform_outputs_piped_into_the_gate_process(endpoint: WallEndpoint) -> None:
    ep = endpoint(
        scenario(
            (
                "tf-a",
                states(
                    (0, "ACTIVE"),
                ),
            )
        )
    )
    outputs = json.dumps({"sync_jobs": {"sensitive": False, "value": [{"workspace_id": "tf-a"}]}})

    run = run_gate_process(ep.url, "--terraform-outputs", "-", "--output", "json", stdin=outputs)

    assert run.code == 0
    assert [(j["workspaceId"], j["outcome"]) for j in run.document["jobs"]] == [("tf-a", "active")]


def test_gate_process_usage_error_is_one_line_exit_2_and_no_request(endpoint: WallEndpoint) -> None:
    ep = endpoint(
        scenario(
            (
                "plant-a",
                states(
                    (0, "ACTIVE"),
                ),
            )
        )
    )

    run = run_gate_process(ep.url, "--workspace-id", "plant-a", "--timeout", "-1")

    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "python -m validators wait: error: argument --timeout: must be 0 or more, got -1"
    ]
    assert ep.stats.total == 0


@pytest.mark.parametrize(
    ("signum", "code", "name"), [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")]
)
def test_signal_mid_run_stops_within_a_second_with_partial_reports(
    endpoint: WallEndpoint, tmp_path: Path, signum: signal.Signals, code: int, name: str
) -> None:
    ep = endpoint(
        scenario(
            (
                "plant-fast",
                states(
                    (0, "ACTIVE"),
                ),
            ),
            (
                "plant-slow",
                states(
                    (0, "CREATING"),
                ),
            ),
        )
    )
    report = tmp_path / "junit.xml"
    argv = gate_command(ep.url, "--workspace-id", "plant-fast", "--workspace-id", "plant-slow",
                        "--timeout", "60", "--output", "json", "--junit-xml", str(report))  # fmt: skip
    process = subprocess.Popen(
        argv, cwd=ROOT, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        reader = LineReader(process.stderr)
        # Wait until one target has its verdict and the other is being polled: the run is in full swing.
        reader.wait_for("plant-fast/SITEWISE: ACTIVE (1 poll) => active", timeout=15)
        reader.wait_for("plant-slow/SITEWISE: CREATING (1 poll)", timeout=5)
        assert not report.exists()

        sent = time.monotonic()
        process.send_signal(signum)
        returncode = process.wait(timeout=5)
        took = time.monotonic() - sent
        stdout = process.stdout.read() if process.stdout else ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = reader.rest()

    assert returncode == code
    assert took < 1.0, f"stopped {took:.2f}s after {name}"
    assert_no_traceback(stdout, stderr)
    document = json.loads(stdout)
    assert (document["outcome"], document["exitCode"]) == ("interrupted", code)
    jobs = {j["workspaceId"]: (j["outcome"], j["state"]) for j in document["jobs"]}
    assert jobs == {"plant-fast": ("active", "ACTIVE"), "plant-slow": ("interrupted", "CREATING")}
    assert f"result: interrupted ({name}), exit code {code}" in stderr
    # The JUnit report was written, whole, by rename: no temporary file beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]
    root = junit(report)
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "2",
        "0",
        "0",
        "1",
    )
    skipped = junit_case(root, "plant-slow/SITEWISE").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "interrupted: stopped before a verdict, last state CREATING"
    assert list(junit_case(root, "plant-fast/SITEWISE")) == []
