"""Tensor descriptions from a result read as 2-D grids of numbers, and compared cell by cell.

What is a tensor description is said by its ``kind`` (``grader.results.payloads``), never guessed
from its keys. A result is data from anywhere (a saved JSON file, a newer writer, a hostile
submission's values), so its fields are read defensively: anything that is not a rectangular array
of numbers is no grid. The strings ``"nan"``, ``"inf"`` and ``"-inf"`` (JSON has no such numbers)
are read back as floats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from grader.results.payloads import tagged

NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


@dataclass(frozen=True)
class Grid:
    """A tensor's values as a 2-D grid of floats, with how it was cut from the tensor."""

    values: tuple[tuple[float, ...], ...]
    shape: tuple[int, ...]
    #: True when the tensor had more than two dimensions and this is its first 2-D slice.
    sliced: bool = False

    @property
    def rows(self) -> int:
        return len(self.values)

    @property
    def cols(self) -> int:
        return len(self.values[0]) if self.values else 0

    def finite(self) -> Iterable[float]:
        return (v for row in self.values for v in row if math.isfinite(v))


def described(value: object) -> Mapping[str, object] | None:
    """The fields of a tensor description, or of a property description (``{"dtype": ...}`` from a
    dtype check: part of a tensor); None for any other value."""
    found = tagged(value)
    return found[1] if found is not None and found[0] in ("tensor", "property") else None


def grid(description: object) -> Grid | None:
    """The values of a tensor description (``grader.checking.tensors.describe``) as a grid, or None.

    None when there is nothing to draw: no values stored (large or meta tensors), not a tensor, or
    values that are not a rectangular array of numbers (a result can come from anywhere).
    0-D becomes 1 x 1, 1-D one row, more than 2-D its first 2-D slice.
    """
    found = tagged(description)
    if found is None or found[0] != "tensor" or found[1].get("values") is None:
        return None
    values = found[1]["values"]
    shape = _shape(found[1].get("shape"), values)
    if shape is None:
        return None
    sliced = len(shape) > 2
    while isinstance(values, list) and _depth(values) > 2:
        if not values:
            return None
        values = values[0]
    if not isinstance(values, list):
        rows: list[Any] = [[values]]
    elif not values or not isinstance(values[0], list):
        rows = [values]
    else:
        rows = values
    if not all(isinstance(row, list) and row for row in rows) or len({len(r) for r in rows}) != 1:
        return None
    parsed = [[number(v) for v in row] for row in rows]
    if any(v is None for row in parsed for v in row):
        return None
    return Grid(tuple(tuple(v for v in row if v is not None) for row in parsed), shape, sliced)


def difference(expected: Grid, actual: Grid) -> Grid | None:
    """``actual - expected`` cell by cell (0 where both are the same NaN or infinity)."""
    if (expected.rows, expected.cols) != (actual.rows, actual.cols):
        return None
    return Grid(
        tuple(
            tuple(_minus(a, e) for a, e in zip(arow, erow, strict=True))
            for arow, erow in zip(actual.values, expected.values, strict=True)
        ),
        actual.shape, actual.sliced,
    )


def differing(
    expected: Grid, actual: Grid, mask: Any, rtol: float, atol: float
) -> tuple[tuple[bool, ...], ...]:
    """Which cells differ: the comparison's own mask when it fits the grid, else recomputed the
    way ``torch.isclose`` does (NaN equal to NaN)."""
    if isinstance(mask, list) and not actual.sliced:
        flat = mask if mask and isinstance(mask[0], list) else [mask]
        if len(flat) == actual.rows and all(
            isinstance(r, list) and len(r) == actual.cols for r in flat
        ):
            return tuple(tuple(bool(v) for v in row) for row in flat)
    return tuple(
        tuple(not _close(a, e, rtol, atol) for a, e in zip(arow, erow, strict=True))
        for arow, erow in zip(actual.values, expected.values, strict=True)
    )


def limit_of(*grids: Grid | None) -> float:
    """The shared scale's half-width: the largest finite magnitude (1 when everything is 0)."""
    found = [abs(v) for g in grids if g is not None for v in g.finite()]
    top = max(found, default=0.0)
    return top if top > 0 else 1.0


# --- helpers ---------------------------------------------------------------------------------------


def _shape(shape: Any, values: Any) -> tuple[int, ...] | None:
    if isinstance(shape, list) and all(isinstance(s, int) and s >= 0 for s in shape):
        return tuple(shape)
    found: list[int] = []
    while isinstance(values, list):
        found.append(len(values))
        values = values[0] if values else None
    return tuple(found)


def _depth(values: Any) -> int:
    depth = 0
    while isinstance(values, list):
        depth += 1
        values = values[0] if values else None
    return depth


def number(value: object) -> float | None:
    """A value of a tensor as a float (``"nan"`` and the infinities spelled out too), else None."""
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        return NONFINITE.get(value)
    return None


def _minus(a: float, e: float) -> float:
    if math.isnan(a) and math.isnan(e):
        return 0.0
    if math.isinf(a) and a == e:
        return 0.0
    return a - e


def _close(a: float, e: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(e):
        return math.isnan(a) and math.isnan(e)
    if math.isinf(a) or math.isinf(e):
        return a == e
    return abs(a - e) <= atol + rtol * abs(e)
