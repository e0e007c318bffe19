"""`make demo` (`python -m twinmaker_local.demo`): the real gate against a local TwinMaker endpoint.

Three plants deploy their SiteWise sync jobs (the bundled scenario `scenarios/demo.json`): the press line
turns ACTIVE within seconds, the paint shop ends in ERROR with two assets that failed to sync, final
assembly is slow (not even visible for its first seconds, ACTIVE after 12). The demo starts the endpoint,
runs `python -m validators wait` on the three jobs exactly as a pipeline would, prints the verdicts next
to the ones the scenario scripts, and stops the endpoint.

Exit code: 0 when the gate reached the scripted verdicts (it exits 1 itself, since one job failed: that
is the point); 1 when it did not; 130/143 when interrupted (Ctrl-C, SIGTERM); 2 for a bad option.

Why the endpoint runs in this process (`twinmaker_local.serve`) and the gate in a child process: the gate
is what the user is here to see, so it runs exactly as in a pipeline (its own process, its own
environment, live progress on a terminal, plain lines otherwise). The endpoint is scaffolding: as a
thread of this process it cannot outlive the demo, whatever ends it (even SIGKILL), it needs no URL
handshake, and there is one child process to stop instead of two.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from twinmaker_local.clock import FirstRequestClock
from twinmaker_local.scenario import BUNDLED_DIR, Scenario, Timeline, load_scenario
from twinmaker_local.server import serve
from validators.reports import table

SCENARIO = BUNDLED_DIR / "demo.json"
REGION = "us-east-1"
#: The gate's knobs for the demo: poll every 0.5-2 s (the defaults, 2-30 s, suit real deployments that
#: take minutes), and a deadline well past the slowest job.
GATE_OPTIONS = ("--min-interval", "0.5", "--max-interval", "2", "--timeout", "25", "--not-found-grace", "10")
#: How long the gate may take to stop after a signal before it is killed (it promises one second).
STOP_GRACE = 5.0
#: Environment variables the gate must not inherit: real credentials, profiles and endpoints of whoever
#: runs the demo, and CI variables that would make it annotate the CI run.
_DROPPED_PREFIXES = ("AWS_", "GITHUB_")


@dataclass(frozen=True)
class Expected:
    """The verdict the scenario scripts for one workspace's sync job."""

    workspace_id: str
    outcome: str  # "active" or "error" (what the gate reports)
    code: str | None  # the job's error code, for "error"
    failing: tuple[str, ...]  # externalIds of the resources that end in ERROR, for "error"
    hidden_for: float = 0.0  # seconds after its creation during which the job reads as not found

    def describe(self) -> str:
        if self.outcome != "error":
            return self.outcome
        return f"error {self.code}, {len(self.failing)} failing assets"


def _scripted(workspace_id: str, timeline: Timeline) -> Expected:
    """What the gate must conclude from a timeline: its last state, and resources that end in ERROR."""
    last = timeline.steps[-1]
    hidden_for = max((end for start, end in timeline.not_found if start == 0), default=0.0)
    if last.state == "ERROR":
        failing = tuple(r.external_id or "" for r in timeline.resources if r.steps[-1].state == "ERROR")
        return Expected(workspace_id, "error", last.error.code if last.error else None, failing, hidden_for)
    return Expected(workspace_id, last.state.lower(), None, (), hidden_for)


def expected_verdicts(scenario: Scenario) -> list[Expected]:
    """The scripted verdict of every sync job in the scenario, in the scenario's order."""
    return [_scripted(job.workspace_id, job.timeline) for job in scenario.sync_jobs]


