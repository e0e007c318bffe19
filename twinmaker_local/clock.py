"""Time for the endpoint: an injectable clock so tests move time instead of sleeping.

A clock is any zero-argument callable returning seconds since the epoch (like `time.time`). Timelines,
not-found windows, timestamps in responses and (by default) the throttling bucket all read it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]

#: Where a `ManualClock` starts: a fixed, recognisable instant (2023-11-14T22:13:20Z) so that
#: timestamps in test responses are stable.
DEFAULT_EPOCH = 1_700_000_000.0


class ManualClock:
    """A clock that only moves when told to: `advance(seconds)` or `set(epoch_seconds)`.

    Thread-safe, because the endpoint reads it from its request threads while the test moves it.
    """

    def __init__(self, start: float = DEFAULT_EPOCH) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` (never backward: a negative step is a bug in the test)."""
        if seconds < 0:
            raise ValueError(f"a clock does not go backwards (advance({seconds}))")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, epoch_seconds: float) -> None:
        """Jump to an absolute instant, which must not be earlier than now."""
        with self._lock:
            if epoch_seconds < self._now:
                raise ValueError("a clock does not go backwards")
            self._now = float(epoch_seconds)


def scaled_clock(scale: float, base: Clock = time.time) -> Clock:
    """A clock that runs `scale` times faster than `base` from the moment it is made.

    With `scale=10` a scenario's 12-second timeline plays in 1.2 wall seconds: the demo and the
    benchmarks use it. `scale` must be positive.
    """
    if scale <= 0:
        raise ValueError(f"time scale must be positive, not {scale}")
    if scale == 1:
        return base
    origin = base()

    def now() -> float:
        return origin + (base() - origin) * scale

    return now


class FirstRequestClock:
    """A clock that stands still at `epoch` until `arm()` and the next read after it, then runs `scale`
    times faster than the wall clock from there.

    The endpoint reads its clock while it builds its store (so jobs are created at `epoch`); arm it once
    the endpoint is built, and the first request that reaches the store starts every timeline. The story
    is then the same on every machine, however long the client's interpreter takes to start (boto3 alone
    takes ~0.3 s). Requests a fault answers (5xx, 429, deny) never reach the store and never start it.
    """

    def __init__(self, scale: float = 1.0, epoch: float | None = None) -> None:
        self._scale = scale
        self._epoch = time.time() if epoch is None else epoch
        self._armed = False
        self._origin: float | None = None
        self._lock = threading.Lock()

    def arm(self) -> None:
        """From the next read on, time runs."""
        with self._lock:
            self._armed = True

    def __call__(self) -> float:
        with self._lock:
            if not self._armed:
                return self._epoch
            if self._origin is None:
                self._origin = time.monotonic()
            return self._epoch + (time.monotonic() - self._origin) * self._scale
