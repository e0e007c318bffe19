"""The HTTP server and the `Endpoint` that owns it: start, stop, run-time changes, counters.

Why the standard library's `http.server.ThreadingHTTPServer`: the endpoint must add no dependency to
the project (it runs wherever boto3 runs), a thread per connection is plenty for ~100 requests/s, and
a blocking handler makes "sleep longer than the client's read timeout" and "close the socket without
answering" trivial to do for real. What it lacks we add here: it only binds loopback, it tracks its
connections so `stop()` can close them (keep-alive connections would otherwise hold threads open), and
it keeps quiet about clients that hang up (which the fault tests do on purpose).
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from twinmaker_local.clock import Clock, scaled_clock
from twinmaker_local.faults import FaultPlan, parse_fault
from twinmaker_local.model import Store
from twinmaker_local.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_sync_job,
    parse_timeline,
    parse_workspace,
)
from twinmaker_local.service import Service
from twinmaker_local.stats import Stats

log = logging.getLogger("twinmaker_local")

ScenarioSource = Scenario | Mapping[str, Any] | str | Path | None


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, lets the `Service` answer it, writes the answer (or drops the connection)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    timeout = 60  # an idle keep-alive connection gives its thread back after a minute
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm holds the body
        # until the client's delayed ACK (~40 ms per request on Linux).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        endpoint = self.server.endpoint
        response = endpoint.service.handle(
            self.command, self.path, dict(self.headers.items()), body, endpoint.sleep
        )
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except OSError:  # the client gave up (e.g. its read timeout fired during injected latency)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], endpoint: Endpoint, family: socket.AddressFamily) -> None:
        self.address_family = family
        self.endpoint = endpoint
        self._conn_lock = threading.Lock()
        self._connections: dict[threading.Thread, socket.socket] = {}
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One daemon thread per connection, remembered so `close_connections` can end it."""
        thread = threading.Thread(
            target=self._run_connection,
            args=(request, client_address),
            name="twinmaker-local-conn",
            daemon=True,
        )
        with self._conn_lock:
            self._connections[thread] = request
        thread.start()

    def _run_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._conn_lock:
                self._connections.pop(threading.current_thread(), None)

    def close_connections(self, timeout: float) -> None:
        """Shut every open connection so its thread returns, and wait up to `timeout` for them all."""
        with self._conn_lock:
            items = list(self._connections.items())
        for _, sock in items:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread, _ in items:
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-response are expected (timeouts, dropped-connection tests); the rest
        # is a bug worth a traceback in the log.
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class Endpoint:
    """A running local TwinMaker endpoint: `url`, `stats`, `store`, `faults`, and `stop()`.

    Also a context manager (`with serve(...) as ep:`) that stops it on exit. Run-time changes take the
    scenario file's JSON structures (see docs/endpoint.md).
    """

    def __init__(
        self,
        scenario: Scenario,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int | None = None,
        clock: Clock | None = None,
        time_scale: float = 1.0,
        rate_clock: Callable[[], float] | None = None,
    ) -> None:
        family = _loopback_family(host)
        self.scenario = scenario
        #: Epoch seconds for timelines and timestamps: the injected clock, or wall time x `time_scale`.
        self.clock: Clock = clock if clock is not None else scaled_clock(time_scale)
        # Token buckets follow the injected clock in tests; otherwise real (unscaled) seconds, because a
        # request-rate quota is about real requests per second even when timelines run faster.
        if rate_clock is None:
            rate_clock = clock if clock is not None else time.monotonic
        self.stats = Stats()
        self.store = Store(scenario, self.clock)
        self.faults = FaultPlan(rate_clock, scenario.seed if seed is None else seed)
        self.faults.set_rules(scenario.faults)
        self.service = Service(self.store, self.faults, scenario.credentials, self.stats)
        self._stopping = threading.Event()
        self._server = _Server((host, port), self, family)
        self.host = host
        self.port: int = self._server.server_address[1]
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        self.url = f"http://{shown}:{self.port}"
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------------------------- lifecycle

    def start(self) -> Endpoint:
        """Serve in a background daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.02},
                name="twinmaker-local",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving, close the socket and every connection, wait for their threads. Idempotent."""
        if self._stopping.is_set():
            return
        self._stopping.set()  # wakes handlers sleeping in injected latency
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout)
        self._server.server_close()
        self._server.close_connections(timeout)

    def __enter__(self) -> Endpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sleep(self, seconds: float) -> bool:
        """Injected latency: wait on the wall clock, but return False at once when stopping."""
        return not self._stopping.wait(seconds)

    # --------------------------------------------------------------------------- run-time changes

    def add_timeline(self, name: str, timeline: Mapping[str, Any]) -> None:
        """Define a named timeline (scenario `timelines` entry) for later sync jobs."""
        self.store.add_timeline(name, parse_timeline(timeline, f"timelines.{name}"))

    def add_workspace(self, workspace: Mapping[str, Any]) -> None:
        """Create a workspace now from a scenario `workspaces` entry."""
        self.store.add_workspace(parse_workspace(workspace, "workspace", self.store.timelines))

    def add_sync_job(self, job: Mapping[str, Any]) -> str:
        """Create (or replace) a sync job now from a scenario `syncJobs` entry; returns its ARN.

        Its timeline starts at the current clock, so a test can add a job and then move the clock. An
        entry with `"exists": false` creates nothing: it scripts the job a later CreateSyncJob makes
        (the ARN returned is the one that job will have).
        """
        current = dataclasses.replace(self.scenario, timelines=dict(self.store.timelines))
        spec = parse_sync_job(job, "syncJob", current)
        self.store.add_sync_job(spec)
        return self.store.job_arn(spec.workspace_id, spec.sync_source, spec.region)

    def set_faults(self, rules: Sequence[Mapping[str, Any]]) -> None:
        """Replace every fault rule (scenario `faults` entries); counters and buckets start afresh."""
        self.faults.set_rules([parse_fault(r, f"faults[{i}]") for i, r in enumerate(rules)])

    def add_fault(self, rule: Mapping[str, Any]) -> None:
        """Append one fault rule after the existing ones."""
        self.faults.add_rule(parse_fault(rule, "fault"))

    def clear_faults(self) -> None:
        self.faults.set_rules([])

    def set_credentials(self, access_key_id: str, kind: str | None) -> None:
        """Mark an access key id "expired" or "unrecognized" (403 on every request), or None to accept it."""
        if kind is None:
            self.service.credentials.pop(access_key_id, None)
        elif kind in ("expired", "unrecognized"):
            self.service.credentials[access_key_id] = kind
        else:
            raise ScenarioError(f"credentials kind must be 'expired' or 'unrecognized', not {kind!r}")


