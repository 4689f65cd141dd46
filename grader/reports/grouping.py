"""How every report orders questions and gathers checks, decided once for the HTML, Markdown and
terminal reports alike.

- Questions to fix come first: a wrong answer, then a timeout or an error, then a question not
  answered yet, then an unfinished bonus (a bonus question, or one whose required checks all
  passed beside a bonus check that did not); passed and skipped questions follow, each in the book's
  order among its kind (``ordered``).
- Checks of one question that did not pass for one reason are one group (``failure_groups``): the
  same status and bonus and either the same message or the same hint, with nothing else that would be lost
  by showing it once (the same location, values compared, structured answer and solution). A
  report shows a group's hint, location and values once and lists its checks.
- What sums up a question is the model's ``ExerciseResult.status``; the first thing to fix is the
  first check with that status, a required one before a bonus (``first_to_fix``), so a question
  not yet answered in one slot never hides a wrong answer in another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from grader.results.model import NOT_PASSING, CheckResult, ExerciseResult, SubmissionResult
from grader.results.status import SUMMARY_ORDER, Status

#: What to fix, in the order the model sums a question up by (``ExerciseResult.status``); an
#: unfinished bonus, then passed and skipped questions, after every status of ``SUMMARY_ORDER``.
_UNFINISHED_BONUS = len(SUMMARY_ORDER)
_RANK: dict[Status, int] = {
    **{status: n for n, status in enumerate(SUMMARY_ORDER)},
    "passed": _UNFINISHED_BONUS + 1, "skipped": _UNFINISHED_BONUS + 2,
}


def rank(exercise: ExerciseResult) -> int:
    """Where a question goes among the others: what to fix first gets the lowest number."""
    status = exercise.status
    if status in NOT_PASSING and _owes_nothing(exercise):
        return _UNFINISHED_BONUS  # never owed: after every required question still to do
    return _RANK.get(status, len(_RANK))


def ordered(exercises: Iterable[ExerciseResult]) -> tuple[ExerciseResult, ...]:
    """The questions to fix first, then the others; the book's order within each kind."""
    return tuple(sorted(exercises, key=rank))


def first_to_fix(exercise: ExerciseResult) -> CheckResult | None:
    """The first check with the question's own status (its summary), a required check before a
    bonus one; None when the question passed."""
    status = exercise.status
    if status not in NOT_PASSING:
        return None
    candidates = [c for c in exercise.checks if c.status in NOT_PASSING]
    required = [c for c in candidates if not c.bonus]
    if required:  # the required checks decide the question: what is owed comes first
        status = ExerciseResult(exercise.id, exercise.title, tuple(required)).status
        candidates = required
    return next(c for c in candidates if c.status == status)


def failure_groups(result: SubmissionResult) -> list[list[CheckResult]]:
    """The checks that did not pass, gathered per question and reason, in the order questions are
    shown (``ordered``) and, within one, the first thing to fix first, then by status."""
    if result.error is not None:
        return []
    by_reason = result.feedback != "verdicts"
    groups: list[list[CheckResult]] = []
    for exercise in ordered(result.exercises):
        first = first_to_fix(exercise)
        if first is None:
            continue
        failing = [c for c in exercise.checks if c.status in NOT_PASSING]
        failing.sort(key=lambda c: (c.bonus != first.bonus, c.status != first.status,
                                    _RANK.get(c.status, len(_RANK))))
        groups.extend(group(failing, by_reason=by_reason))
    return groups


def _owes_nothing(exercise: ExerciseResult) -> bool:
    """Every required check of the question passed or was skipped: only a bonus is left."""
    return not any(c.status in NOT_PASSING for c in exercise.checks if not c.bonus)


def group(checks: Sequence[CheckResult], *, by_reason: bool = True) -> list[list[CheckResult]]:
    """``checks`` (of one question) gathered by reason, each group in the order its first check came.

    Without ``by_reason`` (verdicts-only feedback, where every check of a status says the same
    stock words and carries no values) each check is its own group: alike there proves nothing."""
    if not by_reason:
        return [[check] for check in checks]
    groups: list[list[CheckResult]] = []
    # Bucketed by what a group says once, so that a check is compared only with groups that could
    # take it: comparing each with every group was quadratic in megabyte-long student strings (a
    # hostile result's 300 failures took 130 ms); a str caches its hash, so each is hashed once.
    candidates: dict[tuple[Any, ...], list[list[CheckResult]]] = {}
    for check in checks:
        bucket = candidates.setdefault(_fields(check), [])
        home = next((g for g in bucket if _same_reason(g[0], check)), None)
        if home is None:
            home = [check]
            bucket.append(home)
            groups.append(home)
        else:
            home.append(check)
    return groups


def _same_reason(first: CheckResult, other: CheckResult) -> bool:
    if _fields(first) != _fields(other) or not (first.message == other.message or first.hint):
        return False
    # Compared as objects, not as text: a result's payloads can be megabytes, and equal ones are
    # mostly the same object (``==`` looks at identity first).
    return _payloads(first) == _payloads(other)


def _fields(check: CheckResult) -> tuple[Any, ...]:
    """What a group says once, besides the values, so must be the same in every check of it."""
    return (check.exercise, check.status, check.bonus, check.hint, check.solution, check.internal,
            check.location, check.cell, check.line, check.traceback, check.expected_is_answer)


def _payloads(check: CheckResult) -> tuple[Any, ...]:
    """The values a group draws once."""
    return (check.input, check.expected, check.actual, check.mismatch, check.answer, check.details)
