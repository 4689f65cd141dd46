"""The plain-text reports: the terminal summary, one check's failure, the total line, the pack list.

Rendered from a ``SubmissionResult`` (or the pack's declarations), never from live grading objects,
so a saved result JSON renders exactly like a fresh one. The summary orders and gathers checks as
the other reports do (``grader.reports.grouping``): the questions to fix first, and for each the
first reason its checks did not pass, said once. Pictures a check computed on the student's
objects are printed as grids of numbers, so that a hint saying "shown below" is true here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grader.catalog.model import Pack
from grader.reports import grids, grouping
from grader.reports import text as report_text
from grader.reports.cards import distinct_pictures, shares_message
from grader.reports.environment import environment, painter
from grader.reports.text import DEFAULT_LIMITS
from grader.reports.values import Pictures, exhibits
from grader.reports.wording import place, points_text
from grader.results.model import NOT_PASSING, CheckResult, ExerciseResult, SubmissionResult
from grader.results.payloads import Exhibit


@dataclass(frozen=True)
class Failure:
    """What the terminal says about checks that did not pass for one reason."""

    checks: tuple[CheckResult, ...]
    #: Each check's own message when they differ; empty when they share the first's.
    messages: tuple[str, ...]
    place: str
    #: The pictures computed on the student's objects, as lines of text.
    pictures: tuple[str, ...]

    @property
    def check(self) -> CheckResult:
        return self.checks[0]


@dataclass(frozen=True)
class Row:
    """One question of the summary: its points as they read, and the first thing to fix."""

    exercise: ExerciseResult
    points: str
    failure: Failure | None
    #: Checks of the question that did not pass, besides the failure's.
    others: int


def render_terminal(result: SubmissionResult, color: bool) -> str:
    """The summary ``grader check`` prints: score, one line per question (the ones to fix first),
    and what to fix first in each."""
    result = report_text.bounded(result)
    pictures = Pictures(DEFAULT_LIMITS, draw=False)
    by_reason = result.feedback != "verdicts"
    rows = [_row(e, result.error is None, pictures, by_reason)
            for e in grouping.ordered(result.exercises)]
    template = environment().get_template("terminal.txt.j2")
    width = max((len(row.points) for row in rows), default=0)
    return template.render(result=result, rows=rows, paint=painter(color), points_width=width)


def render_failure(check: CheckResult) -> str:
    """One check's failure for a student: message, hint, where in their code (as grading wrote it,
    ``CheckResult.location``), and the pictures computed on their objects (no grader internals)."""
    failure = _failure([check], Pictures(DEFAULT_LIMITS, draw=False))
    macros = environment().get_template("_macros.txt.j2").module
    return str(macros.failure(failure, painter(False)))  # type: ignore[attr-defined]


def render_total(result: SubmissionResult, color: bool = False) -> str:
    """The one-line total (``Total: 51/51 points + 2 bonus (complete)``), as the last line of
    every summary."""
    macros = environment().get_template("_macros.txt.j2").module
    return str(macros.total(result, painter(color)))  # type: ignore[attr-defined]


def render_pack(pack: Pack) -> str:
    """What ``grader list`` prints: the pack's exercises and checks with points, without grading."""
    return environment().get_template("pack.txt.j2").render(pack=pack)


def _row(exercise: ExerciseResult, graded: bool, pictures: Pictures, by_reason: bool) -> Row:
    first = grouping.first_to_fix(exercise) if graded else None
    failing = [c for c in exercise.checks if c.status in NOT_PASSING]
    groups = grouping.group(failing, by_reason=by_reason) if first else []
    group = next((g for g in groups if first in g), [])
    return Row(exercise, points_text(exercise),
               _failure(group, pictures) if group else None, len(failing) - len(group))


def _failure(group: Sequence[CheckResult], pictures: Pictures) -> Failure:
    check = group[0]
    return Failure(
        checks=tuple(group),
        messages=() if shares_message(group) else tuple(f"{c.item_id}: {c.message or c.status}"
                                                        for c in group),
        place=place(check),
        pictures=tuple(_drawn(distinct_pictures(group), pictures)),
    )


def _drawn(items: Sequence[Exhibit], pictures: Pictures) -> list[str]:
    blocks = [grids.block(p) for p in exhibits(items, pictures) if not p.absent]
    return grids.side_by_side(blocks) if blocks else []
