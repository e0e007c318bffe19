"""Heartbeats: when nothing was printed for a while, one line per group of waiting jobs says so.

CI systems kill steps that print nothing (CircleCI after 10 minutes), and people watching a log cannot
tell a stuck gate from a patient one. Off a terminal the gate prints a line per state change only, so
a job that sits in CREATING for 20 minutes would print nothing; with heartbeats it prints

    [  150.0s] waiting: 2 jobs CREATING for 2m30s: plant-a/SITEWISE, plant-b/SITEWISE

Rule: a heartbeat is due when nothing (no change line, no heartbeat) was printed for
`first` seconds while the run is young, and for `growth` x the time waited once that is longer, never
more than `longest` (5 minutes: well under the 10 silent minutes CI systems tolerate). Jobs are grouped
by what they are waiting in (their state, or a reason such as "not visible yet"); `for` is how long the
longest-waiting job of the group has been in it. A terminal keeps its live table instead.

`Heartbeat` is pure (time is an argument); `Ticker` drives it from a thread with an injected clock and
wait, so tests run it on a fake clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..durations import format_duration
from ..model import RunResult, StateChange, Target
from ..sanitize import clean_text, safe_text
from ..wait_settings import setting
from .common import SaidOnce, plural, reason_text
from .text import format_change

#: Longest silence, whatever the wait: under the 10 minutes after which CircleCI kills a quiet step.
LONGEST = 300.0
#: Beyond `first`, the silence allowed grows as this fraction of the time waited.
GROWTH = 0.25
#: Jobs named per line; the rest are counted.
NAMES_PER_LINE = 5


@dataclass
class _Waiting:
    status: str  # the state, or the reason to wait while there is no state ("not visible yet")
    since: float  # when it entered this status


def _status(change: StateChange) -> str:
    """What a job is waiting in, in words: its state, else its reason to wait (`not visible yet`)."""
    if change.state:
        return safe_text(change.state, 64)
    if change.reason is not None:
        return safe_text(reason_text(change.reason), 80)
    return "waiting"


class Heartbeat:
    """Decides when to say "still waiting" and what. Thread-safe: changes arrive from the loop's
    thread, `due` is called from the ticker's."""

    def __init__(
        self,
        targets: Sequence[Target],
        *,
        start: float,
        first: float = setting("heartbeat").default,
        longest: float = LONGEST,
    ) -> None:
        self._start = start
        self._first = first
        self._longest = max(longest, first)
        self._last_output = start
        self._order = [t.key for t in targets]
        self._labels = {t.key: clean_text(t.label(), 120) for t in targets}
        self._waiting = {t.key: _Waiting("waiting for a first answer", start) for t in targets}
        self._lock = threading.Lock()

    def silence_allowed(self, now: float) -> float:
        """How long the gate may stay quiet at `now`: `first`, growing with the wait, at most `longest`."""
        return min(self._longest, max(self._first, GROWTH * (now - self._start)))

    def observe(self, change: StateChange, now: float) -> None:
        """A change line was printed: the silence restarts; the target leaves the waiting set on a verdict."""
        key = change.target.key
        with self._lock:
            self._last_output = now
            if change.result is not None:
                self._waiting.pop(key, None)
                return
            if key not in self._waiting:  # a target nobody announced: wait for it too
                self._order.append(key)
                self._labels[key] = clean_text(change.target.label(), 120)
            status = _status(change)
            current = self._waiting.get(key)
            if current is None or current.status != status:
                self._waiting[key] = _Waiting(status, now)

    def due(self, now: float) -> list[str]:
        """The heartbeat lines to print at `now` (none unless the silence is long enough)."""
        with self._lock:
            if self._first <= 0 or not self._waiting:
                return []
            if now - self._last_output < self.silence_allowed(now):
                return []
            self._last_output = now
            groups: dict[str, list[tuple[str, float]]] = {}
            for key in self._order:
                waiting = self._waiting.get(key)
                if waiting is not None:
                    groups.setdefault(waiting.status, []).append((self._labels[key], waiting.since))
        return [self._line(now, status, members) for status, members in groups.items()]

    def _line(self, now: float, status: str, members: list[tuple[str, float]]) -> str:
        longest = now - min(since for _, since in members)
        names = [label for label, _ in members[:NAMES_PER_LINE]]
        more = len(members) - len(names)
        listed = ", ".join(names) + (f" and {more} more" if more > 0 else "")
        count = plural(len(members), "job")
        elapsed = now - self._start
        return f"[{elapsed:7.1f}s] waiting: {count} {status} for {format_duration(longest)}: {listed}"


class Ticker:
    """Asks a `Heartbeat` every `tick` seconds and hands its lines to `emit`, until `stop` is set.

    `wait(seconds) -> bool` returns True when it is time to stop (the default is `stop.wait`); tests
    pass one that moves a fake clock instead, and call `run()` on their own thread."""

    def __init__(
        self,
        heartbeat: Heartbeat,
        emit: Callable[[str], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        stop: threading.Event | None = None,
        wait: Callable[[float], bool] | None = None,
        tick: float = 1.0,
    ) -> None:
        self._heartbeat = heartbeat
        self._emit = emit
        self._clock = clock
        self.stop = stop or threading.Event()
        self._wait = wait or self.stop.wait
        self._tick = tick
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        while not self._wait(self._tick):
            for line in self._heartbeat.due(self._clock()):
                self._emit(line)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="twinmaker-gate-heartbeat", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop and wait for the thread (at most one tick)."""
        self.stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def narrate(
    run: Callable[[Callable[[StateChange], None]], RunResult],
    targets: Sequence[Target],
    emit: Callable[[str], None],
    *,
    first: float = setting("heartbeat").default,
    clock: Callable[[], float] = time.monotonic,
    wait: Callable[[float], bool] | None = None,
    changes: bool = True,
) -> RunResult:
    """`run(on_change)` with its story told through `emit`: a line per state change or verdict
    (`text.format_change`; an error an earlier line showed is named, not repeated), and heartbeats in
    the silences between them (none when `first` is 0). The CLI off a terminal and the Pulumi entry
    points tell it the same way. Without `changes`, only the heartbeats: for a caller that shows each
    change elsewhere (the stack gate, on the job's own row), which still ends a silence."""
    heartbeat = Heartbeat(targets, start=clock(), first=first) if first > 0 else None
    said = SaidOnce()

    def on_change(change: StateChange) -> None:
        if changes:
            emit(format_change(change, said=said))
        if heartbeat is not None:
            heartbeat.observe(change, clock())

    if heartbeat is None:
        return run(on_change)
    # A tick well inside the first silence, so a heartbeat is at most a second late.
    ticker = Ticker(heartbeat, emit, clock=clock, wait=wait, tick=min(1.0, max(0.01, first / 4)))
    ticker.start()
    try:
        return run(on_change)
    finally:
        ticker.close()
