"""The reports after a run: the JUnit file (atomically), the GitHub step summary and annotations, then
the JSON document or the text summary. A report that cannot be written is a warning on stderr and a
`report_errors` entry in the result (a run that would pass then exits 4, could not judge), never a
traceback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from ..model import RunResult
from ..reports import github, json_report, junit, text
from ..reports.files import write_atomic
from ..sanitize import safe_text
from .environment import Out


def write_reports(
    result: RunResult, out: Out, environ: Mapping[str, str], *, output: str, junit_xml: str | None
) -> RunResult:
    """Write every report of `result`; return it with the reports that could not be written.

    Files first, so that what is printed last (JSON, summary) states the exit code the process gives,
    report failures included."""
    problems: list[str] = []
    if junit_xml:
        try:
            Path(junit_xml).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(junit_xml, junit.to_junit_xml(result))
        except OSError as exc:
            problems.append(f"--junit-xml {safe_text(junit_xml, 200)}: {safe_text(str(exc.strerror or exc))}")
    in_actions = github.in_github_actions(environ)
    if in_actions:
        try:
            github.append_step_summary(dataclasses.replace(result, report_errors=tuple(problems)), environ)
        except OSError as exc:
            problems.append(f"GITHUB_STEP_SUMMARY: {safe_text(str(exc.strerror or exc))}")
    result = dataclasses.replace(result, report_errors=tuple(problems))
    for problem in problems:
        out.write(out.stderr, f"{out.prog} wait: warning: could not write report: {problem}")
    if in_actions:
        for line in github.annotations(result):
            out.write(out.people, line)
    if output == "json":
        out.write(out.stdout, json_report.dumps(result))
        out.write(out.stderr, text.format_summary(result))
    else:
        out.write(out.stdout, text.format_summary(result))
    return result
