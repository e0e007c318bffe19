"""The SyncJobGate plugin as the engine sees it: the real console script in its own process, spoken to
over gRPC (Configure, Check, Create, Read, Cancel...) with a fake engine beside it that records the
`Log` calls (the ephemeral status lines). Real boto3 in the plugin, against the local endpoint.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc, status_pb2

from validators.pulumi.spec import PACKAGE, RESOURCE_TOKEN

PLUGIN = f"pulumi-resource-{PACKAGE}"
URN_PREFIX = f"urn:pulumi:test::twinmaker-sync::{RESOURCE_TOKEN}::"


def plugin_executable() -> str:
    """The console script `make venv` installs beside this interpreter (else on PATH)."""
    beside = Path(sys.executable).with_name(PLUGIN)
    found = str(beside) if beside.exists() else shutil.which(PLUGIN)
    if found is None:
        pytest.fail(f"{PLUGIN} is not installed: run `make venv`")
    return found


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """The engine's `Log` service: records every call as (urn, message, ephemeral)."""

    def __init__(self) -> None:
        self.logs: list[tuple[str, str, bool]] = []
        self._lock = threading.Lock()

    def Log(self, request: engine_pb2.LogRequest, context: Any) -> empty_pb2.Empty:
        with self._lock:
            self.logs.append((request.urn, request.message, request.ephemeral))
        return empty_pb2.Empty()

    def statuses(self, urn: str, *, at_least: int = 0, within: float = 2.0) -> list[str]:
        """The ephemeral lines sent for `urn`; waits up to `within` seconds for `at_least` of them
        (the last one may still be on its way when the call that caused it has returned)."""
        until = time.monotonic() + within
        while True:
            with self._lock:
                found = [message for u, message, ephemeral in self.logs if u == urn and ephemeral]
            if len(found) >= at_least or time.monotonic() > until:
                return found
            time.sleep(0.02)


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    from google.protobuf.json_format import MessageToDict

    return MessageToDict(struct)


@dataclass
class InitFailure:
    """What the engine reads from a partial failure: the status and its `ErrorResourceInitFailed`."""

    code: grpc.StatusCode
    message: str
    detail: provider_pb2.ErrorResourceInitFailed | None

    @property
    def reasons(self) -> list[str]:
        return list(self.detail.reasons) if self.detail is not None else []

    @property
    def properties(self) -> dict[str, Any]:
        return from_struct(self.detail.properties) if self.detail is not None else {}


def init_failure(error: grpc.RpcError) -> InitFailure:
    """Decode a failed call as the engine does (`grpc-status-details-bin` holds a google.rpc.Status)."""
    detail = None
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for packed in status.details:
                candidate = provider_pb2.ErrorResourceInitFailed()
                if packed.Unpack(candidate):
                    detail = candidate
    return InitFailure(error.code(), error.details() or "", detail)


@dataclass
class Plugin:
    """One running plugin process and the engine-side stubs."""

    process: subprocess.Popen[str]
    stub: provider_pb2_grpc.ResourceProviderStub
    engine: FakeEngine
    stderr_lines: list[str] = field(default_factory=list)

    def configure(self, **config: Any) -> provider_pb2.ConfigureResponse:
        return self.stub.Configure(
            provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=True), timeout=10
        )

    def check(self, name: str, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None) -> Any:
        return self.stub.Check(
            provider_pb2.CheckRequest(
                urn=URN_PREFIX + name, news=to_struct(news), olds=to_struct(olds or {})
            ),
            timeout=10,
        )

    def checked(self, name: str, news: Mapping[str, Any]) -> struct_pb2.Struct:
        response = self.check(name, news)
        assert not response.failures, list(response.failures)
        return response.inputs

    def create(self, name: str, news: Mapping[str, Any], *, timeout: float = 0, deadline: float = 60) -> Any:
        return self.stub.Create(
            provider_pb2.CreateRequest(
                urn=URN_PREFIX + name, properties=self.checked(name, news), timeout=timeout
            ),
            timeout=deadline,
        )

    def create_future(self, name: str, news: Mapping[str, Any], *, deadline: float = 60) -> Any:
        return self.stub.Create.future(
            provider_pb2.CreateRequest(urn=URN_PREFIX + name, properties=self.checked(name, news)),
            timeout=deadline,
        )

    def update(self, name: str, resource_id: str, news: Mapping[str, Any], *, deadline: float = 60) -> Any:
        """What the engine sends for a gate recorded with init errors: Update with its stored ID."""
        checked = self.checked(name, news)
        return self.stub.Update(
            provider_pb2.UpdateRequest(urn=URN_PREFIX + name, id=resource_id, olds=checked, news=checked),
            timeout=deadline,
        )

    def read(self, name: str, resource_id: str, properties: struct_pb2.Struct) -> Any:
        return self.stub.Read(
            provider_pb2.ReadRequest(urn=URN_PREFIX + name, id=resource_id, properties=properties), timeout=30
        )

    def cancel(self) -> None:
        self.stub.Cancel(empty_pb2.Empty(), timeout=10)

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)


def start_plugin(env: Mapping[str, str]) -> Iterator[Plugin]:
    """Starts a fake engine and the plugin (its first stdout line is the port); stops both after."""
    engine = FakeEngine()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    engine_port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    process = subprocess.Popen(
        [plugin_executable(), f"127.0.0.1:{engine_port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    plugin = Plugin(process, None, engine)  # type: ignore[arg-type]
    threading.Thread(target=lambda: plugin.stderr_lines.extend(process.stderr), daemon=True).start()  # type: ignore[arg-type]
    try:
        assert first.strip().isdigit(), f"first stdout line is not a port: {first!r}"
        channel = grpc.insecure_channel(f"127.0.0.1:{first.strip()}")
        plugin.stub = provider_pb2_grpc.ResourceProviderStub(channel)
        yield plugin
        channel.close()
    finally:
        process.terminate()
        try:
            rest = process.stdout.read()
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            rest = ""
        server.stop(0)
    assert rest == "", f"the plugin wrote to stdout after its port: {rest!r}"
