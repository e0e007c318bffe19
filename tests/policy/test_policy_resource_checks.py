"""Resource policies: the sync job's source, and confused-deputy conditions on TwinMaker roles."""

from __future__ import annotations

import json

import pytest

from tests.policy.policy_harness import (
    ROLE_T,
    SYNC_JOB_T,
    UNKNOWN,
    Spec,
    by_name,
    find,
    happy_stack,
    run_resource_policy,
    trust_policy,
)

SOURCE = by_name("twinmaker-sync-source-supported")
TRUST = by_name("twinmaker-role-trust-confused-deputy")
JOB_URN = "urn:pulumi:test::twinmaker-sync::aws-native:iottwinmaker:SyncJob::plant-a-sync-job"
TWINMAKER = "iottwinmaker.amazonaws.com"
ROLE_URN = "urn:pulumi:test::twinmaker-sync::aws:iam/role:Role::plant-a-sync-role"
TRUST_FIX = (
    'Fix: add "Condition": {"StringEquals": {"aws:SourceAccount": "<account-id>"}, "ArnLike": '
    '{"aws:SourceArn": "arn:aws:iottwinmaker:<region>:<account-id>:workspace/*"}} to every statement '
    "that trusts iottwinmaker.amazonaws.com."
)


def job() -> Spec:
    return find(happy_stack(), "plant-a-sync-job")


def sync_role(trust: object) -> Spec:
    role = find(happy_stack(), "plant-a-sync-role")
    role.props["assumeRolePolicy"] = trust
    return role


def test_sitewise_source_passes() -> None:
    outcome = run_resource_policy(SOURCE, job())
    assert (outcome.violations, outcome.unverifiable) == ([], [])


def test_unsupported_source_is_a_violation_that_names_the_job_and_the_fix() -> None:
    spec = job()
    spec.props["syncSource"] = "OPCUA"
    assert run_resource_policy(SOURCE, spec).messages == [
        f"SyncJob 'plant-a-sync-job' ({JOB_URN}) has syncSource 'OPCUA', which IoT TwinMaker does not "
        "support: the sync job would fail at once. Set syncSource to one of: SITEWISE."
    ]


def test_source_is_case_sensitive_like_the_service() -> None:
    spec = job()
    spec.props["syncSource"] = "sitewise"
    assert len(run_resource_policy(SOURCE, spec).violations) == 1


def test_supported_sources_come_from_config() -> None:
    spec = job()
    spec.props["syncSource"] = "OPCUA"
    outcome = run_resource_policy(SOURCE, spec, {"supportedSyncSources": ["SITEWISE", "OPCUA"]})
    assert outcome.violations == []


def test_unknown_source_is_unverifiable_not_a_violation() -> None:
    spec = job()
    spec.props["syncSource"] = UNKNOWN
    outcome = run_resource_policy(SOURCE, spec)
    assert outcome.violations == []
    assert outcome.unverifiable == [
        f"SyncJob 'plant-a-sync-job' ({JOB_URN}): syncSource is not known until apply; it must be one of: "
        "SITEWISE."
    ]


def test_unknown_source_is_a_violation_with_fail_on_unknown() -> None:
    spec = job()
    spec.props["syncSource"] = UNKNOWN
    outcome = run_resource_policy(SOURCE, spec, {"failOnUnknown": True})
    assert outcome.unverifiable == []
    assert len(outcome.violations) == 1


def test_source_policy_ignores_other_types() -> None:
    spec = Spec(ROLE_T, "r", {"syncSource": "NOPE"})
    assert run_resource_policy(SOURCE, spec).violations == []


@pytest.mark.parametrize("as_json", [True, False], ids=["json-string", "dict"])
def test_trust_with_source_conditions_passes(as_json: bool) -> None:
    trust = trust_policy()
    outcome = run_resource_policy(TRUST, sync_role(json.dumps(trust) if as_json else trust))
    assert (outcome.violations, outcome.unverifiable) == ([], [])


def test_trust_without_conditions_is_a_violation() -> None:
    trust = trust_policy()
    del trust["Statement"][0]["Condition"]
    assert run_resource_policy(TRUST, sync_role(json.dumps(trust))).messages == [
        f"Role 'plant-a-sync-role' ({ROLE_URN}) trusts iottwinmaker.amazonaws.com without an "
        "aws:SourceAccount or aws:SourceArn condition in statement 0 "
        "(Sid 'TwinMakerAssumeForThisWorkspace'), so another account's workspace could make the service "
        "assume it (confused deputy). " + TRUST_FIX
    ]


def test_one_condition_key_is_enough() -> None:
    trust = trust_policy()
    del trust["Statement"][0]["Condition"]["ArnLike"]
    assert run_resource_policy(TRUST, sync_role(trust)).violations == []


def test_every_trusting_statement_needs_the_condition() -> None:
    trust = trust_policy()
    trust["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"Service": ["iottwinmaker.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    )
    (message,) = run_resource_policy(TRUST, sync_role(trust)).messages
    assert "condition in statement 1, so another account's" in message


@pytest.mark.parametrize(
    "condition",
    [
        {"StringNotEquals": {"aws:SourceAccount": "123456789012"}},
        {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}},
        {"StringLike": {"aws:SourceArn": "*"}},
        {"StringEquals": {"aws:PrincipalAccount": "123456789012"}},
    ],
    ids=["negated", "if-exists", "wildcard-only", "other-key"],
)
def test_conditions_that_do_not_pin_the_caller_do_not_count(condition: dict[str, object]) -> None:
    trust = trust_policy()
    trust["Statement"][0]["Condition"] = condition
    assert len(run_resource_policy(TRUST, sync_role(trust)).violations) == 1


def test_condition_keys_are_case_insensitive_and_values_may_be_unknown() -> None:
    trust = trust_policy()
    trust["Statement"][0]["Condition"] = {"StringEquals": {"AWS:sourceaccount": UNKNOWN}}
    assert run_resource_policy(TRUST, sync_role(trust)).violations == []


def test_roles_not_trusting_twinmaker_are_ignored() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
    }
    assert run_resource_policy(TRUST, sync_role(trust)).violations == []


def test_unknown_trust_policy_is_unverifiable() -> None:
    outcome = run_resource_policy(TRUST, sync_role(UNKNOWN))
    assert outcome.violations == []
    assert outcome.unverifiable == [
        f"the trust policy of Role 'plant-a-sync-role' ({ROLE_URN}) is not known until the update runs; "
        "checked again during the update."
    ]


def test_malformed_trust_policy_is_a_violation() -> None:
    assert run_resource_policy(TRUST, sync_role("{not json")).messages == [
        f"the trust policy of Role 'plant-a-sync-role' ({ROLE_URN}) is not valid JSON (Expecting property "
        "name enclosed in double quotes at char 1): fix the assumeRolePolicy document."
    ]


def test_trust_policy_ignores_other_types() -> None:
    assert run_resource_policy(TRUST, Spec(SYNC_JOB_T, "j", {"assumeRolePolicy": "{}"})).violations == []
