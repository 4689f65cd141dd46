"""Tensor values as heatmaps: grids of coloured cells a template turns into inline SVG.

A wrong corr2d or an edge kernel that answers the wrong direction is obvious in a picture and
opaque in a list of numbers. This module lays a grid (``grader.reports.tensor_grid``) out: cell sizes,
downsampling, one colour scale centred on zero, printed values, outlines. The markup and every
word live in ``grader/reports/templates``. It imports neither torch nor jinja2: a saved result renders
anywhere.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from grader.reports.tensor_grid import Grid

#: Grids larger than this on a side are downsampled (greatest magnitude per block).
MAX_SIDE = 24
#: The longer side of a drawn heatmap, in pixels, before cells reach their minimum size.
TARGET_PX = 288
MIN_CELL_PX = 7
MAX_CELL_PX = 40
#: Values are printed inside cells when the cells are at least this big.
TEXT_CELL_PX = 24
#: Blue, white, red (ColorBrewer RdBu): negative, zero, positive.
STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (-1.0, (33, 102, 172)),
    (-0.5, (103, 169, 207)),
    (0.0, (247, 247, 247)),
    (0.5, (239, 138, 98)),
    (1.0, (178, 24, 43)),
)
NAN_FILL = "#ffd92f"
MINUS = "\u2212"  # a real minus sign: as wide as a digit, and unmistakable in small print
INFINITY = "\u221e"
NEAR_ZERO = "\u22480"
#: Printed values smaller than this share of the scale's half-width are rounding noise.
NOISE = 1e-9


class Cell(NamedTuple):
    """One drawn cell: position and size in pixels, colour, printed value and hover text.

    A named tuple, not a dataclass: a report draws thousands of them.
    """

    x: int
    y: int
    fill: str
    ink: str
    text: str
    title: str
    outlined: bool
    special: bool


@dataclass(frozen=True)
class Heatmap:
    """What a template needs to draw one grid; ``outlines`` is the subset of cells to outline."""

    rows: int
    cols: int
    cell: int
    #: Font size of the printed values, in pixels (0 when none are printed).
    font: float
    width: int
    height: int
    cells: tuple[Cell, ...]
    outlines: tuple[Cell, ...]
    col_ticks: tuple[tuple[int, int], ...]
    row_ticks: tuple[tuple[int, int], ...]
    limit: float
    shape: tuple[int, ...]
    sliced: bool
    #: (rows, cols) of each block when downsampled, else None.
    block: tuple[int, int] | None
    nan: int
    inf: int


def draw(
    values: Grid, limit: float, outlined: Sequence[Sequence[bool]] | None = None
) -> Heatmap:
    """Lay a grid out as cells coloured on a scale from -limit (blue) through 0 (white) to +limit
    (red), downsampled to ``MAX_SIDE`` a side; ``outlined`` marks the cells to outline."""
    block = None
    grid_values: Sequence[Sequence[float]] = values.values
    marks = outlined
    if values.rows > MAX_SIDE or values.cols > MAX_SIDE:
        block = (math.ceil(values.rows / MAX_SIDE), math.ceil(values.cols / MAX_SIDE))
        grid_values, marks = _downsample(values.values, outlined, block)
    rows, cols = len(grid_values), len(grid_values[0])
    size = max(MIN_CELL_PX, min(MAX_CELL_PX, TARGET_PX // max(rows, cols)))
    font = 11.0 if size >= 36 else 10.0 if size >= 30 else 9.0
    labels = _labels(grid_values, size, font, limit)
    cells: list[Cell] = []
    nan = inf = 0
    for r, row in enumerate(grid_values):
        for c, value in enumerate(row):
            fill = color(value, limit)
            special = not math.isfinite(value)
            nan += math.isnan(value)
            inf += math.isinf(value)
            cells.append(Cell(
                c * size, r * size, fill, ink(fill), labels[r][c] if labels else "",
                f"{_index(r, c, values, block)} = {format_value(value, 6)}",
                bool(marks and marks[r][c]), special,
            ))
    return Heatmap(
        rows=rows, cols=cols, cell=size, font=font if labels else 0.0, width=cols * size, height=rows * size,
        cells=tuple(cells), outlines=tuple(c for c in cells if c.outlined),
        col_ticks=_ticks(cols, size, block[1] if block else 1),
        row_ticks=_ticks(rows, size, block[0] if block else 1),
        limit=limit, shape=values.shape, sliced=values.sliced, block=block, nan=nan, inf=inf,
    )


@functools.lru_cache(maxsize=4096)
def color(value: float, limit: float) -> str:
    """The fill for a value: NaN stands apart in yellow, infinities take the scale's ends."""
    if math.isnan(value):
        return NAN_FILL
    t = max(-1.0, min(1.0, value / limit)) if math.isfinite(value) else math.copysign(1.0, value)
    for (t0, c0), (t1, c1) in itertools.pairwise(STOPS):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(c0, c1, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*STOPS[-1][1])


