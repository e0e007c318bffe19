"""The store: workspaces and sync jobs, whose states follow their scripted timelines on the clock.

One method per operation, taking the validated input (model member names) and returning the output in
wire form (rest-json: timestamps are epoch-second numbers). The HTTP layer stays thin; everything the
service decides lives here. All methods are O(1) or O(page), except filtering sync resources by state,
which scans that one job's resources.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from twinmaker_local.auth import partition
from twinmaker_local.exceptions import ConflictException, ResourceNotFoundException, ValidationException
from twinmaker_local.paging import page, token
from twinmaker_local.scenario import (
    ErrorDetail,
    ResourceSpec,
    Scenario,
    Step,
    SyncJobSpec,
    Timeline,
    WorkspaceSpec,
)
from twinmaker_local.spec import SUPPORTED_SYNC_SOURCES

TIMELINE_TAG = "twinmaker-local:timeline"
# Before a timeline's first step (if it does not start at 0) a job reads as CREATING.
INITIAL_STATE = Step(0.0, "CREATING")


def _ts(t: float) -> float:
    """A timestamp as AWS sends it in rest-json: epoch seconds with milliseconds."""
    return round(t, 3)


def _status(step: Step) -> dict[str, Any]:
    status: dict[str, Any] = {"state": step.state}
    if step.error is not None:
        status["error"] = {"code": step.error.code, "message": step.error.message}
    return status


def _step_at(steps: tuple[Step, ...], ats: list[float], elapsed: float) -> Step:
    """The step in force `elapsed` seconds after creation: the last one whose `at` has passed."""
    i = bisect.bisect_right(ats, elapsed)
    return steps[i - 1] if i else INITIAL_STATE


@dataclass
class Workspace:
    workspace_id: str
    arn: str
    created: float
    description: str | None = None
    role: str | None = None
    s3_location: str | None = None
    linked_services: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    sync_job_timeline: str | None = None

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"workspaceId": self.workspace_id, "arn": self.arn}
        if self.description is not None:
            out["description"] = self.description
        if self.linked_services:
            out["linkedServices"] = list(self.linked_services)
        out["creationDateTime"] = _ts(self.created)
        out["updateDateTime"] = _ts(self.created)
        return out


class SyncResource:
    """A sync resource with its own timeline, precomputed for bisecting."""

    def __init__(self, spec: ResourceSpec) -> None:
        self.spec = spec
        self._ats = [s.at for s in spec.steps]

    def step(self, elapsed: float) -> Step:
        return _step_at(self.spec.steps, self._ats, elapsed)

    def summary(self, created: float, elapsed: float) -> dict[str, Any]:
        step = self.step(elapsed)
        out: dict[str, Any] = {"resourceType": self.spec.resource_type}
        if self.spec.external_id is not None:
            out["externalId"] = self.spec.external_id
        if self.spec.resource_id is not None:
            out["resourceId"] = self.spec.resource_id
        out["status"] = _status(step)
        out["updateDateTime"] = _ts(created + step.at)
        return out


class SyncJob:
    """A sync job: its state is a function of (now - created), until DeleteSyncJob sets `deleted_at`."""

    def __init__(self, spec: SyncJobSpec, arn: str, created: float, tags: Mapping[str, str]) -> None:
        self.workspace_id = spec.workspace_id
        self.sync_source = spec.sync_source
        self.sync_role = spec.sync_role
        self.timeline: Timeline = spec.timeline
        self.arn = arn
        self.created = created
        self.tags = dict(tags)
        self.deleted_at: float | None = None
        self._ats = [s.at for s in self.timeline.steps]
        self.resources = [SyncResource(r) for r in self.timeline.resources]
        # (resourceType, resourceId) / (resourceType, externalId) -> positions, for O(1) filters
        self.by_resource_id: dict[tuple[str, str], list[int]] = {}
        self.by_external_id: dict[tuple[str, str], list[int]] = {}
        for i, r in enumerate(self.timeline.resources):
            if r.resource_id is not None:
                self.by_resource_id.setdefault((r.resource_type, r.resource_id), []).append(i)
            if r.external_id is not None:
                self.by_external_id.setdefault((r.resource_type, r.external_id), []).append(i)

    def step(self, now: float) -> tuple[Step, float]:
        """The state in force at `now` and when it began (DELETING from the delete on)."""
        if self.deleted_at is not None and now >= self.deleted_at:
            return Step(0.0, "DELETING"), self.deleted_at
        step = _step_at(self.timeline.steps, self._ats, now - self.created)
        return step, self.created + step.at

    def gone(self, now: float) -> bool:
        """Deleted and past its DELETING phase: the job no longer exists."""
        return self.deleted_at is not None and now >= self.deleted_at + self.timeline.deleting_seconds

    def hidden(self, now: float) -> bool:
        """Inside a not-found window: GetSyncJob answers ResourceNotFoundException (eventual consistency)."""
        elapsed = now - self.created
        return any(start <= elapsed < end for start, end in self.timeline.not_found)

    def summary(self, now: float) -> dict[str, Any]:
        step, since = self.step(now)
        return {
            "arn": self.arn,
            "workspaceId": self.workspace_id,
            "syncSource": self.sync_source,
            "status": _status(step),
            "creationDateTime": _ts(self.created),
            "updateDateTime": _ts(since),
        }


@dataclass
class _Region:
    """One region's workspaces and sync jobs: on AWS each regional endpoint knows only its own."""

    name: str
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    workspace_order: list[str] = field(default_factory=list)  # creation order, for paging
    jobs: dict[tuple[str, str], SyncJob] = field(default_factory=dict)
    jobs_by_workspace: dict[str, list[str]] = field(default_factory=dict)  # -> sources, creation order

    def insert_workspace(self, ws: Workspace) -> None:
        if ws.workspace_id not in self.workspaces:
            self.workspace_order.append(ws.workspace_id)
        self.workspaces[ws.workspace_id] = ws


