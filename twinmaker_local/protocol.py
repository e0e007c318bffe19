"""The REST-JSON wire format: turning an HTTP request into operation input, and results into responses.

Where each input member comes from (URI label, query string, header or JSON body) is read from the
model's `location`/`locationName`, so `GET /sync-jobs/SITEWISE?workspace=ID` yields
`{"syncSource": "SITEWISE", "workspaceId": "ID"}` exactly as botocore serialised it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel

from twinmaker_local.exceptions import SerializationException, TwinMakerError, ValidationException

JSON_TYPE = "application/json"


@dataclass
class Response:
    """What the server writes: status, headers, body; `drop` closes the socket without writing anything."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    #: The error code for the counters (None on success); not sent as such.
    error_code: str | None = None


def json_response(body: Mapping[str, Any], status: int = 200) -> Response:
    """A success body as compact JSON (timestamps are already epoch-second numbers in the store)."""
    data = json.dumps(body, separators=(",", ":")).encode("utf-8")
    return Response(status, data, {"Content-Type": JSON_TYPE})


def error_response(error: TwinMakerError) -> Response:
    """REST-JSON error: model status, `x-amzn-ErrorType: <Shape>`, body `{"message": ...}`."""
    data = json.dumps({"message": error.message}).encode("utf-8")
    headers = {"Content-Type": JSON_TYPE, "x-amzn-ErrorType": error.error_type}
    return Response(error.status, data, headers, error_code=error.code)


_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def html_response(status: int, code: str | None = None) -> Response:
    """An HTML page as a load balancer in front of the service sends it (no JSON, no error type header)."""
    reason = _REASONS.get(status, "Error")
    page = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n"
        f"<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    return Response(
        status, page.encode("ascii"), {"Content-Type": "text/html"}, error_code=code or str(status)
    )


def parse_input(
    operation: OperationModel, labels: Mapping[str, str], query: Mapping[str, list[str]], body: bytes
) -> dict[str, Any]:
    """The operation's input as botocore's model names it, from labels, query string and JSON body.

    A body that is not a JSON object is AWS's `SerializationException`; a location member that cannot
    be converted (a non-integer `maxResults` in a query) is a `ValidationException`.
    """
    shape = operation.input_shape
    result: dict[str, Any] = {}
    if shape is None:
        return result
    payload: Mapping[str, Any] = {}
    if body.strip():
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SerializationException(f"Request body is not valid JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise SerializationException("Request body must be a JSON object")
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            # An empty label is "not given": the model's required check then reports it as AWS does.
            if labels.get(wire_name):
                result[name] = _convert(member.type_name, labels[wire_name], name)
        elif location == "querystring":
            values = query.get(wire_name)
            if values:
                result[name] = _convert(member.type_name, values[-1], name)
        elif location is None and wire_name in payload:
            result[name] = payload[wire_name]
    return result


def _convert(type_name: str, text: str, name: str) -> Any:
    if type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise ValidationException(f"Value '{text}' at '{name}' is not a valid integer") from None
    return text
