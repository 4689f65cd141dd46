"""What the HTML and Markdown reports show, decided once from a ``SubmissionResult``.

The templates hold the words and the markup; this module decides what there is to say: the
questions in the order to work on them, the checks that did not pass gathered per question and
reason (``grader.reports.grouping``: one card for checks that failed the same way), the questions
whose passing checks have pictures or answers worth showing (one card per question, each picture
drawn once), and what each card holds. Every string is clipped and every list bounded by
``Limits``, so no result, however large, makes a report of many megabytes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from grader.reports.cards import CheckView, Todo, card, todo
from grader.reports.grouping import failure_groups, first_to_fix, ordered
from grader.reports.text import DEFAULT_LIMITS, Clip, Limits, TraceLine, clip, trace
from grader.reports.values import Pictures
from grader.reports.wording import cell_error_place, points_text
from grader.results.model import (
    NOT_PASSING,
    CellError,
    CheckResult,
    ExerciseResult,
    Status,
    SubmissionResult,
)
from grader.results.payloads import Exhibit

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class ExerciseRow:
    """A line of the question table, with the first thing to fix."""

    exercise: ExerciseResult
    counts: Mapping[Status, int]
    #: The question's points as they read: ``3/7``, ``bonus 2/2``, ``bonus, not attempted``.
    points: str
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
    #: Cards of the checks that failed, raised or timed out, gathered by reason.
    failures: tuple[CheckView, ...]
    #: The questions with answers still to give, one line per missing answer.
    todos: tuple[Todo, ...]
    #: Failing checks past ``limits.detailed`` cards: listed with their message only.
    more_failures: tuple[tuple[CheckResult, Clip], ...]
    #: Per question, the checks that passed (or were skipped) but carry exhibits, answers or details.
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
    questions = ordered(result.exercises)
    anchors: dict[str, str] = {}
    waiting: dict[str, list[list[CheckResult]]] = {}
    detailed: list[list[CheckResult]] = []
    rest: list[list[CheckResult]] = []
    for group in failure_groups(result):
        first = group[0]
        if first.status == "unanswered":  # one block per question, a line per missing answer
            known = waiting.setdefault(first.exercise, [])
            anchor = (anchors[known[0][0].item_id] if known
                      else _anchor("todo-" + first.exercise, anchors.values()))
            known.append(group)
        elif len(detailed) < limits.detailed:  # a line each, a todo never takes a card's place
            anchor = _anchor(first.item_id, anchors.values())
            detailed.append(group)
        else:  # listed below the cards with their message, no element to link to
            rest.append(group)
            continue
        anchors.update((c.item_id, anchor) for c in group)
    drawn: list[tuple[Exhibit, str]] = []
    failures = tuple(
        card(group, titles.get(group[0].exercise, group[0].exercise), anchors[group[0].item_id],
             pictures, drawn, repeat=True)
        for group in detailed
    )
    exercises = {e.id: e for e in result.exercises}
    todos = tuple(todo(exercises[name], found, anchors[found[0][0].item_id], limits)
                  for name, found in waiting.items())
    worth_showing = [
        [c for c in e.checks if c.status not in NOT_PASSING and (c.exhibits or c.answer or c.details)]
        for e in questions
    ] if graded else []
    passing = [group for group in worth_showing if group]
    shown = tuple(
        card(group, titles.get(group[0].exercise, group[0].exercise),
             _anchor("seen-" + group[0].exercise, anchors.values()), pictures, drawn, repeat=False)
        for group in passing[: limits.detailed]
    )
    errors = result.execution.cell_errors
    return ReportView(
        result=result,
        percent=result.percent,
        rows=tuple(_row(e, anchors, graded, limits) for e in questions),
        failures=failures,
        todos=todos,
        more_failures=tuple((c, clip(c.message, limits.short)) for group in rest for c in group),
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


def _row(exercise: ExerciseResult, anchors: Mapping[str, str], graded: bool,
         limits: Limits) -> ExerciseRow:
    counts: dict[Status, int] = {}
    for check in exercise.checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    first = first_to_fix(exercise) if graded else None
    return ExerciseRow(
        exercise=exercise, counts=counts, points=points_text(exercise),
        anchor=anchors.get(first.item_id) if first is not None else None,
        first=first,
        first_message=clip(first.message or first.status, limits.short) if first else None,
    )


def _cell_error(error: CellError, limits: Limits) -> CellErrorView:
    lines, cut = trace(error.traceback, limits.traceback)
    return CellErrorView(error, clip(cell_error_place(error), limits.label), clip(error.ename, limits.label),
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
