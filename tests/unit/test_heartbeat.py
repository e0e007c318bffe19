"""Heartbeats on a fake clock: when they come, what they say, and the ticker that drives them."""

from __future__ import annotations

import itertools

import pytest

from tests.fakes import FakeClock
from validators.model import JobResult, Outcome, Reason, StateChange, Target, Waiting
from validators.reports.heartbeat import Heartbeat, Ticker

A, B, C = Target("plant-a"), Target("plant-b"), Target("plant-c")


def change(
    target: Target,
    state: str | None,
    at: float,
    reason: Reason | None = None,
    verdict: Outcome | None = None,
) -> StateChange:
    result = JobResult(target, verdict, state) if verdict is not None else None
    return StateChange(target, state, None, at, 1, reason, result)


def ticks(heartbeat: Heartbeat, clock: FakeClock, until: float, step: float = 1.0) -> list[tuple[float, str]]:
    """Ask the heartbeat every `step` seconds, as the ticker does; the lines with their times."""
    lines = []
    while clock.elapsed < until:
        clock.sleep(step)
        lines += [(clock.elapsed, line) for line in heartbeat.due(clock())]
    return lines


def test_silence_is_broken_every_30s_then_less_often_as_the_wait_grows() -> None:
    clock = FakeClock(start=0.0)
    heartbeat = Heartbeat([A], start=0.0)
    heartbeat.observe(change(A, "CREATING", 0), 0.0)
    times = [at for at, _ in ticks(heartbeat, clock, until=2400)]
    assert times[:4] == [30, 60, 90, 120]  # every 30 s while the wait is young
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == sorted(gaps)  # never more often as the wait grows
    assert max(gaps) <= 300  # never quiet for 5 minutes, well under CI's 10
    assert gaps[-1] == 300


def test_a_line_per_group_of_waiting_jobs_with_state_and_how_long() -> None:
    clock = FakeClock(start=0.0)
    heartbeat = Heartbeat([A, B, C], start=0.0)
    heartbeat.observe(change(A, "CREATING", 0), 0.0)
    heartbeat.observe(change(B, None, 0, Reason(Waiting.NOT_VISIBLE_YET, "ResourceNotFoundException")), 0.0)
    heartbeat.observe(change(C, "CREATING", 5), 5.0)
    ((at, first), (_, second)) = ticks(heartbeat, clock, until=35)
    assert at == 35  # 30 s after the last line printed, not after the start
    assert first == "[   35.0s] waiting: 2 jobs CREATING for 35s: plant-a/SITEWISE, plant-c/SITEWISE"
    assert second == "[   35.0s] waiting: 1 job not visible yet for 35s: plant-b/SITEWISE"


def test_any_printed_change_restarts_the_silence_and_verdicts_leave_the_waiting_set() -> None:
    clock = FakeClock(start=0.0)
    heartbeat = Heartbeat([A, B], start=0.0)
    heartbeat.observe(change(A, "CREATING", 0), 0.0)
    heartbeat.observe(change(B, "CREATING", 0), 0.0)
    assert ticks(heartbeat, clock, until=25) == []
    heartbeat.observe(change(A, "ACTIVE", 25, verdict=Outcome.ACTIVE), 25.0)
    heartbeat.observe(change(B, "INITIALIZING", 25), 25.0)
    lines = ticks(heartbeat, clock, until=60)
    assert lines == [(55, "[   55.0s] waiting: 1 job INITIALIZING for 30s: plant-b/SITEWISE")]
    heartbeat.observe(change(B, "ACTIVE", 60, verdict=Outcome.ACTIVE), 60.0)
    assert ticks(heartbeat, clock, until=200) == []  # nothing is waiting: nothing to say


def test_long_groups_name_five_jobs_and_count_the_rest() -> None:
    targets = [Target(f"plant-{i}") for i in range(8)]
    heartbeat = Heartbeat(targets, start=0.0)
    for target in targets:
        heartbeat.observe(change(target, "CREATING", 0), 0.0)
    (line,) = heartbeat.due(30.0)
    assert line.endswith("plant-3/SITEWISE, plant-4/SITEWISE and 3 more")
    assert "8 jobs CREATING for 30s" in line


def test_zero_turns_heartbeats_off() -> None:
    heartbeat = Heartbeat([A], start=0.0, first=0)
    heartbeat.observe(change(A, "CREATING", 0), 0.0)
    assert heartbeat.due(10_000.0) == []


def test_the_ticker_hands_due_lines_to_emit_until_told_to_stop() -> None:
    clock = FakeClock(start=0.0)
    heartbeat = Heartbeat([A], start=0.0)
    heartbeat.observe(change(A, "CREATING", 0), 0.0)
    lines: list[str] = []

    def wait(seconds: float) -> bool:  # the stop event's wait, on the fake clock: stop at 100 s
        clock.sleep(seconds)
        return clock.elapsed > 100

    Ticker(heartbeat, lines.append, clock=clock, wait=wait, tick=1.0).run()
    assert [line.split("]")[0] for line in lines] == ["[   30.0s", "[   60.0s", "[   90.0s"]


@pytest.mark.parametrize(("waited", "allowed"), [(0, 30), (100, 30), (240, 60), (1000, 250), (5000, 300)])
def test_the_silence_allowed_grows_with_the_wait(waited: float, allowed: float) -> None:
    assert Heartbeat([A], start=0.0).silence_allowed(waited) == allowed
