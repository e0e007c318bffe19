"""One TwinMaker workspace with its SiteWise sync, as a single component.

Per workspace: a hardened bucket, the workspace role (S3 on that bucket only), the workspace, the sync
role (SiteWise reads, TwinMaker writes into this workspace only) and the sync job. The sync job depends
on the sync role and its policy, so `pulumi destroy` deletes the job before the permissions it runs with.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native

from twinmaker_infra import iam
from twinmaker_infra import outputs as keys
from twinmaker_infra.bucket import secure_bucket
from twinmaker_infra.config import WorkspaceSpec
from validators.pulumi import SyncJobGate, SyncJobGateArgs

COMPONENT_TYPE = "twinmaker-sync:index:Workspace"
# IAM allows at most 38 characters in a `name_prefix` (64 for the name, 26 for the unique suffix).
_ROLE_PREFIX_MAX = 38


@dataclass(frozen=True)
class WorkspaceArgs:
    """Inputs of one workspace component. `partition`, `region` and `account_id` build ARNs."""

    spec: WorkspaceSpec
    partition: pulumi.Input[str]
    region: pulumi.Input[str]
    account_id: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)  # already merged: project, workspace, fixed
    protect: bool = False
    retain_on_delete: bool = False
    #: A `SyncJobGate` resource for the sync job (`gateMode: resource`); `None`: none.
    sync_gate: SyncGateOptions | None = None


@dataclass(frozen=True)
class SyncGateOptions:
    """How the workspace's `SyncJobGate` waits: its provider (the run's request budget and region),
    its deadline (`customTimeouts` of create and update, seconds) and strictness."""

    provider: pulumi.ProviderResource
    timeout: float
    check_resources: bool = False
    region: str | None = None


def role_name_prefix(workspace_id: str, purpose: str) -> str:
    """A short, valid IAM role name prefix that still says which workspace the role is for."""
    suffix = f"-{purpose}-"
    return f"tm-{workspace_id}"[: _ROLE_PREFIX_MAX - len(suffix)] + suffix


class TwinMakerWorkspace(pulumi.ComponentResource):
    """A TwinMaker workspace, its bucket and roles, and its (gated) SiteWise sync job."""

    workspace_id: pulumi.Output[str]
    sync_source: pulumi.Output[str]
    workspace_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    workspace_role_arn: pulumi.Output[str]
    sync_role_arn: pulumi.Output[str]
    sync_job_arn: pulumi.Output[str]
    #: The SyncJob itself: the stack-level gate reports each job's verdict on it.
    sync_job: aws_native.iottwinmaker.SyncJob
    #: The job's SyncJobGate (`gateMode: resource`), else None.
    sync_gate: SyncJobGate | None

    def __init__(self, name: str, args: WorkspaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(COMPONENT_TYPE, name, None, opts)
        spec = args.spec
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)

        # Known before anything exists, so the trust policies can name the workspace they serve.
        arn = pulumi.Output.all(args.partition, args.region, args.account_id).apply(
            lambda p: iam.workspace_arn(p[0], p[1], p[2], spec.id)
        )
        trust = pulumi.Output.all(args.account_id, arn).apply(
            lambda p: json.dumps(iam.twinmaker_trust_policy(p[0], p[1]))
        )

        storage = secure_bucket(
            name,
            workspace_id=spec.id,
            tags=tags,
            parent=self,
            protect=args.protect,
            retain_on_delete=args.retain_on_delete,
        )

        workspace_role = aws.iam.Role(
            f"{name}-workspace-role",
            name_prefix=role_name_prefix(spec.id, "ws"),
            description=f"TwinMaker workspace {spec.id}: its S3 bucket only",
            assume_role_policy=trust,
            tags=tags,
            opts=child,
        )
        workspace_role_policy = aws.iam.RolePolicy(
            f"{name}-workspace-role-policy",
            role=workspace_role.id,
            policy=storage.bucket.arn.apply(lambda b: json.dumps(iam.workspace_role_policy(b))),
            opts=child,
        )
        workspace = aws_native.iottwinmaker.Workspace(
            f"{name}-workspace",
            workspace_id=spec.id,
            description=spec.description,
            role=workspace_role.arn,
            s3_location=storage.bucket.arn,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                retain_on_delete=args.retain_on_delete,
                # The service checks the role and writes to the bucket at create time: wait for the
                # role's permissions (IAM propagation) and for the bucket to be locked down first.
                depends_on=[workspace_role_policy, *storage.hardening],
            ),
        )

        # The second role, alike by shape with the workspace role on purpose: each is trusted and scoped
        # for one job (and the policy pack checks each by its name).
        sync_role = aws.iam.Role(
            f"{name}-sync-role",
            name_prefix=role_name_prefix(spec.id, "sync"),
            description=f"TwinMaker SiteWise sync into workspace {spec.id}",
            assume_role_policy=trust,
            tags=tags,
            opts=child,
        )
        sync_role_policy = aws.iam.RolePolicy(
            f"{name}-sync-role-policy",
            role=sync_role.id,
            policy=pulumi.Output.all(args.partition, args.region, args.account_id).apply(
                lambda p: json.dumps(iam.sync_role_policy(p[0], p[1], p[2], spec.id))
            ),
            opts=child,
        )
        sync_job = aws_native.iottwinmaker.SyncJob(
            f"{name}-sync-job",
            workspace_id=workspace.workspace_id,
            sync_source=spec.sync_source,
            sync_role=sync_role.arn,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                # The role ARN alone does not wait for its inline policy: without this the job can
                # start before it may read SiteWise, and fail in CREATING.
                depends_on=[sync_role_policy],
                # A workspace has at most one job per sync source (CreateSyncJob answers
                # ConflictException otherwise), so a replacement (`up --replace`, a changed input) must
                # delete the old job first: the engine's default creates the new one first, and fails.
                delete_before_replace=True,
            ),
        )

        self.sync_gate = (
            sync_job_gate(f"{name}-sync-gate", sync_job, args.sync_gate, self)
            if args.sync_gate is not None
            else None
        )

        self.workspace_id = workspace.workspace_id
        self.sync_source = sync_job.sync_source
        self.workspace_arn = workspace.arn
        self.bucket_name = storage.bucket.bucket
        self.bucket_arn = storage.bucket.arn
        self.workspace_role_arn = workspace_role.arn
        self.sync_role_arn = sync_role.arn
        self.sync_job_arn = sync_job.arn
        self.sync_job = sync_job
        self.register_outputs(
            {
                keys.JOB_WORKSPACE_ID: self.workspace_id,
                keys.JOB_SYNC_SOURCE: self.sync_source,
                keys.WS_ARN: self.workspace_arn,
                keys.WS_BUCKET_NAME: self.bucket_name,
                keys.WS_BUCKET_ARN: self.bucket_arn,
                keys.WS_ROLE_ARN: self.workspace_role_arn,
                keys.WS_SYNC_ROLE_ARN: self.sync_role_arn,
                keys.WS_SYNC_JOB_ARN: self.sync_job_arn,
            }
        )


def sync_job_gate(
    name: str, job: aws_native.iottwinmaker.SyncJob, options: SyncGateOptions, parent: pulumi.Resource
) -> SyncJobGate:
    """A `SyncJobGate` for `job`: created once the job exists, its Create waits until the job is
    ACTIVE. It takes the job's ARN, so a replaced job (a new ARN) replaces the gate, which waits again.
    The deadline is the gate's `timeout` input and, when above zero, the engine's `customTimeouts` too
    (whole seconds: the engine reads a Go duration; zero there would mean "not set")."""
    deadline = f"{math.ceil(options.timeout)}s" if options.timeout > 0 else None
    return SyncJobGate(
        name,
        SyncJobGateArgs(
            workspace_id=job.workspace_id,
            sync_source=job.sync_source,
            region=options.region,
            sync_job_arn=job.arn,
            timeout=options.timeout,
            check_resources=options.check_resources,
        ),
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=options.provider,
            custom_timeouts=pulumi.CustomTimeouts(create=deadline, update=deadline) if deadline else None,
        ),
    )
