"""One request budget for the whole run: a token bucket whose rate backs off when the service throttles.

The clock is injected; the bucket never sleeps itself. `reserve()` answers "go now" (and spends a token)
or "wait this long", so the scheduler can decide what to do meanwhile. Thread-safe, because the rare
paged ListSyncResources calls spend from the same budget on worker threads (`acquire`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

#: After a throttle the rate is multiplied by this (multiplicative decrease) ...
_DECREASE = 0.5
#: ... and each successful request wins back this fraction of the configured rate (additive increase).
_RECOVER = 0.02
#: The rate never falls below this fraction of the configured one, so the gate keeps making progress.
_FLOOR = 0.05


class RateLimiter:
    """Token bucket at `rate` requests/s, bursting to `burst`, with AIMD on throttling."""

    def __init__(self, rate: float, clock: Callable[[], float], burst: float | None = None) -> None:
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

    def on_throttled(self) -> None:
        """The service throttled us: halve the rate (not below the floor) for everyone sharing it."""
        with self._lock:
            self.rate = max(self.max_rate * _FLOOR, self.rate * _DECREASE)

    def on_success(self) -> None:
        """A request went through: recover towards the configured rate, a little at a time."""
        with self._lock:
            self.rate = min(self.max_rate, self.rate + self.max_rate * _RECOVER)
