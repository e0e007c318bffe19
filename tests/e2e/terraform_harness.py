"""Running the pinned OpenTofu (`make tofu` -> .tools/bin/tofu) on tests/e2e/terraform_root, which uses
terraform/sync-gate, against the local TwinMaker endpoint (in this process, on the wall clock).

Each project has its own temporary TF_DATA_DIR, state file, plugin cache, CLI config and HOME, so tests
share nothing and nothing is written into the repository. The CLI config allows providers only from an
empty filesystem mirror, and HTTPS goes to a closed port: `init` can only succeed if the module needs
no download at all (terraform_data and local-exec are built in).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import twinmaker_local
from twinmaker_local import Endpoint
from twinmaker_local.clock import FirstRequestClock

ROOT = Path(__file__).resolve().parents[2]
TOFU = ROOT / ".tools" / "bin" / "tofu"
ROOT_MODULE = ROOT / "tests" / "e2e" / "terraform_root"
# The gate as a Terraform user runs it: the console script, found on PATH (the module's default
# gate_command), from the environment these tests run in.
GATE_BIN = Path(sys.executable).parent
REGION = "us-east-1"
# Any one tofu command; a hung gate or engine fails the test instead of stalling the run.
COMMAND_TIMEOUT = 180

#: Scripted sync-job stories, in seconds since the job is created (the test creates it just before
#: `apply`, as the real resource would be created just before its gate runs).
TIMELINES: dict[str, Any] = {
    "active": {
        "states": [
            {"at": 0, "state": "CREATING"},
            {"at": 0.5, "state": "INITIALIZING"},
            {"at": 1.5, "state": "ACTIVE"},
        ]
    },
    # Not visible for its first two seconds (eventual consistency right after CreateSyncJob). Two, not
    # one: the gates of one apply start within a second of each other even on a busy machine.
    "late-active": {
        "notFound": [[0, 2]],
        "states": [
            {"at": 0, "state": "CREATING"},
            {"at": 2, "state": "INITIALIZING"},
            {"at": 2.5, "state": "ACTIVE"},
        ],
    },
    "error": {
        "states": [
            {"at": 0, "state": "CREATING"},
            {"at": 0.5, "state": "INITIALIZING"},
            {
                "at": 2,
                "state": "ERROR",
                "error": {
                    "code": "SYNC_PROCESSING_ERROR",
                    "message": "Sync job finished with errors: 2 of 3 resources failed to sync.",
                },
            },
        ],
        "resources": [
            {
                "resourceType": "ENTITY",
                "externalId": "asset-paint-robot-1",
                "resourceId": "paint-robot-1",
                "state": "ERROR",
                "error": {"code": "PROCESSING_ERROR", "message": "property 'Zones' has data type STRUCT"},
            },
            {
                "resourceType": "COMPONENT_TYPE",
                "externalId": "model-oven",
                "resourceId": "oven-type",
                "state": "ERROR",
                "error": {"code": "COMPOSITE_COMPONENT_FAILURE", "message": "asset model no longer exists"},
            },
            {
                "resourceType": "ENTITY",
                "externalId": "asset-conveyor",
                "resourceId": "conveyor",
                "state": "IN_SYNC",
            },
        ],
    },
}


@dataclass(frozen=True)
class Run:
    """One tofu command: its exit code and output (`text`: both streams, whitespace collapsed, because
    tofu wraps long diagnostic lines)."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return " ".join(f"{self.stdout}\n{self.stderr}".split())

    def __str__(self) -> str:
        head = f"tofu {' '.join(self.args)} -> exit {self.code}"
        return f"{head}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def require_tofu() -> None:
    """Fail (not skip) without the pinned engine: `make e2e` builds it, so its absence is a broken setup."""
    if not os.access(TOFU, os.X_OK):
        pytest.fail(f"{TOFU} is missing: run `make tofu` (make e2e builds it first)")
    if not (GATE_BIN / "twinmaker-gate").exists():
        pytest.fail(f"no twinmaker-gate console script next to {sys.executable}: run `make venv`")


