"""A user's own Python program gated with the public API only (`twinmaker_sync_gate.pulumi`), as
docs/plugin.md shows it: its own workspace and sync job, one `gate_stack` call with the defaults."""

import pulumi
import pulumi_aws_native as aws_native
from twinmaker_sync_gate.pulumi import GatedJob, gate_stack

workspace = aws_native.iottwinmaker.Workspace(
    "line-1",
    workspace_id="line-1",
    role="arn:aws:iam::123456789012:role/twinmaker",
    s3_location="arn:aws:s3:::line-1-bucket",
)
job = aws_native.iottwinmaker.SyncJob(
    "line-1-sync",
    workspace_id=workspace.workspace_id,
    sync_role="arn:aws:iam::123456789012:role/sync",
    sync_source="SITEWISE",
)
pulumi.export("gate", gate_stack([GatedJob(job, job.workspace_id)]))
