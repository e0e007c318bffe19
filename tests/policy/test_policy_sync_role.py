"""Stack policy: a sync job's role grants the SiteWise reads and TwinMaker writes on its workspace."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policy.policy_harness import (
    ACCOUNT,
    ROLE_POLICY_T,
    SYNC_ROLE,
    UNKNOWN,
    WS_ARN,
    Spec,
    by_name,
    find,
    happy_stack,
    run_stack_policy,
    sync_policy,
    without,
)

POLICY = by_name("twinmaker-sync-role-permissions")
JOB_URN = "urn:pulumi:test::twinmaker-sync::aws-native:iottwinmaker:SyncJob::plant-a-sync-job"
JOB = f"SyncJob 'plant-a-sync-job' ({JOB_URN})"
FIX = (
    "Fix: grant them in a policy of the role (inline, aws.iam.RolePolicy or an attached aws.iam.Policy): "
    "iotsitewise:DescribeAsset on arn:aws:iotsitewise:<region>:<account>:asset/*, DescribeAssetModel on "
    '...:asset-model/*, ListAssets and ListAssetModels on "*"; the iottwinmaker actions on '
    "arn:aws:iottwinmaker:<region>:<account>:workspace/plant-a and .../workspace/plant-a/*."
)
TWINMAKER_ACTIONS = (
    "iottwinmaker:CreateEntity, iottwinmaker:UpdateEntity, iottwinmaker:DeleteEntity, "
    "iottwinmaker:GetEntity, iottwinmaker:ListEntities, iottwinmaker:CreateComponentType, "
    "iottwinmaker:UpdateComponentType, iottwinmaker:DeleteComponentType, iottwinmaker:GetComponentType, "
    "iottwinmaker:ListComponentTypes"
)


def lacks(actions: str) -> str:
    """The message the policy gives when the role lacks `actions`."""
    return (
        f"{JOB} would fail in CREATING: role {SYNC_ROLE} lacks {actions} "
        f"(needed to sync into workspace 'plant-a'). {FIX}"
    )


def with_sync_policy(document: Any) -> list[Spec]:
    """The happy stack with the sync role's RolePolicy document replaced."""
    specs = happy_stack()
    find(specs, "plant-a-sync-role-policy").props["policy"] = document
    return specs


def statements(*keep: int) -> dict[str, Any]:
    doc = sync_policy()
    doc["Statement"] = [st for i, st in enumerate(doc["Statement"]) if i in keep]
    return doc


def test_docs_template_with_wildcards_passes() -> None:
    outcome = run_stack_policy(POLICY, happy_stack())
    assert (outcome.violations, outcome.unverifiable) == ([], [])


def test_missing_sitewise_reads_predicts_the_creating_failure() -> None:
    outcome = run_stack_policy(POLICY, with_sync_policy(json.dumps(statements(3))))
    assert outcome.violations == [
        (
            lacks(
                "iotsitewise:DescribeAsset, iotsitewise:DescribeAssetModel, iotsitewise:ListAssets, "
                "iotsitewise:ListAssetModels"
            ),
            JOB_URN,
        )
    ]


def test_missing_twinmaker_writes_predicts_the_creating_failure() -> None:
    assert run_stack_policy(POLICY, with_sync_policy(statements(0, 1, 2))).messages == [
        lacks(TWINMAKER_ACTIONS)
    ]


def test_twinmaker_actions_scoped_to_another_workspace_are_lacking() -> None:
    doc = sync_policy()
    doc["Statement"][3]["Resource"] = [
        WS_ARN.replace("plant-a", "plant-b"),
        WS_ARN.replace("plant-a", "plant-b/*"),
    ]
    assert run_stack_policy(POLICY, with_sync_policy(doc)).messages == [lacks(TWINMAKER_ACTIONS)]


def test_workspace_arn_without_children_lacks_entity_access() -> None:
    doc = sync_policy()
    doc["Statement"][3]["Resource"] = WS_ARN
    assert run_stack_policy(POLICY, with_sync_policy(doc)).messages == [lacks(TWINMAKER_ACTIONS)]


