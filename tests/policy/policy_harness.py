"""Drive the pack's policies the way the Pulumi CLI does, without the CLI: build the SDK's argument
objects (`ResourceValidationArgs`, `StackValidationArgs` of `PolicyResource`s), pass a recording
`report_violation`, and keep what was reported or raised.

Properties go through `unknown_checking_proxy`, as in the SDK's analyzer, so the policies see the same
proxied mappings (and unknown sentinels) they get from the engine.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policy.policies import POLICIES
from policy.reporting import Unverifiable

ACCOUNT = "123456789012"
REGION = "eu-west-1"
UNKNOWN = UNKNOWN_STRING_VALUE
"""The SDK's sentinel for a string not known at preview."""


def urn(type_: str, name: str) -> str:
    """A URN as the engine writes it (project twinmaker-sync, stack test)."""
    return f"urn:pulumi:test::twinmaker-sync::{type_}::{name}"


def by_name(name: str) -> Policy:
    """The pack's policy called `name`."""
    return next(p for p in POLICIES if p.name == name)


@dataclass
class Spec:
    """A resource to feed to the policies: type, Pulumi name, properties, property dependencies."""

    type: str
    name: str
    props: dict[str, Any]
    deps: dict[str, list[str]] = field(default_factory=dict)  # property -> Pulumi names of resources
    given_urn: str | None = None  # the engine's URN when known (program runs), else one is made up

    @property
    def urn(self) -> str:
        return self.given_urn or urn(self.type, self.name)


@dataclass
class Outcome:
    """What one policy run reported: violations (message, urn) and the unverifiable messages it raised."""

    violations: list[tuple[str, str | None]]
    unverifiable: list[str]

    @property
    def messages(self) -> list[str]:
        return [m for m, _ in self.violations]


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def run_resource_policy(policy: Policy, spec: Spec, config: dict[str, Any] | None = None) -> Outcome:
    """Run a resource policy on one resource, as `Analyze` does."""
    assert isinstance(policy, ResourceValidationPolicy)
    args = ResourceValidationArgs(
        spec.type,
        unknown_checking_proxy(copy.deepcopy(spec.props)),
        spec.urn,
        spec.name,
        _opts(),
        None,
        config,
    )
    return _collect(lambda report: policy.validate(args, report))


def run_stack_policy(policy: Policy, specs: list[Spec], config: dict[str, Any] | None = None) -> Outcome:
    """Run a stack policy on resources, as `AnalyzeStack` does (dependencies resolved to objects)."""
    assert isinstance(policy, StackValidationPolicy)
    resources = {
        s.name: PolicyResource(
            s.type, unknown_checking_proxy(copy.deepcopy(s.props)), s.urn, s.name, _opts(), None, None, [], {}
        )
        for s in specs
    }
    for s in specs:
        resources[s.name].property_dependencies = {k: [resources[n] for n in v] for k, v in s.deps.items()}
    args = StackValidationArgs(list(resources.values()), config)
    return _collect(lambda report: policy.validate(args, report))


def _collect(run: Any) -> Outcome:
    violations: list[tuple[str, str | None]] = []
    unverifiable: list[str] = []

    def report(message: str, urn_: str | None = None) -> None:
        violations.append((message, urn_))

    try:
        assert run(report) is None, "the pack's policies are synchronous"
    except Unverifiable as exc:
        unverifiable = exc.messages
    return Outcome(violations, unverifiable)


def run_all(specs: list[Spec], config: dict[str, Any] | None = None) -> dict[str, Outcome]:
    """Every policy of the pack on `specs` (resource policies on each resource), by policy name."""
    outcomes: dict[str, Outcome] = {}
    for policy in POLICIES:
        if isinstance(policy, StackValidationPolicy):
            outcomes[policy.name] = run_stack_policy(policy, specs, config)
            continue
        merged = Outcome([], [])
        for spec in specs:
            one = run_resource_policy(policy, spec, config)
            merged.violations += one.violations
            merged.unverifiable += one.unverifiable
        outcomes[policy.name] = merged
    return outcomes


# --- A happy stack: one workspace shaped like the project's program, every output known (`pulumi up`).

WS = "plant-a"
WS_ARN = f"arn:aws:iottwinmaker:{REGION}:{ACCOUNT}:workspace/{WS}"
BUCKET = "plant-a-bucket-0123abcd"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
SYNC_ROLE = "tm-plant-a-sync-0123abcd"
SYNC_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{SYNC_ROLE}"
WS_ROLE = "tm-plant-a-ws-0123abcd"
TAGS = {"project": "twinmaker-sync", "stack": "test"}

