"""The values a report draws: inputs, expected vs actual vs difference, exhibits, tensor answers.

Expected and actual share one colour scale so that they compare at a glance; the difference has
its own, centred on zero, with the cells outside the tolerance outlined. Exhibits of one check
share a scale too (a kernel's response to x^2 beside its response to y^2). ``Pictures`` bounds
how much one report draws. Which values are tensors is said by their ``kind``
(``grader.results.payloads``); their fields are read as untrusted data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from grader.reports import heatmap, tensor_grid
from grader.reports.heatmap import Heatmap
from grader.reports.tensor_grid import Grid
from grader.reports.text import Clip, Limits, clip, figure, index_text, readable, shape_text
from grader.results.payloads import tagged


@dataclass(frozen=True)
class Panel:
    """One value to show: a heatmap when it is a tensor with stored values, else what is known."""

    label: str
    note: Clip | None = None
    dtype: str | None = None
    shape: tuple[int, ...] | None = None
    device: str | None = None
    grid: Grid | None = None
    heatmap: Heatmap | None = None
    summary: Mapping[str, str] | None = None
    plain: Clip | None = None
    #: The picture was left out because the report had drawn as much as it may.
    over_budget: bool = False
    #: There is no value at all (a check that records only what it got): nothing to show.
    absent: bool = False

    @property
    def is_tensor(self) -> bool:
        return self.plain is None and not self.absent


@dataclass(frozen=True)
class Mismatch:
    """The comparison's own summary: how many elements differ, the greatest difference and where."""

    count: int | None
    total: int | None
    share: float | None
    max_abs: str | None
    max_index: str | None
    first_index: str | None
    rtol: str | None
    atol: str | None


@dataclass(frozen=True)
class Comparison:
    """Expected vs actual vs difference, the first two on one shared scale."""

    expected: Panel
    actual: Panel
    difference: Panel | None
    #: (attribute, expected, actual, differs) for what a shape, dtype or device check states.
    attributes: tuple[tuple[str, str, str, bool], ...]
    mismatch: Mismatch | None
    #: Which cells of ``actual`` differ from ``expected`` (None when they cannot be compared).
    marks: tuple[tuple[bool, ...], ...] | None
    outlined: int

    @property
    def drawn(self) -> bool:
        """Whether there are values to show (they may still be left out of a full report)."""
        return any(p.grid is not None for p in (self.expected, self.actual))

    @property
    def differs(self) -> bool:
        """Whether shape, dtype or device already tell the two apart."""
        return any(row[3] for row in self.attributes)


@dataclass(frozen=True)
class Answer:
    """A structured answer beside the truth the grader computed on the student's own objects;
    ``given_panel`` and ``truth_panel`` draw them when they are tensors."""

    question: Clip
    given: Clip
    truth: Clip
    given_panel: Panel | None
    truth_panel: Panel | None
    #: (choice, is the student's, is the truth)
    choices: tuple[tuple[Clip, bool, bool], ...]
    more_choices: int
    correct: bool | None
    #: The truth was withheld by the feedback setting (and a right answer's value with it).
    withheld: bool = False


class Pictures:
    """What one report may still draw, and the grids read so far.

    A value is read (its nested lists parsed) only while it could still be drawn, so a result with
    hundreds of large tensors costs no more time than one that fills the budget.
    """

    def __init__(self, limits: Limits, draw: bool = True) -> None:
        self.limits = limits
        self.draw = draw
        self.cells = limits.cells
        self.refused = 0
        self._grids: dict[int, Grid | None] = {}

    def grid(self, description: Any) -> Grid | None:
        """The grid of a tensor description; None if it has none or could not be drawn now."""
        if isinstance(description, Mapping) and _cost(description.get("shape")) > self.cells:
            return None
        key = id(description)
        if key not in self._grids:
            self._grids[key] = tensor_grid.grid(description)
        return self._grids[key]

    def take(self, values: Grid) -> bool:
        cost = _cost(values.shape)
        if cost > self.cells:
            self.refused += 1
            return False
        self.cells -= cost
        return True


def panel(label: str, value: Any, pictures: Pictures, limit: float | None = None,
          outlined: Sequence[Sequence[bool]] | None = None, note: Any = None) -> Panel:
    """A value as a panel, drawn on the scale ``-limit..limit`` (its own when None)."""
    short = pictures.limits.short
    note_clip = clip(note, short) if note else None
    if value is None:
        return Panel(label, note=note_clip, absent=True)
    fields = tensor_grid.described(value)
    if fields is None:
        return Panel(label, note=note_clip, plain=clip(value, short))
    values = pictures.grid(value)
    drawn = None
    over = values is None and fields.get("values") is not None \
        and _cost(fields.get("shape")) > pictures.cells
    pictures.refused += over
    if values is not None:
        if not pictures.take(values):
            over = True
        elif pictures.draw:
            scale = limit if limit is not None else tensor_grid.limit_of(values)
            drawn = heatmap.draw(values, scale, outlined)
    shape = fields.get("shape")
    summary = fields.get("summary")
    return Panel(
        label=label, note=note_clip,
        dtype=str(fields["dtype"])[:40] if "dtype" in fields else None,
        shape=tuple(shape) if isinstance(shape, list) and all(isinstance(s, int) for s in shape)
        else None,
        device=str(fields["device"])[:40] if "device" in fields else None,
        grid=values, heatmap=drawn, over_budget=over,
        summary={k: figure(_figure_value(summary[k])) for k in ("min", "max", "mean", "std")
                 if k in summary} if isinstance(summary, Mapping) else None,
    )


