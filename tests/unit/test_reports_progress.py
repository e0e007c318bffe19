"""The TTY progress display: rows per target, safe against hostile text; rich only loaded when drawing."""

from __future__ import annotations

import io
import subprocess
import sys

from rich.console import Console

from validators.model import JobResult, Outcome, Reason, ServiceError, StateChange, Target, Waiting
from validators.reports.progress import LiveProgress

A = Target("plant-a")
B = Target("plant-b")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _render(progress: LiveProgress) -> str:
    out = io.StringIO()
    Console(file=out, width=160, color_system=None).print(progress.render())
    return out.getvalue()


def test_rows_show_state_polls_elapsed_and_verdict() -> None:
    clock = FakeClock()
    console = Console(file=io.StringIO(), force_terminal=True, width=160)
    progress = LiveProgress([A, B], console=console, clock=clock, refresh_per_second=1)
    progress.start()
    try:
        clock.now = 112.5
        progress.update(StateChange(A, "CREATING", None, 2.0, 1))
        result = JobResult(
            B,
            Outcome.ERROR,
            "ERROR",
            error=ServiceError("SYNC_CREATING_ERROR", "boom"),
            polls=3,
            elapsed_seconds=7.25,
        )
        progress.update(StateChange(B, "ERROR", "CREATING", 7.25, 3, result=result))
        lines = [line.rstrip() for line in _render(progress).splitlines()]
    finally:
        progress.stop()
    progress.stop()  # twice is fine
    assert lines[0].split() == ["target", "state", "polls", "elapsed", "verdict"]
    assert lines[1].split() == ["plant-a/SITEWISE", "CREATING", "1", "12.5s"]
    assert lines[2].split() == [
        "plant-b/SITEWISE",
        "ERROR",
        "3",
        "7.2s",
        "error:",
        "SYNC_CREATING_ERROR:",
        "boom",
    ]


def test_markup_and_escapes_in_service_text_are_shown_as_text() -> None:
    progress = LiveProgress([A], clock=FakeClock())
    reason = Reason(Waiting.RETRYING, "[link=https://x]click[/link]")
    progress.update(StateChange(A, "[/bold]\x1b[2J", None, 1.0, 1, reason))
    rendered = _render(progress)
    assert "[/bold]\u241b[2J" in rendered
    assert "[link=https://x]click[/link]" in rendered
    assert "\x1b" not in rendered


def test_a_change_for_an_unannounced_target_gets_its_own_row() -> None:
    progress = LiveProgress([A], clock=FakeClock())
    progress.update(StateChange(B, "CREATING", None, 1.0, 1))
    assert "plant-b/SITEWISE" in _render(progress)


def test_reports_and_progress_modules_do_not_import_rich_until_a_display_starts() -> None:
    code = (
        "import sys\n"
        "import validators.reports.text, validators.reports.json_report, validators.reports.junit\n"
        "import validators.reports.github, validators.reports.files, validators.reports.progress\n"
        "from validators.model import Target\n"
        "validators.reports.progress.LiveProgress([Target('plant-a')])\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
