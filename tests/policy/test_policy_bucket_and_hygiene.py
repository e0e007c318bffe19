"""Stack policies: the workspace bucket's hardening, and the advisory sync-job and tag checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policy.policy_harness import (
    BUCKET,
    BUCKET_T,
    UNKNOWN,
    WORKSPACE_T,
    Spec,
    by_name,
    find,
    happy_stack,
    run_stack_policy,
    tls_policy,
    without,
)

BUCKET_POLICY = by_name("twinmaker-workspace-bucket-secure")
HAS_JOB = by_name("twinmaker-workspace-has-sync-job")
TAGGED = by_name("twinmaker-resources-tagged")
BUCKET_URN = f"urn:pulumi:test::twinmaker-sync::{BUCKET_T}::plant-a-bucket"
SUBJECT = f"Bucket 'plant-a-bucket' ({BUCKET_URN}), the bucket of workspace 'plant-a',"
WS_URN = f"urn:pulumi:test::twinmaker-sync::{WORKSPACE_T}::plant-a-workspace"
NO_PAB = (
    "does not block public access: add aws.s3.BucketPublicAccessBlock(bucket=<bucket>.id, "
    "block_public_acls=True, "
    "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)"
)
NO_SSE = (
    "has no server-side encryption configuration: add aws.s3.BucketServerSideEncryptionConfiguration("
    'bucket=<bucket>.id, rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}])'
)
NO_TLS = (
    "does not deny requests without TLS (aws:SecureTransport false): add aws.s3.BucketPolicy with "
    '{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [<bucket arn>, <bucket arn>/*], '
    '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}'
)


def test_hardened_bucket_passes() -> None:
    outcome = run_stack_policy(BUCKET_POLICY, happy_stack())
    assert (outcome.violations, outcome.unverifiable) == ([], [])


def test_missing_public_access_block_names_bucket_and_fix() -> None:
    outcome = run_stack_policy(BUCKET_POLICY, without(happy_stack(), "plant-a-bucket-public-access"))
    assert outcome.violations == [(f"{SUBJECT} {NO_PAB}.", BUCKET_URN)]


def test_one_public_access_flag_off_is_named() -> None:
    specs = happy_stack()
    find(specs, "plant-a-bucket-public-access").props["restrictPublicBuckets"] = False
    assert run_stack_policy(BUCKET_POLICY, specs).messages == [
        f"{SUBJECT} BucketPublicAccessBlock 'plant-a-bucket-public-access' (urn:pulumi:test::twinmaker-sync::"
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::plant-a-bucket-public-access) leaves "
        "restrictPublicBuckets unset or false: set all four to True."
    ]


def test_missing_encryption() -> None:
    outcome = run_stack_policy(BUCKET_POLICY, without(happy_stack(), "plant-a-bucket-encryption"))
    assert outcome.messages == [f"{SUBJECT} {NO_SSE}."]


def test_inline_encryption_on_the_bucket_counts() -> None:
    specs = without(happy_stack(), "plant-a-bucket-encryption")
    find(specs, "plant-a-bucket").props["serverSideEncryptionConfiguration"] = {
        "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
    }
    assert run_stack_policy(BUCKET_POLICY, specs).violations == []


def test_missing_tls_deny() -> None:
    outcome = run_stack_policy(BUCKET_POLICY, without(happy_stack(), "plant-a-bucket-tls-only"))
    assert outcome.messages == [f"{SUBJECT} {NO_TLS}."]


@pytest.mark.parametrize(
    "change",
    [
        {"Effect": "Allow"},
        {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}},
        {"Action": "s3:PutBucketPolicy"},
    ],
    ids=["allow-not-deny", "secure-transport-true", "one-principal-only", "object-reads-not-covered"],
)
def test_statements_that_do_not_refuse_plain_http(change: dict[str, Any]) -> None:
    doc = tls_policy()
    doc["Statement"][0].update(change)
    specs = happy_stack()
    find(specs, "plant-a-bucket-tls-only").props["policy"] = json.dumps(doc)
    assert run_stack_policy(BUCKET_POLICY, specs).messages == [f"{SUBJECT} {NO_TLS}."]


def test_every_problem_in_one_message() -> None:
    specs = without(
        happy_stack(), "plant-a-bucket-public-access", "plant-a-bucket-encryption", "plant-a-bucket-tls-only"
    )
    assert run_stack_policy(BUCKET_POLICY, specs).messages == [f"{SUBJECT} {NO_PAB}; {NO_SSE}; {NO_TLS}."]


def test_settings_found_by_bucket_name_without_dependencies() -> None:
    specs = happy_stack()
    for spec in specs:
        spec.deps = {}
    assert run_stack_policy(BUCKET_POLICY, specs).violations == []


def test_settings_of_another_bucket_do_not_count() -> None:
    specs = happy_stack()
    pab = find(specs, "plant-a-bucket-public-access")
    pab.props["bucket"], pab.deps = "someone-elses-bucket", {}
    assert run_stack_policy(BUCKET_POLICY, specs).messages == [f"{SUBJECT} {NO_PAB}."]


def test_unknown_bucket_policy_at_preview_is_unverifiable() -> None:
    specs = happy_stack()
    find(specs, "plant-a-bucket-tls-only").props["policy"] = UNKNOWN
    outcome = run_stack_policy(BUCKET_POLICY, specs)
    assert outcome.violations == []
    assert outcome.unverifiable == [
        f"{SUBJECT} cannot be checked yet: its bucket policy is not known until apply."
    ]


def test_bucket_outside_the_stack_is_unverifiable() -> None:
    specs = happy_stack()
    ws = find(specs, "plant-a-workspace")
    ws.props["s3Location"], ws.deps = "arn:aws:s3:::shared-bucket", {}
    outcome = run_stack_policy(BUCKET_POLICY, specs)
    assert outcome.unverifiable == [
        f"Workspace 'plant-a-workspace' ({WS_URN}): its bucket arn:aws:s3:::shared-bucket is not "
        "defined in this stack, so its settings cannot be read."
    ]


def test_bucket_found_from_s3_location_by_name_when_arn_output_is_absent() -> None:
    specs = happy_stack()
    del find(specs, "plant-a-bucket").props["arn"]
    find(specs, "plant-a-workspace").deps = {}
    specs = without(specs, "plant-a-bucket-encryption")
    assert run_stack_policy(BUCKET_POLICY, specs).messages == [f"{SUBJECT} {NO_SSE}."]
    assert find(specs, "plant-a-workspace").props["s3Location"] == f"arn:aws:s3:::{BUCKET}"


def test_workspace_with_sync_job_passes() -> None:
    assert run_stack_policy(HAS_JOB, happy_stack()).violations == []


def test_workspace_without_sync_job_is_advisory_violation() -> None:
    assert HAS_JOB.enforcement_level is not None and HAS_JOB.enforcement_level.value == "advisory"
    outcome = run_stack_policy(HAS_JOB, without(happy_stack(), "plant-a-sync-job"))
    assert outcome.violations == [
        (
            f"Workspace 'plant-a-workspace' ({WS_URN}) has no SyncJob: nothing mirrors SiteWise assets "
            "into it and the gate has no job to wait for. Add "
            "aws_native.iottwinmaker.SyncJob(workspace_id='plant-a', "
            "sync_source='SITEWISE', sync_role=<sync role arn>), or disable this policy for this stack.",
            WS_URN,
        )
    ]


def test_tagged_stack_passes() -> None:
    assert run_stack_policy(TAGGED, happy_stack()).violations == []


def test_untagged_resource_is_advisory_violation() -> None:
    specs = happy_stack()
    del find(specs, "plant-a-sync-role").props["tags"]
    role_urn = "urn:pulumi:test::twinmaker-sync::aws:iam/role:Role::plant-a-sync-role"
    assert run_stack_policy(TAGGED, specs).violations == [
        (
            f"Role 'plant-a-sync-role' ({role_urn}) has no tags: set tags (for example project, owner, "
            "environment) on the resource, or defaultTags on the aws provider.",
            role_urn,
        )
    ]


def test_provider_default_tags_count() -> None:
    specs = happy_stack()
    del find(specs, "plant-a-sync-role").props["tags"]
    find(specs, "plant-a-sync-role").props["tagsAll"] = {"project": "x"}
    assert run_stack_policy(TAGGED, specs).violations == []


def test_required_tag_keys_from_config() -> None:
    specs = [Spec(BUCKET_T, "b", {"bucket": "b", "tags": {"project": "x"}})]
    outcome = run_stack_policy(TAGGED, specs, {"requiredTagKeys": ["project", "owner"]})
    assert outcome.messages == [
        f"Bucket 'b' (urn:pulumi:test::twinmaker-sync::{BUCKET_T}::b) lacks the required tag keys owner: "
        "add them."
    ]
