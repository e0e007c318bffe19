"""Throttling seen per HTTP attempt, through botocore's own events, as its adaptive retry mode sees it.

One boto3 call can be several HTTP attempts (botocore's standard retry mode retries throttling, 5xx,
timeouts and connection errors). Only an attempt the service throttled says "slow down": a 5xx, a
timeout or a reset connection says nothing about the account's quota, so it must never lower the run's
request rate. Judging a whole call afterwards cannot tell them apart (a success after one retry looks
the same whichever error was retried) and learns of a 429 only once botocore has finished retrying it.

So each client gets two handlers on its event hooks (botocore/retries/adaptive.py registers the same
pair for its own client-side limiter):

- `request-created`: an attempt is about to be sent. Its start time is noted in the call's context, and
  an attempt after the first (a retry) is charged to the budget: it spends the quota like any request.
- `needs-retry`: an attempt was answered, or failed without an answer. Throttled -> the budget backs off
  at once, before botocore sleeps and retries; otherwise an answered attempt lets the rate recover. The
  handler returns None, so whether and when to retry stays botocore's decision.

"Throttled" is botocore's own rule (`ThrottlingErrorDetector`: its list of throttling codes, the
model's `retryable.throttling` errors, an unmodelled 429), plus what TwinMaker adds: the 402
`ServiceQuotaExceededException` that botocore does not know (and does not retry), and any 429.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from botocore.retries.standard import RetryContext, RetryEventAdapter, ThrottlingErrorDetector

if TYPE_CHECKING:
    from botocore.awsrequest import AWSRequest
    from botocore.hooks import BaseEventHooks

    from .ratelimit import RateLimiter

#: HTTP statuses that mean "slow down" whatever the body says: 429 Too Many Requests, and TwinMaker's
#: 402 for `ServiceQuotaExceededException`.
THROTTLING_STATUSES: frozenset[int] = frozenset({429, 402})
#: TwinMaker's quota error; botocore's list of throttling codes does not have it.
QUOTA_EXCEEDED = "ServiceQuotaExceededException"

_DETECTOR = ThrottlingErrorDetector(RetryEventAdapter())
#: Where the attempt's start time is kept in botocore's per-call request context.
_SENT_AT = "twinmaker_gate_attempt_sent_at"


def is_throttling(code: str | None, status: int | None = None) -> bool:
    """True when an error with this code (and HTTP status) means the service is throttling us."""
    parsed = {"Error": {"Code": code}} if code else None
    return _throttled(RetryContext(attempt_number=1, parsed_response=parsed), status)


def _throttled(context: RetryContext, status: int | None) -> bool:
    """botocore's judgement of one attempt, plus TwinMaker's 429/402."""
    code: object = context.get_error_code()  # a str; botocore-stubs say int
    if status in THROTTLING_STATUSES or code == QUOTA_EXCEEDED:
        return True
    return _DETECTOR.is_throttling_error_from_context(context)


class AttemptWatcher:
    """Feeds one region's budget from every HTTP attempt of one client (see the module docstring)."""

    def __init__(self, budget: RateLimiter, clock: Callable[[], float]) -> None:
        self._budget = budget
        self._clock = clock
        self._adapter = RetryEventAdapter()

    def attach(self, events: BaseEventHooks, service_id: str) -> None:
        """Register on a client's events (`client.meta.events`, service `iottwinmaker`)."""
        events.register(f"request-created.{service_id}", self.on_request_created)
        events.register(f"needs-retry.{service_id}", self.on_attempt_done)

    def on_request_created(self, request: AWSRequest, **_kwargs: Any) -> None:
        context = request.context
        context[_SENT_AT] = self._clock()
        retries = context.get("retries")
        attempt = retries.get("attempt", 1) if isinstance(retries, Mapping) else 1
        if isinstance(attempt, int) and attempt > 1:
            self._budget.charge(1)  # a retry: the loop paid for the first attempt only

    def on_attempt_done(self, **kwargs: Any) -> None:
        context = self._adapter.create_retry_context(**kwargs)
        if _throttled(context, getattr(context.http_response, "status_code", None)):
            sent_at = context.request_context.get(_SENT_AT)
            self._budget.on_throttled(sent_at=sent_at if isinstance(sent_at, float) else None)
        elif context.http_response is not None:
            self._budget.on_success()
        # None: botocore's retry handler alone decides whether to retry.
