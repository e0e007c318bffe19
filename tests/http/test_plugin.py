"""The SyncJobGate plugin process, driven over gRPC as the engine drives it, against the local endpoint
with scripted timelines: verdicts, init errors in the trailing metadata, status lines, Read, Cancel,
GetSchema, and one request budget for every Create of the process."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest

from tests.http.harness import WallEndpoint
from tests.http.plugin_harness import URN_PREFIX, Plugin, from_struct, init_failure, start_plugin
from validators.pulumi.schema import SCHEMA_FILE
from validators.version import __version__

pytestmark = pytest.mark.http

REGION = "us-east-1"

ACTIVE = {"states": [{"at": 0, "state": "CREATING"}, {"at": 1, "state": "ACTIVE"}]}
SLOW = {"states": [{"at": 0, "state": "CREATING"}]}
ERROR = {
    "states": [
        {"at": 0, "state": "CREATING"},
        {
            "at": 1,
            "state": "ERROR",
            "error": {
                "code": "SYNC_PROCESSING_ERROR",
                "message": "Sync job finished with errors: 1 of 2 failed.",
            },
        },
    ],
    "resources": [
        {
            "resourceType": "ENTITY",
            "externalId": "asset-1",
            "resourceId": "asset-1",
            "states": [
                {"at": 0, "state": "INITIALIZING"},
                {
                    "at": 1,
                    "state": "ERROR",
                    "error": {"code": "PROCESSING_ERROR", "message": "Asset asset-1: bad"},
                },
            ],
        }
    ],
}


def scenario(**jobs: str) -> dict[str, Any]:
    return {
        "region": REGION,
        "timelines": {"active": ACTIVE, "error": ERROR, "slow": SLOW},
        "syncJobs": [{"workspaceId": ws, "timeline": timeline} for ws, timeline in jobs.items()],
    }


@pytest.fixture
def plugin(endpoint: WallEndpoint) -> Iterator[Callable[..., Plugin]]:
    """Factory: `plugin(**jobs)` starts an endpoint with those jobs and the plugin configured for it."""
    started: list[Iterator[Plugin]] = []

    def make(**jobs: str) -> Plugin:
        ep = endpoint(scenario(**jobs))
        generator = start_plugin({"AWS_ENDPOINT_URL_IOTTWINMAKER": ep.url})
        started.append(generator)
        running = next(generator)
        running.endpoint = ep  # type: ignore[attr-defined]
        response = running.configure(region=REGION)
        assert response.supportsPreview is False
        return running

    yield make
    for generator in started:
        with pytest.raises(StopIteration):
            next(generator)


def test_create_on_an_active_job_returns_the_verdict_and_tells_each_state_once(
    plugin: Callable[..., Plugin],
) -> None:
    gate = plugin(**{"plant-a": "active"})
    response = gate.create("gate-a", {"workspaceId": "plant-a"})
    outputs = from_struct(response.properties)
    assert response.id == f"plant-a/SITEWISE@{REGION}"
    assert outputs["outcome"] == "active"
    assert outputs["state"] == "ACTIVE"
    assert outputs["syncSource"] == "SITEWISE"  # the default, applied by Check
    assert outputs["timeout"] == 1800
    assert outputs["resourceErrors"] == []
    assert outputs["polls"] >= 2
    statuses = gate.engine.statuses(URN_PREFIX + "gate-a", at_least=2)
    # One line per state change, none per poll: CREATING (first read), then ACTIVE (the verdict).
    assert [s.split(" ")[0] for s in statuses] == ["CREATING", "ACTIVE"], statuses
    assert statuses[0].startswith("CREATING (0s, 1 poll")


def test_create_on_a_failed_job_is_a_partial_failure_with_the_reasons(plugin: Callable[..., Plugin]) -> None:
    gate = plugin(**{"plant-b": "error"})
    with pytest.raises(grpc.RpcError) as raised:
        gate.create("gate-b", {"workspaceId": "plant-b"})
    failure = init_failure(raised.value)
    assert failure.detail is not None, "no ErrorResourceInitFailed in grpc-status-details-bin"
    assert failure.detail.id == f"plant-b/SITEWISE@{REGION}"
    assert failure.properties["outcome"] == "error"
    assert failure.properties["errorCode"] == "SYNC_PROCESSING_ERROR"
    assert failure.properties["resourceErrors"][0]["externalId"] == "asset-1"
    assert from_struct(failure.detail.inputs)["workspaceId"] == "plant-b"
    (reason,) = failure.reasons
    assert "TwinMaker sync job plant-b/SITEWISE in us-east-1 ended in ERROR" in reason
    assert "Service error SYNC_PROCESSING_ERROR: Sync job finished with errors: 1 of 2 failed." in reason
    assert "asset-1" in reason and "PROCESSING_ERROR" in reason
    assert (
        "Inspect: twinmaker-gate wait --workspace-id plant-b --sync-source SITEWISE --region us-east-1"
        in reason
    )
    # A job in ERROR stays in ERROR: re-checking it fails again, so the advice is to re-create the job.
    assert "re-create the job with `pulumi up --replace '<URN of the SyncJob>'`" in reason
    assert "Traceback" not in failure.message + gate.stderr


def test_update_checks_a_failed_gate_again_under_its_stored_id(plugin: Callable[..., Plugin]) -> None:
    # The ID the gate was created with stays its ID, whatever the provider's config says now.
    gate = plugin(**{"plant-b": "error"})
    with pytest.raises(grpc.RpcError) as raised:
        gate.update("gate-b", "plant-b/SITEWISE@stored-region", {"workspaceId": "plant-b"})
    failure = init_failure(raised.value)
    assert failure.detail is not None
    assert failure.detail.id == "plant-b/SITEWISE@stored-region"
    assert failure.properties["outcome"] == "error"


def test_check_refuses_bad_inputs_one_line_each_and_sends_nothing(plugin: Callable[..., Plugin]) -> None:
    gate = plugin()
    response = gate.check("bad", {"workspaceId": "-bad", "syncSource": "sitewise", "timeout": "soon"})
    failures = {f.property: f.reason for f in response.failures}
    assert set(failures) == {"workspaceId", "syncSource", "timeout"}
    assert all("\n" not in reason for reason in failures.values())
    assert "timeout: expected a duration" in failures["timeout"]
    assert gate.endpoint.stats.snapshot()["total"] == 0  # type: ignore[attr-defined]


def test_read_looks_once_without_waiting(plugin: Callable[..., Plugin]) -> None:
    gate = plugin(**{"plant-a": "active"})
    created = gate.create("gate-a", {"workspaceId": "plant-a"})
    before = gate.endpoint.stats.snapshot()["byOperation"]["GetSyncJob"]  # type: ignore[attr-defined]
    response = gate.read("gate-a", created.id, created.properties)
    after = gate.endpoint.stats.snapshot()["byOperation"]["GetSyncJob"]  # type: ignore[attr-defined]
    assert after - before == 1
    outputs = from_struct(response.properties)
    assert outputs["outcome"] == "active" and outputs["polls"] == 1


def test_cancel_ends_a_waiting_create_within_seconds_and_records_nothing(
    plugin: Callable[..., Plugin],
) -> None:
    gate = plugin(**{"plant-s": "slow"})
    call = gate.create_future("gate-s", {"workspaceId": "plant-s"})
    time.sleep(1.0)  # waiting now
    cancelled_at = time.monotonic()
    gate.cancel()
    with pytest.raises(grpc.RpcError) as raised:
        call.result(timeout=10)
    assert time.monotonic() - cancelled_at < 3
    failure = init_failure(raised.value)
    assert failure.detail is None  # a plain failure: no partial resource in the state
    assert "cancelled" in failure.message


def test_get_schema_answers_the_committed_file(plugin: Callable[..., Plugin]) -> None:
    from pulumi.runtime.proto import provider_pb2

    gate = plugin()
    answer = gate.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=10)
    assert json.loads(answer.schema) == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    info = gate.stub.GetPluginInfo(
        __import__("google.protobuf.empty_pb2").protobuf.empty_pb2.Empty(), timeout=10
    )
    assert info.version == __version__


def test_creates_at_once_share_one_request_budget(plugin: Callable[..., Plugin]) -> None:
    jobs = {f"plant-{i}": "slow" for i in range(4)}
    gate = plugin(**jobs)
    gate.configure(region=REGION, maxRps=1)
    started = time.monotonic()
    calls = [gate.create_future(f"gate-{ws}", {"workspaceId": ws, "timeout": 4}) for ws in jobs]
    for call in calls:
        with pytest.raises(grpc.RpcError) as raised:
            call.result(timeout=30)
        assert init_failure(raised.value).properties["outcome"] == "timeout"
    elapsed = time.monotonic() - started
    requests = gate.endpoint.stats.snapshot()["byOperation"]["GetSyncJob"]  # type: ignore[attr-defined]
    # Alone, each gate polls at 0, 2 and 4 s plus a last look: a budget per gate would allow 12 to 16
    # requests. One budget of 1/s (burst 1) for the process allows about one per second in all.
    assert requests <= 1 * elapsed + 1 + 1, (requests, elapsed)
    assert requests >= 4  # every gate was read at least once
