"""Secrets end to end: with canary credentials in the environment and a password in the endpoint URL, no
canary reaches stdout, stderr, the JSON document, the JUnit report or the GitHub step summary - also
when the service (or whatever answers in its place) echoes the request's own headers back, when the
network errors quote the endpoint URL, and when the URL itself is rejected as bad input.

The gate has no logging of its own; botocore's logger, if a user turns it on, is theirs (see
docs/gate.md, "Failure modes").
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.harness import FAST, GateRun, at, run_gate, scenario_job
from twinmaker_local import Endpoint

pytestmark = pytest.mark.http

KEY_ID = "ASIACANARYKEY0000001"
SECRET = "canarySecretAccessKey+0000000000/0000000"
TOKEN = "IQoJb3JpZ2luX2VjEcanarySessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=="
PASSWORD = "canarypass"
#: Whole canaries, and fragments distinctive enough that a partial leak is caught too.
CANARIES = (KEY_ID, SECRET, TOKEN, PASSWORD, "CANARYKEY", "canarySecret", "canarySession")

ECHO = (
    f"request from {KEY_ID}: Authorization: AWS4-HMAC-SHA256 Credential={KEY_ID}/20250101/us-east-1/"
    "iottwinmaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef; "
    f"X-Amz-Security-Token: {TOKEN}; aws_secret_access_key={SECRET}; "
    f'{{"SessionToken": "{TOKEN}", "SecretAccessKey": "{SECRET}"}}; '
    f"https://deployer:{PASSWORD}@example.com/x?X-Amz-Credential={KEY_ID}&X-Amz-Security-Token={TOKEN}"
)


@pytest.fixture
def canary_env(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)


def with_password(url: str) -> str:
    return url.replace("http://", f"http://deployer:{PASSWORD}@", 1)


def run_everywhere(url: str, output: str, tmp_path: Path, *extra: str) -> tuple[GateRun, str]:
    """One run with every output on (the given mode, JUnit, GitHub annotations and step summary);
    returns the run and the text of every file it wrote."""
    junit = tmp_path / f"gate-{output}.xml"
    summary = tmp_path / f"summary-{output}.md"
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    argv = ["--endpoint-url", url, "--output", output, "--junit-xml", str(junit), *FAST, *extra]
    run = run_gate(argv, environ=environ)
    files = "".join(p.read_text(encoding="utf-8") for p in (junit, summary) if p.exists())
    assert junit.exists()
    return run, files


def assert_no_canary(*texts: str) -> None:
    for text in texts:
        for canary in CANARIES:
            assert canary not in text, f"{canary!r} leaked: ...{text[max(0, text.find(canary) - 80) :][:200]}"


# -- the local endpoint: scripted messages that echo request details -----------------------------------


@pytest.mark.parametrize("output", ["text", "json"])
def test_service_messages_echoing_credentials_leak_nothing(
    local_endpoint: Callable[..., Endpoint], canary_env: None, tmp_path: Path, output: str
) -> None:
    ep = local_endpoint(
        {
            "syncJobs": [
                scenario_job(
                    "ws-echo",
                    at(0, "ERROR", "SYNC_CREATING_ERROR", ECHO),
                    resources=[
                        {
                            "resourceType": "ENTITY",
                            "externalId": "asset-1",
                            "state": "ERROR",
                            "error": {"code": "PROCESSING_ERROR", "message": ECHO},
                        }
                    ],
                ),
            ]
        }
    )
    run, files = run_everywhere(with_password(ep.url), output, tmp_path, "--workspace-id", "ws-echo")
    assert run.code == 1
    assert ep.stats.total >= 2  # the password in the URL did not stop the requests
    assert "[REDACTED]" in run.everything + files  # the messages were shown, minus the secrets
    assert_no_canary(run.stdout, run.stderr, files)


@pytest.mark.parametrize("fault", [{"kind": "drop"}, {"kind": "error", "status": 503}])
def test_network_errors_quoting_the_endpoint_url_leak_no_password(
    local_endpoint: Callable[..., Endpoint], canary_env: None, tmp_path: Path, fault: dict[str, Any]
) -> None:
    ep = local_endpoint({"syncJobs": [scenario_job("ws-a", at(0, "ACTIVE"))]})
    ep.set_faults([fault])
    run, files = run_everywhere(
        with_password(ep.url), "json", tmp_path, "--workspace-id", "ws-a", "--timeout", "0.3"
    )
    assert (run.code, run.job()["outcome"]) == (4, "unreachable")
    assert_no_canary(run.stdout, run.stderr, files)


def test_nothing_listening_at_a_url_with_a_password_leaks_nothing(canary_env: None, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://deployer:{PASSWORD}@127.0.0.1:{port}"
    run, files = run_everywhere(url, "json", tmp_path, "--workspace-id", "ws-a", "--timeout", "0.3")
    assert (run.code, run.job()["error"]["code"]) == (4, "EndpointConnectionError")
    assert "[REDACTED]@127.0.0.1" in run.job()["error"]["message"]
    assert_no_canary(run.stdout, run.stderr, files)


def test_a_rejected_endpoint_url_is_echoed_without_its_password(canary_env: None) -> None:
    run = run_gate(["--workspace-id", "ws-a", "--endpoint-url", f"ftp://deployer:{PASSWORD}@example.com"])
    assert run.code == 2
    assert "--endpoint-url" in run.stderr
    assert_no_canary(run.stdout, run.stderr)


# -- a server that echoes the real request headers (signature, key id, session token) ----------------


class _EchoHandler(BaseHTTPRequestHandler):
    """Answers every request with the request's own headers in the message: as a ValidationException
    (400), or as the ERROR reason of a sync job (200), depending on `server.mode`."""

    protocol_version = "HTTP/1.1"
    server: Any

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        headers = dict(self.headers.items())
        echo = "; ".join(f"{name}: {value}" for name, value in headers.items()) + " " + json.dumps(headers)
        extra: dict[str, str] = {}
        body: dict[str, Any]
        if self.server.mode == "validation":
            status, body = 400, {"message": f"Bad request {echo}"}
            extra["x-amzn-ErrorType"] = "ValidationException"
        else:
            status = 200
            body = {
                "arn": "arn:aws:iottwinmaker:us-east-1:123456789012:workspace/ws-a/sync-job/SITEWISE",
                "workspaceId": "ws-a",
                "syncSource": "SITEWISE",
                "status": {"state": "ERROR", "error": {"code": "SYNC_CREATING_ERROR", "message": echo}},
            }
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def echo_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    server.daemon_threads = True
    server.mode = "validation"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(2)


@pytest.mark.parametrize(
    ("mode", "outcome", "code"), [("validation", "invalid", 4), ("job-error", "error", 1)]
)
def test_a_server_echoing_the_signed_request_headers_leaks_nothing(
    echo_server: ThreadingHTTPServer, canary_env: None, tmp_path: Path, *, mode: str, outcome: str, code: int
) -> None:
    echo_server.mode = mode  # type: ignore[attr-defined]
    url = with_password(f"http://127.0.0.1:{echo_server.server_address[1]}")
    run, files = run_everywhere(url, "json", tmp_path, "--workspace-id", "ws-a", "--timeout", "5")
    assert (run.code, run.job()["outcome"]) == (code, outcome)
    message = run.job()["error"]["message"]
    assert "Authorization" in message and "X-Amz-Security-Token" in message  # it really was echoed
    assert_no_canary(run.stdout, run.stderr, files)
