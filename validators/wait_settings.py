"""One frozen object that holds every knob of a wait (terraform's StateChangeConf, reduced to data)."""

from __future__ import annotations

from dataclasses import dataclass


class PolicyError(ValueError):
    """A knob out of range; the message names the option, for a one-line usage error."""


@dataclass(frozen=True)
class WaitPolicy:
    """How long and how often to wait. Defaults are the CLI's (docs/gate.md, "Waiting")."""

    timeout: float = 1800.0  # one deadline for the whole run, seconds from its start
    min_interval: float = 2.0  # shortest pause between two polls of one target
    max_interval: float = 30.0  # longest pause between two polls of one target
    not_found_grace: float = 120.0  # ResourceNotFound means "not visible yet" for this long
    check_resources: bool = False  # strict gate: after ACTIVE, resources in ERROR fail the target
    max_concurrency: int = 32  # targets in flight at once
    max_rps: float = 10.0  # API requests per second per region (quotas are per account and region)
    growth: float = 0.1  # the interval is this fraction of the time waited (bounded by min/max)
    jitter: float = 0.1  # each interval is shortened by up to this fraction, so a fleet desynchronises
    resource_error_cap: int = 100  # at most this many failing resources are listed per job
    # A target whose requests reach no endpoint at all (connection refused, DNS, connect timeouts) for
    # this long is `unreachable` at once: a wrong region, endpoint URL or proxy does not get better by
    # waiting out the whole timeout. Any answer from the service (5xx and throttling too) resets it.
    unreachable_after: float = 120.0

    def __post_init__(self) -> None:
        checks: list[tuple[bool, str]] = [
            (self.timeout >= 0, "--timeout must be zero or more seconds"),
            (self.min_interval > 0, "--min-interval must be more than zero seconds"),
            (self.max_interval > 0, "--max-interval must be more than zero seconds"),
            (self.min_interval <= self.max_interval, "--min-interval must not be above --max-interval"),
            (self.not_found_grace >= 0, "--not-found-grace must be zero or more seconds"),
            (self.max_concurrency >= 1, "--max-concurrency must be at least 1"),
            (self.max_rps > 0, "--max-rps must be more than zero"),
            (0 <= self.jitter < 1, "jitter must be in [0, 1)"),
            (self.growth >= 0, "growth must be zero or more"),
            (self.unreachable_after > 0, "--unreachable-after must be more than zero seconds"),
            (self.resource_error_cap >= 1, "resource_error_cap must be at least 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise PolicyError(message)
