"""Shared helpers for the hardening tests: run the CLI in-process, and judge what it printed.

`run_gate` runs the CLI in-process (`tests.gate_run.run_cli`: stdout and stderr captured, any
traceback fails the test). The `*_clean` checks say what "safe to show"
means for each output (see docs/gate.md, "Failure modes").
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.gate_run import GateRun, run_cli
from validators.gate import wait_for_sync_jobs
from validators.waiter import Waiter

#: Fast waiting for tests: polls every 50-100 ms, short deadline, a budget that never gets in the way.
FAST = ("--min-interval", "0.05", "--max-interval", "0.1", "--max-rps", "200")

#: Anything that would let service text act on a terminal or a log: C0 controls (except LF), DEL, C1
#: controls, line/paragraph separators and the bidi/format characters (Trojan Source).
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs")


def run_gate(
    argv: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    waiter: Waiter = wait_for_sync_jobs,
) -> GateRun:
    """`python -m validators wait ARGV` in this process (botocore still reads `os.environ`)."""
    return run_cli(argv, environ=environ, waiter=waiter)


def unsafe_characters(text: str, *, allow: str = "\n") -> list[str]:
    """The characters of `text` that must never reach a terminal or a log raw (sorted, unique)."""
    found = {ch for ch in text if ch not in allow and unicodedata.category(ch) in _UNSAFE_CATEGORIES}
    return sorted(f"U+{ord(ch):04X}" for ch in found)


def assert_lines_clean(text: str, *, max_line: int = 8000, allow_commands: bool = False) -> None:
    """Text for people or a CI log: printable, every line bounded, and no line a workflow command
    unless `allow_commands` (then only the gate's own `::error title=TwinMaker sync job ...`)."""
    assert unsafe_characters(text) == [], unsafe_characters(text)
    for line in text.splitlines():
        assert len(line) <= max_line, f"line of {len(line)} characters: {line[:200]}..."
        if line.lstrip().startswith("::"):
            assert allow_commands, f"a workflow command in plain output: {line[:200]}"
            assert re.match(r"::(error|warning) title=TwinMaker sync job ", line), line[:200]


def assert_junit_clean(path: Path, *, max_text: int = 20_000) -> ET.Element:
    """The JUnit file parses, and no attribute or text holds unsafe characters or an uncapped string."""
    raw = path.read_bytes()
    root = ET.fromstring(raw)  # raises on anything not well-formed
    for element in root.iter():
        for value in [*element.attrib.values(), element.text or "", element.tail or ""]:
            assert unsafe_characters(value, allow="\n") == [], (element.tag, unsafe_characters(value))
            assert len(value) <= max_text, (element.tag, len(value))
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")]
    assert leftovers == [], f"temporary files left behind: {leftovers}"
    return root


def scenario_job(workspace_id: str, *states: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """A `syncJobs` entry with inline `states` (each `{"at": s, "state": ..., "error": ...}`)."""
    return {"workspaceId": workspace_id, "syncSource": "SITEWISE", "states": list(states), **extra}


def at(seconds: float, state: str, code: str | None = None, message: str = "") -> dict[str, Any]:
    step: dict[str, Any] = {"at": seconds, "state": state}
    if code is not None:
        step["error"] = {"code": code, "message": message}
    return step
