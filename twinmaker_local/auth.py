"""The front door's reading of a SigV4 signature: who signed (access key id) and for which region.

The endpoint never verifies signatures (it accepts any secret), but it does read the credential scope
`Credential=AKID/DATE/REGION/SERVICE/aws4_request`, because the region in it is the region the client
thinks it is talking to: one local endpoint then plays every region of an account, each with its own
workspaces and jobs, as AWS's regional endpoints do. A request that is not signed, or whose signature
header is malformed, gets the error AWS's front door sends for it (see docs/endpoint.md for which
wordings are AWS's and which are inferred).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from twinmaker_local import spec
from twinmaker_local.exceptions import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
)

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
#: What the region part of the model's ARN pattern allows (`arn:...:iottwinmaker:[a-z0-9-]+:...`): a
#: region the endpoint could not put in a valid ARN is refused, as AWS refuses a region it does not know.
REGION_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_REQUIRED = ("Credential", "SignedHeaders", "Signature")


@dataclass(frozen=True)
class Caller:
    """Who signed a request and for where: the access key id and the region of the credential scope."""

    access_key_id: str
    region: str


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def read_caller(headers: Mapping[str, str], query_string: str = "") -> Caller:
    """The caller of a request signed with SigV4 (header, or presigned query), or the front door's error.

    Raises `MissingAuthenticationTokenException` (no signature at all), `IncompleteSignatureException`
    (a header without its three parameters or a date, or a scope without five parts) or
    `InvalidSignatureException` (a scope for another service, terminator or an impossible region).
    """
    auth = _header(headers, "Authorization")
    if auth is None:
        credentials = parse_qs(query_string).get("X-Amz-Credential")
        if not credentials:
            raise MissingAuthenticationTokenException("Missing Authentication Token")
        return _scope(credentials[-1])
    params = _parameters(auth)
    problems = [f"Authorization header requires '{p}' parameter." for p in _REQUIRED if p not in params]
    if _header(headers, "X-Amz-Date") is None and _header(headers, "Date") is None:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if problems:
        # AWS's wording, which ends by echoing the header (it holds no secret: the signature is a hash).
        raise IncompleteSignatureException(" ".join([*problems, f"Authorization={auth}"]))
    return _scope(params["Credential"])


def _parameters(auth: str) -> dict[str, str]:
    """`Credential=..., SignedHeaders=..., Signature=...` after the algorithm, as a dict."""
    algorithm, _, rest = auth.strip().partition(" ")
    if algorithm != ALGORITHM:
        return {}  # another scheme (Basic, Bearer, SigV2): none of the SigV4 parameters is there
    params: dict[str, str] = {}
    for raw in rest.split(","):
        part = raw.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        if not eq:
            raise IncompleteSignatureException(
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{auth}'."
            )
        params[key.strip()] = value.strip()
    return params


def _scope(credential: str) -> Caller:
    parts = credential.split("/")
    if len(parts) != 5 or not all(parts):
        raise IncompleteSignatureException(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,"
            f" got '{credential}'"
        )
    access_key_id, _date, region, service, terminator = parts
    if terminator != TERMINATOR:
        raise InvalidSignatureException(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'. "
        )
    if service != spec.SIGNING_NAME:
        raise InvalidSignatureException(
            f"Credential should be scoped to correct service: '{spec.SIGNING_NAME}'. "
        )
    if not REGION_PATTERN.fullmatch(region):
        raise InvalidSignatureException(f"Credential should be scoped to a valid region, not '{region}'. ")
    return Caller(access_key_id, region)


def partition(region: str) -> str:
    """The ARN partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`.

    These are the three partitions the model's ARN patterns allow.
    """
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
