"""The shared request budget: never more than rate x time (+ burst), AIMD on throttling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import FakeClock
from validators.ratelimit import RateLimiter


def test_first_request_goes_at_once_then_one_per_interval() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=2, clock=clock, burst=1)
    assert limiter.reserve() == 0.0
    assert limiter.reserve() == pytest.approx(0.5)
    clock.sleep(0.5)
    assert limiter.reserve() == 0.0


def test_acquire_sleeps_exactly_until_a_token_is_there() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=4, clock=clock, burst=1)
    for _ in range(5):
        limiter.acquire(clock.sleep)
    assert clock.elapsed == pytest.approx(1.0)
    assert limiter.spent == 5


@given(
    rate=st.floats(0.5, 200),
    gaps=st.lists(st.floats(0, 2), min_size=1, max_size=200),
)
def test_budget_is_never_exceeded(rate: float, gaps: list[float]) -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=rate, clock=clock)
    granted = 0
    for gap in gaps:
        clock.sleep(gap)
        while limiter.reserve() == 0.0:
            granted += 1
    assert granted <= limiter.burst + rate * clock.elapsed + 1


def test_throttling_halves_the_rate_and_success_wins_it_back_linearly_in_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=10, clock=clock)
    limiter.on_throttled()
    assert limiter.rate == 5
    for _ in range(5):
        limiter.on_throttled()
    assert limiter.rate == pytest.approx(0.5)  # the floor: 5 % of the configured rate
    for _ in range(10):
        limiter.on_success()  # no time has passed: many successes alone win nothing back
    assert limiter.rate == pytest.approx(0.5)
    clock.sleep(4)
    limiter.on_success()
    assert limiter.rate == pytest.approx(0.5 + 10 * 0.05 * 4)
    clock.sleep(60)
    limiter.on_success()
    assert limiter.rate == 10


def test_charged_retries_delay_the_next_request() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=1, clock=clock, burst=1)
    assert limiter.reserve() == 0.0
    limiter.charge(2)  # botocore retried twice inside that call
    assert limiter.reserve() == pytest.approx(3.0)


def test_one_overshoot_halves_the_rate_once_however_many_429s_it_draws() -> None:
    """32 requests go out before the first answer is read, and all come back throttled: they answer
    one overshoot, so the shared rate is halved once, not 32 times."""
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(20, clock)
    sent = []
    for _ in range(32):
        limiter.acquire(clock.sleep)
        sent.append(clock())
    clock.sleep(0.05)
    for at in sent:
        limiter.on_throttled(sent_at=at)
    assert limiter.rate == 10


def test_the_rate_is_cut_again_only_by_requests_sent_after_the_last_cut() -> None:
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(10, clock)
    sent_before = clock()
    clock.sleep(1)
    limiter.on_throttled(sent_at=clock())
    assert limiter.rate == 5
    limiter.on_throttled(sent_at=sent_before)  # in flight when the rate was cut: the same overshoot
    assert limiter.rate == 5
    clock.sleep(0.5)
    limiter.on_throttled(sent_at=clock())  # sent at the lower rate and still throttled: cut again
    assert limiter.rate == 2.5
