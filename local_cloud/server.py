"""Serves a double to the engine: the SDK's provider servicer, with errors as providers report them.

The SDK's `pulumi.provider.experimental.server` appends a Python traceback to every error a provider
raises, so the engine would print a stack trace under the resource where the real providers print one
line ("creating ...: ConflictException: ..."). This servicer passes the SDK's answers through and,
on an error, aborts the call with the error's own first line. `serve` is the SDK's `main` with this
servicer: the port on stdout's first line, then serve until the engine stops the plugin.
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
from pulumi.provider.experimental.provider import Provider
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

#: The SDK's wrapper ends the message here, then adds the traceback.
_TRACEBACK_SEPARATOR = ":\n"


def first_line(error: BaseException) -> str:
    """The message of an error from the SDK's wrapper, without the traceback it appended."""
    return str(error).split(_TRACEBACK_SEPARATOR, 1)[0].strip() or type(error).__name__


def _clean_errors(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def call(self: ProviderServicer, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await method(self, request, context)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - every provider failure goes back to the engine
            await context.abort(grpc.StatusCode.UNKNOWN, first_line(error))

    return call


class CleanErrorServicer(ProviderServicer):
    """`ProviderServicer` whose resource and invoke errors reach the engine as one line."""

    Check = _clean_errors(ProviderServicer.Check)
    Diff = _clean_errors(ProviderServicer.Diff)
    Create = _clean_errors(ProviderServicer.Create)
    Read = _clean_errors(ProviderServicer.Read)
    Update = _clean_errors(ProviderServicer.Update)
    Delete = _clean_errors(ProviderServicer.Delete)
    Invoke = _clean_errors(ProviderServicer.Invoke)


def serve(args: Sequence[str], version: str, provider: Provider) -> None:
    """The plugin's main: `pulumi-resource-NAME ENGINE_ADDRESS [--logflow] [--logtostderr]`."""
    parser = argparse.ArgumentParser(description="Pulumi provider plugin (a local-cloud test double)")
    parser.add_argument("engine", help="the Pulumi engine's address")
    known, _ = parser.parse_known_args(args)

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = CleanErrorServicer(list(args), version, provider, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{port}\n")  # the engine's handshake: the port, alone on the first line
        sys.stdout.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):  # the engine stops plugins with a signal
        asyncio.run(run())


def plugin_version(package: str) -> str:
    """The version the engine expects of a plugin: the one the installed SDK package declares
    (`pulumi-plugin.json`), so the engine sees the double as the provider the program was written for."""
    import importlib.resources  # noqa: PLC0415
    import json  # noqa: PLC0415

    manifest = importlib.resources.files(package).joinpath("pulumi-plugin.json").read_text(encoding="utf-8")
    version: str = json.loads(manifest)["version"]
    return version
