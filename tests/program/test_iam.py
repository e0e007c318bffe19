"""Every trust and permission document the program writes, asserted in full and linted by parliament."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from parliament import analyze_policy_string  # type: ignore[import-untyped]

from tests.program.harness import ACCOUNT, REGION, ProgramRun, load_program, stack_config
from twinmaker_infra import outputs as keys
from twinmaker_infra.bucket import bucket_prefix
from twinmaker_infra.workspace import role_name_prefix

pytestmark = pytest.mark.program

ROOT = Path(__file__).resolve().parents[2]
IDS = ("plant-a", "plant_b")
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return load_program(stack_config(workspaces=[{"id": i} for i in IDS]))


def lint(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """parliament's findings (its community auditors included); an empty list means clean."""
    policy = analyze_policy_string(json.dumps(document), include_community_auditors=True)
    return [(f.issue, f.detail) for f in policy.findings]


def workspace_arn(ws: str) -> str:
    return f"arn:aws:iottwinmaker:{REGION}:{ACCOUNT}:workspace/{ws}"


def bucket_arn(run: ProgramRun, ws: str) -> str:
    arn: str = run.outputs[keys.WORKSPACES][ws][keys.WS_BUCKET_ARN]
    return arn


@pytest.mark.parametrize("ws", IDS)
@pytest.mark.parametrize("role", ["-workspace-role", "-sync-role"])
def test_roles_trust_only_twinmaker_for_this_workspace_in_this_account(
    run: ProgramRun, ws: str, role: str
) -> None:
    # parliament lints identity and resource policies only, not trust policies: asserted in full instead.
    assert run.policy(ROLE, ws + role, "assumeRolePolicy") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TwinMakerAssumeForThisWorkspace",
                "Effect": "Allow",
                "Principal": {"Service": "iottwinmaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": [workspace_arn(ws), workspace_arn(ws) + "/*"]},
                },
            }
        ],
    }


@pytest.mark.parametrize("ws", IDS)
def test_workspace_role_may_use_its_own_bucket_only(run: ProgramRun, ws: str) -> None:
    bucket = bucket_arn(run, ws)
    document = run.policy(ROLE_POLICY, ws + "-workspace-role-policy")
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadWorkspaceBucket",
                "Effect": "Allow",
                "Action": ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:ListBucket"],
                "Resource": bucket,
            },
            {
                "Sid": "ReadWriteWorkspaceObjects",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"{bucket}/*",
            },
            {
                "Sid": "DeleteWorkspaceMarker",
                "Effect": "Allow",
                "Action": "s3:DeleteObject",
                "Resource": f"{bucket}/DO_NOT_DELETE_WORKSPACE_*",
            },
        ],
    }
    assert lint(document) == []


@pytest.mark.parametrize("ws", IDS)
def test_sync_role_reads_sitewise_and_writes_only_into_its_workspace(run: ProgramRun, ws: str) -> None:
    sitewise = f"arn:aws:iotsitewise:{REGION}:{ACCOUNT}"
    document = run.policy(ROLE_POLICY, ws + "-sync-role-policy")
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SiteWiseAssetRead",
                "Effect": "Allow",
                "Action": [
                    "iotsitewise:DescribeAsset",
                    "iotsitewise:DescribeAssetCompositeModel",
                    "iotsitewise:ListAssetProperties",
                    "iotsitewise:ListAssociatedAssets",
                ],
                "Resource": f"{sitewise}:asset/*",
            },
            {
                "Sid": "SiteWiseAssetModelRead",
                "Effect": "Allow",
                "Action": [
                    "iotsitewise:DescribeAssetModel",
                    "iotsitewise:ListAssetModelCompositeModels",
                    "iotsitewise:ListAssetModelProperties",
                ],
                "Resource": f"{sitewise}:asset-model/*",
            },
            {
                "Sid": "SiteWiseList",
                "Effect": "Allow",
                "Action": ["iotsitewise:ListAssetModels", "iotsitewise:ListAssets"],
                "Resource": "*",
            },
            {
                "Sid": "TwinMakerSyncIntoThisWorkspace",
                "Effect": "Allow",
                "Action": [
                    "iottwinmaker:CreateComponentType",
                    "iottwinmaker:CreateEntity",
                    "iottwinmaker:DeleteComponentType",
                    "iottwinmaker:DeleteEntity",
                    "iottwinmaker:GetComponentType",
                    "iottwinmaker:GetEntity",
                    "iottwinmaker:GetWorkspace",
                    "iottwinmaker:ListComponentTypes",
                    "iottwinmaker:ListEntities",
                    "iottwinmaker:UpdateComponentType",
                    "iottwinmaker:UpdateEntity",
                ],
                "Resource": [workspace_arn(ws), workspace_arn(ws) + "/*"],
            },
        ],
    }
    assert lint(document) == []


@pytest.mark.parametrize("ws", IDS)
def test_bucket_policy_denies_every_request_without_tls(run: ProgramRun, ws: str) -> None:
    bucket = bucket_arn(run, ws)
    document = run.policy(BUCKET_POLICY, ws + "-bucket-policy")
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket, f"{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
    assert lint(document) == []


