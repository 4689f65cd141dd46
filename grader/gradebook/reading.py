"""Reading the class back from the gradebook: one ``ClassEntry`` per student.

Which file counts: the one the student handed in last, that is the file first seen by the latest
batch (``handed_in``), so that running an older batch's command again (the resume command of a
class download) does not bring back a file a later batch replaced. Which result counts: that
file's, graded under the key of the latest batch that handed it in (seed, pack, grader): a batch
stopped before reaching a student leaves them "ungraded", never "missing", and never shown with
the grade of a file they replaced or a result of another seed. A gradebook written before files
were recorded (schema 1), or records made without a batch, fall back to the latest submission
that counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from grader.gradebook import messages
from grader.gradebook.schema import GradebookError
from grader.results.cohort import ClassEntry, EntryStatus, Student
from grader.results.model import SubmissionResult

#: What makes a grading repeatable, as a batch and a submission row record it.
Key = tuple[int, str, str]  # seed, pack version, grader version


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
    key: Key


@dataclass(frozen=True)
class _HandedIn:
    batch: int
    path: str
    sha256: str
    late: bool
    counts: bool
    key: Key


@dataclass(frozen=True)
class ClassRead:
    """The class, and the batches whose stop left students ungraded (the ones to resume)."""

    entries: list[ClassEntry]
    stopped_batches: tuple[int, ...]


def read_class(connection: sqlite3.Connection, where: str) -> ClassRead:
    """Every student, by id, read inside the caller's (read) transaction."""
    students = [Student(*row) for row in connection.execute(
        "SELECT id, name, email, section, sis_id, login_id FROM students ORDER BY id")]
    graded: dict[str, list[_Graded]] = {}
    for row in connection.execute(
        "SELECT student_id, id, path, sha256, late, status, duration, reason, counts, seed, pack_version,"
        " grader_version FROM submissions ORDER BY id"
    ):
        graded.setdefault(row[0], []).append(_Graded(
            id=row[1], path=row[2], sha256=row[3], late=bool(row[4]), status=row[5], duration=row[6],
            reason=row[7], counts=bool(row[8]), key=(row[9], row[10], row[11])))
    handed: dict[str, list[_HandedIn]] = {}
    for row in connection.execute(
        "SELECT h.student_id, h.batch_id, h.path, h.sha256, h.late, h.counts, b.seed, b.pack_version,"
        " b.grader_version FROM handed_in h JOIN batches b ON b.id = h.batch_id ORDER BY h.batch_id"
    ):
        handed.setdefault(row[0], []).append(_HandedIn(row[1], row[2], row[3], bool(row[4]), bool(row[5]),
                                                       (row[6], row[7], row[8])))
    entries: list[ClassEntry] = []
    stopped: set[int] = set()
    for student in students:
        entry, batch = _entry(connection, where, student, graded.get(student.id, []),
                              handed.get(student.id, []))
        entries.append(entry)
        if batch is not None:
            stopped.add(batch)
    return ClassRead(entries, tuple(sorted(stopped)))


def _entry(connection: sqlite3.Connection, where: str, student: Student, graded: Sequence[_Graded],
           handed: Sequence[_HandedIn]) -> tuple[ClassEntry, int | None]:
    """The student's entry, and the batch to resume when their latest file is not graded yet."""
    latest = _latest_hand_in(handed)
    if latest is None:
        counting = [g for g in graded if g.counts]
    else:
        counting = [g for g in graded if g.counts and g.sha256 == latest.sha256 and g.key == latest.key]
    chosen = counting[-1] if counting else None
    shown = chosen.path if chosen is not None else latest.path if latest is not None else None
    earlier = tuple(dict.fromkeys(p for p in (*(g.path for g in graded), *(h.path for h in handed))
                                  if p != shown))
    if chosen is not None:
        return ClassEntry(student, chosen.status, result=_result(connection, where, chosen.id),
                          path=chosen.path, sha256=chosen.sha256, late=chosen.late, earlier=earlier,
                          duration=chosen.duration, reason=chosen.reason), None
    if latest is not None:
        return ClassEntry(student, "ungraded", path=latest.path, sha256=latest.sha256, late=latest.late,
                          earlier=earlier), latest.batch
    return ClassEntry(student, "missing", earlier=earlier), None


def _latest_hand_in(handed: Sequence[_HandedIn]) -> _HandedIn | None:
    """The latest batch's row of the file the student handed in last: of the files that counted
    in some batch, the one first seen latest (``handed`` is in batch order)."""
    first_seen: dict[str, int] = {}
    last_row: dict[str, _HandedIn] = {}
    for row in handed:
        if row.counts:
            first_seen.setdefault(row.sha256, row.batch)
            last_row[row.sha256] = row
    if not last_row:
        return None
    newest = max(last_row, key=lambda sha: (first_seen[sha], last_row[sha].batch))
    return last_row[newest]


def _result(connection: sqlite3.Connection, where: str, submission: int) -> SubmissionResult | None:
    (text,) = connection.execute("SELECT result_json FROM submissions WHERE id = ?", (submission,)).fetchone()
    if text is None:
        return None
    try:
        return SubmissionResult.from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise GradebookError(messages.RESULT_UNREADABLE.format(
            path=where, submission=submission, reason=exc)) from None
