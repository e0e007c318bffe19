"""The resources of each workspace, their wiring, their hardening, their tags, and the stack's exports."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.program.harness import ACCOUNT, REGION, ProgramRun, Registration, load_program, stack_config
from twinmaker_infra import outputs as keys
from twinmaker_infra.workspace import COMPONENT_TYPE

pytestmark = pytest.mark.program

BUCKET = "aws:s3/bucket:Bucket"
PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
WORKSPACE = "aws-native:iottwinmaker:Workspace"
SYNC_JOB = "aws-native:iottwinmaker:SyncJob"
TAGGABLE = (BUCKET, ROLE, WORKSPACE, SYNC_JOB)

IDS = ("plant-a", "plant_b")
FIXED_TAGS = {"project": "twinmaker-sync", "stack": "test"}


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return load_program(
        stack_config(
            workspaces=[
                {"id": "plant-a", "description": "Line A", "tags": {"site": "lyon", "owner": "line-a"}},
                {"id": "plant_b"},
            ],
            tags={"owner": "platform", "cost-center": "4711"},
            protect="true",
            retainOnDelete="true",
        )
    )


def test_each_workspace_gets_exactly_its_resources(run: ProgramRun) -> None:
    expected = {
        COMPONENT_TYPE: [""],
        BUCKET: ["-bucket"],
        PUBLIC_ACCESS: ["-bucket-public-access"],
        OWNERSHIP: ["-bucket-ownership"],
        ENCRYPTION: ["-bucket-encryption"],
        VERSIONING: ["-bucket-versioning"],
        BUCKET_POLICY: ["-bucket-policy"],
        ROLE: ["-workspace-role", "-sync-role"],
        ROLE_POLICY: ["-workspace-role-policy", "-sync-role-policy"],
        WORKSPACE: ["-workspace"],
        SYNC_JOB: ["-sync-job"],
    }
    want = Counter(
        (t, f"{ws}{suffix}") for ws in IDS for t, suffixes in expected.items() for suffix in suffixes
    )
    assert Counter((r.type, r.name) for r in run.registrations) == want


def test_every_resource_is_a_child_of_its_workspace_component(run: ProgramRun) -> None:
    for ws in IDS:
        component = run.one(COMPONENT_TYPE, ws)
        assert component.parent.endswith("pulumi:pulumi:Stack::twinmaker-sync-test")
        children = [r for r in run.registrations if r.name.startswith(f"{ws}-")]
        assert len(children) == 12
        assert all(r.parent == component.urn for r in children), [r.urn for r in children]


@pytest.mark.parametrize("ws", IDS)
def test_workspace_is_wired_to_its_bucket_and_role(run: ProgramRun, ws: str) -> None:
    workspace = run.one(WORKSPACE, ws + "-workspace")
    bucket_arn = run.outputs[keys.WORKSPACES][ws][keys.WS_BUCKET_ARN]
    role_arn = run.outputs[keys.WORKSPACES][ws][keys.WS_ROLE_ARN]
    assert workspace.inputs["workspaceId"] == ws
    assert workspace.inputs["s3Location"] == bucket_arn
    assert workspace.inputs["role"] == role_arn
    assert role_arn.split("/")[-1].startswith(f"tm-{ws}-ws-")
    # The service needs the role's permissions and a locked-down bucket at create time.
    deps = set(workspace.dependencies)
    for type_, suffix in [
        (ROLE_POLICY, "-workspace-role-policy"),
        (PUBLIC_ACCESS, "-bucket-public-access"),
        (OWNERSHIP, "-bucket-ownership"),
        (ENCRYPTION, "-bucket-encryption"),
        (VERSIONING, "-bucket-versioning"),
        (BUCKET_POLICY, "-bucket-policy"),
    ]:
        assert run.one(type_, ws + suffix).urn in deps, suffix


@pytest.mark.parametrize("ws", IDS)
def test_sync_job_is_wired_to_its_workspace_and_sync_role(run: ProgramRun, ws: str) -> None:
    job = run.one(SYNC_JOB, ws + "-sync-job")
    assert job.inputs["workspaceId"] == ws
    assert job.inputs["syncSource"] == "SITEWISE"
    assert job.inputs["syncRole"] == run.outputs[keys.WORKSPACES][ws][keys.WS_SYNC_ROLE_ARN]
    assert job.inputs["syncRole"] != run.outputs[keys.WORKSPACES][ws][keys.WS_ROLE_ARN]


@pytest.mark.parametrize("ws", IDS)
def test_destroy_removes_the_sync_job_before_the_roles_and_policies_it_uses(run: ProgramRun, ws: str) -> None:
    """Pulumi deletes dependents first: the job depends on its role, the role's policy and the workspace."""
    job = run.one(SYNC_JOB, ws + "-sync-job")
    deps = set(job.dependencies)
    assert run.one(ROLE_POLICY, ws + "-sync-role-policy").urn in deps  # explicit: IAM propagation
    assert run.one(ROLE, ws + "-sync-role").urn in deps
    assert run.one(WORKSPACE, ws + "-workspace").urn in deps
    # and nothing depends on the job, so nothing keeps it alive past its role
    assert not [r.urn for r in run.registrations if job.urn in r.dependencies]


@pytest.mark.parametrize("ws", IDS)
def test_roles_get_their_inline_policies(run: ProgramRun, ws: str) -> None:
    for role_suffix in ("-workspace-role", "-sync-role"):
        role = run.one(ROLE, ws + role_suffix)
        policy = run.one(ROLE_POLICY, ws + role_suffix + "-policy")
        assert policy.inputs["role"] == role.inputs["namePrefix"] + "0123abcd"  # the mock's role ID
        assert role.urn in policy.dependencies
        assert len(role.inputs["namePrefix"]) <= 38


