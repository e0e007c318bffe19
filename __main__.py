"""TwinMaker workspaces with a gated SiteWise sync: config in, components out, the gate bound, exports last.

`pulumi up` fails when a sync job does not become ACTIVE: by default the program waits for every job
in one gate run (`gateMode: stack`, `validators/pulumi/stack_gate.py`); `gateMode: resource` registers
a `SyncJobGate` per job (the twinmaker-sync-gate provider plugin, `validators/pulumi/`).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from twinmaker_infra import config as stack_config
from twinmaker_infra import outputs as keys
from twinmaker_infra.workspace import SyncGateOptions, TwinMakerWorkspace, WorkspaceArgs
from validators.aws_settings import AwsSettings
from validators.pulumi import Provider as SyncGateProvider
from validators.pulumi.stack_gate import GatedJob, gate_stack

settings = stack_config.load()
region_name = stack_config.resolve_region(
    pulumi.Config("aws").get("region"), pulumi.Config("aws-native").get("region")
)

# Account and partition in IAM documents come from the provider, not from strings typed in config;
# the region is the configured one (both providers agree), else the aws provider's own (AWS_REGION).
identity = aws.get_caller_identity_output()
partition = aws.get_partition_output().partition
region: pulumi.Input[str] = region_name or aws.get_region_output().region

gate_policy = settings.gate.policy()
# No endpoint here: botocore's environment (AWS_ENDPOINT_URL_IOTTWINMAKER, AWS_PROFILE...) applies.
gate_aws = AwsSettings(region=region_name)
# The default, `stack`, waits for every job in one gate run below, without holding the engine's
# workers; `gateMode: resource` registers a SyncJobGate per job, all through one provider (one plugin
# process: one request budget, `gateMaxRps`, for every gate of the update). docs/pulumi.md, "How the
# gate waits inside `pulumi up`".
sync_gate = (
    SyncGateOptions(
        provider=SyncGateProvider("twinmaker-sync-gate", max_rps=settings.gate.max_rps, region=region_name),
        timeout=settings.gate.timeout,
        check_resources=settings.gate.check_resources,
    )
    if settings.gate.enabled and settings.gate.mode == "resource"
    else None
)

# Applied last, so `project` and `stack` always say where a resource comes from.
fixed_tags = {"project": pulumi.get_project(), "stack": pulumi.get_stack()}

workspaces = [
    TwinMakerWorkspace(
        spec.id,
        WorkspaceArgs(
            spec=spec,
            partition=partition,
            region=region,
            account_id=identity.account_id,
            tags={**settings.tags, **spec.tags, **fixed_tags},
            protect=settings.protect,
            retain_on_delete=settings.retain_on_delete,
            sync_gate=sync_gate,
        ),
    )
    for spec in settings.workspaces
]

if settings.gate.enabled and settings.gate.mode == "stack":
    # Exported so the program waits for it (and `pulumi stack output syncJobGate` shows the verdicts);
    # a failed job fails the update here, after every resource is registered.
    pulumi.export(
        "syncJobGate",
        gate_stack(
            [GatedJob(ws.sync_job, ws.workspace_id, ws.sync_source) for ws in workspaces],
            gate_policy,
            gate_aws,
        ),
    )

# With `gateMode: resource` no stack output depends on a gate: the SDK registers the stack's outputs in
# one call once every one of them is known, and a failed gate's outputs never are, so such an output
# would keep a failed update from recording `syncJobs` (tests/e2e/test_plugin_up.py). Each verdict is
# in its gate's own outputs (`pulumi stack export`).

pulumi.export(
    keys.SYNC_JOBS,
    [
        {
            keys.JOB_WORKSPACE_ID: ws.workspace_id,
            keys.JOB_SYNC_SOURCE: ws.sync_source,
            keys.JOB_REGION: region,
            keys.JOB_ARN: ws.sync_job_arn,
        }
        for ws in workspaces
    ],
)
pulumi.export(
    keys.WORKSPACES,
    {
        spec.id: {
            keys.WS_ARN: ws.workspace_arn,
            keys.WS_BUCKET_NAME: ws.bucket_name,
            keys.WS_BUCKET_ARN: ws.bucket_arn,
            keys.WS_ROLE_ARN: ws.workspace_role_arn,
            keys.WS_SYNC_ROLE_ARN: ws.sync_role_arn,
            keys.WS_SYNC_JOB_ARN: ws.sync_job_arn,
        }
        for spec, ws in zip(settings.workspaces, workspaces, strict=True)
    },
)
