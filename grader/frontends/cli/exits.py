"""What the ``grader`` command's exit codes mean, and the code a grading result earns."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.results.model import SubmissionResult

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def exit_code(result: SubmissionResult) -> int:
    """0 when every required check that ran passed, 1 when the student has something to fix, 2 if
    unusable, 3 when a check broke on the grader's side (that is our bug, not the student's).

    A bonus never decides it: a student with every required point and no bonus gets 0 (a green CI
    build), and so does one whose bonus attempt is wrong; the report shows the bonus either way."""
    if result.error is not None:
        return EXIT_USAGE
    if any(check.internal for check in result.checks):
        return EXIT_INTERNAL
    if not result.all_required_passed:
        return EXIT_FAILED
    return EXIT_OK
