"""IAM semantics the pack relies on: parsing, wildcard matching, Deny/Allow evaluation, unknowns."""

from __future__ import annotations

import pytest

from policy.iam_documents import (
    Access,
    Document,
    DocumentError,
    action_matches,
    arn_matches,
    evaluate,
    parse_document,
)
from policy.values import UNKNOWN, plain
from tests.policy.policy_harness import UNKNOWN as SENTINEL


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("iotsitewise:Describe*", "iotsitewise:DescribeAssetModel", True),
        ("iotsitewise:describe*", "IOTSITEWISE:DescribeAsset", True),
        ("iottwinmaker:*", "iottwinmaker:CreateEntity", True),
        ("*", "iottwinmaker:CreateEntity", True),
        ("iottwinmaker:Get?ntity", "iottwinmaker:GetEntity", True),
        ("iottwinmaker:Create*", "iotsitewise:CreateAsset", False),
        ("iottwinmaker:[C]reateEntity", "iottwinmaker:CreateEntity", False),  # `[` is literal in IAM
    ],
)
def test_action_matching(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        ("*", "arn:aws:iottwinmaker:eu-west-1:1:workspace/w", True),
        ("arn:aws:iottwinmaker:*:*:workspace/w", "arn:aws:iottwinmaker:eu-west-1:1:workspace/w", True),
        (
            "arn:aws:iottwinmaker:*:*:workspace/w",
            "arn:aws:iottwinmaker:eu-west-1:1:workspace/w/entity/e",
            False,
        ),
        (
            "arn:aws:iottwinmaker:*:*:workspace/w*",
            "arn:aws:iottwinmaker:eu-west-1:1:workspace/w/entity/e",
            True,
        ),
        ("arn:aws:iottwinmaker:*:*:workspace/W", "arn:aws:iottwinmaker:eu-west-1:1:workspace/w", False),
        ("arn:aws:iottwinmaker:us-east-1:1:workspace/w", "arn:aws:iottwinmaker:?:?:workspace/w", True),
        (
            "arn:aws:iottwinmaker:us-east-1:1:workspace/w",
            "arn:aws:iottwinmaker:eu-west-1:1:workspace/w",
            False,
        ),
        ("arn:aws:iotsitewise:*:*:asset/*", "*", False),
    ],
)
def test_resource_matching(pattern: str, arn: str, expected: bool) -> None:
    assert arn_matches(pattern, arn) is expected


def doc(*statements: dict[str, object]) -> list[Document]:
    return [parse_document({"Version": "2012-10-17", "Statement": list(statements)}, "test")]


def test_deny_beats_allow_and_missing_is_implicit_deny() -> None:
    allow = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}
    assert evaluate(doc(allow, deny), "s3:GetObject", ["*"]) is Access.DENIED
    assert evaluate(doc(allow, deny), "s3:PutObject", ["*"]) is Access.GRANTED
    assert evaluate(doc(deny), "s3:PutObject", ["*"]) is Access.MISSING


def test_every_resource_must_be_granted() -> None:
    allow = {"Effect": "Allow", "Action": "x:Y", "Resource": "arn:aws:x:r:a:thing/one"}
    assert evaluate(doc(allow), "x:Y", ["arn:aws:x:r:a:thing/one"]) is Access.GRANTED
    assert (
        evaluate(doc(allow), "x:Y", ["arn:aws:x:r:a:thing/one", "arn:aws:x:r:a:thing/two"]) is Access.MISSING
    )


def test_not_resource_and_unknown_parts() -> None:
    not_resource = {"Effect": "Allow", "Action": "x:Y", "NotResource": "arn:aws:x:r:a:secret"}
    assert evaluate(doc(not_resource), "x:Y", ["arn:aws:x:r:a:thing"]) is Access.GRANTED
    unknown_resource = {"Effect": "Allow", "Action": "x:Y", "Resource": [UNKNOWN]}
    assert evaluate(doc(unknown_resource), "x:Y", ["arn:aws:x:r:a:thing"]) is Access.UNKNOWN
    unknown_deny = {"Effect": "Deny", "Action": "x:Y", "Resource": UNKNOWN}
    allow = {"Effect": "Allow", "Action": "x:Y", "Resource": "*"}
    assert evaluate(doc(allow, unknown_deny), "x:Y", ["*"]) is Access.UNKNOWN


def test_lowercase_and_snake_case_keys_are_read() -> None:
    parsed = parse_document({"statement": [{"effect": "Allow", "not_action": "iam:*", "resource": "*"}]}, "t")
    assert evaluate([parsed], "s3:GetObject", ["*"]) is Access.GRANTED


def test_unknown_document_is_opaque_and_malformed_raises() -> None:
    assert parse_document(UNKNOWN, "t").statements is None
    with pytest.raises(DocumentError, match="t has no Statement"):
        parse_document("{}", "t")


def test_plain_replaces_sdk_sentinels() -> None:
    assert plain({"a": [SENTINEL, {"b": SENTINEL}], "c": 1}) == {"a": [UNKNOWN, {"b": UNKNOWN}], "c": 1}
