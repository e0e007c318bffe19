"""The pack as a whole: `POLICIES`, an import without side effects, and the pack served over gRPC.

The gRPC tests start the pack exactly as the Pulumi CLI does (`python <pack dir>`, then the port it
prints on stdout) and talk to it with the analyzer protocol the CLI speaks: so they also prove the
pack's import layout, policy config (enforcement level per policy) and the advisory handling of
unknown values through the SDK's own servicer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from policy.policies import POLICIES
from tests.policy.policy_harness import UNKNOWN, find, happy_stack, sync_policy

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy"
LEVELS = {
    "twinmaker-sync-source-supported": EnforcementLevel.MANDATORY,
    "twinmaker-role-trust-confused-deputy": EnforcementLevel.MANDATORY,
    "twinmaker-sync-role-permissions": EnforcementLevel.MANDATORY,
    "twinmaker-workspace-bucket-secure": EnforcementLevel.MANDATORY,
    "twinmaker-workspace-has-sync-job": EnforcementLevel.ADVISORY,
    "twinmaker-resources-tagged": EnforcementLevel.ADVISORY,
}


def test_policies_names_levels_and_kinds() -> None:
    assert {p.name: p.enforcement_level for p in POLICIES} == LEVELS
    assert [type(p) for p in POLICIES[:2]] == [ResourceValidationPolicy] * 2
    assert all(isinstance(p, StackValidationPolicy) for p in POLICIES[2:])
    for p in POLICIES:
        assert p.description and p.config_schema is not None
        assert p.config_schema.properties["failOnUnknown"]["default"] is False


def test_importing_the_policies_starts_nothing_and_prints_nothing() -> None:
    code = "import policy.policies as p; print(len(p.POLICIES))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "6\n", "")


def test_pulumi_policy_yaml_declares_python_and_a_version() -> None:
    text = (PACK / "PulumiPolicy.yaml").read_text()
    assert "runtime: python\n" in text and "version: 0.1.0\n" in text and "description:" in text
    assert "pulumi-policy" in (PACK / "requirements.txt").read_text()


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack started the way the CLI starts it, and a client for it."""
    process = subprocess.Popen(
        [sys.executable, str(PACK)], cwd=PACK, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.terminate()
        process.wait(timeout=10)


def struct(props: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(props)
    return message


def configure(stub: analyzer_pb2_grpc.AnalyzerStub, config: dict[str, tuple[int, dict[str, Any]]]) -> None:
    """Set every policy's level (the CLI always sends one per policy) plus `config`'s overrides."""
    levels = {name: (0 if level is EnforcementLevel.ADVISORY else 1, {}) for name, level in LEVELS.items()}
    levels.update(config)
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, (level, props) in levels.items():
        request.policyConfig[name].enforcementLevel = level  # type: ignore[assignment]
        request.policyConfig[name].properties.update(props)
    stub.Configure(request)


def analyze_job(stub: analyzer_pb2_grpc.AnalyzerStub, source: str) -> list[Any]:
    job = find(happy_stack(), "plant-a-sync-job")
    job.props["syncSource"] = source
    request = analyzer_pb2.AnalyzeRequest(
        type=job.type, properties=struct(job.props), urn=job.urn, name=job.name
    )
    return list(stub.Analyze(request).diagnostics)


def test_served_pack_describes_its_policies(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "twinmaker-sync-policies"
    assert {p.name: p.enforcementLevel for p in info.policies} == {
        name: (0 if level is EnforcementLevel.ADVISORY else 1) for name, level in LEVELS.items()
    }


def test_served_pack_blocks_an_unsupported_source(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    configure(analyzer, {})
    (diagnostic,) = analyze_job(analyzer, "OPCUA")
    assert diagnostic.policyName == "twinmaker-sync-source-supported"
    assert diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    assert "has syncSource 'OPCUA', which IoT TwinMaker does not support" in diagnostic.message


def test_unknown_at_preview_is_an_advisory_diagnostic_with_our_reason(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    configure(analyzer, {})
    (diagnostic,) = analyze_job(analyzer, UNKNOWN)
    assert diagnostic.enforcementLevel == analyzer_pb2.ADVISORY
    assert diagnostic.message.startswith(
        "can't run policy 'twinmaker-sync-source-supported' from policy pack"
    )
    assert diagnostic.message.endswith("syncSource is not known until apply; it must be one of: SITEWISE.")


def test_policy_config_changes_levels_and_unknown_handling(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    configure(analyzer, {"twinmaker-sync-source-supported": (analyzer_pb2.ADVISORY, {})})
    (diagnostic,) = analyze_job(analyzer, "OPCUA")
    assert diagnostic.enforcementLevel == analyzer_pb2.ADVISORY
    configure(analyzer, {"twinmaker-sync-source-supported": (analyzer_pb2.DISABLED, {})})
    assert analyze_job(analyzer, "OPCUA") == []
    configure(
        analyzer, {"twinmaker-sync-source-supported": (analyzer_pb2.MANDATORY, {"failOnUnknown": True})}
    )
    (diagnostic,) = analyze_job(analyzer, UNKNOWN)
    assert diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    assert "syncSource is not known until apply" in diagnostic.message


def test_served_pack_predicts_the_sync_job_failure_from_the_stack(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    configure(analyzer, {})
    specs = happy_stack()
    document = sync_policy()
    document["Statement"] = document["Statement"][1:]
    find(specs, "plant-a-sync-role-policy").props["policy"] = json.dumps(document)
    urns = {s.name: s.urn for s in specs}
    request = analyzer_pb2.AnalyzeStackRequest()
    for s in specs:
        resource = request.resources.add(type=s.type, urn=s.urn, name=s.name, properties=struct(s.props))
        for prop, names in s.deps.items():
            resource.propertyDependencies[prop].urns.extend(urns[n] for n in names)
    diagnostics = list(analyzer.AnalyzeStack(request).diagnostics)
    assert [(d.policyName, d.enforcementLevel, d.urn) for d in diagnostics] == [
        ("twinmaker-sync-role-permissions", analyzer_pb2.MANDATORY, urns["plant-a-sync-job"])
    ]
    assert "would fail in CREATING: role tm-plant-a-sync-0123abcd lacks iotsitewise:DescribeAsset " in (
        diagnostics[0].message
    )
