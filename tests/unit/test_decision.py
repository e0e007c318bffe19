"""The decision table: every state, every observation kind, an unknown state and code, the grace, the
deadline and the resource listing. Each row is a rule, as data: what was read, what the target's
progress was, and the decision (an outcome with the error it carries, or a typed reason to wait), as
botocore's waiter tests keep them. No wording is asserted here: that is the reports' business."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.fakes import NOT_FOUND, SERVER_ERROR, THROTTLED, api_error, state
from validators.decision import (
    Decision,
    KeepWaiting,
    Progress,
    Verdict,
    advance,
    decide,
    decide_at_deadline,
    needs_resource_listing,
)
from validators.model import Outcome, Reason, ResourceError, ServiceError, Waiting
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.wait_settings import WaitPolicy

POLICY = WaitPolicy(timeout=100, not_found_grace=30, unreachable_after=60)
DEADLINE = 100.0
FRESH = Progress()
PENDING = Progress(last_state="CREATING", read_anything=True)

JOB_ERROR = ServiceError("SYNC_PROCESSING_ERROR", "2 assets failed")
DENIED = api_error(ObservationKind.DENIED, "AccessDeniedException", "no")
EXPIRED = api_error(ObservationKind.DENIED, "ExpiredTokenException", "expired")
INVALID = api_error(ObservationKind.INVALID, "ValidationException", "bad id")
FAILED_ASSET = ResourceError("ENTITY", "asset-1", "entity-1", "SYNC_PROCESSING_ERROR", "bad property")
#: A job not found whose workspace GetWorkspace did not find either (the loop names it in the error).
WORKSPACE_MISSING = Observation(
    ObservationKind.NOT_FOUND,
    error=ServiceError("ResourceNotFoundException", "workspace plant-x not found"),
    workspace_missing=True,
)
#: A request that reached no endpoint at all (connection refused, DNS, connect timeout, proxy).
UNREACHED = Observation(
    ObservationKind.TRANSIENT, error=ServiceError("EndpointConnectionError", "refused"), unreached=True
)
RETRY_UNREACHED = KeepWaiting(Reason(Waiting.UNREACHED, "EndpointConnectionError"), retry_soon=True)


def error_of(obs: Observation) -> ServiceError | None:
    return obs.error


@dataclass(frozen=True)
class Rule:
    """One row: `obs` read at `now` (deadline 100 s, grace 30 s) with `progress`, maybe a `listing`."""

    name: str
    obs: Observation
    expected: Decision
    progress: Progress = FRESH
    now: float = 10.0
    listing: ResourceListing | None = field(default=None)


RULES = [
    # -- states
    Rule("creating is pending", state("CREATING"), KeepWaiting()),
    Rule("initializing is pending", state("INITIALIZING"), KeepWaiting()),
    Rule("active is the target", state("ACTIVE"), Verdict(Outcome.ACTIVE)),
    Rule(
        "error fails with the job's error",
        state("ERROR", JOB_ERROR.code, JOB_ERROR.message),
        Verdict(Outcome.ERROR, JOB_ERROR),
    ),
    Rule("an error with no code is still error", state("ERROR"), Verdict(Outcome.ERROR)),
    Rule("deleting is unexpected", state("DELETING"), Verdict(Outcome.UNEXPECTED_STATE)),
    Rule("a newer API's state is unexpected", state("PAUSED"), Verdict(Outcome.UNEXPECTED_STATE)),
    Rule("states are case-sensitive", state("active"), Verdict(Outcome.UNEXPECTED_STATE)),
    # -- API errors
    Rule(
        "not found is not visible yet",
        NOT_FOUND,
        KeepWaiting(Reason(Waiting.NOT_VISIBLE_YET, "ResourceNotFoundException")),
    ),
    Rule(
        "not found within the grace waits",
        NOT_FOUND,
        KeepWaiting(Reason(Waiting.NOT_VISIBLE_YET, "ResourceNotFoundException")),
        progress=Progress(not_found_since=10, read_anything=True),
        now=39.9,
    ),
    Rule(
        "not found for the whole grace is final, with the API error",
        NOT_FOUND,
        Verdict(Outcome.NOT_FOUND, NOT_FOUND.error),
        progress=Progress(not_found_since=10, read_anything=True),
        now=40,
    ),
    Rule(
        "throttling is retried soon",
        THROTTLED,
        KeepWaiting(Reason(Waiting.RETRYING, "ThrottlingException"), retry_soon=True),
    ),
    Rule(
        "a 5xx is retried soon",
        SERVER_ERROR,
        KeepWaiting(Reason(Waiting.RETRYING, "InternalServerException"), retry_soon=True),
    ),
    Rule(
        "not found in a workspace that does not exist either is final at once, with its error",
        WORKSPACE_MISSING,
        Verdict(Outcome.NOT_FOUND, WORKSPACE_MISSING.error),
    ),
    Rule("a request that reached no endpoint is retried soon", UNREACHED, RETRY_UNREACHED),
    Rule(
        "no endpoint reached for under unreachable_after",
        UNREACHED,
        RETRY_UNREACHED,
        Progress(unreached_since=10),
        69,
    ),
    Rule(
        "reaching no endpoint for unreachable_after is unreachable at once, with the last error",
        UNREACHED,
        Verdict(Outcome.UNREACHABLE, UNREACHED.error),
        progress=Progress(unreached_since=10),
        now=70,
    ),
    Rule(
        "a failing service is an answer: never unreachable before the deadline",
        SERVER_ERROR,
        KeepWaiting(Reason(Waiting.RETRYING, "InternalServerException"), retry_soon=True),
        progress=Progress(unreached_since=0),
        now=90,
    ),
    Rule("access denied is final at once", DENIED, Verdict(Outcome.DENIED, DENIED.error)),
    Rule("expired credentials are denied", EXPIRED, Verdict(Outcome.DENIED, EXPIRED.error)),
    Rule("a refused request is invalid", INVALID, Verdict(Outcome.INVALID, INVALID.error)),
    # -- at the deadline
    Rule("creating at the deadline times out", state("CREATING"), Verdict(Outcome.TIMEOUT), now=DEADLINE),
    Rule("initializing at the deadline", state("INITIALIZING"), Verdict(Outcome.TIMEOUT), now=DEADLINE),
    Rule("the last look can still succeed", state("ACTIVE"), Verdict(Outcome.ACTIVE), now=DEADLINE),
    Rule(
        "the last look can still fail",
        state("ERROR", "INTERNAL_FAILURE"),
        Verdict(Outcome.ERROR, ServiceError("INTERNAL_FAILURE", "")),
        now=DEADLINE,
    ),
    Rule(
        "nothing but transient errors, ever: unreachable with the last error",
        THROTTLED,
        Verdict(Outcome.UNREACHABLE, THROTTLED.error),
        now=DEADLINE,
    ),
    Rule(
        "no endpoint reached, ever, at the deadline: unreachable with the last error",
        UNREACHED,
        Verdict(Outcome.UNREACHABLE, UNREACHED.error),
        now=DEADLINE,
    ),
    Rule(
        "a state was read before the errors: timeout", THROTTLED, Verdict(Outcome.TIMEOUT), PENDING, DEADLINE
    ),
    Rule(
        "not found within the grace at the deadline: timeout",
        NOT_FOUND,
        Verdict(Outcome.TIMEOUT),
        progress=Progress(not_found_since=95, read_anything=True),
        now=DEADLINE,
    ),
    # -- the resource listing (asked for on ERROR, and on ACTIVE with --check-resources)
    Rule(
        "active with no resource in error",
        state("ACTIVE"),
        Verdict(Outcome.ACTIVE),
        listing=ResourceListing(),
    ),
    Rule(
        "active with resources in error",
        state("ACTIVE"),
        Verdict(Outcome.RESOURCE_ERRORS),
        listing=ResourceListing((FAILED_ASSET,)),
    ),
    Rule(
        "error stays error whatever the listing says",
        state("ERROR", JOB_ERROR.code, JOB_ERROR.message),
        Verdict(Outcome.ERROR, JOB_ERROR),
        listing=ResourceListing(failure=THROTTLED),
    ),
    Rule(
        "active, listing denied: denied with the listing's error",
        state("ACTIVE"),
        Verdict(Outcome.DENIED, DENIED.error),
        listing=ResourceListing(failure=DENIED),
    ),
    Rule(
        "active, listing refused: invalid with the listing's error",
        state("ACTIVE"),
        Verdict(Outcome.INVALID, INVALID.error),
        listing=ResourceListing(failure=INVALID),
    ),
    Rule(
        "active, listing throttled: listed again soon",
        state("ACTIVE"),
        KeepWaiting(Reason(Waiting.LISTING_RETRYING, "ThrottlingException"), retry_soon=True),
        listing=ResourceListing(failure=THROTTLED),
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_decision_rules(rule: Rule) -> None:
    decided = decide(rule.obs, rule.progress, POLICY, now=rule.now, deadline=DEADLINE, listing=rule.listing)
    assert decided == rule.expected


#: `ErrorCode` in the service model (today's 8; older SDKs know only 5), and one from a newer API.
ERROR_CODES = [
    "VALIDATION_ERROR",
    "INTERNAL_FAILURE",
    "SYNC_INITIALIZING_ERROR",
    "SYNC_CREATING_ERROR",
    "SYNC_PROCESSING_ERROR",
    "SYNC_DELETING_ERROR",
    "PROCESSING_ERROR",
    "COMPOSITE_COMPONENT_FAILURE",
    "SYNC_SOMETHING_NEW",
]


@pytest.mark.parametrize("code", ERROR_CODES)
def test_error_state_is_a_failure_whatever_the_code(code: str) -> None:
    expected = Verdict(Outcome.ERROR, ServiceError(code, "m"))
    assert decide(state("ERROR", code, "m"), FRESH, POLICY, now=1, deadline=DEADLINE) == expected


@pytest.mark.parametrize(
    ("progress", "polled", "expected"),
    [
        (FRESH, False, Verdict(Outcome.TIMEOUT)),  # the budget allowed no look: nothing failed
        (Progress(api_error=THROTTLED.error), True, Verdict(Outcome.UNREACHABLE, THROTTLED.error)),
        (PENDING, True, Verdict(Outcome.TIMEOUT)),
        (
            Progress(last_state="ACTIVE", read_anything=True, api_error=THROTTLED.error),
            True,
            Verdict(Outcome.UNREACHABLE, THROTTLED.error),  # ACTIVE, but its resources were never listed
        ),
    ],
)
def test_a_target_still_undecided_at_the_deadline(
    progress: Progress, polled: bool, expected: Verdict
) -> None:
    assert decide_at_deadline(progress, polled=polled) == expected


def test_progress_remembers_the_not_found_run_and_restarts_it_on_anything_else() -> None:
    progress = advance(FRESH, NOT_FOUND, now=10)
    assert progress.not_found_since == 10
    assert advance(progress, NOT_FOUND, now=20).not_found_since == 10
    progress = advance(progress, state("CREATING"), now=20)
    assert progress.not_found_since is None
    progress = advance(progress, NOT_FOUND, now=35)
    assert decide(NOT_FOUND, progress, POLICY, now=60, deadline=DEADLINE) == KeepWaiting(
        Reason(Waiting.NOT_VISIBLE_YET, "ResourceNotFoundException")
    )


def test_zero_grace_makes_the_first_not_found_final() -> None:
    policy = WaitPolicy(not_found_grace=0)
    assert decide(NOT_FOUND, FRESH, policy, now=0, deadline=DEADLINE) == Verdict(
        Outcome.NOT_FOUND, NOT_FOUND.error
    )


def test_progress_keeps_the_last_api_error_and_the_jobs_error() -> None:
    progress = advance(FRESH, THROTTLED, now=1)
    assert (progress.read_anything, progress.api_error) == (False, THROTTLED.error)
    progress = advance(progress, state("ERROR", JOB_ERROR.code, JOB_ERROR.message), now=2)
    assert (progress.job_error, progress.api_error) == (JOB_ERROR, THROTTLED.error)
    progress = advance(progress, state("ACTIVE"), now=3, listing=ResourceListing(failure=DENIED))
    assert (progress.job_error, progress.api_error) == (None, DENIED.error)


@pytest.mark.parametrize(
    ("observation", "check_resources", "expected"),
    [
        (state("ERROR", "SYNC_PROCESSING_ERROR"), False, True),
        (state("ERROR", "SYNC_PROCESSING_ERROR"), True, True),
        (state("ACTIVE"), False, False),
        (state("ACTIVE"), True, True),
        (state("CREATING"), True, False),
        (NOT_FOUND, True, False),
    ],
)
def test_resources_are_listed_on_error_and_on_active_when_strict(
    observation: Observation, check_resources: bool, expected: bool
) -> None:
    assert needs_resource_listing(observation, WaitPolicy(check_resources=check_resources)) is expected


def test_an_answer_from_the_service_restarts_the_unreachable_clock() -> None:
    progress = advance(FRESH, UNREACHED, now=5)
    assert progress.unreached_since == 5
    assert advance(progress, UNREACHED, now=30).unreached_since == 5
    assert advance(progress, SERVER_ERROR, now=30).unreached_since is None  # a 5xx is an answer
    assert advance(progress, THROTTLED, now=30).unreached_since is None
    assert advance(progress, NOT_FOUND, now=30).unreached_since is None
    assert advance(progress, state("CREATING"), now=30).unreached_since is None
