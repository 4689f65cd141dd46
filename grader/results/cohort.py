"""A class's results: who each student is, and what became of their submission.

The batch writes these into the gradebook; the exports and the class dashboard read them back.
They live beside the result model, in the data layer, so that the dashboard (a report) and the
exports render a class without importing the batch or the gradebook that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from grader.results.model import SubmissionResult

#: What became of a student's submission: graded (whatever its score), missing (on the roster, no
#: submission found), unusable (could not be graded at all: unreadable, not a notebook), timed
#: out (past its wall-clock limit), or ungraded (handed in, but the batch stopped before grading it).
EntryStatus = Literal["graded", "missing", "unusable", "timeout", "ungraded"]
ENTRY_STATUSES: tuple[EntryStatus, ...] = get_args(EntryStatus)


@dataclass(frozen=True)
class Student:
    """One student as the course knows them: ``id`` is the LMS's (Canvas user id, Moodle
    participant id, a GitHub login, a folder name), the rest comes from the roster when there is
    one."""

    id: str
    name: str = ""
    email: str = ""
    section: str = ""
    #: The student information system's id, which Canvas's gradebook import matches on.
    sis_id: str = ""
    #: The login (Canvas's SIS Login ID, a GitHub username), Canvas's third way to match a row.
    login_id: str = ""


@dataclass(frozen=True)
class ClassEntry:
    """A student's row in the class: the submission that counts (the latest), and its result.

    ``result`` is None for a missing student; for an unusable or timed-out submission it is the
    result grading wrote (its ``error`` says why). ``earlier`` are the student's other submissions,
    recorded but not counted. ``late`` is the LMS's own late marker, kept as a flag.
    """

    student: Student
    status: EntryStatus
    result: SubmissionResult | None = None
    path: str = ""
    sha256: str = ""
    late: bool = False
    earlier: tuple[str, ...] = ()
    #: Seconds grading this submission took, wall clock.
    duration: float = 0.0
    #: Why the submission could not be graded (unusable, timed out), in one line.
    reason: str = ""
