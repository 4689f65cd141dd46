"""The class's gradebook: one SQLite file that a batch writes one submission at a time.

Why SQLite, in WAL mode: each submission is committed the moment it is graded, in one transaction
(``synchronous = FULL``), so a crash, Ctrl-C or SIGKILL loses only the submissions in flight; the
exports and the dashboard read it while a batch writes (a reader sees every committed row and is
never blocked by the writer); and a second writer waits for the lock (``timeout``) instead of
corrupting the file. Two batches writing one gradebook therefore interleave whole submissions; if
both grade the same file it is recorded twice and the later row counts. A writer that waits past
``timeout`` gets a ``GradebookError`` saying so, and its submission is not recorded.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import TracebackType
from typing import Literal, NamedTuple

from grader.gradebook import messages
from grader.gradebook.reading import ClassRead, read_class
from grader.gradebook.schema import GradebookError, migrate
from grader.results.cohort import ClassEntry, Student
from grader.results.model import SubmissionResult

#: What a recorded submission became; a ``missing`` student has no submission to record.
RecordStatus = Literal["graded", "unusable", "timeout"]

#: Seconds a writer waits for another's lock before giving up with ``messages.BUSY``.
DEFAULT_TIMEOUT = 30.0


class ResumeKey(NamedTuple):
    """What makes a grading repeatable: the same file, pack, seed and grader give the same result."""

    sha256: str
    pack_version: str
    seed: int
    grader_version: str


def installed_grader_version() -> str:
    """The grader's version as results record it, for a submission that has no result."""
    try:
        return version("conv-grader")
    except PackageNotFoundError:
        return "unknown"


def resume_key(sha256: str, *, pack_version: str, seed: int) -> ResumeKey:
    """The key ``done_keys`` holds for a file this grader would grade now."""
    return ResumeKey(sha256, pack_version, seed, installed_grader_version())


@dataclass(frozen=True)
class HandIn:
    """A file a batch found for a student: the one that counts (their latest), or one it replaced."""

    student: Student
    path: str
    sha256: str
    late: bool = False
    counts: bool = True


