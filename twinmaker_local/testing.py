"""Test support: a real boto3 client for a local endpoint that checks every response against the model.

`boto3_client(url)` is configured as the project's tests need it (no `api.` host prefix, standard retry
mode with exactly one attempt unless asked otherwise, dummy credentials). With `check_shapes=True`
(the default) every response body is checked, as sent on the wire, against botocore's output shape
(or error shape) before botocore parses it; a mismatch raises `ResponseShapeError` from the client
call, so a drifting endpoint fails whichever test happens to call it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.model import OperationModel

from twinmaker_local import spec
from twinmaker_local.shapes import validate_output

#: Error codes real AWS sends from its front door, outside any service model (plus the local
#: endpoint's own "NotImplemented" for model operations it does not implement).
FRONT_DOOR_ERRORS = frozenset(
    {
        "NotImplemented",
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "MissingAuthenticationTokenException",
        "IncompleteSignatureException",
        "InvalidSignatureException",
        "ServiceUnavailable",
        "SerializationException",
        "UnknownOperationException",
    }
)


class ResponseShapeError(AssertionError):
    """A response the model does not allow; the message lists every problem with its JSON path."""


@lru_cache(maxsize=8)
def _session(access_key_id: str, secret: str) -> boto3.session.Session:
    # One session per credentials: clients made from it share botocore's loaded models, which makes a
    # new client ~10x cheaper than `boto3.client(...)` and keeps the test suite fast.
    return boto3.session.Session(aws_access_key_id=access_key_id, aws_secret_access_key=secret)


def boto3_client(
    url: str,
    *,
    check_shapes: bool = True,
    access_key_id: str = "testing",
    secret_access_key: str = "testing",  # noqa: S107 - a dummy key for a local endpoint, by design
    max_attempts: int = 1,
    read_timeout: float = 10.0,
    connect_timeout: float = 5.0,
    parameter_validation: bool = True,
    region: str = "us-east-1",
) -> Any:
    """An `iottwinmaker` client for `url`, signing for `region` (the endpoint serves that region's
    workspaces and jobs); `parameter_validation=False` lets bad input reach the server."""
    config = Config(
        inject_host_prefix=False,
        # botocore's `max_attempts` counts *retries* (so `max_attempts: 1` means two attempts);
        # `total_max_attempts` counts attempts, which is what callers of this function mean.
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        read_timeout=read_timeout,
        connect_timeout=connect_timeout,
        parameter_validation=parameter_validation,
    )
    client = _session(access_key_id, secret_access_key).client(
        "iottwinmaker", endpoint_url=url, region_name=region, config=config
    )
    if check_shapes:
        client.meta.events.register("after-call.iottwinmaker", _check_response)
    return client


def response_problems(model: OperationModel, status: int, headers: Any, content: bytes) -> list[str]:
    """Everything wrong with one raw response for `model`'s operation, judged by botocore's model."""
    try:
        body = json.loads(content.decode("utf-8")) if content else {}
    except ValueError as exc:
        return [f"body is not UTF-8 JSON: {exc}"]
    if status < 300:
        if model.output_shape is None:
            return [] if body == {} else ["operation has no output but the body is not empty"]
        return validate_output(model.output_shape, body)
    error_type = headers.get("x-amzn-ErrorType")
    if not error_type:
        return ["error response without an x-amzn-ErrorType header"]
    code = error_type.split(":", 1)[0]
    if code in FRONT_DOOR_ERRORS:
        return validate_output(spec.service_model().shape_for("ValidationException"), body)
    errors = {shape.name for shape in model.error_shapes}
    problems = [] if code in errors else [f"{code} is not an error {model.name} declares"]
    if code in spec.service_model().shape_names:
        shape = spec.service_model().shape_for(code)
        if spec.error_status(code) != status:
            problems.append(f"{code} sent with HTTP {status}, the model says {spec.error_status(code)}")
        problems += validate_output(shape, body)
    return problems


def _check_response(http_response: Any, model: OperationModel, **_: Any) -> None:
    problems = response_problems(
        model, http_response.status_code, http_response.headers, http_response.content
    )
    if problems:
        raise ResponseShapeError(f"{model.name} response breaks the model:\n  " + "\n  ".join(problems))
