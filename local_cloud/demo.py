"""`make demo-pulumi` (`python -m local_cloud.demo`): a real `pulumi up` of this project, offline.

The newcomer's second command. It starts the local TwinMaker endpoint with three plants whose sync
jobs are scripted before they exist (plant-b's ends in ERROR with two failing assets), lays out a local
cloud (file backend in a temporary folder, empty passphrase, no update check, no plugin downloads, the
aws and aws-native test doubles as the engine's provider plugins), and runs, on the pinned Pulumi CLI:

1. `pulumi up` of this project's own program: the engine creates the buckets, roles, workspaces and
   sync jobs, the program's stack-level gate (the default `gateMode: stack`) waits for all three jobs
   in one gate run, reports each verdict on its SyncJob and fails the update on plant-b's ERROR;
2. `pulumi stack output --json | twinmaker-gate wait --pulumi-outputs -`: the pipeline's gate step on
   the outputs the failed update still recorded: the same verdicts, as exit code and JSON;
3. `pulumi destroy` and `pulumi stack rm`.

It shows the engine's own output and exits 0 only if the engine failed the update exactly as scripted
(plant-b named with its code and failing assets, plant-a and plant-c gated ACTIVE), the CLI gate
failed plant-b alone, and nothing was left behind (no workspace on the endpoint,
nothing in the local account, no stack, no process). 1 otherwise; 130/143 when interrupted; 2 when
the Pulumi CLI is not built.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from local_cloud.engine import PULUMI_BIN, LocalCloud
from twinmaker_local import serve
from twinmaker_local.scenario import BUNDLED_DIR
from twinmaker_local.stats import read_stats

SCENARIO = BUNDLED_DIR / "pulumi-demo.json"
STACK = "demo"
REGION = "us-east-1"
WORKSPACES = ("plant-a", "plant-b", "plant-c")
FAILING = "plant-b"
FAILING_CODE = "SYNC_PROCESSING_ERROR"
FAILING_ASSETS = ("paint-robot-7", "conveyor-12")


class Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.code = 128 + signum


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _stream(cloud: LocalCloud, argv: list[str], prefix: str = "  | ") -> tuple[int, str]:
    """Runs `argv` in the cloud's environment, echoing its output as it comes; returns (code, text)."""
    lines: list[str] = []
    with subprocess.Popen(
        argv,
        cwd=cloud.work_dir,
        env=cloud.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl-C is ours to pass on, so the child is never left behind
    ) as child:
        try:
            assert child.stdout is not None
            for line in child.stdout:
                lines.append(line)
                _say(prefix + line.rstrip("\n"))
            return child.wait(), "".join(lines)
        except Interrupted:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
            raise


def _stack_config() -> dict[str, Any]:
    return {
        "aws:region": REGION,
        "aws-native:region": REGION,
        "twinmaker-sync:workspaces": [
            {"id": "plant-a", "description": "Press line"},
            {"id": "plant-b", "description": "Paint shop"},
            {"id": "plant-c", "description": "Final assembly"},
        ],
        "twinmaker-sync:tags": {"owner": "platform-team"},
        "twinmaker-sync:gateTimeout": 120,
    }


def _check_up(code: int, text: str) -> list[str]:
    problems = []
    if code == 0:
        problems.append("pulumi up succeeded, but plant-b's sync job is scripted to end in ERROR")
    for needle in (
        f"{FAILING}/SITEWISE",
        FAILING_CODE,
        *FAILING_ASSETS,
        "1 of 3 sync jobs did not become ACTIVE",
    ):
        if needle not in text:
            problems.append(f"pulumi up's output does not mention {needle!r}")
    for ws in WORKSPACES:
        if ws != FAILING and not re.search(rf"sync job {ws}/SITEWISE\S* is ACTIVE", text):
            problems.append(f"the stack gate did not report {ws} ACTIVE")
    return problems


def _check_gate(code: int, report: dict[str, Any] | None) -> list[str]:
    if report is None:
        return [f"the CLI gate printed no JSON report (exit {code})"]
    outcomes = {job["workspaceId"]: job["outcome"] for job in report.get("jobs", [])}
    expected = {ws: ("error" if ws == FAILING else "active") for ws in WORKSPACES}
    problems = [] if code == 1 else [f"the CLI gate exited {code}, expected 1 (one job in ERROR)"]
    if outcomes != expected:
        problems.append(f"the CLI gate's verdicts {outcomes} differ from the scripted {expected}")
    return problems


def run_demo(root: Path) -> int:
    with serve(SCENARIO) as endpoint:
        cloud = LocalCloud(root, endpoint.url, region=REGION)
        _say(f"local TwinMaker endpoint: {endpoint.url} (scenario twinmaker_local/scenarios/{SCENARIO.name})")
        _say(f"  {', '.join(WORKSPACES)}: sync jobs scripted before they exist; {FAILING}'s ends in ERROR")
        _say(f"local cloud: {root} (file backend, aws and aws-native test doubles, no AWS)")
        cloud.init_stack(STACK, _stack_config())

        _say("\n$ pulumi up --yes --stack demo        # the real engine; the program served in-process")
        up_code, up_text = _stream(cloud, cloud.run_command("up", STACK))
        _say(f"pulumi up exited {up_code}")

        _say("\n$ pulumi stack output --json | twinmaker-gate wait --pulumi-outputs - --output json")
        outputs = cloud.pulumi(["stack", "output", "--json", "--stack", STACK], check=True).stdout
        gate = cloud.gate(outputs, "--output", "json", "--timeout", "30")
        for line in gate.stderr.splitlines():
            _say("  | " + line)
        try:
            report: dict[str, Any] | None = json.loads(gate.stdout)
        except ValueError:
            report = None
        _say(f"twinmaker-gate exited {gate.returncode}")

        _say("\n$ pulumi destroy --yes --stack demo && pulumi stack rm --yes demo")
        destroy_code, _ = _stream(cloud, cloud.run_command("destroy", STACK))
        removed = cloud.pulumi(["stack", "rm", "--yes", "--stack", STACK])
        left = {k: v for k, v in read_stats(endpoint.url)["store"].items() if v}

        problems = _check_up(up_code, up_text) + _check_gate(gate.returncode, report)
        if destroy_code != 0:
            problems.append(f"pulumi destroy exited {destroy_code}")
        if removed.returncode != 0:
            problems.append(f"pulumi stack rm failed: {removed.stderr.strip()}")
        if cloud.recorded():
            problems.append(f"the local account still holds {cloud.recorded()}")
        if left:
            problems.append(f"the endpoint still holds {left}")

    _say()
    if problems:
        for problem in problems:
            _say(f"DEMO FAILED: {problem}")
        return 1
    _say(
        "demo OK: the engine failed `pulumi up` on plant-b's ERROR (code, message and failing assets on its\n"
        "SyncJob) and gated plant-a and plant-c ACTIVE; the CLI gate on the stack outputs agreed (exit 1);\n"
        "destroy left nothing behind."
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    if not PULUMI_BIN.exists():
        sys.stderr.write(f"demo-pulumi: {PULUMI_BIN} is missing; `make pulumi` builds it\n")
        return 2
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    root = Path(tempfile.mkdtemp(prefix="twinmaker-pulumi-demo-"))
    try:
        return run_demo(root)
    except Interrupted as interrupt:
        sys.stderr.write(f"demo-pulumi: interrupted ({interrupt}); local endpoint stopped\n")
        return interrupt.code
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
