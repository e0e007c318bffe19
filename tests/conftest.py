"""Shared fixtures: the local TwinMaker endpoint, boto3 clients for it, and an AWS environment that
never reaches a real account or the developer's ~/.aws."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from twinmaker_local import Endpoint, ManualClock, serve
from twinmaker_local.testing import boto3_client

_AWS_VARIABLES_TO_CLEAR = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_IOTTWINMAKER",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and region in the environment; no config or credentials file is read."""
    for name in _AWS_VARIABLES_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def manual_clock() -> ManualClock:
    """The clock `local_endpoint` injects unless told otherwise: it moves only on `advance()`."""
    return ManualClock()


LocalEndpoint = Callable[..., Endpoint]


@pytest.fixture
def local_endpoint(aws_env: None, manual_clock: ManualClock) -> Iterator[LocalEndpoint]:
    """Factory: `local_endpoint(scenario=None, *, wall_clock=False, **serve_options) -> Endpoint`.

    Starts a real endpoint on a free loopback port. Unless `wall_clock=True` or a `clock` is given, it
    runs on this test's `manual_clock` (also `ep.clock`), so `ep.clock.advance(5)` moves every timeline.
    Every endpoint started is stopped after the test, with its threads and connections.
    """
    started: list[Endpoint] = []

    def start(
        scenario: Mapping[str, Any] | str | Path | None = None, *, wall_clock: bool = False, **options: Any
    ):
        if not wall_clock:
            options.setdefault("clock", manual_clock)
        endpoint = serve(scenario, **options)
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.stop()


@pytest.fixture
def twinmaker_client() -> Callable[..., Any]:
    """Factory: `twinmaker_client(endpoint_or_url, **options)` -> a real boto3 `iottwinmaker` client.

    Options as `twinmaker_local.testing.boto3_client`; by default every response is checked against
    botocore's model and a mismatch fails the call with `ResponseShapeError`.
    """

    def make(target: Endpoint | str, **options: Any) -> Any:
        url = target.url if isinstance(target, Endpoint) else target
        return boto3_client(url, **options)

    return make