class Store:
    """Every region's workspaces and sync jobs, behind one lock; `clock` gives epoch seconds.

    Each operation takes the validated input and the region the request was signed for (None: the
    scenario's `region`); a workspace made in one region is not found in another.
    """

    def __init__(self, scenario: Scenario, clock: Callable[[], float]) -> None:
        self.scenario = scenario
        self.clock = clock
        self.timelines: dict[str, Timeline] = dict(scenario.timelines)
        self._lock = threading.RLock()
        self._regions: dict[str, _Region] = {}
        #: (region, workspace, source) -> the timeline of a job that CreateSyncJob makes later
        self._scripts: dict[tuple[str, str, str], Timeline] = {}
        for ws in scenario.workspaces:
            self.add_workspace(ws)
        for job in scenario.sync_jobs:
            self.add_sync_job(job)

    # ------------------------------------------------------------------------ run-time additions

    def add_workspace(self, spec: WorkspaceSpec) -> None:
        """Create (or replace the attributes of) a workspace as if it had been made just now."""
        with self._lock:
            region = self._region(spec.region)
            existing = region.workspaces.get(spec.workspace_id)
            ws = Workspace(
                spec.workspace_id,
                self.workspace_arn(spec.workspace_id, region.name),
                existing.created if existing else self.clock(),
                spec.description,
                spec.role,
                spec.s3_location,
                spec.linked_services,
                {},
                spec.sync_job_timeline,
            )
            region.insert_workspace(ws)

    def add_sync_job(self, spec: SyncJobSpec, tags: Mapping[str, str] | None = None) -> SyncJob | None:
        """Create a sync job now, replacing one with the same key; its workspace is made if missing.

        A spec with `exists=False` creates nothing: it scripts the job a later CreateSyncJob makes for
        that region, workspace and source (and returns None).
        """
        with self._lock:
            region = self._region(spec.region)
            if not spec.exists:
                self._scripts[(region.name, spec.workspace_id, spec.sync_source)] = spec.timeline
                return None
            if spec.workspace_id not in region.workspaces:
                self.add_workspace(WorkspaceSpec(spec.workspace_id, region=region.name))
            key = (spec.workspace_id, spec.sync_source)
            job = SyncJob(spec, self.job_arn(*key, region=region.name), self.clock(), tags or {})
            if key not in region.jobs:
                region.jobs_by_workspace.setdefault(spec.workspace_id, []).append(spec.sync_source)
            region.jobs[key] = job
            return job

    def add_timeline(self, name: str, timeline: Timeline) -> None:
        """Make `name` usable by CreateSyncJob (tag, workspace mapping) from now on."""
        with self._lock:
            self.timelines[name] = timeline

    def workspace_arn(self, workspace_id: str, region: str | None = None) -> str:
        """The workspace's ARN in `region` (default: the scenario's), in that region's partition."""
        name = region or self.scenario.region
        return (
            f"arn:{partition(name)}:iottwinmaker:{name}:{self.scenario.account_id}:workspace/{workspace_id}"
        )

    def job_arn(self, workspace_id: str, sync_source: str, region: str | None = None) -> str:
        return f"{self.workspace_arn(workspace_id, region)}/sync-job/{sync_source}"

    def _region(self, name: str | None) -> _Region:
        key = name or self.scenario.region
        region = self._regions.get(key)
        if region is None:
            region = self._regions[key] = _Region(key)
        return region

    # -------------------------------------------------------------------------------- workspaces

    def create_workspace(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            r = self._region(region)
            workspace_id = p["workspaceId"]
            if workspace_id in r.workspaces:
                raise ConflictException(f"Workspace {workspace_id} already exists.")
            ws = Workspace(
                workspace_id,
                self.workspace_arn(workspace_id, r.name),
                self.clock(),
                p.get("description"),
                p.get("role"),
                p.get("s3Location"),
                (),
                dict(p.get("tags") or {}),
            )
            r.insert_workspace(ws)
            return {"arn": ws.arn, "creationDateTime": _ts(ws.created)}

    def get_workspace(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            ws = self._workspace(self._region(region), _id_from_arn(p["workspaceId"]))
            out = ws.summary()
            if ws.s3_location is not None:
                out["s3Location"] = ws.s3_location
            if ws.role is not None:
                out["role"] = ws.role
            return out

    def list_workspaces(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            r = self._region(region)
            start, size = page(p, "ListWorkspaces", r.name)
            ids = r.workspace_order[start : start + size]
            out: dict[str, Any] = {"workspaceSummaries": [r.workspaces[i].summary() for i in ids]}
            if start + size < len(r.workspace_order):
                out["nextToken"] = token("ListWorkspaces", r.name, start + size)
            return out

    def delete_workspace(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            r = self._region(region)
            workspace_id = p["workspaceId"]
            self._workspace(r, workspace_id)
            if self._live_sources(r, workspace_id):
                # The model gives DeleteWorkspace no ConflictException: a refusal is a ValidationException.
                raise ValidationException(
                    f"Workspace {workspace_id} still has sync jobs; delete them before the workspace."
                )
            del r.workspaces[workspace_id]
            r.workspace_order.remove(workspace_id)
            r.jobs_by_workspace.pop(workspace_id, None)
            return {"message": f"Workspace {workspace_id} was deleted."}

    @staticmethod
    def _workspace(r: _Region, workspace_id: str) -> Workspace:
        ws = r.workspaces.get(workspace_id)
        if ws is None:
            raise ResourceNotFoundException(f"Workspace {workspace_id} not found.")
        return ws

    # --------------------------------------------------------------------------------- sync jobs

    def create_sync_job(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            r = self._region(region)
            workspace_id, source = p["workspaceId"], p["syncSource"]
            if source not in SUPPORTED_SYNC_SOURCES:
                # The API reference: "Currently the only supported syncSource is SITEWISE". The model has
                # no enum for it, so the service checks in code; the wording is ours (docs/endpoint.md).
                raise ValidationException(
                    f"Sync source '{source}' is not supported. Supported sync sources: "
                    f"{', '.join(SUPPORTED_SYNC_SOURCES)}."
                )
            ws = r.workspaces.get(workspace_id)
            if ws is None:
                # CreateSyncJob has no ResourceNotFoundException in the model: the service validates.
                raise ValidationException(f"Workspace {workspace_id} does not exist.")
            now = self.clock()
            existing = r.jobs.get((workspace_id, source))
            if existing is not None and not existing.gone(now):
                raise ConflictException(
                    f"A sync job for {source} already exists in workspace {workspace_id}."
                )
            tags = dict(p.get("tags") or {})
            timeline = self._timeline_for(r.name, ws, source, tags.get(TIMELINE_TAG))
            spec = SyncJobSpec(workspace_id, source, p["syncRole"], timeline, region=r.name)
            job = self.add_sync_job(spec, tags)
            assert job is not None
            step, _ = job.step(now)
            return {"arn": job.arn, "creationDateTime": _ts(job.created), "state": step.state}

    def _timeline_for(self, region: str, ws: Workspace, source: str, tagged: str | None) -> Timeline:
        """A new job's story: the tag's timeline, else the scenario's script for this job, else the
        workspace's `syncJobTimeline`, else the scenario's `defaultTimeline`."""
        if tagged is not None:
            timeline = self.timelines.get(tagged)
            if timeline is None:
                raise ValidationException(
                    f"Unknown twinmaker-local timeline '{tagged}' (tag {TIMELINE_TAG})."
                )
            return timeline
        scripted = self._scripts.get((region, ws.workspace_id, source))
        if scripted is not None:
            return scripted
        return self.timelines[ws.sync_job_timeline or self.scenario.default_timeline]

    def get_sync_job(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            workspace_id = p.get("workspaceId")
            if workspace_id is None:
                raise ValidationException("The workspace query parameter is required.")
            now = self.clock()
            job = self._job(self._region(region), workspace_id, p["syncSource"], now)
            if job.hidden(now):
                raise ResourceNotFoundException(self._job_not_found(workspace_id, p["syncSource"]))
            out = job.summary(now)
            out["syncRole"] = job.sync_role
            return out

    def list_sync_jobs(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            r = self._region(region)
            workspace_id = p["workspaceId"]
            if workspace_id not in r.workspaces:
                raise ValidationException(f"Workspace {workspace_id} does not exist.")
            now = self.clock()
            sources = self._live_sources(r, workspace_id)
            scope = f"{r.name}/{workspace_id}"
            start, size = page(p, "ListSyncJobs", scope)
            chosen = sources[start : start + size]
            out: dict[str, Any] = {
                "syncJobSummaries": [r.jobs[(workspace_id, s)].summary(now) for s in chosen]
            }
            if start + size < len(sources):
                out["nextToken"] = token("ListSyncJobs", scope, start + size)
            return out

    def delete_sync_job(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            now = self.clock()
            job = self._job(self._region(region), p["workspaceId"], p["syncSource"], now)
            if job.deleted_at is None:
                job.deleted_at = now
            return {"state": "DELETING"}

    def list_sync_resources(self, p: Mapping[str, Any], region: str | None = None) -> dict[str, Any]:
        with self._lock:
            r = self._region(region)
            workspace_id, source = p["workspaceId"], p["syncSource"]
            now = self.clock()
            job = r.jobs.get((workspace_id, source))
            if job is None or job.gone(now):
                # No ResourceNotFoundException for this operation in the model.
                raise ValidationException(self._job_not_found(workspace_id, source))
            positions, filter_scope = self._filtered(job, p.get("filters") or [], now)
            scope = f"{r.name}/{workspace_id}/{source}/{filter_scope}"
            start, size = page(p, "ListSyncResources", scope)
            elapsed = now - job.created
            if positions is None:  # no filter: slice directly, O(page)
                total = len(job.resources)
                chosen = range(start, min(total, start + size))
            else:
                total = len(positions)
                chosen = positions[start : start + size]  # type: ignore[assignment]
            out: dict[str, Any] = {
                "syncResources": [job.resources[i].summary(job.created, elapsed) for i in chosen]
            }
            if start + size < total:
                out["nextToken"] = token("ListSyncResources", scope, start + size)
            return out

    def _filtered(
        self, job: SyncJob, filters: list[dict[str, Any]], now: float
    ) -> tuple[list[int] | None, str]:
        """Positions of the resources the filters select (None: all) and a scope key for page tokens.

        Supported, as the model documents: `state`; `resourceType` + `resourceId`;
        `resourceType` + `externalId`. Each filter object sets exactly one member (a union).
        """
        given: dict[str, str] = {}
        for f in filters:
            for key, value in f.items():
                if key in given:
                    raise ValidationException(f"Filter {key} given more than once.")
                given[key] = value
        keys = frozenset(given)
        scope = json.dumps(given, sort_keys=True)
        if not keys:
            return None, scope
        if keys == {"state"}:
            elapsed = now - job.created
            return [i for i, r in enumerate(job.resources) if r.step(elapsed).state == given["state"]], scope
        if keys == {"resourceType", "resourceId"}:
            return job.by_resource_id.get((given["resourceType"], given["resourceId"]), []), scope
        if keys == {"resourceType", "externalId"}:
            return job.by_external_id.get((given["resourceType"], given["externalId"]), []), scope
        raise ValidationException(
            "Unsupported filter combination "
            f"({', '.join(sorted(keys))}): use state, resourceType+resourceId or resourceType+externalId."
        )

    def _job(self, r: _Region, workspace_id: str, source: str, now: float) -> SyncJob:
        job = r.jobs.get((workspace_id, source))
        if job is None or job.gone(now):
            raise ResourceNotFoundException(self._job_not_found(workspace_id, source))
        return job

    @staticmethod
    def _job_not_found(workspace_id: str, source: str) -> str:
        return f"Sync job for sync source {source} in workspace {workspace_id} not found."

    def _live_sources(self, r: _Region, workspace_id: str) -> list[str]:
        """The workspace's sync sources whose jobs still exist; purges finished deletions."""
        now = self.clock()
        sources = r.jobs_by_workspace.get(workspace_id, [])
        live = [s for s in sources if not r.jobs[(workspace_id, s)].gone(now)]
        if len(live) != len(sources):
            for s in sources:
                if s not in live:
                    del r.jobs[(workspace_id, s)]
            r.jobs_by_workspace[workspace_id] = live
        return live

    def counts(self, region: str | None = None) -> dict[str, int]:
        """How many workspaces and sync jobs the store holds (all regions, or one), for stats and tests.

        Jobs past their DELETING phase are not counted: they no longer exist.
        """
        with self._lock:
            now = self.clock()
            regions = [self._region(region)] if region is not None else list(self._regions.values())
            return {
                "workspaces": sum(len(r.workspaces) for r in regions),
                "syncJobs": sum(not j.gone(now) for r in regions for j in r.jobs.values()),
            }

    def regions(self) -> list[str]:
        """The regions that hold (or held) anything, in the order they were first used."""
        with self._lock:
            return list(self._regions)


def _id_from_arn(value: str) -> str:
    """GetWorkspace takes an ID or an ARN (`IdOrArn`); the ID is the part after `workspace/`."""
    if value.startswith("arn:"):
        _, _, rest = value.partition(":workspace/")
        return rest.split("/", 1)[0] or value
    return value


__all__ = ["TIMELINE_TAG", "ErrorDetail", "Store", "SyncJob", "Workspace"]
