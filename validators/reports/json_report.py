"""The `--output json` document (docs/gate.md, "Output"): exactly its keys, one document per run.

Text rule: the service's text (error code and message, states, resource fields, ARN) is kept exactly as
sent, except that credential-like parts are redacted (`validators.sanitize.redact`), so a program reading
the document sees the service's own words. `dumps` serialises with `ensure_ascii=True`: every control
character, escape sequence, bidi override or non-ASCII character travels as a `\\uXXXX` escape, so the
document itself is plain printable ASCII and nothing raw reaches the output. Use `dumps`, not your own
`json.dumps(..., ensure_ascii=False)`, to keep that property.

`region` is the region the job was checked in (`JobResult.region`, resolved by the gate from the target,
`--region` or the environment); when the gate never resolved one (for example, interrupted before a
client was made) it falls back to the target's requested region, else `null`.

Seconds are rounded to milliseconds.
"""

from __future__ import annotations

import json

from ..model import JobResult, ResourceError, RunResult
from ..sanitize import redact
from ..version import SCHEMA_VERSION, __version__
from .common import region_of

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def _seconds(value: float) -> float:
    """Seconds rounded to milliseconds, always a JSON number with a fraction part (`1800.0`)."""
    return float(round(value, 3))


def _text(value: str | None) -> str | None:
    """Service text as sent, minus credentials; `None` stays `null`."""
    return None if value is None else redact(value)


def resource_json(resource: ResourceError) -> dict[str, JsonValue]:
    """One `resourceErrors` item, with the five keys of docs/gate.md (also a SyncJobGate output)."""
    return {
        "resourceType": redact(resource.resource_type),
        "externalId": redact(resource.external_id),
        "resourceId": redact(resource.resource_id),
        "code": redact(resource.code),
        "message": redact(resource.message),
    }


def _job(job: JobResult) -> dict[str, JsonValue]:
    """One `jobs` item, with the keys of docs/gate.md, in its order."""
    error: JsonValue = None
    if job.error is not None:
        error = {"code": redact(job.error.code), "message": redact(job.error.message)}
    return {
        "workspaceId": job.target.workspace_id,
        "syncSource": job.target.sync_source,
        "region": region_of(job),
        "outcome": job.outcome.value,
        "state": _text(job.state),
        "error": error,
        "arn": _text(job.arn),
        "polls": job.polls,
        "elapsedSeconds": _seconds(job.elapsed_seconds),
        "resourceErrors": [resource_json(r) for r in job.resource_errors],
    }


def to_json_document(run: RunResult) -> dict[str, JsonValue]:
    """The document of docs/gate.md ("Output"): `schemaVersion` and the gate's `version` (the format is
    described by `gate-report.schema.json` beside this module), `outcome` (worst by exit-code order),
    `exitCode`, `elapsedSeconds`, `jobs[]` in the run's target order, each with exactly its keys, and
    `reportErrors`: the reports asked for but not written (why `exitCode` is 4 when every job is active).
    """
    return {
        "schemaVersion": SCHEMA_VERSION,
        "version": __version__,
        "outcome": run.outcome.value,
        "exitCode": int(run.exit_status),
        "elapsedSeconds": _seconds(run.elapsed_seconds),
        "jobs": [_job(job) for job in run.jobs],
        "reportErrors": [redact(problem) for problem in run.report_errors],
    }


def dumps(run: RunResult) -> str:
    """The document as pretty, pure-ASCII JSON text, ending with a newline."""
    return json.dumps(to_json_document(run), indent=2, ensure_ascii=True) + "\n"
