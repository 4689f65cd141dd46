"""``grader batch`` when things go wrong: a submission that kills its kernel, one that never ends, a
corrupt notebook, the batch itself SIGKILLed halfway, and two batches on one gradebook at once.
Each test reads back what the gradebook holds afterwards."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import nbformat
import pytest

from exercises.conv_layer import PACK
from grader import messages as grader_messages
from grader.execution.cleanup import process_identity
from grader.frontends import messages as say
from grader.frontends.cli import EXIT_OK, main
from grader.gradebook import Gradebook, HandIn
from grader.results.cohort import Student

FAST = ["--device", "cpu", "--cell-timeout", "10", "--call-timeout", "5", "--submission-timeout", "30"]


def solution_with(path: Path, *cells: str) -> Path:
    """The worked solution with ``cells`` appended as code cells, written to ``path``."""
    notebook = nbformat.read(PACK.solution_notebook, as_version=4)
    notebook.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def hand_in(folder: Path, student: str, source: Path | str) -> None:
    """``student``'s folder with ``source`` (a notebook to copy, or text to write) as conv.ipynb."""
    (folder / student).mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        shutil.copy(source, folder / student / "conv.ipynb")
    else:
        (folder / student / "conv.ipynb").write_text(source)


def statuses(out: Path) -> dict[str, tuple[str, str]]:
    with Gradebook.open(out / "gradebook.sqlite") as book:
        return {e.student.id: (e.status, e.reason) for e in book.entries()}


def status_only(out: Path) -> dict[str, str]:
    return {sid: status for sid, (status, _) in statuses(out).items()}


def rows(out: Path, query: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(out / "gradebook.sqlite", timeout=30)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def submission_rows(out: Path) -> int:
    if not (out / "gradebook.sqlite").exists():
        return 0
    try:
        return int(rows(out, "SELECT count(*) FROM submissions")[0][0])
    except sqlite3.Error:  # not created yet
        return 0


def batch_command(folder: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), *FAST, *extra]


@pytest.mark.kernel
def test_when_a_cell_kills_the_kernel_then_that_submission_is_graded_without_it_and_says_so(
    tmp_path: Path,
) -> None:
    """By design (``messages.CELL_DIED``) a cell that kills the kernel is skipped on a fresh kernel
    and the submission graded without it: the gradebook holds it as graded, with the cell error."""
    folder, out = tmp_path / "class", tmp_path / "out"
    hand_in(folder, "alice", PACK.solution_notebook)
    hand_in(folder, "bob", solution_with(tmp_path / "bob.ipynb", "import os; os._exit(1)"))
    assert main(["batch", str(folder), "--out", str(out), "--jobs", "2", *FAST]) == EXIT_OK
    with Gradebook.open(out / "gradebook.sqlite") as book:
        entries = {e.student.id: e for e in book.entries()}
    assert {sid: (e.status, e.reason) for sid, e in entries.items()} == {
        "alice": ("graded", ""), "bob": ("graded", "")}
    alice, bob = entries["alice"].result, entries["bob"].result
    assert alice is not None and bob is not None
    assert bob.points == alice.points == alice.max_points > 0  # os._exit came after every answer
    assert bob.execution.kernel_restarts == 1
    (died,) = bob.execution.cell_errors
    assert died.kind == "died" and died.ename == "DeadKernelError"
    assert "os._exit(1)" in died.evalue and "killed the kernel" in died.evalue and "\n" not in died.evalue