def _loopback_family(host: str) -> socket.AddressFamily:
    """Only loopback addresses may be bound: this endpoint accepts any credentials."""
    if host == "localhost":
        return socket.AF_INET
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"host must be a loopback address (127.0.0.1, ::1, localhost), not {host!r}"
        ) from None
    if not address.is_loopback:
        raise ValueError(f"refusing to bind {host}: the local endpoint accepts any credentials; use loopback")
    return socket.AF_INET6 if address.version == 6 else socket.AF_INET


def serve(
    scenario: ScenarioSource = None,
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    seed: int | None = None,
    clock: Clock | None = None,
    time_scale: float = 1.0,
    rate_clock: Callable[[], float] | None = None,
) -> Endpoint:
    """Start an endpoint in a background thread and return it (already serving).

    `scenario` is a `Scenario`, a dict in the file format, a path, a bundled name ("demo") or None.
    `port=0` picks a free port. `clock` (epoch seconds) drives timelines; without it wall time runs
    `time_scale` times faster. Use it as a context manager, or call `stop()`.
    """
    endpoint = Endpoint(
        load_scenario(scenario),
        host,
        port,
        seed=seed,
        clock=clock,
        time_scale=time_scale,
        rate_clock=rate_clock,
    )
    return endpoint.start()


@contextlib.contextmanager
def running_endpoint(scenario: ScenarioSource = None, port: int = 0, **options: Any) -> Iterator[Endpoint]:
    """`with running_endpoint(scenario) as ep:` - `serve(...)` that always stops, even on error."""
    endpoint = serve(scenario, port, **options)
    try:
        yield endpoint
    finally:
        endpoint.stop()
