"""One run of the gate as the end-to-end tests see it, shared by tests/http and tests/hardening.

`run_cli` calls `validators.cli.main` exactly as `python -m validators wait` does, with stdin, stdout and
stderr as strings, and fails the test on any traceback: the one thing no run may ever print.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from validators.cli import main
from validators.waiter import Waiter


@dataclass(frozen=True)
class GateRun:
    """What one run of the gate left behind: exit code and both streams."""

    code: int
    stdout: str
    stderr: str

    @property
    def document(self) -> dict[str, Any]:
        """The `--output json` document: stdout must hold exactly one JSON value."""
        parsed: dict[str, Any] = json.loads(self.stdout)
        return parsed

    def job(self, workspace_id: str | None = None) -> dict[str, Any]:
        """The document's `jobs` entry for `workspace_id`, or its only entry (exactly one must exist)."""
        jobs: list[dict[str, Any]] = self.document["jobs"]
        found = [j for j in jobs if workspace_id is None or j["workspaceId"] == workspace_id]
        assert len(found) == 1, f"{workspace_id or 'the only job'}: {len(found)} jobs in {self.stdout}"
        return found[0]

    @property
    def everything(self) -> str:
        return self.stdout + self.stderr


def assert_no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text[-3000:]
        assert "Exception ignored" not in text, text[-3000:]


def run_cli(
    argv: Sequence[str],
    *,
    stdin: str = "",
    environ: Mapping[str, str] | None = None,
    waiter: Waiter | None = None,
) -> GateRun:
    """`python -m validators wait ARGV` in this process (botocore still reads `os.environ`).
    `environ` defaults to {}: no GITHUB_ACTIONS annotations or TERM games, whatever machine runs it."""
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["wait", *argv],
        stdin=io.StringIO(stdin),
        stdout=out,
        stderr=err,
        environ={} if environ is None else environ,
        waiter=waiter,
    )
    run = GateRun(code, out.getvalue(), err.getvalue())
    assert_no_traceback(run.stdout, run.stderr)
    return run