class TofuProject:
    """tests/e2e/terraform_root, initialised in a private data dir, gating jobs on `endpoint`."""

    def __init__(self, workdir: Path, endpoint: Endpoint, clock: FirstRequestClock) -> None:
        self.workdir = workdir
        self.endpoint = endpoint
        self.clock = clock
        self.state = workdir / "terraform.tfstate"
        self.var_file = workdir / "vars.tfvars.json"
        mirror, cache, home = workdir / "empty-mirror", workdir / "plugin-cache", workdir / "home"
        for folder in (mirror, cache, home):
            folder.mkdir()
        cli_config = workdir / "tofurc"
        cli_config.write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
            f'plugin_cache_dir = "{cache}"\n',
            encoding="utf-8",
        )
        self.env = {
            "PATH": f"{GATE_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "TF_DATA_DIR": str(workdir / "tf-data"),
            "TF_PLUGIN_CACHE_DIR": str(cache),
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "CHECKPOINT_DISABLE": "1",
            # Anything that tries the registry (HTTPS) hits a closed port; the gate's endpoint is HTTP.
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            # Dummy credentials for the gate; nothing from the machine's ~/.aws or AWS_* reaches it.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    @property
    def gate_options(self) -> list[str]:
        """The local endpoint and waiting knobs that make one gate take about the job's timeline."""
        return [
            "--endpoint-url", self.endpoint.url, "--region", REGION,
            "--min-interval", "0.2", "--max-interval", "0.5", "--timeout", "1m", "--not-found-grace", "10",
        ]  # fmt: skip

    def run(self, *args: str, check: bool = False) -> Run:
        completed = subprocess.run(
            [str(TOFU), f"-chdir={ROOT_MODULE}", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        run = Run(tuple(args), completed.returncode, completed.stdout, completed.stderr)
        assert "panic:" not in run.stderr, str(run)
        if check:
            assert run.code == 0, str(run)
        return run

    def init(self) -> Run:
        return self.run("init", "-input=false", "-no-color", f"-backend-config=path={self.state}", check=True)

    def set_jobs(
        self,
        jobs: Mapping[str, Mapping[str, Any]],
        gate_options: Sequence[str] | None = None,
        gate_command: str | None = None,
    ) -> None:
        """The root module's inputs: `jobs` by name (workspace_id, sync_source, region, sync_role), and
        the module's gate_options and gate_command (default: the module's own, twinmaker-gate)."""
        inputs: dict[str, Any] = {
            "jobs": jobs,
            "gate_options": self.gate_options if gate_options is None else list(gate_options),
        }
        if gate_command is not None:
            inputs["gate_command"] = gate_command
        self.var_file.write_text(json.dumps(inputs), encoding="utf-8")

    def plan(self, *extra: str) -> Run:
        return self.run("plan", "-input=false", "-no-color", f"-var-file={self.var_file}", *extra)

    def apply(self, *extra: str) -> Run:
        return self.run(
            "apply", "-input=false", "-no-color", "-auto-approve", f"-var-file={self.var_file}", *extra
        )

    def destroy(self) -> Run:
        return self.run("destroy", "-input=false", "-no-color", "-auto-approve", f"-var-file={self.var_file}")

    def output_json(self) -> str:
        return self.run("output", "-no-color", "-json", check=True).stdout

    def state_list(self) -> list[str]:
        return self.run("state", "list", check=True).stdout.split()

    def create_jobs(self, timelines: Mapping[str, str], regions: Mapping[str, str] | None = None) -> None:
        """Create (or replace) the workspace -> timeline sync jobs on the endpoint, each in its region
        from `regions` (default us-east-1).

        The first jobs' timelines start at the gates' first request (the endpoint's clock stands still
        until then), so the gates see every state however long `apply` takes to reach them. Jobs
        created later start at once: by the time their gate looks, they may have their verdict.
        """
        for workspace_id, timeline in timelines.items():
            region = (regions or {}).get(workspace_id, REGION)
            self.endpoint.add_sync_job({"workspaceId": workspace_id, "timeline": timeline, "region": region})
        self.clock.arm()

    def gate_requests(self) -> int:
        """GetSyncJob + ListSyncResources calls the endpoint has answered so far."""
        ops = self.endpoint.stats.snapshot()["byOperation"]
        return int(ops.get("GetSyncJob", 0)) + int(ops.get("ListSyncResources", 0))


def gate_address(job_key: str) -> str:
    """The resource address `apply` prints for one job's gate, e.g. plant-a/SITEWISE."""
    return f'module.gate.terraform_data.gate["{job_key}"]'


def gated_keys(run: Run) -> set[str]:
    """The jobs whose gate ran in `run` (their local-exec provisioner started)."""
    return set(
        re.findall(r'module\.gate\.terraform_data\.gate\["([^"]+)"\] \(local-exec\): Executing', run.stdout)
    )


@pytest.fixture
def tofu(tmp_path: Path) -> Iterator[TofuProject]:
    """An initialised project on a fresh local endpoint (stopped afterwards)."""
    require_tofu()
    clock = FirstRequestClock()
    endpoint = twinmaker_local.serve({"region": REGION, "timelines": TIMELINES}, clock=clock)
    try:
        project = TofuProject(tmp_path, endpoint, clock)
        project.init()
        yield project
    finally:
        endpoint.stop()
