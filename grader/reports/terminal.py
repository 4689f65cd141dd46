"""The plain-text reports: the terminal summary, one check's failure, the total line, the pack list.

Rendered from a ``SubmissionResult`` (or the pack's declarations), never from live grading objects,
so a saved result JSON renders exactly like a fresh one. The summary orders and gathers checks as
the other reports do (``grader.reports.grouping``): the questions to fix first, and for each the
first reason its checks did not pass, said once. Pictures a check computed on the student's
objects are printed as grids of numbers, so that a hint saying "shown below" is true here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grader.catalog.model import Pack
from grader.reports import grids, grouping
from grader.reports import text as report_text
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
    kind = result.submission.kind
    rows = [_row(e, result.error is None, pictures, kind) for e in grouping.ordered(result.exercises)]
    template = environment().get_template("terminal.txt.j2")
    return template.render(result=result, rows=rows, paint=painter(color))


def render_failure(check: CheckResult, kind: str = "notebook") -> str:
    """One check's failure for a student: message, hint, where in their code, and the pictures
    computed on their objects (no grader internals).

    ``kind`` is the submission's kind (``notebook`` or ``module``): it decides how a location reads.
    """
    failure = _failure([check], Pictures(DEFAULT_LIMITS, draw=False), kind)
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


def _row(exercise: ExerciseResult, graded: bool, pictures: Pictures, kind: str) -> Row:
    first = grouping.first_to_fix(exercise) if graded else None
    failing = [c for c in exercise.checks if c.status in NOT_PASSING]
    group = next((g for g in grouping.group(failing) if first in g), []) if first else []
    return Row(exercise, points_text(exercise),
               _failure(group, pictures, kind) if group else None, len(failing) - len(group))


def _failure(group: Sequence[CheckResult], pictures: Pictures, kind: str) -> Failure:
    check = group[0]
    shared = all(c.message == check.message for c in group)
    return Failure(
        checks=tuple(group),
        messages=() if shared else tuple(f"{c.item_id}: {c.message or c.status}" for c in group),
        place=place(check, kind),
        pictures=tuple(_drawn(_once(c.exhibits for c in group), pictures)),
    )


def _once(found: Iterable[Sequence[Exhibit]]) -> list[Exhibit]:
    kept: list[Exhibit] = []
    for items in found:
        kept.extend(e for e in items if e not in kept)
    return kept


def _drawn(items: Sequence[Exhibit], pictures: Pictures) -> list[str]:
    blocks = [grids.block(p) for p in exhibits(items, pictures) if not p.absent]
    return grids.side_by_side(blocks) if blocks else []
