"""Shared helpers: plain-text tables and a one-line description of the machine."""

from __future__ import annotations

import os
import platform
import resource
import sys
from collections.abc import Sequence

from validators.reports.table import markdown


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (pipes), columns padded so it also reads well in a terminal."""
    return markdown([str(h) for h in headers], [[_cell(v) for v in row] for row in rows])


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def machine() -> str:
    """CPU count, memory, OS and Python: what a reader needs to compare numbers."""
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kib = int(f.readline().split()[1])
        memory = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    cpu = platform.processor() or platform.machine()
    return (
        f"{os.cpu_count()} CPUs ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {sys.version.split()[0]}"
    )


def peak_rss_mib() -> float:
    """This process's peak resident set size so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