@pytest.mark.parametrize("ws", IDS)
def test_bucket_is_private_encrypted_versioned_and_owner_enforced(run: ProgramRun, ws: str) -> None:
    bucket = run.one(BUCKET, ws + "-bucket")
    bucket_id = run.outputs[keys.WORKSPACES][ws][keys.WS_BUCKET_NAME]
    assert bucket.inputs["bucketPrefix"] == f"twinmaker-{ws.replace('_', '-')}-"
    assert bucket.inputs.get("forceDestroy") is False
    block = run.one(PUBLIC_ACCESS, ws + "-bucket-public-access").inputs
    assert block["bucket"] == bucket_id
    assert all(
        block[k] is True
        for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    ownership = run.one(OWNERSHIP, ws + "-bucket-ownership").inputs
    assert ownership == {"bucket": bucket_id, "rule": {"objectOwnership": "BucketOwnerEnforced"}}
    encryption = run.one(ENCRYPTION, ws + "-bucket-encryption").inputs
    assert encryption == {
        "bucket": bucket_id,
        "rules": [
            {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}, "bucketKeyEnabled": True}
        ],
    }
    versioning = run.one(VERSIONING, ws + "-bucket-versioning").inputs
    assert versioning == {"bucket": bucket_id, "versioningConfiguration": {"status": "Enabled"}}
    policy = run.one(BUCKET_POLICY, ws + "-bucket-policy")
    assert policy.inputs["bucket"] == bucket_id
    assert run.one(PUBLIC_ACCESS, ws + "-bucket-public-access").urn in policy.dependencies


@pytest.mark.parametrize("ws", IDS)
def test_protect_and_retain_apply_to_bucket_and_workspace_only(run: ProgramRun, ws: str) -> None:
    guarded = {run.one(BUCKET, ws + "-bucket").urn, run.one(WORKSPACE, ws + "-workspace").urn}
    for r in run.registrations:
        if r.name.startswith(f"{ws}-"):
            assert (r.protect, r.retain_on_delete) == (
                (True, True) if r.urn in guarded else (False, False)
            ), r.urn


def test_protect_and_retain_are_off_by_default() -> None:
    run = load_program(stack_config(workspaces=[{"id": "solo-1"}]))
    assert not [r.urn for r in run.registrations if r.protect or r.retain_on_delete]


def test_every_taggable_resource_carries_config_workspace_and_fixed_tags(run: ProgramRun) -> None:
    expected = {
        "plant-a": {"owner": "line-a", "cost-center": "4711", "site": "lyon", **FIXED_TAGS},
        "plant_b": {"owner": "platform", "cost-center": "4711", **FIXED_TAGS},
    }
    tagged = [r for r in run.registrations if r.type in TAGGABLE]
    assert len(tagged) == 2 * 5
    for r in tagged:
        ws = next(w for w in IDS if r.name.startswith(f"{w}-"))
        # aws-native takes these tags as a plain map, like pulumi-aws.
        assert r.inputs["tags"] == expected[ws], r.urn


def test_fixed_tags_cannot_be_overridden_by_config() -> None:
    run = load_program(
        stack_config(workspaces=[{"id": "solo-1", "tags": {"stack": "prod"}}], tags={"project": "x"})
    )
    for r in run.registrations:
        if r.type in TAGGABLE:
            assert r.inputs["tags"] == FIXED_TAGS


def test_exports_list_every_sync_job_and_workspace(run: ProgramRun) -> None:
    assert run.outputs[keys.SYNC_JOBS] == [
        {
            "workspaceId": ws,
            "syncSource": "SITEWISE",
            "region": REGION,
            "arn": f"arn:aws:iottwinmaker:{REGION}:{ACCOUNT}:workspace/{ws}/sync-job/SITEWISE",
        }
        for ws in IDS
    ]
    details = run.outputs[keys.WORKSPACES]
    assert set(details) == set(IDS)
    for ws in IDS:
        assert details[ws] == {
            keys.WS_ARN: f"arn:aws:iottwinmaker:{REGION}:{ACCOUNT}:workspace/{ws}",
            keys.WS_BUCKET_NAME: f"twinmaker-{ws.replace('_', '-')}-0123abcd",
            keys.WS_BUCKET_ARN: f"arn:aws:s3:::twinmaker-{ws.replace('_', '-')}-0123abcd",
            keys.WS_ROLE_ARN: f"arn:aws:iam::{ACCOUNT}:role/tm-{ws}-ws-0123abcd",
            keys.WS_SYNC_ROLE_ARN: f"arn:aws:iam::{ACCOUNT}:role/tm-{ws}-sync-0123abcd",
            keys.WS_SYNC_JOB_ARN: f"arn:aws:iottwinmaker:{REGION}:{ACCOUNT}:workspace/{ws}/sync-job/SITEWISE",
        }


def _long_id_resources(run: ProgramRun) -> list[Registration]:
    return [r for r in run.registrations if r.type in (ROLE, BUCKET)]


def test_names_stay_within_aws_limits_for_the_longest_workspace_id() -> None:
    long_id = "W_" + "x" * 126
    run = load_program(stack_config(workspaces=[{"id": long_id}]))
    for r in _long_id_resources(run):
        if r.type == ROLE:
            assert len(r.inputs["namePrefix"]) <= 38
        else:
            prefix = r.inputs["bucketPrefix"]
            assert len(prefix) <= 37
            assert prefix == prefix.lower()
            assert "_" not in prefix
