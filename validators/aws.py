"""The boto3 adapter: one client per region, and every response or exception turned into data.

Retries of throttling, 5xx and connection errors are botocore's (`standard` retry mode, configured here,
not rewritten); what still fails after them becomes a TRANSIENT observation that the loop retries until
the deadline. Each attempt botocore makes also reaches the region's request budget as it happens
(`validators.throttling`): retries are charged, and only throttled attempts lower the rate. Responses
are read defensively: a body of the wrong shape is a TRANSIENT "malformed response", never a crash.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

import boto3
import botocore.exceptions as bexc
from botocore.config import Config
from botocore.parsers import ResponseParserError

from .aws_settings import AwsSettings
from .model import ResourceError, ServiceError, Target
from .observation import Observation, ObservationKind, ResourceListing
from .ratelimit import RegionBudgets
from .throttling import AttemptWatcher, is_throttling
from .version import __version__

if TYPE_CHECKING:
    from mypy_boto3_iottwinmaker import IoTTwinMakerClient

USER_AGENT = f"twinmaker-sync-gate/{__version__}"  # in every request, so CloudTrail shows the gate
#: ListSyncResources allows up to 200 per page.
_PAGE_SIZE = 200

#: Error codes that mean "who you are is not allowed": access denied or credentials bad, expired, missing.
DENIED_CODES: frozenset[str] = frozenset(
    {
        "AccessDeniedException",
        "AccessDenied",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "ExpiredToken",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "MissingAuthenticationTokenException",
        "MissingAuthenticationToken",
        "IncompleteSignature",
        "AuthFailure",
        "NotAuthorized",
        "InvalidToken",
        "TokenRefreshRequired",
        "RequestExpired",
    }
)
#: Codes that mean "try again"; with any 5xx and every throttling error (`throttling.is_throttling`)
#: they are transient.
TRANSIENT_CODES: frozenset[str] = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)
#: botocore exceptions that mean the credentials could not be found or loaded: `denied`, at once.
_CREDENTIAL_ERRORS: tuple[type[Exception], ...] = (
    bexc.NoCredentialsError,
    bexc.PartialCredentialsError,
    bexc.CredentialRetrievalError,
    bexc.TokenRetrievalError,
    bexc.SSOTokenLoadError,
    bexc.UnauthorizedSSOTokenError,
)
#: botocore exceptions that mean the request never got a readable answer: transient.
_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    bexc.ConnectionError,  # EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError, ...
    bexc.HTTPClientError,  # ReadTimeoutError and other urllib3-level failures
    ResponseParserError,
    bexc.IncompleteReadError,
)


#: Host suffixes of AWS's own endpoints (commercial, China, the dual-stack `api.aws`, ISO partitions).
_AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov")


def is_aws_endpoint(url: str | None) -> bool:
    """True for an endpoint AWS itself serves (where the model's `api.` host prefix belongs)."""
    host = (urlsplit(url).hostname or "") if url else ""
    return host.endswith(_AWS_HOST_SUFFIXES)


def client_config(settings: AwsSettings, max_pool: int, *, inject_host_prefix: bool = True) -> Config:
    """botocore Config: standard retries, bounded timeouts, a pool sized for the concurrency.

    `standard`, not `legacy` (which does not retry throttling with jitter) nor `adaptive` (whose own
    client-side limiter would back off a second time, per client, beside the run's budget)."""
    return Config(
        # total_max_attempts counts the first attempt too; botocore's `max_attempts` counts retries only.
        retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        max_pool_connections=max(10, max_pool),
        user_agent_extra=USER_AGENT,
        inject_host_prefix=inject_host_prefix,
    )


class ClientPool:
    """One boto3 client per region, shared by every thread (clients are thread-safe; sessions are not,
    so the session is only touched under a lock)."""

    def __init__(self, settings: AwsSettings, *, max_pool: int = 32) -> None:
        # Raises botocore ProfileNotFound for an unknown --profile: the CLI reports it as bad input.
        # botocore reads only AWS_DEFAULT_REGION; AWS_REGION (what most AWS SDKs and CI actions set) is
        # honoured too, between --region and botocore's own lookup, as docs/gate.md ("AWS") promises.
        region = settings.region or os.environ.get("AWS_REGION") or None
        self._session = boto3.session.Session(profile_name=settings.profile, region_name=region)
        self.profile = settings.profile or os.environ.get("AWS_PROFILE") or None
        self._settings = settings
        self._config = client_config(settings, max_pool)
        self._clients: dict[str, IoTTwinMakerClient] = {}
        self._lock = threading.Lock()

    @property
    def default_region(self) -> str | None:
        """The region for targets that name none: --region, else botocore's usual lookup."""
        return self._session.region_name

    def region_for(self, target: Target) -> str | None:
        return target.region or self.default_region

    def _new_client(self, region: str, config: Config) -> IoTTwinMakerClient:
        return self._session.client(
            "iottwinmaker", region_name=region, endpoint_url=self._settings.endpoint_url, config=config
        )

    def credential_sources(self) -> list[str]:
        """The credential providers botocore tries for this session, in its order (METHOD names)."""
        with self._lock:
            resolver = self._session._session.get_component("credential_provider")
            providers = getattr(resolver, "providers", [])
            return [str(method) for p in providers if (method := getattr(p, "METHOD", None))]

    def client(self, region: str) -> IoTTwinMakerClient:
        with self._lock:
            found = self._clients.get(region)
            if found is None:
                found = self._new_client(region, self._config)
                if not is_aws_endpoint(found.meta.endpoint_url):
                    # A local or private endpoint, however it was set (--endpoint-url, AWS_ENDPOINT_URL*,
                    # `endpoint_url` in the AWS config): the model's `api.` host prefix would name a host
                    # that does not exist there, so this client goes without it.
                    found = self._new_client(region, self._config.merge(Config(inject_host_prefix=False)))
                self._clients[region] = found
            return found


def _retries(metadata: object) -> int:
    if isinstance(metadata, Mapping):
        attempts = metadata.get("RetryAttempts", 0)
        if isinstance(attempts, int) and attempts > 0:
            return attempts
    return 0


def _text(value: object) -> str:
    """A string field as sent; anything else (a number, an object) is shown as its JSON-ish text."""
    return value if isinstance(value, str) else ("" if value is None else repr(value))


def observation_from_exception(exc: Exception) -> Observation:
    """Normalise whatever a call raised into an observation (the table lives in tests/unit/test_aws.py)."""
    if isinstance(exc, bexc.ClientError):
        response = cast(Mapping[str, object], exc.response)
        error = response.get("Error")
        error_map = error if isinstance(error, Mapping) else {}
        code = _text(error_map.get("Code")) or "Unknown"
        message = _text(error_map.get("Message"))
        metadata = response.get("ResponseMetadata")
        status = metadata.get("HTTPStatusCode", 0) if isinstance(metadata, Mapping) else 0
        status = status if isinstance(status, int) else 0
        requests = 1 + _retries(metadata)
        service_error = ServiceError(code, message)
        if code == "ResourceNotFoundException":
            return Observation(ObservationKind.NOT_FOUND, error=service_error, requests=requests)
        if code in DENIED_CODES or status in (401, 403):
            return Observation(ObservationKind.DENIED, error=service_error, requests=requests)
        if code in TRANSIENT_CODES or is_throttling(code, status) or status >= 500 or status == 0:
            return Observation(ObservationKind.TRANSIENT, error=service_error, requests=requests)
        # ValidationException and any other 4xx: the service refuses this request as it stands.
        return Observation(ObservationKind.INVALID, error=service_error, requests=requests)
    if isinstance(exc, _CREDENTIAL_ERRORS):
        return Observation(ObservationKind.DENIED, error=ServiceError(type(exc).__name__, str(exc)))
    if isinstance(exc, _TRANSPORT_ERRORS):
        return Observation(ObservationKind.TRANSIENT, error=ServiceError(type(exc).__name__, str(exc)))
    if isinstance(exc, bexc.BotoCoreError):
        # Anything else botocore raises at run time (a body it cannot read, a checksum) is retried.
        return Observation(ObservationKind.TRANSIENT, error=ServiceError(type(exc).__name__, str(exc)))
    raise exc


def observation_from_unreadable(exc: Exception) -> Observation:
    """botocore itself failed on a body the service sent (an object where the model has a string, bytes
    that are not UTF-8, a timestamp it cannot read) and raised a plain Python error: that is a malformed
    response like any other, TRANSIENT, never a crash and never a reason to drop what was already read."""
    detail = f"response could not be read ({type(exc).__name__}: {exc})"
    return Observation(ObservationKind.TRANSIENT, error=ServiceError("MalformedResponse", detail))


def observation_from_response(response: Mapping[str, object]) -> Observation:
    """Read a GetSyncJob response: state and error from `status`, the ARN; a wrong shape is TRANSIENT."""
    requests = 1 + _retries(response.get("ResponseMetadata"))
    status = response.get("status")
    state = status.get("state") if isinstance(status, Mapping) else None
    if not isinstance(state, str) or not state:
        malformed = ServiceError("MalformedResponse", "GetSyncJob response has no status.state string")
        return Observation(ObservationKind.TRANSIENT, error=malformed, requests=requests)
    error: ServiceError | None = None
    raw_error = status.get("error") if isinstance(status, Mapping) else None
    if isinstance(raw_error, Mapping) and (raw_error.get("code") or raw_error.get("message")):
        error = ServiceError(_text(raw_error.get("code")), _text(raw_error.get("message")))
    arn = response.get("arn")
    return Observation(
        ObservationKind.STATE,
        state=state,
        error=error,
        arn=arn if isinstance(arn, str) else None,
        requests=requests,
    )


def _resource_error(item: object) -> ResourceError | None:
    if not isinstance(item, Mapping):
        return None
    status = item.get("status")
    error = status.get("error") if isinstance(status, Mapping) else None
    error_map = error if isinstance(error, Mapping) else {}
    return ResourceError(
        resource_type=_text(item.get("resourceType")),
        external_id=_text(item.get("externalId")),
        resource_id=_text(item.get("resourceId")),
        code=_text(error_map.get("code")),
        message=_text(error_map.get("message")),
    )


class BotoProbe:
    """Reads sync jobs through the pool's clients, spending each region's request budget.

    With `budgets`, each region's client reports every HTTP attempt to that region's budget (the first
    time the probe uses it), and each ListSyncResources page waits for a token (through `sleep`).
    """

    def __init__(
        self,
        pool: ClientPool,
        budgets: RegionBudgets | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self._pool = pool
        self._budgets = budgets
        self._sleep = sleep or (lambda _seconds: None)
        self._watched: set[str] = set()
        self._lock = threading.Lock()

    def _client(self, region: str) -> IoTTwinMakerClient:
        """The region's client, watched by the region's budget from its first use on."""
        client = self._pool.client(region)
        if self._budgets is None:
            return client
        with self._lock:  # once per region, before any request of this probe goes out on it
            if region not in self._watched:
                watcher = AttemptWatcher(self._budgets.of(region), self._budgets.clock)
                watcher.attach(client.meta.events, client.meta.service_model.service_id.hyphenize())
                self._watched.add(region)
        return client

    def _acquire(self, region: str) -> None:
        if self._budgets is not None:
            self._budgets.of(region).acquire(self._sleep)

    def get_sync_job(self, target: Target, region: str) -> Observation:
        """One GetSyncJob call (after botocore's own retries), as an observation. Its first attempt was
        paid for by the loop (`reserve`); retries are charged as they go out."""
        client = self._client(region)
        try:
            response = client.get_sync_job(workspaceId=target.workspace_id, syncSource=target.sync_source)
        except bexc.NoCredentialsError:
            return no_credentials_observation(self._pool.credential_sources(), self._pool.profile)
        except (bexc.BotoCoreError, bexc.ClientError) as exc:
            return mark_unreached(exc, observation_from_exception(exc))
        except Exception as exc:  # noqa: BLE001 - botocore's parser choked on the body: malformed, retried
            return observation_from_unreadable(exc)
        return observation_from_response(cast(Mapping[str, object], response))

    def list_resource_errors(self, target: Target, region: str, cap: int) -> ResourceListing:
        """The job's sync resources in state ERROR, paged by hand (botocore has no paginator for this
        service), at most `cap` of them; an error mid-way keeps what was read (best effort)."""
        found: list[ResourceError] = []
        token: str | None = None
        requests = 0
        client = self._client(region)
        while True:
            self._acquire(region)
            kwargs: dict[str, object] = {
                "workspaceId": target.workspace_id,
                "syncSource": target.sync_source,
                "filters": [{"state": "ERROR"}],
                "maxResults": min(_PAGE_SIZE, cap - len(found) + 1),
            }
            if token:
                kwargs["nextToken"] = token
            try:
                page = cast(Mapping[str, object], client.list_sync_resources(**kwargs))  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - normalised: botocore's own, or an unreadable body
                failure = (
                    observation_from_exception(exc)
                    if isinstance(exc, bexc.BotoCoreError | bexc.ClientError)
                    else observation_from_unreadable(exc)
                )
                return ResourceListing(tuple(found[:cap]), False, failure, requests + failure.requests)
            requests += 1 + _retries(page.get("ResponseMetadata"))
            items = page.get("syncResources")
            for item in items if isinstance(items, list) else []:
                parsed = _resource_error(item)
                if parsed is not None:
                    found.append(parsed)
            next_token = page.get("nextToken")
            if len(found) > cap:
                return ResourceListing(tuple(found[:cap]), True, None, requests)
            if not isinstance(next_token, str) or not next_token:
                return ResourceListing(tuple(found), False, None, requests)
            if len(found) == cap:
                # Exactly at the cap with more pages: there is at least one more resource in ERROR.
                return ResourceListing(tuple(found), True, None, requests)
            token = next_token

    def workspace_exists(self, target: Target, region: str) -> bool | None:
        """Whether the target's workspace exists (one GetWorkspace, from the region's request budget)."""
        client = self._client(region)
        self._acquire(region)
        return workspace_exists(client, target.workspace_id)


def workspace_exists(client: IoTTwinMakerClient, workspace_id: str) -> bool | None:
    """One GetWorkspace: True / False when the service says so; None for any other answer (access
    denied to GetWorkspace, throttling, a dead endpoint), which leaves the decision to the grace."""
    try:
        client.get_workspace(workspaceId=workspace_id)
    except bexc.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        return False if code == "ResourceNotFoundException" else None
    except Exception:  # noqa: BLE001 - any failure means "cannot tell", never a crash
        return None
    return True


def mark_unreached(exc: Exception, observation: Observation) -> Observation:
    """Flag an observation whose request reached no endpoint: botocore's `ConnectionError` family
    (connection refused, DNS, connect timeout, proxy, TLS). A closed connection or a read timeout
    did reach something, and is not flagged."""
    if isinstance(exc, bexc.ConnectionError):
        return dataclasses.replace(observation, unreached=True)
    return observation


#: What each of botocore's credential providers is, in words a user can act on.
CREDENTIAL_SOURCE_NAMES = {
    "env": "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
    "assume-role": "a role_arn in the profile",
    "assume-role-with-web-identity": "web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)",
    "sso": "AWS IAM Identity Center (sso_* in the profile)",
    "login": "aws login",
    "shared-credentials-file": "the credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)",
    "custom-process": "credential_process in the profile",
    "config-file": "the config file (AWS_CONFIG_FILE or ~/.aws/config)",
    "ec2-credentials-file": "the legacy EC2 credentials file",
    "boto-config": "the legacy boto config file",
    "container-role": "container credentials (ECS, EKS Pod Identity)",
    "iam-role": "EC2 instance metadata",
}


def no_credentials_observation(sources: list[str], profile: str | None) -> Observation:
    """`denied`: where to set credentials up first (a report that cuts a long message must never cut
    what to do next), then which sources botocore tried."""
    tried = ", ".join(CREDENTIAL_SOURCE_NAMES.get(s, s) for s in sources) or "botocore's default chain"
    which = f"profile {profile!r}" if profile else "no profile (AWS_PROFILE is not set)"
    message = (
        f"no AWS credentials found for {which}. Locally, set AWS_PROFILE (or pass --profile) to a "
        "profile in ~/.aws/config; in CI, give the job an identity through OIDC (GitHub Actions: "
        "aws-actions/configure-aws-credentials with role-to-assume; elsewhere AWS_ROLE_ARN and "
        f"AWS_WEB_IDENTITY_TOKEN_FILE). Tried: {tried}."
    )
    return Observation(ObservationKind.DENIED, error=ServiceError("NoCredentialsError", message))
