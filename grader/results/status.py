"""What a check's verdict can be, the words reports show for it, and how a question's is summed up.

A Literal rather than an enum: a status is the same string in Python, in the JSON and in the
templates, and code that names one ("error") is still checked by mypy. ``as_status`` reads one.
"""

from __future__ import annotations

from typing import Literal, get_args

#: ``unanswered``: the student has not answered yet (the name is not defined, or the stub still raises
#: NotImplementedError): their omission, neither a wrong answer nor an error of the grader's.
Status = Literal["passed", "failed", "error", "timeout", "skipped", "unanswered"]
STATUSES: tuple[Status, ...] = get_args(Status)
#: The words every report shows for a status.
STATUS_LABELS: dict[Status, str] = {
    "passed": "passed", "failed": "failed", "error": "error", "timeout": "timed out",
    "skipped": "skipped", "unanswered": "not answered",
}
#: The statuses that leave the student something to do.
NOT_PASSING: frozenset[Status] = frozenset({"failed", "error", "timeout", "unanswered"})
#: Which status sums up a question, most telling first: a wrong answer is what to fix, whatever else
#: went on beside it; a question merely not answered yet says so only when nothing went wrong.
SUMMARY_ORDER: tuple[Status, ...] = ("failed", "timeout", "error", "unanswered")


def as_status(value: object) -> Status:
    """``value`` as a status; ValueError if it is none (a result from elsewhere, a new error class)."""
    for status in STATUSES:
        if value == status:
            return status
    raise ValueError(f"unknown check status {value!r}; a status is one of {', '.join(STATUSES)}")
