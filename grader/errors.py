"""One exception tree that tells the student's fault from a bad exercise and from our own bug.

    GraderError
    ├── SubmissionError          the submission cannot be graded at all (unreadable, wrong format)
    ├── StudentCodeError         one call into the student's code went wrong
    │   ├── NotImplementedYet    the slot still raises NotImplementedError
    │   ├── StudentRaised        their function raised something else
    │   ├── MissingName          the function or class is not defined (or not callable)
    │   ├── WrongReturn          it returned the wrong kind of value (list, ndarray, subclass, ...)
    │   ├── ResultTooLarge       the result exceeds the transport cap
    │   ├── CallTimedOut         it ran past the per-call timeout and was stopped
    │   └── KernelDied           the kernel process died during the call
    ├── CheckFailed              the answer ran but is wrong (raised by checks, carries details)
    ├── ExerciseDefinitionError  a pack or check is malformed (the course author's fault)
    ├── UsageError               the grader was asked for something impossible (--device cuda, no CUDA)
    └── InternalError            a bug in the grader itself

Each class has a ``status`` (the CheckResult status it maps to) so grading needs no type switch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class GraderError(Exception):
    """Base of every error the grader raises on purpose."""

    status = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class SubmissionError(GraderError):
    """The submission file cannot be loaded, validated or executed at all."""


class StudentCodeError(GraderError):
    """A call into the student's code did not produce a usable value."""

    status = "failed"

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        traceback: str | None = None,
        cell: int | None = None,
        line: int | None = None,
        function: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.traceback = traceback
        self.cell = cell
        self.line = line
        #: The function the line is in, when it is one of the student's (a helper, not the slot).
        self.function = function


class NotImplementedYet(StudentCodeError):
    """The slot still raises ``NotImplementedError``: not answered yet, neither wrong nor an error."""

    status = "unanswered"


class StudentRaised(StudentCodeError):
    """The student's function raised an exception other than ``NotImplementedError``."""


class MissingName(StudentCodeError):
    """The name the check needs is not defined in the student's namespace: their omission, so not
    answered, never an error (which would read as the grader's)."""

    status = "unanswered"


class WrongReturn(StudentCodeError):
    """The function returned a value of the wrong kind."""


class ResultTooLarge(StudentCodeError):
    """The result is larger than the transport allows."""


class CallTimedOut(StudentCodeError):
    """The call ran past its timeout and was interrupted or killed."""

    status = "timeout"


class KernelDied(StudentCodeError):
    """The kernel died while running the student's code (``os._exit``, a crash, out of memory)."""

    status = "error"


class CheckFailed(GraderError):
    """The student's answer ran but is wrong; carries what a report needs to show why.

    ``message`` and ``hint`` never state the answer: a course may show them to students who must
    find it themselves. What does (the right choice, the minimum size, and why) goes in
    ``solution``, and ``expected_is_answer`` marks an ``expected`` that is the answer itself
    rather than what a correct function returns on the failing input.
    """

    status = "failed"

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        input: Mapping[str, Any] | None = None,
        expected: Any = None,
        actual: Any = None,
        mismatch: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
        solution: str | None = None,
        expected_is_answer: bool = False,
    ) -> None:
        super().__init__(message, hint=hint)
        self.solution = solution
        self.expected_is_answer = expected_is_answer
        self.details = dict(details) if details else None
        self.input = dict(input) if input else None
        self.expected = expected
        self.actual = actual
        self.mismatch = dict(mismatch) if mismatch else None


class ExerciseDefinitionError(GraderError):
    """A pack or check is malformed: the course author's fault, not the student's."""


class UsageError(GraderError):
    """The request itself cannot be honoured (an unknown pack, CUDA asked for but absent)."""


class InternalError(GraderError):
    """A bug in the grader: reported as such, never blamed on the student."""
