"""Interrupts and pipes, in a real `python -m validators wait` subprocess against the local endpoint.

- SIGINT / SIGTERM stop a run whose job stays CREATING within a second, with the partial JSON document
  and JUnit report (written atomically) and exit 130 / 143;
- a stdout closed early (`... | head -1`) ends quietly: no traceback, no "Exception ignored", the exit
  code of the verdict.

Every subprocess is killed at teardown, even when the test fails.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.gate_run import assert_no_traceback
from tests.hardening.harness import FAST, assert_junit_clean, at, scenario_job
from twinmaker_local import Endpoint

pytestmark = pytest.mark.http

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = {
    "syncJobs": [
        scenario_job("ws-creating", at(0, "CREATING")),
        scenario_job("ws-error", at(0, "ERROR", "SYNC_CREATING_ERROR", "Role cannot be assumed")),
    ]
}
Spawn = Callable[..., "subprocess.Popen[bytes]"]


@pytest.fixture
def spawn(aws_env: None) -> Iterator[Spawn]:
    """Start `python -m validators wait ARGS` (stdout/stderr piped); every process is killed and reaped
    at teardown, whatever happened in the test."""
    started: list[subprocess.Popen[bytes]] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}

    def start(*args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "validators", "wait", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.fixture
def ep(local_endpoint: Callable[..., Endpoint]) -> Endpoint:
    return local_endpoint(SCENARIO)


def read_until(stream: Any, needle: bytes, timeout: float) -> bytes:
    """Read from a pipe until `needle` shows up (or fail after `timeout` seconds)."""
    seen = b""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    while needle not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{needle!r} never appeared; got {seen[-2000:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            assert chunk, f"the stream ended before {needle!r}; got {seen[-2000:]!r}"
            seen += chunk
    return seen


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["INT", "TERM"]
)
def test_signal_stops_the_run_within_a_second_with_the_partial_reports(
    spawn: Spawn, ep: Endpoint, tmp_path: Path, signum: int, code: int
) -> None:
    report = tmp_path / "gate.xml"
    process = spawn(
        "--workspace-id", "ws-creating", "--endpoint-url", ep.url, "--output", "json",
        "--junit-xml", str(report), *FAST,
    )  # fmt: skip
    assert process.stderr is not None
    before = read_until(process.stderr, b"CREATING", timeout=20)  # the run is polling now
    sent = time.monotonic()
    process.send_signal(signum)
    process.wait(timeout=10)
    latency = time.monotonic() - sent
    out, err = process.communicate(timeout=5)
    stderr = (before + err).decode("utf-8", "replace")
    assert_no_traceback(out.decode(), stderr)
    assert latency < 1.5, f"stopped {latency:.2f}s after the signal"
    assert process.returncode == code
    doc = json.loads(out)
    assert (doc["outcome"], doc["exitCode"]) == ("interrupted", code)
    assert [(j["outcome"], j["state"]) for j in doc["jobs"]] == [("interrupted", "CREATING")]
    root = assert_junit_clean(report)  # complete, well-formed, and no temporary file left behind
    assert root.find(".//testcase/skipped") is not None
    assert stderr.rstrip().splitlines()[-1].startswith("result: interrupted")


def test_stdout_closed_after_the_first_line_ends_quietly_with_the_verdicts_exit_code(
    spawn: Spawn, ep: Endpoint
) -> None:
    # `python -m validators wait ... | head -1`: head reads one line and exits; everything after that
    # (more state lines, the summary) meets a closed pipe.
    process = spawn(
        "--workspace-id", "ws-creating", "--workspace-id", "ws-error", "--endpoint-url", ep.url,
        "--timeout", "0.5", *FAST,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    assert first.startswith(b"[")
    err = process.stderr.read()
    process.wait(timeout=10)
    stderr = err.decode("utf-8", "replace")
    assert_no_traceback(stderr)
    assert "BrokenPipe" not in stderr and "Errno 32" not in stderr
    assert process.returncode == 1  # ws-error's verdict, pipe or not


def test_stdout_closed_before_the_json_document_ends_quietly(spawn: Spawn, ep: Endpoint) -> None:
    process = spawn("--workspace-id", "ws-error", "--endpoint-url", ep.url, "--output", "json", *FAST)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    process.wait(timeout=20)
    stderr = err.decode("utf-8", "replace")
    assert_no_traceback(stderr)
    assert "BrokenPipe" not in stderr and "Errno 32" not in stderr
    assert process.returncode == 1
    assert "result: error, exit code 1" in stderr  # people still get the summary on stderr
