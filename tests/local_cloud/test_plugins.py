"""The shims are what the engine executes: each starts a gRPC provider that prints its port first and
answers the engine's first calls (and GetSchema, for Pulumi YAML); the policy shim drops the engine's
`-NAME=VALUE` options."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from local_cloud.plugins import write_policy_pack_shim, write_shims
from local_cloud.server import plugin_version


@pytest.mark.parametrize(
    ("plugin", "version"),
    [
        ("pulumi-resource-aws", plugin_version("pulumi_aws")),
        ("pulumi-resource-aws-native", plugin_version("pulumi_aws_native")),
    ],
)
def test_a_provider_shim_prints_its_port_and_serves_the_provider_protocol(
    tmp_path: Path, plugin: str, version: str
) -> None:
    shims = write_shims(tmp_path)
    with subprocess.Popen(
        [str(shims / plugin), "127.0.0.1:1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None
            port = int(child.stdout.readline().strip())  # the engine's handshake: the port, first line
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=10)
                schema = json.loads(stub.GetSchema(provider_pb2.GetSchemaRequest(), timeout=10).schema)
            assert info.version == version
            # What a Pulumi YAML program type-checks against: the package at the plugin's version.
            assert (schema["name"], schema["version"]) == (plugin.removeprefix("pulumi-resource-"), version)
        finally:
            child.kill()


def test_the_policy_pack_shim_runs_the_sdk_policy_runner_on_the_pack(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n", encoding="utf-8")
    shim = write_policy_pack_shim(pack, tmp_path / "shim", python="echo")  # echo shows the command line
    done = subprocess.run([str(shim), "127.0.0.1:5"], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["-u", "-m", "pulumi.policy", "127.0.0.1:5", str(pack)]
    assert (shim.parent / "PulumiPolicy.yaml").read_text(encoding="utf-8") == "runtime: python\n"
