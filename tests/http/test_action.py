"""The composite GitHub Action (action.yml), run the way the runner runs it: each `run:` step with
`bash -e {0}`, its `env:` resolved from the inputs (`${{ inputs.x }}`, defaults from action.yml), the
step outputs read back from the file in $GITHUB_OUTPUT, and the action's outputs resolved from them.
The gate runs for real against the local endpoint."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from tests.http.harness import REGION, ROOT, WallEndpoint, job, job_scenario, states, subprocess_env

pytestmark = pytest.mark.http

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


@dataclass
class ActionRun:
    code: int  # the exit code of the step that ended the run (0 when every step passed)
    outputs: dict[str, str]  # the action's outputs
    log: str  # everything the steps printed


def read_github_output(path: Path) -> dict[str, str]:
    """`name=value` lines, and `name<<DELIMITER` blocks, as the runner reads them."""
    values: dict[str, str] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def resolve(text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    """The expressions this action may use, and only those: an unknown one fails the test."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("inputs."):
            name = expression.removeprefix("inputs.")
            declared = ACTION["inputs"][name]  # KeyError: an input used but not declared
            return inputs.get(name, str(declared.get("default", "")))
        if expression == "github.action_path":
            return str(ROOT)
        if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression):
            return steps.get(m.group(1), {}).get(m.group(2), "")
        raise AssertionError(f"action.yml uses an expression the test does not model: {expression}")

    return EXPRESSION.sub(one, text)


def run_action(
    inputs: dict[str, str], work: Path, path: str | None = None, only: int | None = None
) -> ActionRun:
    """Run the action's steps (or only its first `only`) with `inputs`; `path` replaces PATH."""
    unknown = set(inputs) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of action.yml: {unknown}"
    assert ACTION["runs"]["using"] == "composite"
    steps: dict[str, dict[str, str]] = {}
    log = []
    code = 0
    for index, step in enumerate(ACTION["runs"]["steps"][:only]):
        assert step["shell"] == "bash" and "${{" not in step["run"], "inputs reach scripts as env only"
        output_file = work / f"github-output-{index}"
        output_file.write_text("")
        env = subprocess_env(
            GITHUB_OUTPUT=str(output_file),
            RUNNER_TEMP=str(work / "runner-temp"),
            PATH=path if path is not None else os.environ["PATH"],
        )
        env.update({k: resolve(str(v), inputs, steps) for k, v in step.get("env", {}).items()})
        script = work / f"step-{index}.sh"
        script.write_text(step["run"])
        # The runner's bash: `bash --noprofile --norc -eo pipefail {0}`, in the workspace.
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        log.append(done.stdout + done.stderr)
        steps[step["id"]] = read_github_output(output_file)
        if done.returncode != 0:
            code = done.returncode
            break
    outputs = {name: resolve(spec["value"], inputs, steps) for name, spec in ACTION["outputs"].items()}
    return ActionRun(code, outputs, "".join(log))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "runner-temp").mkdir()
    return tmp_path


#: The gate from this checkout, as `install: false` expects it on PATH.
ON_PATH = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


def test_active_jobs_pass_and_every_output_is_set(endpoint: WallEndpoint, work: Path) -> None:
    ep = endpoint(
        {
            "workspaces": [{"workspaceId": w} for w in ("plant-a", "plant-b", "plant-c")],
            "syncJobs": [
                job(w, states((0, "CREATING"), (0.2, "ACTIVE"))) for w in ("plant-a", "plant-b", "plant-c")
            ],
        }
    )
    inputs = {
        "install": "false",
        "workspace-ids": "plant-a, plant-b\nplant-c",
        "region": REGION,
        "endpoint-url": ep.url,
        "timeout": "20s",
        "min-interval": "0.05",
        "max-interval": "0.2",
        "json-report": "reports/gate.json",
    }

    run = run_action(inputs, work, ON_PATH)

    assert run.code == 0, run.log
    assert run.outputs == {
        "outcome": "active",
        "exit-code": "0",
        "json-report": "reports/gate.json",
        "junit-xml": "twinmaker-gate.xml",
    }
    document = json.loads((work / "reports" / "gate.json").read_text())
    assert [j["workspaceId"] for j in document["jobs"]] == ["plant-a", "plant-b", "plant-c"]
    assert (work / "twinmaker-gate.xml").read_text().count("<testcase") == 3
    assert "result: active, exit code 0" in run.log  # people's lines are in the step's log


