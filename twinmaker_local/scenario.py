"""The scenario file format: which workspaces and sync jobs exist, how their states unfold, what fails.

A scenario is JSON (a file, or the same structure as a dict). `load_scenario` checks it completely
and raises `ScenarioError` naming the exact place of the first problem. The format is documented for
users in docs/endpoint.md; in short::

    {
      "region": "us-east-1", "accountId": "123456789012", "seed": 7,
      "defaultTimeline": "default",
      "timelines": {"NAME": {"states": [{"at": 0, "state": "CREATING"}, ...],
                              "notFound": [[0, 2]], "resources": [...], "deletingSeconds": 1}},
      "workspaces": [{"workspaceId": "plant-a", "region": "eu-west-1", "syncJobTimeline": "NAME", ...}],
      "syncJobs": [{"workspaceId": "plant-a", "syncSource": "SITEWISE", "timeline": "NAME"},
                   {"workspaceId": "plant-b", "exists": false, "states": [...]}],
      "credentials": {"expired": ["AKIA..."], "unrecognized": ["AKIA..."]},
      "faults": [{"kind": "throttle", "ratePerSecond": 5, "burst": 5}, ...]
    }

States and error codes are free text on purpose: a scenario may simulate a newer API than the model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twinmaker_local import spec
from twinmaker_local._reader import Obj, ScenarioError
from twinmaker_local.auth import REGION_PATTERN
from twinmaker_local.faults import FaultRule, parse_fault
from twinmaker_local.shapes import validate_input

__all__ = [
    "BUILTIN_TIMELINES",
    "ErrorDetail",
    "ResourceSpec",
    "Scenario",
    "ScenarioError",
    "Step",
    "SyncJobSpec",
    "Timeline",
    "WorkspaceSpec",
    "load_scenario",
    "parse_sync_job",
    "parse_timeline",
    "parse_workspace",
]

BUNDLED_DIR = Path(__file__).parent / "scenarios"


# The scenario's own values, not the gate's (`validators.model`), though alike: the endpoint plays the
# service, and shares no type with the client it is a test double for.
@dataclass(frozen=True)
class ErrorDetail:
    """`status.error` as the service sends it: any code (unknown ones pass through) and a message."""

    code: str
    message: str


@dataclass(frozen=True)
class Step:
    """From `at` seconds after the job's creation on, the state is `state` (with `error`, if any)."""

    at: float
    state: str
    error: ErrorDetail | None = None


@dataclass(frozen=True)
class ResourceSpec:
    """One sync resource of a job; its `steps` follow the job's creation time like the job's own."""

    resource_type: str
    external_id: str | None
    resource_id: str | None
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Timeline:
    """How one sync job behaves: its states over time, when it is invisible, its resources, how long
    DeleteSyncJob keeps it in DELETING before it is gone."""

    steps: tuple[Step, ...]
    not_found: tuple[tuple[float, float], ...] = ()
    resources: tuple[ResourceSpec, ...] = ()
    deleting_seconds: float = 1.0


#: The timeline a CreateSyncJob gets when nothing else is named: a healthy job, ACTIVE after 2 s.
BUILTIN_TIMELINES: Mapping[str, Timeline] = {
    "default": Timeline(steps=(Step(0, "CREATING"), Step(1, "INITIALIZING"), Step(2, "ACTIVE"))),
}


@dataclass(frozen=True)
class WorkspaceSpec:
    """A workspace that exists when the endpoint starts; `sync_job_timeline` scripts its future jobs.

    `region` None: the scenario's `region`.
    """

    workspace_id: str
    description: str | None = None
    role: str | None = None
    s3_location: str | None = None
    linked_services: tuple[str, ...] = ()
    sync_job_timeline: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class SyncJobSpec:
    """A sync job with its timeline: one that exists when the endpoint starts (or is added at run
    time), or, with `exists=False`, the script of the job a later CreateSyncJob will make."""

    workspace_id: str
    sync_source: str
    sync_role: str
    timeline: Timeline
    region: str | None = None
    exists: bool = True


@dataclass(frozen=True)
class Scenario:
    """A loaded, checked scenario; `load_scenario` is the only way to make one from JSON."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    seed: int = 0
    default_timeline: str = "default"
    timelines: Mapping[str, Timeline] = field(default_factory=lambda: dict(BUILTIN_TIMELINES))
    workspaces: tuple[WorkspaceSpec, ...] = ()
    sync_jobs: tuple[SyncJobSpec, ...] = ()
    #: access key id -> "expired" | "unrecognized"
    credentials: Mapping[str, str] = field(default_factory=dict)
    faults: tuple[FaultRule, ...] = ()

    def role_arn(self, name: str) -> str:
        """A role ARN in the scenario's account, for jobs whose scenario entry names none."""
        return f"arn:aws:iam::{self.account_id}:role/{name}"


