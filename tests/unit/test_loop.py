"""The polling loop on a fake clock, one target at a time (test_fleet_scheduling.py has the fleet-wide
rules): exact schedules, fail-fast call counts, the deadline, not-found grace, cancel, reasons, regions.
Everything runs in milliseconds."""

from __future__ import annotations

import itertools
import threading
from collections import Counter

import pytest

from tests.fakes import (
    NOT_FOUND,
    SERVER_ERROR,
    THROTTLED,
    FakeClock,
    ScriptedProbe,
    Timeline,
    api_error,
    simulated_poller,
    state,
)
from validators.model import (
    Outcome,
    Reason,
    ResourceError,
    RunResult,
    ServiceError,
    StateChange,
    Target,
    Waiting,
)
from validators.observation import Observation, ObservationKind, ResourceListing
from validators.ratelimit import RegionBudgets
from validators.reports.common import unreached_hint
from validators.wait_settings import WaitPolicy

NO_JITTER = WaitPolicy(jitter=0.0, max_rps=1000)


def run(
    timelines: dict[str, Timeline],
    policy: WaitPolicy = NO_JITTER,
    *,
    listings: dict[str, ResourceListing] | None = None,
    cost: float = 0.0,
    changes: list[StateChange] | None = None,
    cancel: threading.Event | None = None,
    probe_hook: object = None,
) -> tuple[RunResult, ScriptedProbe, FakeClock]:
    clock = FakeClock()
    probe = ScriptedProbe(clock, timelines, listings or {}, cost=cost)
    if probe_hook is not None:
        probe.hook = probe_hook  # type: ignore[assignment]
    targets = [(Target(name), "eu-west-1") for name in timelines]
    poller = simulated_poller(
        targets,
        policy,
        probe,
        clock=clock,
        seed=7,
        on_change=(changes.append if changes is not None else None),
        cancel=cancel,
        settle_seconds=5,
    )
    return poller.run(), probe, clock


def only(result: RunResult) -> object:
    (job,) = result.jobs
    return job


