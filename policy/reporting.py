"""How a policy hands its findings to the SDK: violations, and checks it could not complete.

The pack's rule for unknowns (values Pulumi only learns during the update, or documents the pack cannot
read): never report a violation it cannot prove, never pass silently either. Such a check becomes an
`Unverifiable` finding, which by default is raised as the SDK's own `UnknownValueError`: the CLI then
prints an *advisory* diagnostic ("can't run policy ... during preview: <our message>") and does not
block. `pulumi up` runs the policies again when the values are known. A policy config of
`{"failOnUnknown": true}` turns these findings into violations at the policy's enforcement level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

FAIL_ON_UNKNOWN: Final = "failOnUnknown"
FAIL_ON_UNKNOWN_SCHEMA: Final = {
    "type": "boolean",
    "default": False,
    "description": (
        "Report checks that cannot be completed (values unknown at preview, policies not in the stack) "
        "as violations instead of advisory diagnostics."
    ),
}


class Unverifiable(UnknownValueError):
    """`UnknownValueError` with the pack's own message, so the SDK reports it as advisory."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(UNKNOWN_STRING_VALUE, [])
        self.messages = messages
        self.message = " | ".join(messages)

    def __str__(self) -> str:
        return self.message


@dataclass
class Findings:
    """What one policy run found: proven violations and checks it could not complete."""

    violations: list[tuple[str, str | None]] = field(default_factory=list)
    unverifiable: list[tuple[str, str | None]] = field(default_factory=list)

    def violation(self, message: str, urn: str | None = None) -> None:
        """Record a proven violation (message names the resource and the fix)."""
        self.violations.append((message, urn))

    def cannot_verify(self, message: str, urn: str | None = None) -> None:
        """Record a check that could not be completed, and why."""
        self.unverifiable.append((message, urn))

    def report(self, report_violation: ReportViolation, config: Mapping[str, Any]) -> None:
        """Report violations, then unverifiable checks per `failOnUnknown` (see the module doc)."""
        for message, urn in self.violations:
            report_violation(message, urn)
        if not self.unverifiable:
            return
        if config.get(FAIL_ON_UNKNOWN) is True:
            for message, urn in self.unverifiable:
                report_violation(message, urn)
            return
        raise Unverifiable([message for message, _ in self.unverifiable])
