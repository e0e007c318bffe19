"""`make demo-plugin` (`python -m local_cloud.demo_plugin`): a shell `pulumi up` of examples/yaml/.

The Pulumi YAML example is run as a user runs it: the shell command `pulumi up --yes` in its project
folder, on the pinned CLI and the YAML language host built beside it (no Automation API). Each sync
job is gated by a `SyncJobGate` resource, served by this project's provider plugin
(`pulumi-resource-twinmaker-sync-gate`, found through the project's `plugins.providers`). Against
the local cloud of `make demo-pulumi` (the local TwinMaker endpoint, the aws and aws-native test
doubles, a file backend in a temporary folder), with the same scripted plants: plant-a's job becomes
ACTIVE, plant-b's ends in ERROR with two failing assets. It runs:

1. `pulumi up --yes`: the engine creates both workspaces and jobs, each gate waits in its Create, and
   the update fails on plant-b's gate row (code, message, failing assets), gate A created;
2. `pulumi stack export`: plant-b's gate is in the state with `initErrors` (the next `up` re-checks it);
3. `pulumi stack output --json | twinmaker-gate wait --pulumi-outputs -`: the CLI gate agrees;
4. `pulumi destroy --yes` and `pulumi stack rm`.

It prints the engine's own output and exits 0 only if all of that went as scripted and nothing was
left behind; 1 otherwise; 2 when the CLI, the YAML host or the plugin is missing; 130/143 when
interrupted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from local_cloud.demo import (
    FAILING,
    FAILING_ASSETS,
    FAILING_CODE,
    REGION,
    SCENARIO,
    check_gate,
    gate_report,
    run_offline,
    say,
    stream,
    tear_down,
    verdict,
)
from local_cloud.engine import PULUMI_BIN, gate_plugin_dir
from local_cloud.yaml_example import GATE_EXECUTABLE, LANGUAGE_HOST, YamlStack, example_cloud
from twinmaker_local import serve

PASSING = "plant-a"
#: The example's two workspaces (config workspaceIdA, workspaceIdB) and their gates' resource names.
GATES = {PASSING: "syncJobGateA", FAILING: "syncJobGateB"}


def check_up(code: int, text: str) -> list[str]:
    """What is wrong with the `pulumi up` output, given plant-b's scripted ERROR."""
    problems = []
    if code == 0:
        problems.append(f"pulumi up succeeded, but {FAILING}'s sync job is scripted to end in ERROR")
    row = f"SyncJobGate ({GATES[FAILING]}):"
    for needle in (row, f"{FAILING}/SITEWISE", FAILING_CODE, *FAILING_ASSETS, "update failed"):
        if needle not in text:
            problems.append(f"pulumi up's output does not mention {needle!r}")
    if f"SyncJobGate {GATES[PASSING]} created" not in text:
        problems.append(f"pulumi up did not create {GATES[PASSING]} ({PASSING} is scripted ACTIVE)")
    return problems


def check_state(gates: dict[str, dict[str, Any]]) -> list[str]:
    """What is wrong with the gates in the state: plant-b's with init errors, plant-a's without."""
    problems = []
    failed = gates.get(GATES[FAILING], {})
    if not any(FAILING_CODE in reason for reason in failed.get("initErrors", [])):
        problems.append(f"{GATES[FAILING]} is not in the state with init errors naming {FAILING_CODE}")
    if failed.get("outputs", {}).get("outcome") != "error":
        problems.append(f"{GATES[FAILING]}'s recorded outcome is not `error`")
    passed = gates.get(GATES[PASSING], {})
    if passed.get("initErrors") or passed.get("outputs", {}).get("outcome") != "active":
        problems.append(f"{GATES[PASSING]} is not in the state as `active` without init errors")
    return problems


def run_demo(root: Path) -> int:
    with serve(SCENARIO) as endpoint:
        say(f"local TwinMaker endpoint: {endpoint.url} (scenario twinmaker_local/scenarios/{SCENARIO.name})")
        say(f"  {PASSING}'s sync job becomes ACTIVE, {FAILING}'s ends in ERROR with two failing assets")
        cloud = example_cloud(root, endpoint.url, REGION, "providers")
        say(f"local cloud: {root} (file backend, aws and aws-native test doubles, no AWS)")
        say(f"project: examples/yaml/ (runtime yaml), the gate plugin from {gate_plugin_dir()}")
        stack = YamlStack(cloud, "demo")
        stack.init(PASSING, FAILING)

        say("\n$ pulumi up --yes --stack demo        # the shell command: the CLI runs the YAML host")
        up_code, up_text = stream(cloud, stack.argv("up"))
        say(f"pulumi up exited {up_code}")

        say("\n$ pulumi stack export --stack demo    # the gates in the state")
        gates = stack.gates()
        for name, gate in sorted(gates.items()):
            outputs = gate.get("outputs", {})
            errors = len(gate.get("initErrors", []))
            say(f"  | {name}: outcome {outputs.get('outcome')}, state {outputs.get('state')}, ", end="")
            say(f"initErrors {errors}")

        say("\n$ pulumi stack output --json | twinmaker-gate wait --pulumi-outputs - --output json")
        gate_code, report = gate_report(cloud, stack.name)

        problems = tear_down(cloud, stack.name, stack.argv("destroy"), endpoint.url)
        problems += check_up(up_code, up_text) + check_state(gates)
        problems += check_gate(gate_code, report, {PASSING: "active", FAILING: "error"})
    return verdict(
        problems,
        f"demo OK: a shell `pulumi up` of the YAML example failed on {GATES[FAILING]}'s row\n"
        f"({FAILING}'s ERROR: code, message and failing assets), recorded it with init errors for the\n"
        f"next `up`, and created {GATES[PASSING]}; the CLI gate on the stack outputs agreed (exit 1);\n"
        "destroy left nothing behind.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    needs = (
        (PULUMI_BIN, "make pulumi"),
        (PULUMI_BIN.parent / LANGUAGE_HOST, "make pulumi"),
        (gate_plugin_dir() / GATE_EXECUTABLE, "make venv"),
    )
    return run_offline("demo-plugin", run_demo, needs)


if __name__ == "__main__":
    sys.exit(main())
