"""The real Pulumi engine against the local cloud: fixtures and helpers of the Pulumi e2e tests.

Each test gets a fresh `LocalCloud` (temporary PULUMI_HOME, file backend, plugin shims, local
account) and a local TwinMaker endpoint on the wall clock, so the engine, its provider plugins (the
doubles, and the gate's own in `gateMode: resource`), the program's gate and the test all see the
same jobs. Timelines are a few seconds long and the gate polls every second, so a whole `pulumi up`
takes seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local_cloud.engine import PULUMI_BIN, LocalCloud
from twinmaker_local import Endpoint, serve
from twinmaker_local.stats import read_stats

REGION = "us-east-1"
SYNC_JOB_TYPE = "aws-native:iottwinmaker:SyncJob"


def timeline_active(after: float = 2.0) -> dict[str, Any]:
    return {"states": [{"at": 0, "state": "CREATING"}, {"at": after, "state": "ACTIVE"}]}


def timeline_error(after: float = 2.0, failing: int = 2) -> dict[str, Any]:
    """ERROR with SYNC_PROCESSING_ERROR and `failing` assets in ERROR (as the service reports them)."""
    resources = [
        {
            "resourceType": "ENTITY",
            "externalId": f"asset-{i}",
            "resourceId": f"asset-{i}",
            "states": [
                {"at": 0, "state": "INITIALIZING"},
                {
                    "at": after,
                    "state": "ERROR",
                    "error": {
                        "code": "PROCESSING_ERROR",
                        "message": f"Asset asset-{i}: property type not supported",
                    },
                },
            ],
        }
        for i in range(1, failing + 1)
    ]
    return {
        "states": [
            {"at": 0, "state": "CREATING"},
            {
                "at": after,
                "state": "ERROR",
                "error": {
                    "code": "SYNC_PROCESSING_ERROR",
                    "message": f"Sync job finished with errors: {failing} of {failing + 1} resources failed.",
                },
            },
        ],
        "resources": resources,
    }


def scenario(timelines: Mapping[str, str], quota: float | None = None) -> dict[str, Any]:
    """A scenario where the sync job created later in workspace W follows `timelines[W]`
    ("active" or "error"); jobs in other workspaces go ACTIVE. `quota`: requests per second beyond
    which the endpoint answers 429 ThrottlingException."""
    # The quota covers the gate's reads; the providers' creates and deletes are not what is measured.
    faults = (
        [
            {
                "kind": "throttle",
                "ratePerSecond": quota,
                "burst": quota,
                "operations": ["GetSyncJob", "GetWorkspace", "ListSyncResources"],
            }
        ]
        if quota
        else []
    )
    return {
        "faults": faults,
        "region": REGION,
        # "slow": still CREATING long after any test is over (for Ctrl-C while the gate waits).
        "timelines": {"active": timeline_active(), "error": timeline_error(), "slow": timeline_active(600)},
        "defaultTimeline": "active",
        # Scripts of the jobs `pulumi up` will create (`exists: false`): the timeline starts at CreateSyncJob.
        "syncJobs": [
            {"workspaceId": ws, "exists": False, "timeline": name} for ws, name in timelines.items()
        ],
    }


def stack_config(workspace_ids: list[str], **program: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "aws:region": REGION,
        "aws-native:region": REGION,
        "twinmaker-sync:workspaces": [{"id": ws} for ws in workspace_ids],
        "twinmaker-sync:gateTimeout": 60,
    }
    config.update({f"twinmaker-sync:{k}": v for k, v in program.items()})
    return config


@dataclass
class Deployment:
    """One stack of the real program on a local cloud, with the endpoint it deploys to."""

    cloud: LocalCloud
    endpoint: Endpoint
    stack: str = "e2e"

    def up(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.cloud.run("up", self.stack, *extra)

    def preview(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.cloud.run("preview", self.stack, *extra)

    def destroy(self) -> subprocess.CompletedProcess[str]:
        return self.cloud.run("destroy", self.stack)

    def calls(self, operation: str) -> int:
        """How many requests of `operation` the endpoint has served."""
        return int(self.endpoint.stats.snapshot()["byOperation"].get(operation, 0))

    def workspaces_left(self) -> int:
        """Workspaces that still exist on the endpoint (what `GET /_local/stats` calls `store`)."""
        return int(read_stats(self.endpoint.url)["store"]["workspaces"])

    def sync_job_urns(self) -> list[str]:
        return [r["urn"] for r in self.cloud.stack_resources(self.stack) if r.get("type") == SYNC_JOB_TYPE]

    def ctrl_c_while_waiting(self) -> tuple[int, str, float]:
        """`up` in its own process group, Ctrl-C once the gate has polled twice: (exit code, output,
        seconds from the signal to the exit)."""
        child = subprocess.Popen(
            self.cloud.run_command("up", self.stack),
            cwd=self.cloud.work_dir,
            env=self.cloud.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
        deadline = time.monotonic() + 120
        while self.calls("GetSyncJob") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert self.calls("GetSyncJob") >= 2, "the gate never started waiting"
        pressed = time.monotonic()
        os.killpg(child.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        output, _ = child.communicate(timeout=60)
        return child.returncode, output, time.monotonic() - pressed

    def gate_cli(self, outputs: str) -> subprocess.CompletedProcess[str]:
        """`pulumi stack output --json | twinmaker-gate wait --pulumi-outputs -`, the pipeline's step."""
        return self.cloud.gate(outputs, "--endpoint-url", self.endpoint.url, "--timeout", "60")


def require_pulumi() -> None:
    if not PULUMI_BIN.exists():
        pytest.fail(f"{PULUMI_BIN} is missing: `make pulumi` builds it (make e2e does so first)")


@pytest.fixture
def deploy(tmp_path: Path) -> Iterator[Any]:
    """Factory: `deploy(timelines, workspace_ids, **program_config) -> Deployment` (stack created)."""
    require_pulumi()
    endpoints: list[Endpoint] = []
    deployments: list[Deployment] = []

    def make(
        timelines: Mapping[str, str], workspace_ids: list[str] | None = None, **program: Any
    ) -> Deployment:
        endpoint = serve(scenario(timelines))
        endpoints.append(endpoint)
        cloud = LocalCloud(tmp_path / f"cloud{len(endpoints)}", endpoint.url, region=REGION)
        deployment = Deployment(cloud, endpoint)
        deployments.append(deployment)
        cloud.init_stack(deployment.stack, stack_config(workspace_ids or list(timelines), **program))
        return deployment

    yield make
    for deployment in deployments:
        deployment.cloud.stop_leftover_plugins()
    for endpoint in endpoints:
        endpoint.stop()


def output_of(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout + done.stderr


def dump(done: subprocess.CompletedProcess[str]) -> str:
    """For assertion messages: the exit code and everything the command printed."""
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


def as_json(text: str) -> Any:
    return json.loads(text)
