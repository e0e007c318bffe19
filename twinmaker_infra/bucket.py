"""The workspace's S3 bucket and the settings a security review expects of it.

In pulumi-aws v7 `aws.s3.Bucket` is the former `BucketV2`: each setting is its own resource.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from twinmaker_infra import iam

# S3's `bucket_prefix` may be at most 37 characters; AWS appends a unique suffix.
_PREFIX_MAX = 37


@dataclass(frozen=True)
class SecureBucket:
    """The bucket and every resource that hardens it (the workspace waits for all of them)."""

    bucket: aws.s3.Bucket
    hardening: tuple[pulumi.Resource, ...]


def bucket_prefix(workspace_id: str) -> str:
    """A valid bucket-name prefix from a workspace ID (bucket names are lower case, no `_`)."""
    safe = re.sub(r"[^a-z0-9-]", "-", workspace_id.lower())
    return f"twinmaker-{safe}"[: _PREFIX_MAX - 1].rstrip("-") + "-"


def secure_bucket(
    name: str,
    *,
    workspace_id: str,
    tags: dict[str, str],
    parent: pulumi.Resource,
    protect: bool,
    retain_on_delete: bool,
) -> SecureBucket:
    """A private, encrypted, versioned bucket that only accepts TLS, owned by the bucket owner."""
    child = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(
        f"{name}-bucket",
        bucket_prefix=bucket_prefix(workspace_id),
        # Never delete a bucket that still holds workspace data: destroy fails instead (see docs).
        force_destroy=False,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=retain_on_delete),
    )
    public_access = aws.s3.BucketPublicAccessBlock(
        f"{name}-bucket-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    # One resource per S3 setting (AWS provider v6 splits them): alike by shape, each with its reason.
    ownership = aws.s3.BucketOwnershipControls(
        f"{name}-bucket-ownership",
        bucket=bucket.id,
        # ACLs off: access is decided by IAM and the bucket policy alone.
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=child,
    )
    encryption = aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-bucket-encryption",
        bucket=bucket.id,
        # SSE-KMS with the AWS managed key: no key policy for TwinMaker to need; bucket keys cut KMS calls.
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"},
                "bucket_key_enabled": True,
            }
        ],
        opts=child,
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-bucket-versioning",
        bucket=bucket.id,
        # Versions make an overwritten or deleted scene file recoverable.
        versioning_configuration={"status": "Enabled"},
        opts=child,
    )
    policy = aws.s3.BucketPolicy(
        f"{name}-bucket-policy",
        bucket=bucket.id,
        policy=bucket.arn.apply(lambda arn: json.dumps(iam.bucket_tls_only_policy(arn))),
        # S3 rejects a bucket policy while the public access block is still being applied.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[public_access]),
    )
    return SecureBucket(bucket=bucket, hardening=(public_access, ownership, encryption, versioning, policy))