class Gradebook:
    """An open gradebook; ``Gradebook.open`` creates or migrates it, ``close`` (or ``with``) ends it."""

    def __init__(self, connection: sqlite3.Connection, path: str, timeout: float) -> None:
        self._connection = connection
        self._path = path
        self._timeout = timeout
        self._batch: int | None = None
        self._torch_version = ""

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> Gradebook:
        """Open the gradebook at ``path``, creating it or migrating it to this grader's schema.

        Refused with a one-line ``GradebookError``: a file that is no SQLite database, another
        program's database, a gradebook written by a newer grader, one locked past ``timeout``.
        """
        where = str(path)
        try:
            # Autocommit: every transaction is an explicit BEGIN IMMEDIATE ... COMMIT of ours.
            connection = sqlite3.connect(where, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise GradebookError(messages.NOT_A_GRADEBOOK.format(path=where, reason=exc)) from None
        book = cls(connection, where, timeout)
        try:
            with book._errors():
                _enable_wal(connection, timeout)
                connection.execute("PRAGMA synchronous = FULL")
                connection.execute("PRAGMA foreign_keys = ON")
                migrate(connection, where)
        except BaseException:
            connection.close()
            raise
        return book

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def begin_batch(self, command: str, *, seed: int, pack_version: str, torch_version: str) -> int:
        """Record a batch run (the command that resumes it, its versions); later records belong to it."""
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO batches (started, command, grader_version, torch_version, pack_version, seed)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), command, installed_grader_version(), torch_version, pack_version, seed),
            )
        self._batch = cursor.lastrowid
        self._torch_version = torch_version
        assert self._batch is not None
        return self._batch

    def add_students(self, students: Iterable[Student]) -> None:
        """Record the roster: its non-empty fields replace what a file name said about a student."""
        with self._transaction() as connection:
            connection.executemany(
                "INSERT INTO students (id, name, email, section, sis_id, login_id) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET"
                " name = coalesce(nullif(excluded.name, ''), name),"
                " email = coalesce(nullif(excluded.email, ''), email),"
                " section = coalesce(nullif(excluded.section, ''), section),"
                " sis_id = coalesce(nullif(excluded.sis_id, ''), sis_id),"
                " login_id = coalesce(nullif(excluded.login_id, ''), login_id)",
                [_student_row(s) for s in students],
            )

    def record(self, student: Student, path: str, sha256: str, result: SubmissionResult | None, *,
               status: RecordStatus, late: bool = False, earlier: bool = False, duration: float = 0.0,
               reason: str = "", seed: int, pack_version: str,
               hint_id: Callable[[str], str | None] | None = None) -> None:
        """Commit one submission, its checks and its full result in one transaction, at once.

        ``hint_id`` names the template each check's hint was filled from (``HintCatalog.id_of``).

        ``earlier`` marks a submission the student replaced: recorded, never counted. The student's
        fields fill only blanks, so a roster's name outlives the one an LMS put in a file name.
        """
        grader_version = result.grader_version if result else installed_grader_version()
        torch_version = result.torch_version if result else self._torch_version
        checks = result.checks if result is not None else ()
        # Named before the write lock is taken: nothing slow happens while other writers wait.
        hint_ids = [hint_id(c.hint) if hint_id and c.hint else None for c in checks]
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO students (id, name, email, section, sis_id, login_id) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET"
                " name = coalesce(nullif(name, ''), excluded.name),"
                " email = coalesce(nullif(email, ''), excluded.email),"
                " section = coalesce(nullif(section, ''), excluded.section),"
                " sis_id = coalesce(nullif(sis_id, ''), excluded.sis_id),"
                " login_id = coalesce(nullif(login_id, ''), excluded.login_id)",
                _student_row(student),
            )
            cursor = connection.execute(
                "INSERT INTO submissions (batch_id, student_id, path, sha256, late, graded_at,"
                " grader_version, torch_version, pack_version, seed, status, duration, reason, counts,"
                " result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._batch, student.id, path, sha256, int(late), _now(), grader_version, torch_version,
                 pack_version, seed, status, duration, reason, int(not earlier),
                 result.to_json(indent=None) if result else None),
            )
            if result is not None:
                # A result never repeats a check on one device; were one to, the last row stands
                # rather than the whole submission being lost.
                connection.executemany(
                    "INSERT OR REPLACE INTO check_results (submission_id, exercise, check_id, device,"
                    " status, points, max_points, bonus, hint, message, hint_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(cursor.lastrowid, c.exercise, c.id, c.device, c.status, c.points, c.max_points,
                      int(c.bonus), c.hint, c.message, named)
                     for c, named in zip(checks, hint_ids, strict=True)],
                )

    def hand_in(self, files: Iterable[HandIn]) -> None:
        """Record the files this batch found, before grading any: the latest of each student's
        counts, the ones it replaced are kept on record without being graded."""
        assert self._batch is not None, "begin_batch() first"
        files = list(files)
        self.add_students(f.student for f in files)
        with self._transaction() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO handed_in (batch_id, student_id, path, sha256, late, counts)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(self._batch, f.student.id, f.path, f.sha256, int(f.late), int(f.counts)) for f in files],
            )

    def resume_commands(self, read: ClassRead | None = None) -> list[str]:
        """The commands of the batches whose stop left students not graded yet, oldest first, as
        they resume: without ``--regrade``, which would grade everyone again. ``read`` is the class
        as the caller has read it already (``read``), so it is not read twice."""
        import shlex

        stopped = (read or self.read()).stopped_batches
        with self._errors():
            commands = [self._connection.execute("SELECT command FROM batches WHERE id = ?",
                                                 (batch,)).fetchone()[0] for batch in stopped]
        resumed = (shlex.join(word for word in shlex.split(c) if word != "--regrade") for c in commands)
        return list(dict.fromkeys(resumed))

    def done_keys(self) -> set[ResumeKey]:
        """Every (sha256, pack version, seed, grader version) recorded, whatever became of it."""
        return {key for _, key in self.done_by_student()}

    def done_by_student(self) -> set[tuple[str, ResumeKey]]:
        """Every (student, key) recorded, whatever became of it: a resumed batch skips a student's
        file with such a key, since grading it again would give the same result. Keyed by student
        too, so two students who hand in the same file (the untouched stub) are each graded."""
        with self._errors():
            rows = self._connection.execute(
                "SELECT DISTINCT student_id, sha256, pack_version, seed, grader_version FROM submissions"
            ).fetchall()
        return {(row[0], ResumeKey(*row[1:])) for row in rows}

    def missing(self, students: Iterable[Student]) -> list[Student]:
        """Those of ``students`` with no submission that counts, in the order given."""
        with self._errors():
            counted = {row[0] for row in self._connection.execute(
                "SELECT DISTINCT student_id FROM submissions WHERE counts = 1")}
        return [s for s in students if s.id not in counted]

    def entries(self) -> list[ClassEntry]:
        """The class, by student id (``reading``): each student's submission that counts with its
        result rebuilt from JSON, "ungraded" when their latest file is not graded yet, "missing"
        when they handed in nothing; their other files as ``earlier``."""
        return self.read().entries

    def read(self) -> ClassRead:
        """The class's entries and the batches to resume, in one snapshot."""
        with self._errors():
            # One read transaction: a snapshot, even while a batch commits beside it.
            self._connection.execute("BEGIN")
            try:
                return read_class(self._connection, self._path)
            finally:
                self._connection.execute("COMMIT")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, the lock taken up front so it never fails halfway for a lock."""
        with self._errors():
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's errors as one line each: a lock held too long, or a file that is no gradebook."""
        try:
            yield
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise GradebookError(messages.BUSY.format(path=self._path, seconds=self._timeout)) from None
            raise GradebookError(messages.NOT_A_GRADEBOOK.format(path=self._path, reason=exc)) from None


def _enable_wal(connection: sqlite3.Connection, timeout: float) -> None:
    """WAL mode, waiting for it as for any lock. Switching a new file's journal mode takes an
    exclusive lock and SQLite answers BUSY at once, without its busy handler, when another grader
    opens the same new gradebook at that moment (two batches started together)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY")
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _student_row(student: Student) -> tuple[str, str, str, str, str, str]:
    return (student.id, student.name, student.email, student.section, student.sis_id, student.login_id)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
