"""Running the gate end to end against the local endpoint: in-process through `validators.cli.main` (real
boto3, real HTTP) or as a real `python -m validators wait` subprocess, plus the scenario builders and
report readers the tests in this directory share.

Every run is checked for the one thing no run may ever do: print a traceback.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from tests.gate_run import GateRun, assert_no_traceback, run_cli
from twinmaker_local import Endpoint

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/twinmaker-sync"

#: Waiting knobs that make a run take fractions of a second; a test passes its own after these to
#: override them (argparse keeps the last value of an option).
FAST = ("--min-interval", "0.05", "--max-interval", "0.2", "--timeout", "5", "--not-found-grace", "2")

#: `endpoint(scenario)`: the fixture that starts an endpoint whose timelines begin at its first request.
WallEndpoint = Callable[[Mapping[str, Any]], Endpoint]


def run_gate(url: str | None, *args: str, stdin: str = "", fast: bool = True) -> GateRun:
    """`main(["wait", ...])` in this process, with real boto3 clients against `url` (None: no
    `--endpoint-url`). Credentials and region come from the environment (the `aws_env` fixture)."""
    argv: list[str] = []
    if url is not None:
        argv += ["--endpoint-url", url, "--region", REGION]
    if fast:
        argv += FAST
    return run_cli([*argv, *args], stdin=stdin)


def subprocess_env(**extra: str) -> dict[str, str]:
    """This process's environment (already made safe by `aws_env`) minus CI variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTEST_"))}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def gate_command(url: str, *args: str, fast: bool = True) -> list[str]:
    """The argv of a real `python -m validators wait` process against `url`."""
    argv = [sys.executable, "-m", "validators", "wait", "--endpoint-url", url, "--region", REGION]
    if fast:
        argv += FAST
    return argv + list(args)


def run_gate_process(url: str, *args: str, stdin: str = "", timeout: float = 30) -> GateRun:
    """A real `python -m validators wait` subprocess, run to completion from the project root."""
    done = subprocess.run(
        gate_command(url, *args),
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=subprocess_env(),
        timeout=timeout,
        check=False,
    )
    run = GateRun(done.returncode, done.stdout, done.stderr)
    assert_no_traceback(run.stdout, run.stderr)
    return run


def closed_port_url() -> str:
    """The URL of a loopback port that was free a moment ago and on which nothing listens now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def job_scenario(
    workspace_id: str = "ws-1",
    states: Sequence[Mapping[str, Any]] = ({"at": 0, "state": "ACTIVE"},),
    **timeline: Any,
) -> dict[str, Any]:
    """A scenario with one workspace and its SITEWISE sync job, scripted by `states` (seconds after the
    endpoint starts) and the other timeline fields (`notFound`, `resources`)."""
    return {
        "workspaces": [{"workspaceId": workspace_id}],
        "syncJobs": [job(workspace_id, states, **timeline)],
    }


def job(workspace_id: str, states: Sequence[Mapping[str, Any]], **timeline: Any) -> dict[str, Any]:
    """One scenario `syncJobs` entry."""
    return {
        "workspaceId": workspace_id,
        "syncSource": "SITEWISE",
        "syncRole": ROLE,
        "states": list(states),
        **timeline,
    }


def states(*steps: tuple[float, str]) -> list[dict[str, Any]]:
    """`states((0, "CREATING"), (0.2, "ACTIVE"))` -> the scenario's list of steps."""
    return [{"at": at, "state": state} for at, state in steps]


def junit(path: Path) -> ET.Element:
    """The parsed JUnit report (its root, `<testsuites>`)."""
    return ET.parse(path).getroot()


def junit_case(root: ET.Element, name: str) -> ET.Element:
    """The one `<testcase>` named `name` (the target's label, `workspace/SOURCE`)."""
    found = [case for case in root.iter("testcase") if case.get("name") == name]
    assert len(found) == 1, f"{name}: {len(found)} testcases in {ET.tostring(root, encoding='unicode')}"
    return found[0]


class LineReader:
    """Collects a pipe's lines on a thread, so a test can wait for one without blocking forever."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float) -> str:
        """The first line (from now on) containing `text`; fails the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout}s; got {''.join(self.lines)!r}")

    def rest(self) -> str:
        """Everything read, once the stream has ended."""
        self._thread.join(5)
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.lines.append(line)
        return "".join(self.lines)
