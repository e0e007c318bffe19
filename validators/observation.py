"""What one read of a sync job says, normalised into data before anything is decided (botocore's habit).

The boto3 adapter turns every response and every exception into an `Observation`; the decision only ever
sees these, so it can be tested as a table without a network or a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import ResourceError, ServiceError


class ObservationKind(StrEnum):
    """The five things a GetSyncJob call can tell the gate."""

    STATE = "state"  # the service answered with the job's status (state, maybe error)
    NOT_FOUND = "not_found"  # ResourceNotFoundException: not visible yet, or gone
    TRANSIENT = "transient"  # throttling, 5xx, connection errors, timeouts, unreadable bodies: retry
    DENIED = "denied"  # access denied; credentials missing, invalid or expired
    INVALID = "invalid"  # ValidationException, or another request the service refuses outright


@dataclass(frozen=True)
class Observation:
    """One read. `error` is the job's `status.error` for STATE, else the API error that was raised."""

    kind: ObservationKind
    state: str | None = None
    error: ServiceError | None = None
    arn: str | None = None
    requests: int = 1  # HTTP requests this read cost, botocore's own retries included
    # TRANSIENT only: no request got as far as an answer (connection refused, DNS, connect timeout,
    # proxy): the endpoint itself is in doubt, not just the service's mood (see `unreachable_after`).
    unreached: bool = False
    # NOT_FOUND only: GetWorkspace says the workspace does not exist either, so no grace can help.
    workspace_missing: bool = False


@dataclass(frozen=True)
class ResourceListing:
    """The sync resources in state ERROR, as far as they could be listed.

    `failure` is set when listing stopped on an error; what was read before it is kept (best effort).
    """

    errors: tuple[ResourceError, ...] = ()
    truncated: bool = False  # more resources were in ERROR than the cap allowed to list
    failure: Observation | None = None
    requests: int = 0
