"""The wait settings, once: a table of what a person may set (name, default, unit, rule, meaning), and
the one frozen object that holds every knob of a wait (terraform's StateChangeConf, reduced to data).

Every edge reads this table instead of restating it: the CLI's defaults, help and `TWINMAKER_GATE_*`
variables (`validators.cli.parser`), the Pulumi program's config defaults (`twinmaker_infra.config`),
and, checked against it by tests, `Pulumi.yaml`, `action.yml` and docs/gate.md ("Waiting").
Core validation names the setting (`timeout`); each edge words it in its own terms (`--timeout`,
`twinmaker-sync:gateTimeout`) with `PolicyError.worded`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from .durations import format_duration


class Unit(StrEnum):
    """What a setting's value counts."""

    SECONDS = "seconds"  # a duration: 90, 90s, 30m, 1h30m
    COUNT = "count"  # a whole number
    RATE = "requests per second"
    SWITCH = "switch"  # on or off


@dataclass(frozen=True)
class Setting:
    """One wait setting. `name` is the `WaitPolicy` field (and, with `-` for `_`, the CLI's option);
    `positive` says the value must be above zero (else zero is allowed too; a count is at least 1);
    `policy` is False for a setting of the reports rather than of the wait (the heartbeat)."""

    name: str
    default: float
    unit: Unit
    meaning: str
    example: str
    positive: bool = False
    policy: bool = True

    def default_text(self) -> str:
        """The default as people write it: `30m`, `2s`, `32`, `10`, `off`."""
        if self.unit is Unit.SWITCH:
            return "on" if self.default else "off"
        if self.unit is Unit.SECONDS:
            return format_duration(self.default)
        return f"{self.default:g}"

    def problem(self, value: float) -> str | None:
        """Why `value` breaks this setting's rule (`must be more than zero seconds`), or None."""
        if self.unit is Unit.SWITCH:
            return None
        if self.unit is Unit.COUNT:
            return None if value >= 1 else "must be at least 1"
        unit = " seconds" if self.unit is Unit.SECONDS else ""
        if math.isnan(value) or (value <= 0 if self.positive else value < 0):
            return f"must be more than zero{unit}" if self.positive else f"must be zero or more{unit}"
        return None


#: The settings a person sets, in the order the CLI's help and docs/gate.md list them.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "timeout",
        1800.0,
        Unit.SECONDS,
        "one deadline for the whole run; a target still pending then is `timeout`",
        "10m",
    ),
    Setting("min_interval", 2.0, Unit.SECONDS, "shortest pause between two polls of one target", "5s", True),
    Setting("max_interval", 30.0, Unit.SECONDS, "longest pause between two polls of one target", "1m", True),
    Setting(
        "not_found_grace",
        120.0,
        Unit.SECONDS,
        'how long `ResourceNotFoundException` is taken as "not visible yet" before the target is '
        "`not_found`; none when the workspace does not exist either (`not_found` at once)",
        "5m",
    ),
    Setting(
        "unreachable_after",
        120.0,
        Unit.SECONDS,
        "a target whose requests reach no endpoint at all (connection refused, DNS, connect timeout, "
        "proxy) for this long is `unreachable` at once; any answer from the service (5xx and throttling "
        "too) restarts it",
        "5m",
        True,
    ),
    Setting(
        "heartbeat",
        30.0,
        Unit.SECONDS,
        'off a terminal, the first "still waiting" line after this much silence, then less often (at '
        "most 5 minutes apart); 0 turns them off",
        "1m",
        policy=False,
    ),
    Setting(
        "check_resources",
        False,
        Unit.SWITCH,
        "strict gate: once a job is ACTIVE, any sync resource in state ERROR makes it `resource_errors`",
        "true",
    ),
    Setting("max_concurrency", 32, Unit.COUNT, "targets in flight at once", "8"),
    Setting(
        "max_rps",
        10.0,
        Unit.RATE,
        "API requests per second per region, shared by that region's targets (TwinMaker's quotas are "
        "per account and region); botocore's retries count too, and only throttling (429, 402) lowers "
        "the rate",
        "5",
        True,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The row of the setting `name` (`timeout`); a KeyError names a setting that does not exist."""
    return _BY_NAME[name]


class PolicyError(ValueError):
    """A setting out of range. `str()` names the core settings (`timeout must be zero or more
    seconds`); `worded(name_of)` names them as an edge does (`--timeout`, `twinmaker-sync:gateTimeout`)."""

    def __init__(self, rule: str, *settings: str) -> None:
        self.rule = rule  # with one `{}` per setting, in order
        self.settings = settings
        super().__init__(self.worded(str))

    def worded(self, name_of: Callable[[str], str]) -> str:
        """The message with each setting named by `name_of(setting name)`."""
        return self.rule.format(*(name_of(name) for name in self.settings))


def _default(name: str) -> float:
    return setting(name).default


@dataclass(frozen=True)
class WaitPolicy:
    """How long and how often to wait. Each default is its `SETTINGS` row's; the last four are internal
    knobs that no edge exposes."""

    timeout: float = _default("timeout")
    min_interval: float = _default("min_interval")
    max_interval: float = _default("max_interval")
    not_found_grace: float = _default("not_found_grace")
    check_resources: bool = bool(_default("check_resources"))
    max_concurrency: int = int(_default("max_concurrency"))
    max_rps: float = _default("max_rps")
    # A target whose requests reach no endpoint at all (connection refused, DNS, connect timeouts) for
    # this long is `unreachable` at once: a wrong region, endpoint URL or proxy does not get better by
    # waiting out the whole timeout. Any answer from the service (5xx and throttling too) resets it.
    unreachable_after: float = _default("unreachable_after")
    growth: float = 0.1  # the interval is this fraction of the time waited (bounded by min/max)
    jitter: float = 0.1  # each interval is shortened by up to this fraction, so a fleet desynchronises
    resource_error_cap: int = 100  # at most this many failing resources are listed per job

    def __post_init__(self) -> None:
        """Raise `PolicyError` for the first setting that breaks its rule, in `SETTINGS` order."""
        for row in SETTINGS:
            if row.policy and (problem := row.problem(getattr(self, row.name))):
                raise PolicyError("{} " + problem, row.name)
        intervals = ("min_interval", "max_interval")
        checks: list[tuple[bool, str, tuple[str, ...]]] = [
            (self.min_interval <= self.max_interval, "{} must not be above {}", intervals),
            (0 <= self.jitter < 1, "{} must be in [0, 1)", ("jitter",)),
            (self.growth >= 0, "{} must be zero or more", ("growth",)),
            (self.resource_error_cap >= 1, "{} must be at least 1", ("resource_error_cap",)),
        ]
        for ok, rule, names in checks:
            if not ok:
                raise PolicyError(rule, *names)
