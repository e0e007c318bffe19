"""The project's own Pulumi program, run under Pulumi's mocks, fed to every policy of the pack.

The program runs once (module fixture) through the program tests' harness (`tests/program/harness.py`),
which records each registration's inputs and property dependencies. Two views are fed to the policies:
- inputs only, linked by property dependencies: what the engine knows before anything exists;
- inputs plus the mock provider's outputs (ARNs, names): what `pulumi up` knows.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.policy.policy_harness import Spec, by_name, find, run_all, run_stack_policy

pytestmark = pytest.mark.program

if (
    importlib.util.find_spec("twinmaker_infra.workspace") is None
):  # pragma: no cover - before the program lands
    pytest.skip("the Pulumi program (twinmaker_infra) is not in this checkout", allow_module_level=True)

from tests.program.harness import FakeAws, ProgramRun, load_program, stack_config  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WORKSPACES = [{"id": "plant-a", "tags": {"site": "lyon"}}, {"id": "plant_b"}]


@pytest.fixture(scope="module")
def program() -> ProgramRun:
    return load_program(stack_config(workspaces=WORKSPACES, tags={"owner": "platform"}))


def specs_of(run: ProgramRun, *, with_outputs: bool) -> list[Spec]:
    """The program's resources as policy inputs; outputs recomputed by the same (deterministic) mocks."""
    names = {r.urn: r.name for r in run.registrations}
    assert len(set(names.values())) == len(names), "resource names must be unique to link by name"
    specs = []
    for r in run.registrations:
        props: dict[str, Any] = dict(r.inputs)
        if with_outputs and r.custom:
            resource_id, state = FakeAws().new_resource(
                SimpleNamespace(typ=r.type, name=r.name, inputs=r.inputs)
            )
            props = {**state, "id": resource_id}
        deps = {k: [names[u] for u in v if u in names] for k, v in r.property_dependencies.items()}
        specs.append(Spec(r.type, r.name, props, deps, given_urn=r.urn))
    return specs


@pytest.mark.parametrize("with_outputs", [False, True], ids=["inputs-and-dependencies", "with-outputs"])
def test_the_program_passes_every_policy(program: ProgramRun, with_outputs: bool) -> None:
    specs = specs_of(program, with_outputs=with_outputs)
    assert {s.type for s in specs} >= {
        "aws-native:iottwinmaker:SyncJob",
        "aws-native:iottwinmaker:Workspace",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:s3/bucketPolicy:BucketPolicy",
    }
    outcomes = run_all(specs)
    assert {name: (o.violations, o.unverifiable) for name, o in outcomes.items()} == {
        name: ([], []) for name in outcomes
    }


def test_a_sync_role_without_sitewise_reads_is_caught_with_the_predicted_failure(program: ProgramRun) -> None:
    specs = specs_of(program, with_outputs=True)
    role_policy = find(specs, "plant-a-sync-role-policy")
    document = json.loads(role_policy.props["policy"])
    document["Statement"] = [
        st for st in document["Statement"] if not any(a.startswith("iotsitewise:") for a in st["Action"])
    ]
    role_policy.props["policy"] = json.dumps(document)
    job = find(specs, "plant-a-sync-job")
    role_name = find(specs, "plant-a-sync-role").props["name"]
    outcome = run_stack_policy(by_name("twinmaker-sync-role-permissions"), specs)
    assert outcome.violations == [
        (
            f"SyncJob 'plant-a-sync-job' ({job.urn}) would fail in CREATING: role {role_name} lacks "
            "iotsitewise:DescribeAsset, iotsitewise:DescribeAssetModel, iotsitewise:ListAssets, "
            "iotsitewise:ListAssetModels (needed to sync into workspace 'plant-a'). Fix: grant them in a "
            "policy of the role (inline, aws.iam.RolePolicy or an attached aws.iam.Policy): "
            "iotsitewise:DescribeAsset on arn:aws:iotsitewise:<region>:<account>:asset/*, DescribeAssetModel "
            'on ...:asset-model/*, ListAssets and ListAssetModels on "*"; the iottwinmaker actions on '
            "arn:aws:iottwinmaker:<region>:<account>:workspace/plant-a and .../workspace/plant-a/*.",
            job.urn,
        )
    ]
    assert role_name.startswith("tm-plant-a-sync-")


def test_a_role_trust_without_source_conditions_is_caught(program: ProgramRun) -> None:
    specs = specs_of(program, with_outputs=False)
    role = find(specs, "plant_b-sync-role")
    trust = json.loads(role.props["assumeRolePolicy"])
    for statement in trust["Statement"]:
        statement.pop("Condition", None)
    role.props["assumeRolePolicy"] = json.dumps(trust)
    outcome = run_all(specs)["twinmaker-role-trust-confused-deputy"]
    assert len(outcome.messages) == 1
    assert outcome.messages[0].startswith(
        f"Role 'plant_b-sync-role' ({role.urn}) trusts iottwinmaker.amazonaws.com without an "
        "aws:SourceAccount or aws:SourceArn condition in statement 0"
    )
