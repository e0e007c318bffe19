"""Starting and stopping: the CLI, the context manager, threads that never outlive the endpoint,
loopback only, counters, the time scale, and enough throughput for the benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import urllib3
from botocore.exceptions import EndpointConnectionError

from twinmaker_local import read_stats, running_endpoint, scaled_clock, serve
from twinmaker_local.testing import boto3_client

pytestmark = pytest.mark.http


def _endpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("twinmaker-local")]


@pytest.mark.usefixtures("aws_env")
def test_stop_ends_every_server_thread_even_with_keep_alive_connections() -> None:
    before = len(_endpoint_threads())
    with running_endpoint({"workspaces": [{"workspaceId": "ws-1"}]}) as ep:
        client = boto3_client(ep.url)  # its pool keeps the connection (and a server thread) open
        client.get_workspace(workspaceId="ws-1")
        assert len(_endpoint_threads()) > before
    assert len(_endpoint_threads()) == before


@pytest.mark.usefixtures("aws_env")
def test_stop_does_not_wait_for_injected_latency() -> None:
    ep = serve({"faults": [{"kind": "latency", "seconds": 30}]})
    caller = threading.Thread(
        target=lambda: _swallow(lambda: boto3_client(ep.url, read_timeout=60).list_workspaces())
    )
    caller.start()
    time.sleep(0.2)
    start = time.monotonic()
    ep.stop()
    caller.join(5)
    assert time.monotonic() - start < 3
    assert not caller.is_alive()


def _swallow(call: Any) -> None:
    with contextlib.suppress(Exception):  # the connection is cut on purpose
        call()


def test_context_manager_stops_on_error() -> None:
    with pytest.raises(RuntimeError), running_endpoint() as ep:
        raise RuntimeError("boom")
    with pytest.raises(EndpointConnectionError):
        boto3_client(ep.url, connect_timeout=0.5).list_workspaces()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_only_loopback_may_be_bound(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(host=host)


def test_stats_count_by_operation_and_status(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint({"workspaces": [{"workspaceId": "ws-1"}]})
    client = twinmaker_client(ep)
    client.list_workspaces()
    client.get_workspace(workspaceId="ws-1")
    with pytest.raises(Exception):  # noqa: B017 - only the counters matter here
        client.get_workspace(workspaceId="nope")
    snap = ep.stats.snapshot()
    assert snap == {
        "total": 3,
        "throttled": 0,
        "dropped": 0,
        "byOperation": {"ListWorkspaces": 1, "GetWorkspace": 2},
        "byStatus": {"200": 2, "404": 1},
        "byError": {"ResourceNotFoundException": 1},
        "byRegion": {"us-east-1": 3},
    }
    ep.stats.reset()
    assert ep.stats.total == 0


def test_time_scale_runs_timelines_faster(local_endpoint: Any, twinmaker_client: Any) -> None:
    ep = local_endpoint({"syncJobs": [{"workspaceId": "ws-1"}]}, wall_clock=True, time_scale=20)
    client = twinmaker_client(ep)
    time.sleep(0.15)  # 3 scenario seconds: the default timeline is ACTIVE after 2
    assert client.get_sync_job(workspaceId="ws-1", syncSource="SITEWISE")["status"]["state"] == "ACTIVE"


def test_scaled_clock_arithmetic() -> None:
    now = [100.0]
    clock = scaled_clock(10, base=lambda: now[0])
    now[0] = 101.5
    assert clock() == 115.0
    with pytest.raises(ValueError):
        scaled_clock(0)


def test_a_thousand_jobs_and_concurrent_clients(local_endpoint: Any, twinmaker_client: Any) -> None:
    jobs = [{"workspaceId": f"ws-{i:04d}", "states": [{"at": 0, "state": "ACTIVE"}]} for i in range(1000)]
    ep = local_endpoint({"syncJobs": jobs})
    clients = [twinmaker_client(ep) for _ in range(4)]

    def poll(k: int) -> str:
        return clients[k % 4].get_sync_job(workspaceId=f"ws-{(k * 37) % 1000:04d}", syncSource="SITEWISE")[
            "status"
        ]["state"]

    start = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        states = list(pool.map(poll, range(300)))
    elapsed = time.monotonic() - start
    assert states == ["ACTIVE"] * 300
    assert elapsed < 3, f"300 requests took {elapsed:.2f}s"  # ~100/s needs 3 s at most; in practice far less
    assert ep.store.counts() == {"workspaces": 1000, "syncJobs": 1000}


def test_cli_prints_url_first_then_stops_cleanly_on_sigterm(tmp_path: Any) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text('{"workspaces": [{"workspaceId": "ws-1"}]}')
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "twinmaker_local", "--scenario", str(scenario), "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert boto3_client(url).get_workspace(workspaceId="ws-1")["workspaceId"] == "ws-1"
        # Another process reads the counters over HTTP (what the engine tests do); reading is not counted.
        for _ in range(2):
            stats = read_stats(url)
            assert (stats["total"], stats["byOperation"], stats["byRegion"]) == (
                1,
                {"GetWorkspace": 1},
                {"us-east-1": 1},
            )
        assert stats["store"] == {"workspaces": 1, "syncJobs": 0}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_local_routes_answer_json_and_are_not_counted(local_endpoint: Any) -> None:
    ep = local_endpoint()
    pool = urllib3.PoolManager(retries=False)
    try:
        r = pool.request("GET", ep.url + "/_local/nothing")
        assert (r.status, r.json()) == (
            404,
            {"message": "No twinmaker_local route /_local/nothing; try GET /_local/stats."},
        )
        assert pool.request("POST", ep.url + "/_local/stats").status == 405
        assert pool.request("GET", ep.url + "/_local/stats/").json()["total"] == 0
    finally:
        pool.clear()
    assert ep.stats.total == 0


def test_cli_bad_scenario_is_one_line_and_exit_2(tmp_path: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twinmaker_local", "--scenario", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "none.json: cannot read scenario" in result.stderr
