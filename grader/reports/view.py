"""What the HTML and Markdown reports show, decided once from a ``SubmissionResult``.

The templates hold the words and the markup; this module decides what there is to say: which
checks failed (those of one question that failed the same way, as every check of an unfilled
slot does, are shown once), which passing checks have pictures or answers worth showing, and
what each card holds. Every string is clipped and every list bounded by ``Limits``, so no
result, however large, makes a report of many megabytes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from grader.reports.text import DEFAULT_LIMITS, Clip, Limits, TraceLine, clip, readable, trace
from grader.reports.values import Answer, Comparison, Panel, Pictures, answer, comparison, exhibits, panel
from grader.results.model import CellError, CheckResult, ExerciseResult, Status, SubmissionResult

NOT_PASSING: tuple[Status, ...] = ("failed", "error", "timeout")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class CheckView:
    """One check as a card: every failing check, and the passing ones that have something to
    show (pictures of the student's objects, a structured answer, figures)."""

    check: CheckResult
    exercise_title: str
    anchor: str
    #: Other checks of the same question that failed in exactly the same way: shown once.
    also: tuple[CheckResult, ...]
    #: Where in the student's file, as the result words it ("cell 4, line 3").
    location: Clip
    message: Clip
    hint: Clip | None
    #: The right answer and why: only in a result shown with full feedback.
    solution: Clip | None
    trace: tuple[TraceLine, ...]
    trace_cut: int
    inputs: tuple[Panel, ...]
    comparison: Comparison | None
    exhibits: tuple[Panel, ...]
    answer: Answer | None
    details: tuple[tuple[Clip, Clip], ...]


@dataclass(frozen=True)
class ExerciseRow:
    """A line of the question table, with the first thing to fix."""

    exercise: ExerciseResult
    counts: Mapping[Status, int]
    anchor: str | None
    first: CheckResult | None
    first_message: Clip | None


@dataclass(frozen=True)
class CellErrorView:
    """A cell of the submission that raised, timed out or killed the kernel."""

    error: CellError
    location: Clip
    ename: Clip
    evalue: Clip
    trace: tuple[TraceLine, ...]
    trace_cut: int


@dataclass(frozen=True)
class FreeText:
    """A free-text answer for a human reader (None: not answered)."""

    exercise: str
    prompt: Clip
    text: Clip | None


@dataclass(frozen=True)
class ReportView:
    """Everything a report template reads, besides the result itself."""

    result: SubmissionResult
    percent: float
    rows: tuple[ExerciseRow, ...]
    failures: tuple[CheckView, ...]
    #: Failing checks past ``limits.detailed``: listed with their message only.
    more_failures: tuple[tuple[CheckResult, Clip], ...]
    #: Checks that passed (or were skipped) but carry exhibits, an answer or details.
    shown: tuple[CheckView, ...]
    cell_errors: tuple[CellErrorView, ...]
    more_cell_errors: int
    answers: tuple[FreeText, ...]
    skipped_pictures: int
    #: item id -> the anchor of the card that shows it.
    anchors: Mapping[str, str]


def build(result: SubmissionResult, limits: Limits = DEFAULT_LIMITS, *, draw: bool = True) -> ReportView:
    """The report's content for ``result``, within ``limits``; heatmaps are laid out only when
    ``draw`` (Markdown prints the values instead)."""
    pictures = Pictures(limits, draw)
    titles = {e.id: e.title for e in result.exercises}
    graded = result.error is None
    groups = _group([c for c in result.checks if c.status in NOT_PASSING] if graded else [])
    anchors: dict[str, str] = {}
    for group in groups:
        anchor = _anchor(group[0].item_id, anchors.values())
        anchors.update((c.item_id, anchor) for c in group)
    failures = tuple(
        _card(first, tuple(also), titles.get(first.exercise, first.exercise),
              anchors[first.item_id], pictures)
        for first, *also in groups[: limits.detailed]
    )
    worth_showing = [c for c in result.checks if c.status not in NOT_PASSING
                     and (c.exhibits or c.answer or c.details)] if graded else []
    shown = tuple(
        _card(c, (), titles.get(c.exercise, c.exercise),
              _anchor("seen-" + c.item_id, anchors.values()), pictures)
        for c in worth_showing[: limits.detailed]
    )
    errors = result.execution.cell_errors
    return ReportView(
        result=result,
        percent=100.0 * result.points / result.max_points if result.max_points > 0 else 0.0,
        rows=tuple(_row(e, anchors, graded, limits) for e in result.exercises),
        failures=failures,
        more_failures=tuple(
            (c, clip(c.message, limits.short)) for group in groups[limits.detailed:] for c in group
        ),
        shown=shown,
        cell_errors=tuple(_cell_error(e, limits) for e in errors[: limits.cell_errors]),
        more_cell_errors=max(0, len(errors) - limits.cell_errors),
        answers=tuple(
            FreeText(a.exercise, clip(a.prompt, limits.short),
                     None if a.text is None else clip(a.text, limits.free_text))
            for a in result.answers
        ),
        skipped_pictures=pictures.refused,
        anchors=anchors,
    )


def _group(failing: Sequence[CheckResult]) -> list[list[CheckResult]]:
    """Failures in order; those of one question with the same verdict and no values merged."""
    groups: list[list[CheckResult]] = []
    seen: dict[tuple[Any, ...], list[CheckResult]] = {}
    for check in failing:
        bare = not (check.input or check.expected is not None or check.actual is not None
                    or check.exhibits or check.answer or check.details)
        key = (check.exercise, check.status, check.message, check.hint, check.solution, check.location,
               check.cell, check.line, check.traceback, check.internal)
        if bare and key in seen:
            seen[key].append(check)
            continue
        groups.append([check])
        if bare:
            seen[key] = groups[-1]
    return groups


def _card(check: CheckResult, also: tuple[CheckResult, ...], title: str, anchor: str,
          pictures: Pictures) -> CheckView:
    limits = pictures.limits
    lines, cut = trace(check.traceback, limits.traceback)
    inputs = check.input.items() if isinstance(check.input, Mapping) else ()
    details = list(check.details.items()) if isinstance(check.details, Mapping) else []
    return CheckView(
        check=check,
        exercise_title=title,
        anchor=anchor,
        also=also,
        location=clip(check.location, limits.label),
        message=clip(check.message or check.status, limits.message),
        hint=clip(check.hint, limits.hint) if check.hint else None,
        solution=clip(check.solution, limits.hint) if check.solution else None,
        trace=lines,
        trace_cut=cut,
        inputs=tuple(panel(str(name)[: limits.label], value, pictures) for name, value in inputs),
        comparison=comparison(check.expected, check.actual, check.mismatch, pictures),
        exhibits=exhibits(check.exhibits, pictures),
        answer=answer(check.answer, pictures),
        details=tuple((clip(str(k), limits.label), clip(readable(v), limits.short))
                      for k, v in details[: limits.details]),
    )


def _row(exercise: ExerciseResult, anchors: Mapping[str, str], graded: bool,
         limits: Limits) -> ExerciseRow:
    counts: dict[Status, int] = {}
    for check in exercise.checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    first = exercise.first_failure if graded else None
    return ExerciseRow(
        exercise=exercise, counts=counts,
        anchor=anchors.get(first.item_id) if first is not None else None,
        first=first,
        first_message=clip(first.message or first.status, limits.short) if first else None,
    )


def _cell_error(error: CellError, limits: Limits) -> CellErrorView:
    lines, cut = trace(error.traceback, limits.traceback)
    return CellErrorView(error, clip(error.location, limits.label), clip(error.ename, limits.label),
                         clip(error.evalue, limits.short), lines, cut)


def _anchor(item_id: str, taken: Collection[str]) -> str:
    """An id for a card, made of the item id's safe characters and unique in the page."""
    base = "check-" + _UNSAFE_ID.sub("-", item_id).strip("-")
    used = set(taken)
    anchor, n = base, 1
    while anchor in used:
        n += 1
        anchor = f"{base}-{n}"
    return anchor
