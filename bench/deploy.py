"""Deploy: real `pulumi up` of this project's program against the local cloud, gate designs compared.

Every run is a fresh local cloud (`local_cloud.LocalCloud`: temporary PULUMI_HOME, file backend, the
provider test doubles) and a fresh in-process TwinMaker endpoint (`twinmaker_local.serve`, wall clock),
and one `pulumi up` on the pinned CLI (`.tools/bin/pulumi`) of a stack of `workspaces` workspaces. The
scenario scripts each sync job before it exists (`"exists": false`), so its clock starts at its
CreateSyncJob: it turns ACTIVE (or, for one or two, ERROR with `SYNC_PROCESSING_ERROR` and a failing
asset) at a seeded time within `window` seconds of that call; every fourth job first answers
GetSyncJob with ResourceNotFoundException for a few seconds (eventual consistency after a create).
GetSyncJob and ListSyncResources share a token bucket of `quota` requests/s at the endpoint (beyond it:
429 ThrottlingException); the providers' own calls (CreateWorkspace, CreateSyncJob...) are not
throttled, since their quota is not what is measured.

Rows, each its own run:

* gate off (`twinmaker-sync:gateEnabled: false`), per `--parallel`: the engine alone. Its **lower
  bound** is the latest of its wall time and every job's CreateSyncJob (offset from the start of `up`)
  plus the job's scripted delay: no gate can report a verdict before the job reaches it, nor finish
  before the engine does.
* each gate design (`twinmaker-sync:gateMode`: `stack`, one stack-level gate; `resource`, a
  SyncJobGate per SyncJob, the twinmaker-sync-gate plugin installed in the run's local cloud) at each
  `--parallel` (the CLI's default, i.e. not passed, and 64), compared with the gate-off bound at the
  same `--parallel`.

Verdicts right: the update failed, and each ERROR job is named in a failure message
("TwinMaker sync job WS/SITEWISE ..."); each other job was reported ACTIVE by the gate (the stack gate's
"sync job WS/SITEWISE... is ACTIVE" line; a SyncJobGate created, which its Create does only for a
passing verdict) and named in no failure; no resource but an ERROR job's SyncJob or SyncJobGate (or,
for a stack-level gate, the stack) failed.

Wall time is around the whole `python -m local_cloud.run up` (the program served in-process, the CLI,
its plugins), for the gate-off runs too, so start-up costs sit in the bound as well.
"""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import table

REGION = "us-east-1"
STACK = "bench"
SOURCE = "SITEWISE"
ERROR_CODE = "SYNC_PROCESSING_ERROR"
#: Every fourth job is first not found, for a seeded 1-4 s.
NOT_FOUND_EVERY = 4
#: The program's gate designs (`twinmaker_infra.config.GATE_MODES`, which imports Pulumi: a test keeps
#: them equal).
DESIGNS = ("stack", "resource")
OFF = "off"
#: The operations whose quota is measured: what the gate calls while it waits.
THROTTLED_OPERATIONS = ("GetSyncJob", "ListSyncResources")

_FAILED_JOB = re.compile(r"TwinMaker sync job ([A-Za-z0-9_-]+)/" + SOURCE)
_GATE_TYPE = "twinmaker-sync-gate:index:SyncJobGate"
_SYNC_JOB_TYPE = "aws-native:iottwinmaker:SyncJob"
#: The stack gate's verdict line, or a SyncJobGate the engine reports created (`+  TYPE NAME created`).
_ACTIVE_JOB = re.compile(
    r"sync job ([A-Za-z0-9_-]+)/" + SOURCE + r"\S* is ACTIVE"
    r"|^\s*\+\s+" + re.escape(_GATE_TYPE) + r" ([A-Za-z0-9_-]+)-sync-gate created\b",
    re.MULTILINE,
)
#: `+  TYPE NAME **creating failed**` in the engine's progress lines.
_FAILED_RESOURCE = re.compile(r"^\s*\+\s+(\S+) (\S+) \*\*creating failed", re.MULTILINE)
_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class DeploySpec:
    workspaces: int = 24
    window: float = 90.0  # every job reaches its final state within this many seconds of its create
    seed: int = 1
    quota: float = 20.0  # the endpoint's GetSyncJob + ListSyncResources quota, requests/s (bucket = quota)
    gate_max_rps: float = 10.0  # `twinmaker-sync:gateMaxRps`: at or below the quota
    errors: int | None = None  # jobs ending in ERROR; default 1 below 8 workspaces, else 2
    designs: tuple[str, ...] = DESIGNS
    parallels: tuple[int | None, ...] = (None, 64)  # None: the CLI's default (--parallel not passed)
    logs: Path | None = None  # write each run's output here

    @property
    def error_count(self) -> int:
        if self.errors is not None:
            return min(self.errors, self.workspaces)
        return 1 if self.workspaces < 8 else 2


