"""The SQLite gradebook: round trips, crash safety, a reader beside a writer, migrations, resume."""

from __future__ import annotations

import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from grader.gradebook import (
    SCHEMA_VERSION,
    Gradebook,
    GradebookError,
    HandIn,
    ResumeKey,
    installed_grader_version,
    messages,
    resume_key,
)
from grader.gradebook.schema import MIGRATIONS, migrate
from grader.results.cohort import Student
from grader.results.model import CheckResult, DeviceInfo, ExerciseResult, SubmissionInfo, SubmissionResult

ALICE = Student("alice", "Alice Liddell", "alice@example.org", "A", "sis-1", "aliddell")
BOB = Student("bob", "Bob")
CAROL = Student("carol", "Carol", section="B")


def result(sha: str = "a" * 64, points: float = 2.0, *, hint: str | None = "use torch",
           grader_version: str = "9.9") -> SubmissionResult:
    checks = (
        CheckResult("matches_conv2d", "matches conv2d", "corr2d", "cpu", "passed", points, 2.0),
        CheckResult("shape", "shape", "corr2d", "cpu", "failed", 0.0, 1.0, message="wrong shape", hint=hint),
        CheckResult("extra", "extra", "edge", "cpu", "passed", 1.0, 1.0, bonus=True),
    )
    return SubmissionResult(
        submission=SubmissionInfo(path="conv.ipynb", name="conv.ipynb", sha256=sha, kind="notebook"),
        pack="conv_layer", grader_version=grader_version, torch_version="2.13.0", seed=7,
        devices=(DeviceInfo("cpu", True, True),),
        exercises=(ExerciseResult("corr2d", "Cross-correlation", checks[:2]),
                   ExerciseResult("edge", "Edges", checks[2:])),
        started="2026-01-01T00:00:00+00:00", finished="2026-01-01T00:00:05+00:00",
    )


def record(book: Gradebook, student: Student, path: str, sha: str, **kw: object) -> None:
    options: dict[str, object] = {"status": "graded", "seed": 7, "pack_version": "1.0"} | kw
    graded = result(sha) if options["status"] == "graded" else None
    book.record(student, path, sha, graded, **options)  # type: ignore[arg-type]


