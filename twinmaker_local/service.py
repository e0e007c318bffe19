"""One request through the service: route, authenticate, inject faults, validate, run, serialise.

Independent of sockets (the server hands it method, path, headers and body and writes what it returns),
so the order of checks is in one place: the endpoint's own `/_local/` routes (not counted), an unknown
route (404), a request not signed, signed badly or with a scripted bad key (403), then the fault plan
(latency, drop, throttle, errors, deny), then the model's validation (400), then the store (in the region
the request was signed for), then body faults on success.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from twinmaker_local import spec
from twinmaker_local.auth import Caller, read_caller
from twinmaker_local.exceptions import (
    AccessDeniedException,
    ExpiredTokenException,
    InternalServerException,
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

_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")

#: `sleep(seconds)` for injected latency; returns False when the endpoint is stopping meanwhile.
Sleep = Callable[[float], bool]
#: The endpoint's own debug routes live under this prefix, which no TwinMaker route starts with.
LOCAL_PREFIX = "/_local/"


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
        if target.startswith(LOCAL_PREFIX):
            return self._local(method, urlsplit(target).path)
        operation = "unknown"
        region: str | None = None
        try:
            response, operation, region = self._handle(method, target, headers, body, sleep)
        except TwinMakerError as exc:
            response = error_response(exc)
        except Exception:  # a bug here must still answer like a service, not kill the connection
            log.exception("twinmaker_local failed on %s %s", method, target)
            response = error_response(InternalServerException("Internal error in twinmaker_local."))
        response.headers.setdefault("x-amzn-RequestId", str(uuid.uuid4()))
        self.stats.record(operation, None if response.drop else response.status, response.error_code, region)
        return response

    def _local(self, method: str, path: str) -> Response:
        """`GET /_local/stats`: the counters and the store's size as JSON, for tests in another process."""
        if path.rstrip("/") == "/_local/stats":
            if method not in ("GET", "HEAD"):
                return Response(405, b"", {"Allow": "GET"})
            return json_response({**self.stats.snapshot(), "store": self.store.counts()})
        data = json.dumps({"message": f"No twinmaker_local route {path}; try GET /_local/stats."})
        return Response(404, data.encode(), {"Content-Type": "application/json"})

    def _handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, sleep: Sleep
    ) -> tuple[Response, str, str | None]:
        url = urlsplit(target)
        found = spec.find_route(method, url.path)
        if found is None:
            raise UnknownOperationException(f"No operation matches {method} {url.path}.")
        route, labels = found
        operation = route.operation.name
        region: str | None = None
        try:
            if operation not in spec.IMPLEMENTED_OPERATIONS:
                raise NotImplementedByEndpoint(f"twinmaker_local does not implement {operation}.")
            caller = self._authenticate(headers, url.query)
            region = caller.region
            response = self._operation(route, labels, url.query, caller, body=body, sleep=sleep)
        except TwinMakerError as exc:
            response = error_response(exc)
        return response, operation, region

    def _operation(
        self,
        route: spec.Route,
        labels: dict[str, str],
        query_string: str,
        caller: Caller,
        *,
        body: bytes,
        sleep: Sleep,
    ) -> Response:
        operation = route.operation.name
        region = caller.region
        query = parse_qs(query_string, keep_blank_values=True)
        in_query = query.get("workspace") or []
        workspace_id = labels.get("workspaceId") or (in_query[-1] if in_query else None)
        before = self.faults.before(operation, workspace_id, region)
        if before.delay > 0 and not sleep(before.delay):
            return Response(0, drop=True)  # stopping: do not answer late
        if before.action is not None:
            return self._blocking_fault(before.action, operation, workspace_id, region)
        params = parse_input(route.operation, labels, query, body)
        shape = route.operation.input_shape
        problems = validate_input(shape, params) if shape is not None else []
        if problems:
            raise ValidationException(validation_message(problems))
        result: dict[str, Any] = getattr(self.store, _snake(operation))(params, region)
        body_fault = self.faults.after(operation, workspace_id, region)
        if body_fault is not None:
            return mutate_body(body_fault, result)
        return json_response(result)

    def _authenticate(self, headers: Mapping[str, str], query_string: str) -> Caller:
        """The caller of a well-formed SigV4 request; any secret is accepted, except for access keys the
        scenario marks as bad."""
        caller = read_caller(headers, query_string)
        kind = self.credentials.get(caller.access_key_id)
        if kind == "expired":
            raise ExpiredTokenException("The security token included in the request is expired")
        if kind == "unrecognized":
            raise UnrecognizedClientException("The security token included in the request is invalid.")
        return caller

    def _blocking_fault(
        self, rule: FaultRule, operation: str, workspace_id: str | None, region: str
    ) -> Response:
        if rule.kind == "drop":
            return Response(0, drop=True)
        if rule.kind == "throttle":
            raise ThrottlingException("Rate exceeded")
        if rule.kind == "deny":
            s = self.store.scenario
            resource = self.store.workspace_arn(workspace_id, region) if workspace_id else "*"
            raise AccessDeniedException(
                f"User: arn:aws:sts::{s.account_id}:assumed-role/deployer/session is not authorized to "
                f"perform: iottwinmaker:{operation} on resource: {resource} "
                "because no identity-based policy allows the iottwinmaker action"
            )
        if rule.code is not None:
            raise TwinMakerError(rule.code, rule.message, rule.status)
        if rule.status == 500:
            raise InternalServerException("An internal error occurred. Please retry your request.")
        return html_response(rule.status)
