"""The `aws` double's package schema: the IAM, S3 and identity types this project's programs use.

The subset of pulumi-aws v7's schema that `local_cloud.aws` serves, with the real tokens, property
names and types (held to the installed `pulumi_aws` by tests/local_cloud/test_schema.py).
"""

from __future__ import annotations

from local_cloud.schema import (
    BOOLEAN,
    INTEGER,
    STRING,
    STRING_MAP,
    FunctionSchema,
    PackageSchema,
    array,
    echoing,
    ref,
    shape,
)

OWNERSHIP_RULE = "aws:s3/BucketOwnershipControlsRule:BucketOwnershipControlsRule"
SSE_RULE = "aws:s3/BucketServerSideEncryptionConfigurationRule:BucketServerSideEncryptionConfigurationRule"
SSE_DEFAULT = (
    "aws:s3/BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault:"
    "BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault"
)
VERSIONING_CONFIGURATION = (
    "aws:s3/BucketVersioningVersioningConfiguration:BucketVersioningVersioningConfiguration"
)


_ROLE_INPUTS = shape(
    {"assumeRolePolicy": STRING},
    {
        "description": STRING,
        "maxSessionDuration": INTEGER,
        "name": STRING,
        "namePrefix": STRING,
        "path": STRING,
        "tags": STRING_MAP,
    },
)
_ROLE_POLICY_INPUTS = shape({"role": STRING, "policy": STRING}, {"name": STRING, "namePrefix": STRING})
_BUCKET_INPUTS = shape(
    {}, {"bucket": STRING, "bucketPrefix": STRING, "forceDestroy": BOOLEAN, "tags": STRING_MAP}
)
_PUBLIC_ACCESS_INPUTS = shape(
    {"bucket": STRING},
    {
        "blockPublicAcls": BOOLEAN,
        "blockPublicPolicy": BOOLEAN,
        "ignorePublicAcls": BOOLEAN,
        "restrictPublicBuckets": BOOLEAN,
    },
)
_OWNERSHIP_INPUTS = shape({"bucket": STRING, "rule": ref(OWNERSHIP_RULE)})
_SSE_INPUTS = shape({"bucket": STRING, "rules": array(ref(SSE_RULE))})
_VERSIONING_INPUTS = shape({"bucket": STRING, "versioningConfiguration": ref(VERSIONING_CONFIGURATION)})
_POLICY_INPUTS = shape({"bucket": STRING, "policy": STRING})

SCHEMA = PackageSchema(
    name="aws",
    description="Test double of the AWS provider (local_cloud.aws): the types this project uses.",
    config={"region": STRING},
    resources={
        "aws:iam/role:Role": echoing(
            _ROLE_INPUTS, {"arn": STRING, "uniqueId": STRING, "createDate": STRING, "tagsAll": STRING_MAP}
        ),
        "aws:iam/rolePolicy:RolePolicy": echoing(_ROLE_POLICY_INPUTS),
        "aws:s3/bucket:Bucket": echoing(
            _BUCKET_INPUTS,
            {
                "arn": STRING,
                "bucket": STRING,
                "bucketDomainName": STRING,
                "bucketRegionalDomainName": STRING,
                "region": STRING,
                "tagsAll": STRING_MAP,
            },
        ),
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": echoing(_PUBLIC_ACCESS_INPUTS),
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls": echoing(_OWNERSHIP_INPUTS),
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": echoing(
            _SSE_INPUTS
        ),
        "aws:s3/bucketVersioning:BucketVersioning": echoing(_VERSIONING_INPUTS),
        "aws:s3/bucketPolicy:BucketPolicy": echoing(_POLICY_INPUTS),
    },
    types={
        OWNERSHIP_RULE: shape({"objectOwnership": STRING}),
        SSE_RULE: shape(
            {}, {"applyServerSideEncryptionByDefault": ref(SSE_DEFAULT), "bucketKeyEnabled": BOOLEAN}
        ),
        SSE_DEFAULT: shape({"sseAlgorithm": STRING}, {"kmsMasterKeyId": STRING}),
        VERSIONING_CONFIGURATION: shape({"status": STRING}, {"mfaDelete": STRING}),
    },
    functions={
        "aws:index/getCallerIdentity:getCallerIdentity": FunctionSchema(
            shape({}, {"id": STRING}),
            shape({"accountId": STRING, "arn": STRING, "id": STRING, "userId": STRING}),
        ),
        "aws:index/getPartition:getPartition": FunctionSchema(
            shape({}, {"id": STRING}),
            shape({"dnsSuffix": STRING, "id": STRING, "partition": STRING, "reverseDnsPrefix": STRING}),
        ),
        "aws:index/getRegion:getRegion": FunctionSchema(
            shape({}, {"endpoint": STRING, "id": STRING, "name": STRING, "region": STRING}),
            shape(
                {"description": STRING, "endpoint": STRING, "id": STRING, "name": STRING, "region": STRING}
            ),
        ),
    },
)