@dataclass(frozen=True)
class Job:
    workspace_id: str
    delay: float  # seconds from its CreateSyncJob to its final state
    final: str  # ACTIVE or ERROR
    not_found: float  # GetSyncJob answers ResourceNotFoundException for this long after the create (0: never)


def make_jobs(spec: DeploySpec) -> list[Job]:
    """The seeded fleet: delays uniform in [window/10, window], `error_count` of them ERROR."""
    rng = random.Random(spec.seed)
    ids = [f"bench-{i:03d}" for i in range(spec.workspaces)]
    failing = set(rng.sample(ids, spec.error_count))
    jobs = []
    for i, workspace_id in enumerate(ids):
        delay = rng.uniform(spec.window / 10, spec.window)
        not_found = rng.uniform(1.0, 4.0) if i % NOT_FOUND_EVERY == 1 else 0.0
        jobs.append(
            Job(
                workspace_id,
                round(max(delay, not_found + 0.5), 3),
                "ERROR" if workspace_id in failing else "ACTIVE",
                round(not_found, 3),
            )
        )
    return jobs


def _timeline(job: Job) -> dict[str, Any]:
    final: dict[str, Any] = {"at": job.delay, "state": job.final}
    timeline: dict[str, Any] = {
        "states": [
            {"at": 0, "state": "CREATING"},
            {"at": round(job.delay / 2, 3), "state": "INITIALIZING"},
            final,
        ]
    }
    if job.final == "ERROR":
        final["error"] = {
            "code": ERROR_CODE,
            "message": "Sync job finished with errors: 1 of 3 resources failed.",
        }
        timeline["resources"] = [
            {
                "resourceType": "ENTITY",
                "externalId": f"{job.workspace_id}-asset-1",
                "resourceId": f"{job.workspace_id}-entity-1",
                "states": [
                    {"at": 0, "state": "INITIALIZING"},
                    {
                        "at": job.delay,
                        "state": "ERROR",
                        "error": {"code": "PROCESSING_ERROR", "message": "property type not supported"},
                    },
                ],
            }
        ]
    if job.not_found:
        timeline["notFound"] = [[0, job.not_found]]
    return timeline


def scenario(spec: DeploySpec, jobs: Sequence[Job]) -> dict[str, Any]:
    """The endpoint's scenario: every job scripted before `pulumi up` creates it, and the quota."""
    return {
        "region": REGION,
        "seed": spec.seed,
        "syncJobs": [{"workspaceId": j.workspace_id, "exists": False, **_timeline(j)} for j in jobs],
        "faults": [
            {
                "kind": "throttle",
                "ratePerSecond": spec.quota,
                "burst": spec.quota,
                "operations": list(THROTTLED_OPERATIONS),
            }
        ],
    }


def stack_config(spec: DeploySpec, jobs: Sequence[Job], design: str) -> dict[str, Any]:
    """The run's stack config: the fleet, the gate off or in `design`, its budget and a deadline."""
    config: dict[str, Any] = {
        "aws:region": REGION,
        "aws-native:region": REGION,
        "twinmaker-sync:workspaces": [{"id": j.workspace_id} for j in jobs],
        "twinmaker-sync:gateEnabled": design != OFF,
        # Far beyond any job: a timeout here would be a bug in the run, not a verdict to measure.
        "twinmaker-sync:gateTimeout": int(spec.window * len(jobs) + 600),
        "twinmaker-sync:gateMaxRps": spec.gate_max_rps,
    }
    if design != OFF:
        config["twinmaker-sync:gateMode"] = design
    return config


@dataclass
class Run:
    design: str  # off, or one of DESIGNS
    parallel: int | None
    wall: float
    exit_code: int | None  # None: the run did not finish before its timeout
    get_sync_job: int
    requests: int
    throttled: int
    created: dict[str, float]  # workspace -> its CreateSyncJob, seconds after the start of `up`
    output: str = field(repr=False)
    failed_named: set[str] = field(default_factory=set)
    active_seen: set[str] = field(default_factory=set)
    failed_resources: list[tuple[str, str]] = field(default_factory=list)


def judge_output(output: str) -> tuple[set[str], set[str], list[tuple[str, str]]]:
    """(workspaces named in a failure, workspaces the gate reported ACTIVE, resources that failed)."""
    failed = set(_FAILED_JOB.findall(output))
    active = {line or gate for line, gate in _ACTIVE_JOB.findall(output)}
    resources = sorted(set(_FAILED_RESOURCE.findall(output)))
    return failed, active, resources


