"""The fault matrix: every fault the network and the service can produce, through the whole CLI
(`validators.cli.main`, in-process, `--endpoint-url` on the local endpoint, `--output json`).

Each test names its fault and asserts the outcome docs/gate.md names, the exit code and the JSON `error`, and
(through `run_gate`) that no traceback reached stdout or stderr. Transient faults are injected on a job
that is ACTIVE underneath, so a gate that ignored the fault would wrongly pass.
"""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.harness import FAST, GateRun, at, run_gate, scenario_job
from twinmaker_local import Endpoint
from validators.aws_settings import AwsSettings
from validators.gate import wait_for_sync_jobs
from validators.model import RunResult, StateChange, Target, Waiting
from validators.wait_settings import WaitPolicy

pytestmark = pytest.mark.http

SCENARIO: dict[str, Any] = {
    "workspaces": [{"workspaceId": "ws-nojob"}],
    "syncJobs": [
        scenario_job("ws-active", at(0, "ACTIVE")),
        scenario_job("ws-error", at(0, "ERROR", "SYNC_CREATING_ERROR", "Role cannot be assumed")),
        scenario_job("ws-creating", at(0, "CREATING")),
        scenario_job("ws-future-state", at(0, "CREATING"), at(0, "SUSPENDED_FOR_MAINTENANCE")),
        scenario_job("ws-future-code", at(0, "ERROR", "SYNC_QUOTA_RECLAIMED_ERROR", "from a newer API")),
    ],
}

#: A deadline that transient faults run into quickly.
SHORT = ("--timeout", "0.3", *FAST)


@pytest.fixture
def ep(local_endpoint: Callable[..., Endpoint]) -> Endpoint:
    return local_endpoint(SCENARIO)


def gate(ep: Endpoint | str, workspace: str, *extra: str, waiter: Any = wait_for_sync_jobs) -> GateRun:
    url = ep.url if isinstance(ep, Endpoint) else ep
    argv = ["--workspace-id", workspace, "--endpoint-url", url, "--output", "json", *extra]
    return run_gate(argv, waiter=waiter)


def assert_verdict(run: GateRun, outcome: str, code: int, error_code: str | None) -> None:
    assert (run.job()["outcome"], run.code, run.document["exitCode"]) == (outcome, code, code), run.stderr
    assert run.document["outcome"] == outcome
    if error_code is None:
        assert run.job()["error"] is None, run.job()["error"]
    else:
        assert run.job()["error"] is not None, run.stderr
        assert run.job()["error"]["code"] == error_code, run.job()["error"]
    assert run.stderr.rstrip().splitlines()[-1].startswith(f"result: {outcome}")


# -- faults that persist: the documented outcome, never a pass ------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One row of the matrix: the rules in force, the target, and what docs/gate.md says follows."""

    rules: list[dict[str, Any]]
    workspace: str
    extra: Sequence[str]
    outcome: str
    code: int
    error_code: str | None


PERSISTENT: dict[str, Fault] = {
    "5xx-500-json": Fault([{"kind": "error", "status": 500}], "ws-active", SHORT, "unreachable", 4,
                          "InternalServerException"),
    "5xx-502-html-page": Fault([{"kind": "error", "status": 502}], "ws-active", SHORT, "unreachable", 4,
                               "502"),
    "5xx-503-html-page": Fault([{"kind": "error", "status": 503}], "ws-active", SHORT, "unreachable", 4,
                               "503"),
    "5xx-504-html-page": Fault([{"kind": "error", "status": 504}], "ws-active", SHORT, "unreachable", 4,
                               "504"),
    "dropped-connection": Fault([{"kind": "drop"}], "ws-active", SHORT, "unreachable", 4,
                                "ConnectionClosedError"),
    "html-body-with-200": Fault([{"kind": "malformed", "body": "html"}], "ws-active", SHORT, "unreachable", 4,
                                "MalformedResponse"),
    "truncated-json-body": Fault([{"kind": "malformed", "body": "json"}], "ws-active", SHORT, "unreachable",
                                 4, "MalformedResponse"),
    "wrong-shape-missing-status": Fault([{"kind": "wrong-shape", "variant": "missing-status"}], "ws-active",
                                        SHORT, "unreachable", 4, "MalformedResponse"),
    "wrong-shape-wrong-types": Fault([{"kind": "wrong-shape", "variant": "wrong-types"}], "ws-active", SHORT,
                                     "unreachable", 4, "MalformedResponse"),
    "wrong-shape-non-utf8-message": Fault([{"kind": "wrong-shape", "variant": "non-utf8"}], "ws-active",
                                          SHORT, "unreachable", 4, "MalformedResponse"),
    "wrong-shape-bad-timestamp": Fault([{"kind": "wrong-shape", "variant": "bad-timestamp"}], "ws-active",
                                       SHORT, "unreachable", 4, "MalformedResponse"),
    "wrong-shape-unknown-member-is-ignored": Fault([{"kind": "wrong-shape", "variant": "unknown-member"}],
                                                   "ws-active", SHORT, "active", 0, None),
    "non-utf8-resource-listing-keeps-the-error-verdict": Fault(
        [{"kind": "wrong-shape", "variant": "non-utf8", "operations": ["ListSyncResources"]}], "ws-error",
        SHORT, "error", 1, "SYNC_CREATING_ERROR"),
    "access-denied": Fault([{"kind": "deny"}], "ws-active", SHORT, "denied", 4, "AccessDeniedException"),
    "not-found-beyond-the-grace": Fault([], "ws-nojob", ("--timeout", "5", "--not-found-grace", "0.2", *FAST),
                                        "not_found", 4, "ResourceNotFoundException"),
    "newer-api-state": Fault([], "ws-future-state", SHORT, "unexpected_state", 1, None),
    "newer-api-error-code": Fault([], "ws-future-code", SHORT, "error", 1, "SYNC_QUOTA_RECLAIMED_ERROR"),
    "still-creating-at-the-deadline": Fault([], "ws-creating", SHORT, "timeout", 3, None),
    "error-state": Fault([], "ws-error", SHORT, "error", 1, "SYNC_CREATING_ERROR"),
}  # fmt: skip


