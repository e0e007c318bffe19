"""The command line of `twinmaker-gate wait`: the argparse parser, its option types (durations, numbers,
the output mode), the options a `TWINMAKER_GATE_*` variable may set, and the `Plan` a valid command line
becomes. Nothing here reads AWS or writes a stream: bad input raises `UsageError` (or `InputError` from
the target readers), which `validators.cli.main` prints as one line, exit 2.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TextIO
from urllib.parse import urlsplit

from ..aws_settings import AwsSettings
from ..durations import DurationError, parse_duration
from ..inputs import read_pulumi_outputs, read_source, read_terraform_outputs, targets_from_flags
from ..model import Target
from ..names import DEFAULT_SYNC_SOURCE, SUPPORTED_SYNC_SOURCES, check_region
from ..sanitize import safe_text
from ..version import __version__
from ..wait_settings import SETTINGS, PolicyError, Setting, Unit, WaitPolicy, setting
from .environment import PROG
from .variables import PREFIX, EnvOption, boolean

EPILOG = """\
examples:
  # gate the stack `pulumi up` just deployed
  pulumi stack output --json | python -m validators wait --pulumi-outputs -
  # gate what Terraform deployed, strict about failing resources, JSON for the pipeline
  terraform output -json | python -m validators wait --terraform-outputs - --check-resources --output json
  # two workspaces by ID, ten minutes at most, a JUnit report for the CI's test tab
  python -m validators wait --workspace-id plant-a --workspace-id plant-b --region eu-west-1 \\
      --timeout 600 --junit-xml reports/twinmaker-sync.xml

inside `pulumi up`: the program's own gate (Pulumi config gateMode: stack) waits for every sync job at
once without holding any of the engine's --parallel workers; this command is the step after it.

