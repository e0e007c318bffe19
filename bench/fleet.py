"""Fleet: many sync jobs over real HTTP against the local endpoint, which enforces a request quota.

Every run gets a fresh endpoint in its own process (`bench._endpoint_child`) serving `jobs` sync jobs
in as many workspaces, each turning ACTIVE (about 1 % ERROR) at a seeded random time within `window`
seconds of the endpoint's start, behind a token-bucket quota of `quota` requests/s (beyond it: 429
ThrottlingException). Three ways to wait for the same fleet:

* the gate: `python -m validators wait` (its `main`, in-process) in its own process
  (`bench._gate_child`), so the peak RSS reported is the gate's alone; at the quota, above it, and
  through an endpoint that also answers a share of requests with 500/503 (a flaky load balancer, no
  throttling beyond the quota: the gate must neither slow down nor lose a verdict);
* one job after another, each with a botocore `Waiter` (5 s delay), as a script would do it;
* every job at once on a pool of 32 threads, each job its own botocore `Waiter` (2 s delay): no shared
  budget.

Requests and throttled responses are the endpoint's own counters. The lower bound of a run is what an
oracle that knows every transition could do under the same quota (see `oracle_bound`).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import table

ERROR_CODE = "SYNC_PROCESSING_ERROR"
REGION = "us-east-1"
#: The fleet's rows, in the order they run and print (`python -m bench fleet --rows ...`).
ROWS = ("quota", "over-quota", "5xx", "one-by-one", "pool")


@dataclass(frozen=True)
class FleetSpec:
    jobs: int = 1000
    quota: float = 50.0  # the endpoint's request quota, requests/s (its bucket holds `quota` tokens)
    window: float = 60.0  # every job reaches its final state within this many seconds
    error_fraction: float = 0.01
    seed: int = 1
    gate_max_rps: float = 50.0  # matched to the quota; see RESULTS.md
    #: Also run the gate with these --max-rps above the quota (misconfigured, or the quota shared with
    #: other tools): how well does it back off?
    over_quota_rps: tuple[float, ...] = (100.0,)
    #: The "5xx" row: this share of requests is answered 500 or 503 (half each), at the quota.
    error_rate: float = 0.3
    gate_timeout: float | None = None  # the gate's --timeout; None: max(300, 5 x window)
    rows: tuple[str, ...] = ROWS
    sequential_delay: float = 5.0
    sequential_cap: int | None = None  # wait for only the first N jobs one by one, then extrapolate
    pool_workers: int = 32
    pool_delay: float = 2.0


@dataclass(frozen=True)
class Job:
    workspace_id: str
    final_state: str  # ACTIVE or ERROR
    at: float  # seconds after the endpoint's start


def make_jobs(spec: FleetSpec) -> list[Job]:
    rng = random.Random(spec.seed)
    errors = set(rng.sample(range(spec.jobs), max(1, round(spec.jobs * spec.error_fraction))))
    return [
        Job(f"plant-{i:05d}", "ERROR" if i in errors else "ACTIVE", rng.uniform(0.0, spec.window))
        for i in range(spec.jobs)
    ]


def scenario(spec: FleetSpec, jobs: list[Job], error_rate: float = 0.0) -> dict[str, Any]:
    def states(job: Job) -> list[dict[str, Any]]:
        final: dict[str, Any] = {"at": job.at, "state": job.final_state}
        if job.final_state == "ERROR":
            final["error"] = {"code": ERROR_CODE, "message": f"{job.workspace_id}: 3 entities failed"}
        return [{"at": 0, "state": "CREATING"}, {"at": job.at / 2, "state": "INITIALIZING"}, final]

    faults: list[dict[str, Any]] = [{"kind": "throttle", "ratePerSecond": spec.quota, "burst": spec.quota}]
    if error_rate > 0:
        # As `python -m twinmaker_local --error-rate R` does it: 500 with R/2, then 503 with the
        # probability that makes R/2 of all requests (the first rule already took its share).
        faults.append({"kind": "error", "status": 500, "probability": error_rate / 2})
        faults.append({"kind": "error", "status": 503, "probability": error_rate / (2 - error_rate)})
    return {
        "region": REGION,
        "seed": spec.seed,
        "syncJobs": [{"workspaceId": j.workspace_id, "states": states(j)} for j in jobs],
        "faults": faults,
    }


# -------------------------------------------------------------------------------------- the endpoint


def aws_environment() -> dict[str, str]:
    """Dummy credentials, no profile or config file, no metadata service: nothing reaches AWS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


