"""botocore's service model for IoT TwinMaker, loaded at run time: the single source of truth.

Routing (method + requestUri template), request validation and the HTTP status of every error come
from here, so the endpoint cannot silently drift from what boto3 sends and expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

import botocore.loaders
from botocore.model import OperationModel, ServiceModel

SERVICE_NAME = "iottwinmaker"
#: The service name in a SigV4 credential scope (the model's `signingName`).
SIGNING_NAME = "iottwinmaker"

#: The operations this endpoint implements; the others in the model answer 501.
IMPLEMENTED_OPERATIONS = frozenset(
    {
        "CreateWorkspace",
        "GetWorkspace",
        "ListWorkspaces",
        "DeleteWorkspace",
        "CreateSyncJob",
        "GetSyncJob",
        "ListSyncJobs",
        "DeleteSyncJob",
        "ListSyncResources",
    }
)


#: The API reference (CreateSyncJob, syncSource): "Currently the only supported syncSource is SITEWISE".
#: The model's `SyncSource` is a free pattern, so this list is the service's rule, not the model's.
#: Written here, not imported from the gate (`validators.names`): a test double that shares the rule of
#: the code it tests cannot catch that rule being wrong. A test keeps the two equal.
SUPPORTED_SYNC_SOURCES = ("SITEWISE",)


@lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    """The model botocore itself would use for `boto3.client("iottwinmaker")` (loaded once)."""
    data = botocore.loaders.Loader().load_service_model(SERVICE_NAME, "service-2")
    return ServiceModel(data, service_name=SERVICE_NAME)


def error_status(code: str) -> int | None:
    """The HTTP status the model gives the error shape named `code`, or None if it is not a model error."""
    model = service_model()
    if code not in model.shape_names:
        return None
    shape = model.shape_for(code)
    status = shape.metadata.get("error", {}).get("httpStatusCode")
    return int(status) if status is not None else None


@dataclass(frozen=True)
class Route:
    """One operation's `method` + path template, compiled; `labels` are the `{name}` parts in order."""

    operation: OperationModel
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The URI labels (percent-decoded) when `method` and `path` are this route's, else None."""
        if method != self.method:
            return None
        m = self.pattern.fullmatch(path)
        if m is None:
            return None
        return {name: unquote(value) for name, value in zip(self.labels, m.groups(), strict=True)}


_LABEL = re.compile(r"\{([^}]+)\}")


def _compile(operation: OperationModel) -> Route:
    http = operation.http
    template = http["requestUri"].split("?", 1)[0]
    labels: list[str] = []
    parts: list[str] = []
    pos = 0
    for m in _LABEL.finditer(template):
        parts.append(re.escape(template[pos : m.start()]))
        name = m.group(1)
        if name.endswith("+"):  # greedy label: may span segments
            labels.append(name[:-1])
            parts.append("(.*)")
        else:
            # An empty label still routes, so that a missing ID becomes the model's ValidationException
            # rather than an unknown-operation 404.
            labels.append(name)
            parts.append("([^/]*)")
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return Route(operation, http["method"].upper(), re.compile("".join(parts)), tuple(labels))


@lru_cache(maxsize=1)
def routes() -> tuple[Route, ...]:
    """Every operation of the model as a route; literal paths win over labels when both would match."""
    model = service_model()
    compiled = [_compile(model.operation_model(name)) for name in model.operation_names]
    compiled.sort(key=lambda r: (len(r.labels), -len(r.pattern.pattern)))
    return tuple(compiled)


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a request line, with its decoded labels, or None when nothing in the model matches."""
    for route in routes():
        labels = route.match(method, path)
        if labels is not None:
            return route, labels
    return None
