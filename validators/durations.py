"""Durations as pipelines write them: `90`, `1.5`, `90s`, `30m`, `1h`, `1h30m`, `2m30s`.

One parser for every seconds-valued setting (CLI flags, `TWINMAKER_GATE_*` variables, the Pulumi
program's `gateTimeout`), so `30m` means the same everywhere; and one formatter, so people read
`2m30s` rather than `150.0s` in heartbeats.
"""

from __future__ import annotations

import math
import re

#: Seconds per unit. Days are left out on purpose: a deployment gate that waits days is a typo.
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0}
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
# Each unit at most once, in the order h, m, s (so `1m1h` is refused rather than guessed at).
_DURATION = re.compile(rf"(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m)?(?:(?P<s>{_NUMBER})s)?", re.ASCII)
_PLAIN = re.compile(_NUMBER, re.ASCII)

EXAMPLES = "such as 90, 90s, 30m, 1h or 1h30m"


class DurationError(ValueError):
    """Not a duration; the message says what was expected (for one-line usage errors)."""


def parse_duration(raw: str) -> float:
    """Seconds in `raw`: a plain number of seconds, or numbers with units h, m, s in that order.

    Rule: surrounding spaces are ignored, units are lower-case, no sign (a duration is never negative),
    and the result must be finite. Raises `DurationError` otherwise.
    """
    text = raw.strip()
    if _PLAIN.fullmatch(text):
        seconds = float(text)
    else:
        match = _DURATION.fullmatch(text)
        if not text or match is None:
            raise DurationError(f"expected a duration ({EXAMPLES})")
        seconds = sum(float(match[unit]) * factor for unit, factor in _UNITS.items() if match[unit])
    if not math.isfinite(seconds):
        raise DurationError(f"expected a finite duration ({EXAMPLES})")
    return seconds


def format_duration(seconds: float) -> str:
    """`45s`, `2m30s`, `1h05m`: whole seconds under an hour, whole minutes from an hour on."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
