"""Stack output keys, shared by the program (`__main__.py`), its component's `register_outputs` and
its tests.

The `syncJobs` keys are what the gate reads (docs/gate.md, "Targets": `pulumi stack output --json |
python -m validators wait --pulumi-outputs -` reads exactly them), so they are defined once, in
`validators.names`, and only re-exported here.
"""

from __future__ import annotations

from validators.names import JOB_ARN, JOB_REGION, JOB_SYNC_SOURCE, JOB_WORKSPACE_ID, SYNC_JOBS

__all__ = [
    "JOB_ARN",
    "JOB_REGION",
    "JOB_SYNC_SOURCE",
    "JOB_WORKSPACE_ID",
    "SYNC_JOBS",
    "WORKSPACES",
    "WS_ARN",
    "WS_BUCKET_ARN",
    "WS_BUCKET_NAME",
    "WS_ROLE_ARN",
    "WS_SYNC_JOB_ARN",
    "WS_SYNC_ROLE_ARN",
]

#: Per-workspace details, keyed by workspace ID.
WORKSPACES = "workspaces"

# Keys of one `workspaces` item (and of the TwinMakerWorkspace component's registered outputs).
WS_ARN = "workspaceArn"
WS_BUCKET_NAME = "bucketName"
WS_BUCKET_ARN = "bucketArn"
WS_ROLE_ARN = "workspaceRoleArn"
WS_SYNC_ROLE_ARN = "syncRoleArn"
WS_SYNC_JOB_ARN = "syncJobArn"
