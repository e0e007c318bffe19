"""Tables of text: cells padded into columns. The one helper behind the text summary, the demo's verdict
table and the benchmarks' Markdown tables, so their columns line up by the same rule."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def pad(
    rows: Sequence[Sequence[str]], *, right: Collection[int] = (), free_last: bool = False
) -> list[list[str]]:
    """Each cell padded to the width of its column's widest cell (columns in `right` right-aligned).

    With `free_last`, the last column is left as it is and does not count: a long message at the end of
    a row does not widen the table. Cells are measured as given, so colour codes go on after padding.
    """
    if not rows:
        return []
    count = max(len(row) for row in rows)
    padded_columns = count - 1 if free_last else count
    widths = [max((len(row[i]) for row in rows if i < len(row)), default=0) for i in range(padded_columns)]
    result = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i >= padded_columns:
                cells.append(cell)
            else:
                cells.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        result.append(cells)
    return result


def lines(
    rows: Sequence[Sequence[str]],
    *,
    right: Collection[int] = (),
    free_last: bool = False,
    indent: str = "",
    gap: str = "  ",
) -> list[str]:
    """The rows as plain lines, columns `gap` apart, trailing blanks trimmed."""
    return [(indent + gap.join(cells)).rstrip() for cells in pad(rows, right=right, free_last=free_last)]


def markdown(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown (pipe) table whose columns are padded, so it also reads well in a terminal."""
    padded = pad([list(headers), *rows])
    out = ["| " + " | ".join(cells) + " |" for cells in padded]
    out.insert(1, "|" + "|".join("-" * (len(cell) + 2) for cell in padded[0]) + "|")
    return "\n".join(out)
