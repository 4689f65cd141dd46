"""Reading the class back from the gradebook: one ``ClassEntry`` per student.

Which submission counts: the one of the file the student handed in last (the latest batch's
``handed_in`` row). When that file has no submission row yet, because the batch stopped before
grading it, the student is "ungraded", never "missing" and never shown with the grade of a file
they replaced. A gradebook written before files were recorded (schema 1), or records made
without a batch, fall back to the latest submission that counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from grader.gradebook import messages
from grader.gradebook.schema import GradebookError
from grader.results.cohort import ClassEntry, EntryStatus, Student
from grader.results.model import SubmissionResult


@dataclass(frozen=True)
class _Graded:
    id: int
    path: str
    sha256: str
    late: bool
    status: EntryStatus
    duration: float
    reason: str
    counts: bool


@dataclass(frozen=True)
class _HandedIn:
    path: str
    sha256: str
    late: bool
    counts: bool


def class_entries(connection: sqlite3.Connection, where: str) -> list[ClassEntry]:
    """Every student, by id, read inside the caller's (read) transaction."""
    students = [Student(*row) for row in connection.execute(
        "SELECT id, name, email, section, sis_id, login_id FROM students ORDER BY id")]
    graded: dict[str, list[_Graded]] = {}
    for row in connection.execute(
        "SELECT student_id, id, path, sha256, late, status, duration, reason, counts FROM submissions"
        " ORDER BY id"
    ):
        graded.setdefault(row[0], []).append(_Graded(row[1], row[2], row[3], bool(row[4]), row[5],
                                                     row[6], row[7], bool(row[8])))
    handed: dict[str, list[_HandedIn]] = {}
    for row in connection.execute(
        "SELECT student_id, path, sha256, late, counts FROM handed_in ORDER BY batch_id, counts"
    ):
        handed.setdefault(row[0], []).append(_HandedIn(row[1], row[2], bool(row[3]), bool(row[4])))
    return [_entry(connection, where, s, graded.get(s.id, []), handed.get(s.id, [])) for s in students]


def _entry(connection: sqlite3.Connection, where: str, student: Student, graded: Sequence[_Graded],
           handed: Sequence[_HandedIn]) -> ClassEntry:
    latest = next((h for h in reversed(handed) if h.counts), None)
    counting = [g for g in graded if g.counts and (latest is None or g.sha256 == latest.sha256)]
    chosen = counting[-1] if counting else None
    shown = chosen.path if chosen is not None else latest.path if latest is not None else None
    earlier = tuple(dict.fromkeys(p for p in (*(g.path for g in graded), *(h.path for h in handed))
                                  if p != shown))
    if chosen is not None:
        return ClassEntry(student, chosen.status, result=_result(connection, where, chosen.id),
                          path=chosen.path, sha256=chosen.sha256, late=chosen.late, earlier=earlier,
                          duration=chosen.duration, reason=chosen.reason)
    if latest is not None:
        return ClassEntry(student, "ungraded", path=latest.path, sha256=latest.sha256, late=latest.late,
                          earlier=earlier)
    return ClassEntry(student, "missing", earlier=earlier)


def _result(connection: sqlite3.Connection, where: str, submission: int) -> SubmissionResult | None:
    (text,) = connection.execute("SELECT result_json FROM submissions WHERE id = ?", (submission,)).fetchone()
    if text is None:
        return None
    try:
        return SubmissionResult.from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise GradebookError(messages.RESULT_UNREADABLE.format(
            path=where, submission=submission, reason=exc)) from None
