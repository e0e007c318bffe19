"""The SyncJobGate's pure rules: check its inputs, diff two versions, turn a verdict into outputs and
words. No gRPC, no boto3, no clock here: the provider (`validators.pulumi.provider`) calls these with
plain values (see `validators.pulumi.values`), so every rule is a unit test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

# The SDK's own type of one bad input (property, one line why), which Check answers the engine with.
from pulumi.provider.experimental.provider import CheckFailure

from ..durations import DurationError, parse_duration
from ..model import JobResult, Outcome, Target
from ..names import DEFAULT_SYNC_SOURCE, check_region, check_sync_source, check_workspace_id
from ..reports.json_report import resource_json
from ..reports.pulumi import failure_message, recheck_advice
from ..sanitize import safe_text
from ..wait_settings import WaitPolicy
from . import spec
from .values import UNKNOWN

Props = dict[str, Any]


@dataclass(frozen=True)
class GateInputs:
    """A SyncJobGate's checked inputs (defaults applied, durations in seconds)."""

    workspace_id: str
    sync_source: str = DEFAULT_SYNC_SOURCE
    region: str | None = None
    sync_job_arn: str | None = None
    timeout: float = spec.DEFAULT_TIMEOUT
    check_resources: bool = False
    not_found_grace: float = spec.DEFAULT_NOT_FOUND_GRACE

    def target(self) -> Target:
        return Target(workspace_id=self.workspace_id, sync_source=self.sync_source, region=self.region)

    def policy(self, run_policy: WaitPolicy, engine_timeout: float = 0.0) -> WaitPolicy:
        """This gate's wait on a run: its deadline (the engine's `customTimeouts`, in seconds, wins when
        set, i.e. above zero), grace and strictness; the run's intervals and budget."""
        return replace(
            run_policy,
            timeout=engine_timeout if engine_timeout > 0 else self.timeout,
            check_resources=self.check_resources,
            not_found_grace=self.not_found_grace,
        )


def _duration(value: Any, name: str) -> tuple[float | None, str | None]:
    """Seconds from a number or a duration string; (None, why) when it is neither or is negative."""
    if isinstance(value, bool):
        return None, f"{name}: expected seconds or a duration (such as 90, 30m or 1h30m), got {value!r}"
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = parse_duration(value)
        except DurationError as exc:
            return None, f"{name}: {exc}, got {safe_text(value, 40)!r}"
    else:
        return None, f"{name}: expected seconds or a duration (such as 90, 30m or 1h30m)"
    if not math.isfinite(seconds) or seconds < 0:
        return None, f"{name}: must be zero or more seconds, got {value!r}"
    return seconds, None


def _string(value: Any, name: str, check: Any) -> str | None:
    """None when `value` is a string that `check` accepts, else the one line that says why not."""
    if not isinstance(value, str):
        return f"{name}: expected a string"
    if problem := check(value):
        return f"{name}: {safe_text(value, 140)!r} {problem}"
    return None


def _check_value(prop: spec.Prop, value: Any) -> tuple[Any, str | None]:
    """One known input value as checked (durations in seconds), or the one line that says why not."""
    name = prop.name
    if name == spec.WORKSPACE_ID:
        return value, _string(value, name, check_workspace_id)
    if name == spec.SYNC_SOURCE:
        return value, _string(value, name, check_sync_source)
    if name == spec.REGION:
        return value, _string(value, name, check_region)
    if prop.type == spec.DURATION:
        return _duration(value, name)
    if prop.type == "boolean" and not isinstance(value, bool):
        return value, f"{name}: expected true or false"
    if prop.type == "string" and not isinstance(value, str):
        return value, f"{name}: expected a string"
    return value, None


