"""Serves the SyncJobGate provider to the engine: the console script `pulumi-resource-twinmaker-sync-gate`.

The SDK's servicer (`pulumi.provider.experimental.server.ProviderServicer`) has no way to say "created,
but failed to initialise", and appends a Python traceback to every error. This one:

- turns `GateInitError` into what the engine reads as a partial failure: the gRPC status carries the
  `ErrorResourceInitFailed` detail (id, properties, inputs, reasons), packed in a `google.rpc.Status`
  in the trailing metadata `grpc-status-details-bin` (the SDK's own proto of it, as the SDK packs its
  `InputPropertiesError`);
- sends every other error as its one line;
- sends the gates' state changes to the engine's `Log` as ephemeral status on each gate's row.

`main` prints the port as the first line of stdout (the engine's handshake) and nothing else there.
`run_plugin` (servicer and handshake) also serves the repository's local-cloud test doubles
(`local_cloud.server`), so their errors read as the gate's do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import Provider
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc, status_pb2

from ..version import __version__
from .provider import GateInitError, GateProvider, describe
from .values import map_from_plain

#: The SDK's wrapper ends the message here, then adds the traceback.
_TRACEBACK_SEPARATOR = ":\n"
#: The trailing metadata key in which gRPC carries a `google.rpc.Status` with details.
STATUS_DETAILS_KEY = "grpc-status-details-bin"


def first_line(error: BaseException) -> str:
    """The message of an error from the SDK's wrapper, without the traceback it appended. Cut before it
    is cleaned: `describe` shows a newline as a visible mark, and the wrapper's separator with it."""
    return describe(Exception(str(error).split(_TRACEBACK_SEPARATOR, 1)[0].strip())) or type(error).__name__


def init_failed_status(error: GateInitError) -> tuple[str, bytes]:
    """The trailing metadata entry that makes the engine record the gate with init errors."""
    detail = provider_pb2.ErrorResourceInitFailed(
        id=error.resource_id,
        properties=PropertyValue.marshal_map(map_from_plain(error.properties)),
        inputs=PropertyValue.marshal_map(map_from_plain(error.inputs)),
        reasons=error.reasons,
    )
    status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=str(error))
    status.details.add().Pack(detail)
    return STATUS_DETAILS_KEY, status.SerializeToString()


Handler = Callable[..., Awaitable[Any]]


def _plugin_errors(method: Handler) -> Handler:
    """The SDK's handler, with the errors of a gate sent as the engine expects them (module docstring)."""

    async def call(self: ProviderServicer, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await method(self, request, context)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure goes back to the engine, as one line
            cause = error.__context__ if isinstance(error.__context__, GateInitError) else error
            if isinstance(cause, GateInitError):
                await context.abort(
                    grpc.StatusCode.UNKNOWN, str(cause), trailing_metadata=(init_failed_status(cause),)
                )
            await context.abort(grpc.StatusCode.UNKNOWN, first_line(error))

    return call


class PluginServicer(ProviderServicer):
    """`ProviderServicer` with the gate's errors (see the module docstring). Invoke is for the doubles:
    the gate has none (the SDK's `NotImplementedError` passes through as before)."""

    Check = _plugin_errors(ProviderServicer.Check)
    CheckConfig = _plugin_errors(ProviderServicer.CheckConfig)
    Configure = _plugin_errors(ProviderServicer.Configure)
    Diff = _plugin_errors(ProviderServicer.Diff)
    Create = _plugin_errors(ProviderServicer.Create)
    Read = _plugin_errors(ProviderServicer.Read)
    Update = _plugin_errors(ProviderServicer.Update)
    Delete = _plugin_errors(ProviderServicer.Delete)
    Invoke = _plugin_errors(ProviderServicer.Invoke)


class EngineLog:
    """The engine's `Log` service: ephemeral status lines on a resource's row. Best effort: a status
    line that cannot be sent is dropped (the wait goes on)."""

    def __init__(self, engine_address: str) -> None:
        self._channel = grpc.aio.insecure_channel(engine_address, options=_GRPC_CHANNEL_OPTIONS)
        self._engine = engine_pb2_grpc.EngineStub(self._channel)
        self._sent: set[asyncio.Task[Any]] = set()

    def status(self, urn: str, text: str) -> None:
        """Send `text` as the ephemeral status of `urn` (call from the event loop)."""
        request = engine_pb2.LogRequest(severity=engine_pb2.INFO, message=text, urn=urn, ephemeral=True)
        task = asyncio.ensure_future(self._send(request))
        self._sent.add(task)  # keep a reference until it is sent
        task.add_done_callback(self._sent.discard)

    async def _send(self, request: engine_pb2.LogRequest) -> None:
        with contextlib.suppress(grpc.RpcError, grpc.aio.AioRpcError):
            await self._engine.Log(request)


def run_plugin(
    args: Sequence[str],
    provider: Provider,
    *,
    version: str,
    parser: argparse.ArgumentParser,
    on_engine: Callable[[str], None] | None = None,
) -> None:
    """A provider plugin's main, `PROG ENGINE_ADDRESS [--logflow] [--logtostderr] ...`: `provider` behind
    `PluginServicer`, the port alone on stdout's first line (the engine's handshake), served until the
    engine stops the plugin. `on_engine(address)` runs first, on the server's event loop."""
    parser.add_argument("engine", help="the Pulumi engine's address")
    known, _ = parser.parse_known_args(args)

    async def run() -> None:
        if on_engine is not None:
            on_engine(known.engine)
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = PluginServicer(list(args), version, provider, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{port}\n")  # the engine's handshake: the port, alone on the first line
        sys.stdout.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):  # the engine stops plugins with a signal
        asyncio.run(run())


def serve(args: Sequence[str], provider: GateProvider | None = None) -> None:
    """`pulumi-resource-twinmaker-sync-gate ENGINE_ADDRESS [--logflow] [--logtostderr] ...`, with the
    gates' status lines sent to the engine's `Log`."""
    gate = provider or GateProvider()
    parser = argparse.ArgumentParser(
        prog="pulumi-resource-twinmaker-sync-gate",
        description="The twinmaker-sync-gate Pulumi provider plugin (started by the Pulumi engine).",
    )
    run_plugin(
        args,
        gate,
        version=__version__,
        parser=parser,
        on_engine=lambda engine: gate.set_status_sink(EngineLog(engine).status),
    )


def main() -> None:
    """The console script's entry point."""
    serve(sys.argv[1:])


if __name__ == "__main__":
    main()
