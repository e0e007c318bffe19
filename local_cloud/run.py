"""`pulumi up` (preview, refresh, destroy) of a Python program, on the real Pulumi CLI, without a
language host: `python -m local_cloud.run up --work-dir DIR --stack NAME --program FILE`.

The Pulumi CLI runs a Python program through its language host plugin, `pulumi-language-python`, and
the module proxy reachable here serves no version of it (tools/README.md). The Automation API needs
no host: this process serves the language runtime itself (the Python SDK's `LanguageServer`) and
starts the real `pulumi` binary with `--client=ADDR`. Everything else is the engine's own: it parses
`DIR/Pulumi.yaml` and `DIR/Pulumi.<stack>.yaml`, plans, calls the provider plugins, runs the resource
hooks (which call back into this process, where the program lives), runs policy packs, and prints its
own output, which this command passes through line by line. Its exit code is the CLI's.

Ctrl-C (SIGINT) or SIGTERM: passed to the CLI, which cancels the update and records what it did; if
the program is still busy (the stack gate waiting on a sync job), this process does not wait for it.
"""

from __future__ import annotations

import argparse
import os
import re
import runpy
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

ACTIONS = ("up", "preview", "refresh", "destroy")
EXIT_INTERRUPTED = 130
#: How long an interrupted run waits for the CLI to finish cancelling before leaving anyway.
CLI_STOP_SECONDS = 30.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local_cloud.run",
        description="Run a Pulumi operation of a Python program on the real Pulumi CLI, the program "
        "served in-process (Automation API). Example: python -m local_cloud.run up --work-dir /tmp/w "
        "--stack dev --program __main__.py",
    )
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument(
        "--work-dir", required=True, type=Path, help="holds Pulumi.yaml and Pulumi.<stack>.yaml"
    )
    parser.add_argument("--stack", required=True)
    parser.add_argument(
        "--program", type=Path, help="the program's __main__.py (default: WORK_DIR/__main__.py)"
    )
    parser.add_argument("--pulumi", type=Path, default=None, help="the pulumi binary (default: on PATH)")
    parser.add_argument("--policy-pack", action="append", default=[], help="repeatable (preview, up)")
    parser.add_argument("--replace", action="append", default=[], help="URN to replace (up); repeatable")
    parser.add_argument("--parallel", type=int, default=None, help="the engine's --parallel")
    parser.add_argument("--create", action="store_true", help="create the stack if it does not exist")
    return parser


def _program(path: Path) -> Callable[[], None]:
    def run() -> None:
        runpy.run_path(str(path), run_name="__main__")

    return run


def _bail_like_the_language_host() -> None:
    """A failed program's error is shown once, as the real Python language host shows it.

    The host logs a program's error and answers Run with `bail` set (exit code 32 of its exec script),
    so the engine ends the update without repeating it. The SDK's in-process `LanguageServer` logs it
    too but leaves `bail` unset, and the engine then prints the same text again as "an unhandled error
    occurred". This sets `bail` whenever the in-process server answers with an error.
    """
    from pulumi.automation import _server, _stack  # noqa: PLC0415

    class BailingLanguageServer(_server.LanguageServer):
        def Run(self, request: Any, context: Any) -> Any:
            response = super().Run(request, context)  # type: ignore[no-untyped-call]  # the SDK leaves it untyped
            if response.error:
                response.bail = True
            return response

    _stack.LanguageServer = BailingLanguageServer  # type: ignore[attr-defined]  # a private name of the SDK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Imported after parsing, so `--help` is instant and needs no Pulumi SDK.
    from pulumi import automation as auto  # noqa: PLC0415

    _bail_like_the_language_host()

    work_dir: Path = args.work_dir.resolve()
    program = (args.program or work_dir / "__main__.py").resolve()
    sys.path.insert(0, str(program.parent))
    command = (
        auto.PulumiCommand(root=str(args.pulumi.resolve().parent.parent), skip_version_check=True)
        if args.pulumi
        else None
    )
    workspace = auto.LocalWorkspace(work_dir=str(work_dir), program=_program(program), pulumi_command=command)
    if args.create:
        stack = auto.Stack.create_or_select(args.stack, workspace)
    else:
        stack = auto.Stack.select(args.stack, workspace)

    def echo(line: str) -> None:
        sys.stdout.write(line if line.endswith("\n") else line + "\n")
        sys.stdout.flush()

    def echo_error(line: str) -> None:
        sys.stderr.write(line if line.endswith("\n") else line + "\n")
        sys.stderr.flush()

    parallel: int | None = args.parallel
    try:
        if args.action == "up":
            stack.up(
                policy_packs=args.policy_pack or None,
                replace=args.replace or None,
                parallel=parallel,
                on_output=echo,
                on_error=echo_error,
                color="never",
            )
        elif args.action == "preview":
            packs = args.policy_pack or None
            stack.preview(
                policy_packs=packs, parallel=parallel, on_output=echo, on_error=echo_error, color="never"
            )
        elif args.action == "refresh":
            stack.refresh(parallel=parallel, on_output=echo, on_error=echo_error, color="never")
        else:
            stack.destroy(parallel=parallel, on_output=echo, on_error=echo_error, color="never")
    except auto.CommandError as error:
        # The CLI's stdout and stderr were echoed as they came; the error keeps only their text and
        # the exit code, as "\n code: N\n stdout: ...".
        found = re.match(r"\s*code: (-?\d+)", str(error))
        code = int(found.group(1)) if found else 1
        return code if code > 0 else 1
    return 0


def _exit_now(signum: int, _frame: FrameType | None) -> None:
    # The CLI is in our process group and got the same signal from the terminal; it cancels and
    # writes its state. What is left here is the program, possibly the stack gate blocked on a sync job:
    # do not wait for it (Python would join its worker threads at exit).
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(128 + signum)


def _children() -> list[int]:
    """This process's live child processes (Linux /proc): the Pulumi CLI the Automation API started."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _wait_for_the_cli(seconds: float) -> None:
    """After Ctrl-C: the CLI got it too (same process group) and is cancelling the update and writing
    its state; leaving first would close its output pipes under it and orphan its provider plugins."""
    deadline = time.monotonic() + seconds
    while _children() and time.monotonic() < deadline:
        time.sleep(0.1)


def _quiet_closed_pipes(args: threading.ExceptHookArgs) -> None:
    # When interrupted, the Automation API closes the CLI's pipes under its own reader threads, which
    # then fail with "I/O operation on closed file": expected, and no traceback for the user.
    if isinstance(args.exc_value, ValueError) and "closed file" in str(args.exc_value):
        return
    threading.__excepthook__(args)


def console_main() -> None:
    signal.signal(signal.SIGTERM, _exit_now)
    threading.excepthook = _quiet_closed_pipes
    try:
        code = main()
    except KeyboardInterrupt:
        # Stop the program's gate waits, so the program (and with it the update) ends at once.
        from validators.pulumi.wait import PROGRAM_CANCEL  # noqa: PLC0415

        PROGRAM_CANCEL.set()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the wait short
        _wait_for_the_cli(CLI_STOP_SECONDS)
        code = EXIT_INTERRUPTED
    sys.stdout.flush()
    sys.stderr.flush()
    # The program's worker threads (the stack gate's) may still run; the verdict is already out.
    os._exit(code)


if __name__ == "__main__":
    console_main()
