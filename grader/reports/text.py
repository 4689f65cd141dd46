"""Strings from a result, bounded and made readable for a report.

Everything a submission can fill (messages, tracebacks, free text, names, labels) may be huge: a
print loop or a hostile student can put megabytes in it. Reports therefore never show such a
string whole; ``Limits`` says how much of each kind they keep, ``clip`` keeps it and says how much
was left out, and ``bounded`` does the same to a whole result for the terminal summary.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from grader.reports import heatmap
from grader.results.model import CheckResult, SubmissionResult
from grader.results.payloads import tagged

TIMES = "\u00d7"
ELLIPSIS = "\u2026"
_FRAME_START = re.compile(r"^(Cell In\[|Input In \[|File |cell \d+|line \d+, in )")
_MARKED = re.compile(r"^\s*-+>")
_RULE = re.compile(r"^-{20,}\s*$")


@dataclass(frozen=True)
class Limits:
    """How much of each kind of text (characters) and how many of each kind of item a report keeps.

    ``scaled`` shrinks every limit alike: the HTML report falls back to smaller limits when a
    pathological result would still make a page of megabytes.
    """

    message: int = 1_500
    hint: int = 1_500
    traceback: int = 3_000
    free_text: int = 8_000
    short: int = 300
    label: int = 160
    #: Choices of a structured answer, and figures of a check's details, shown at most.
    choices: int = 8
    details: int = 8
    #: Failing checks shown in full (the rest are listed with their message), cells with errors.
    detailed: int = 30
    cell_errors: int = 12
    #: Heatmap cells one report draws in all (each costs about 100 bytes of SVG).
    cells: int = 3_000

    def scaled(self, factor: float) -> Limits:
        return replace(self, **{f.name: max(1, int(getattr(self, f.name) * factor)) for f in fields(self)})


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Clip:
    """A string cut to a fixed length; ``cut`` is how many characters were left out."""

    text: str
    cut: int = 0


@dataclass(frozen=True)
class TraceLine:
    """One line of a trimmed traceback; ``hidden`` counts library frames left out in its place."""

    text: str
    marked: bool = False
    hidden: int = 0


def clip(value: Any, limit: int) -> Clip:
    """``value`` as text (``readable`` unless it is a string), cut to ``limit`` characters."""
    text = value if isinstance(value, str) else readable(value)
    return Clip(text[:limit], max(0, len(text) - limit))


def readable(value: Any, depth: int = 0) -> str:
    """A value for people: numbers as figures, mappings as ``key: value`` pairs, a tensor (or what
    a check states of one) by its shape and dtype; JSON only as the last resort."""
    if isinstance(value, str):
        return value
    found = tagged(value)
    if found is not None and found[0] == "mapping":
        value = found[1].get("items")
    elif found is not None:
        fields = found[1]
        values = fields.get("values")
        if isinstance(values, bool | int | float | str):
            return readable(values, depth + 1)
        shape = fields.get("shape")
        shown = shape_text(shape) if isinstance(shape, list) else ""
        return " ".join(part for part in ("tensor", shown, str(fields.get("dtype", ""))) if part)
    if isinstance(value, Mapping) and depth < 3:
        inner = ", ".join(f"{k}: {readable(v, depth + 1)}" for k, v in list(value.items())[:50])
        return f"({inner})" if depth else inner
    if isinstance(value, list | tuple) and depth < 3:
        return "[" + ", ".join(readable(v, depth + 1) for v in value[:50]) + "]"
    return figure(value)


def figure(value: Any) -> str:
    """A number for people (``0.0123``, ``1.5e+06``); anything else as compact JSON."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):  # circular or otherwise odd data from elsewhere
            return str(value)
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return heatmap.format_value(value)
    return f"{value:.4g}"


def shape_text(shape: Sequence[int] | None) -> str:
    """``2 x 3`` with a multiplication sign; ``scalar`` for 0-D."""
    if shape is None:
        return "?"
    return f" {TIMES} ".join(str(s) for s in shape) if len(shape) else "scalar"


def index_text(index: Any) -> str | None:
    """``(1, 2)`` for an index list, None for anything else."""
    if isinstance(index, list | tuple) and all(isinstance(i, int) for i in index):
        return "(" + ", ".join(str(i) for i in index) + ")"
    return None


def trace(text: str | None, limit: int) -> tuple[tuple[TraceLine, ...], int]:
    """A traceback trimmed to the student's own frames, with the failing line marked, and how
    many characters were cut.

    Check tracebacks hold only the student's frames already (``cell 4, line 3, in f`` then the
    source line): the source line of the last frame is the failing one. IPython's cell tracebacks
    mark it with an arrow (``----> 2``) and include frames inside libraries (``File ...``): those
    are folded into one line saying how many were left out.
    """
    if not text:
        return (), 0
    out: list[TraceLine] = []
    hidden = 0
    in_library = False
    for line in text[:limit].splitlines():
        if _RULE.match(line):
            continue
        if _FRAME_START.match(line):
            in_library = line.startswith("File ")
            hidden += in_library
        elif not line.strip():
            in_library = False
        if in_library or (not line.strip() and out and not out[-1].text.strip()):
            continue
        if hidden:
            out.append(TraceLine("", hidden=hidden))
            hidden = 0
        out.append(TraceLine(line, marked=bool(_MARKED.match(line))))
    if hidden:
        out.append(TraceLine("", hidden=hidden))
    while out and not out[-1].hidden and not out[-1].text.strip():
        out.pop()
    if len(out) <= 1:  # a lone "cell 4, line 3, in f" says no more than the location does
        return (), 0
    if not any(line.marked for line in out):
        _mark_last_source_line(out)
    return tuple(out), max(0, len(text) - limit)


def bounded(result: SubmissionResult, limits: Limits = DEFAULT_LIMITS) -> SubmissionResult:
    """``result`` with every string a submission can fill cut short (an ellipsis marks the cut),
    for renderers that print the result's fields as they are (the terminal summary)."""

    def cut(text: str, limit: int) -> str:
        return text if len(text) <= limit else text[:limit] + ELLIPSIS

    def check(c: CheckResult) -> CheckResult:
        return replace(c, message=cut(c.message, limits.message),
                       hint=None if c.hint is None else cut(c.hint, limits.hint),
                       location=cut(c.location, limits.label),
                       traceback=None if c.traceback is None else cut(c.traceback, limits.traceback))

    errors = tuple(
        replace(e, ename=cut(e.ename, limits.label), evalue=cut(e.evalue, limits.short),
                location=cut(e.location, limits.label), traceback=cut(e.traceback, limits.traceback))
        for e in result.execution.cell_errors
    )
    return replace(
        result,
        submission=replace(result.submission, name=cut(result.submission.name, limits.label)),
        exercises=tuple(replace(e, checks=tuple(check(c) for c in e.checks))
                        for e in result.exercises),
        answers=tuple(replace(a, text=None if a.text is None else cut(a.text, limits.free_text))
                      for a in result.answers),
        execution=replace(result.execution, cell_errors=errors),
        error=None if result.error is None else cut(result.error, limits.message),
    )


def _mark_last_source_line(lines: list[TraceLine]) -> None:
    """In a student-frames traceback, the line after the last frame header is where it failed."""
    headers = [i for i, line in enumerate(lines) if _FRAME_START.match(line.text)]
    if headers and headers[-1] + 1 < len(lines) and lines[headers[-1] + 1].text.strip():
        at = headers[-1] + 1
        lines[at] = TraceLine(lines[at].text, marked=True)
