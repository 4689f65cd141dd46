"""Tensors drawn as text: a small one as a grid of numbers, a large one by what is known of it.

The Markdown report prints a value's grid in a code block; the terminal report prints the pictures
a check computed on the student's objects (a hint that says "shown below" must be true there too),
several side by side when they fit the width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from grader.reports.tensor_grid import Grid
from grader.reports.text import shape_text
from grader.reports.values import Panel

#: Tensors printed as numbers in full up to this many rows and columns.
MAX_MATRIX_SIDE = 16
#: The terminal's pictures are laid side by side up to this many characters (an 80-column
#: terminal wraps wider rows; a block is never cut).
WIDTH = 100
GAP = "   "


def matrix(values: Grid | None, marks: Sequence[Sequence[bool]] | None = None) -> str | None:
    """A small grid as right-aligned text (``*`` after a value that is outside the tolerance);
    None when it is too large to be worth reading as numbers."""
    if values is None or values.rows > MAX_MATRIX_SIDE or values.cols > MAX_MATRIX_SIDE:
        return None
    cells = [[number(v) for v in row] for row in values.values]
    width = max(len(t) for row in cells for t in row)
    lines = []
    for r, row in enumerate(cells):
        lines.append(" ".join(
            t.rjust(width) + ("*" if marks and marks[r][c] else " " if marks else "")
            for c, t in enumerate(row)
        ).rstrip())
    return "\n".join(lines)


def number(value: float) -> str:
    """A tensor's value as few characters as say it: ``3``, ``-0.5``, ``0.3333``, ``nan``."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.4g}"


def block(p: Panel) -> list[str]:
    """A value as lines of text: its label and facts, then its numbers, or what is known of it."""
    facts = ", ".join(part for part in (p.dtype, shape_text(p.shape) if p.shape is not None else None,
                                        f"on {p.device}" if p.device and p.device != "cpu" else None)
                      if part)
    head = f"{p.label} ({facts})" if facts else p.label
    if p.plain is not None:
        return [f"{p.label}: {p.plain.text}"]
    text = matrix(p.grid)
    if text is not None:
        body = text.splitlines()
        if p.grid is not None and p.grid.sliced:
            head += ", its first 2-D slice"
    elif p.grid is not None:
        body = [_summary_of(p.grid)]
    elif p.summary:
        body = ["min {min}, max {max}, mean {mean}, std {std}".format_map(_Missing(p.summary))]
    elif p.device == "meta":
        body = ["a meta tensor: a shape and a dtype, no values"]
    else:
        body = ["no values recorded"]
    note = [p.note.text] if p.note is not None and p.note.text else []
    return [head, *body, *note]


def side_by_side(blocks: Sequence[list[str]], width: int = WIDTH) -> list[str]:
    """Blocks of lines laid left to right while the row fits ``width``, then on a new row."""
    lines: list[str] = []
    row: list[list[str]] = []
    used = 0
    for item in blocks:
        wide = max((len(line) for line in item), default=0)
        if row and used + len(GAP) + wide > width:
            lines.extend(_row(row))
            lines.append("")
            row, used = [], 0
        row.append(item)
        used += (len(GAP) if used else 0) + wide
    if row:
        lines.extend(_row(row))
    return lines


def _row(blocks: list[list[str]]) -> list[str]:
    if len(blocks) == 1:
        return list(blocks[0])
    widths = [max((len(line) for line in b), default=0) for b in blocks]
    height = max(len(b) for b in blocks)
    return [
        GAP.join((b[i] if i < len(b) else "").ljust(w) for b, w in zip(blocks, widths, strict=True)).rstrip()
        for i in range(height)
    ]


def _summary_of(values: Grid) -> str:
    finite = list(values.finite())
    if not finite:
        return f"{shape_text(values.shape)} values, none finite"
    return (f"{shape_text(values.shape)} values, too many to print: min {number(min(finite))},"
            f" max {number(max(finite))}")


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"