def test_a_failed_job_fails_the_step_and_still_sets_the_outputs(endpoint: WallEndpoint, work: Path) -> None:
    failing = [{"at": 0, "state": "ERROR", "error": {"code": "SYNC_CREATING_ERROR", "message": "no role"}}]
    ep = endpoint(job_scenario("plant-a", failing))
    outputs_file = work / "outputs.json"
    outputs_file.write_text(json.dumps({"syncJobs": [{"workspaceId": "plant-a", "region": REGION}]}))

    run = run_action(
        {"install": "false", "pulumi-outputs": "outputs.json", "endpoint-url": ep.url, "region": REGION},
        work,
        ON_PATH,
    )

    assert run.code == 1
    assert (run.outputs["outcome"], run.outputs["exit-code"]) == ("error", "1")
    assert json.loads((work / "twinmaker-gate.json").read_text())["jobs"][0]["error"]["code"] == (
        "SYNC_CREATING_ERROR"
    )


def test_options_reach_the_gate_as_its_variables(endpoint: WallEndpoint, work: Path) -> None:
    ep = endpoint(job_scenario("plant-a", states((0, "CREATING"))))

    run = run_action(
        {"install": "false", "workspace-ids": "plant-a", "endpoint-url": ep.url, "region": REGION,
         "timeout": "1s", "min-interval": "0.1", "max-interval": "0.2"},
        work,
        ON_PATH,
    )  # fmt: skip

    assert run.code == 3, run.log
    assert (run.outputs["outcome"], run.outputs["exit-code"]) == ("timeout", "3")
    assert json.loads((work / "twinmaker-gate.json").read_text())["elapsedSeconds"] < 5


def test_a_usage_error_fails_with_exit_2_and_an_empty_outcome(work: Path, aws_env: None) -> None:
    run = run_action(
        {"install": "false", "workspace-ids": "plant-a", "sync-source": "sitewise"}, work, ON_PATH
    )

    assert run.code == 2
    assert (run.outputs["outcome"], run.outputs["exit-code"]) == ("", "2")
    assert "allowed values: SITEWISE" in run.log


def test_install_makes_a_venv_of_its_own_from_the_action_and_its_constraints(work: Path) -> None:
    # A stand-in interpreter that records what the step asks of it and lays out the venv it would make.
    calls = work / "calls.txt"
    fake = work / "fake-python"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$0 $*" >> {calls}\n'
        'if [ "$1 $2" = "-m venv" ]; then\n'
        '  mkdir -p "$3/bin"; cp "$0" "$3/bin/python"\n'
        '  printf \'#!/usr/bin/env bash\\necho "twinmaker-gate 9.9.9"\\n\' > "$3/bin/twinmaker-gate"\n'
        '  chmod +x "$3/bin/twinmaker-gate"\n'
        "fi\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    assert ACTION["runs"]["steps"][0]["id"] == "install"
    run = run_action({"python": str(fake)}, work, only=1)

    venv = work / "runner-temp" / "twinmaker-gate-venv"
    assert run.code == 0, run.log
    assert calls.read_text().splitlines() == [
        f"{fake} -m venv {venv}",
        f"{venv}/bin/python -m pip install --quiet --disable-pip-version-check "
        f"-c {ROOT}/constraints.txt {ROOT}",
    ]
    assert "twinmaker-gate 9.9.9" in run.log
    assert read_github_output(work / "github-output-0") == {"gate": f"{venv}/bin/twinmaker-gate"}


def test_install_false_without_a_gate_on_path_says_so(work: Path) -> None:
    run = run_action({"install": "false"}, work, path="/usr/bin:/bin", only=1)
    assert run.code == 2
    assert "::error title=TwinMaker sync gate::install is false, but no twinmaker-gate is on PATH" in run.log
