"""Fixtures for the end-to-end tests: endpoints whose timelines unfold on the wall clock in fractions of a
second, counted from the gate's first request, so a test sees the same states whatever the gate's start-up
costs (creating a boto3 session takes a noticeable part of a second on a loaded machine)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from tests.http.harness import WallEndpoint
from twinmaker_local import Endpoint
from twinmaker_local.clock import DEFAULT_EPOCH, FirstRequestClock


@pytest.fixture
def endpoint(local_endpoint: Callable[..., Endpoint]) -> WallEndpoint:
    """Factory: `endpoint(scenario)` -> a running endpoint whose timelines start at its first request and
    then run in real time; its throttling buckets follow real time from the start. Stopped after the
    test (see `local_endpoint`)."""

    def start(scenario: Mapping[str, Any]) -> Endpoint:
        clock = FirstRequestClock(epoch=DEFAULT_EPOCH)
        ep = local_endpoint(scenario, clock=clock, rate_clock=time.monotonic)
        clock.arm()
        return ep

    return start
