"""The gradebook's tables, versioned with ``PRAGMA user_version`` and migrated in order.

A migration is a tuple of SQL statements; ``MIGRATIONS[n]`` takes a gradebook from version ``n`` to
``n + 1``. A migration runs in one transaction together with the version bump, so a crash halfway
leaves the older version intact and the next open applies it again. Existing migrations are never
edited once released: a change is one more migration appended at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from grader.errors import UsageError
from grader.gradebook import messages

Migration = tuple[str, ...]

_TABLES: Migration = (
    """CREATE TABLE students (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        section TEXT NOT NULL DEFAULT '',
        sis_id TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        command TEXT NOT NULL,
        grader_version TEXT NOT NULL,
        torch_version TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        seed INTEGER NOT NULL
    )""",
    """CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER REFERENCES batches(id),
        student_id TEXT NOT NULL REFERENCES students(id),
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        late INTEGER NOT NULL CHECK (late IN (0, 1)),
        graded_at TEXT NOT NULL,
        grader_version TEXT NOT NULL,
        torch_version TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('graded', 'unusable', 'timeout')),
        duration REAL NOT NULL,
        reason TEXT NOT NULL,
        counts INTEGER NOT NULL CHECK (counts IN (0, 1)),
        result_json TEXT
    )""",
    "CREATE INDEX submissions_by_student ON submissions(student_id, counts, id)",
    "CREATE INDEX submissions_by_key ON submissions(sha256, pack_version, seed, grader_version)",
    """CREATE TABLE check_results (
        submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
        exercise TEXT NOT NULL,
        check_id TEXT NOT NULL,
        device TEXT NOT NULL,
        status TEXT NOT NULL,
        points REAL NOT NULL,
        max_points REAL NOT NULL,
        bonus INTEGER NOT NULL CHECK (bonus IN (0, 1)),
        hint TEXT,
        message TEXT NOT NULL,
        PRIMARY KEY (submission_id, exercise, check_id, device)
    )""",
)

#: Version 2: the files each batch found, graded or not yet, and each check's hint named. A student
#: whose latest file has no submission row is "not graded yet" (a batch stopped before it), never
#: "missing", and the files they replaced are on record without being graded.
_HANDED_IN: Migration = (
    """CREATE TABLE handed_in (
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        student_id TEXT NOT NULL REFERENCES students(id),
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        late INTEGER NOT NULL CHECK (late IN (0, 1)),
        counts INTEGER NOT NULL CHECK (counts IN (0, 1)),
        PRIMARY KEY (batch_id, student_id, path)
    )""",
    "CREATE INDEX handed_in_by_student ON handed_in(student_id, batch_id)",
    # Which template a check's hint was filled from (``grader.catalog.hints``): misconceptions are
    # counted by it, not by sentences that differ in each student's figures.
    "ALTER TABLE check_results ADD COLUMN hint_id TEXT",
    # The login a roster gives (Canvas's SIS Login ID), for the Canvas import to match on.
    "ALTER TABLE students ADD COLUMN login_id TEXT NOT NULL DEFAULT ''",
)

#: Every migration, oldest first; the schema version is how many have been applied.
MIGRATIONS: tuple[Migration, ...] = (_TABLES, _HANDED_IN)

#: The version this grader writes.
SCHEMA_VERSION = len(MIGRATIONS)


class GradebookError(UsageError):
    """The gradebook file cannot be used: newer, foreign, not a database, or locked too long."""


def migrate(connection: sqlite3.Connection, path: str,
            migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the gradebook up to ``len(migrations)``, one transaction per step; return the version.

    ``connection`` must be in autocommit mode (``isolation_level=None``) so that each step's
    ``BEGIN IMMEDIATE`` is ours: it takes the write lock before reading the version, so two graders
    opening one old gradebook apply each step once.
    """
    supported = len(migrations)
    version = _version(connection)
    while version < supported:
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = _version(connection)  # another grader may have migrated while we waited
            if version == 0 and _has_tables(connection):
                raise GradebookError(messages.FOREIGN_DATABASE.format(path=path))
            if version < supported:
                for statement in migrations[version]:
                    connection.execute(statement)
                version += 1
                # PRAGMA takes no parameters; the version is an int we counted.
                connection.execute(f"PRAGMA user_version = {version:d}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    if version > supported:
        raise GradebookError(messages.NEWER_SCHEMA.format(path=path, found=version, supported=supported))
    return version


def _version(connection: sqlite3.Connection) -> int:
    row = connection.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def _has_tables(connection: sqlite3.Connection) -> bool:
    row = connection.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()
    return int(row[0]) > 0
