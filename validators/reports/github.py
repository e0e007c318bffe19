"""GitHub Actions output: one annotation per failed target, and a Markdown step summary.

Use only under GitHub Actions (`in_github_actions`). Annotations are workflow commands, one line each:

    ::error title=TwinMaker sync job plant-b/SITEWISE%3A error::SYNC_CREATING_ERROR: Role cannot be assumed

Every non-`active` target gets `::error`, except `interrupted`, which gets `::warning` (no verdict, the
run's exit code already fails the step). The runner reads workflow commands from stdout and stderr alike;
print them to stderr when stdout carries the JSON document.

Escaping follows the runner's rules exactly (`@actions/core` `escapeData`/`escapeProperty`): in data
`%` -> `%25`, CR -> `%0D`, LF -> `%0A`; in property values also `:` -> `%3A` and `,` -> `%2C`. The
service's text is also passed through `safe_text` first, so no line break, escape sequence or credential
is left to escape: an annotation is always exactly one line that starts with the command we chose, and
service text can neither end it early nor start a command of its own.
"""

# No `from __future__ import annotations` here: it would bind the name `annotations`, which this module
# exports as a function (the runtime annotations below are valid Python 3.11 as they stand).
import os
import re
from collections.abc import Mapping

from ..model import JobResult, Outcome, RunResult
from ..sanitize import clean_text, safe_text
from .common import plural, region_of, resource_text, signal_name, tally, verdict_detail

#: At most this many failing resources are named in one annotation / in the step summary. Not the text
#: report's `LISTED_RESOURCES`: an annotation is a box beside the code, so fewer; the step summary is a
#: page of its own, read after the run, not a log, so more.
ANNOTATION_RESOURCES = 10
SUMMARY_RESOURCES = 50


def in_github_actions(environ: Mapping[str, str]) -> bool:
    """True when running as a GitHub Actions step (`GITHUB_ACTIONS=true`)."""
    return environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (such as `title`), escaped as the runner unescapes it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(job: JobResult) -> str:
    """The workflow command for one non-passing target."""
    command = "warning" if job.outcome is Outcome.INTERRUPTED else "error"
    label = clean_text(job.target.label(), 200)
    title = f"TwinMaker sync job {label}: {job.outcome.value}"
    lines = [verdict_detail(job, 1024) or f"{job.outcome.value} (state {safe_text(job.state or '-', 64)})"]
    lines.extend(resource_text(r, 300) for r in job.resource_errors[:ANNOTATION_RESOURCES])
    hidden = len(job.resource_errors) - ANNOTATION_RESOURCES
    if hidden > 0:
        lines.append(f"... and {hidden} more")
    return f"::{command} title={escape_property(title)}::{escape_data(chr(10).join(lines))}"


def annotations(run: RunResult) -> list[str]:
    """One `::error` (or, for `interrupted`, `::warning`) command per target that is not `active`."""
    return [_annotation(job) for job in run.jobs if job.outcome is not Outcome.ACTIVE]


# Markdown that means something inline (GitHub flavour: tables, strikethrough, math, HTML, entities,
# links, emphasis, code); any ASCII punctuation may be backslash-escaped in CommonMark.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>|~&!$#])")


def md(text: str, limit: int = 300) -> str:
    """Service text as inert Markdown for one table cell: safe, one line, every inline-special character
    backslash-escaped (so `|` cannot split a cell, and no HTML, link, image or code span can form)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", safe_text(text, limit))


_MARK = {Outcome.ACTIVE: "\u2705", Outcome.INTERRUPTED: "\u23f8\ufe0f"}


def step_summary_markdown(run: RunResult) -> str:
    """The step summary: a heading with the run's result, a table with one row per target, then the
    failing resources as a list (at most `SUMMARY_RESOURCES` per target)."""
    signal = signal_name(run)
    outcome = f"{run.outcome.value} ({signal})" if signal else run.outcome.value
    lines = [
        f"### TwinMaker sync jobs: {outcome}",
        "",
        f"Exit code {int(run.exit_status)} after {run.elapsed_seconds:.1f}s; {tally(run)}.",
        "",
        "| Target | Region | Outcome | State | Polls | Elapsed | Error |",
        "|---|---|---|---|---:|---:|---|",
    ]
    for job in run.jobs:
        mark = _MARK.get(job.outcome, "\u274c")
        cells = [
            md(job.target.label()),
            md(region_of(job) or "-"),
            f"{mark} {job.outcome.value}",
            md(job.state or "-"),
            str(job.polls),
            f"{job.elapsed_seconds:.1f}s",
            md(verdict_detail(job, 300) or "-"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    details = [job for job in run.jobs if job.resource_errors]
    for job in details:
        lines += [
            "",
            f"**{md(job.target.label())}**: {plural(len(job.resource_errors), 'resource')} in ERROR",
            "",
        ]
        lines.extend(f"- {md(resource_text(r, 300), 600)}" for r in job.resource_errors[:SUMMARY_RESOURCES])
        hidden = len(job.resource_errors) - SUMMARY_RESOURCES
        if hidden > 0:
            lines.append(f"- \\.\\.\\. and {hidden} more")
    return "\n".join(lines) + "\n"


def append_step_summary(run: RunResult, environ: Mapping[str, str] | None = None) -> bool:
    """Append the step summary to the file named by `$GITHUB_STEP_SUMMARY` (appending is what GitHub
    expects: several steps and tools share the file). Returns False, writing nothing, when not under
    GitHub Actions or the variable is unset; an unwritable file raises OSError for the caller to report."""
    env = os.environ if environ is None else environ
    path = env.get("GITHUB_STEP_SUMMARY")
    if not in_github_actions(env) or not path:
        return False
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(step_summary_markdown(run))
    return True
