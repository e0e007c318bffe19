"""`python -m bench deploy` at a tiny size on the real engine: it runs, its table renders, the gate-off
bound is computed from the endpoint's creation times, every verdict is right, and `ratio=` is last."""

from __future__ import annotations

import io
import math
import re
from contextlib import redirect_stdout

import pytest

from bench import deploy
from bench.__main__ import main as bench_main
from tests.e2e.pulumi_harness import require_pulumi

pytestmark = pytest.mark.e2e


def test_deploy_benchmark_runs_the_gate_off_bound_and_the_default_design() -> None:
    require_pulumi()
    out = io.StringIO()
    with redirect_stdout(out):
        code = bench_main(
            ["deploy", "--workspaces", "2", "--window", "3", "--designs", "stack", "--parallel", "default"]
        )
    text = out.getvalue()
    assert code == 0, text
    lines = text.rstrip("\n").splitlines()
    assert re.fullmatch(r"ratio=\d+\.\d\d", lines[-1]), text
    assert 0.5 < float(lines[-1].removeprefix("ratio=")) < 3, text
    assert "| gate off (the bound)" in text and "| stack " in text, text
    stack_row = next(line for line in lines if line.startswith("| stack "))
    cells = [c.strip() for c in stack_row.strip("|").split("|")]
    assert cells[-2] == "2/2", text  # verdicts right: the ERROR job failed the update, the other ACTIVE
    assert cells[-3] == "0", text  # no 429 at a quota above the gate's budget
    assert cells[-1] == "1", text  # the update failed


def test_a_run_records_every_creation_and_the_bound_covers_the_slowest_job() -> None:
    require_pulumi()
    spec = deploy.DeploySpec(workspaces=2, window=3, designs=(), parallels=(None,))
    jobs, rows = deploy.run(spec, say=lambda _line: None)
    (off,) = rows
    assert off.run.exit_code == 0, off.run.output
    assert set(off.run.created) == {j.workspace_id for j in jobs}
    assert off.run.get_sync_job == 0  # the gate is off: nothing polls
    slowest = max(off.run.created[j.workspace_id] + j.delay for j in jobs)
    assert not math.isnan(off.bound) and off.bound == pytest.approx(max(off.run.wall, slowest))