def comparison(expected: object, actual: object, mismatch: object,
               pictures: Pictures) -> Comparison | None:
    """Expected, actual and their difference, with the differing cells marked."""
    if expected is None and actual is None:
        return None
    if tensor_grid.described(expected) is None and tensor_grid.described(actual) is None:
        return Comparison(panel("expected", expected, pictures), panel("actual", actual, pictures),
                          None, (), None, None, 0)
    want = pictures.grid(expected)
    got = pictures.grid(actual)
    limit = tensor_grid.limit_of(want, got)
    found = mismatch if isinstance(mismatch, Mapping) else {}
    marks = diff = None
    if want is not None and got is not None and (want.rows, want.cols) == (got.rows, got.cols):
        rtol, atol = _tolerances(found)
        marks = tensor_grid.differing(want, got, found.get("mask"), rtol, atol)
        diff = tensor_grid.difference(want, got)
    shown = panel("expected", expected, pictures, limit)
    return Comparison(
        # The reference is computed in float64 for accuracy: its dtype is no requirement.
        expected=replace(shown, dtype=None) if want is not None else shown,
        actual=panel("actual", actual, pictures, limit, marks),
        difference=_difference(diff, pictures, marks) if diff is not None else None,
        attributes=_attributes(expected, actual),
        mismatch=_mismatch(found) if found else None,
        marks=marks,
        outlined=sum(v for row in marks for v in row) if marks else 0,
    )


def exhibits(items: Sequence[object], pictures: Pictures) -> tuple[Panel, ...]:
    """The extra tensors of a check, on one scale so that they compare (x^2's response vs y^2's)."""
    kept = [e for e in items if isinstance(e, Mapping)]
    limit = tensor_grid.limit_of(*(pictures.grid(e.get("value")) for e in kept))
    return tuple(
        panel(str(e.get("label", ""))[: pictures.limits.label], e.get("value"), pictures, limit,
              note=e.get("note"))
        for e in kept
    )


def answer(data: object, pictures: Pictures) -> Answer | None:
    """A structured answer; choices compare with ``given`` and ``truth`` as the grader recorded them."""
    if not isinstance(data, Mapping):
        return None
    short = pictures.limits.short
    given, truth = data.get("given"), data.get("truth")
    found = data.get("choices")
    choices: list[Any] = found if isinstance(found, list) else []
    tensors = tensor_grid.described(given) is not None or tensor_grid.described(truth) is not None
    limit = tensor_grid.limit_of(pictures.grid(given), pictures.grid(truth)) if tensors else 1.0
    correct = data.get("correct")
    return Answer(
        question=clip(data.get("question", ""), short),
        given=clip(readable(given), short),
        truth=clip(readable(truth), short),
        given_panel=panel("given", given, pictures, limit) if tensors else None,
        truth_panel=panel("truth", truth, pictures, limit) if tensors else None,
        choices=tuple((clip(c, short), c == given, c == truth)
                      for c in choices[: pictures.limits.choices]),
        more_choices=max(0, len(choices) - pictures.limits.choices),
        correct=correct if isinstance(correct, bool) else None,
        withheld=truth is None,
    )


def _difference(values: Grid, pictures: Pictures, marks: Sequence[Sequence[bool]] | None) -> Panel:
    if not pictures.take(values):
        return Panel("difference", grid=values, over_budget=True, shape=values.shape)
    drawn = heatmap.draw(values, tensor_grid.limit_of(values), marks) if pictures.draw else None
    return Panel("difference", grid=values, shape=values.shape, heatmap=drawn)


def _cost(shape: Any) -> int:
    """Cells a tensor of this shape takes once drawn (its first 2-D slice, downsampled)."""
    if not isinstance(shape, list | tuple) or not all(isinstance(s, int) for s in shape):
        return 1
    rows, cols = (shape[-2], shape[-1]) if len(shape) >= 2 else (1, shape[0] if shape else 1)
    return min(rows, heatmap.MAX_SIDE) * min(cols, heatmap.MAX_SIDE)


def _tolerances(mismatch: Mapping[str, Any]) -> tuple[float, float]:
    rtol, atol = mismatch.get("rtol"), mismatch.get("atol")
    if isinstance(rtol, int | float) and isinstance(atol, int | float):
        return float(rtol), float(atol)
    return 0.0, 0.0  # a mismatch always states its tolerance; without one, values differ exactly


def _attributes(expected: object, actual: object) -> tuple[tuple[str, str, str, bool], ...]:
    """What a shape, dtype or device check states: its expected value is a property description."""
    found = tagged(expected)
    if found is None or found[0] != "property":
        return ()
    stated, seen = found[1], tensor_grid.described(actual)
    rows = []
    for key in ("shape", "dtype", "device"):
        if key not in stated:
            continue
        want = stated.get(key)
        got = seen.get(key) if seen is not None else None
        show_want = shape_text(want) if key == "shape" and isinstance(want, list) else str(want)
        show_got = shape_text(got) if key == "shape" and isinstance(got, list) else str(got or "?")
        rows.append((key, show_want[:60], show_got[:60], got is not None and want != got))
    return tuple(rows)


def _mismatch(data: Mapping[str, Any]) -> Mismatch:
    def number(key: str) -> int | None:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    share = data.get("share")
    max_abs = data.get("max_abs_diff")
    return Mismatch(
        count=number("count"), total=number("total"),
        share=float(share) if isinstance(share, int | float) else None,
        max_abs=figure(max_abs) if max_abs is not None else None,
        max_index=index_text(data.get("max_index")),
        first_index=index_text(data.get("first_index")),
        rtol=figure(data["rtol"]) if "rtol" in data else None,
        atol=figure(data["atol"]) if "atol" in data else None,
    )


def _figure_value(value: object) -> object:
    """A summary figure as a number again when it is a spelled-out NaN or infinity."""
    found = tensor_grid.number(value) if isinstance(value, str) else None
    return value if found is None else found
