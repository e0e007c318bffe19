"""Start-up: what a pipeline step pays before and around the first request.

* `python -m validators wait --help`, and a one-target run against the local endpoint (its job already
  ACTIVE, so the run is one GetSyncJob): wall time of the whole process, median of several runs;
* the import cost of what a run loads (`python -X importtime -c "import validators.cli, validators.gate"`;
  `--help` and bad input load only `validators.cli`, without boto3): the total and the heaviest packages;
* which modules the CLI's real run imports: no `pulumi*` module, and no `rich` on a non-TTY run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.common import table
from bench.fleet import REGION, aws_environment

#: Run by the child to list what the CLI imported on a real (non-TTY) run.
_PROBE = """
import io, os, sys
from validators.cli import main
code = main(sys.argv[1:], stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ=os.environ)
print(code)
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in ("pulumi", "pulumi_policy", "pulumi_aws",
      "pulumi_aws_native", "rich"))))
"""


@dataclass(frozen=True)
class Timing:
    what: str
    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def _time(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def import_times(module: str = "validators.cli, validators.gate") -> tuple[float, list[tuple[str, float]]]:
    """(total seconds to import `module`, [(top-level package, seconds of its own modules)] heaviest
    first), from `-X importtime` (self times summed per top-level package)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0.0
    tops: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        own, name = int(parts[0]) / 1e6, parts[2].strip()
        total += own  # every module the statement imported, each counted once by its own time
        top = name.split(".")[0]
        tops[top] = tops.get(top, 0.0) + own
    return total, sorted(tops.items(), key=lambda item: -item[1])


def cli_modules(url: str, env: dict[str, str]) -> tuple[str, list[str]]:
    """Run the CLI's `main` on one target in a fresh interpreter (non-TTY streams); (exit code, the
    pulumi/rich modules it imported)."""
    argv = ["wait", "--workspace-id", "plant-a", "--endpoint-url", url, "--region", REGION]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=env, check=True
    )
    code, _, modules = done.stdout.partition("\n")
    return code.strip(), modules.split()


def run(runs: int = 7) -> tuple[list[Timing], float, list[tuple[str, float]], tuple[str, list[str]]]:
    from twinmaker_local import running_endpoint

    env = aws_environment()
    scenario = {"syncJobs": [{"workspaceId": "plant-a", "states": [{"at": 0, "state": "ACTIVE"}]}]}
    python = [sys.executable]
    with running_endpoint(scenario) as endpoint:
        help_argv = [*python, "-m", "validators", "wait", "--help"]
        run_argv = [
            *python,
            "-m",
            "validators",
            "wait",
            "--workspace-id",
            "plant-a",
            "--endpoint-url",
            endpoint.url,
            "--region",
            REGION,
        ]
        bare = [*python, "-c", "pass"]
        _time(help_argv, env)  # warm the OS file cache and the bytecode caches once
        timings = [
            Timing("python -c pass (the interpreter alone)", [_time(bare, env) for _ in range(runs)]),
            Timing("python -m validators wait --help", [_time(help_argv, env) for _ in range(runs)]),
            Timing(
                "python -m validators wait (1 target, already ACTIVE)",
                [_time(run_argv, env) for _ in range(runs)],
            ),
        ]
        modules = cli_modules(endpoint.url, env)
    total, tops = import_times()
    return timings, total, tops, modules


def render(
    timings: list[Timing], total: float, tops: list[tuple[str, float]], modules: tuple[str, list[str]]
) -> str:
    rows: list[list[object]] = [
        [t.what, f"{t.median * 1000:.0f} ms", f"{min(t.runs) * 1000:.0f}-{max(t.runs) * 1000:.0f} ms"]
        for t in timings
    ]
    parts = [table(["command", f"wall (median of {len(timings[0].runs)})", "range"], rows), ""]
    heavy = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in tops[:6])
    parts.append(
        f"`import validators.cli, validators.gate` (what a run loads): {total * 1000:.0f} ms "
        f"(-X importtime); own time by package: {heavy}"
    )
    code, found = modules
    pulumi = [m for m in found if m.startswith("pulumi")]
    rich = [m for m in found if m.split(".")[0] == "rich"]
    parts.append(
        f"CLI run on a non-TTY (exit {code}): pulumi modules imported: {len(pulumi)}"
        f"{' ' + str(pulumi) if pulumi else ''}; rich imported: {'yes' if rich else 'no'}"
    )
    return "\n".join(parts)


def main(runs: int = 7) -> None:
    print(f"## Start-up ({os.cpu_count()} CPUs; warm file cache; endpoint in-process, CLI in a subprocess)")
    print()
    timings, total, tops, modules = run(runs)
    print(render(timings, total, tops, modules))
    print()


if __name__ == "__main__":
    main()
