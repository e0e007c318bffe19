"""One request through the service: route, authenticate, inject faults, validate, run, serialise.

Independent of sockets (the server hands it method, path, headers and body and writes what it returns),
so the order of checks is in one place: an unknown route (404), a request not signed or signed with a
scripted bad key (403), then the fault plan (latency, drop, throttle, 5xx, deny), then the model's
validation (400), then the store, then body faults on success.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from twinmaker_local import spec
from twinmaker_local.exceptions import (
    AccessDeniedException,
    ExpiredTokenException,
    InternalServerException,
    MissingAuthenticationTokenException,
    NotImplementedByEndpoint,
    ThrottlingException,
    TwinMakerError,
    UnknownOperationException,
    UnrecognizedClientException,
    ValidationException,
)
from twinmaker_local.faults import FaultPlan, FaultRule, mutate_body
from twinmaker_local.model import Store
from twinmaker_local.protocol import Response, error_response, html_response, json_response, parse_input
from twinmaker_local.shapes import validate_input, validation_message
from twinmaker_local.stats import Stats

log = logging.getLogger("twinmaker_local")

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")
_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")

#: `sleep(seconds)` for injected latency; returns False when the endpoint is stopping meanwhile.
Sleep = Callable[[float], bool]


def _snake(name: str) -> str:
    return _SNAKE.sub("_", name).lower()


class Service:
    """The endpoint minus HTTP: the store, the fault plan, scripted credentials and the counters."""

    def __init__(self, store: Store, faults: FaultPlan, credentials: Mapping[str, str], stats: Stats) -> None:
        self.store = store
        self.faults = faults
        self.credentials: dict[str, str] = dict(credentials)  # access key id -> expired | unrecognized
        self.stats = stats

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, sleep: Sleep
    ) -> Response:
        """The response for one request (already counted in `stats`), with `x-amzn-RequestId` set."""
        operation = "unknown"
        try:
            response, operation = self._handle(method, target, headers, body, sleep)
        except TwinMakerError as exc:
            response = error_response(exc)
        except Exception:  # a bug here must still answer like a service, not kill the connection
            log.exception("twinmaker_local failed on %s %s", method, target)
            response = error_response(InternalServerException("Internal error in twinmaker_local."))
        response.headers.setdefault("x-amzn-RequestId", str(uuid.uuid4()))
        self.stats.record(operation, None if response.drop else response.status, response.error_code)
        return response

    def _handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, sleep: Sleep
    ) -> tuple[Response, str]:
        url = urlsplit(target)
        found = spec.find_route(method, url.path)
        if found is None:
            raise UnknownOperationException(f"No operation matches {method} {url.path}.")
        route, labels = found
        operation = route.operation.name
        try:
            response = self._operation(route, labels, url.query, headers=headers, body=body, sleep=sleep)
        except TwinMakerError as exc:
            response = error_response(exc)
        return response, operation

    def _operation(
        self,
        route: spec.Route,
        labels: dict[str, str],
        query_string: str,
        *,
        headers: Mapping[str, str],
        body: bytes,
        sleep: Sleep,
    ) -> Response:
        operation = route.operation.name
        if operation not in spec.IMPLEMENTED_OPERATIONS:
            raise NotImplementedByEndpoint(f"twinmaker_local does not implement {operation}.")
        self._authenticate(headers)
        query = parse_qs(query_string, keep_blank_values=True)
        in_query = query.get("workspace") or []
        workspace_id = labels.get("workspaceId") or (in_query[-1] if in_query else None)
        before = self.faults.before(operation, workspace_id)
        if before.delay > 0 and not sleep(before.delay):
            return Response(0, drop=True)  # stopping: do not answer late
        if before.action is not None:
            return self._blocking_fault(before.action, operation, workspace_id)
        params = parse_input(route.operation, labels, query, body)
        shape = route.operation.input_shape
        problems = validate_input(shape, params) if shape is not None else []
        if problems:
            raise ValidationException(validation_message(problems))
        result: dict[str, Any] = getattr(self.store, _snake(operation))(params)
        body_fault = self.faults.after(operation, workspace_id)
        if body_fault is not None:
            return mutate_body(body_fault, result)
        return json_response(result)

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        """Any SigV4 signature is accepted, except for access keys the scenario marks as bad."""
        auth = headers.get("Authorization") or headers.get("authorization")
        if not auth:
            raise MissingAuthenticationTokenException("Missing Authentication Token")
        m = _CREDENTIAL.search(auth)
        kind = self.credentials.get(m.group(1)) if m else None
        if kind == "expired":
            raise ExpiredTokenException("The security token included in the request is expired")
        if kind == "unrecognized":
            raise UnrecognizedClientException("The security token included in the request is invalid.")

    def _blocking_fault(self, rule: FaultRule, operation: str, workspace_id: str | None) -> Response:
        if rule.kind == "drop":
            return Response(0, drop=True)
        if rule.kind == "throttle":
            raise ThrottlingException("Rate exceeded")
        if rule.kind == "deny":
            s = self.store.scenario
            resource = self.store.workspace_arn(workspace_id) if workspace_id else "*"
            raise AccessDeniedException(
                f"User: arn:aws:sts::{s.account_id}:assumed-role/deployer/session is not authorized to "
                f"perform: iottwinmaker:{operation} on resource: {resource} "
                "because no identity-based policy allows the iottwinmaker action"
            )
        if rule.status == 500:
            raise InternalServerException("An internal error occurred. Please retry your request.")
        return html_response(rule.status)
