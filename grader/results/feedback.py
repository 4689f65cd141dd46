"""What feedback shows, as the course chooses: everything, hints without answers, or verdicts only.

Grading always computes the full result (an instructor's copy, a gradebook's record); what a
student sees is that result passed through ``redact`` at the front end, just before it is printed,
written or drawn. Redaction only removes, so redacting twice, or re-rendering a redacted result at
a more generous level, never brings anything back.

- ``full``: everything, the right answers and why included.
- ``hints`` (the default for students): the verdicts, the failing input, what the student's code did
  and why it is wrong, and the hint; never the answer itself: no ``solution``, no ``expected``
  that is the answer (``CheckResult.expected_is_answer``), no truth of a structured answer, no
  exhibit that shows what the question asks the student to find out.
- ``verdicts``: each check's status and points, with a message that says no more than the status,
  and where in the student's file it failed (a place reveals no answer; ``location``, as grading
  wrote it, is the one wording of it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, get_args

from grader.results.model import CheckResult, ExerciseResult, Status, SubmissionResult
from grader.results.payloads import Answer

Feedback = Literal["full", "hints", "verdicts"]
FEEDBACK: tuple[Feedback, ...] = get_args(Feedback)

#: What a check says under ``verdicts``: its status, and nothing of why.
VERDICT_MESSAGES: dict[Status, str] = {
    "passed": "",
    "failed": "does not give the right result",
    "error": "raised an error or could not run",
    "timeout": "did not finish in time",
    "skipped": "not run",
    "unanswered": "not answered yet",
}


def as_feedback(value: object) -> Feedback:
    """``value`` as a feedback level; ValueError naming the levels otherwise."""
    for level in FEEDBACK:
        if value == level:
            return level
    raise ValueError(f"unknown feedback {value!r}; feedback is one of {', '.join(FEEDBACK)}")


def redact(result: SubmissionResult, feedback: str) -> SubmissionResult:
    """``result`` as a student may see it at this level of feedback."""
    level = as_feedback(feedback)
    if level == "full" or result.feedback == "verdicts":
        return result
    if result.feedback == "hints" and level == "hints":
        return result
    exercises = tuple(
        ExerciseResult(id=e.id, title=e.title, checks=tuple(redact_check(c, level) for c in e.checks))
        for e in result.exercises
    )
    return replace(result, exercises=exercises, feedback=level)


def redact_check(check: CheckResult, feedback: Feedback) -> CheckResult:
    """One check as a student may see it at this level of feedback."""
    if feedback == "full":
        return check
    if feedback == "verdicts":
        return replace(
            check, message=VERDICT_MESSAGES[check.status], hint=None, input=None, expected=None,
            actual=None, mismatch=None, traceback=None, exhibits=(), answer=None,
            details=None, solution=None, expected_is_answer=False,
        )
    answer_given = check.expected_is_answer
    return replace(
        check,
        solution=None,
        expected=None if answer_given else check.expected,
        mismatch=None if answer_given else check.mismatch,
        exhibits=tuple(e for e in check.exhibits if not e.get("reveals")),
        answer=_without_truth(check.answer),
        expected_is_answer=False,
    )


def _without_truth(answer: Answer | None) -> Answer | None:
    """The answer without its truth; a right answer without the student's own value either, since
    it is the truth."""
    if answer is None:
        return None
    given = None if answer["correct"] else answer["given"]
    return {**answer, "given": given, "truth": None}
