"""The aws double: AWS's naming, uniqueness and dependency rules, and the engine-facing semantics."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    InvokeRequest,
    ReadRequest,
)

from local_cloud.aws import AwsDouble
from local_cloud.provider import ProviderError
from local_cloud.store import Store
from tests.local_cloud.conftest import configure, run, urn
from validators.pulumi.values import UNKNOWN, map_from_plain, map_to_plain

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
BUCKET = "aws:s3/bucket:Bucket"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


@pytest.fixture
def aws(tmp_path: Path) -> AwsDouble:
    double = AwsDouble(Store(tmp_path / "account.json"))
    configure(double, region="eu-west-1")
    return double


def create(double: AwsDouble, token: str, resource: str, /, **inputs: Any) -> tuple[str, dict[str, Any]]:
    response = run(double.create(CreateRequest(urn(token, resource), map_from_plain(inputs), 60, False)))
    assert response.resource_id is not None
    return response.resource_id, map_to_plain(response.properties)


def delete(double: AwsDouble, token: str, resource_id: str, outputs: dict[str, Any]) -> None:
    run(double.delete(DeleteRequest(urn(token, "x"), resource_id, map_from_plain(outputs), 60)))


def test_configure_turns_preview_creates_off() -> None:
    response = configure(AwsDouble(Store(None)), region="us-east-1")
    assert response.supports_preview is False


def test_role_from_a_name_prefix_gets_a_26_character_suffix_and_its_arn(aws: AwsDouble) -> None:
    role_id, outputs = create(aws, ROLE, "r", namePrefix="tm-plant-a-ws-", assumeRolePolicy=TRUST)
    assert re.fullmatch(r"tm-plant-a-ws-[0-9a-f]{26}", role_id)
    assert outputs["name"] == role_id
    assert outputs["arn"] == f"arn:aws:iam::123456789012:role/{role_id}"
    assert outputs["uniqueId"].startswith("AROA")


def test_two_roles_of_one_name_are_refused_as_in_iam(aws: AwsDouble) -> None:
    create(aws, ROLE, "a", name="same", assumeRolePolicy=TRUST)
    with pytest.raises(ProviderError, match="EntityAlreadyExists"):
        create(aws, ROLE, "b", name="same", assumeRolePolicy=TRUST)


def test_a_policy_that_is_not_json_is_malformed(aws: AwsDouble) -> None:
    with pytest.raises(ProviderError, match="MalformedPolicyDocument"):
        create(aws, ROLE, "a", name="r", assumeRolePolicy="not json")


def test_a_role_policy_needs_its_role_and_the_role_cannot_go_before_it(aws: AwsDouble) -> None:
    with pytest.raises(ProviderError, match="NoSuchEntity"):
        create(aws, ROLE_POLICY, "p", role="missing", name="p", policy=TRUST)
    role_id, role = create(aws, ROLE, "r", name="r", assumeRolePolicy=TRUST)
    policy_id, policy = create(aws, ROLE_POLICY, "p", role=role_id, name="p", policy=TRUST)
    assert policy_id == "r:p"
    with pytest.raises(ProviderError, match="DeleteConflict"):
        delete(aws, ROLE, role_id, role)
    delete(aws, ROLE_POLICY, policy_id, policy)
    delete(aws, ROLE, role_id, role)
    assert aws.store.all() == {"role": {}, "rolePolicy": {}}


def test_bucket_settings_need_the_bucket_and_destroy_empties_the_account(aws: AwsDouble) -> None:
    with pytest.raises(ProviderError, match="NoSuchBucket"):
        create(aws, ENCRYPTION, "e", bucket="nope", rules=[])
    bucket_id, bucket = create(aws, BUCKET, "b", bucketPrefix="tm-plant-a-")
    assert bucket["arn"] == f"arn:aws:s3:::{bucket_id}"
    assert bucket["bucketRegionalDomainName"] == f"{bucket_id}.s3.eu-west-1.amazonaws.com"
    setting_id, setting = create(aws, ENCRYPTION, "e", bucket=bucket_id, rules=[])
    with pytest.raises(ProviderError, match="settings still recorded"):
        delete(aws, BUCKET, bucket_id, bucket)
    delete(aws, ENCRYPTION, setting_id, setting)
    delete(aws, BUCKET, bucket_id, bucket)
    assert not any(aws.store.all().values())


def test_check_auto_names_only_when_neither_name_nor_prefix_is_given(aws: AwsDouble) -> None:
    def checked(**inputs: Any) -> dict[str, Any]:
        request = CheckRequest(urn(ROLE_POLICY, "pol"), {}, map_from_plain(inputs), b"seed")
        response = run(aws.check(request))
        assert response.inputs is not None
        return map_to_plain(response.inputs)

    assert re.fullmatch(r"pol-[0-9a-f]{7}", checked(role="r")["name"])
    assert checked(role="r") == checked(role="r")  # the engine's seed makes it stable
    assert "name" not in checked(role="r", namePrefix="p-")
    assert checked(role="r", name="given")["name"] == "given"


def diff(double: AwsDouble, token: str, old: dict[str, Any], **new: Any) -> Any:
    return run(double.diff(DiffRequest(urn(token, "x"), "id", map_from_plain(old), map_from_plain(new), [])))


def test_diff_replaces_on_force_new_inputs_and_updates_the_rest(aws: AwsDouble) -> None:
    _, role = create(aws, ROLE, "r", namePrefix="p-", description="one", assumeRolePolicy=TRUST)
    same = diff(aws, ROLE, role, namePrefix="p-", description="one", assumeRolePolicy=TRUST)
    assert same.changes is False
    updated = diff(aws, ROLE, role, namePrefix="p-", description="two", assumeRolePolicy=TRUST)
    assert (updated.changes, updated.replaces, updated.diffs) == (True, [], ["description"])
    replaced = diff(aws, ROLE, role, namePrefix="q-", description="one", assumeRolePolicy=TRUST)
    assert replaced.replaces == ["namePrefix"]
    removed = diff(aws, ROLE, role, namePrefix="p-", assumeRolePolicy=TRUST)
    assert removed.diffs == ["description"]


def test_an_unknown_force_new_input_at_preview_is_a_replacement(aws: AwsDouble) -> None:
    _, policy_role = create(aws, ROLE, "r", name="r", assumeRolePolicy=TRUST)
    _, policy = create(aws, ROLE_POLICY, "p", role="r", name="p", policy=TRUST)
    result = diff(aws, ROLE_POLICY, policy, role=UNKNOWN, name="p", policy=TRUST)
    assert result.replaces == ["role"]
    assert policy_role["name"] == "r"


def test_read_sees_what_exists_and_reports_what_is_gone(aws: AwsDouble) -> None:
    role_id, role = create(aws, ROLE, "r", name="r", assumeRolePolicy=TRUST)
    found = run(aws.read(ReadRequest(urn(ROLE, "r"), role_id, map_from_plain(role), {})))
    assert map_to_plain(found.properties)["arn"] == role["arn"]
    aws.store.remove("role", role_id)
    gone = run(aws.read(ReadRequest(urn(ROLE, "r"), role_id, map_from_plain(role), {})))
    assert gone.resource_id is None


def test_invokes_answer_like_aws(aws: AwsDouble) -> None:
    def invoke(token: str) -> dict[str, Any]:
        response = run(aws.invoke(InvokeRequest(token, {})))
        return map_to_plain(response.return_value or {})

    assert invoke("aws:index/getCallerIdentity:getCallerIdentity")["accountId"] == "123456789012"
    assert invoke("aws:index/getPartition:getPartition")["partition"] == "aws"
    assert invoke("aws:index/getRegion:getRegion")["region"] == "eu-west-1"
    with pytest.raises(ProviderError, match="does not implement aws:index/getAmi"):
        invoke("aws:index/getAmi:getAmi")


def test_a_resource_type_the_program_does_not_use_is_refused(aws: AwsDouble) -> None:
    with pytest.raises(ProviderError, match="does not implement aws:ec2/vpc:Vpc"):
        create(aws, "aws:ec2/vpc:Vpc", "v", cidrBlock="10.0.0.0/16")