def test_only_sitewise_list_actions_use_a_star_resource(run: ProgramRun) -> None:
    """No `*` where the action accepts an ARN: the one `*` statement holds only ARN-less list calls."""
    for ws in IDS:
        for name in (ws + "-sync-role-policy", ws + "-workspace-role-policy"):
            for statement in run.policy(ROLE_POLICY, name)["Statement"]:
                if statement["Resource"] == "*":
                    assert statement["Action"] == ["iotsitewise:ListAssetModels", "iotsitewise:ListAssets"]


def test_each_workspace_gets_documents_of_its_own() -> None:
    """Two workspaces never share an ARN: no role can reach the other workspace or its bucket."""
    run = load_program(stack_config(workspaces=[{"id": i} for i in IDS]))
    a, b = (json.dumps(run.policy(ROLE_POLICY, f"{ws}-sync-role-policy")) for ws in IDS)
    assert workspace_arn("plant_b") not in a
    assert workspace_arn("plant-a") not in b
    assert bucket_arn(run, "plant_b") not in json.dumps(
        run.policy(ROLE_POLICY, "plant-a-workspace-role-policy")
    )


def test_linter_catches_a_star_resource() -> None:
    """The lint is live: the same statement with `*` for a resource-scoped action is a finding."""
    bad = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iottwinmaker:CreateEntity", "Resource": "*"}],
    }
    assert lint(bad)


def test_gate_ci_policy_is_minimal_and_clean() -> None:
    document = json.loads((ROOT / "iam" / "gate-ci-policy.json").read_text())
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadTwinMakerSyncJobs",
                "Effect": "Allow",
                # GetWorkspace tells a missing workspace from a job not visible yet; without it the
                # gate still works, and waits out the not-found grace instead.
                "Action": [
                    "iottwinmaker:GetSyncJob",
                    "iottwinmaker:GetWorkspace",
                    "iottwinmaker:ListSyncResources",
                ],
                # Both actions require the workspace and the sync-job resource types; the account is
                # a placeholder (AWS's documentation account) that users replace.
                "Resource": [
                    "arn:aws:iottwinmaker:*:111122223333:workspace/*",
                    "arn:aws:iottwinmaker:*:111122223333:workspace/*/sync-job/*",
                ],
            }
        ],
    }
    assert lint(document) == []


#: What parliament reports on the deployer's policy that no policy for this program can avoid: it creates
#: roles and writes their inline policies (permissions management), and it writes the workspace bucket's
#: policy, which could grant object access the deployer lacks itself (resource policy escalation).
#: Scoped by name prefix (`tm-*` roles, `twinmaker-*` buckets) and by iam:PassedToService instead.
DEPLOYER_INHERENT = {
    ("PERMISSIONS_MANAGEMENT_ACTIONS", ""),
    *(
        (
            "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
            f"Possible resource policy privilege escalation on arn:aws:s3:::twinmaker-* due to s3:{action} "
            "not being allowed, but does allow s3:PutBucketPolicy",
        )
        for action in ("GetObject", "PutObject", "DeleteObject")
    ),
}


def deployer_policy() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((ROOT / "iam" / "deployer-policy.json").read_text())
    return document


def test_deployer_policy_lints_clean_but_for_what_deploying_roles_and_buckets_needs() -> None:
    assert set(lint(deployer_policy())) == DEPLOYER_INHERENT


def test_deployer_policy_covers_what_pulumi_up_of_this_program_calls() -> None:
    statements = {s["Sid"]: s for s in deployer_policy()["Statement"]}
    actions = {
        a
        for s in statements.values()
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    # aws-native creates the workspace and the sync job through Cloud Control (IAM prefix cloudformation).
    assert {"cloudformation:CreateResource", "cloudformation:GetResourceRequestStatus"} <= actions
    assert {
        "iottwinmaker:CreateWorkspace",
        "iottwinmaker:CreateSyncJob",
        "iottwinmaker:DeleteSyncJob",
    } <= actions
    # the gate (the stack gate, or the SyncJobGate plugin the engine starts) runs as the deployer
    assert {
        "iottwinmaker:GetSyncJob",
        "iottwinmaker:ListSyncResources",
        "iottwinmaker:GetWorkspace",
    } <= actions
    assert {"iam:CreateRole", "iam:PutRolePolicy", "s3:CreateBucket", "s3:PutBucketPolicy"} <= actions
    passing = statements["PassRolesToTwinMakerOnly"]
    assert passing["Action"] == "iam:PassRole"
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "iottwinmaker.amazonaws.com"}}
    # the names the program gives its roles and buckets are what the policy allows
    assert role_name_prefix("plant-a", "sync").startswith("tm-")
    assert bucket_prefix("plant-a").startswith("twinmaker-")


def test_the_deployer_lint_is_live() -> None:
    """A broader statement is a new finding, so the allowance above cannot hide a regression."""
    document = deployer_policy()
    document["Statement"].append(
        {"Effect": "Allow", "Action": "iottwinmaker:DeleteWorkspace", "Resource": "*"}
    )
    new = [finding for finding in lint(document) if finding not in list(DEPLOYER_INHERENT)]
    assert new == [("RESOURCE_STAR", ["iottwinmaker:DeleteWorkspace"])]
