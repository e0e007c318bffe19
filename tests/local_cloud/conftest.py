"""Helpers to drive a double's provider interface the way the engine's gRPC server does."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from pulumi.provider.experimental.provider import ConfigureRequest

from local_cloud.provider import TableProvider
from validators.pulumi.values import map_from_plain

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    # Not asyncio.run: it leaves the thread without a current event loop, which Pulumi's mocks in
    # later tests (tests/program) expect to find.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def urn(token: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::twinmaker-sync::{token}::{name}"


def configure(provider: TableProvider, **config: Any) -> Any:
    return run(provider.configure(ConfigureRequest({}, map_from_plain(config), False, False)))
