"""`make demo` (`python -m twinmaker_local.demo`) as a user runs it: a real process that starts the
endpoint, runs the real gate, prints the verdicts and exits 0 when they are the scripted ones; and that
leaves nothing behind, also when it is interrupted."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.gate_run import assert_no_traceback
from tests.http.harness import ROOT, LineReader, junit
from twinmaker_local.demo import SCENARIO, expected_verdicts, judge
from twinmaker_local.scenario import load_scenario

pytestmark = pytest.mark.http

URL_LINE = re.compile(r"^local TwinMaker endpoint: (http://127\.0\.0\.1:(\d+)) ")


def demo_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("TERM", None)
    return env


def start_demo(*args: str) -> subprocess.Popen[str]:
    """The demo in a new session (its own process group), as a terminal would run it."""
    return subprocess.Popen(
        [sys.executable, "-m", "twinmaker_local.demo", *args],
        cwd=ROOT,
        env=demo_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def endpoint_port(stdout: str) -> int:
    for line in stdout.splitlines():
        if match := URL_LINE.match(line):
            return int(match.group(2))
    raise AssertionError(f"no endpoint line in {stdout!r}")


def assert_nothing_left(pgid: int, port: int) -> None:
    """No process of the demo's group is alive, and nothing listens on the endpoint's port any more."""
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", port))


@dataclass(frozen=True)
class DemoRun:
    code: int
    stdout: str
    stderr: str
    seconds: float
    pgid: int
    reports: Path


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """One whole run of the demo (timelines 4x faster than the bundled 12 s), shared by the tests below."""
    reports = tmp_path_factory.mktemp("demo-reports")
    started = time.monotonic()
    process = start_demo("--time-scale", "4", "--reports-dir", str(reports))
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    yield DemoRun(process.returncode, stdout, stderr, time.monotonic() - started, process.pid, reports)


def test_demo_exits_0_when_the_gate_reaches_the_scripted_verdicts(demo_run: DemoRun) -> None:
    assert demo_run.code == 0, demo_run.stdout + demo_run.stderr
    assert_no_traceback(demo_run.stdout, demo_run.stderr)
    lines = demo_run.stdout.splitlines()
    assert lines[0] == "TwinMaker sync gate demo: three plants deploy SiteWise sync jobs; the gate decides."
    command = next(line for line in lines if line.startswith("  $ "))
    assert command.endswith(
        " -m validators wait --workspace-id plant-a-press-line --workspace-id plant-b-paint-shop \\"
    )
    assert "local endpoint stopped; the gate exited with code 1." in lines
    table = lines[lines.index("verdicts, scripted by the scenario and reached by the gate:") + 1 :][:4]
    assert table[0].split() == ["WORKSPACE", "SCRIPTED", "GATE"]
    assert table[1].split() == ["plant-a-press-line", "active", "active", "ok"]
    assert table[2].split() == [
        "plant-b-paint-shop",
        *["error", "SYNC_PROCESSING_ERROR,", "2", "failing", "assets"] * 2,
        "ok",
    ]
    assert table[3].split() == ["plant-c-assembly", "active", "active", "ok"]
    assert any(line.startswith("  The gate exited with code 1 because one sync job failed") for line in lines)
    assert any("the gate listed its 2 failing assets (under the summary above" in line for line in lines)
    # ... where the gate's one resource formatter shows them (reports.common.resource_text).
    everything = (demo_run.stdout + demo_run.stderr).splitlines()
    listed = [line.strip() for line in everything if line.startswith("    ENTITY ")]
    assert [(r.split()[1][:8], r.split(": ")[1]) for r in listed] == [
        ("250ac477", "PROCESSING_ERROR"),
        ("ff66b420", "COMPOSITE_COMPONENT_FAILURE"),
    ]
    assert lines[-1] == (
        "demo OK: the gate reached every scripted verdict, so the demo exits 0 (the gate itself exited 1)."
    )
    assert demo_run.seconds < 30


def test_demo_shows_the_gate_as_plain_lines_when_not_on_a_terminal(demo_run: DemoRun) -> None:
    assert "\x1b" not in demo_run.stderr  # no live display, no colour: plain lines
    gate = demo_run.stderr.splitlines()
    assert any(line.endswith("plant-c-assembly/SITEWISE: not visible yet (1 poll)") for line in gate)
    assert any(
        "plant-b-paint-shop/SITEWISE: INITIALIZING -> ERROR" in line
        and "=> error: SYNC_PROCESSING_ERROR: Sync job finished with errors: 2 of 7 resources" in line
        for line in gate
    )
    assert gate[-1].startswith("result: error, exit code 1, ")
    assert gate[-1].endswith("(3 targets: 2 active, 1 error)")


def test_demo_leaves_its_reports_for_the_user(demo_run: DemoRun) -> None:
    document = json.loads((demo_run.reports / "gate.json").read_text())
    assert (document["outcome"], document["exitCode"]) == ("error", 1)
    failing = [r["externalId"] for r in document["jobs"][1]["resourceErrors"]]
    assert failing == ["250ac477-df07-5420-9eaf-acda9b23f4b0", "ff66b420-761f-5624-9c46-ebef03c7ae66"]
    root = junit(demo_run.reports / "junit.xml")
    assert (root.get("tests"), root.get("failures")) == ("3", "1")


def test_demo_leaves_no_endpoint_or_gate_process_behind(demo_run: DemoRun) -> None:
    assert_nothing_left(demo_run.pgid, endpoint_port(demo_run.stdout))


@pytest.mark.parametrize(
    ("signum", "to_group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c-to-the-terminal-group", "sigterm-to-the-demo-only"],
)
def test_interrupted_demo_stops_the_gate_and_the_endpoint(
    tmp_path: Path, signum: signal.Signals, to_group: bool, code: int
) -> None:
    process = start_demo("--reports-dir", str(tmp_path))
    try:
        assert process.stderr is not None
        # The slow plant is pending for 12 s at this time scale: the gate is in mid-run.
        LineReader(process.stderr).wait_for("plant-c-assembly/SITEWISE: not visible yet", timeout=20)
        if to_group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        stdout, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    assert process.returncode == code
    assert_no_traceback(stdout)
    assert f"the gate exited with code {code}." in stdout
    assert f"demo interrupted ({signum.name}); whatever the gate wrote is in {tmp_path}" in stdout
    document = json.loads((tmp_path / "gate.json").read_text())
    assert (document["outcome"], document["exitCode"]) == ("interrupted", code)
    assert_nothing_left(process.pid, endpoint_port(stdout))


def test_demo_check_names_every_verdict_the_gate_missed(demo_run: DemoRun) -> None:
    expected = expected_verdicts(load_scenario(SCENARIO))
    document = json.loads((demo_run.reports / "gate.json").read_text())
    assert judge(expected, 1, document, ("3", "1")) == []

    paint_shop = document["jobs"][1]
    paint_shop["resourceErrors"] = paint_shop["resourceErrors"][:1]  # one failing asset not reported
    document["jobs"][2].update(outcome="timeout", state="INITIALIZING")  # the slow plant not waited for

    assert judge(expected, 1, document, ("3", "2")) == [
        "plant-b-paint-shop: scripted error SYNC_PROCESSING_ERROR, 2 failing assets, "
        "the gate said error SYNC_PROCESSING_ERROR, 1 failing assets",
        "plant-c-assembly: scripted active, the gate said timeout",
        "the JUnit report has tests/failures ('3', '2'), expected 3/1",
    ]
    assert judge(expected, 0, {**document, "exitCode": 0}, ("3", "1"))[-1] == (
        "the gate exited with code 0 (its report says 0), expected 1"
    )
    assert judge(expected, 2, None, (None, None)) == [
        "the gate exited with code 2 and wrote no JSON report (see its messages above)"
    ]
