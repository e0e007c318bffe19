"""Conformance with a client nobody here wrote: the AWS CLI v1 (`awscli`, a dev extra, which carries its
own copy of botocore) drives the local endpoint through the gate's operations and the scripted faults,
run as users run it (`aws iottwinmaker ... --endpoint-url URL`, dummy credentials, an isolated config
file), and the test checks what it prints and its exit code.

The CLI takes about a second to start, so independent calls run side by side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.endpoint.conftest import ROLE

pytestmark = pytest.mark.http

AWS = Path(sys.executable).with_name("aws")
ACCOUNT = "123456789012"
#: awscli v1's exit code for an error the service answered (or a connection it could not make).
CLI_ERROR = 255


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


Cli = Callable[..., CliRun]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """`cli(url, "get-sync-job", ..., env={...})`: one `aws iottwinmaker` run against the endpoint."""
    if not AWS.exists():
        pytest.fail(f"{AWS} is missing: install the dev extra (make venv) to get the AWS CLI v1")
    config = tmp_path / "aws-config"
    config.write_text("")  # an empty, private config file: nothing of the developer's ~/.aws is read
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",  # what docs/endpoint.md tells CLI users to set
        "AWS_RETRY_MODE": "standard",
        "AWS_MAX_ATTEMPTS": "1",  # see each fault once, not retried
        "AWS_PAGER": "",
    }

    def run(url: str, *args: str, env: Mapping[str, str | None] | None = None) -> CliRun:
        merged = {**base, **(env or {})}
        environment = {k: v for k, v in merged.items() if v is not None}
        result = subprocess.run(
            [str(AWS), "iottwinmaker", *args, "--endpoint-url", url],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            check=False,
        )
        return CliRun(result.returncode, result.stdout, result.stderr.strip())

    return run


def _error_line(code: str, operation: str, message: str) -> str:
    """The one line awscli v1 prints on stderr for an error the service answered."""
    retries = "(reached max retries: 0)"
    return f"An error occurred ({code}) when calling the {operation} operation {retries}: {message}"


def test_the_gates_operations_through_the_aws_cli(local_endpoint: Any, cli: Cli) -> None:
    ep = local_endpoint(
        {
            "syncJobs": [
                {
                    "workspaceId": "plant-b",
                    "region": "eu-west-1",
                    "exists": False,
                    "states": [
                        {"at": 0, "state": "CREATING"},
                        {
                            "at": 3,
                            "state": "ERROR",
                            "error": {"code": "SYNC_PROCESSING_ERROR", "message": "m"},
                        },
                    ],
                    "resources": [
                        {
                            "resourceType": "ENTITY",
                            "externalId": "asset-7",
                            "resourceId": "entity-7",
                            "state": "ERROR",
                            "error": {"code": "PROCESSING_ERROR", "message": "property 'Flow' is a STRUCT"},
                        }
                    ],
                }
            ]
        }
    )
    url = ep.url
    workspace_arn = f"arn:aws:iottwinmaker:eu-west-1:{ACCOUNT}:workspace/plant-b"

    created = cli(url, "create-workspace", "--workspace-id", "plant-b")
    assert created.code == 0, created.stderr
    assert created.json == {"arn": workspace_arn, "creationDateTime": 1_700_000_000}

    job = cli(
        url, "create-sync-job", "--workspace-id", "plant-b", "--sync-source", "SITEWISE", "--sync-role", ROLE
    )
    assert job.code == 0, job.stderr
    assert job.json == {
        "arn": f"{workspace_arn}/sync-job/SITEWISE",
        "creationDateTime": 1_700_000_000,
        "state": "CREATING",
    }

    ep.clock.advance(3)
    get = ["get-sync-job", "--sync-source", "SITEWISE", "--workspace-id", "plant-b"]
    got = cli(url, *get)
    assert got.code == 0, got.stderr
    assert got.json["status"] == {
        "state": "ERROR",
        "error": {"code": "SYNC_PROCESSING_ERROR", "message": "m"},
    }
    assert got.json["updateDateTime"] == 1_700_000_003
    state = cli(url, *get, "--query", "status.[state, error.code]", "--output", "text")
    assert (state.code, state.stdout) == (0, "ERROR\tSYNC_PROCESSING_ERROR\n")

    failing = ["--workspace-id", "plant-b", "--sync-source", "SITEWISE", "--filters", "state=ERROR"]
    with ThreadPoolExecutor(4) as pool:
        resources, workspace, other_region, refused = pool.map(
            lambda args: cli(url, *args),
            [
                ["list-sync-resources", *failing, "--output", "text"],
                ["get-workspace", "--workspace-id", "plant-b"],
                ["get-workspace", "--workspace-id", "plant-b", "--region", "us-east-1"],
                ["delete-workspace", "--workspace-id", "plant-b"],
            ],
        )
    assert resources.code == 0, resources.stderr
    assert resources.stdout.splitlines() == [
        "SYNCRESOURCES\tasset-7\tentity-7\tENTITY\t1700000000.0",
        "STATUS\tERROR",
        "ERROR\tPROCESSING_ERROR\tproperty 'Flow' is a STRUCT",
    ]
    assert (workspace.code, workspace.json["workspaceId"], workspace.json["arn"]) == (
        0,
        "plant-b",
        workspace_arn,
    )
    assert (other_region.code, other_region.stderr) == (
        CLI_ERROR,
        _error_line("ResourceNotFoundException", "GetWorkspace", "Workspace plant-b not found."),
    )
    assert (refused.code, refused.stderr) == (
        CLI_ERROR,
        _error_line(
            "ValidationException",
            "DeleteWorkspace",
            "Workspace plant-b still has sync jobs; delete them before the workspace.",
        ),
    )

    deleted = cli(url, "delete-sync-job", "--workspace-id", "plant-b", "--sync-source", "SITEWISE")
    assert (deleted.code, deleted.json) == (0, {"state": "DELETING"})
    ep.clock.advance(1)
    gone = cli(url, *get)
    assert (gone.code, gone.stderr) == (
        CLI_ERROR,
        _error_line(
            "ResourceNotFoundException",
            "GetSyncJob",
            "Sync job for sync source SITEWISE in workspace plant-b not found.",
        ),
    )
    dropped = cli(url, "delete-workspace", "--workspace-id", "plant-b")
    assert (dropped.code, dropped.json) == (0, {"message": "Workspace plant-b was deleted."})
    assert ep.stats.by_region["us-east-1"] == 1
    assert ep.stats.by_operation["GetSyncJob"] == 3


def test_service_refusals_and_faults_as_the_aws_cli_prints_them(local_endpoint: Any, cli: Cli) -> None:
    names = ("unavailable", "internal", "invalid", "gateway", "throttled")
    ep = local_endpoint(
        {
            "region": "eu-west-1",
            "syncJobs": [{"workspaceId": f"f-{n}"} for n in names],
            "faults": [
                {"kind": "error", "code": "ServiceUnavailable", "workspaces": ["f-unavailable"]},
                {"kind": "error", "status": 500, "workspaces": ["f-internal"]},
                {
                    "kind": "error",
                    "code": "ValidationException",
                    "message": "The sync source SITEWISE is not enabled for workspace f-invalid.",
                    "operations": ["GetSyncJob"],
                    "workspaces": ["f-invalid"],
                },
                {"kind": "error", "status": 503, "workspaces": ["f-gateway"]},
                {"kind": "throttle", "ratePerSecond": 0.001, "burst": 1, "workspaces": ["f-throttled"]},
            ],
        }
    )
    ep.add_workspace({"workspaceId": "plain", "region": "eu-west-1"})

    def get(name: str) -> CliRun:
        return cli(ep.url, "get-sync-job", "--sync-source", "SITEWISE", "--workspace-id", f"f-{name}")

    with ThreadPoolExecutor(4) as pool:
        runs = dict(zip(names, pool.map(get, names), strict=True))
        unsupported, unsigned = pool.map(
            lambda args: cli(ep.url, *args),
            [
                ["create-sync-job", "--workspace-id", "plain", "--sync-source", "OPCUA", "--sync-role", ROLE],
                ["list-workspaces", "--no-sign-request"],
            ],
        )
    # The throttle's bucket holds one request; a second one in the same second is refused.
    throttled = get("throttled")

    expected = {
        "unavailable": _error_line(
            "ServiceUnavailable",
            "GetSyncJob",
            "The request has failed due to a temporary failure of the server.",
        ),
        "internal": _error_line(
            "InternalServerException", "GetSyncJob", "An internal error occurred. Please retry your request."
        ),
        "invalid": _error_line(
            "ValidationException",
            "GetSyncJob",
            "The sync source SITEWISE is not enabled for workspace f-invalid.",
        ),
        "gateway": _error_line("503", "GetSyncJob", "Service Unavailable"),
    }
    for name, line in expected.items():
        assert (runs[name].code, runs[name].stdout, runs[name].stderr) == (CLI_ERROR, "", line), name
    assert runs["throttled"].code == 0
    assert (throttled.code, throttled.stderr) == (
        CLI_ERROR,
        _error_line("ThrottlingException", "GetSyncJob", "Rate exceeded"),
    )
    assert (unsupported.code, unsupported.stderr) == (
        CLI_ERROR,
        _error_line(
            "ValidationException",
            "CreateSyncJob",
            "Sync source 'OPCUA' is not supported. Supported sync sources: SITEWISE.",
        ),
    )
    assert (unsigned.code, unsigned.stderr) == (
        CLI_ERROR,
        _error_line("MissingAuthenticationTokenException", "ListWorkspaces", "Missing Authentication Token"),
    )


@pytest.mark.parametrize(
    ("setting", "reaches"),
    [
        ({"AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}, True),
        ({"AWS_DISABLE_HOST_PREFIX_INJECTION": "1"}, False),  # only "true" counts: "1" leaves it on
        ({"AWS_DISABLE_HOST_PREFIX_INJECTION": None}, False),
        ({"AWS_DISABLE_HOST_PREFIX_INJECTION": None, "config": "disable_host_prefix_injection = true"}, True),
    ],
    ids=["variable-true", "variable-1", "nothing", "config-file-key"],
)
def test_the_documented_host_prefix_settings_are_the_ones_that_work(
    local_endpoint: Any, cli: Cli, tmp_path: Path, setting: dict[str, str | None], reaches: bool
) -> None:
    ep = local_endpoint()
    env = dict(setting)
    line = env.pop("config", None)
    if line is not None:
        config = tmp_path / "aws-config-with-key"
        config.write_text(f"[default]\n{line}\n")
        env["AWS_CONFIG_FILE"] = str(config)
    run = cli(ep.url, "list-workspaces", env=env)
    if reaches:
        assert (run.code, run.json) == (0, {"workspaceSummaries": []})
    else:
        # botocore put the model's `api.` prefix in front of the host: nothing listens there.
        assert run.code == CLI_ERROR
        assert (
            run.stderr
            == f'Could not connect to the endpoint URL: "http://api.127.0.0.1:{ep.port}/workspaces-list"'
        )
        assert ep.stats.total == 0