def test_when_a_class_is_recorded_then_entries_give_back_the_latest_counting_submission(
        tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        book.add_students([ALICE, BOB, CAROL])
        from_lms = Student("alice", "LIDDELL, ALICE")
        record(book, from_lms, "alice/old.ipynb", "0" * 64, earlier=True)
        record(book, from_lms, "alice/conv.ipynb", "a" * 64, late=True, duration=4.5)
        record(book, BOB, "bob/conv.ipynb", "b" * 64, status="unusable", reason="not a notebook")
        entries = {e.student.id: e for e in book.entries()}
    assert list(entries) == ["alice", "bob", "carol"]
    alice = entries["alice"]
    assert alice.student == ALICE  # the roster's name outlives the one in the file name
    assert (alice.status, alice.path, alice.sha256, alice.late, alice.duration) == (
        "graded", "alice/conv.ipynb", "a" * 64, True, 4.5)
    assert alice.result == result("a" * 64)
    assert alice.result is not None and (alice.result.points, alice.result.bonus_points) == (2.0, 1.0)
    assert alice.earlier == ("alice/old.ipynb",)
    assert (entries["bob"].status, entries["bob"].result, entries["bob"].reason) == (
        "unusable", None, "not a notebook")
    assert (entries["carol"].status, entries["carol"].student.section) == ("missing", "B")


def test_when_a_result_is_recorded_with_hint_names_then_each_check_row_names_its_hint(
        tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as book:
        record(book, ALICE, "alice/conv.ipynb", "a" * 64, hint_id={"use torch": "hints.HINT_TORCH"}.get)
    rows = sqlite3.connect(path).execute(
        "SELECT check_id, hint, hint_id FROM check_results ORDER BY check_id").fetchall()
    assert rows == [("extra", None, None), ("matches_conv2d", None, None),
                    ("shape", "use torch", "hints.HINT_TORCH")]


def batch(book: Gradebook, command: str, *files: HandIn, seed: int = 7) -> None:
    """A batch as ``grader batch`` begins one: recorded, then every file it found handed in."""
    book.begin_batch(command, seed=seed, pack_version="1.0", torch_version="2.13.0")
    book.hand_in(files)


def graded_now(book: Gradebook, student: Student, path: str, sha: str, seed: int = 7) -> None:
    """A result as this grader records it in the batch begun last."""
    book.record(student, path, sha, result(sha, grader_version=installed_grader_version()),
                status="graded", seed=seed, pack_version="1.0")


def test_when_a_batch_stops_before_grading_a_file_then_its_student_is_ungraded_not_missing(
        tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        book.add_students([CAROL])
        batch(book, "grader batch class", HandIn(ALICE, "alice/conv.ipynb", "a" * 64),
              HandIn(BOB, "bob/conv.ipynb", "b" * 64, late=True),
              HandIn(BOB, "bob/first.ipynb", "0" * 64, counts=False))
        graded_now(book, ALICE, "alice/conv.ipynb", "a" * 64)  # then Ctrl-C: bob's file never graded
        entries = {e.student.id: e for e in book.entries()}
        assert book.resume_commands() == ["grader batch class"]
    assert entries["alice"].status == "graded"
    bob = entries["bob"]
    assert (bob.status, bob.result, bob.path, bob.sha256, bob.late) == (
        "ungraded", None, "bob/conv.ipynb", "b" * 64, True)
    assert bob.earlier == ("bob/first.ipynb",)  # the file bob replaced is on record, not graded
    assert entries["carol"].status == "missing"


def test_when_a_student_hands_in_a_new_file_then_the_old_grade_no_longer_counts_until_it_is_graded(
        tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        batch(book, "grader batch class", HandIn(ALICE, "alice/v1.ipynb", "1" * 64))
        graded_now(book, ALICE, "alice/v1.ipynb", "1" * 64)
        batch(book, "grader batch class", HandIn(ALICE, "alice/v2.ipynb", "2" * 64))
        (before,) = book.entries()
        graded_now(book, ALICE, "alice/v2.ipynb", "2" * 64)
        (after,) = book.entries()
    assert (before.status, before.path, before.result, before.earlier) == (
        "ungraded", "alice/v2.ipynb", None, ("alice/v1.ipynb",))
    assert (after.status, after.sha256, after.earlier) == ("graded", "2" * 64, ("alice/v1.ipynb",))


def test_when_an_older_batch_command_runs_again_then_the_file_a_later_batch_found_still_counts(
        tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        batch(book, "grader batch class.zip", HandIn(BOB, "class/bob.ipynb", "1" * 64))
        graded_now(book, BOB, "class/bob.ipynb", "1" * 64)
        batch(book, "grader batch late/", HandIn(BOB, "late/bob.ipynb", "2" * 64))
        graded_now(book, BOB, "late/bob.ipynb", "2" * 64)
        batch(book, "grader batch class.zip", HandIn(BOB, "class/bob.ipynb", "1" * 64))  # resumed
        (bob,) = book.entries()
    assert (bob.status, bob.path, bob.earlier) == ("graded", "late/bob.ipynb", ("class/bob.ipynb",))


def test_when_a_batch_with_a_new_seed_stops_then_results_of_the_old_seed_do_not_count(
        tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        files = (HandIn(ALICE, "alice.ipynb", "a" * 64), HandIn(BOB, "bob.ipynb", "b" * 64))
        batch(book, "grader batch class --seed 0", *files, seed=0)  # a trial run
        for student, path, sha in ((ALICE, "alice.ipynb", "a" * 64), (BOB, "bob.ipynb", "b" * 64)):
            graded_now(book, student, path, sha, seed=0)
        batch(book, "grader batch class --seed 7 --regrade", *files)
        graded_now(book, ALICE, "alice.ipynb", "a" * 64)  # then Ctrl-C before bob
        entries = {e.student.id: e for e in book.entries()}
        assert book.resume_commands() == ["grader batch class --seed 7"]  # resumed, not regraded
    assert (entries["alice"].status, entries["bob"].status) == ("graded", "ungraded")
    assert entries["alice"].result is not None and entries["bob"].result is None


def test_when_a_later_batch_completes_then_the_stopped_one_is_still_the_one_to_resume(
        tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        batch(book, "grader batch class.zip", HandIn(ALICE, "a.ipynb", "a" * 64),
              HandIn(BOB, "b.ipynb", "b" * 64))
        graded_now(book, ALICE, "a.ipynb", "a" * 64)  # stopped before bob
        batch(book, "grader batch late/", HandIn(CAROL, "c.ipynb", "c" * 64))
        graded_now(book, CAROL, "c.ipynb", "c" * 64)
        assert book.resume_commands() == ["grader batch class.zip"]


def test_when_a_gradebook_of_schema_1_is_opened_then_it_migrates_and_its_class_reads_as_before(
        tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, str(path), MIGRATIONS[:1])  # as the grader wrote it before files were recorded
    connection.execute("INSERT INTO students (id) VALUES ('bob')")
    connection.execute(
        "INSERT INTO submissions (student_id, path, sha256, late, graded_at, grader_version, torch_version,"
        " pack_version, seed, status, duration, reason, counts) VALUES ('bob', 'bob/conv.ipynb', 'bb', 0,"
        " '2026-01-01', '1', '2', '1.0', 7, 'unusable', 1.0, 'not a notebook', 1)")
    connection.close()
    with Gradebook.open(path) as book:
        record(book, ALICE, "alice/conv.ipynb", "a" * 64)  # records without hand-ins: no batch yet
        entries = {e.student.id: e for e in book.entries()}
    version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()
    assert version == (SCHEMA_VERSION,)
    assert (entries["bob"].status, entries["bob"].reason) == ("unusable", "not a notebook")
    entry = entries["alice"]
    assert (entry.status, entry.sha256) == ("graded", "a" * 64)


def test_when_a_result_is_recorded_then_each_check_on_each_device_has_its_row(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as book:
        record(book, ALICE, "alice/conv.ipynb", "a" * 64)
    rows = sqlite3.connect(path).execute(
        "SELECT exercise, check_id, device, status, points, max_points, bonus, hint, message"
        " FROM check_results ORDER BY exercise, check_id").fetchall()
    assert rows == [
        ("corr2d", "matches_conv2d", "cpu", "passed", 2.0, 2.0, 0, None, ""),
        ("corr2d", "shape", "cpu", "failed", 0.0, 1.0, 0, "use torch", "wrong shape"),
        ("edge", "extra", "cpu", "passed", 1.0, 1.0, 1, None, ""),
    ]


def test_when_the_process_is_killed_right_after_record_then_the_row_survives(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    script = textwrap.dedent(f"""
        import os, signal, sqlite3
        from grader.gradebook import Gradebook
        from grader.results.cohort import Student
        book = Gradebook.open({str(path)!r})
        book.record(Student("alice"), "alice/conv.ipynb", "a" * 64, None, status="timeout",
                    reason="past 600 s", seed=7, pack_version="1.0")
        # The next submission is in flight when the kill comes: begun, never committed.
        in_flight = sqlite3.connect({str(path)!r}, isolation_level=None)
        in_flight.execute("BEGIN IMMEDIATE")
        in_flight.execute("INSERT INTO students (id) VALUES ('bob')")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    with Gradebook.open(path) as book:
        entries = book.entries()
        assert [(e.student.id, e.status, e.reason) for e in entries] == [("alice", "timeout", "past 600 s")]
        assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_when_a_writer_holds_the_gradebook_then_a_reader_sees_the_committed_rows(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as writer:
        record(writer, ALICE, "alice/conv.ipynb", "a" * 64)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # a batch in the middle of writing the next submission
        holder.execute("INSERT INTO students (id) VALUES ('bob')")
        with Gradebook.open(path, timeout=0.1) as reader:
            assert [(e.student.id, e.status) for e in reader.entries()] == [("alice", "graded")]
            assert reader.done_keys() == {ResumeKey("a" * 64, "1.0", 7, "9.9")}
        holder.execute("COMMIT")
        holder.close()


def test_when_another_writer_holds_the_lock_too_long_then_record_says_so_and_nothing_is_corrupted(
        tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path, timeout=0.1) as first, Gradebook.open(path, timeout=0.1) as second:
        record(first, ALICE, "alice/conv.ipynb", "a" * 64)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(GradebookError) as refused:
            record(second, BOB, "bob/conv.ipynb", "b" * 64)
        assert str(refused.value) == messages.BUSY.format(path=path, seconds=0.1)
        holder.execute("ROLLBACK")
        holder.close()
        record(second, BOB, "bob/conv.ipynb", "b" * 64)
        record(first, CAROL, "carol/conv.ipynb", "c" * 64)
        assert [(e.student.id, e.status) for e in first.entries()] == [
            ("alice", "graded"), ("bob", "graded"), ("carol", "graded")]
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_when_two_processes_write_one_gradebook_at_once_then_every_row_lands_intact(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    Gradebook.open(path).close()
    script = textwrap.dedent("""
        import sys
        from grader.gradebook import Gradebook
        from grader.results.cohort import Student
        with Gradebook.open(sys.argv[1]) as book:
            for i in range(40):
                book.record(Student(f"{sys.argv[2]}{i}"), "x.ipynb", f"{i:064d}", None, status="unusable",
                            seed=7, pack_version="1.0")
    """)
    writers = [subprocess.Popen([sys.executable, "-c", script, str(path), name]) for name in ("a", "b")]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*), count(DISTINCT student_id) FROM submissions").fetchone() == (
        80, 80)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_when_the_file_is_empty_then_open_creates_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    path.touch()
    Gradebook.open(path).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert tables == {"students", "batches", "submissions", "check_results", "handed_in"}


def test_when_the_schema_is_older_then_the_later_migrations_run_in_order_and_keep_the_rows(
        tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as book:
        record(book, ALICE, "alice/conv.ipynb", "a" * 64)
    later = (*MIGRATIONS, ("ALTER TABLE check_results ADD COLUMN topic TEXT",),
             ("UPDATE check_results SET topic = 'TOPIC_' || check_id",))
    connection = sqlite3.connect(path, isolation_level=None)
    assert migrate(connection, str(path), later) == SCHEMA_VERSION + 2
    assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION + 2,)
    assert connection.execute("SELECT topic FROM check_results WHERE check_id = 'shape'").fetchone() == (
        "TOPIC_shape",)


def test_when_a_migration_fails_then_the_gradebook_keeps_its_older_version(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    Gradebook.open(path).close()
    broken = (*MIGRATIONS, ("CREATE TABLE extra (x)", "NOT SQL AT ALL"))
    connection = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(connection, str(path), broken)
    assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert connection.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").fetchone() == (0,)


def test_when_the_gradebook_is_from_a_newer_grader_then_open_refuses_it_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    Gradebook.open(path).close()
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(GradebookError) as refused:
        Gradebook.open(path)
    assert str(refused.value) == messages.NEWER_SCHEMA.format(
        path=path, found=SCHEMA_VERSION + 1, supported=SCHEMA_VERSION)


@pytest.mark.parametrize("content", [b"not a database at all" * 10, b"\x00" * 4096])
def test_when_the_file_is_no_gradebook_then_open_says_why_in_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "gradebook.sqlite"
    path.write_bytes(content)
    with pytest.raises(GradebookError) as refused:
        Gradebook.open(path)
    assert str(refused.value).startswith(messages.NOT_A_GRADEBOOK.format(path=path, reason=""))
    assert "\n" not in str(refused.value)


def test_when_the_file_is_another_programs_database_then_open_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE photos (id)")
    with pytest.raises(GradebookError, match="another program"):
        Gradebook.open(path)
    names = [row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_schema")]
    assert names == ["photos"]


def test_when_the_path_is_a_folder_then_open_says_why_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(GradebookError) as refused:
        Gradebook.open(tmp_path)
    assert "\n" not in str(refused.value)


def test_when_submissions_are_recorded_then_done_keys_hold_each_whatever_became_of_it(tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        assert book.done_keys() == set()
        book.begin_batch("grader batch class/ --seed 7", seed=7, pack_version="1.0", torch_version="2.13.0")
        record(book, ALICE, "alice/conv.ipynb", "a" * 64)
        record(book, BOB, "bob/conv.ipynb", "b" * 64, status="timeout", seed=8)
        keys = book.done_keys()
    # A graded submission keeps its result's grader version; one without a result, the installed one.
    assert keys == {ResumeKey("a" * 64, "1.0", 7, "9.9"), resume_key("b" * 64, pack_version="1.0", seed=8)}
    assert resume_key("b" * 64, pack_version="1.0", seed=8) in keys
    assert resume_key("b" * 64, pack_version="1.1", seed=8) not in keys


def test_when_a_batch_is_begun_then_its_submissions_point_at_it(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as book:
        batch = book.begin_batch("grader batch class/", seed=7, pack_version="1.0", torch_version="2.13.0")
        record(book, BOB, "bob/conv.ipynb", "b" * 64, status="unusable")
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT command, seed FROM batches").fetchall() == [("grader batch class/", 7)]
    assert connection.execute("SELECT batch_id, torch_version FROM submissions").fetchall() == [
        (batch, "2.13.0")]


def test_when_a_roster_is_given_then_missing_lists_those_without_a_counting_submission(
        tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        record(book, ALICE, "alice/conv.ipynb", "a" * 64)
        record(book, BOB, "bob/old.ipynb", "0" * 64, earlier=True)
        assert book.missing([CAROL, ALICE, BOB]) == [CAROL, BOB]
        entries = {e.student.id: e for e in book.entries()}
    assert (entries["bob"].status, entries["bob"].earlier) == ("missing", ("bob/old.ipynb",))


def test_when_a_submission_is_graded_again_then_the_later_row_counts(tmp_path: Path) -> None:
    with Gradebook.open(tmp_path / "gradebook.sqlite") as book:
        book.record(ALICE, "alice/conv.ipynb", "a" * 64, result(points=0.0), status="graded", seed=7,
                    pack_version="1.0")
        book.record(ALICE, "alice/conv.ipynb", "a" * 64, result(points=2.0), status="graded", seed=7,
                    pack_version="1.0")
        (entry,) = book.entries()
    assert entry.result is not None and entry.result.points == 2.0
    assert entry.earlier == ()


def test_when_a_stored_result_is_unreadable_then_entries_name_the_submission(tmp_path: Path) -> None:
    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as book:
        record(book, ALICE, "alice/conv.ipynb", "a" * 64)
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE submissions SET result_json = '{\"schema\": \"grader.result/99\"}'")
        with pytest.raises(GradebookError, match="submission 1 cannot be read"):
            book.entries()


def test_when_record_is_interrupted_midway_then_nothing_of_that_submission_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gradebook.sqlite"
    broken = result()

    def interrupted(self: SubmissionResult) -> tuple[CheckResult, ...]:
        raise KeyboardInterrupt  # Ctrl-C after the submission's row, before its checks' rows

    monkeypatch.setattr(SubmissionResult, "checks", property(interrupted))
    with Gradebook.open(path) as book, pytest.raises(KeyboardInterrupt):
        book.record(ALICE, "alice/conv.ipynb", "a" * 64, broken, status="graded", seed=7, pack_version="1.0")
    counts = sqlite3.connect(path).execute(
        "SELECT (SELECT count(*) FROM students), (SELECT count(*) FROM submissions)").fetchone()
    assert counts == (0, 0)


def _open_together(path: Path, barrier: Any, refused: Any) -> None:
    barrier.wait()
    try:
        Gradebook.open(path, timeout=5).close()
    except GradebookError:
        refused.put(str(path))


def test_when_two_graders_open_one_new_gradebook_at_once_then_neither_is_refused(tmp_path: Path) -> None:
    """Two batches started together both switch the new file to WAL; SQLite refuses one at once
    (no busy wait) unless the grader waits for it. A race: tried 100 times, about 3 % refused before."""
    context = multiprocessing.get_context("fork")
    refused = context.Queue()
    for attempt in range(100):
        barrier = context.Barrier(2)
        path = tmp_path / f"g{attempt}.sqlite"
        both = [context.Process(target=_open_together, args=(path, barrier, refused)) for _ in range(2)]
        for process in both:
            process.start()
        for process in both:
            process.join(30)
    assert refused.empty()