@pytest.mark.parametrize("fault", PERSISTENT.values(), ids=PERSISTENT.keys())
def test_persistent_fault_ends_in_the_contract_outcome(ep: Endpoint, fault: Fault) -> None:
    ep.set_faults(fault.rules)
    run = gate(ep, fault.workspace, *fault.extra)
    assert_verdict(run, fault.outcome, fault.code, fault.error_code)


def test_access_denied_ends_the_target_at_once(ep: Endpoint) -> None:
    ep.set_faults([{"kind": "deny"}])
    run = gate(ep, "ws-active", "--timeout", "30", *FAST)
    assert_verdict(run, "denied", 4, "AccessDeniedException")
    assert (run.job()["polls"], ep.stats.total) == (1, 1)
    assert "is not authorized to perform: iottwinmaker:GetSyncJob" in run.job()["error"]["message"]


def test_newer_api_state_passes_through_as_sent(ep: Endpoint) -> None:
    run = gate(ep, "ws-future-state", *SHORT)
    assert run.job()["state"] == "SUSPENDED_FOR_MAINTENANCE"
    assert "SUSPENDED_FOR_MAINTENANCE" in run.stderr


def test_huge_error_message_is_kept_in_json_and_capped_for_people(ep: Endpoint) -> None:
    ep.set_faults([{"kind": "wrong-shape", "variant": "huge-message", "size": 100_000}])
    run = gate(ep, "ws-error", *SHORT)
    assert_verdict(run, "error", 1, "SYNC_CREATING_ERROR")
    assert run.job()["error"]["message"] == "x" * 100_000  # the document keeps the service's words
    assert "x" * 600 not in run.stderr  # people get a capped line
    assert max(len(line) for line in run.stderr.splitlines()) < 2000


# -- bursts that clear: the gate rides them out ----------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param({"kind": "error", "status": 500, "times": 4}, id="5xx-burst"),
        pytest.param({"kind": "error", "status": 503, "times": 4}, id="html-503-burst"),
        pytest.param({"kind": "drop", "times": 4}, id="dropped-connection-burst"),
        pytest.param({"kind": "malformed", "body": "html", "times": 2}, id="html-body-burst"),
    ],
)
def test_transient_burst_is_retried_until_the_job_is_read(ep: Endpoint, rule: dict[str, Any]) -> None:
    ep.set_faults([rule])
    run = gate(ep, "ws-active", "--timeout", "20", *FAST)
    assert_verdict(run, "active", 0, None)
    assert ep.stats.total > rule["times"]


def _drain_throttle_bucket(ep: Endpoint, twinmaker_client: Callable[..., Any]) -> None:
    """The throttle rule's bucket starts full (one token): spend it, so the gate meets 429 at once."""
    twinmaker_client(ep).get_sync_job(workspaceId="ws-active", syncSource="SITEWISE")


def test_throttling_burst_is_retried_until_the_job_is_read(
    ep: Endpoint, twinmaker_client: Callable[..., Any]
) -> None:
    # The endpoint's bucket runs on the manual clock: it never refills; `times` ends the burst.
    ep.set_faults([{"kind": "throttle", "ratePerSecond": 0.001, "burst": 1, "times": 2}])
    _drain_throttle_bucket(ep, twinmaker_client)
    run = gate(ep, "ws-active", "--timeout", "20", *FAST)
    assert_verdict(run, "active", 0, None)
    assert ep.stats.throttled == 2


def test_throttling_throughout_is_unreachable_not_a_pass(
    ep: Endpoint, twinmaker_client: Callable[..., Any]
) -> None:
    ep.set_faults([{"kind": "throttle", "ratePerSecond": 0.001, "burst": 1}])
    _drain_throttle_bucket(ep, twinmaker_client)
    run = gate(ep, "ws-active", *SHORT)
    assert_verdict(run, "unreachable", 4, "ThrottlingException")