@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:iottwinmaker:*:*:workspace/*",
        f"arn:aws:iottwinmaker:eu-west-1:{ACCOUNT}:workspace/plant-?*",
    ],
)
def test_wildcard_scopes_that_cover_the_workspace_pass(resource: str) -> None:
    doc = sync_policy()
    doc["Statement"][3]["Resource"] = resource
    assert run_stack_policy(POLICY, with_sync_policy(doc)).violations == []


def test_wrong_account_in_scope_is_lacking() -> None:
    doc = sync_policy()
    doc["Statement"][3]["Resource"] = "arn:aws:iottwinmaker:eu-west-1:999999999999:workspace/plant-a*"
    assert run_stack_policy(POLICY, with_sync_policy(doc)).messages == [lacks(TWINMAKER_ACTIONS)]


def test_service_wildcard_and_lowercase_actions_match() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["IOTSITEWISE:describe*", "iotsitewise:list*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "iottwinmaker:*", "Resource": f"{WS_ARN}*"},
        ],
    }
    assert run_stack_policy(POLICY, with_sync_policy(doc)).violations == []


def test_explicit_deny_wins_and_is_named() -> None:
    doc = sync_policy()
    doc["Statement"].append({"Effect": "Deny", "Action": "iotsitewise:ListAssets", "Resource": "*"})
    message = lacks("iotsitewise:ListAssets").replace(
        FIX, "An explicit Deny in the role's policies blocks iotsitewise:ListAssets: remove it. " + FIX
    )
    assert run_stack_policy(POLICY, with_sync_policy(doc)).messages == [message]


def test_conditional_deny_is_not_taken_as_denying() -> None:
    doc = sync_policy()
    doc["Statement"].append(
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    assert run_stack_policy(POLICY, with_sync_policy(doc)).violations == []


def test_not_action_allow_grants_everything_else() -> None:
    doc = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}
    assert run_stack_policy(POLICY, with_sync_policy(doc)).violations == []


def test_permissions_from_inline_policies_on_the_role() -> None:
    specs = without(happy_stack(), "plant-a-sync-role-policy")
    find(specs, "plant-a-sync-role").props["inlinePolicies"] = [
        {"name": "sync", "policy": json.dumps(sync_policy())}
    ]
    assert run_stack_policy(POLICY, specs).violations == []


def test_no_permissions_at_all_lists_every_action() -> None:
    specs = without(happy_stack(), "plant-a-sync-role-policy")
    (message,) = run_stack_policy(POLICY, specs).messages
    assert message.startswith(
        f"{JOB} would fail in CREATING: role {SYNC_ROLE} lacks iotsitewise:DescribeAsset, "
    )
    assert message.count("iotsitewise:") >= 4 and TWINMAKER_ACTIONS in message


def managed_policy_stack(attach: str) -> list[Spec]:
    """The sync permissions in an aws.iam.Policy, attached to the role in one of three ways."""
    policy_arn = f"arn:aws:iam::{ACCOUNT}:policy/tm-sync"
    specs = without(happy_stack(), "plant-a-sync-role-policy")
    specs.append(Spec("aws:iam/policy:Policy", "sync-policy", {"arn": policy_arn, "policy": sync_policy()}))
    if attach == "attachment":
        specs.append(
            Spec(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "sync-attach",
                {"role": SYNC_ROLE, "policyArn": policy_arn},
            )
        )
    elif attach == "exclusive":
        specs.append(
            Spec(
                "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                "sync-attach",
                {"roleName": SYNC_ROLE, "policyArns": [policy_arn]},
            )
        )
    else:
        find(specs, "plant-a-sync-role").props["managedPolicyArns"] = [policy_arn]
    return specs


@pytest.mark.parametrize("attach", ["attachment", "exclusive", "managedPolicyArns"])
def test_permissions_from_an_attached_managed_policy(attach: str) -> None:
    assert run_stack_policy(POLICY, managed_policy_stack(attach)).violations == []


def test_role_policy_dropped_by_role_policies_exclusive_does_not_count() -> None:
    specs = happy_stack()
    specs.append(
        Spec(
            "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
            "sync-exclusive",
            {"roleName": SYNC_ROLE, "policyNames": ["something-else"]},
        )
    )
    (message,) = run_stack_policy(POLICY, specs).messages
    assert message.startswith(f"{JOB} would fail in CREATING")


def test_managed_policy_outside_the_stack_is_unverifiable_not_lacking() -> None:
    specs = without(happy_stack(), "plant-a-sync-role-policy")
    find(specs, "plant-a-sync-role").props["managedPolicyArns"] = [
        "arn:aws:iam::aws:policy/SomeAwsManagedPolicy"
    ]
    outcome = run_stack_policy(POLICY, specs)
    assert outcome.violations == []
    (message,) = outcome.unverifiable
    assert message.startswith(
        f"{JOB}: cannot verify yet that role {SYNC_ROLE} grants iotsitewise:DescribeAsset, "
    )
    assert message.endswith(
        "on workspace 'plant-a' (managed policy arn:aws:iam::aws:policy/SomeAwsManagedPolicy: it is not "
        "defined in this stack, so the policy pack cannot read it)."
    )


def test_unknown_policy_document_at_preview_is_unverifiable_then_fails_with_config() -> None:
    specs = with_sync_policy(UNKNOWN)
    outcome = run_stack_policy(POLICY, specs)
    assert outcome.violations == []
    (message,) = outcome.unverifiable
    assert "(RolePolicy 'plant-a-sync-role-policy' (" in message and message.endswith(
        "): not known until the update runs)."
    )
    strict = run_stack_policy(POLICY, specs, {"failOnUnknown": True})
    assert strict.unverifiable == [] and strict.messages == [message]


def test_links_follow_property_dependencies_when_arns_and_names_are_unknown() -> None:
    """The first preview: role ARN, role name and RolePolicy `role` (the role's id) are all unknown."""
    specs = happy_stack()
    for name, key in [
        ("plant-a-sync-role", "arn"),
        ("plant-a-sync-role", "name"),
        ("plant-a-sync-role-policy", "role"),
        ("plant-a-sync-job", "syncRole"),
        ("plant-a-workspace", "arn"),
    ]:
        find(specs, name).props[key] = UNKNOWN
    assert run_stack_policy(POLICY, specs).violations == []
    find(specs, "plant-a-sync-role-policy").props["policy"] = json.dumps(statements(3))
    (message,) = run_stack_policy(POLICY, specs).messages
    # With the role's name unknown, the message names the role by its Pulumi name.
    assert message.startswith(
        f"{JOB} would fail in CREATING: role plant-a-sync-role lacks iotsitewise:DescribeAsset"
    )


def test_links_follow_values_when_dependencies_are_absent() -> None:
    specs = happy_stack()
    for spec in specs:
        spec.deps = {}
    find(specs, "plant-a-sync-role-policy").props["policy"] = json.dumps(statements(3))
    assert len(run_stack_policy(POLICY, specs).violations) == 1


def test_sync_role_outside_the_stack_is_unverifiable() -> None:
    specs = without(happy_stack(), "plant-a-sync-role", "plant-a-sync-role-policy")
    find(specs, "plant-a-sync-job").props["syncRole"] = f"arn:aws:iam::{ACCOUNT}:role/shared-sync"
    outcome = run_stack_policy(POLICY, specs)
    assert outcome.violations == []
    assert outcome.unverifiable == [
        f"{JOB}: its sync role arn:aws:iam::{ACCOUNT}:role/shared-sync is not defined in this stack, so the "
        "policy pack cannot read its permissions; define the role in the stack or check it by hand."
    ]


def test_malformed_document_is_reported() -> None:
    outcome = run_stack_policy(POLICY, with_sync_policy('{"Statement": '))
    assert outcome.messages[0] == (
        f"{JOB}: RolePolicy 'plant-a-sync-role-policy' (urn:pulumi:test::twinmaker-sync::{ROLE_POLICY_T}::"
        "plant-a-sync-role-policy) is not valid JSON (Expecting value at char 14); IAM would reject it. "
        "Fix the document."
    )


def test_role_policy_whose_role_cannot_be_told_makes_a_lack_unverifiable() -> None:
    specs = with_sync_policy(json.dumps(statements(3)))
    extra = Spec(ROLE_POLICY_T, "mystery-policy", {"role": UNKNOWN, "policy": json.dumps(sync_policy())})
    outcome = run_stack_policy(POLICY, [*specs, extra])
    assert outcome.violations == []
    (message,) = outcome.unverifiable
    assert message.endswith("::mystery-policy): the role it applies to is not known until apply).")
