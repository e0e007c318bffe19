"""Stack output keys, shared by the program, its tests and the gate's Pulumi outputs reader.

`syncJobs` is part of the contract: `pulumi stack output --json | python -m validators wait
--pulumi-outputs -` reads exactly these keys.
"""

from __future__ import annotations

#: A list of {workspaceId, syncSource, region, arn}, one per sync job.
SYNC_JOBS = "syncJobs"
#: Per-workspace details, keyed by workspace ID.
WORKSPACES = "workspaces"

# Keys of one `syncJobs` item (the contract's names).
JOB_WORKSPACE_ID = "workspaceId"
JOB_SYNC_SOURCE = "syncSource"
JOB_REGION = "region"
JOB_ARN = "arn"

# Keys of one `workspaces` item.
WS_ARN = "workspaceArn"
WS_BUCKET_NAME = "bucketName"
WS_BUCKET_ARN = "bucketArn"
WS_ROLE_ARN = "workspaceRoleArn"
WS_SYNC_ROLE_ARN = "syncRoleArn"
WS_SYNC_JOB_ARN = "syncJobArn"