def load_scenario(source: Scenario | Mapping[str, Any] | str | Path | None) -> Scenario:
    """A checked `Scenario` from a file path, a bundled name (`"demo"`), a dict, or None (empty).

    Raises `ScenarioError` with the file name and the JSON path of the first problem.
    """
    if source is None:
        return Scenario()
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return _parse(source, "scenario")
    path = Path(source)
    if not path.exists() and (BUNDLED_DIR / f"{source}.json").exists():
        path = BUNDLED_DIR / f"{source}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read scenario ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ScenarioError(f"{path}: not valid JSON ({exc})") from None
    try:
        return _parse(data, "")
    except ScenarioError as exc:
        raise ScenarioError(f"{path.name}: {exc}") from None


def _parse(data: Any, path: str) -> Scenario:
    root = Obj(data, path)
    region = _region(root, "us-east-1")
    account_id = root.text("accountId", "123456789012")
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ScenarioError(f"{root.at('accountId')}: must be 12 digits, not {account_id!r}")
    seed = root.integer("seed", 0)
    timelines: dict[str, Timeline] = dict(BUILTIN_TIMELINES)
    if root.has("timelines"):
        named = root.obj("timelines")
        for name in named.value:
            timelines[name] = parse_timeline(named.raw(name), named.at(name))
        named.done()
    default = root.text("defaultTimeline", "default")
    if default not in timelines:
        raise ScenarioError(f"{root.at('defaultTimeline')}: no timeline named {default!r}")
    scenario = Scenario(region, account_id, seed, default, timelines)
    workspaces = [parse_workspace(item, where, timelines) for where, item in root.items("workspaces")]
    jobs = [parse_sync_job(item, where, scenario) for where, item in root.items("syncJobs")]
    _no_duplicates(
        [f"{w.workspace_id} in {w.region or region}" for w in workspaces], root.at("workspaces"), "workspace"
    )
    _no_duplicates(
        [
            f"{j.workspace_id}/{j.sync_source} in {j.region or region}"
            + ("" if j.exists else " (exists: false)")
            for j in jobs
        ],
        root.at("syncJobs"),
        "sync job",
    )
    credentials: dict[str, str] = {}
    if root.has("credentials"):
        creds = root.obj("credentials")
        for kind in ("expired", "unrecognized"):
            for key in creds.str_list(kind):
                credentials[key] = kind
        creds.done()
    faults = tuple(parse_fault(item, where) for where, item in root.items("faults"))
    root.done()
    return Scenario(
        region, account_id, seed, default, timelines, tuple(workspaces), tuple(jobs), credentials, faults
    )


def parse_timeline(data: Any, path: str) -> Timeline:
    """A timeline object: `states` (required), `notFound`, `resources`, `deletingSeconds`."""
    obj = Obj(data, path)
    timeline = _timeline_fields(obj, required=True)
    obj.done()
    assert timeline is not None
    return timeline


def _timeline_fields(obj: Obj, required: bool) -> Timeline | None:
    if not required and not obj.has("states"):
        for key in ("notFound", "resources", "deletingSeconds"):
            if obj.has(key):
                raise ScenarioError(f"{obj.at(key)}: only allowed together with 'states'")
        return None
    steps = _steps(obj, "states")
    windows = []
    for where, item in obj.items("notFound"):
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in item)
            or not 0 <= item[0] <= item[1]
        ):
            raise ScenarioError(f"{where}: must be [from, to] seconds with 0 <= from <= to, not {item!r}")
        windows.append((float(item[0]), float(item[1])))
    resources = tuple(_resource(item, where) for where, item in obj.items("resources"))
    deleting = obj.number("deletingSeconds", 1.0)
    return Timeline(steps, tuple(windows), resources, deleting)


def _steps(obj: Obj, key: str) -> tuple[Step, ...]:
    steps = []
    for where, item in obj.items(key):
        step = Obj(item, where)
        at = step.number("at")
        state = step.text("state")
        if not state:
            raise ScenarioError(f"{step.at('state')}: must not be empty")
        error = _error(step)
        step.done()
        steps.append(Step(at, state, error))
    if not steps:
        raise ScenarioError(f"{obj.at(key)}: needs at least one state")
    ats = [s.at for s in steps]
    if ats != sorted(ats):
        raise ScenarioError(f"{obj.at(key)}: 'at' must not decrease ({ats})")
    return tuple(steps)


def _error(obj: Obj) -> ErrorDetail | None:
    if not obj.has("error") or obj.value["error"] is None:
        obj.raw("error", None)
        return None
    err = obj.obj("error")
    detail = ErrorDetail(err.text("code"), err.text("message", ""))
    err.done()
    return detail