# -- time-dependent faults: the endpoint's manual clock moves when the gate has seen the first state ------


def advance_after(ep: Endpoint, seen: Callable[[StateChange], bool], seconds: float) -> Any:
    """A waiter that moves the endpoint's clock by `seconds` once a state change matches `seen`, so a
    job's timeline moves on exactly while the gate is polling it (no wall-clock race with startup)."""

    def waiter(
        targets: Sequence[Target],
        policy: WaitPolicy | None = None,
        *,
        aws: AwsSettings | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: Any = None,
    ) -> RunResult:
        moved: list[bool] = []

        def relay(change: StateChange) -> None:
            if not moved and seen(change):
                moved.append(True)
                ep.clock.advance(seconds)  # type: ignore[attr-defined]
            if on_change is not None:
                on_change(change)

        return wait_for_sync_jobs(targets, policy, aws=aws, on_change=relay, cancel=cancel)

    return waiter


def test_not_found_within_the_grace_is_waited_out(ep: Endpoint) -> None:
    ep.add_sync_job(scenario_job("ws-late", at(0, "ACTIVE"), notFound=[[0, 30]]))
    waiter = advance_after(
        ep, lambda change: change.reason is not None and change.reason.waiting is Waiting.NOT_VISIBLE_YET, 31
    )
    run = gate(ep, "ws-late", "--timeout", "10", "--not-found-grace", "5", *FAST, waiter=waiter)
    assert_verdict(run, "active", 0, None)
    assert run.job()["polls"] >= 2
    assert "not visible yet" in run.stderr


def test_not_found_past_the_deadline_but_within_the_grace_is_a_timeout(ep: Endpoint) -> None:
    run = gate(ep, "ws-nojob", "--timeout", "0.3", "--not-found-grace", "60", *FAST)
    assert_verdict(run, "timeout", 3, None)


def test_job_that_flips_to_deleting_is_unexpected_state(ep: Endpoint) -> None:
    ep.add_sync_job(scenario_job("ws-doomed", at(0, "CREATING"), at(60, "DELETING")))
    waiter = advance_after(ep, lambda change: change.state == "CREATING", 61)
    run = gate(ep, "ws-doomed", "--timeout", "10", *FAST, waiter=waiter)
    assert_verdict(run, "unexpected_state", 1, None)
    assert run.job()["state"] == "DELETING"
    assert "CREATING -> DELETING" in run.stderr


def test_response_slower_than_the_read_timeout_is_retried_then_unreachable(ep: Endpoint) -> None:
    ep.set_faults([{"kind": "latency", "seconds": 1.0}])

    def short_read_timeout(
        targets: Sequence[Target],
        policy: WaitPolicy | None = None,
        *,
        aws: AwsSettings | None = None,
        on_change: Callable[[StateChange], None] | None = None,
        cancel: Any = None,
    ) -> RunResult:
        assert aws is not None
        fast = dataclasses.replace(aws, read_timeout=0.2, max_attempts=1)
        return wait_for_sync_jobs(targets, policy, aws=fast, on_change=on_change, cancel=cancel)

    started = time.monotonic()
    run = gate(ep, "ws-active", *SHORT, waiter=short_read_timeout)
    assert_verdict(run, "unreachable", 4, "ReadTimeoutError")
    # One deadline: the overrun is at most one request (2 attempts x 0.2 s + backoff), not a hang.
    assert time.monotonic() - started < 0.3 + 2.0


# -- credentials ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "error_code"),
    [("expired", "ExpiredTokenException"), ("unrecognized", "UnrecognizedClientException")],
)
def test_bad_credentials_are_denied_at_once(
    local_endpoint: Callable[..., Endpoint], monkeypatch: pytest.MonkeyPatch, kind: str, error_code: str
) -> None:
    key = "AKIABADCREDENTIAL001"
    ep = local_endpoint({**SCENARIO, "credentials": {kind: [key]}})
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    run = gate(ep, "ws-active", "--timeout", "30", *FAST)
    assert_verdict(run, "denied", 4, error_code)
    assert (run.job()["polls"], ep.stats.total) == (1, 1)


def test_no_credentials_anywhere_is_denied_without_a_request(
    ep: Endpoint, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    run = gate(ep, "ws-active", "--timeout", "30", *FAST)
    assert_verdict(run, "denied", 4, "NoCredentialsError")
    assert ep.stats.total == 0


# -- nothing to talk to -------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_nothing_listening_is_unreachable(aws_env: None) -> None:
    run = gate(f"http://127.0.0.1:{_closed_port()}", "ws-active", *SHORT)
    assert_verdict(run, "unreachable", 4, "EndpointConnectionError")
    assert run.job()["polls"] >= 2  # retried until the deadline, never ended early