def gate_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The gate's environment: this one without AWS or CI settings, plus dummy credentials that only the
    local endpoint accepts, so the demo can never reach (or be billed by) a real AWS account."""
    env = {k: v for k, v in environ.items() if not k.startswith(_DROPPED_PREFIXES)}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "AKIADEMODEMODEMODEMO",
            "AWS_SECRET_ACCESS_KEY": "demo-secret-for-the-local-endpoint-only",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def gate_command(url: str, expected: Sequence[Expected], junit_path: Path) -> list[str]:
    """`python -m validators wait` for the demo's jobs against `url`, JSON on stdout, JUnit to a file."""
    targets = [arg for e in expected for arg in ("--workspace-id", e.workspace_id)]
    return [
        sys.executable,
        "-m",
        "validators",
        "wait",
        *targets,
        "--endpoint-url",
        url,
        "--region",
        REGION,
        *GATE_OPTIONS,
        "--junit-xml",
        str(junit_path),
        "--output",
        "json",
    ]


def _shown(argv: Sequence[str], width: int = 100) -> list[str]:
    """The command as a person would type it (the interpreter relative to here when it is below here),
    folded before an option where a line would pass `width`, with shell line continuations."""
    words = [_relative(Path(argv[0])), *argv[1:]]
    lines = [shlex.join(words[:4])]  # python -m validators wait
    for word in words[4:]:
        quoted = shlex.quote(word)
        if word.startswith("--") and len(lines[-1]) + len(quoted) + 1 > width:
            lines[-1] += " \\"
            lines.append("    " + quoted)
        else:
            lines[-1] += " " + quoted
    return lines


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class _Interrupt:
    """SIGINT/SIGTERM while the demo runs: remember the first, pass it on to the gate (on a terminal,
    Ctrl-C reaches the gate too; passing it again is harmless), and let the main loop wind down."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.child: subprocess.Popen[bytes] | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signum)

    def __enter__(self) -> _Interrupt:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or signal.SIGINT)


def _run_gate(argv: list[str], json_path: Path, env: dict[str, str], interrupt: _Interrupt) -> int:
    """Run the gate to its end (stdout into `json_path`, stderr to the user's terminal) and return its
    exit code. After a signal it gets `STOP_GRACE` seconds to write its reports, then it is killed."""
    with json_path.open("wb") as stdout:
        child = subprocess.Popen(argv, stdout=stdout, env=env)  # noqa: S603 - our own interpreter and argv
        interrupt.child = child
        try:
            stop_by: float | None = None
            while True:
                try:
                    return child.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    pass
                if interrupt.signum is not None:
                    stop_by = stop_by or time.monotonic() + STOP_GRACE
                    if time.monotonic() > stop_by:
                        child.kill()
        finally:
            if child.poll() is None:  # an exception on our side: never leave the gate running
                child.kill()
            child.wait()
            interrupt.child = None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _junit_counts(path: Path) -> tuple[str | None, str | None]:
    """(`tests`, `failures`) of the JUnit report, or (None, None) when it cannot be read."""
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - the report the gate just wrote, not foreign input
    except (OSError, ET.ParseError):
        return None, None
    return root.get("tests"), root.get("failures")


def _got(job: dict[str, Any] | None) -> tuple[str, str | None, tuple[str, ...]]:
    """(outcome, error code, failing externalIds) of a `jobs` entry of the gate's JSON document."""
    if job is None:
        return "missing", None, ()
    error = job.get("error") or {}
    failing = tuple(str(r.get("externalId")) for r in job.get("resourceErrors") or [])
    return str(job.get("outcome")), error.get("code"), failing


def _matches(expected: Expected, job: dict[str, Any] | None) -> bool:
    outcome, code, failing = _got(job)
    return (outcome, code, sorted(failing)) == (expected.outcome, expected.code, sorted(expected.failing))


def _describe(job: dict[str, Any] | None) -> str:
    outcome, code, failing = _got(job)
    if outcome != "error":
        return outcome
    return f"error {code}, {len(failing)} failing assets"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _story(expected: Expected, job: dict[str, Any], scale: float) -> str:
    """One sentence on what happened to a job, from the gate's own report (and the scenario)."""
    name, seconds, polls = job["workspaceId"], job["elapsedSeconds"], job["polls"]
    if job["outcome"] == "active":
        hidden = (
            f"not even visible for its first {expected.hidden_for / scale:.1f}s (ResourceNotFound, which "
            "the gate takes as 'not visible yet' during --not-found-grace), then "
            if expected.hidden_for
            else ""
        )
        return (
            f"{name}: {hidden}ACTIVE after {seconds:.1f}s ({_plural(polls, 'poll')}); the gate lets it pass."
        )
    if job["outcome"] == "error":
        error = job.get("error") or {}
        # The failing resources themselves are in the gate's summary above (one formatter for all of
        # them: validators.reports.common.resource_text), not told again here.
        failing = _plural(len(job.get("resourceErrors") or []), "failing asset")
        return (
            f"{name}: ERROR after {seconds:.1f}s with {error.get('code')}; the gate listed its {failing} "
            "(under the summary above, and in both reports)."
        )
    return f"{name}: {job['outcome']} (state {job.get('state')}) after {seconds:.1f}s."


def _verdict_table(expected: Sequence[Expected], jobs: dict[str, dict[str, Any]]) -> list[str]:
    rows = [("WORKSPACE", "SCRIPTED", "GATE", "")]
    for e in expected:
        job = jobs.get(e.workspace_id)
        rows.append((e.workspace_id, e.describe(), _describe(job), "ok" if _matches(e, job) else "MISMATCH"))
    return table.lines(rows, free_last=True, indent="  ")


def judge(
    expected: Sequence[Expected],
    gate_code: int,
    document: dict[str, Any] | None,
    junit: tuple[str | None, ...],
) -> list[str]:
    """Everything in which the gate's run differs from the script; empty when it reached every verdict."""
    if document is None:
        return [f"the gate exited with code {gate_code} and wrote no JSON report (see its messages above)"]
    problems: list[str] = []
    jobs = {str(j.get("workspaceId")): j for j in document.get("jobs") or []}
    for e in expected:
        job = jobs.get(e.workspace_id)
        if not _matches(e, job):
            problems.append(f"{e.workspace_id}: scripted {e.describe()}, the gate said {_describe(job)}")
    want_code = 1 if any(e.outcome != "active" for e in expected) else 0
    if gate_code != want_code or document.get("exitCode") != gate_code:
        problems.append(
            f"the gate exited with code {gate_code} (its report says {document.get('exitCode')}), "
            f"expected {want_code}"
        )
    failures = sum(1 for e in expected if e.outcome != "active")
    if junit != (str(len(expected)), str(failures)):
        problems.append(f"the JUnit report has tests/failures {junit}, expected {len(expected)}/{failures}")
    return problems


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m twinmaker_local.demo",
        allow_abbrev=False,  # a prefix accepted today could never become another option's
        description="Run the deployment gate against a local TwinMaker endpoint with three scripted plants.",
        epilog="example: python -m twinmaker_local.demo --time-scale 4",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="play the scenario this many times faster (default 1: the slow plant takes 12 s)",
    )
    parser.add_argument(
        "--reports-dir",
        type=Path,
        help="where the gate writes gate.json and junit.xml (default: a new temporary directory)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; return its exit code (see the module docstring)."""
    args = _parser().parse_args(argv)
    if not args.time_scale > 0:
        _parser().error("--time-scale must be more than 0")
    scenario = load_scenario(SCENARIO)
    expected = expected_verdicts(scenario)
    _say("TwinMaker sync gate demo: three plants deploy SiteWise sync jobs; the gate decides.")
    _say()
    # Signals are ours from here to the end, so that no Ctrl-C ever ends the demo with a traceback.
    with _Interrupt() as interrupt:
        try:
            reports = args.reports_dir or Path(tempfile.mkdtemp(prefix="twinmaker-demo-"))
            reports.mkdir(parents=True, exist_ok=True)
            gate_code = _run(scenario, expected, args.time_scale, reports, interrupt)
        except OSError as exc:  # no free port, no interpreter, an unwritable reports directory
            _say(f"DEMO FAILED: could not run: {exc}")
            return 1
        _say()
        _say(f"local endpoint stopped; the gate exited with code {gate_code}.")
        if interrupt.signum is not None or gate_code is None:
            name = signal.Signals(interrupt.signum or signal.SIGINT).name
            _say(f"demo interrupted ({name}); whatever the gate wrote is in {reports}")
            return interrupt.exit_code
        return _report(expected, gate_code, reports, args.time_scale)


def _run(
    scenario: Scenario, expected: Sequence[Expected], scale: float, reports: Path, interrupt: _Interrupt
) -> int | None:
    """Start the endpoint, run the gate against it, stop the endpoint (whatever happens); the gate's exit
    code, or None when a signal came before the gate started."""
    clock = FirstRequestClock(scale)
    # Throttling buckets (none in this scenario) keep real seconds, as with `time_scale`.
    endpoint = serve(scenario, clock=clock, rate_clock=time.monotonic)
    try:
        clock.arm()
        _say(f"local TwinMaker endpoint: {endpoint.url} (scenario {_relative(SCENARIO)}, time x{scale:g})")
        for e in expected:
            _say(f"  {e.workspace_id}: scripted to end {e.describe()}")
        json_path = reports / "gate.json"
        argv = gate_command(endpoint.url, expected, reports / "junit.xml")
        _say()
        _say("running the gate (dummy credentials, local endpoint only):")
        shown = _shown(argv)
        shown[-1] += f" > {_relative(json_path)}"
        for i, line in enumerate(shown):
            _say(("  $ " if i == 0 else "  ") + line)
        _say()
        if interrupt.signum is not None:
            return None
        return _run_gate(argv, json_path, gate_environment(os.environ), interrupt)
    finally:
        endpoint.stop()


def _report(expected: Sequence[Expected], gate_code: int, reports: Path, scale: float) -> int:
    """Print the verdicts next to the scripted ones and what happened; 0 when they all match, else 1."""
    json_path, junit_path = reports / "gate.json", reports / "junit.xml"
    document = _read_json(json_path)
    problems = judge(expected, gate_code, document, _junit_counts(junit_path))
    jobs = {str(j.get("workspaceId")): j for j in (document or {}).get("jobs") or []}
    _say()
    _say("verdicts, scripted by the scenario and reached by the gate:")
    for line in _verdict_table(expected, jobs):
        _say(line)
    _say()
    _say("what happened:")
    for e in expected:
        if e.workspace_id in jobs:
            _say(f"  {_story(e, jobs[e.workspace_id], scale)}")
    if gate_code == 1:
        _say(
            "  The gate exited with code 1 because one sync job failed: a pipeline running this gate stops "
            "here, with the service's reason and the failing assets in its log and in the JSON and JUnit "
            "reports. That is the demo's point."
        )
    else:
        _say(f"  The gate exited with code {gate_code} (see the exit codes in --help).")
    _say(f"  reports: {json_path} (--output json), {junit_path} (--junit-xml)")
    _say()
    if problems:
        _say("DEMO FAILED: the gate did not reach the scripted verdicts:")
        for problem in problems:
            _say(f"  - {problem}")
        return 1
    _say(
        f"demo OK: the gate reached every scripted verdict, so the demo exits 0 (the gate itself exited "
        f"{gate_code})."
    )
    return 0


def _relative(path: Path) -> str:
    """`path` relative to the working directory when it lies below it (symlinks kept: a venv's python)."""
    absolute = os.path.abspath(path)
    try:
        return str(Path(absolute).relative_to(Path.cwd()))
    except ValueError:
        return absolute


if __name__ == "__main__":
    sys.exit(main())
