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
from collections.abc import Callable, Sequence
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


def on_signal(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def say(text: str = "", end: str = "\n") -> None:
    sys.stdout.write(text + end)
    sys.stdout.flush()


def stream(cloud: LocalCloud, argv: list[str], prefix: str = "  | ") -> tuple[int, str]:
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
                say(prefix + line.rstrip("\n"))
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


def check_gate(code: int, report: dict[str, Any] | None, expected: dict[str, str]) -> list[str]:
    """What is wrong with the CLI gate's run, given the verdicts (workspace -> outcome) it should reach."""
    if report is None:
        return [f"the CLI gate printed no JSON report (exit {code})"]
    outcomes = {job["workspaceId"]: job["outcome"] for job in report.get("jobs", [])}
    want = 1 if any(outcome != "active" for outcome in expected.values()) else 0
    problems = [] if code == want else [f"the CLI gate exited {code}, expected {want}"]
    if outcomes != expected:
        problems.append(f"the CLI gate's verdicts {outcomes} differ from the scripted {expected}")
    return problems


def gate_report(cloud: LocalCloud, stack: str) -> tuple[int, dict[str, Any] | None]:
    """`pulumi stack output --json | twinmaker-gate wait --pulumi-outputs - --output json`, its stderr
    shown; returns the gate's exit code and its JSON report (None when it printed none)."""
    outputs = cloud.pulumi(["stack", "output", "--json", "--stack", stack], check=True).stdout
    gate = cloud.gate(outputs, "--output", "json", "--timeout", "30")
    for line in gate.stderr.splitlines():
        say("  | " + line)
    try:
        report: dict[str, Any] | None = json.loads(gate.stdout)
    except ValueError:
        report = None
    say(f"twinmaker-gate exited {gate.returncode}")
    return gate.returncode, report


def tear_down(cloud: LocalCloud, stack: str, destroy: list[str], endpoint_url: str) -> list[str]:
    """Runs `destroy` (shown as it runs) and `pulumi stack rm`; returns what went wrong, including
    anything left behind: records in the local account, workspaces or jobs on the endpoint."""
    say(f"\n$ pulumi destroy --yes --stack {stack} && pulumi stack rm --yes {stack}")
    destroy_code, _ = stream(cloud, destroy)
    removed = cloud.pulumi(["stack", "rm", "--yes", "--stack", stack])
    problems = []
    if destroy_code != 0:
        problems.append(f"pulumi destroy exited {destroy_code}")
    if removed.returncode != 0:
        problems.append(f"pulumi stack rm failed: {removed.stderr.strip()}")
    if cloud.recorded():
        problems.append(f"the local account still holds {cloud.recorded()}")
    left = {k: v for k, v in read_stats(endpoint_url)["store"].items() if v}
    if left:
        problems.append(f"the endpoint still holds {left}")
    return problems


def run_demo(root: Path) -> int:
    with serve(SCENARIO) as endpoint:
        cloud = LocalCloud(root, endpoint.url, region=REGION)
        say(f"local TwinMaker endpoint: {endpoint.url} (scenario twinmaker_local/scenarios/{SCENARIO.name})")
        say(f"  {', '.join(WORKSPACES)}: sync jobs scripted before they exist; {FAILING}'s ends in ERROR")
        say(f"local cloud: {root} (file backend, aws and aws-native test doubles, no AWS)")
        cloud.init_stack(STACK, _stack_config())

        say("\n$ pulumi up --yes --stack demo        # the real engine; the program served in-process")
        up_code, up_text = stream(cloud, cloud.run_command("up", STACK))
        say(f"pulumi up exited {up_code}")

        say("\n$ pulumi stack output --json | twinmaker-gate wait --pulumi-outputs - --output json")
        gate_code, report = gate_report(cloud, STACK)

        problems = tear_down(cloud, STACK, cloud.run_command("destroy", STACK), endpoint.url)
        expected = {ws: ("error" if ws == FAILING else "active") for ws in WORKSPACES}
        problems += _check_up(up_code, up_text) + check_gate(gate_code, report, expected)

    return verdict(
        problems,
        "demo OK: the engine failed `pulumi up` on plant-b's ERROR (code, message and failing assets on its\n"
        "SyncJob) and gated plant-a and plant-c ACTIVE; the CLI gate on the stack outputs agreed (exit 1);\n"
        "destroy left nothing behind.",
    )


def verdict(problems: list[str], success: str) -> int:
    """Prints each problem (exit 1) or the success text (exit 0)."""
    say()
    for problem in problems:
        say(f"DEMO FAILED: {problem}")
    if problems:
        return 1
    say(success)
    return 0


def run_offline(
    name: str, body: Callable[[Path], int], needs: Sequence[tuple[Path, str]] = ((PULUMI_BIN, "make pulumi"),)
) -> int:
    """Runs a demo `body(root)` in a fresh temporary folder, removed afterwards: 2 when a tool of
    `needs` (path, the make target that builds it) is missing, 130/143 when interrupted (SIGINT or
    SIGTERM), else what `body` returns."""
    for tool, target in needs:
        if not tool.exists():
            sys.stderr.write(f"{name}: {tool} is missing; `{target}` builds it\n")
            return 2
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    root = Path(tempfile.mkdtemp(prefix=f"twinmaker-{name}-"))
    try:
        return body(root)
    except Interrupted as interrupt:
        sys.stderr.write(f"{name}: interrupted ({interrupt}); local endpoint stopped\n")
        return interrupt.code
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    return run_offline("demo-pulumi", run_demo)


if __name__ == "__main__":
    sys.exit(main())
