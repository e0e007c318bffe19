"""The poll schedule's bounds: interval within [min, max], growth with the wait, jitter only shortens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validators.schedule import backoff_interval, next_due, poll_interval
from validators.wait_settings import WaitPolicy

POLICY = WaitPolicy(min_interval=2, max_interval=30, growth=0.1, jitter=0.1)


@pytest.mark.parametrize(
    ("waited", "expected"),
    [(0, 2.0), (10, 2.0), (20, 2.0), (50, 5.0), (100, 10.0), (300, 30.0), (10_000, 30.0)],
)
def test_interval_is_ten_percent_of_the_wait_within_bounds(waited: float, expected: float) -> None:
    assert poll_interval(waited, POLICY, draw=0.0) == pytest.approx(expected)


def test_jitter_shortens_by_at_most_the_jitter_fraction() -> None:
    assert poll_interval(100, POLICY, draw=0.999999) == pytest.approx(9.0, abs=1e-4)
    assert poll_interval(0, POLICY, draw=0.999999) == 2.0  # never below min-interval


@given(
    waited=st.floats(0, 1e7),
    draw=st.floats(0, 1, exclude_max=True),
    lo=st.floats(0.01, 100),
    span=st.floats(0, 1000),
)
def test_interval_always_within_min_and_max(waited: float, draw: float, lo: float, span: float) -> None:
    policy = WaitPolicy(min_interval=lo, max_interval=lo + span)
    interval = poll_interval(waited, policy, draw)
    assert policy.min_interval <= interval <= policy.max_interval
    # The lag after a transition stays within max(min-interval, 10 % of the time waited).
    assert interval <= max(policy.min_interval, policy.growth * waited) + 1e-9


@pytest.mark.parametrize(("errors", "cap"), [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (5, 30.0), (60, 30.0)])
def test_backoff_doubles_up_to_max_interval(errors: int, cap: float) -> None:
    assert backoff_interval(errors, POLICY, draw=0.0) == 2.0
    assert backoff_interval(errors, POLICY, draw=1.0) == pytest.approx(cap)


def test_next_poll_is_never_past_the_deadline() -> None:
    assert next_due(now=95, pause=30, deadline=100) == 100
    assert next_due(now=10, pause=30, deadline=100) == 40