def verdicts_right(run: Run, jobs: Sequence[Job]) -> int:
    """How many jobs got the right verdict in `run` (see the module docstring)."""
    failing = {j.workspace_id for j in jobs if j.final == "ERROR"}
    update_failed = run.exit_code not in (0, None)
    allowed = {(_SYNC_JOB_TYPE, f"{ws}-sync-job") for ws in failing} | {
        (_GATE_TYPE, f"{ws}-sync-gate") for ws in failing
    }
    # A resource that failed for another reason (a provider error, the gate of the wrong job) makes its
    # workspace's verdict wrong, whatever the gate said.
    spoiled = {
        job.workspace_id
        for kind, name in run.failed_resources
        if kind != _STACK_TYPE and (kind, name) not in allowed
        for job in jobs
        if name.startswith(f"{job.workspace_id}-")
    }
    right = 0
    for job in jobs:
        if job.workspace_id in spoiled:
            continue
        if job.final == "ERROR":
            right += update_failed and job.workspace_id in run.failed_named
        else:
            right += job.workspace_id in run.active_seen and job.workspace_id not in run.failed_named
    return right


def lower_bound(off: Run, jobs: Sequence[Job]) -> float:
    """The latest of the gate-off wall and every job's create (in that run) plus its scripted delay."""
    missing = [j.workspace_id for j in jobs if j.workspace_id not in off.created]
    if missing or off.exit_code != 0:
        return math.nan  # the engine alone did not deploy the stack: no bound
    return max(off.wall, *(off.created[j.workspace_id] + j.delay for j in jobs))


def run_once(
    spec: DeploySpec,
    jobs: Sequence[Job],
    design: str,
    parallel: int | None,
    *,
    root: Path,
    timeout: float,
) -> Run:
    """One fresh endpoint, one fresh local cloud (with the gate's plugin installed for the `resource`
    design), one `pulumi up`; the endpoint stopped after."""
    from local_cloud.engine import LocalCloud
    from twinmaker_local import serve

    endpoint = serve(scenario(spec, jobs), time_scale=1)
    try:
        cloud = LocalCloud(root, endpoint.url, region=REGION)
        if design == "resource":
            cloud.install_gate_plugin()
        cloud.init_stack(STACK, stack_config(spec, jobs, design))
        extra = ["--parallel", str(parallel)] if parallel is not None else []
        endpoint.stats.reset()
        started_epoch = time.time()
        started = time.perf_counter()
        try:
            done = cloud.run("up", STACK, *extra, timeout=timeout)
            code: int | None = done.returncode
            output = done.stdout + done.stderr
        except subprocess.TimeoutExpired as expired:
            code = None
            output = _text(expired.stdout) + _text(expired.stderr)
        wall = time.perf_counter() - started
        stats = endpoint.stats.snapshot()
        created = _creation_offsets(endpoint, jobs, started_epoch)
    finally:
        endpoint.stop()
    failed, active, resources = judge_output(output)
    return Run(
        design,
        parallel,
        wall,
        code,
        int(stats["byOperation"].get("GetSyncJob", 0)),
        int(stats["total"]),
        int(stats["throttled"]),
        created,
        output,
        failed,
        active,
        resources,
    )


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _creation_offsets(endpoint: Any, jobs: Sequence[Job], started_epoch: float) -> dict[str, float]:
    """Each created job's CreateSyncJob, from the endpoint's own store (not counted as a request)."""
    created = {}
    for job in jobs:
        try:
            listed = endpoint.store.list_sync_jobs({"workspaceId": job.workspace_id}, REGION)
        except Exception:  # noqa: BLE001 - the workspace was never created: neither was its job
            continue
        for summary in listed["syncJobSummaries"]:
            if summary["syncSource"] == SOURCE:
                created[job.workspace_id] = float(summary["creationDateTime"]) - started_epoch
    return created


def default_parallel(pulumi_help: Callable[[], str] | None = None) -> int | None:
    """The CLI's own default `--parallel` (from `pulumi up --help`), for the table's labels."""
    from local_cloud.engine import PULUMI_BIN

    try:
        text = (
            pulumi_help()
            if pulumi_help
            else subprocess.run(
                [str(PULUMI_BIN), "up", "--help"], capture_output=True, text=True, timeout=60, check=False
            ).stdout
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"--parallel int32 .*\(default (\d+)\)", text)
    return int(found.group(1)) if found else None


@dataclass
class Row:
    run: Run
    bound: float
    right: int | None  # None for the gate-off rows

    @property
    def ratio(self) -> float:
        return self.run.wall / self.bound if self.bound and not math.isnan(self.bound) else math.nan