@dataclass
class EndpointProcess:
    process: subprocess.Popen[str]
    url: str
    created: float  # epoch seconds the sync jobs' timelines count from

    def command(self, line: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def stats(self) -> dict[str, Any]:
        return self.command("stats")


@contextmanager
def endpoint_process(
    spec: FleetSpec, jobs: list[Job], workdir: Path, error_rate: float = 0.0
) -> Iterator[EndpointProcess]:
    path = workdir / "scenario.json"
    path.write_text(json.dumps(scenario(spec, jobs, error_rate)), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "bench._endpoint_child", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=aws_environment(),
    )
    try:
        assert process.stdout is not None
        hello = json.loads(process.stdout.readline())
        yield EndpointProcess(process, hello["url"], hello["created"])
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------------------------- the bound


def oracle_bound(releases: list[tuple[float, int]], quota: float, burst: float) -> float:
    """When an oracle would be done: it knows each job's transition and spends, at or after it, exactly
    the calls docs/gate.md requires (GetSyncJob; plus one ListSyncResources page for a job in ERROR),
    as early as the endpoint's token bucket (`quota`/s, `burst` tokens, full at the start)
    admits them. `releases` is (transition in seconds from the run's start, calls needed) per job.

    This is at least max(last transition, (calls - burst) / quota), and usually equal to the larger.
    """
    now, tokens = 0.0, burst
    for release, calls in sorted(releases):
        for _ in range(calls):
            start = max(now, release)
            tokens = min(burst, tokens + (start - now) * quota)
            now = start
            if tokens < 1.0:
                now += (1.0 - tokens) / quota
                tokens = 1.0
            tokens -= 1.0
    return now


def releases(jobs: list[Job], created: float, started: float) -> list[tuple[float, int]]:
    """Each job's transition in the run's frame (clamped at its start) and the calls it needs."""
    return [(max(0.0, created + job.at - started), 2 if job.final_state == "ERROR" else 1) for job in jobs]


# ------------------------------------------------------------------------------------------- runs


@dataclass
class RunStats:
    name: str
    wall: float
    bound: float
    requests: int
    throttled: int
    right: int
    jobs: int
    peak_rss_mib: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.wall / self.bound if self.bound > 0 else float("inf")

    @property
    def throttled_pct(self) -> float:
        return 100.0 * self.throttled / self.requests if self.requests else 0.0

    @property
    def rate(self) -> float:
        """Requests per second over the whole run (the endpoint's count, retries included)."""
        return self.requests / self.wall if self.wall > 0 else 0.0


def expected(job: Job) -> tuple[str, str | None]:
    return ("active", None) if job.final_state == "ACTIVE" else ("error", ERROR_CODE)


def run_gate(
    spec: FleetSpec, jobs: list[Job], workdir: Path, max_rps: float | None = None, error_rate: float = 0.0
) -> RunStats:
    max_rps = spec.gate_max_rps if max_rps is None else max_rps
    outputs = workdir / "tf-outputs.json"
    value = [{"workspace_id": j.workspace_id, "sync_source": "SITEWISE", "region": REGION} for j in jobs]
    outputs.write_text(json.dumps({"sync_jobs": {"sensitive": False, "type": "list", "value": value}}))
    timeout = spec.gate_timeout if spec.gate_timeout is not None else max(300.0, 5 * spec.window)
    with endpoint_process(spec, jobs, workdir, error_rate) as endpoint:
        argv = [
            "wait",
            "--terraform-outputs",
            str(outputs),
            "--endpoint-url",
            endpoint.url,
            "--region",
            REGION,
            "--output",
            "json",
            "--max-rps",
            f"{max_rps:g}",
            "--timeout",
            f"{timeout:g}",
        ]
        done = subprocess.run(
            [sys.executable, "-m", "bench._gate_child", *argv],
            capture_output=True,
            text=True,
            env=aws_environment(),
            check=True,
        )
        stats = endpoint.stats()
        child = json.loads(done.stdout.strip().splitlines()[-1])
        created = endpoint.created
    report = child["report"]
    by_id = {j["workspaceId"]: j for j in report["jobs"]}
    right = 0
    for job in jobs:
        got = by_id.get(job.workspace_id)
        outcome, code = expected(job)
        if got and got["outcome"] == outcome and (got["error"] or {}).get("code") == code:
            right += 1
    bound = oracle_bound(releases(jobs, created, child["startedEpoch"]), spec.quota, spec.quota)
    name = f"gate, --max-rps {max_rps:g}" + (" (above the quota)" if max_rps > spec.quota else "")
    if error_rate > 0:
        name += f", {error_rate:.0%} of requests 500/503"
    return RunStats(
        name,
        child["wall"],
        bound,
        stats["total"],
        stats["throttled"],
        right,
        len(jobs),
        child["peakRssMiB"],
        extra={"byOperation": stats["byOperation"], "byStatus": stats["byStatus"]},
    )


def _waiter_client(url: str, pool: int) -> Any:
    """A boto3 client as a script would make one: boto3's defaults, except what the local endpoint needs
    (no `api.` host prefix) and a connection pool as large as the thread pool."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name=REGION
    )
    config = Config(inject_host_prefix=False, max_pool_connections=max(10, pool))
    return session.client("iottwinmaker", endpoint_url=url, config=config)


def _waiter(client: Any, delay: float) -> Any:
    """A botocore Waiter for GetSyncJob (the service model ships none): ACTIVE succeeds, ERROR fails,
    ResourceNotFound retries; `delay` between polls."""
    from botocore.waiter import WaiterModel, create_waiter_with_client

    model = WaiterModel(
        {
            "version": 2,
            "waiters": {
                "SyncJobActive": {
                    "operation": "GetSyncJob",
                    "delay": delay,
                    "maxAttempts": 100_000,
                    "acceptors": [
                        {
                            "state": "success",
                            "matcher": "path",
                            "argument": "status.state",
                            "expected": "ACTIVE",
                        },
                        {
                            "state": "failure",
                            "matcher": "path",
                            "argument": "status.state",
                            "expected": "ERROR",
                        },
                        {"state": "retry", "matcher": "error", "expected": "ResourceNotFoundException"},
                    ],
                }
            },
        }
    )
    return create_waiter_with_client("SyncJobActive", model, client)


def _wait_one(waiter: Any, job: Job) -> bool:
    """Wait for one job with a botocore waiter; True when its verdict is right."""
    from botocore.exceptions import WaiterError

    try:
        waiter.wait(workspaceId=job.workspace_id, syncSource="SITEWISE")
    except WaiterError as exc:
        last: Mapping[str, Any] = exc.last_response or {}
        code = (last.get("status") or {}).get("error", {}).get("code")
        return job.final_state == "ERROR" and code == ERROR_CODE  # else: throttled out, a wrong verdict
    return job.final_state == "ACTIVE"


def run_sequential(spec: FleetSpec, jobs: list[Job], workdir: Path) -> RunStats:
    chosen = jobs if spec.sequential_cap is None else jobs[: spec.sequential_cap]
    with endpoint_process(spec, jobs, workdir) as endpoint:
        client = _waiter_client(endpoint.url, 1)
        waiter = _waiter(client, spec.sequential_delay)
        endpoint.command("reset")
        started_epoch, started = time.time(), time.perf_counter()
        right = sum(_wait_one(waiter, job) for job in chosen)
        wall = time.perf_counter() - started
        stats = endpoint.stats()
        created = endpoint.created
    bound = oracle_bound(releases(jobs, created, started_epoch), spec.quota, spec.quota)
    note = ""
    requests, throttled = stats["total"], stats["throttled"]
    if len(chosen) < len(jobs):
        scale = len(jobs) / len(chosen)
        note = f"first {len(chosen)} jobs measured ({wall:.1f} s), x{scale:g} extrapolated"
        wall, requests, throttled = wall * scale, round(requests * scale), round(throttled * scale)
        right = round(right * scale)
    return RunStats(
        f"one by one, {spec.sequential_delay:g} s waiter",
        wall,
        bound,
        requests,
        throttled,
        right,
        len(jobs),
        note=note,
    )


def run_pool(spec: FleetSpec, jobs: list[Job], workdir: Path) -> RunStats:
    with endpoint_process(spec, jobs, workdir) as endpoint:
        client = _waiter_client(endpoint.url, spec.pool_workers)
        waiter = _waiter(client, spec.pool_delay)
        endpoint.command("reset")
        started_epoch, started = time.time(), time.perf_counter()
        with ThreadPoolExecutor(spec.pool_workers) as pool:
            right = sum(pool.map(lambda job: _wait_one(waiter, job), jobs))
        wall = time.perf_counter() - started
        stats = endpoint.stats()
        created = endpoint.created
    bound = oracle_bound(releases(jobs, created, started_epoch), spec.quota, spec.quota)
    return RunStats(
        f"all at once, {spec.pool_workers} threads, {spec.pool_delay:g} s waiter, no budget",
        wall,
        bound,
        stats["total"],
        stats["throttled"],
        right,
        len(jobs),
    )


def run(spec: FleetSpec) -> list[RunStats]:
    """Every row of `spec.rows`, in the order of `ROWS`."""
    jobs = make_jobs(spec)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        workdir = Path(tmp)
        if "quota" in spec.rows:
            results.append(run_gate(spec, jobs, workdir))
        if "over-quota" in spec.rows:
            results += [run_gate(spec, jobs, workdir, rps) for rps in spec.over_quota_rps]
        if "5xx" in spec.rows and spec.error_rate > 0:
            results.append(run_gate(spec, jobs, workdir, error_rate=spec.error_rate))
        if "one-by-one" in spec.rows:
            results.append(run_sequential(spec, jobs, workdir))
        if "pool" in spec.rows:
            results.append(run_pool(spec, jobs, workdir))
    return results


def render(results: list[RunStats]) -> str:
    headers = [
        "strategy",
        "wall",
        "lower bound",
        "wall / bound",
        "requests",
        "req/s",
        "throttled (429)",
        "verdicts right",
        "peak RSS",
    ]
    rows = []
    for r in results:
        rows.append(
            [
                r.name,
                f"{r.wall:.1f} s",
                f"{r.bound:.1f} s",
                f"{r.ratio:.2f}x",
                r.requests,
                f"{r.rate:.1f}",
                f"{r.throttled} ({r.throttled_pct:.1f} %)",
                f"{r.right}/{r.jobs}",
                "-" if r.peak_rss_mib is None else f"{r.peak_rss_mib:.0f} MiB",
            ]
        )
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    return table(headers, rows) + ("\n\n" + "\n".join(notes) if notes else "")


def main(spec: FleetSpec | None = None) -> list[RunStats]:
    spec = spec or FleetSpec()
    print(
        f"## Fleet ({spec.jobs} sync jobs in {spec.jobs} workspaces, real HTTP, endpoint quota "
        f"{spec.quota:g} requests/s, transitions within {spec.window:g} s, ~{spec.error_fraction:.0%} ERROR, "
        f"seed {spec.seed})",
        flush=True,
    )
    print()
    results = run(spec)
    print(render(results))
    print()
    return results


if __name__ == "__main__":
    main()
