"""Text output for people: one line per state change, and the summary table at the end.

Formats (all service text through `safe_text`, so each line is exactly one line):

    [   12.3s] plant-a/SITEWISE: CREATING -> ACTIVE (5 polls)
    [    0.4s] plant-b/SITEWISE: not visible yet (1 poll)
    [   30.2s] plant-b/SITEWISE: ERROR (9 polls) => error: SYNC_CREATING_ERROR: Role cannot be assumed

    TARGET            REGION     OUTCOME  STATE   POLLS  ELAPSED  ERROR
    plant-a/SITEWISE  eu-west-1  active   ACTIVE      5    11.9s  -
    plant-b/SITEWISE  eu-west-1  error    ERROR       9    30.2s  SYNC_CREATING_ERROR: Role cannot be assumed
        asset pump-7 (id 1f0c): PROCESSING_ERROR: Property not found
    result: error, exit code 1, 31.0s (2 targets: 1 active, 1 error)

With `use_color`, outcomes are coloured with plain SGR codes (green: active; red: exit 1; yellow: exit 3
and 4; magenta: interrupted); without it the text holds no escape sequence at all.
"""

from __future__ import annotations

from ..model import OUTCOME_EXIT, ExitStatus, JobResult, Outcome, RunResult, StateChange
from ..sanitize import clean_text, safe_text
from .common import (
    LISTED_RESOURCES,
    SaidOnce,
    plural,
    reason_text,
    region_of,
    resource_text,
    signal_name,
    tally,
    verdict_detail,
)
from .table import pad

_COLORS = {
    ExitStatus.OK: "32",
    ExitStatus.FAILED: "31",
    ExitStatus.TIMEOUT: "33",
    ExitStatus.CANNOT_JUDGE: "33",
}
_INTERRUPTED_COLOR = "35"


def _paint(text: str, outcome: Outcome, use_color: bool) -> str:
    """`text` in the outcome's colour when `use_color`, else unchanged."""
    if not use_color:
        return text
    code = _INTERRUPTED_COLOR if outcome is Outcome.INTERRUPTED else _COLORS[OUTCOME_EXIT[outcome]]
    return f"\x1b[{code}m{text}\x1b[0m"


def format_change(change: StateChange, use_color: bool = False, said: SaidOnce | None = None) -> str:
    """One line for a state change or a verdict: `[elapsed] label: transition (n polls)[; reason]` and,
    for a verdict, ` => outcome[: detail]`.

    The transition is `PREVIOUS -> STATE` when both are known and differ, else the state alone, else the
    reason to wait (`not visible yet`), else the verdict's outcome. The reason is appended after the
    polls when there is a state to show too. A verdict adds `=> outcome` and, where there is one,
    `: detail` (the service's code and message, resources in ERROR, the stuck state); with `said`, an
    error an earlier line showed is named, not repeated.
    """
    label = clean_text(change.target.label(), 200)
    state = safe_text(change.state, 64) if change.state is not None else None
    previous = safe_text(change.previous, 64) if change.previous is not None else None
    note = safe_text(reason_text(change.reason), 200) if change.reason is not None else ""
    result = change.result
    if state is None:
        transition = note or (result.outcome.value if result is not None else "no state yet")
        note = ""
    elif previous is not None and previous != state:
        transition = f"{previous} -> {state}"
    else:
        transition = state
    line = f"[{change.elapsed_seconds:7.1f}s] {label}: {transition} ({plural(change.polls, 'poll')})"
    if result is not None:
        return line + _verdict_suffix(result, use_color, said)
    return f"{line}; {note}" if note else line


def _verdict_suffix(result: JobResult, use_color: bool, said: SaidOnce | None) -> str:
    """` => outcome[: detail]` for a verdict line."""
    detail = verdict_detail(result, said=said)
    outcome = _paint(result.outcome.value, result.outcome, use_color)
    return f" => {outcome}: {detail}" if detail else f" => {outcome}"


_HEADERS = ("TARGET", "REGION", "OUTCOME", "STATE", "POLLS", "ELAPSED", "ERROR")
_RIGHT = (4, 5)  # POLLS and ELAPSED are numbers


def format_summary(run: RunResult, use_color: bool = False) -> str:
    """The summary: a table with one row per target (outcome, last state, polls, elapsed, error code and
    message; an error an earlier row showed is named, not repeated), failing resources indented beneath
    their target (at most `LISTED_RESOURCES`), then
    `result: outcome, exit code N, elapsed (tally)`. No trailing newline."""
    rows: list[tuple[JobResult, list[str]]] = []
    said = SaidOnce()
    for job in run.jobs:
        cells = [
            clean_text(job.target.label(), 200),
            safe_text(region_of(job) or "-", 40),
            job.outcome.value,
            safe_text(job.state, 64) if job.state else "-",
            str(job.polls),
            f"{job.elapsed_seconds:.1f}s",
            verdict_detail(job, 512, said) or "-",
        ]
        rows.append((job, cells))
    padded = pad([list(_HEADERS), *(cells for _, cells in rows)], right=_RIGHT, free_last=True)
    lines = ["  ".join(padded[0]).rstrip()]
    for (job, _), cells in zip(rows, padded[1:], strict=True):
        if use_color:
            # Painted after padding, so escape codes never count towards a column's width.
            cells[2] = _paint(cells[2], job.outcome, True)
        lines.append("  ".join(cells).rstrip())
        lines.extend(_resource_lines(job))
    lines.append(_final_line(run, use_color))
    return "\n".join(lines)


def _resource_lines(job: JobResult) -> list[str]:
    """The failing resources of a target, indented, with a count of those not shown."""
    shown = [f"    {resource_text(r, 300)}" for r in job.resource_errors[:LISTED_RESOURCES]]
    hidden = len(job.resource_errors) - len(shown)
    if hidden > 0:
        shown.append(f"    ... and {hidden} more")
    return shown


def _final_line(run: RunResult, use_color: bool) -> str:
    """`result: error, exit code 1, 31.0s (2 targets: 1 active, 1 error)`."""
    outcome = run.outcome.value
    signal = signal_name(run)
    if signal:
        outcome = f"{outcome} ({signal})"
    painted = _paint(outcome, run.outcome, use_color)
    if run.report_errors and run.outcome is Outcome.ACTIVE:
        # "active" next to exit code 4 would read as a pass that failed for no reason: say why.
        painted = "report_not_written (every job active, but a report could not be written)"
    return f"result: {painted}, exit code {int(run.exit_status)}, {run.elapsed_seconds:.1f}s ({tally(run)})"
