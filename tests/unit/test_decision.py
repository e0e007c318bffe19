"""The decision table: every state, every observation kind, an unknown state and code, the grace and
the deadline. Rows are data, as botocore's waiter tests keep them."""

from __future__ import annotations

import pytest

from tests.fakes import NOT_FOUND, SERVER_ERROR, THROTTLED, api_error, state
from validators.decision import (
    KeepWaiting,
    Progress,
    Verdict,
    advance,
    decide,
    decide_at_deadline,
    decide_resources,
    needs_resource_listing,
)
from validators.model import KNOWN_ERROR_CODES, Outcome, ResourceError, ServiceError
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.policy import WaitPolicy

POLICY = WaitPolicy(timeout=100, not_found_grace=30)
FRESH = Progress()


@pytest.mark.parametrize(
    ("observation", "expected"),
    [
        (state("CREATING"), KeepWaiting()),
        (state("INITIALIZING"), KeepWaiting()),
        (state("ACTIVE"), Verdict(Outcome.ACTIVE)),
        (state("ERROR", "SYNC_PROCESSING_ERROR", "2 assets failed"), Verdict(Outcome.ERROR)),
        (state("DELETING"), Verdict(Outcome.UNEXPECTED_STATE)),
        (state("PAUSED"), Verdict(Outcome.UNEXPECTED_STATE)),  # a state from a newer API
        (state("active"), Verdict(Outcome.UNEXPECTED_STATE)),  # states are case-sensitive in the model
        (NOT_FOUND, KeepWaiting(note="not visible yet")),
        (THROTTLED, KeepWaiting(note="retrying after ThrottlingException", retry_soon=True)),
        (SERVER_ERROR, KeepWaiting(note="retrying after InternalServerException", retry_soon=True)),
        (api_error(ObservationKind.DENIED, "AccessDeniedException"), Verdict(Outcome.DENIED)),
        (api_error(ObservationKind.DENIED, "ExpiredTokenException"), Verdict(Outcome.DENIED)),
        (api_error(ObservationKind.INVALID, "ValidationException"), Verdict(Outcome.INVALID)),
    ],
    ids=lambda v: getattr(v, "state", None) or getattr(getattr(v, "error", None), "code", None) or str(v),
)
def test_decision_before_the_deadline(observation: Observation, expected: object) -> None:
    assert decide(observation, FRESH, POLICY, now=10, deadline=100) == expected


@pytest.mark.parametrize("code", [*sorted(KNOWN_ERROR_CODES), "SYNC_SOMETHING_NEW"])
def test_error_state_is_a_failure_whatever_the_code(code: str) -> None:
    assert decide(state("ERROR", code, "m"), FRESH, POLICY, now=1, deadline=100) == Verdict(Outcome.ERROR)


@pytest.mark.parametrize(
    ("observation", "progress", "expected"),
    [
        (state("CREATING"), FRESH, Outcome.TIMEOUT),
        (state("INITIALIZING"), FRESH, Outcome.TIMEOUT),
        (state("ACTIVE"), FRESH, Outcome.ACTIVE),  # the last look can still succeed
        (state("ERROR", "INTERNAL_FAILURE"), FRESH, Outcome.ERROR),
        (THROTTLED, FRESH, Outcome.UNREACHABLE),  # nothing but transient errors, ever
        (THROTTLED, Progress(last_state="CREATING", read_anything=True), Outcome.TIMEOUT),
        (NOT_FOUND, Progress(not_found_since=95, read_anything=True), Outcome.TIMEOUT),
    ],
)
def test_decision_at_the_deadline(observation: Observation, progress: Progress, expected: Outcome) -> None:
    assert decide(observation, progress, POLICY, now=100, deadline=100) == Verdict(expected)


def test_not_found_is_tolerated_for_the_grace_then_final() -> None:
    progress = advance(FRESH, NOT_FOUND, now=10)
    assert progress.not_found_since == 10
    assert decide(NOT_FOUND, progress, POLICY, now=39.9, deadline=100) == KeepWaiting(note="not visible yet")
    assert decide(NOT_FOUND, progress, POLICY, now=40, deadline=100) == Verdict(Outcome.NOT_FOUND)


def test_a_state_between_not_founds_restarts_the_grace() -> None:
    progress = advance(advance(FRESH, NOT_FOUND, now=10), state("CREATING"), now=20)
    assert progress.not_found_since is None
    progress = advance(progress, NOT_FOUND, now=35)
    assert decide(NOT_FOUND, progress, POLICY, now=60, deadline=100) == KeepWaiting(note="not visible yet")