def check_inputs(news: Mapping[str, Any]) -> tuple[Props, list[CheckFailure]]:
    """The inputs with defaults applied and durations in seconds, and one failure per bad input.

    Unknown values (preview, an output not known yet) are kept as they are and checked later, when
    the engine knows them. Properties the schema does not know are refused (a typo would otherwise
    silently fall back to a default).
    """
    checked: Props = {}
    failures: list[CheckFailure] = []

    def fail(prop: str, reason: str) -> None:
        failures.append(CheckFailure(prop, reason))

    known = {p.name for p in spec.INPUTS}
    for name in sorted(set(news) - known):
        fail(name, f"{name}: not an input of {spec.RESOURCE} (inputs: {', '.join(sorted(known))})")
    for prop in spec.INPUTS:
        value = news.get(prop.name)
        if value is None:
            if prop.required:
                fail(prop.name, f"{prop.name}: required")
            elif prop.default is not None:
                checked[prop.name] = prop.default
            continue
        if value is UNKNOWN:
            checked[prop.name] = value
            continue
        value, problem = _check_value(prop, value)
        if problem:
            fail(prop.name, problem)
        else:
            checked[prop.name] = value
    return checked, failures


def gate_inputs(checked: Mapping[str, Any]) -> GateInputs:
    """The checked inputs (all known: Create and Update run with every value known) as a `GateInputs`."""
    return GateInputs(
        workspace_id=str(checked[spec.WORKSPACE_ID]),
        sync_source=str(checked.get(spec.SYNC_SOURCE, DEFAULT_SYNC_SOURCE)),
        region=checked.get(spec.REGION) or None,
        sync_job_arn=checked.get(spec.SYNC_JOB_ARN) or None,
        timeout=float(checked.get(spec.TIMEOUT, spec.DEFAULT_TIMEOUT)),
        check_resources=bool(checked.get(spec.CHECK_RESOURCES, False)),
        not_found_grace=float(checked.get(spec.NOT_FOUND_GRACE, spec.DEFAULT_NOT_FOUND_GRACE)),
    )


@dataclass(frozen=True)
class GateDiff:
    """What changed between the gate in the state and the program's new inputs."""

    changed: tuple[str, ...]
    replaces: tuple[str, ...]


def diff_inputs(olds: Mapping[str, Any], news: Mapping[str, Any], ignore: frozenset[str]) -> GateDiff:
    """Inputs whose value differs (an unknown new value counts as changed); those that identify the
    job (workspace, source, region, the job's ARN) replace the gate, the others update it in place."""
    names = [p.name for p in spec.INPUTS if p.name not in ignore]
    changed = tuple(name for name in names if news.get(name) is UNKNOWN or news.get(name) != olds.get(name))
    return GateDiff(changed, tuple(name for name in changed if name in spec.REPLACING))


def gate_id(inputs: GateInputs, region: str | None) -> str:
    """The gate's ID: the job it gates, `workspace/SOURCE@region` (stable across re-checks)."""
    return replace(inputs.target(), region=inputs.region or region).label()


def verdict_outputs(checked: Mapping[str, Any], job: JobResult) -> Props:
    """The gate's outputs: its inputs as checked, then the verdict (None values are left out)."""
    outputs: Props = {k: v for k, v in checked.items() if v is not UNKNOWN}
    outputs.update(
        {
            spec.OUTCOME: job.outcome.value,
            spec.STATE: job.state,
            spec.ERROR_CODE: job.error.code if job.error is not None else None,
            spec.ERROR_MESSAGE: job.error.message if job.error is not None else None,
            spec.RESOURCE_ERRORS: [resource_json(r) for r in job.resource_errors],
            spec.ELAPSED_SECONDS: round(job.elapsed_seconds, 3),
            spec.POLLS: job.polls,
        }
    )
    return outputs


def passed(job: JobResult) -> bool:
    """Only `active` passes the gate."""
    return job.outcome is Outcome.ACTIVE


def failure_reasons(job: JobResult, check_resources: bool) -> list[str]:
    """The init errors the engine records and prints on the gate's row: the stack gate's message
    (code, message, failing assets, the inspect command), without its re-create advice: the next
    `pulumi up` checks the gate again by itself (Update on a resource with init errors)."""
    return [failure_message(job, check_resources=check_resources, next_step=recheck_advice)]
