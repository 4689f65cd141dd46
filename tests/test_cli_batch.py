"""``grader batch`` as an instructor runs it: a class folder and a roster, graded two at a time
through real kernels, every result in the gradebook, and the same command again grading nothing."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from exercises.conv_layer import PACK
from grader.frontends import messages as say
from grader.frontends.cli import EXIT_OK, EXIT_USAGE, main
from grader.gradebook import Gradebook


def class_folder(root: Path) -> Path:
    """Alice hands in the solution, Bob the untouched stub, Carol a file that is no notebook and a
    note; Dave is on the roster only."""
    folder = root / "class"
    for student in ("alice", "bob", "carol"):
        (folder / student).mkdir(parents=True)
    shutil.copy(PACK.solution_notebook, folder / "alice" / "conv.ipynb")
    shutil.copy(PACK.stub_notebook, folder / "bob" / "conv.ipynb")
    (folder / "carol" / "conv.ipynb").write_text("not json")
    (folder / "carol" / "notes.txt").write_text("my notes")
    (root / "roster.csv").write_text("id,name,email,section\nalice,Alice A,a@x.edu,A\n"
                                     "bob,Bob B,b@x.edu,B\ncarol,Carol C,c@x.edu,A\ndave,Dave D,d@x.edu,B\n")
    return folder


@pytest.mark.kernel
def test_when_a_class_is_graded_then_the_gradebook_holds_everyone_and_a_rerun_grades_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = class_folder(tmp_path)
    out = tmp_path / "out"
    argv = ["batch", str(folder), "--roster", str(tmp_path / "roster.csv"), "--out", str(out),
            "--jobs", "2", "--device", "cpu"]
    assert main(argv) == EXIT_OK
    printed = capsys.readouterr()
    assert say.UNRECOGNISED.format(path=folder / "carol" / "notes.txt") in printed.err
    with Gradebook.open(out / "gradebook.sqlite") as book:
        entries = {e.student.id: e for e in book.entries()}
    assert {sid: e.status for sid, e in entries.items()} == {
        "alice": "graded", "bob": "graded", "carol": "unusable", "dave": "missing"}
    alice, bob = entries["alice"].result, entries["bob"].result
    assert alice is not None and alice.points == alice.max_points > 0 and alice.bonus_points > 0
    assert bob is not None and bob.points == 0
    assert entries["alice"].student.name == "Alice A"  # the roster's name
    assert "not valid notebook JSON" in entries["carol"].reason
    connection = sqlite3.connect(out / "gradebook.sqlite")
    named = connection.execute("SELECT count(*), count(hint_id) FROM check_results WHERE hint IS NOT NULL"
                               " AND submission_id IN (SELECT id FROM submissions WHERE student_id = 'bob')")
    hinted, with_id = named.fetchone()
    connection.close()
    assert hinted > 0 and with_id == hinted  # each of the stub's hints is named after its template

    assert main(argv) == EXIT_OK  # the same command again: everything is in the gradebook already
    assert say.BATCH_START.format(todo=0, total=3, jobs=2, skipped=3) in capsys.readouterr().out


def test_when_nothing_in_the_sources_is_a_submission_then_one_line_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == EXIT_USAGE
    assert capsys.readouterr().err.strip().splitlines()[-1] == "error: " + say.NOTHING_FOUND


def test_when_a_zip_would_write_outside_its_folder_then_it_is_refused_and_nothing_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    download = tmp_path / "download.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr("../escaped.ipynb", "{}")
    assert main(["batch", str(download), "--out", str(tmp_path / "out")]) == EXIT_USAGE
    assert not (tmp_path / "escaped.ipynb").exists() and not (tmp_path / "out" / "escaped.ipynb").exists()
    assert "escaped.ipynb" in capsys.readouterr().err
