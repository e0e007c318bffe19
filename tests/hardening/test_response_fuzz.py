"""Fuzzing the response handling: whatever a server answers GetSyncJob / ListSyncResources with, the
adapter (`BotoProbe`, through real botocore parsing over loopback HTTP) returns an observation and never
raises, and a state that is not a string is never judged at all, let alone ACTIVE.

The server is a tiny raw `http.server` stub that answers every request with the status, headers and
bytes hypothesis generated for the current example.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validators.aws import BotoProbe, ClientPool, observation_from_response
from validators.aws_settings import AwsSettings
from validators.decision import Progress, Verdict, decide
from validators.model import Outcome, Target
from validators.observation import ObservationKind, ResourceListing
from validators.wait_settings import WaitPolicy

pytestmark = pytest.mark.http

FUZZ_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TARGET = Target("ws-fuzz")


@dataclass
class Canned:
    status: int = 200
    body: bytes = b"{}"
    error_type: str | None = None


class _Stub(ThreadingHTTPServer):
    daemon_threads = True
    canned = Canned()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Stub

    def setup(self) -> None:
        super().setup()
        # Without TCP_NODELAY, Nagle + delayed ACK cost ~40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        canned = self.server.canned
        self.send_response(canned.status)
        self.send_header("Content-Type", "application/json")
        if canned.error_type is not None:
            self.send_header("x-amzn-ErrorType", canned.error_type)
        self.send_header("Content-Length", str(len(canned.body)))
        self.end_headers()
        self.wfile.write(canned.body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def stub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[_Stub, BotoProbe]]:
    home: Path = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": str(home / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }.items():
            mp.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IOTTWINMAKER"):
            mp.delenv(name, raising=False)
        server = _Stub(("127.0.0.1", 0), _Handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        # One attempt per call: 429 and 5xx cost no back-off.
        settings_ = AwsSettings(region="us-east-1", endpoint_url=url, max_attempts=1, read_timeout=2)
        pool = ClientPool(settings_)
        pool.client("us-east-1")
        try:
            yield server, BotoProbe(pool)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(2)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
STATE = st.one_of(st.sampled_from(["ACTIVE", "ERROR", "CREATING", "DELETING", "active", "ACTIVE\x00"]), JSON)
STATUS = st.one_of(
    st.fixed_dictionaries(
        {"state": STATE},
        optional={"error": st.one_of(JSON, st.fixed_dictionaries({"code": JSON, "message": JSON}))},
    ),
    JSON,
)
GET_SYNC_JOB = st.fixed_dictionaries(
    {"status": STATUS},
    optional={
        "arn": JSON,
        "workspaceId": JSON,
        "syncSource": JSON,
        "syncRole": JSON,
        "creationDateTime": JSON,
        "updateDateTime": JSON,
    },
)
BODY_DOC = st.one_of(GET_SYNC_JOB, JSON)


ERROR_TYPES = [
    "ResourceNotFoundException",
    "AccessDeniedException",
    "ThrottlingException",
    "ValidationException",
]


@st.composite
def responses(draw: st.DrawFn) -> tuple[Canned, Any]:
    """(what the stub sends, the JSON document it encodes or None for raw bytes)."""
    status = draw(st.sampled_from([200, 200, 200, 200, 400, 403, 404, 429, 500, 503]))
    error_type = draw(
        st.none()
        | st.sampled_from(ERROR_TYPES)
        | st.text(max_size=12).filter(lambda s: "\r" not in s and "\n" not in s and s.isprintable())
    )
    if draw(st.booleans()):
        doc = draw(BODY_DOC)
        body = json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
        return Canned(status, body, error_type), doc
    return Canned(status, draw(st.binary(max_size=200)), error_type), None


def _state_of(doc: Any) -> object:
    status = doc.get("status") if isinstance(doc, Mapping) else None
    return status.get("state") if isinstance(status, Mapping) else None


@FUZZ_SETTINGS
@given(response=responses())
def test_get_sync_job_never_raises_and_never_judges_a_non_string_state(
    stub: tuple[_Stub, BotoProbe], response: tuple[Canned, Any]
) -> None:
    server, probe = stub
    server.canned, doc = response
    obs = probe.get_sync_job(TARGET, "us-east-1")
    assert obs.kind in ObservationKind
    sent_state = _state_of(doc)
    if obs.kind is ObservationKind.STATE:
        assert server.canned.status == 200
        assert isinstance(obs.state, str) and obs.state == sent_state
    else:
        assert obs.error is not None and isinstance(obs.error.code, str) and obs.error.code
    decision = decide(obs, Progress(), WaitPolicy(), now=0.0, deadline=100.0)
    if decision == Verdict(Outcome.ACTIVE):
        assert sent_state == "ACTIVE"


LISTING = st.fixed_dictionaries(
    {"syncResources": st.one_of(st.lists(st.one_of(JSON, st.fixed_dictionaries({"status": STATUS}))), JSON)},
    optional={"nextToken": st.one_of(st.none(), st.text(max_size=5))},
)


@FUZZ_SETTINGS
@given(status=st.sampled_from([200, 200, 400, 500]), doc=st.one_of(LISTING, JSON), raw=st.booleans())
def test_list_resource_errors_never_raises(
    stub: tuple[_Stub, BotoProbe], status: int, doc: Any, raw: bool
) -> None:
    server, probe = stub
    body = json.dumps(doc).encode() if not raw else b"\xff\xfe" + json.dumps(doc).encode()
    # A page that always says "more" would page forever: the stub serves the same page every time.
    if isinstance(doc, dict) and doc.get("nextToken"):
        doc = {**doc, "nextToken": None}
        body = json.dumps(doc).encode()
    server.canned = Canned(status, body)
    listing = probe.list_resource_errors(TARGET, "us-east-1", cap=5)
    assert isinstance(listing, ResourceListing)
    assert len(listing.errors) <= 5
    for error in listing.errors:
        assert all(isinstance(v, str) for v in (error.code, error.message, error.resource_type))


@settings(max_examples=150, deadline=None)
@given(doc=st.dictionaries(st.text(max_size=10), JSON, max_size=4) | GET_SYNC_JOB)
def test_observation_from_response_never_raises_and_only_reads_string_states(doc: dict[str, Any]) -> None:
    obs = observation_from_response(doc)
    state = _state_of(doc)
    if isinstance(state, str) and state:
        assert (obs.kind, obs.state) == (ObservationKind.STATE, state)
    else:
        assert obs.kind is ObservationKind.TRANSIENT and obs.state is None
