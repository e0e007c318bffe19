"""The `aws-native` double's package schema: `iottwinmaker:Workspace` and `iottwinmaker:SyncJob`.

The subset of pulumi-aws-native's schema that `local_cloud.aws_native` serves, with the real tokens,
property names and types (held to the installed `pulumi_aws_native` by tests/local_cloud/test_schema.py).
"""

from __future__ import annotations

from local_cloud.schema import STRING, STRING_MAP, PackageSchema, echoing, shape

_WORKSPACE_INPUTS = shape(
    {"role": STRING, "s3Location": STRING, "workspaceId": STRING},
    {"description": STRING, "tags": STRING_MAP},
)
_SYNC_JOB_INPUTS = shape(
    {"syncRole": STRING, "syncSource": STRING, "workspaceId": STRING}, {"tags": STRING_MAP}
)
_TIMES = {"arn": STRING, "creationDateTime": STRING, "updateDateTime": STRING}

SCHEMA = PackageSchema(
    name="aws-native",
    description="Test double of the AWS Cloud Control provider (local_cloud.aws_native): TwinMaker only.",
    config={"region": STRING},
    resources={
        "aws-native:iottwinmaker:Workspace": echoing(_WORKSPACE_INPUTS, _TIMES),
        "aws-native:iottwinmaker:SyncJob": echoing(_SYNC_JOB_INPUTS, {**_TIMES, "state": STRING}),
    },
)
