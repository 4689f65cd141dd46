"""The class roster (``--roster FILE.csv``): who is in the class, so that who did not submit shows.

Rosters come from every LMS with its own headers (Canvas: ``Student, ID, SIS User ID, SIS Login
ID, Section``; Moodle: ``First name, Last name, ID number, Email address``; Gradescope: ``Full
Name, Email, SID``; GitHub Classroom: ``identifier, github_username, name``), so columns are
matched case-insensitively against the common names of each field. A submission is matched to a
roster row by any of the ids the row carries (the LMS id, SIS id, login, email), so a Canvas user
id, a Gradescope SID and a GitHub login all find their student.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.batch import messages
from grader.errors import UsageError
from grader.results.cohort import Student

__all__ = ["MAX_ROSTER_BYTES", "Roster", "read_roster"]

#: A roster larger than this is not a class list: refused rather than read into memory.
MAX_ROSTER_BYTES = 20 * 1024 * 1024

# Header names per field, compared after lower-casing and squeezing spaces, '_' and '-'.
_ID = ("id", "user id", "userid", "student id", "studentid", "participant id", "identifier")
_SIS = ("sis id", "sis user id", "sid", "student number", "id number", "matriculation number")
_LOGIN = ("login", "login id", "sis login id", "username", "user name", "github username", "github")
_NAME = ("name", "student", "full name", "student name", "sortable name")
_FIRST = ("first name", "given name")
_LAST = ("last name", "surname", "family name")
_EMAIL = ("email", "email address", "e mail", "mail")
_SECTION = ("section", "sections", "group", "groups", "class")
_ID_FIELDS = (_ID, _SIS, _LOGIN, _EMAIL)
# Canvas's gradebook export has a second row of points, not a student.
_NOT_STUDENTS = {"points possible"}
_PARTICIPANT = re.compile(r"^participant\s+(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Roster:
    """The students of a class in roster order, and every id each is known by (lower-cased)."""

    students: tuple[Student, ...]
    by_key: dict[str, Student]

    def match(self, keys: Iterable[str]) -> Student | None:
        """The roster's student known by any of ``keys`` (ids, logins, emails), or None."""
        for key in keys:
            found = self.by_key.get(_key(key))
            if found is not None:
                return found
        return None


def read_roster(path: Path) -> Roster:
    """Read a roster CSV; raises :class:`UsageError` with a one-line reason when it cannot."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise _refused(path, messages.ROSTER_TOO_LARGE.format(limit=MAX_ROSTER_BYTES))
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(path, messages.ROSTER_NOT_UTF8) from None
    except OSError as error:
        raise _refused(path, error.strerror or type(error).__name__) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise _refused(path, str(error)) from None
    if not rows:
        raise _refused(path, messages.ROSTER_EMPTY)
    return _build(path, rows[0], rows[1:])


def _build(path: Path, header: list[str], rows: list[list[str]]) -> Roster:
    columns = {_header(name): index for index, name in reversed(list(enumerate(header)))}
    id_columns = [_find(columns, names) for names in _ID_FIELDS]
    if all(column is None for column in id_columns):
        expected = ", ".join(names[0] for names in _ID_FIELDS)
        found = ", ".join(repr(name) for name in header) or "nothing"
        raise _refused(path, messages.ROSTER_NO_ID.format(expected=expected, found=found))
    students: list[Student] = []
    by_key: dict[str, Student] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        student = _student(row, columns, id_columns)
        if student is None:
            continue
        if student.id in first_row:
            raise _refused(path, messages.ROSTER_DUPLICATE.format(
                id=student.id, first=first_row[student.id], second=number))
        first_row[student.id] = number
        students.append(student)
        for index in id_columns:
            key = _cell(row, index)
            if key:
                by_key.setdefault(_key(_participant(key)), student)
    return Roster(tuple(students), by_key)


def _student(row: list[str], columns: dict[str, int], id_columns: list[int | None]) -> Student | None:
    ids = [_participant(_cell(row, index)) for index in id_columns]
    name = _cell(row, _find(columns, _NAME))
    if not name:
        name = " ".join(part for part in (_cell(row, _find(columns, _FIRST)),
                                          _cell(row, _find(columns, _LAST))) if part)
    primary = next((value for value in ids if value), "")
    if not primary or name.casefold() in _NOT_STUDENTS or primary.casefold() in _NOT_STUDENTS:
        return None
    return Student(id=primary, name=name, email=ids[3], section=_cell(row, _find(columns, _SECTION)),
                   sis_id=ids[1], login_id=ids[2])


def _header(name: str) -> str:
    return " ".join(re.sub(r"[_\-.]", " ", name).casefold().split())


def _find(columns: dict[str, int], names: tuple[str, ...]) -> int | None:
    return next((columns[name] for name in names if name in columns), None)


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _participant(value: str) -> str:
    """Moodle's grading worksheet says ``Participant 12345`` where its download names say 12345."""
    found = _PARTICIPANT.match(value)
    return found.group(1) if found else value


def _key(value: str) -> str:
    return value.strip().casefold()


def _refused(path: Path, reason: str) -> UsageError:
    return UsageError(messages.ROSTER_UNREADABLE.format(path=path, reason=reason))