def test_zero_grace_makes_the_first_not_found_final() -> None:
    policy = WaitPolicy(not_found_grace=0)
    assert decide(NOT_FOUND, FRESH, policy, now=0, deadline=100) == Verdict(Outcome.NOT_FOUND)


def test_transient_errors_do_not_count_as_having_read_anything() -> None:
    assert advance(FRESH, THROTTLED, now=1) == FRESH
    assert decide_at_deadline(FRESH) is Outcome.UNREACHABLE
    assert decide_at_deadline(Progress(last_state="CREATING", read_anything=True)) is Outcome.TIMEOUT


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


FAILED_ASSET = ResourceError("ENTITY", "asset-1", "entity-1", "SYNC_PROCESSING_ERROR", "bad property")


@pytest.mark.parametrize(
    ("verdict", "listing", "expected"),
    [
        (Verdict(Outcome.ACTIVE), ResourceListing(), Verdict(Outcome.ACTIVE)),
        (Verdict(Outcome.ACTIVE), ResourceListing((FAILED_ASSET,)), Verdict(Outcome.RESOURCE_ERRORS)),
        (Verdict(Outcome.ERROR), ResourceListing(), Verdict(Outcome.ERROR)),
        (Verdict(Outcome.ERROR), ResourceListing(failure=THROTTLED), Verdict(Outcome.ERROR)),
        (
            Verdict(Outcome.ACTIVE),
            ResourceListing(failure=api_error(ObservationKind.DENIED, "AccessDeniedException")),
            Verdict(Outcome.DENIED),
        ),
        (
            Verdict(Outcome.ACTIVE),
            ResourceListing(failure=api_error(ObservationKind.INVALID, "ValidationException")),
            Verdict(Outcome.INVALID),
        ),
        (
            Verdict(Outcome.ACTIVE),
            ResourceListing(failure=THROTTLED),
            KeepWaiting(note="listing sync resources: retrying after ThrottlingException", retry_soon=True),
        ),
    ],
)
def test_resource_listing_refines_only_an_active_verdict(
    verdict: Verdict, listing: ResourceListing, expected: object
) -> None:
    assert decide_resources(verdict, listing) == expected


# --- early answers (issue 14) ----------------------------------------------------------------------

UNREACHED = Observation(
    ObservationKind.TRANSIENT, error=ServiceError("EndpointConnectionError", "refused"), unreached=True
)
EARLY = WaitPolicy(timeout=1800, not_found_grace=120, unreachable_after=60)


def test_not_found_in_a_workspace_that_does_not_exist_is_not_found_at_once() -> None:
    missing = Observation(ObservationKind.NOT_FOUND, workspace_missing=True)
    assert decide(missing, FRESH, EARLY, now=0, deadline=1800) == Verdict(Outcome.NOT_FOUND)
    assert decide(NOT_FOUND, FRESH, EARLY, now=0, deadline=1800) == KeepWaiting(note="not visible yet")


@pytest.mark.parametrize(
    ("since", "now", "expected"),
    [
        (None, 10, KeepWaiting(note="retrying after EndpointConnectionError", retry_soon=True)),
        (10, 69, KeepWaiting(note="retrying after EndpointConnectionError", retry_soon=True)),
        (10, 70, Verdict(Outcome.UNREACHABLE)),  # 60 s of requests that reached nothing
    ],
)
def test_requests_that_reach_nothing_are_unreachable_after_unreachable_after(
    since: float | None, now: float, expected: object
) -> None:
    progress = Progress(unreached_since=since)
    assert decide(UNREACHED, progress, EARLY, now=now, deadline=1800) == expected


def test_an_answer_from_the_service_restarts_the_unreachable_clock() -> None:
    progress = advance(FRESH, UNREACHED, now=5)
    assert progress.unreached_since == 5
    assert advance(progress, UNREACHED, now=30).unreached_since == 5
    assert advance(progress, SERVER_ERROR, now=30).unreached_since is None  # a 5xx is an answer
    assert advance(progress, THROTTLED, now=30).unreached_since is None
    assert advance(progress, state("CREATING"), now=30).unreached_since is None
    # a throttled or failing service is never "unreachable" early, however long it lasts
    assert decide(SERVER_ERROR, FRESH, EARLY, now=1700, deadline=1800).__class__ is KeepWaiting