def _resource(data: Any, path: str) -> ResourceSpec:
    obj = Obj(data, path)
    resource_type = obj.text("resourceType")
    external_id = obj.text("externalId", None)
    resource_id = obj.text("resourceId", None)
    for key, value in (("externalId", external_id), ("resourceId", resource_id)):
        if value is not None:
            _check_model_string("Id", value, obj.at(key))
    if obj.has("states"):
        if obj.has("state") or obj.has("error"):
            raise ScenarioError(f"{path}: give either 'states' or 'state' (+ 'error'), not both")
        steps = _steps(obj, "states")
    else:
        state = obj.text("state")
        steps = (Step(0.0, state, _error(obj)),)
    obj.done()
    return ResourceSpec(resource_type, external_id, resource_id, steps)


def parse_workspace(data: Any, path: str, timelines: Mapping[str, Timeline]) -> WorkspaceSpec:
    """A workspace entry; its ID (and role/S3 ARNs, if given) must satisfy the model's patterns."""
    obj = Obj(data, path)
    workspace_id = obj.text("workspaceId")
    _check_model_string("Id", workspace_id, obj.at("workspaceId"))
    role = obj.text("role", None)
    if role is not None:
        _check_model_string("RoleArn", role, obj.at("role"))
    s3 = obj.text("s3Location", None)
    if s3 is not None:
        _check_model_string("S3Location", s3, obj.at("s3Location"))
    timeline = obj.text("syncJobTimeline", None)
    if timeline is not None and timeline not in timelines:
        raise ScenarioError(f"{obj.at('syncJobTimeline')}: no timeline named {timeline!r}")
    spec_ = WorkspaceSpec(
        workspace_id,
        obj.text("description", None),
        role,
        s3,
        obj.str_list("linkedServices"),
        timeline,
        _region(obj, None),
    )
    obj.done()
    return spec_


def parse_sync_job(data: Any, path: str, scenario: Scenario) -> SyncJobSpec:
    """A sync job entry: `timeline` names one, or `states` (+ `notFound`, ...) script it inline.

    `exists: false` makes it the script of a job that does not exist yet: the one a later CreateSyncJob
    makes for this region, workspace and source (its timeline starts at that CreateSyncJob).
    """
    obj = Obj(data, path)
    workspace_id = obj.text("workspaceId")
    _check_model_string("Id", workspace_id, obj.at("workspaceId"))
    source = obj.text("syncSource", "SITEWISE")
    _check_model_string("SyncSource", source, obj.at("syncSource"))
    if source not in spec.SUPPORTED_SYNC_SOURCES:
        # AWS refuses to create such a job, so no scenario may pretend one exists or will.
        raise ScenarioError(
            f"{obj.at('syncSource')}: AWS creates sync jobs only for "
            f"{', '.join(spec.SUPPORTED_SYNC_SOURCES)}, not {source!r}"
        )
    region = _region(obj, None)
    exists = obj.flag("exists", True)
    role = obj.text("syncRole", None)
    if role is not None and not exists:
        raise ScenarioError(
            f"{obj.at('syncRole')}: not for a job with exists: false (CreateSyncJob's request names the role)"
        )
    role = role or scenario.role_arn(f"{workspace_id}-sync")
    _check_model_string("RoleArn", role, obj.at("syncRole"))
    name = obj.text("timeline", None)
    inline = _timeline_fields(obj, required=False)
    if name is not None and inline is not None:
        raise ScenarioError(f"{path}: give either 'timeline' or 'states', not both")
    if inline is None:
        name = name or scenario.default_timeline
        if name not in scenario.timelines:
            raise ScenarioError(f"{obj.at('timeline')}: no timeline named {name!r}")
        inline = scenario.timelines[name]
    obj.done()
    return SyncJobSpec(workspace_id, source, role, inline, region, exists)


def _region(obj: Obj, default: str | None) -> Any:
    """An optional `region` key: a name the endpoint can put in a model-valid ARN (`[a-z0-9-]+`)."""
    region = obj.text("region", default)
    if region is not None and not REGION_PATTERN.fullmatch(region):
        raise ScenarioError(f"{obj.at('region')}: {region!r} is not a region name (like eu-west-1)")
    return region


def _check_model_string(shape_name: str, value: str, where: str) -> None:
    problems = validate_input(spec.service_model().shape_for(shape_name), value)
    if problems:
        raise ScenarioError(
            f"{where}: {value!r} is not a valid {shape_name} ({problems[0].split(': ', 1)[-1]})"
        )


def _no_duplicates(keys: list[str], where: str, what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ScenarioError(f"{where}: {what} {key!r} appears twice")
        seen.add(key)
