"""`twinmaker-gate wait` (also `python -m validators wait`): a thin CLI over the gate library's `GateRun`.

`main(argv) -> int` never calls `sys.exit` and never lets a traceback out: bad input is one line on stderr
and exit 2, before any AWS request; every verdict maps to its exit code (`ExitStatus`; docs/gate.md,
"Outcomes and exit codes"). Only `validators/__main__.py` and the console script turn the int into a
process exit.

This package composes four modules, one concern each: `parser` (the command line and the `Plan` it
becomes), `variables` (the `TWINMAKER_GATE_*` variables that stand in for options), `environment`
(streams, variables, terminal, signals, clocks) and `reporting` (the reports after a run).
boto3 is imported only when a run starts, rich only on a terminal.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TextIO

from ..aws_settings import GateConfigError
from ..inputs import InputError
from ..model import ExitStatus, Outcome, RunResult, StateChange, Target
from ..reports.heartbeat import narrate
from ..sanitize import redact, safe_text
from ..waiter import Waiter
from .environment import PROG, Clocks, Environment, Interrupted, Signals
from .parser import ENV_OPTIONS, Plan, UsageError, build_parser, plan_from_args
from .reporting import write_reports
from .variables import EnvVarError, apply_environment

__all__ = [
    "PROG",
    "Clocks",
    "ExitStatus",
    "Plan",
    "UsageError",
    "build_parser",
    "console_main",
    "main",
    "run_plan",
]


#: What the CLI calls to wait for its targets: `GateRun.wait`, or an injected `Waiter` bound to the plan.
_WaitFor = Callable[..., RunResult]


@contextmanager
def _prepared(plan: Plan, waiter: Waiter | None) -> Iterator[tuple[list[Target], _WaitFor]]:
    """The run's targets (regions resolved and checked, repeats dropped) and what waits for them,
    called as `wait_for(targets, on_change=..., cancel=...)`.

    The real run is prepared once (`gate.GateRun`: one session, one client pool, one budget per
    region), lists the rows, waits, and is closed after; an injected `waiter` (tests) gets the
    targets resolved by a pool of their own, and the plan's policy and AWS settings."""
    # boto3 only when a run starts.
    from ..gate import GateRun, open_pool, resolve_regions  # noqa: PLC0415

    if waiter is not None:
        resolved = resolve_regions(plan.targets, open_pool(plan.aws, plan.policy))
        yield [t for t, _ in resolved], partial(waiter, policy=plan.policy, aws=plan.aws)
        return
    with GateRun(plan.policy, plan.aws, targets_hint=len(plan.targets)) as run:
        yield [target for target, _ in run.resolve(plan.targets)], run.wait


def run_plan(plan: Plan, env: Environment, waiter: Waiter | None, signals: Signals) -> RunResult:
    """Run the wait and write every report; the result says which reports could not be written."""
    out = env.out(plan.output)
    with _prepared(plan, waiter) as (targets, wait_for):
        progress = None
        if plan.progress and env.can_draw_live(out.people):
            from ..reports.progress import LiveProgress  # noqa: PLC0415 - rich only on a TTY

            progress = LiveProgress(targets, stream=out.people)

        def wait(on_change: Callable[[StateChange], None]) -> RunResult:
            return wait_for(targets, on_change=on_change, cancel=signals.cancel)

        signals.running = True
        if progress is not None:
            progress.start()
            try:
                result = wait(progress.update)
            finally:
                progress.stop()
        else:
            result = narrate(
                wait,
                targets,
                lambda line: out.write(out.people, line),
                first=plan.heartbeat,
                clock=env.clocks.clock,
                wait=env.clocks.wait,
            )
    # "Interrupted" means a signal came before a verdict: one that lands after every target has its
    # verdict changes nothing.
    if signals.received is not None and any(j.outcome is Outcome.INTERRUPTED for j in result.jobs):
        result = dataclasses.replace(result, interrupted_by=signals.received)
    return write_reports(result, out, env.environ, output=plan.output, junit_xml=plan.junit_xml)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    waiter: Waiter | None = None,
    prog: str = PROG,
    clocks: Clocks | None = None,
) -> int:
    """Run the CLI; return the exit code (see `ExitStatus`; docs/gate.md, "Outcomes and exit codes").

    `waiter` defaults to a `validators.gate.GateRun` prepared once, imported only when a run starts, so
    `--help` and bad input answer without loading boto3. `prog` is how the program was invoked, for
    `--help` and messages. Options missing from `argv` come from `TWINMAKER_GATE_*` in `environ`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    env = Environment.of(stdin=stdin, stdout=stdout, stderr=stderr, environ=environ, prog=prog, clocks=clocks)
    bootstrap = env.out("json")
    with Signals() as signals:
        try:
            parser = build_parser(env.prog)
            args = parser.parse_args(argv)
            if args.command is None:  # a bare `twinmaker-gate`: its usage, and what to choose
                bootstrap.write(env.stderr, parser.format_usage().rstrip())
                bootstrap.write(env.stderr, f"{env.prog}: error: choose a command: wait (see --help)")
                return ExitStatus.USAGE
            for warning in apply_environment(args, ENV_OPTIONS, env.environ):
                bootstrap.write(env.stderr, f"{env.prog} wait: warning: {safe_text(warning, 600)}")
            plan = plan_from_args(args, env.stdin)
            result = run_plan(plan, env, waiter, signals)
        except (UsageError, InputError, GateConfigError, EnvVarError) as exc:
            bootstrap.write(env.stderr, f"{env.prog} wait: error: {safe_text(redact(str(exc)), 600)}")
            return ExitStatus.USAGE
        except SystemExit as exc:  # --help and --version exit through argparse
            return int(exc.code or 0) if not isinstance(exc.code, str) else ExitStatus.USAGE
        except Interrupted as exc:
            bootstrap.write(
                env.stderr, f"{env.prog} wait: interrupted ({signal.Signals(exc.status - 128).name})"
            )
            return exc.status
        except KeyboardInterrupt:  # no handler of ours (not the main thread)
            bootstrap.write(env.stderr, f"{env.prog} wait: interrupted")
            return ExitStatus.SIGINT
    return int(result.exit_status)


def console_main() -> None:
    """Entry point of the `twinmaker-gate` console script: named as it was invoked."""
    sys.exit(main(prog=os.path.basename(sys.argv[0]) or "twinmaker-gate"))
