"""The boto3 settings docs/endpoint.md gives for reaching the endpoint, each tried: the model's `api.`
host prefix must be off, by `Config(inject_host_prefix=False)` or `AWS_DISABLE_HOST_PREFIX_INJECTION=true`.
(The AWS CLI's settings are tried in test_aws_cli.py.)"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

pytestmark = pytest.mark.http


def _client(url: str, config: Config | None = None) -> Any:
    session = boto3.session.Session()  # credentials and region from the `aws_env` fixture's variables
    return session.client("iottwinmaker", endpoint_url=url, region_name="eu-west-1", config=config)


def test_config_inject_host_prefix_false_reaches_the_endpoint(local_endpoint: Any) -> None:
    ep = local_endpoint()
    client = _client(ep.url, Config(inject_host_prefix=False))
    assert client.create_workspace(workspaceId="plant-a")["arn"].startswith("arn:aws:iottwinmaker:eu-west-1:")


def test_the_environment_variable_alone_reaches_the_endpoint(
    local_endpoint: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ep = local_endpoint()
    monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
    assert _client(ep.url).list_workspaces()["workspaceSummaries"] == []


@pytest.mark.parametrize("value", [None, "1", "yes"])
def test_without_the_setting_boto3_goes_to_api_dot_host(
    local_endpoint: Any, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    ep = local_endpoint()
    if value is None:
        monkeypatch.delenv("AWS_DISABLE_HOST_PREFIX_INJECTION", raising=False)
    else:
        monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", value)  # only "true" turns the prefix off
    client = _client(ep.url, Config(retries={"mode": "standard", "total_max_attempts": 1}))
    with pytest.raises(EndpointConnectionError) as exc:
        client.list_workspaces()
    assert f"http://api.127.0.0.1:{ep.port}/workspaces-list" in str(exc.value)
    assert ep.stats.total == 0
