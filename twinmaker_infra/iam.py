"""IAM documents as plain dicts, one small named helper each, so tests can assert and lint every one.

Every helper takes resolved strings (partition, region, account, IDs, ARNs), never Pulumi outputs:
the component resolves the outputs once with `Output.all(...).apply(...)` and calls these.
Least privilege: no `*` resource where the action supports a resource ARN (the exceptions are
commented where they are).
"""

from __future__ import annotations

from typing import Any

PolicyDocument = dict[str, Any]

TWINMAKER_SERVICE = "iottwinmaker.amazonaws.com"
VERSION = "2012-10-17"

#: SiteWise reads a TwinMaker sync job needs (AWS IoT TwinMaker guide, "Using a custom workspace",
#: and the AWSIoTTwinMakerServiceRolePolicy managed policy), grouped by the resource type they accept.
SITEWISE_ASSET_READ_ACTIONS = (
    "iotsitewise:DescribeAsset",
    "iotsitewise:DescribeAssetCompositeModel",
    "iotsitewise:ListAssetProperties",
    "iotsitewise:ListAssociatedAssets",
)
SITEWISE_ASSET_MODEL_READ_ACTIONS = (
    "iotsitewise:DescribeAssetModel",
    "iotsitewise:ListAssetModelCompositeModels",
    "iotsitewise:ListAssetModelProperties",
)
#: `ListAssetModels` has no resource type; an unfiltered `ListAssets` (no asset model given, which is
#: how the sync job lists) is authorised against `*` too. AWS's own managed policy grants both on `*`.
SITEWISE_LIST_ACTIONS = ("iotsitewise:ListAssetModels", "iotsitewise:ListAssets")

#: TwinMaker writes the sync job makes in its workspace (entities and component types it mirrors).
TWINMAKER_SYNC_ACTIONS = (
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
)

#: What the workspace role needs on its bucket (AWS IoT TwinMaker guide, "service role"): read the
#: bucket's settings, list it, read and write objects. Delete is limited to the marker object the
#: service writes when a workspace is created and removes when it is deleted.
S3_BUCKET_ACTIONS = (
    "s3:GetBucketAcl",
    "s3:GetBucketLocation",
    "s3:ListBucket",
)
S3_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject")
S3_WORKSPACE_MARKER = "DO_NOT_DELETE_WORKSPACE_*"


def workspace_arn(partition: str, region: str, account_id: str, workspace_id: str) -> str:
    """The ARN of a TwinMaker workspace."""
    return f"arn:{partition}:iottwinmaker:{region}:{account_id}:workspace/{workspace_id}"


def twinmaker_trust_policy(account_id: str, workspace_arn_: str) -> PolicyDocument:
    """Who may assume a workspace or sync role: TwinMaker only, and only for this workspace.

    `aws:SourceAccount` and `aws:SourceArn` stop the confused deputy (another account's workspace
    asking TwinMaker to use our role). `ArnLike` on the workspace and its children covers calls made
    for the workspace itself and for its sync job (`workspace/ID/sync-job/...`).
    """
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "TwinMakerAssumeForThisWorkspace",
                "Effect": "Allow",
                "Principal": {"Service": TWINMAKER_SERVICE},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": [workspace_arn_, f"{workspace_arn_}/*"]},
                },
            }
        ],
    }


# Each document in a helper of its own (alike by shape: policy documents are), so tests and the linter
# check each one by name.
def workspace_role_policy(bucket_arn: str) -> PolicyDocument:
    """The workspace role's permissions: its own bucket and its objects, nothing else."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "ReadWorkspaceBucket",
                "Effect": "Allow",
                "Action": list(S3_BUCKET_ACTIONS),
                "Resource": bucket_arn,
            },
            {
                "Sid": "ReadWriteWorkspaceObjects",
                "Effect": "Allow",
                "Action": list(S3_OBJECT_ACTIONS),
                "Resource": f"{bucket_arn}/*",
            },
            {
                "Sid": "DeleteWorkspaceMarker",
                "Effect": "Allow",
                "Action": "s3:DeleteObject",
                "Resource": f"{bucket_arn}/{S3_WORKSPACE_MARKER}",
            },
        ],
    }


def sync_role_policy(partition: str, region: str, account_id: str, workspace_id: str) -> PolicyDocument:
    """The sync role's permissions: read SiteWise assets and models, write into this workspace only."""
    sitewise = f"arn:{partition}:iotsitewise:{region}:{account_id}"
    workspace = workspace_arn(partition, region, account_id, workspace_id)
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "SiteWiseAssetRead",
                "Effect": "Allow",
                "Action": list(SITEWISE_ASSET_READ_ACTIONS),
                "Resource": f"{sitewise}:asset/*",
            },
            {
                "Sid": "SiteWiseAssetModelRead",
                "Effect": "Allow",
                "Action": list(SITEWISE_ASSET_MODEL_READ_ACTIONS),
                "Resource": f"{sitewise}:asset-model/*",
            },
            {
                # These list calls accept no resource ARN (see SITEWISE_LIST_ACTIONS): `*` is the only form.
                "Sid": "SiteWiseList",
                "Effect": "Allow",
                "Action": list(SITEWISE_LIST_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "TwinMakerSyncIntoThisWorkspace",
                "Effect": "Allow",
                "Action": list(TWINMAKER_SYNC_ACTIONS),
                "Resource": [workspace, f"{workspace}/*"],
            },
        ],
    }


def bucket_tls_only_policy(bucket_arn: str) -> PolicyDocument:
    """The bucket's resource policy: refuse every request that is not over TLS."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
