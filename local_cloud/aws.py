"""The `aws` double: IAM roles and role policies, the S3 bucket and its hardening, three invokes.

Nothing of these exists in a local service, so they are recorded in the local account's store
(`local_cloud.store`) with the IDs and ARNs AWS would give them, and AWS's own rules where a wrong
program would trip over them: unique role and bucket names, a role policy needs its role, a bucket
setting needs its bucket, a role with policies cannot be deleted (IAM's DeleteConflict).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from local_cloud import naming
from local_cloud.aws_schema import SCHEMA
from local_cloud.provider import Props, ProviderError, ResourceKind, TableProvider
from local_cloud.store import AlreadyExists, Store

ROLE = "role"
ROLE_POLICY = "rolePolicy"
BUCKET = "bucket"

#: The bucket's settings resources (pulumi-aws v7 splits a bucket into one resource per setting).
BUCKET_SETTINGS = (
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketPolicy:BucketPolicy",
)


class AwsDouble(TableProvider):
    """The `aws` provider of the local cloud (see the module docstring)."""

    sdk_package = "pulumi_aws"

    def __init__(self, store: Store) -> None:
        self.store = store
        kinds = [
            ResourceKind(
                "aws:iam/role:Role",
                create=self._create_role,
                read=self._reader(ROLE),
                update=self._update_role,
                delete=self._delete_role,
                replace_on_change=frozenset({"name", "namePrefix", "path"}),
                auto_name=("name", "namePrefix"),
                output_only=frozenset({"arn", "uniqueId", "createDate", "tagsAll", "id"}),
            ),
            ResourceKind(
                "aws:iam/rolePolicy:RolePolicy",
                create=self._create_role_policy,
                read=self._reader(ROLE_POLICY),
                update=self._update_role_policy,
                delete=self._remover(ROLE_POLICY),
                replace_on_change=frozenset({"role", "name", "namePrefix"}),
                auto_name=("name", "namePrefix"),
            ),
            ResourceKind(
                "aws:s3/bucket:Bucket",
                create=self._create_bucket,
                read=self._reader(BUCKET),
                update=self._update_bucket,
                delete=self._delete_bucket,
                replace_on_change=frozenset({"bucket", "bucketPrefix"}),
                auto_name=("bucket", "bucketPrefix"),
                output_only=frozenset({"arn", "bucketDomainName", "bucketRegionalDomainName", "region"}),
            ),
            *(
                ResourceKind(
                    token,
                    create=self._setting_creator(token),
                    read=self._reader(token),
                    update=self._setting_updater(token),
                    delete=self._remover(token),
                    replace_on_change=frozenset({"bucket"}),
                )
                for token in BUCKET_SETTINGS
            ),
        ]
        invokes = {
            "aws:index/getCallerIdentity:getCallerIdentity": self._caller_identity,
            "aws:index/getPartition:getPartition": self._partition,
            "aws:index/getRegion:getRegion": self._region_info,
        }
        super().__init__(kinds, invokes, SCHEMA)

    # --- configuration and invokes -------------------------------------------------------------

    @property
    def region(self) -> str:
        return self.configured_region("aws")

    def _caller_identity(self, _args: Props) -> Props:
        account = naming.account_id()
        return {
            "accountId": account,
            "arn": f"arn:{naming.PARTITION}:iam::{account}:user/local-deployer",
            "userId": "AIDALOCALDEPLOYER0000",
            "id": account,
        }

    def _partition(self, _args: Props) -> Props:
        return {
            "partition": naming.PARTITION,
            "dnsSuffix": "amazonaws.com",
            "reverseDnsPrefix": "com.amazonaws",
            "id": naming.PARTITION,
        }

    def _region_info(self, args: Props) -> Props:
        region = args.get("region") or args.get("name") or self.region
        return {
            "region": region,
            "name": region,  # deprecated in v7, still answered
            "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region,
            "id": region,
        }

    # --- generic record plumbing --------------------------------------------------------------

    def _reader(self, kind: str) -> Any:
        def read(resource_id: str, _old: Props) -> Props | None:
            return self.store.get(kind, resource_id)

        return read

    def _remover(self, kind: str) -> Any:
        def delete(resource_id: str, _old: Props) -> None:
            self.store.remove(kind, resource_id)  # deleting what is gone already succeeds, as in AWS

        return delete

    # --- IAM ----------------------------------------------------------------------------------

    def _create_role(self, _name: str, inputs: Props) -> tuple[str, Props]:
        role_name = inputs.get("name") or naming.prefixed_unique_id(inputs["namePrefix"])
        _require_json_policy(inputs.get("assumeRolePolicy"), "assumeRolePolicy")
        outputs = {
            **inputs,
            "name": role_name,
            "arn": naming.iam_role_arn(role_name),
            "uniqueId": naming.unique_id("AROA"),
            "createDate": naming.iso_now(),
            "path": inputs.get("path", "/"),
            "maxSessionDuration": inputs.get("maxSessionDuration", 3600),
            "tagsAll": inputs.get("tags", {}),
        }
        try:
            self.store.add(ROLE, role_name, outputs)
        except AlreadyExists:
            raise ProviderError(
                f"creating IAM Role ({role_name}): EntityAlreadyExists: "
                f"Role with name {role_name} already exists."
            ) from None
        return role_name, outputs

    def _update_role(self, role_name: str, old: Props, new: Props) -> Props:
        _require_json_policy(new.get("assumeRolePolicy"), "assumeRolePolicy")
        outputs = {**old, **new, "name": role_name, "tagsAll": new.get("tags", {})}
        self.store.put(ROLE, role_name, outputs)
        return outputs

    def _delete_role(self, role_name: str, _old: Props) -> None:
        attached = [p for p in self.store.all().get(ROLE_POLICY, {}).values() if p.get("role") == role_name]
        if attached:
            raise ProviderError(
                f"deleting IAM Role ({role_name}): DeleteConflict: "
                "Cannot delete entity, must delete policies first."
            )
        self.store.remove(ROLE, role_name)

    def _create_role_policy(self, _name: str, inputs: Props) -> tuple[str, Props]:
        role_name, policy_name = (
            inputs["role"],
            inputs.get("name") or naming.prefixed_unique_id(inputs.get("namePrefix", "terraform-")),
        )
        if self.store.get(ROLE, role_name) is None:
            raise ProviderError(
                f"putting IAM Role ({role_name}) Policy ({policy_name}): NoSuchEntity: "
                f"The role with name {role_name} cannot be found."
            )
        _require_json_policy(inputs.get("policy"), "policy")
        resource_id = f"{role_name}:{policy_name}"
        outputs = {**inputs, "name": policy_name}
        self.store.put(ROLE_POLICY, resource_id, outputs)
        return resource_id, outputs

    def _update_role_policy(self, resource_id: str, old: Props, new: Props) -> Props:
        _require_json_policy(new.get("policy"), "policy")
        outputs = {**old, **new}
        self.store.put(ROLE_POLICY, resource_id, outputs)
        return outputs

    # --- S3 -----------------------------------------------------------------------------------

    def _create_bucket(self, _name: str, inputs: Props) -> tuple[str, Props]:
        bucket = inputs.get("bucket") or naming.prefixed_unique_id(inputs["bucketPrefix"])
        region = self.region
        outputs = {
            **inputs,
            "bucket": bucket,
            "arn": naming.s3_bucket_arn(bucket),
            "bucketDomainName": f"{bucket}.s3.amazonaws.com",
            "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
            "region": region,
            "tagsAll": inputs.get("tags", {}),
        }
        try:
            self.store.add(BUCKET, bucket, outputs)
        except AlreadyExists:
            raise ProviderError(
                f"creating S3 Bucket ({bucket}): BucketAlreadyOwnedByYou: Your previous request to "
                "create the named bucket succeeded and you already own it."
            ) from None
        return bucket, outputs

    def _update_bucket(self, bucket: str, old: Props, new: Props) -> Props:
        outputs = {**old, **new, "bucket": bucket, "tagsAll": new.get("tags", {})}
        self.store.put(BUCKET, bucket, outputs)
        return outputs

    def _delete_bucket(self, bucket: str, _old: Props) -> None:
        settings = [token for token in BUCKET_SETTINGS if self.store.get(token, bucket) is not None]
        if settings:
            # AWS would drop them with the bucket; the engine deletes them first, so this means the
            # program lost a dependency. Say so rather than hide it.
            raise ProviderError(f"deleting S3 Bucket ({bucket}): settings still recorded: {settings}")
        self.store.remove(BUCKET, bucket)

    def _setting_creator(self, token: str) -> Any:
        def create(_name: str, inputs: Props) -> tuple[str, Props]:
            bucket = inputs["bucket"]
            if self.store.get(BUCKET, bucket) is None:
                what = token.rsplit(":", 1)[-1]
                raise ProviderError(
                    f"creating {what} ({bucket}): NoSuchBucket: The specified bucket does not exist"
                )
            if token.endswith("BucketPolicy"):
                _require_json_policy(inputs.get("policy"), "policy")
            self.store.put(token, bucket, dict(inputs))
            return bucket, dict(inputs)

        return create

    def _setting_updater(self, token: str) -> Any:
        def update(bucket: str, old: Props, new: Props) -> Props:
            outputs = {**old, **new}
            self.store.put(token, bucket, outputs)
            return outputs

        return update


def _require_json_policy(document: Any, name: str) -> None:
    """IAM and S3 reject a policy that is not a JSON object: MalformedPolicyDocument."""
    try:
        parsed = json.loads(document) if isinstance(document, str) else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ProviderError(f"MalformedPolicyDocument: `{name}` is not a JSON policy document")


def main() -> None:
    from local_cloud.server import serve  # noqa: PLC0415

    double = AwsDouble(Store.from_environment())
    serve(sys.argv[1:], double.version(), double)


if __name__ == "__main__":
    main()