def run(spec: DeploySpec, *, say: Callable[[str], None] = print) -> tuple[list[Job], list[Row]]:
    """Every selected row: per `--parallel`, the gate-off run first (its bound), then each design."""
    jobs = make_jobs(spec)
    timeout = spec.window * spec.workspaces + 900  # a design that serialises fully still ends
    rows: list[Row] = []
    root = Path(tempfile.mkdtemp(prefix="twinmaker-bench-deploy-"))
    try:
        for parallel in spec.parallels:
            for design in (OFF, *spec.designs):
                say(f"... {design} at --parallel {_parallel_label(parallel, None)}")
                started = time.perf_counter()
                where = root / f"{design}-{parallel or 'default'}"
                one = run_once(spec, jobs, design, parallel, root=where, timeout=timeout)
                shutil.rmtree(where, ignore_errors=True)
                _save_log(spec, one)
                if design == OFF:
                    bound = lower_bound(one, jobs)
                    rows.append(Row(one, bound, None))
                else:
                    off = next(r for r in rows if r.run.design == OFF and r.run.parallel == parallel)
                    rows.append(Row(one, off.bound, verdicts_right(one, jobs)))
                say(f"    {time.perf_counter() - started:.0f} s, exit {one.exit_code}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return jobs, rows


def _save_log(spec: DeploySpec, one: Run) -> None:
    if spec.logs is None:
        return
    spec.logs.mkdir(parents=True, exist_ok=True)
    name = f"{one.design}-parallel-{one.parallel or 'default'}"
    (spec.logs / f"{name}.log").write_text(one.output, encoding="utf-8")
    (spec.logs / f"{name}.created.json").write_text(
        json.dumps(dict(sorted(one.created.items())), indent=1), encoding="utf-8"
    )


def _parallel_label(parallel: int | None, default: int | None) -> str:
    if parallel is not None:
        return str(parallel)
    return f"default ({default})" if default else "default"


def render(spec: DeploySpec, jobs: Sequence[Job], rows: Sequence[Row], default: int | None) -> str:
    headers = [
        "design",
        "--parallel",
        "wall",
        "lower bound",
        "wall / bound",
        "last CreateSyncJob",
        "GetSyncJob",
        "requests",
        "throttled (429)",
        "verdicts right",
        "exit",
    ]
    body = []
    for row in rows:
        r = row.run
        last_create = max(r.created.values()) if r.created else math.nan
        body.append(
            [
                "gate off (the bound)" if r.design == OFF else r.design,
                _parallel_label(r.parallel, default),
                f"{r.wall:.1f} s",
                f"{row.bound:.1f} s",
                f"{row.ratio:.2f}x",
                f"{last_create:.1f} s"
                + ("" if len(r.created) == len(jobs) else f" ({len(r.created)}/{len(jobs)} created)"),
                r.get_sync_job,
                r.requests,
                r.throttled,
                "-" if row.right is None else f"{row.right}/{len(jobs)}",
                "timeout" if r.exit_code is None else r.exit_code,
            ]
        )
    failing = ", ".join(j.workspace_id for j in jobs if j.final == "ERROR") or "none"
    lines = [
        f"## Deploy: real `pulumi up`, {spec.workspaces} workspaces, jobs final within {spec.window:g} s "
        f"of their create (seed {spec.seed})",
        "",
        f"ERROR: {failing}; not found at first: {sum(1 for j in jobs if j.not_found)} jobs; "
        f"quota {spec.quota:g} req/s (GetSyncJob + ListSyncResources), gateMaxRps {spec.gate_max_rps:g}.",
        "",
        table(headers, body),
    ]
    return "\n".join(lines)


def headline_ratio(rows: Sequence[Row], default_design: str) -> float:
    """wall / bound of the default design at the CLI's default --parallel (nan if that row was not run)."""
    for row in rows:
        if row.run.design == default_design and row.run.parallel is None:
            return row.ratio
    return math.nan


def main(spec: DeploySpec | None = None) -> float:
    """Run, print the table; return the headline ratio (the caller prints `ratio=` last)."""
    spec = spec or DeploySpec()
    from local_cloud.engine import PULUMI_BIN

    if not PULUMI_BIN.exists():
        raise SystemExit(f"bench deploy: {PULUMI_BIN} is missing; `make pulumi` builds it")
    default = default_parallel()
    started = time.perf_counter()
    jobs, rows = run(spec)
    print()
    print(render(spec, jobs, rows, default))
    print()
    from twinmaker_infra.config import DEFAULT_GATE_MODE

    print(f"(deploy: {time.perf_counter() - started:.0f} s; default design: {DEFAULT_GATE_MODE})")
    return headline_ratio(rows, DEFAULT_GATE_MODE)
