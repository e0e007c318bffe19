"""The run's request budget: a token bucket per region whose rate backs off when the service throttles.

TwinMaker's quotas are per account and region, so a run whose targets span regions keeps one bucket per
region (`RegionBudgets`), each at `--max-rps`: a throttled eu-west-1 never slows us-east-1 down.

The clock is injected; the bucket never sleeps itself. `reserve()` answers "go now" (and spends a token)
or "wait this long", so the scheduler can decide what to do meanwhile. Thread-safe, because worker
threads spend from it too: the paged ListSyncResources calls (`acquire`), and botocore's own retries and
throttled attempts, which `validators.throttling` reports as they happen (`charge`, `on_throttled`).

How the run backs off: one
overshoot draws many 429s at once (every request in flight, and botocore's own retries of them), so only
a throttle answering a request sent after the last decrease halves the rate again; and the rate climbs
back linearly in time, not per successful request. Measured on the fleet benchmark (500 jobs, a quota
of 50/s, --max-rps 100): per-response halving with per-success recovery (which grows the rate
exponentially in time, since successes arrive at the rate itself) gave 13 % throttled responses; one
decrease per overshoot with 5 %/s recovery gave 4 %.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

#: After a throttle the rate is multiplied by this (multiplicative decrease) ...
_DECREASE = 0.5
#: The rate never falls below this fraction of the configured one, so the gate keeps making progress.
_FLOOR = 0.05
#: ... and this fraction of the configured rate is won back per second without throttling (additive
#: increase, linear in time): from half the rate to all of it in 10 s.
RECOVER_PER_SECOND = 0.05


class RateLimiter:
    """Token bucket at `rate` requests/s, bursting to `burst`, with AIMD on throttling: halved once per
    overshoot, won back at `recover_per_second` x the configured rate per second."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float],
        burst: float | None = None,
        *,
        recover_per_second: float = RECOVER_PER_SECOND,
    ) -> None:
        self.max_rate = rate
        self.rate = rate
        # A burst of one second's worth (at least 1) lets a run start at once without breaking the cap
        # over any one-second window by more than the burst.
        self.burst = burst if burst is not None else max(1.0, rate)
        self._clock = clock
        self._tokens = 1.0
        self._stamp = clock()
        self._lock = threading.Lock()
        self.spent = 0
        self._recover_per_second = recover_per_second
        self._decreased_at = float("-inf")  # when the rate was last cut
        self._recovered_at = self._stamp  # time-based recovery counts from here

    def _refill(self, now: float) -> None:
        if now > self._stamp:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now

    def reserve(self) -> float:
        """Spend a token and return 0.0, or return the seconds until one will be available."""
        with self._lock:
            self._refill(self._clock())
            if self._tokens >= 1.0 - 1e-9:  # a float hair short of a token is a token
                self._tokens -= 1.0
                self.spent += 1
                return 0.0
            return (1.0 - self._tokens) / self.rate

    def acquire(self, sleep: Callable[[float], object]) -> None:
        """Block (through the injected `sleep`) until a token is spent."""
        while (delay := self.reserve()) > 0:
            sleep(delay)

    def charge(self, extra_requests: int) -> None:
        """Account for requests made outside `reserve` (botocore's own retries): they used the quota too."""
        if extra_requests <= 0:
            return
        with self._lock:
            self._refill(self._clock())
            self._tokens -= extra_requests
            self.spent += extra_requests

    def on_throttled(self, sent_at: float | None = None) -> None:
        """The service throttled us: halve the rate (not below the floor) for everyone sharing it.

        With `sent_at` (when the throttled request was started): a request started before the last
        decrease was part of the overshoot already answered, so it does not halve the rate again.
        """
        with self._lock:
            now = self._clock()
            if sent_at is not None and sent_at < self._decreased_at:
                return
            self.rate = max(self.max_rate * _FLOOR, self.rate * _DECREASE)
            self._decreased_at = now
            self._recovered_at = now

    def on_success(self) -> None:
        """A request went through: win back the rate, in proportion to the time since the last decrease
        or recovery step (linear in time, so the rate of successes cannot make it grow exponentially)."""
        with self._lock:
            now = self._clock()
            gain = self.max_rate * self._recover_per_second * max(0.0, now - self._recovered_at)
            self._recovered_at = now
            self.rate = min(self.max_rate, self.rate + gain)


class RegionBudgets:
    """One `RateLimiter` per region, each at `rate`, made on first use (thread-safe)."""

    def __init__(self, rate: float, clock: Callable[[], float], **options: float) -> None:
        self.rate = rate
        self.clock = clock
        self._options = options  # `burst`, `recover_per_second`, as RateLimiter takes them
        self._budgets: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def of(self, region: str) -> RateLimiter:
        """The budget of `region`."""
        with self._lock:
            budget = self._budgets.get(region)
            if budget is None:
                budget = self._budgets[region] = RateLimiter(self.rate, self.clock, **self._options)
            return budget
