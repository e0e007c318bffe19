"""JUnit XML for CI test reports: one testsuite, one testcase per target.

Shape:

    <?xml version='1.0' encoding='utf-8'?>
    <testsuites name="twinmaker-sync-gate" tests="2" failures="1" errors="0" skipped="0" time="31.000">
      <testsuite name="twinmaker.sync-jobs" tests="2" failures="1" errors="0" skipped="0" time="31.000">
        <testcase classname="twinmaker.sync-jobs" name="plant-a/SITEWISE" time="11.900" />
        <testcase classname="twinmaker.sync-jobs" name="plant-b/SITEWISE" time="30.200">
          <failure message="error: SYNC_CREATING_ERROR: Role cannot be assumed" type="error">...</failure>
        </testcase>
      </testsuite>
    </testsuites>

Outcome -> element, following JUnit's own meaning of the elements and the exit codes of docs/gate.md:
- `active`: a passing testcase;
- exit 1 outcomes (`error`, `resource_errors`, `unexpected_state`) and `timeout` (exit 3): `<failure>`:
  the job was judged and is not ready;
- exit 4 outcomes (`not_found`, `denied`, `invalid`, `unreachable`): `<error>`: the gate could not judge;
- `interrupted`: `<skipped>`: no verdict was reached (the run's exit code 130/143 still fails the step).
Each element's `type` is the outcome; `message` is `outcome: detail` in one line; the body lists the
state, the service's code and message, region, ARN, polls and the resources in ERROR.

The document is built with `xml.etree`, so quoting is always right; every text also passes through
`safe_text` and a final filter that replaces the characters XML 1.0 cannot hold (such as U+FFFE) by
U+FFFD, so it stays well-formed whatever the service sent. The testcase name is the target's label
(`workspace/SOURCE`, plus `@region` when the target named one, which keeps names unique).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import OUTCOME_EXIT, ExitStatus, JobResult, Outcome, RunResult
from ..sanitize import clean_text, safe_text
from .common import error_text, region_of, resource_text, verdict_detail

SUITE_NAME = "twinmaker.sync-jobs"
#: At most this many failing resources are listed in a testcase body.
BODY_RESOURCES = 100

# XML 1.0 `Char`: tab, LF, CR, and U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _element_for(outcome: Outcome) -> str | None:
    """`failure`, `error`, `skipped` or None (passed) for an outcome (see the module's table)."""
    if outcome is Outcome.INTERRUPTED:
        return "skipped"
    status = OUTCOME_EXIT[outcome]
    if status in (ExitStatus.FAILED, ExitStatus.TIMEOUT):
        return "failure"
    if status is ExitStatus.CANNOT_JUDGE:
        return "error"
    return None


def _body(job: JobResult) -> str:
    """The multi-line detail of a non-passing testcase; each line is safe text."""
    lines = [
        f"outcome: {job.outcome.value}",
        f"state: {safe_text(job.state, 64) if job.state else '-'}",
        f"error: {error_text(job, 2048) or '-'}",
        f"region: {safe_text(region_of(job) or '-', 40)}",
        f"arn: {safe_text(job.arn, 2048) if job.arn else '-'}",
        f"polls: {job.polls}, elapsed: {job.elapsed_seconds:.1f}s",
    ]
    if job.resource_errors:
        cut = " (the list was cut)" if job.resource_errors_truncated else ""
        lines.append(f"resources in ERROR: {len(job.resource_errors)}{cut}")
        lines.extend(f"  {resource_text(r, 1024)}" for r in job.resource_errors[:BODY_RESOURCES])
        hidden = len(job.resource_errors) - BODY_RESOURCES
        if hidden > 0:
            lines.append(f"  ... and {hidden} more")
    return "\n".join(lines)


def _testcase(suite: ET.Element, job: JobResult) -> str | None:
    """Append the testcase of `job` to `suite`; return the element kind used for it, if any."""
    case = ET.SubElement(
        suite,
        "testcase",
        classname=SUITE_NAME,
        name=_xml(clean_text(job.target.label(), 300)),
        time=f"{job.elapsed_seconds:.3f}",
    )
    kind = _element_for(job.outcome)
    if kind is None:
        return None
    detail = verdict_detail(job, 512)
    message = f"{job.outcome.value}: {detail}" if detail else job.outcome.value
    child = ET.SubElement(case, kind, message=_xml(message))
    if kind != "skipped":
        child.set("type", job.outcome.value)
    child.text = _xml(_body(job))
    return kind


def to_junit_xml(run: RunResult) -> str:
    """The run as a JUnit XML document (with an XML declaration, ending with a newline)."""
    root = ET.Element("testsuites", name="twinmaker-sync-gate")
    suite = ET.SubElement(root, "testsuite", name=SUITE_NAME)
    counts = {"failure": 0, "error": 0, "skipped": 0}
    for job in run.jobs:
        kind = _testcase(suite, job)
        if kind is not None:
            counts[kind] += 1
    for element in (root, suite):
        element.set("tests", str(len(run.jobs)))
        element.set("failures", str(counts["failure"]))
        element.set("errors", str(counts["error"]))
        element.set("skipped", str(counts["skipped"]))
        element.set("time", f"{run.elapsed_seconds:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
