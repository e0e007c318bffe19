"""The CLI with an injected waiter: every exit code, the run's exit-code order, every kind of bad input
(one line, exit 2, and the waiter - so AWS - never called), and what each output mode prints."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from validators import cli
from validators.aws_settings import AwsSettings
from validators.cli import environment as cli_environment
from validators.cli import main
from validators.model import JobResult, Outcome, RunResult, ServiceError, StateChange, Target
from validators.wait_settings import WaitPolicy


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_") or name.startswith("GITHUB_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_REGION", "eu-west-1")


class FakeWaiter:
    """Returns the scripted outcome per workspace; records what it was asked."""

    def __init__(
        self,
        outcomes: dict[str, Outcome] | None = None,
        before: Callable[[], None] | None = None,
        message: str = "role cannot be assumed",
    ):
        self.outcomes = outcomes or {}
        self.message = message
        self.calls: list[tuple[list[Target], WaitPolicy, AwsSettings]] = []
        self.before = before

    def __call__(
        self, targets: Sequence[Target], policy: WaitPolicy | None = None, **options: Any
    ) -> RunResult:
        """The `validators.waiter.Waiter` protocol; the CLI passes every option."""
        aws, on_change, cancel = options["aws"], options["on_change"], options["cancel"]
        assert policy is not None and aws is not None and on_change is not None and cancel is not None
        self.calls.append((list(targets), policy, aws))
        if self.before:
            self.before()
            assert cancel.wait(2), "the signal did not set the cancel event"
        jobs = []
        for target in targets:
            outcome = self.outcomes.get(target.workspace_id, Outcome.ACTIVE)
            state = {Outcome.ACTIVE: "ACTIVE", Outcome.ERROR: "ERROR", Outcome.TIMEOUT: "CREATING"}.get(
                outcome
            )
            error = ServiceError("SYNC_CREATING_ERROR", self.message) if outcome is Outcome.ERROR else None
            job = JobResult(target, outcome, state, error, polls=3, elapsed_seconds=4.0, region=target.region)
            on_change(StateChange(target, state, None, 4.0, 3, result=job))
            jobs.append(job)
        return RunResult(tuple(jobs), elapsed_seconds=4.5)


def run_cli(
    argv: list[str], waiter: FakeWaiter | None = None, stdin: str = "", environ: dict[str, str] | None = None
):
    out, err = io.StringIO(), io.StringIO()
    waiter = waiter if waiter is not None else FakeWaiter()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err, environ=environ or {}, waiter=waiter)
    return code, out.getvalue(), err.getvalue(), waiter


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ({"plant-a": Outcome.ACTIVE}, 0),
        ({"plant-a": Outcome.ERROR}, 1),
        ({"plant-a": Outcome.RESOURCE_ERRORS}, 1),
        ({"plant-a": Outcome.UNEXPECTED_STATE}, 1),
        ({"plant-a": Outcome.NOT_FOUND}, 4),
        ({"plant-a": Outcome.DENIED}, 4),
        ({"plant-a": Outcome.INVALID}, 4),
        ({"plant-a": Outcome.UNREACHABLE}, 4),
        ({"plant-a": Outcome.TIMEOUT}, 3),
        # the run's code: 1 before 4 before 3 before 0
        ({"plant-a": Outcome.TIMEOUT, "plant-b": Outcome.DENIED}, 4),
        ({"plant-a": Outcome.TIMEOUT, "plant-b": Outcome.DENIED, "plant-c": Outcome.ERROR}, 1),
        ({"plant-a": Outcome.ACTIVE, "plant-b": Outcome.TIMEOUT}, 3),
    ],
)
def test_exit_code_per_outcome_and_their_order(outcomes: dict[str, Outcome], expected: int) -> None:
    argv = ["wait", *[arg for ws in outcomes for arg in ("--workspace-id", ws)]]
    code, out, err, _ = run_cli(argv, FakeWaiter(outcomes))
    assert code == expected, err
    assert f"exit code {expected}" in out.splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["wait"], "", "no target: give --workspace-id, --pulumi-outputs or --terraform-outputs"),
        (["wait", "--workspace-id", "-bad-"], "", "--workspace-id"),
        (["wait", "--workspace-id", "plant-a" * 129], "", "--workspace-id"),
        (["wait", "--workspace-id", "ok1", "--sync-source", "SITE-WISE"], "", "--sync-source"),
        (
            ["wait", "--workspace-id", "ok1", "--timeout", "-1"],
            "",
            "argument --timeout: must be 0 or more, got -1",
        ),
        (
            ["wait", "--workspace-id", "ok1", "--timeout", "soon"],
            "",
            "argument --timeout: expected a duration",
        ),
        (["wait", "--workspace-id", "ok1", "--timeout", "nan"], "", "argument --timeout"),
        (
            ["wait", "--workspace-id", "ok1", "--min-interval", "0"],
            "",
            "argument --min-interval: must be more than 0",
        ),
        (
            ["wait", "--workspace-id", "ok1", "--min-interval", "40", "--max-interval", "30"],
            "",
            "--min-interval must not be above --max-interval",
        ),
        (["wait", "--workspace-id", "ok1", "--max-concurrency", "0"], "", "argument --max-concurrency"),
        (["wait", "--workspace-id", "ok1", "--max-rps", "0"], "", "argument --max-rps"),
        (["wait", "--workspace-id", "ok1", "--output", "yaml"], "", "argument --output"),
        (["wait", "--workspace-id", "ok1", "--endpoint-url", "localhost:4566"], "", "--endpoint-url"),
        (["wait", "--pulumi-outputs", "/nonexistent/out.json"], "", "no such file"),
        (["wait", "--pulumi-outputs", "-"], "{not json", "--pulumi-outputs"),
        (["wait", "--pulumi-outputs", "-"], '{"other": 1}', "syncJobs"),
        (["wait", "--terraform-outputs", "-"], '{"sync_jobs": {"value": "x"}}', "--terraform-outputs"),
        (["wait", "--pulumi-outputs", "-", "--terraform-outputs", "-"], "{}", "cannot both read stdin"),
        (["wait", "--workspace-id", "ok1", "--bogus"], "", "unrecognized arguments: --bogus"),
        # No abbreviations: a prefix accepted today would freeze every prefix into the contract.
        (["wait", "--workspace", "ok1"], "", "unrecognized arguments: --workspace ok1"),
        (["wait", "--pulumi-output", "-"], "{}", "unrecognized arguments: --pulumi-output -"),
        (["wait", "--workspace-id", "ok1", "--time", "5m"], "", "unrecognized arguments: --time 5m"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_aws_request(argv: list[str], stdin: str, message: str) -> None:
    code, out, err, waiter = run_cli(argv, stdin=stdin)
    assert code == 2
    assert waiter.calls == []
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("python -m validators wait: error: ")
    assert message in lines[0]
    assert "Traceback" not in err


def test_a_bare_command_prints_its_usage_and_what_to_choose() -> None:
    code, out, err, waiter = run_cli([])
    assert (code, out, waiter.calls) == (2, "", [])
    assert err.splitlines() == [
        "usage: python -m validators [-h] [--version] COMMAND ...",
        "python -m validators: error: choose a command: wait (see --help)",
    ]


def test_no_region_anywhere_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    code, _, err, waiter = run_cli(["wait", "--workspace-id", "plant-a"])
    assert code == 2 and waiter.calls == []
    assert "no region for plant-a/SITEWISE: pass --region, set AWS_REGION" in err


def test_unknown_profile_is_bad_input() -> None:
    code, _, err, waiter = run_cli(["wait", "--workspace-id", "plant-a", "--profile", "nope"])
    assert code == 2 and waiter.calls == []
    assert "--profile" in err and "nope" in err


def test_help_lists_every_contract_option_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wait", "--help"], waiter=FakeWaiter()) == 0
    help_text = capsys.readouterr().out
    contract = Path(__file__).resolve().parents[2].parent / "shared" / "CONTRACT.md"
    options = {
        "--workspace-id", "--sync-source", "--pulumi-outputs", "--terraform-outputs", "--timeout",
        "--min-interval", "--max-interval", "--not-found-grace", "--check-resources", "--max-concurrency",
        "--max-rps", "--region", "--profile", "--endpoint-url", "--output", "--junit-xml",
    }  # fmt: skip
    if contract.exists():
        import re

        # Only the command's own section: other sections name other tools' flags (`pulumi --parallel`).
        text = contract.read_text()
        section = text.split("## Command", 1)[-1].split("\n## ", 1)[0]
        options |= set(re.findall(r"`(--[a-z-]+)", section))
    for option in options:
        assert option in help_text, option
    assert help_text.count("e.g.") >= 16


def test_targets_combine_and_dedupe_across_sources_with_resolved_regions() -> None:
    pulumi = json.dumps(
        {"syncJobs": [{"workspaceId": "plant-a"}, {"workspaceId": "plant-b", "region": "us-east-1"}]}
    )
    code, _, _, waiter = run_cli(
        [
            "wait",
            "--workspace-id",
            "plant-a",
            "--workspace-id",
            "plant-c",
            "--pulumi-outputs",
            "-",
            "--region",
            "eu-west-1",
        ],
        stdin=pulumi,
    )
    assert code == 0
    ((targets, _, aws),) = waiter.calls
    assert [(t.workspace_id, t.region) for t in targets] == [
        ("plant-a", None),
        ("plant-c", None),
        ("plant-b", "us-east-1"),
    ]
    assert aws.region == "eu-west-1"


def test_policy_and_aws_options_reach_the_waiter() -> None:
    argv = [
        "wait", "--workspace-id", "plant-a", "--timeout", "60", "--min-interval", "1", "--max-interval", "9",
        "--not-found-grace", "5", "--check-resources", "--max-concurrency", "3", "--max-rps", "2.5",
        "--endpoint-url", "http://127.0.0.1:9", "--region", "eu-central-1",
    ]  # fmt: skip
    _, _, _, waiter = run_cli(argv)
    ((_, policy, aws),) = waiter.calls
    assert (policy.timeout, policy.min_interval, policy.max_interval, policy.not_found_grace) == (60, 1, 9, 5)
    assert (policy.check_resources, policy.max_concurrency, policy.max_rps) == (True, 3, 2.5)
    assert (aws.endpoint_url, aws.region) == ("http://127.0.0.1:9", "eu-central-1")


def test_json_output_is_exactly_one_document_on_stdout() -> None:
    code, out, err, _ = run_cli(
        ["wait", "--workspace-id", "plant-a", "--workspace-id", "plant-b", "--output", "json"],
        FakeWaiter({"plant-b": Outcome.ERROR}),
    )
    assert code == 1
    document = json.loads(out)  # raises if anything else is on stdout
    assert document["outcome"] == "error" and document["exitCode"] == 1
    assert [j["workspaceId"] for j in document["jobs"]] == ["plant-a", "plant-b"]
    assert document["jobs"][1]["error"] == {
        "code": "SYNC_CREATING_ERROR",
        "message": "role cannot be assumed",
    }
    assert "result: error, exit code 1" in err  # people's text went to stderr


def test_text_output_has_a_line_per_change_then_the_summary() -> None:
    _, out, _, _ = run_cli(["wait", "--workspace-id", "plant-a"])
    lines = out.splitlines()
    assert lines[0] == "[    4.0s] plant-a/SITEWISE: ACTIVE (3 polls) => active"
    assert lines[-1].startswith("result: active, exit code 0")


def test_junit_report_is_written(tmp_path: Path) -> None:
    report = tmp_path / "reports.xml"
    run_cli(
        ["wait", "--workspace-id", "plant-a", "--workspace-id", "plant-b", "--junit-xml", str(report)],
        FakeWaiter({"plant-b": Outcome.ERROR}),
    )
    cases = ET.parse(report).getroot().iter("testcase")
    failures = {case.get("name"): case.find("failure") is not None for case in cases}
    assert failures == {"plant-a/SITEWISE": False, "plant-b/SITEWISE": True}


def test_unwritable_junit_path_is_reported_and_never_passes_the_gate(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    code, out, err, _ = run_cli(
        ["wait", "--workspace-id", "plant-a", "--junit-xml", str(blocker / "report.xml"), "--output", "json"]
    )
    assert code == 4
    assert "could not write report: --junit-xml" in err
    assert json.loads(out)["exitCode"] == 4  # the document states the exit code the process gives
    assert "exit code 4" in err.splitlines()[-1]


def test_junit_report_directories_are_created_as_needed(tmp_path: Path) -> None:
    report = tmp_path / "reports" / "nested" / "gate.xml"
    code, _, _, _ = run_cli(["wait", "--workspace-id", "plant-a", "--junit-xml", str(report)])
    assert code == 0
    assert ET.parse(report).getroot().find(".//testcase") is not None


def test_junit_path_that_is_a_directory_is_bad_input(tmp_path: Path) -> None:
    code, _, err, waiter = run_cli(["wait", "--workspace-id", "plant-a", "--junit-xml", str(tmp_path)])
    assert code == 2 and waiter.calls == []
    assert "is a directory" in err


@pytest.mark.parametrize("region", ["eu_west_1", "not a region", "eu-west-1 ", "EU-WEST-1"])
def test_a_malformed_region_is_bad_input_not_a_traceback(
    region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err, waiter = run_cli(["wait", "--workspace-id", "plant-a", "--region", region])
    assert code == 2 and waiter.calls == [] and "--region" in err
    monkeypatch.setenv("AWS_REGION", region)
    code, _, err, waiter = run_cli(["wait", "--workspace-id", "plant-a"])
    assert code == 2 and waiter.calls == [] and "AWS_REGION" in err


def test_text_survives_a_stream_that_cannot_encode_it() -> None:
    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii", errors="strict")

    waiter = FakeWaiter({"plant-a": Outcome.ERROR}, message="\x1b[31mtempérature hors limites")
    code = main(["wait", "--workspace-id", "plant-a"], stdin=io.StringIO(), stdout=ascii_out,
                stderr=io.StringIO(), environ={}, waiter=waiter)  # fmt: skip
    ascii_out.flush()
    assert code == 1
    written = raw.getvalue().decode("ascii")
    assert "result: error, exit code 1" in written  # "␛" and "é" did not swallow the output
    assert "\\u241b[31mtemp\\xe9rature" in written  # escaped, visibly


def test_a_signal_after_every_verdict_does_not_make_the_run_interrupted() -> None:
    waiter = FakeWaiter({"plant-a": Outcome.ACTIVE}, before=lambda: os.kill(os.getpid(), signal.SIGTERM))
    code, out, _, _ = run_cli(["wait", "--workspace-id", "plant-a"], waiter)
    assert code == 0
    assert "result: active, exit code 0" in out


def test_github_actions_get_annotations_and_a_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    _, out, _, _ = run_cli(
        ["wait", "--workspace-id", "plant-a", "--workspace-id", "plant-b"],
        FakeWaiter({"plant-b": Outcome.ERROR}),
        environ=environ,
    )
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 and annotations[0].startswith("::error ")
    assert "SYNC_CREATING_ERROR" in annotations[0]
    assert "| plant-b/SITEWISE" in summary.read_text()


def test_closed_stdout_ends_quietly_with_the_verdicts_exit_code() -> None:
    class ClosedPipe(io.StringIO):
        def write(self, s: str) -> int:
            raise BrokenPipeError

    err = io.StringIO()
    code = main(
        ["wait", "--workspace-id", "plant-a"],
        stdin=io.StringIO(),
        stdout=ClosedPipe(),
        stderr=err,
        environ={},
        waiter=FakeWaiter({"plant-a": Outcome.ERROR}),
    )
    assert code == 1
    assert err.getvalue() == ""


@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_cancels_the_run_and_sets_the_exit_code(signum: int, expected: int, tmp_path: Path) -> None:
    report = tmp_path / "partial.xml"
    waiter = FakeWaiter({"plant-a": Outcome.INTERRUPTED}, before=lambda: os.kill(os.getpid(), signum))
    code, out, _, _ = run_cli(["wait", "--workspace-id", "plant-a", "--junit-xml", str(report)], waiter)
    assert code == expected
    assert ET.parse(report).getroot().find(".//testcase") is not None  # the partial report was written
    assert "interrupted" in out.splitlines()[-1]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_a_target_naming_the_default_region_is_the_same_target_as_one_without() -> None:
    pulumi = json.dumps(
        {"syncJobs": [{"workspaceId": "plant-a", "region": "eu-west-1"}, {"workspaceId": "plant-b"}]}
    )
    _, _, _, waiter = run_cli(["wait", "--workspace-id", "plant-a", "--pulumi-outputs", "-"], stdin=pulumi)
    ((targets, _, _),) = waiter.calls
    assert [t.workspace_id for t in targets] == ["plant-a", "plant-b"]


def test_a_second_signal_later_stops_at_once_without_waiting_for_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "later" without a real second of waiting
    monkeypatch.setattr(cli_environment.Signals, "ESCALATE_AFTER", 0.0)

    def twice() -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the first: cancel, the run winds down
        os.kill(os.getpid(), signal.SIGINT)  # the second: stop now

    code, out, err, _ = run_cli(["wait", "--workspace-id", "plant-a"], FakeWaiter(before=twice))
    assert code == 130
    assert out == ""
    assert err.strip() == "python -m validators wait: interrupted (SIGINT)"


def test_signals_arriving_together_are_one_interrupt_and_the_reports_are_written(tmp_path: Path) -> None:
    # Ctrl-C reaches the whole process group, and a wrapper (make, a demo, a CI runner) forwards it too.
    def together() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)

    report = tmp_path / "gate.xml"
    waiter = FakeWaiter({"plant-a": Outcome.INTERRUPTED}, before=together)
    code, out, _, _ = run_cli(["wait", "--workspace-id", "plant-a", "--junit-xml", str(report)], waiter)
    assert code == 130
    assert "result: interrupted (SIGINT), exit code 130" in out
    assert ET.parse(report).getroot().find(".//skipped") is not None


# --- settings a pipeline sets, versions and names -------------------------------------------------


def test_durations_with_units_reach_the_policy() -> None:
    argv = ["wait", "--workspace-id", "plant-a", "--timeout", "1h30m", "--min-interval", "5s",
            "--max-interval", "1m", "--not-found-grace", "2m30s", "--unreachable-after", "90"]  # fmt: skip
    _, _, _, waiter = run_cli(argv)
    ((_, policy, _),) = waiter.calls
    assert (policy.timeout, policy.min_interval, policy.max_interval) == (5400, 5, 60)
    assert (policy.not_found_grace, policy.unreachable_after) == (150, 90)


def test_environment_variables_set_options_and_flags_win() -> None:
    environ = {
        "TWINMAKER_GATE_TIMEOUT": "30m",
        "TWINMAKER_GATE_MAX_RPS": "4",
        "TWINMAKER_GATE_CHECK_RESOURCES": "true",
        "TWINMAKER_GATE_MIN_INTERVAL": "",  # empty is unset (CI passes unset inputs as "")
        "TWINMAKER_GATE_OUTPUT": "json",
    }
    code, out, _, waiter = run_cli(["wait", "--workspace-id", "plant-a", "--max-rps", "7"], environ=environ)
    ((_, policy, _),) = waiter.calls
    assert (policy.timeout, policy.max_rps, policy.check_resources, policy.min_interval) == (1800, 7, True, 2)
    assert code == 0 and json.loads(out)["outcome"] == "active"


def test_a_bad_variable_is_a_usage_error_naming_it_unless_a_flag_overrides_it() -> None:
    environ = {"TWINMAKER_GATE_TIMEOUT": "soon"}
    code, _, err, waiter = run_cli(["wait", "--workspace-id", "plant-a"], environ=environ)
    assert code == 2 and waiter.calls == []
    assert err == (
        "python -m validators wait: error: TWINMAKER_GATE_TIMEOUT: expected a duration "
        "(such as 90, 90s, 30m, 1h or 1h30m), got 'soon'\n"
    )
    code, _, _, _ = run_cli(["wait", "--workspace-id", "plant-a", "--timeout", "60"], environ=environ)
    assert code == 0


def test_an_unknown_variable_with_the_prefix_is_a_warning_with_a_suggestion() -> None:
    code, _, err, _ = run_cli(["wait", "--workspace-id", "plant-a"], environ={"TWINMAKER_GATE_TIMOUT": "5m"})
    assert code == 0
    assert err.splitlines()[0] == (
        "python -m validators wait: warning: TWINMAKER_GATE_TIMOUT is not a setting of the gate (ignored); "
        "did you mean TWINMAKER_GATE_TIMEOUT?"
    )


@pytest.mark.parametrize("argv", [["--version"], ["wait", "--version"]])
def test_version_names_the_program_as_invoked(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from validators.version import __version__

    assert main(argv, prog="twinmaker-gate", waiter=FakeWaiter()) == 0
    assert capsys.readouterr().out == f"twinmaker-gate {__version__}\n"


def test_help_usage_names_the_program_as_invoked_and_offers_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"], prog="twinmaker-gate", waiter=FakeWaiter()) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("usage: twinmaker-gate [-h] [--version]")
    assert main(["wait", "--help"], prog="twinmaker-gate", waiter=FakeWaiter()) == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: twinmaker-gate wait [-h] [--version]")
    assert "pulumi stack output --json | twinmaker-gate wait --pulumi-outputs -" in help_text
    assert "python -m validators" not in help_text


def test_errors_name_the_program_as_invoked() -> None:
    err = io.StringIO()
    code = main(
        ["wait"], stdout=io.StringIO(), stderr=err, environ={}, waiter=FakeWaiter(), prog="twinmaker-gate"
    )
    assert code == 2 and err.getvalue().startswith("twinmaker-gate wait: error: no target")


def test_heartbeats_fill_the_silence_off_a_terminal_on_a_fake_clock() -> None:
    now = [0.0]
    stop_at = 100.0
    started, done = threading.Event(), threading.Event()

    def wait(seconds: float) -> bool:  # the ticker's wait on the fake clock; stops at 100 s
        assert started.wait(5), "the waiter never printed its first change"
        now[0] += seconds
        if now[0] > stop_at:
            done.set()
            return True
        return False

    class SlowWaiter(FakeWaiter):
        def __call__(self, targets, policy=None, *, aws=None, on_change=None, cancel=None):  # type: ignore[no-untyped-def, override]
            assert on_change is not None
            on_change(StateChange(targets[0], "CREATING", None, 0.0, 1))
            started.set()
            assert done.wait(5), "the ticker never reached 100 s"
            return super().__call__(targets, policy, aws=aws, on_change=on_change, cancel=cancel)

    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["wait", "--workspace-id", "plant-a"],
        stdout=out,
        stderr=err,
        environ={},
        waiter=SlowWaiter(),
        clocks=cli.Clocks(clock=lambda: now[0], wait=wait),
    )
    assert code == 0
    beats = [line for line in out.getvalue().splitlines() if "waiting:" in line]
    assert beats == [
        "[   30.0s] waiting: 1 job CREATING for 30s: plant-a/SITEWISE",
        "[   60.0s] waiting: 1 job CREATING for 1m: plant-a/SITEWISE",
        "[   90.0s] waiting: 1 job CREATING for 1m30s: plant-a/SITEWISE",
    ]
    quiet = run_cli(["wait", "--workspace-id", "plant-a", "--heartbeat", "0"])
    assert "waiting:" not in quiet[1]
