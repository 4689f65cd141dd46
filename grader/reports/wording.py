"""The words every report format shares: status labels, how points and a bonus read, how a group
of checks is titled, and where in the student's file a failure happened.

Each sentence is said here once so that the HTML, Markdown and terminal reports (and the tests
that read them) agree; the templates get them as globals (``grader.reports.environment``).
"""

from __future__ import annotations

import re

from grader.messages import IN_FUNCTION
from grader.results.model import STATUS_LABELS, CheckResult, ExerciseResult, Status, SubmissionResult

__all__ = [
    "BONUS",
    "GROUP_TITLES",
    "NOT_ATTEMPTED",
    "SHOWN_ABOVE",
    "STATUS_LABELS",
    "bonus_total",
    "failing_function",
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
    "unanswered": "{n} checks wait for this answer",
    "passed": "{n} checks passed",
    "skipped": "{n} checks skipped",
}
#: Said in place of a picture a report has already drawn for the same question.
SHOWN_ABOVE = "drawn above"

#: The header of a frame in a check's traceback: ``cell 4, line 3, in corr2d`` (however the
#: location itself is worded), then its source line, indented.
_FRAME_FUNCTION = re.compile(r", in ([A-Za-z_][\w.]*)\s*$")


def points_text(exercise: ExerciseResult) -> str:
    """``3/7`` for a required question; ``bonus 2/2`` or ``bonus, not attempted`` for a bonus."""
    if not exercise.bonus:
        return f"{_figure(exercise.points)}/{_figure(exercise.max_points)}"
    statuses = {c.status for c in exercise.checks}
    if "unanswered" in statuses and statuses <= {"unanswered", "skipped"}:
        return NOT_ATTEMPTED
    return f"{BONUS} {_figure(exercise.bonus_points)}/{_figure(exercise.bonus_max_points)}"


def bonus_total(result: SubmissionResult) -> str:
    """What a total adds for the bonus earned (`` + 2 bonus``); nothing when none was earned."""
    return f" + {_figure(result.bonus_points)} {BONUS}" if result.bonus_points > 0 else ""


def group_title(status: Status, count: int) -> str:
    return GROUP_TITLES.get(status, GROUP_TITLES["failed"]).format(n=count)


def failing_function(traceback: str | None) -> str | None:
    """The function the student's innermost frame is in (``corr2d``), None at a cell's top level
    or without a traceback."""
    headers = [line for line in (traceback or "").splitlines() if line and not line[0].isspace()]
    found = _FRAME_FUNCTION.search(headers[-1]) if headers else None
    return found.group(1) if found else None


def place(check: CheckResult, kind: str = "notebook") -> str:
    """Where a check failed in the student's file, said once: ``at cell 4, line 3, in corr2d``,
    attributed to the function the traceback names when the location does not already say it
    (as grading does, ``grader.messages.IN_FUNCTION``); '' when the result does not say."""
    at = check.location or _where(check.cell, check.line, kind)
    if not at:
        return ""
    function = failing_function(check.traceback)
    if function and not at.endswith(IN_FUNCTION.format(where="", function=function)):
        at = IN_FUNCTION.format(where=at, function=function)
    return f"at {at}"


def _where(cell: int | None, line: int | None, kind: str) -> str:
    if cell is None:
        return ""
    at = f"# %% cell {cell}" if kind == "module" else f"cell {cell}"
    return at + (f", line {line}" if line is not None else "")


def _figure(value: float) -> str:
    return f"{round(value, 2):g}"
