"""The words every report format shares: status labels, how points and a bonus read, how a group
of checks is titled, and where in the student's file a failure happened.

Each sentence is said here once so that the HTML, Markdown and terminal reports (and the tests
that read them) agree; the templates get them as globals (``grader.reports.environment``).
"""

from __future__ import annotations

from grader.results.model import (
    STATUS_LABELS,
    CellError,
    CheckResult,
    ExerciseResult,
    Status,
    SubmissionResult,
)

__all__ = [
    "BONUS",
    "GROUP_TITLES",
    "NOT_ATTEMPTED",
    "SHOWN_ABOVE",
    "STATUS_LABELS",
    "bonus_total",
    "cell_error_place",
    "check_points",
    "format_points",
    "group_title",
    "place",
    "points_text",
]

BONUS = "bonus"
#: A bonus question the student left alone: nothing owed, nothing lost.
NOT_ATTEMPTED = "bonus, not attempted"
#: How a block of several checks of one question that did not pass for one reason is titled.
GROUP_TITLES: dict[Status, str] = {
    "failed": "{n} checks failed the same way",
    "error": "{n} checks hit the same error",
    "timeout": "{n} checks timed out the same way",
    "passed": "{n} checks passed",
    "skipped": "{n} checks skipped",
}
#: Said in place of a picture a report has already drawn for the same question.
SHOWN_ABOVE = "drawn above"


def format_points(value: float) -> str:
    """Points as a person writes them: ``3``, ``1.5``, ``0.33``."""
    return f"{round(value, 2):g}"


def points_text(exercise: ExerciseResult) -> str:
    """``3/7`` for a required question (``3/7 + bonus 1/2`` when it has bonus checks too);
    ``bonus 2/2`` or ``bonus, not attempted`` for a bonus question."""
    if not exercise.bonus:
        required = _fraction(exercise.points, exercise.max_points)
        if exercise.bonus_max_points > 0:
            return f"{required} + {_fraction(exercise.bonus_points, exercise.bonus_max_points, BONUS)}"
        return required
    statuses = {c.status for c in exercise.checks}
    if "unanswered" in statuses and statuses <= {"unanswered", "skipped"}:
        return NOT_ATTEMPTED
    return _fraction(exercise.bonus_points, exercise.bonus_max_points, BONUS)


def check_points(check: CheckResult) -> str:
    """One check's points as a report's table of checks reads them: ``1/2``, ``bonus 2/2``, or
    ``no points`` for a check that does not count."""
    if not check.counts:
        return "no points"
    return _fraction(check.points, check.max_points, BONUS if check.bonus else "")


def bonus_total(result: SubmissionResult) -> str:
    """What a total adds for the bonus earned (`` + 2 bonus``); nothing when none was earned."""
    return f" + {format_points(result.bonus_points)} {BONUS}" if result.bonus_points > 0 else ""


def group_title(status: Status, count: int) -> str:
    """The title of ``count`` checks of one question that did not pass for one reason."""
    return GROUP_TITLES.get(status, GROUP_TITLES["failed"]).format(n=count)


def place(check: CheckResult) -> str:
    """Where a check failed in the student's file, as grading wrote it (the function included,
    ``grader.messages.IN_FUNCTION``): ``at cell 4, line 3, in corr2d``; '' when the result does
    not say."""
    return f"at {check.location}" if check.location else ""


def cell_error_place(error: CellError) -> str:
    """Which cell of the submission raised, as grading wrote it; a result that did not write it
    (older versions) names the cell by its number."""
    return error.location or f"cell {error.cell}"


def _fraction(points: float, max_points: float, label: str = "") -> str:
    prefix = f"{label} " if label else ""
    return f"{prefix}{format_points(points)}/{format_points(max_points)}"