exit codes: 0 all active; 1 a job failed (error, resource_errors, unexpected_state); 2 usage error or
bad input; 3 timeout; 4 could not judge (not_found, denied, invalid, unreachable); 130/143 interrupted.
"""


class UsageError(Exception):
    """Bad command line or input: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting: the CLI owns the one-line message.
    No abbreviations (`--workspace` for `--workspace-id`): each accepted prefix would become part of the
    contract, and a new option could never start with one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _number(kind: Callable[[str], float], minimum: float, strict: bool, what: str) -> Callable[[str], float]:
    """An argparse type: `kind(raw)`, at least `minimum` (above it if `strict`), never NaN or infinite."""

    def parse(raw: str) -> float:
        try:
            value = kind(raw.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {safe_text(raw, 40)!r}") from None
        if math.isnan(value) or math.isinf(value) or value < minimum or (strict and value == minimum):
            bound = f"more than {minimum:g}" if strict else f"{minimum:g} or more"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {safe_text(raw, 40)}")
        return value

    return parse


def _duration(strict: bool) -> Callable[[str], float]:
    """A duration option: `90`, `90s`, `30m`, `1h30m` (see `validators.durations`)."""

    def parse(raw: str) -> float:
        text = raw.strip()
        negative = text.startswith("-")
        try:
            value = parse_duration(text[1:] if negative else text)
        except DurationError as exc:
            raise argparse.ArgumentTypeError(f"{exc}, got {safe_text(raw, 40)!r}") from None
        if negative and value > 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more, got {safe_text(raw, 40)}")
        if strict and value == 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, got {safe_text(raw, 40)}")
        return value

    return parse


SECONDS = _duration(strict=False)
POSITIVE_SECONDS = _duration(strict=True)
POSITIVE_RATE = _number(float, 0, True, "a number of requests per second")


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {safe_text(raw, 40)!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _output_mode(raw: str) -> str:
    if raw not in ("text", "json"):
        raise argparse.ArgumentTypeError(f"expected text or json, got {safe_text(raw, 40)!r}")
    return raw


#: How each kind of wait setting is read from the command line: its argparse type and metavar.
_SETTING_TYPES: dict[Unit, tuple[Callable[[Setting], Callable[[str], object]], str]] = {
    Unit.SECONDS: (lambda row: POSITIVE_SECONDS if row.positive else SECONDS, "DURATION"),
    Unit.COUNT: (lambda _row: _positive_int, "N"),
    Unit.RATE: (lambda _row: POSITIVE_RATE, "R"),
    Unit.SWITCH: (lambda _row: boolean, ""),
}


def flag(name: str) -> str:
    """The CLI's option for the setting `name`: `--min-interval` for `min_interval`."""
    return "--" + name.replace("_", "-")


#: Options a `TWINMAKER_GATE_*` variable may set (flags win), with their defaults: the wait settings'
#: from their table, then the CLI's own. Each `dest` is declared with `default=None` so that "not on
#: the command line" can be told from "given".
ENV_OPTIONS: tuple[EnvOption, ...] = (
    EnvOption("sync_source", str, DEFAULT_SYNC_SOURCE),
    *(EnvOption(row.name, _SETTING_TYPES[row.unit][0](row), row.default) for row in SETTINGS),
    EnvOption("output", _output_mode, "text"),
    EnvOption("junit_xml", str, None),
    EnvOption("no_progress", boolean, False),
)


def _env(dest: str) -> str:
    return PREFIX + dest.upper()


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The parser; `prog` is how the program was invoked (`twinmaker-gate` or `python -m validators`)."""
    version = f"{prog} {__version__}"
    parser = _Parser(
        prog=prog,
        description=f"twinmaker-gate {__version__}: deployment gate for AWS IoT TwinMaker sync jobs.",
    )
    parser.add_argument("--version", action="version", version=version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wait = commands.add_parser(
        "wait",
        help="wait until sync jobs are ACTIVE, or report why not",
        description=f"twinmaker-gate {__version__}. Poll iottwinmaker GetSyncJob until every target is "
        "ACTIVE, or report the service's ERROR code and message (and which sync resources failed), as an "
        "exit code a pipeline can trust. Durations take units: 90, 90s, 30m, 1h30m. Every option marked "
        f"(env ...) can also be set by that variable; a flag wins over it.",
        epilog=EPILOG.replace("python -m validators", prog),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    wait.add_argument("--version", action="version", version=version, help="print the version and exit")
    targets = wait.add_argument_group("targets (at least one source; sources combine)")
    targets.add_argument(
        "--workspace-id",
        action="append",
        default=[],
        metavar="ID",
        help="a workspace whose sync job to gate; repeatable "
        "(e.g. --workspace-id plant-a --workspace-id plant-b)",
    )
    targets.add_argument(
        "--sync-source",
        metavar="NAME",
        help=f"sync source of the --workspace-id targets; the service supports "
        f"{', '.join(sorted(SUPPORTED_SYNC_SOURCES))} (default {DEFAULT_SYNC_SOURCE}; "
        f"env {_env('sync_source')}; e.g. --sync-source SITEWISE)",
    )
    targets.add_argument(
        "--pulumi-outputs",
        metavar="FILE",
        help="`pulumi stack output --json` output, `-` for stdin; targets are its `syncJobs` "
        "(e.g. pulumi stack output --json | ... --pulumi-outputs -)",
    )
    targets.add_argument(
        "--terraform-outputs",
        metavar="FILE",
        help="`terraform output -json` output, `-` for stdin; targets are its `sync_jobs` value, a list "
        "or a for_each map of objects with workspace_id (e.g. --terraform-outputs tf-outputs.json)",
    )
    waiting = wait.add_argument_group("waiting (durations: 90, 90s, 30m, 1h30m)")
    output = wait.add_argument_group("output")
    for row in SETTINGS:
        # The heartbeat says how the wait is told, not how it waits: it is listed with the output.
        _add_setting(waiting if row.policy else output, row)
    aws = wait.add_argument_group("AWS (botocore's environment variables work as usual)")
    aws.add_argument(
        "--region", metavar="REGION", help="default region for targets (e.g. --region eu-west-1)"
    )
    aws.add_argument(
        "--profile", metavar="NAME", help="named profile from the AWS config (e.g. --profile ci)"
    )
    aws.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="custom endpoint, such as the local TwinMaker endpoint (e.g. --endpoint-url http://127.0.0.1:4566)",
    )
    output.add_argument(
        "--output",
        type=_output_mode,
        metavar="{text,json}",
        help="text: a line per state change and a summary; json: one JSON document on stdout, "
        f"all else on stderr (default text; env {_env('output')}; e.g. --output json)",
    )
    output.add_argument(
        "--junit-xml",
        metavar="PATH",
        help="also write a JUnit XML report, one testcase per target, atomically "
        f"(env {_env('junit_xml')}; e.g. --junit-xml reports/sync.xml)",
    )
    output.add_argument(
        "--no-progress",
        action="store_true",
        default=None,
        help=f"plain lines even on a terminal, no live display (env {_env('no_progress')}=true; "
        "e.g. --no-progress)",
    )
    return parser


def _add_setting(group: argparse._ArgumentGroup, row: Setting) -> None:
    """One wait setting's option: its help is the setting's meaning, default, variable and an example."""
    kind, metavar = _SETTING_TYPES[row.unit]
    if row.unit is Unit.SWITCH:
        group.add_argument(
            flag(row.name),
            action="store_true",
            default=None,
            help=f"{row.meaning} (default {row.default_text()}; env {_env(row.name)}=true; "
            f"e.g. {flag(row.name)})",
        )
        return
    group.add_argument(
        flag(row.name),
        type=kind(row),
        metavar=metavar,
        help=f"{row.meaning} (default {row.default_text()}; env {_env(row.name)}; "
        f"e.g. {flag(row.name)} {row.example})",
    )


@dataclass(frozen=True)
class Plan:
    """A parsed, validated command line: everything the run needs, nothing read from AWS yet."""

    targets: list[Target]
    policy: WaitPolicy
    aws: AwsSettings
    output: str
    junit_xml: str | None
    progress: bool
    heartbeat: float = setting("heartbeat").default  # first heartbeat after this much silence; 0: none


def _endpoint_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint-url: expected an http:// or https:// URL, got {safe_text(raw, 80)!r}")
    return raw


def plan_from_args(args: argparse.Namespace, stdin: TextIO) -> Plan:
    """Validate the command line and read the target sources; raise UsageError / InputError."""
    if args.pulumi_outputs == "-" and args.terraform_outputs == "-":
        raise UsageError("--pulumi-outputs and --terraform-outputs cannot both read stdin ('-')")
    targets = targets_from_flags(args.workspace_id, args.sync_source)
    if args.pulumi_outputs is not None:
        targets += read_pulumi_outputs(
            read_source(args.pulumi_outputs, stdin, option="--pulumi-outputs"), args.pulumi_outputs
        )
    if args.terraform_outputs is not None:
        targets += read_terraform_outputs(
            read_source(args.terraform_outputs, stdin, option="--terraform-outputs"), args.terraform_outputs
        )
    if not targets:
        raise UsageError("no target: give --workspace-id, --pulumi-outputs or --terraform-outputs")
    try:
        policy = WaitPolicy(**{row.name: getattr(args, row.name) for row in SETTINGS if row.policy})
    except PolicyError as exc:
        raise UsageError(exc.worded(flag)) from None
    if args.region is not None and (problem := check_region(args.region)):
        raise UsageError(f"--region {safe_text(args.region, 40)!r} {problem}")
    if args.junit_xml is not None and os.path.isdir(args.junit_xml):
        raise UsageError(f"--junit-xml {safe_text(args.junit_xml, 200)!r} is a directory; name a file")
    aws = AwsSettings(region=args.region, profile=args.profile, endpoint_url=_endpoint_url(args.endpoint_url))
    return Plan(targets, policy, aws, args.output, args.junit_xml, not args.no_progress, args.heartbeat)
