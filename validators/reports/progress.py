"""A live progress display for a terminal: one row per target with its state, polls and elapsed time.

Only for a TTY: on a non-TTY the CLI prints `text.format_change` lines instead. `rich` is imported when
the display starts, never at import time, so the non-TTY path does not load it. The display draws on
stderr by default (stdout may carry the JSON document) and, being transient, disappears on `stop()`,
leaving the screen to the summary.

`update` may be called from any thread: rich redraws from its own thread, so rows sit behind a lock.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from ..model import StateChange, Target
from ..sanitize import clean_text, safe_text
from .common import reason_text, verdict_detail

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live
    from rich.table import Table


@dataclass
class _Row:
    """What the display knows about one target."""

    state: str = "-"
    note: str = "waiting"
    polls: int = 0
    verdict: str = ""
    detail: str = ""
    final_elapsed: float | None = None


class LiveProgress:
    """The live table. Use `start()`, then `update(change)` per state change, then `stop()`."""

    def __init__(
        self,
        targets: Sequence[Target],
        *,
        stream: TextIO | None = None,
        console: Console | None = None,
        clock: Callable[[], float] = time.monotonic,
        refresh_per_second: float = 4.0,
    ) -> None:
        self._labels = [clean_text(t.label(), 120) for t in targets]
        self._rows = {t.key: _Row() for t in targets}
        self._order = [t.key for t in targets]
        self._stream = stream
        self._console = console
        self._clock = clock
        self._refresh = refresh_per_second
        self._lock = threading.Lock()
        self._started_at: float | None = None
        self._live: Live | None = None

    def start(self) -> None:
        """Start drawing (imports rich now). Elapsed times count from this call."""
        from rich.console import Console  # noqa: PLC0415  (lazy: the non-TTY path never loads rich)
        from rich.live import Live  # noqa: PLC0415

        self._started_at = self._clock()
        console = self._console or Console(file=self._stream or sys.stderr)
        self._live = Live(
            get_renderable=self.render,
            console=console,
            refresh_per_second=self._refresh,
            transient=True,  # gone on stop(), leaving the screen to the summary
        )
        self._live.start()

    def update(self, change: StateChange) -> None:
        """Record a state change or a verdict; the next refresh shows it."""
        with self._lock:
            row = self._rows.get(change.target.key)
            if row is None:  # a target the display was not told about: show it too
                row = self._rows[change.target.key] = _Row()
                self._order.append(change.target.key)
                self._labels.append(clean_text(change.target.label(), 120))
            if change.state is not None:
                row.state = safe_text(change.state, 40)
            row.note = safe_text(reason_text(change.reason), 80) if change.reason is not None else ""
            row.polls = change.polls
            if change.result is not None:
                row.verdict = change.result.outcome.value
                row.detail = verdict_detail(change.result, 120)
                row.final_elapsed = change.result.elapsed_seconds
        if self._live is not None:
            self._live.refresh()

    def render(self) -> Table:
        """The table as it stands now (rich calls this on every refresh)."""
        from rich.table import Table  # noqa: PLC0415  (lazy, see start)
        from rich.text import Text  # noqa: PLC0415

        now = self._clock()
        table = Table(box=None, pad_edge=False, header_style="bold")
        for header in ("target", "state", "polls", "elapsed", "verdict"):
            table.add_column(header, justify="right" if header in ("polls", "elapsed") else "left")
        with self._lock:
            for label, key in zip(self._labels, self._order, strict=True):
                row = self._rows[key]
                elapsed = row.final_elapsed
                if elapsed is None:
                    elapsed = now - self._started_at if self._started_at is not None else 0.0
                verdict = row.verdict or row.note
                if row.detail:
                    verdict = f"{verdict}: {row.detail}"
                # Text, not str: rich reads a str as markup, so "[/x]" in a message would crash the display
                # and "[link=...]" would style it.
                cells = (label, row.state, str(row.polls), f"{elapsed:.1f}s", verdict)
                table.add_row(*(Text(cell) for cell in cells))
        return table

    def stop(self) -> None:
        """Stop drawing; safe to call twice or without `start()`."""
        if self._live is not None:
            self._live.stop()
            self._live = None