@functools.lru_cache(maxsize=4096)
def ink(fill: str) -> str:
    """Dark text on light cells, white on dark ones (WCAG relative luminance)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)
    return "#111" if lum > 0.22 else "#fff"


def legend(limit: float, steps: int = 9) -> tuple[tuple[float, str], ...]:
    """Swatches from -limit to +limit for a colour key."""
    return tuple(
        (v, color(v, limit)) for v in (limit * (2 * i / (steps - 1) - 1) for i in range(steps))
    )


def format_value(value: float, digits: int = 3) -> str:
    """A cell value as a person reads it: ``19``, ``-0.156``, ``NaN``, ``∞``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return INFINITY if value > 0 else MINUS + INFINITY
    if value == int(value) and abs(value) < 10**digits:
        return str(int(value)).replace("-", MINUS)
    return f"{value:.{digits}g}".replace("-", MINUS)


# --- helpers ---------------------------------------------------------------------------------------


def _downsample(
    values: Sequence[Sequence[float]], marks: Sequence[Sequence[bool]] | None, block: tuple[int, int]
) -> tuple[list[list[float]], list[list[bool]] | None]:
    """Each block becomes its value of greatest magnitude (NaN wins), so a lone wrong element still
    shows; a block is outlined when any of its cells is."""
    br, bc = block
    rows, cols = len(values), len(values[0])
    out: list[list[float]] = []
    out_marks: list[list[bool]] = []
    for r0 in range(0, rows, br):
        row: list[float] = []
        mark_row: list[bool] = []
        for c0 in range(0, cols, bc):
            block_cells = [(r, c) for r in range(r0, min(r0 + br, rows))
                           for c in range(c0, min(c0 + bc, cols))]
            part = [values[r][c] for r, c in block_cells]
            nans = [v for v in part if math.isnan(v)]
            row.append(nans[0] if nans else max(part, key=abs))
            mark_row.append(marks is not None and any(marks[r][c] for r, c in block_cells))
        out.append(row)
        out_marks.append(mark_row)
    return out, (out_marks if marks else None)


def _labels(values: Sequence[Sequence[float]], size: int, font: float,
            limit: float) -> list[list[str]] | None:
    """Values printed in cells: three digits, two if that is what fits, none if nothing does.

    Rounding noise (``4.4e-16`` beside values near 1) prints as ``≈0``: too long to fit, and
    nothing to look at; the hover title keeps the exact value.
    """
    if size < TEXT_CELL_PX:
        return None
    noise = limit * NOISE
    for digits in (3, 2):
        labels = [[NEAR_ZERO if 0 < abs(v) < noise else format_value(v, digits) for v in row]
                  for row in values]
        if max(len(t) for row in labels for t in row) * 0.61 * font <= size - 4:
            return labels
    return None


def _index(r: int, c: int, values: Grid, block: tuple[int, int] | None) -> str:
    if block is not None:
        (br, bc) = block
        r_end, c_end = min((r + 1) * br, values.rows) - 1, min((c + 1) * bc, values.cols) - 1
        return f"[{r * br}:{r_end + 1}, {c * bc}:{c_end + 1}]"
    if len(values.shape) == 0:
        return "[]"
    if len(values.shape) == 1:
        return f"[{c}]"
    lead = "0, " * (len(values.shape) - 2)
    return f"[{lead}{r}, {c}]"


def _ticks(count: int, size: int, step_size: int) -> tuple[tuple[int, int], ...]:
    """(pixel centre, index) of the axis labels: every index when the cells are wide enough."""
    every = max(1, math.ceil(18 / size))
    chosen = sorted({*range(0, count, every), count - 1})
    return tuple((i * size + size // 2, i * step_size) for i in chosen)


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
