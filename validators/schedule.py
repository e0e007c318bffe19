"""When to poll a target next: pure functions of the time waited, the policy and a random draw.

The interval grows with the time already waited (`growth` x waited, within [min, max]), so the lag
between a job turning ACTIVE and the verdict stays a small fraction of the wait while a long job costs
few calls. Jitter only ever shortens an interval, so the bounds hold and a fleet still desynchronises.
"""

from __future__ import annotations

from .wait_settings import WaitPolicy

#: Back-off after consecutive errors doubles from min-interval and is capped at max-interval.
_BACKOFF_BASE = 2.0


def poll_interval(waited: float, policy: WaitPolicy, draw: float) -> float:
    """Pause before the next poll of a pending target; `draw` is uniform in [0, 1).

    Rule: clamp(growth x waited, min, max) x (1 - jitter x draw), never below min-interval.
    """
    base = min(policy.max_interval, max(policy.min_interval, policy.growth * waited))
    return max(policy.min_interval, base * (1.0 - policy.jitter * draw))


def backoff_interval(consecutive_errors: int, policy: WaitPolicy, draw: float) -> float:
    """Pause after the n-th error in a row (n >= 1): min x 2^(n-1), capped at max, with "full jitter"
    between min and that cap so a fleet hit by the same outage does not retry in lockstep."""
    exponent = min(max(consecutive_errors - 1, 0), 32)
    cap = min(policy.max_interval, policy.min_interval * _BACKOFF_BASE**exponent)
    return policy.min_interval + (cap - policy.min_interval) * draw


def next_due(now: float, pause: float, deadline: float) -> float:
    """The next poll time, never past the deadline (the last look happens at the deadline itself)."""
    return min(now + pause, deadline)
