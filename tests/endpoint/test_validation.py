"""Request validation from the model (patterns, lengths, required members, enums, ranges), and the
front door: unknown routes, unsigned requests, bodies that are not JSON."""

from __future__ import annotations

from typing import Any

import pytest
import urllib3
from botocore.exceptions import ClientError

from tests.endpoint.conftest import ROLE
from twinmaker_local.shapes import java_text

pytestmark = pytest.mark.http

ID_PATTERN = "[a-zA-Z_0-9][a-zA-Z_\\-0-9]*[a-zA-Z0-9]+"


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Message"]


def test_bad_workspace_id_pattern_is_rejected_by_the_service(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(workspaceId="bad id!", syncSource="SITEWISE")
    assert _error(exc) == (
        "ValidationException",
        400,
        "1 validation error detected: Value 'bad id!' at 'workspaceId' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {ID_PATTERN}",
    )


def test_too_long_workspace_id(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.create_workspace(workspaceId="w" * 129)
    code, status, message = _error(exc)
    assert (code, status) == ("ValidationException", 400)
    assert message.endswith("Member must have length less than or equal to 128")


def test_missing_required_members_when_client_validation_is_off(basic: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(basic, parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        client.create_sync_job(workspaceId="ws-1", syncSource="SITEWISE")
    assert _error(exc)[2] == (
        "1 validation error detected: "
        "Value null at 'syncRole' failed to satisfy constraint: Member must not be null"
    )


def test_get_sync_job_without_workspace_query_is_refused(basic: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(basic)
    with pytest.raises(ClientError) as exc:
        client.get_sync_job(syncSource="SITEWISE")
    assert _error(exc)[:2] == ("ValidationException", 400)


def test_several_problems_are_reported_together(basic: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(basic, parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        client.list_sync_resources(
            workspaceId="ws-1", syncSource="SITE WISE", maxResults=500, filters=[{"state": "BROKEN"}]
        )
    message = _error(exc)[2]
    assert message.startswith("3 validation errors detected: ")
    assert (
        "at 'syncSource' failed to satisfy constraint: Member must satisfy regular expression pattern"
        in message
    )
    assert (
        "at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 200"
        in message
    )
    assert (
        "at 'filters.1.member.state' failed to satisfy constraint: Member must satisfy enum value set"
        in message
    )


def test_union_filter_with_two_members_is_refused(basic: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(basic, parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        client.list_sync_resources(
            workspaceId="ws-1", syncSource="SITEWISE", filters=[{"state": "ERROR", "resourceType": "ENTITY"}]
        )
    # The value is named as AWS's Java service prints it, never as a Python dict.
    assert _error(exc)[2] == (
        "1 validation error detected: Value '{state=ERROR, resourceType=ENTITY}' at 'filters.1.member' "
        "failed to satisfy constraint: Member must have exactly one member set (it is a union)"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ({"a": [1, True], "b": None}, "{a=[1, true], b=null}"),
        ([{"state": "ERROR"}], "[{state=ERROR}]"),
        (False, "false"),
        ("text", "text"),
    ],
)
def test_values_in_messages_are_printed_as_java_prints_them(value: Any, shown: str) -> None:
    assert java_text(value) == shown


def test_a_list_where_a_string_belongs_is_named_like_java(basic: Any, twinmaker_client: Any) -> None:
    client = twinmaker_client(basic, parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        client.create_workspace(workspaceId="ws-9", description=["a", "b"])
    assert (
        "Value '[a, b]' at 'description' failed to satisfy constraint: Member must be a string"
        in (_error(exc)[2])
    )


def test_bad_role_arn(client: Any) -> None:
    client.create_workspace(workspaceId="ws-2")
    with pytest.raises(ClientError) as exc:
        client.create_sync_job(
            workspaceId="ws-2", syncSource="SITEWISE", syncRole="arn:aws:iam::12:role/too-short-acct"
        )
    assert "at 'syncRole'" in _error(exc)[2]
    assert (
        client.create_sync_job(workspaceId="ws-2", syncSource="SITEWISE", syncRole=ROLE)["state"]
        == "CREATING"
    )


@pytest.fixture
def http() -> Any:
    pool = urllib3.PoolManager(retries=False)
    yield pool
    pool.clear()


SIGNED = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/iottwinmaker/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123abcd",
    "X-Amz-Date": "20240101T000000Z",
}


def test_unknown_route_is_404(basic: Any, http: Any) -> None:
    r = http.request("GET", basic.url + "/no/such/thing", headers=SIGNED)
    assert r.status == 404
    assert r.headers["x-amzn-ErrorType"].startswith("UnknownOperationException:")


def test_unsigned_request_is_403_missing_authentication_token(basic: Any, http: Any) -> None:
    r = http.request("POST", basic.url + "/workspaces-list", body=b"{}")
    assert r.status == 403
    assert r.headers["x-amzn-ErrorType"].split(":")[0] == "MissingAuthenticationTokenException"
    assert r.json() == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_body_that_is_not_a_json_object_is_a_serialization_exception(
    basic: Any, http: Any, body: bytes
) -> None:
    r = http.request("POST", basic.url + "/workspaces-list", body=body, headers=SIGNED)
    assert r.status == 400
    assert r.headers["x-amzn-ErrorType"].split(":")[0] == "SerializationException"