@pytest.fixture(scope="module")
def budget_spent(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Alice's solution and Bob's with ``while True: pass`` at the end, under a 5 s budget. The
    cell timeout is above the budget so that the budget, not the cell timeout, always stops it
    (with --cell-timeout 3 which of the two fires first depends on the machine's speed)."""
    root = tmp_path_factory.mktemp("budget")
    folder, out = root / "class", root / "out"
    hand_in(folder, "alice", PACK.solution_notebook)
    hand_in(folder, "bob", solution_with(root / "bob.ipynb", "while True: pass"))
    started = time.monotonic()
    assert main(["batch", str(folder), "--out", str(out), "--jobs", "2", "--device", "cpu",
                 "--submission-timeout", "5", "--cell-timeout", "10"]) == EXIT_OK
    assert time.monotonic() - started < 30
    return statuses(out)


@pytest.mark.kernel
def test_when_a_submission_runs_past_its_budget_in_its_cells_then_it_is_recorded_with_why(
    budget_spent: dict[str, tuple[str, str]],
) -> None:
    assert budget_spent["alice"] == ("graded", "")
    # A hanging top-level cell is the commonest timeout: counted as one, not as an unusable file.
    assert budget_spent["bob"] == ("timeout", grader_messages.BUDGET_SPENT_IN_CELLS.format(seconds=5))


@pytest.mark.kernel
def test_when_a_notebook_is_corrupt_then_it_is_unusable_with_one_line_and_the_others_graded(
    tmp_path: Path,
) -> None:
    folder, out = tmp_path / "class", tmp_path / "out"
    hand_in(folder, "alice", PACK.solution_notebook)
    hand_in(folder, "bob", PACK.solution_notebook.read_text()[:5000])  # cut off mid-download
    hand_in(folder, "carol", PACK.stub_notebook)
    assert main(["batch", str(folder), "--out", str(out), "--jobs", "2", *FAST]) == EXIT_OK
    found = statuses(out)
    assert found["alice"] == ("graded", "") and found["carol"] == ("graded", "")
    status, reason = found["bob"]
    assert status == "unusable"
    assert reason.startswith("conv.ipynb is not valid notebook JSON (line ") and "\n" not in reason


def four_students(tmp_path: Path, *, same_file: bool = False) -> Path:
    """Four hand-ins; all different files unless ``same_file``, where alice and dave both hand in
    the untouched stub (as students who did nothing do)."""
    folder = tmp_path / "class"
    hand_in(folder, "alice", PACK.stub_notebook)
    hand_in(folder, "bob", PACK.solution_notebook)
    hand_in(folder, "carol", solution_with(tmp_path / "carol.ipynb", "x = 1"))
    dave = PACK.stub_notebook if same_file else solution_with(tmp_path / "dave.ipynb", "y = 2")
    hand_in(folder, "dave", dave)
    return folder


def descendants(pid: int) -> set[str]:
    """The identities (pid and start time) of ``pid``'s processes, children's children too."""
    found: set[str] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                identity = process_identity(int(child))
                if identity is not None:
                    found |= {identity, *descendants(int(child))}
    return found


def end(identities: set[str]) -> None:
    """SIGKILL those of ``identities`` still alive (the same pid and start time)."""
    for identity in identities:
        pid = int(identity.split(":")[0])
        if process_identity(pid) == identity:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def kill_after_first_row(command: list[str], out: Path, cwd: Path) -> tuple[int, set[str]]:
    """Start the batch, SIGKILL it once the gradebook holds a submission: the rows it left, and
    the processes (kernels, in sessions of their own) it had then."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    left: set[str] = set()
    try:
        deadline = time.monotonic() + 60
        while submission_rows(out) < 1:
            assert process.poll() is None, "the batch ended before it was killed"
            assert time.monotonic() < deadline, "no submission recorded within 60 s"
            time.sleep(0.05)
        left = descendants(process.pid)
    finally:
        process.kill()  # SIGKILL
        process.wait(10)
    return submission_rows(out), left


def resume_after_kill(tmp_path: Path, folder: Path) -> tuple[Path, int, str]:
    out = tmp_path / "out"
    command = batch_command(folder, out, "--jobs", "1")
    kept, left = kill_after_first_row(command, out, tmp_path)
    try:
        assert 1 <= kept < 4
        again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    finally:
        end(left)  # the next grader's sweep should have; never leave one behind either way
    assert again.returncode == EXIT_OK, again.stderr
    return out, kept, again.stdout


@pytest.mark.kernel
def test_when_the_batch_is_sigkilled_then_the_same_command_finishes_with_nobody_lost_or_twice(
    tmp_path: Path,
) -> None:
    out, kept, printed = resume_after_kill(tmp_path, four_students(tmp_path))
    assert say.BATCH_START.format(todo=4 - kept, total=4, jobs=1, skipped=kept) in printed
    per_student: dict[str, int] = dict(rows(
        out, "SELECT student_id, count(*) FROM submissions WHERE counts = 1 GROUP BY student_id"))
    assert per_student == {"alice": 1, "bob": 1, "carol": 1, "dave": 1}
    assert submission_rows(out) == 4  # none graded twice
    assert status_only(out) == dict.fromkeys(
        ("alice", "bob", "carol", "dave"), "graded")


@pytest.mark.kernel
def test_when_two_students_hand_in_the_same_file_and_the_batch_is_killed_then_neither_is_lost(
    tmp_path: Path,
) -> None:
    out, _, _ = resume_after_kill(tmp_path, four_students(tmp_path, same_file=True))
    assert status_only(out) == dict.fromkeys(
        ("alice", "bob", "carol", "dave"), "graded")


@pytest.mark.kernel
def test_when_two_batches_write_one_gradebook_at_once_then_it_stays_sound_and_holds_everyone(
    tmp_path: Path,
) -> None:
    folder, out = tmp_path / "class", tmp_path / "out"
    hand_in(folder, "alice", PACK.solution_notebook)
    hand_in(folder, "bob", PACK.stub_notebook)
    command = batch_command(folder, out, "--jobs", "2")
    both = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    finished = [process.communicate(timeout=120) for process in both]
    assert [process.returncode for process in both] == [EXIT_OK, EXIT_OK], [err for _, err in finished]
    assert rows(out, "PRAGMA integrity_check") == [("ok",)]
    found = statuses(out)
    assert {sid: status for sid, (status, _) in found.items()} == {"alice": "graded", "bob": "graded"}
    # Both read the gradebook before either recorded anything, so each usually grades both
    # (store.py: "recorded twice and the later row counts"); the gradebook shows one entry each.
    per_student: dict[str, int] = dict(rows(
        out, "SELECT student_id, count(*) FROM submissions GROUP BY student_id"))
    assert set(per_student) == {"alice", "bob"} and all(1 <= n <= 2 for n in per_student.values())
    assert len(rows(out, "SELECT id FROM batches")) == 2


@pytest.mark.kernel
def test_when_the_batch_gets_ctrl_c_then_its_kernels_die_at_once_and_what_was_graded_is_kept(
    tmp_path: Path,
) -> None:
    folder, out = tmp_path / "class", tmp_path / "out"
    hand_in(folder, "alice", PACK.solution_notebook)
    for student in ("bob", "carol"):  # still in their first cell when Ctrl-C comes
        hand_in(folder, student, solution_with(tmp_path / f"{student}.ipynb", "import time; time.sleep(90)"))
    command = [*batch_command(folder, out, "--jobs", "2"), "--cell-timeout", "120",
               "--submission-timeout", "300"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    kernels: set[str] = set()
    try:
        deadline = time.monotonic() + 60
        while submission_rows(out) < 1:
            assert process.poll() is None and time.monotonic() < deadline, "alice was not graded"
            time.sleep(0.05)
        time.sleep(2)  # bob's and carol's kernels are sleeping in their cells by now
        kernels = descendants(process.pid)
        assert kernels, "no kernel was running"
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends (kernels lead sessions of their own)
        stopped = time.monotonic()
        _, stderr = process.communicate(timeout=60)
        waited = time.monotonic() - stopped
    finally:
        process.kill()
        end(kernels)
    assert waited < 15, f"the batch took {waited:.0f} s to stop: it waited for the sleeping cells"
    assert process.returncode == 130
    assert not {k for k in kernels if process_identity(int(k.split(":")[0])) == k}, "a kernel outlived"
    assert "Resume with: grader batch " in stderr and str(folder) in stderr
    assert status_only(out) == {
        "alice": "graded", "bob": "ungraded", "carol": "ungraded"}  # handed in, never "missing"


def test_when_a_stopped_batch_is_exported_then_one_line_says_who_is_not_graded_and_how_to_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with Gradebook.open(out / "gradebook.sqlite") as book:
        book.begin_batch("grader batch class --out out", seed=0, pack_version="1", torch_version="2")
        book.hand_in([HandIn(Student("bob"), "class/bob/conv.ipynb", "b" * 64)])
    assert main(["export", str(out / "gradebook.sqlite"), "--format", "csv"]) == EXIT_OK
    assert say.UNGRADED_IN_EXPORT.format(count=1, command="grader batch class --out out") in (
        capsys.readouterr().err)


@pytest.mark.kernel
def test_when_hostile_zips_come_with_a_class_then_they_are_refused_and_the_gradebook_holds_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder, out = tmp_path / "class", tmp_path / "out"
    hand_in(folder, "alice", PACK.solution_notebook)
    (tmp_path / "victim.txt").write_text("untouched")
    notebook = PACK.solution_notebook.read_bytes()
    zips = tmp_path / "downloads"  # each archive as the LMS gave it, given as a source of its own
    zips.mkdir()
    with zipfile.ZipFile(zips / "traversal.zip", "w") as archive:
        archive.writestr("../../victim.txt", "pwned")
        archive.writestr("/tmp/absolute.ipynb", notebook)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile's own "Duplicate name" warning
        with zipfile.ZipFile(zips / "duplicate.zip", "w") as archive:
            archive.writestr("mallory/conv.ipynb", notebook)
            archive.writestr("mallory/conv.ipynb", b"overwritten")
    with zipfile.ZipFile(zips / "link.zip", "w") as archive:
        link = zipfile.ZipInfo("trudy/conv.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with (zipfile.ZipFile(zips / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
          archive.open("oscar/conv.ipynb", "w", force_zip64=True) as member):
        for _ in range(300):  # 300 MB of zeros, about 300 KB on disk
            member.write(b"\0" * 2**20)
    shutil.copy(zips / "link.zip", folder / "alice" / "old.zip")  # inside a folder: listed, not opened
    assert main(["batch", str(folder), str(zips / "*.zip"), "--out", str(out), *FAST]) == EXIT_OK
    refused = [line for line in capsys.readouterr().err.splitlines() if ".zip" in line]
    # One line per refused member (two for the traversal zip, one per copy of the duplicate), one
    # for the bomb and one for the zip inside a folder.
    assert len(refused) == 7 and all(len(line) < 400 for line in refused)
    for name in ("traversal.zip", "duplicate.zip", "link.zip", "bomb.zip"):
        assert any(name in line for line in refused), name
    assert say.UNRECOGNISED_ARCHIVE.format(path=folder / "alice" / "old.zip") in refused
    assert statuses(out) == {"alice": ("graded", "")}  # nobody from a refused member
    assert (tmp_path / "victim.txt").read_text() == "untouched" and not Path("/tmp/absolute.ipynb").exists()
    extracted = [p for p in (out / "work").rglob("*") if p.is_file() or p.is_symlink()]
    assert not any(p.is_symlink() for p in extracted)
    assert sum(p.stat().st_size for p in extracted) < 2**20
