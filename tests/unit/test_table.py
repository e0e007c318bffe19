"""The one table helper: columns padded to their widest cell, numbers right-aligned, a free last column."""

from __future__ import annotations

from validators.reports.table import lines, markdown, pad


def test_cells_are_padded_to_the_widest_of_their_column() -> None:
    rows = [["NAME", "POLLS", "ERROR"], ["plant-a", "5", "-"], ["b", "12", "a long message that runs on"]]
    assert pad(rows, right=(1,), free_last=True) == [
        ["NAME   ", "POLLS", "ERROR"],
        ["plant-a", "    5", "-"],
        ["b      ", "   12", "a long message that runs on"],
    ]
    assert lines(rows, right=(1,), free_last=True, indent="  ") == [
        "  NAME     POLLS  ERROR",
        "  plant-a      5  -",
        "  b           12  a long message that runs on",
    ]


def test_markdown_tables_are_padded_pipe_tables() -> None:
    assert markdown(["a", "wide header"], [["long cell", "x"]]).splitlines() == [
        "| a         | wide header |",
        "|-----------|-------------|",
        "| long cell | x           |",
    ]


def test_no_rows_no_lines() -> None:
    assert pad([]) == [] and lines([]) == []
