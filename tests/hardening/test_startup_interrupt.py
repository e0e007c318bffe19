"""Ctrl-C at any moment of start-up, even while boto3 is still importing, ends without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("delay", [0.05, 0.1, 0.2, 0.35, 0.6])
def test_sigint_during_start_up_exits_130_without_a_traceback(delay: float, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    argv = [
        sys.executable, "-m", "validators", "wait", "--workspace-id", "plant-a", "--region", "us-east-1",
        "--endpoint-url", "http://127.0.0.1:9", "--timeout", "5", "--output", "json",
    ]  # fmt: skip
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    finally:
        process.kill()
    # -SIGINT only if the signal beat Python's own start-up (before any handler exists): still no traceback.
    assert process.returncode in (130, -signal.SIGINT), err
    assert "Traceback" not in err


@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_reading_stdin_stops_at_once(signum: int, expected: int, tmp_path: Path) -> None:
    # `slow-producer | python -m validators wait --pulumi-outputs -`: the read must not outlive a signal.
    env = {"PATH": os.environ.get("PATH", ""), "AWS_CONFIG_FILE": str(tmp_path / "none")}
    argv = [sys.executable, "-m", "validators", "wait", "--pulumi-outputs", "-", "--region", "us-east-1"]
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)  # well past start-up: blocked reading stdin, which stays open
        sent = time.monotonic()
        process.send_signal(signum)
        process.wait(timeout=5)
        stopped_after = time.monotonic() - sent
        err = process.stderr.read() if process.stderr else ""
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == expected, err
    assert stopped_after < 1.0
    assert "Traceback" not in err
    assert err.strip() == f"python -m validators wait: interrupted ({signal.Signals(signum).name})"