def test_active_after_30s_follows_the_growing_schedule_exactly() -> None:
    result, probe, clock = run({"plant": Timeline([(0, state("CREATING")), (30, state("ACTIVE"))])})
    job = result.jobs[0]
    assert job.outcome is Outcome.ACTIVE and job.state == "ACTIVE" and job.error is None
    polls = probe.polls("plant")
    # 2 s while the wait is short, then 10 % of the time waited.
    assert polls[:11] == pytest.approx([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
    assert polls[11:] == pytest.approx([22, 24.2, 26.62, 29.282, 32.2102])
    assert job.polls == len(polls) == 16
    assert clock.sleeps == pytest.approx([b - a for a, b in itertools.pairwise(polls)])
    lag = polls[-1] - 30
    assert lag <= max(NO_JITTER.min_interval, 0.1 * 30) + 1e-9


def test_error_state_stops_polling_and_carries_code_message_and_resources() -> None:
    failed = (
        ResourceError("ENTITY", "asset-7", "ent-7", "SYNC_PROCESSING_ERROR", "property type mismatch"),
        ResourceError("COMPONENT_TYPE", "model-2", "ct-2", "SYNC_PROCESSING_ERROR", "bad model"),
    )
    timeline = Timeline([(0, state("CREATING")), (5, state("ERROR", "SYNC_PROCESSING_ERROR", "2 failed"))])
    result, probe, _ = run({"paint": timeline}, listings={"paint": ResourceListing(failed)})
    job = result.jobs[0]
    assert job.outcome is Outcome.ERROR
    assert job.error == ServiceError("SYNC_PROCESSING_ERROR", "2 failed")
    assert job.resource_errors == failed
    assert probe.polls("paint") == [0, 2, 4, 6]  # no poll after the verdict
    assert probe.listing_calls == ["paint"]
    assert result.exit_status == 1


@pytest.mark.parametrize(
    ("observation", "outcome"),
    [
        (api_error(ObservationKind.DENIED, "AccessDeniedException", "no"), Outcome.DENIED),
        (
            api_error(ObservationKind.DENIED, "NoCredentialsError", "Unable to locate credentials"),
            Outcome.DENIED,
        ),
        (api_error(ObservationKind.INVALID, "ValidationException", "bad id"), Outcome.INVALID),
        (state("DELETING"), Outcome.UNEXPECTED_STATE),
        (state("SUSPENDED"), Outcome.UNEXPECTED_STATE),
    ],
)
def test_final_answers_end_the_target_after_one_call(observation: object, outcome: Outcome) -> None:
    result, probe, _ = run({"w": Timeline([(0, observation)])})  # type: ignore[list-item]
    assert result.jobs[0].outcome is outcome
    assert len(probe.calls) == 1
    if result.jobs[0].error is not None:
        assert result.jobs[0].error.code in {
            "AccessDeniedException",
            "NoCredentialsError",
            "ValidationException",
        }


def test_pending_at_the_deadline_gets_a_last_look_then_timeout_with_its_state() -> None:
    policy = WaitPolicy(timeout=60, jitter=0.0, max_rps=1000)
    result, probe, clock = run({"slow": Timeline([(0, state("INITIALIZING"))])}, policy)
    job = result.jobs[0]
    assert job.outcome is Outcome.TIMEOUT and job.state == "INITIALIZING"
    assert probe.polls("slow")[-1] == pytest.approx(60)  # the last look is at the deadline itself
    assert clock.elapsed == pytest.approx(60)  # never slept past it
    assert result.exit_status == 3


def test_last_look_can_still_succeed() -> None:
    policy = WaitPolicy(timeout=60, jitter=0.0, max_rps=1000)
    result, _, _ = run({"w": Timeline([(0, state("CREATING")), (59.5, state("ACTIVE"))])}, policy)
    assert result.jobs[0].outcome is Outcome.ACTIVE


def test_throttling_throughout_is_unreachable_at_the_deadline_with_backoff() -> None:
    policy = WaitPolicy(timeout=120, jitter=0.0, max_rps=1000)
    result, probe, clock = run({"w": Timeline([(0, THROTTLED)])}, policy)
    job = result.jobs[0]
    assert job.outcome is Outcome.UNREACHABLE
    assert job.error is not None and job.error.code == "ThrottlingException"
    assert clock.elapsed == pytest.approx(120)
    gaps = [b - a for a, b in zip(probe.polls("w"), probe.polls("w")[1:], strict=False)]
    assert all(policy.min_interval <= gap <= policy.max_interval + 1e-9 for gap in gaps)
    assert len(probe.calls) < 120 / policy.min_interval  # backed off, not hammering


def test_server_errors_never_end_a_target_early() -> None:
    timeline = Timeline([(0, SERVER_ERROR), (40, state("CREATING")), (50, state("ACTIVE"))])
    result, _, _ = run({"w": timeline}, WaitPolicy(jitter=0.0, max_rps=1000))
    assert result.jobs[0].outcome is Outcome.ACTIVE


def test_not_found_within_the_grace_is_waited_out() -> None:
    timeline = Timeline([(0, NOT_FOUND), (15, state("CREATING")), (20, state("ACTIVE"))])
    result, _, _ = run({"w": timeline})
    assert result.jobs[0].outcome is Outcome.ACTIVE


def test_not_found_beyond_the_grace_is_not_found_and_polling_stops_there() -> None:
    policy = WaitPolicy(not_found_grace=30, jitter=0.0, max_rps=1000)
    result, probe, clock = run({"w": Timeline([(0, NOT_FOUND)])}, policy)
    job = result.jobs[0]
    assert job.outcome is Outcome.NOT_FOUND and job.state is None
    assert job.error is not None and job.error.code == "ResourceNotFoundException"
    assert probe.polls("w")[-1] == pytest.approx(30)
    assert clock.elapsed == pytest.approx(30)
    assert result.exit_status == 4


def test_check_resources_turns_active_with_failing_resources_into_resource_errors() -> None:
    failed = (ResourceError("ENTITY", "a", "e", "SYNC_PROCESSING_ERROR", "m"),)
    policy = WaitPolicy(check_resources=True, jitter=0.0, max_rps=1000)
    result, _, _ = run(
        {"w": Timeline([(0, state("ACTIVE"))])}, policy, listings={"w": ResourceListing(failed)}
    )
    assert result.jobs[0].outcome is Outcome.RESOURCE_ERRORS
    assert result.jobs[0].resource_errors == failed
    clean, probe, _ = run({"w": Timeline([(0, state("ACTIVE"))])}, policy)
    assert clean.jobs[0].outcome is Outcome.ACTIVE and probe.listing_calls == ["w"]


def test_without_check_resources_active_lists_nothing() -> None:
    _, probe, _ = run({"w": Timeline([(0, state("ACTIVE"))])})
    assert probe.listing_calls == []


def test_a_line_per_state_change_not_per_poll() -> None:
    changes: list[StateChange] = []
    timeline = Timeline([(0, state("CREATING")), (10, state("INITIALIZING")), (30, state("ACTIVE"))])
    result, probe, _ = run({"w": timeline}, changes=changes)
    assert len(probe.calls) > 10
    assert [(c.previous, c.state, c.result is not None) for c in changes] == [
        (None, "CREATING", False),
        ("CREATING", "INITIALIZING", False),
        ("INITIALIZING", "ACTIVE", True),
    ]
    assert changes[-1].result == result.jobs[0]


def test_cancel_stops_at_once_and_marks_pending_targets_interrupted() -> None:
    cancel = threading.Event()

    def hook(workspace: str, t: float) -> None:
        if t >= 10:
            cancel.set()

    timelines = {"a": Timeline([(0, state("CREATING"))]), "b": Timeline([(0, state("ACTIVE"))])}
    result, probe, _ = run(timelines, cancel=cancel, probe_hook=hook)
    outcomes = {j.target.workspace_id: j.outcome for j in result.jobs}
    assert outcomes == {"a": Outcome.INTERRUPTED, "b": Outcome.ACTIVE}
    assert result.jobs[0].state == "CREATING"
    assert max(t for _, t in probe.calls) == pytest.approx(10)


def test_a_probe_that_crashes_is_retried_then_reported_not_raised() -> None:
    class Broken(ScriptedProbe):
        def get_sync_job(self, target: Target, region: str):  # type: ignore[no-untyped-def]
            super().get_sync_job(target, region)
            raise RuntimeError("bug")

    clock = FakeClock()
    probe = Broken(clock, {"w": Timeline([(0, state("CREATING"))])})
    result = simulated_poller(
        [(Target("w"), "r")],
        WaitPolicy(timeout=10),
        probe,
        clock=clock,
        seed=1,
    ).run()
    assert result.jobs[0].outcome is Outcome.UNREACHABLE
    assert result.jobs[0].error == ServiceError("RuntimeError", "bug")


def test_requests_in_flight_at_the_deadline_get_one_request_timeout() -> None:
    # Each call takes 8 s on the clock; the run's deadline passes while one is in flight.
    policy = WaitPolicy(timeout=20, jitter=0.0, max_rps=1000)
    result, _, clock = run({"w": Timeline([(0, state("CREATING"))])}, policy, cost=8)
    assert result.jobs[0].outcome is Outcome.TIMEOUT
    assert clock.elapsed <= 20 + 8 + 1e-9


def test_an_outage_after_a_not_found_past_the_grace_still_backs_off() -> None:
    # Review finding: the grace cap stayed in the past, so every retry was due at once (10 polls/s).
    policy = WaitPolicy(not_found_grace=10, timeout=100, jitter=0.0, max_rps=10)
    timeline = Timeline([(0, NOT_FOUND), (1, SERVER_ERROR)])
    result, probe, _ = run({"w": timeline}, policy)
    assert result.jobs[0].outcome is Outcome.TIMEOUT  # a not-found was read, then only errors
    after_grace = [t for t in probe.polls("w") if t >= 10]
    gaps = [b - a for a, b in itertools.pairwise(after_grace)]
    assert min(gaps) >= policy.min_interval - 1e-9
    assert max(gaps) > 4 * policy.min_interval  # backing off (full jitter up to max-interval)
    assert len(after_grace) <= 12


def test_targets_the_budget_never_reached_before_the_deadline_time_out_not_unreachable() -> None:
    policy = WaitPolicy(timeout=0, max_rps=1, jitter=0.0)
    timelines = {
        name: Timeline([(0, state("ERROR", "SYNC_PROCESSING_ERROR"))]) for name in ("aa", "bb", "cc")
    }
    result, probe, _ = run(timelines, policy)
    outcomes = [(j.target.workspace_id, j.outcome, j.polls) for j in result.jobs]
    assert outcomes == [("aa", Outcome.ERROR, 1), ("bb", Outcome.TIMEOUT, 0), ("cc", Outcome.TIMEOUT, 0)]
    assert len(probe.calls) == 1


def test_active_whose_resources_cannot_be_listed_by_the_deadline_is_unreachable_with_the_reason() -> None:
    policy = WaitPolicy(timeout=20, check_resources=True, jitter=0.0, max_rps=1000)
    listing = ResourceListing(failure=THROTTLED)
    result, _, _ = run({"w": Timeline([(0, state("ACTIVE"))])}, policy, listings={"w": listing})
    job = result.jobs[0]
    assert (job.outcome, job.state) == (Outcome.UNREACHABLE, "ACTIVE")
    assert job.error is not None and job.error.code == "ThrottlingException"


def test_a_flaky_endpoint_prints_a_line_per_new_reason_not_per_poll() -> None:
    changes: list[StateChange] = []
    steps = [(float(t), SERVER_ERROR if t % 4 == 0 else state("CREATING")) for t in range(0, 60)]
    steps.append((60.0, state("ACTIVE")))
    result, probe, _ = run({"w": Timeline(steps)}, changes=changes)
    assert result.jobs[0].outcome is Outcome.ACTIVE
    assert len(probe.calls) > 10
    assert len(changes) <= 4, [(c.state, c.reason) for c in changes]


# --- early answers ---------------------------------------------------------------------------------


def test_a_job_in_a_missing_workspace_is_not_found_after_one_poll_and_one_workspace_look() -> None:
    clock = FakeClock()
    probe = ScriptedProbe(clock, {"typo": Timeline([(0, NOT_FOUND)])}, missing_workspaces={"typo"})
    poller = simulated_poller([(Target("typo"), "eu-west-1")], NO_JITTER, probe, clock=clock)
    job = poller.run().jobs[0]
    assert job.outcome is Outcome.NOT_FOUND
    assert job.error == ServiceError("ResourceNotFoundException", "workspace typo not found")
    assert (len(probe.calls), probe.workspace_calls, clock.elapsed) == (1, ["typo"], 0)


def test_the_workspace_is_looked_at_once_and_an_existing_one_leaves_the_grace_in_charge() -> None:
    policy = WaitPolicy(not_found_grace=30, jitter=0.0, max_rps=1000)
    result, probe, clock = run({"w": Timeline([(0, NOT_FOUND)])}, policy)
    assert result.jobs[0].outcome is Outcome.NOT_FOUND
    assert clock.elapsed == pytest.approx(30)
    assert probe.workspace_calls == ["w"]  # one GetWorkspace, however many polls
    assert len(probe.calls) > 1


def test_an_endpoint_nothing_reaches_is_unreachable_at_unreachable_after_with_what_to_check() -> None:
    refused = Observation(
        ObservationKind.TRANSIENT, error=ServiceError("EndpointConnectionError", "refused"), unreached=True
    )
    policy = WaitPolicy(timeout=1800, unreachable_after=120, jitter=0.0, max_rps=1000)
    result, _, clock = run({"w": Timeline([(0, refused)])}, policy)
    job = result.jobs[0]
    assert job.outcome is Outcome.UNREACHABLE
    assert clock.elapsed == pytest.approx(120)  # exactly then, not at the 30-minute deadline
    assert job.error == ServiceError("EndpointConnectionError", "refused")
    assert job.unreached_seconds == pytest.approx(120)
    assert unreached_hint(job).startswith(
        "no request reached the service for 2m; check the region (eu-west-1)"
    )


def test_a_service_that_answers_with_errors_is_not_cut_short_by_unreachable_after() -> None:
    policy = WaitPolicy(timeout=300, unreachable_after=60, jitter=0.0, max_rps=1000)
    result, _, clock = run({"w": Timeline([(0, SERVER_ERROR)])}, policy)
    assert result.jobs[0].outcome is Outcome.UNREACHABLE
    assert clock.elapsed == pytest.approx(300)
    assert result.jobs[0].unreached_seconds is None
    assert unreached_hint(result.jobs[0]) == ""


def test_a_workspace_look_that_fails_leaves_the_not_found_to_the_grace() -> None:
    class Broken(ScriptedProbe):
        def workspace_exists(self, target: Target, region: str) -> bool | None:
            raise RuntimeError("bug")

    clock = FakeClock()
    probe = Broken(clock, {"w": Timeline([(0, NOT_FOUND), (10, state("ACTIVE"))])})
    result = simulated_poller([(Target("w"), "eu-west-1")], NO_JITTER, probe, clock=clock).run()
    assert result.jobs[0].outcome is Outcome.ACTIVE


def test_each_region_spends_its_own_budget_and_throttling_in_one_slows_only_that_one() -> None:
    """TwinMaker's quotas are per account and region: --max-rps is each region's, and a region being
    throttled neither slows the other down nor holds back its due targets."""
    policy = WaitPolicy(max_rps=2, timeout=30, jitter=0.0, min_interval=1, max_interval=1)
    timelines = {f"eu-{i}": Timeline([(0, THROTTLED)]) for i in range(10)}
    timelines |= {f"us-{i}": Timeline([(0, state("CREATING"))]) for i in range(10)}
    clock = FakeClock()
    probe = ScriptedProbe(clock, timelines)
    budgets = RegionBudgets(policy.max_rps, clock)
    regions = {"eu": "eu-west-1", "us": "us-east-1"}
    targets = [(Target(name), regions[name[:2]]) for name in timelines]
    simulated_poller(targets, policy, probe, clock=clock, budgets=budgets).run()
    calls = Counter(name[:2] for name, _ in probe.calls)
    assert 2 * 30 * 0.9 <= calls["us"] <= 2 * 30 + 2  # the full budget of its own region
    assert calls["eu"] < calls["us"] / 2  # backed off, alone
    assert budgets.of("us-east-1").rate == 2 and budgets.of("eu-west-1").rate < 1


def test_a_change_is_reported_when_the_reason_to_wait_changes_not_when_it_repeats() -> None:
    changes: list[StateChange] = []
    steps = [(0.0, state("CREATING")), (5.0, SERVER_ERROR), (15.0, THROTTLED), (25.0, state("ACTIVE"))]
    run({"w": Timeline(steps)}, changes=changes)
    assert [(c.state, c.reason) for c in changes] == [
        ("CREATING", None),
        ("CREATING", Reason(Waiting.RETRYING, "InternalServerException")),
        ("CREATING", Reason(Waiting.RETRYING, "ThrottlingException")),
        ("ACTIVE", None),
    ]


def test_an_endpoint_nothing_reaches_is_reported_once_as_such_not_per_poll() -> None:
    refused = Observation(
        ObservationKind.TRANSIENT, error=ServiceError("EndpointConnectionError", "refused"), unreached=True
    )
    changes: list[StateChange] = []
    policy = WaitPolicy(timeout=1800, unreachable_after=60, jitter=0.0, max_rps=1000)
    run({"w": Timeline([(0, refused)])}, policy, changes=changes)
    assert [(c.state, c.reason, c.result is not None) for c in changes] == [
        (None, Reason(Waiting.UNREACHED, "EndpointConnectionError"), False),
        (None, None, True),
    ]