ROLE_T = "aws:iam/role:Role"
ROLE_POLICY_T = "aws:iam/rolePolicy:RolePolicy"
SYNC_JOB_T = "aws-native:iottwinmaker:SyncJob"
WORKSPACE_T = "aws-native:iottwinmaker:Workspace"
BUCKET_T = "aws:s3/bucket:Bucket"
PAB_T = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE_T = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_POLICY_T = "aws:s3/bucketPolicy:BucketPolicy"


def trust_policy() -> dict[str, Any]:
    """The trust policy the program writes: TwinMaker, pinned to this account and workspace."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TwinMakerAssumeForThisWorkspace",
                "Effect": "Allow",
                "Principal": {"Service": "iottwinmaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": [WS_ARN, f"{WS_ARN}/*"]},
                },
            }
        ],
    }


def sync_policy() -> dict[str, Any]:
    """The AWS docs' sync-role template for workspace plant-a (with wildcards, as users write it)."""
    sitewise = f"arn:aws:iotsitewise:{REGION}:{ACCOUNT}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iotsitewise:Describe*", "Resource": [f"{sitewise}:asset/*"]},
            {
                "Effect": "Allow",
                "Action": "iotsitewise:DescribeAssetModel",
                "Resource": f"{sitewise}:asset-model/*",
            },
            {
                "Effect": "Allow",
                "Action": ["iotsitewise:ListAssets", "iotsitewise:ListAssetModels"],
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Action": [
                    "iottwinmaker:*Entity",
                    "iottwinmaker:ListEntities",
                    "iottwinmaker:*ComponentType",
                    "iottwinmaker:ListComponentTypes",
                ],
                "Resource": [WS_ARN, f"{WS_ARN}/*"],
            },
        ],
    }


def tls_policy() -> dict[str, Any]:
    """The bucket policy the program writes: deny everything not over TLS."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def happy_stack() -> list[Spec]:
    """One workspace, its hardened bucket, roles, and sync job; documents as JSON strings."""
    return [
        Spec(BUCKET_T, "plant-a-bucket", {"bucket": BUCKET, "arn": BUCKET_ARN, "tags": dict(TAGS)}),
        Spec(
            PAB_T,
            "plant-a-bucket-public-access",
            {
                "bucket": BUCKET,
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
            {"bucket": ["plant-a-bucket"]},
        ),
        Spec(
            SSE_T,
            "plant-a-bucket-encryption",
            {
                "bucket": BUCKET,
                "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}],
            },
            {"bucket": ["plant-a-bucket"]},
        ),
        Spec(
            BUCKET_POLICY_T,
            "plant-a-bucket-tls-only",
            {"bucket": BUCKET, "policy": json.dumps(tls_policy())},
            {"bucket": ["plant-a-bucket"], "policy": ["plant-a-bucket"]},
        ),
        Spec(
            ROLE_T,
            "plant-a-workspace-role",
            {
                "name": WS_ROLE,
                "arn": f"arn:aws:iam::{ACCOUNT}:role/{WS_ROLE}",
                "tags": dict(TAGS),
                "assumeRolePolicy": json.dumps(trust_policy()),
            },
        ),
        Spec(
            WORKSPACE_T,
            "plant-a-workspace",
            {
                "workspaceId": WS,
                "arn": WS_ARN,
                "s3Location": BUCKET_ARN,
                "role": f"arn:aws:iam::{ACCOUNT}:role/{WS_ROLE}",
                "tags": dict(TAGS),
            },
            {"s3Location": ["plant-a-bucket"], "role": ["plant-a-workspace-role"]},
        ),
        Spec(
            ROLE_T,
            "plant-a-sync-role",
            {
                "name": SYNC_ROLE,
                "arn": SYNC_ROLE_ARN,
                "tags": dict(TAGS),
                "assumeRolePolicy": json.dumps(trust_policy()),
            },
        ),
        Spec(
            ROLE_POLICY_T,
            "plant-a-sync-role-policy",
            {"role": SYNC_ROLE, "name": "sync", "policy": json.dumps(sync_policy())},
            {"role": ["plant-a-sync-role"]},
        ),
        Spec(
            SYNC_JOB_T,
            "plant-a-sync-job",
            {"workspaceId": WS, "syncSource": "SITEWISE", "syncRole": SYNC_ROLE_ARN, "tags": dict(TAGS)},
            {"workspaceId": ["plant-a-workspace"], "syncRole": ["plant-a-sync-role"]},
        ),
    ]


def find(specs: list[Spec], name: str) -> Spec:
    """The spec called `name`."""
    return next(s for s in specs if s.name == name)


def without(specs: list[Spec], *names: str) -> list[Spec]:
    """`specs` minus the resources called `names` (and the dependencies on them)."""
    kept = [s for s in specs if s.name not in names]
    for s in kept:
        s.deps = {k: [n for n in v if n not in names] for k, v in s.deps.items()}
    return kept
