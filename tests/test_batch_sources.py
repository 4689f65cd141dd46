"""Finding a class's submissions: one realistic fixture tree per LMS layout, and the roster."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from grader.batch import Found, Located, find_submissions, read_roster
from grader.batch import messages as m
from grader.errors import UsageError
from grader.results.cohort import Student

#: Modification times in the tests are seconds after this (late 2023), as a download's would be.
EPOCH = 1_700_000_000
NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'


def write(path: Path, text: str = NOTEBOOK, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (EPOCH + mtime, EPOCH + mtime))
    return path


def by_id(found: Found) -> dict[str, Located]:
    return {located.student.id: located for located in found.submissions}


def test_when_a_class_folder_has_one_folder_per_student_then_each_folder_names_its_student(
        tmp_path: Path) -> None:
    root = tmp_path / "class"
    write(root / "alice" / "conv.ipynb")
    write(root / "bob" / "conv.ipynb", mtime=1_000)
    write(root / "bob" / "conv_v2.ipynb", mtime=2_000)
    write(root / "carol" / "work" / "conv.py")
    write(root / "carol" / "notes.pdf", "%PDF")
    write(root / "alice" / ".ipynb_checkpoints" / "conv-checkpoint.ipynb")
    found = find_submissions([root], tmp_path / "work", None)
    located = by_id(found)
    assert sorted(located) == ["alice", "bob", "carol"]
    assert {loc.layout for loc in found.submissions} == {"folder"}
    assert located["bob"].path.name == "conv_v2.ipynb"
    assert located["bob"].earlier == (root / "bob" / "conv.ipynb",)
    assert located["carol"].path == root / "carol" / "work" / "conv.py"
    assert found.unrecognised == (str(root / "carol" / "notes.pdf"),)


def test_when_github_classroom_clones_are_given_then_the_assignment_prefix_is_dropped(tmp_path: Path) -> None:
    root = tmp_path / "conv-lab-submissions"
    for login in ("alice-w", "bob42", "carol-dev"):
        write(root / f"conv-lab-{login}" / "conv.ipynb")
        write(root / f"conv-lab-{login}" / "README.md", "# lab")
        write(root / f"conv-lab-{login}" / ".git" / "HEAD", "ref: refs/heads/main")
    found = find_submissions([root], tmp_path / "work", None)
    assert sorted(by_id(found)) == ["alice-w", "bob42", "carol-dev"]
    assert {loc.layout for loc in found.submissions} == {"github-classroom"}
    assert len(found.unrecognised) == 3 and all(u.endswith("README.md") for u in found.unrecognised)


def test_when_canvas_names_are_given_then_user_late_and_resubmission_are_read(tmp_path: Path) -> None:
    root = tmp_path / "submissions"
    write(root / "liddellalice_10231_501234_conv.ipynb", mtime=3_000)
    write(root / "liddellalice_10231_501987_conv-1.ipynb", mtime=1_000)  # later id, older mtime
    write(root / "hattermad_late_10377_502001_conv.ipynb")
    write(root / "cheshirecat_10400_502100_Convolutions.py")
    write(root / "cheshirecat_10400_502100_screenshot.png", "png")
    found = find_submissions([root], tmp_path / "work", None)
    located = by_id(found)
    assert sorted(located) == ["10231", "10377", "10400"]
    assert located["10231"].path.name == "liddellalice_10231_501987_conv-1.ipynb"
    assert located["10231"].earlier == (root / "liddellalice_10231_501234_conv.ipynb",)
    assert located["10377"].late and not located["10231"].late
    assert located["10231"].student.name == "liddellalice"
    assert found.unrecognised == (str(root / "cheshirecat_10400_502100_screenshot.png"),)


def test_when_a_canvas_zip_is_given_then_it_is_read_like_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("liddellalice_10231_501234_conv.ipynb", NOTEBOOK)
        zf.writestr("hattermad_LATE_10377_502001_conv.ipynb", NOTEBOOK)
        zf.writestr("hattermad_LATE_10377_502001_data.csv", "a,b")
    found = find_submissions([archive], tmp_path / "work", None)
    assert sorted(by_id(found)) == ["10231", "10377"]
    assert by_id(found)["10377"].late
    assert all((tmp_path / "work") in loc.path.parents for loc in found.submissions)
    assert found.unrecognised == (f"{archive}:hattermad_LATE_10377_502001_data.csv",)


def test_when_a_moodle_download_is_given_then_the_participant_id_and_name_are_read(tmp_path: Path) -> None:
    root = tmp_path / "moodle"
    write(root / "Alice Liddell_12345_assignsubmission_file_" / "conv.ipynb")
    write(root / "Mad Hatter_12377_assignsubmission_file_" / "conv.ipynb", mtime=1_000)
    write(root / "Mad Hatter_12377_assignsubmission_file_" / "conv (1).ipynb", mtime=5_000)
    write(root / "Mad Hatter_12377_assignsubmission_onlinetext_" / "onlinetext.html", "<p>hi</p>")
    write(root / "Cheshire Cat_12400_assignsubmission_file_conv.py")
    found = find_submissions([root], tmp_path / "work", None)
    located = by_id(found)
    assert sorted(located) == ["12345", "12377", "12400"]
    assert located["12377"].student == Student(id="12377", name="Mad Hatter")
    assert located["12377"].path.name == "conv (1).ipynb" and len(located["12377"].earlier) == 1
    assert {loc.layout for loc in found.submissions} == {"moodle"}
    assert [Path(u).name for u in found.unrecognised] == ["onlinetext.html"]


GRADESCOPE_METADATA = """\
submission_201:
  :submitters:
  - :name: Alice Liddell
    :sid: '1001'
    :email: alice@wonderland.edu
  :created_at: 2024-02-01 10:00:00.123456000 -08:00
  :score: 0.0
submission_305:
  :submitters:
  - :name: Alice Liddell
    :sid: '1001'
    :email: alice@wonderland.edu
  :created_at: 2024-02-03 09:00:00.000000000 -08:00
  :history:
  - :created_at: 2030-01-01 00:00:00.000000000 -08:00
submission_250:
  :submitters:
  - :name: "Mad Hatter"
    :sid: '1002'
    :email: hatter@wonderland.edu
  - :name: March Hare
    :sid: '1003'
    :email: hare@wonderland.edu
  :created_at: 2024-02-02 11:00:00.000000000 -08:00
"""


def test_when_a_gradescope_export_is_given_then_metadata_names_submitters_and_order(tmp_path: Path) -> None:
    root = tmp_path / "assignment_9100_export"
    write(root / "submission_metadata.yml", GRADESCOPE_METADATA)
    write(root / "submission_201" / "conv.ipynb", mtime=9_000)  # newest mtime, oldest created_at
    write(root / "submission_305" / "conv.ipynb", mtime=1_000)
    write(root / "submission_250" / "conv.ipynb")
    write(root / "submission_250" / "scratch.txt", "notes")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(tmp_path).as_posix())
    for source in (root, archive):
        found = find_submissions([source], tmp_path / f"work-{source.suffix}", None)
        located = by_id(found)
        assert sorted(located) == ["1001", "1002", "1003"]
        assert located["1001"].path.parent.name == "submission_305"
        assert [path.parent.name for path in located["1001"].earlier] == ["submission_201"]
        assert located["1003"].student == Student(id="1003", name="March Hare", email="hare@wonderland.edu",
                                                  sis_id="1003")
        assert located["1002"].path == located["1003"].path
        assert [u.rsplit("/", 1)[-1] for u in found.unrecognised] == ["scratch.txt"]


ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section
    Points Possible,,,,
"Liddell, Alice",10231,S-1,alice,Conv 01
"Hatter, Mad",10377,S-2,hatter,Conv 02
"Dodo, The",10999,S-9,dodo,Conv 01
"""


def test_when_a_roster_is_given_then_students_are_named_and_the_missing_listed(tmp_path: Path) -> None:
    root = tmp_path / "submissions"
    write(root / "liddellalice_10231_501234_conv.ipynb")
    write(root / "hattermad_late_10377_502001_conv.ipynb")
    write(root / "strangerdanger_10500_503000_conv.ipynb")
    roster_path = write(tmp_path / "roster.csv", ROSTER)
    found = find_submissions([root], tmp_path / "work", read_roster(roster_path))
    located = by_id(found)
    assert located["10231"].student == Student(id="10231", name="Liddell, Alice", section="Conv 01",
                                               sis_id="S-1", login_id="alice")
    assert found.missing == (Student(id="10999", name="Dodo, The", section="Conv 01", sis_id="S-9",
                                     login_id="dodo"),)
    assert located["10500"].student == Student(id="10500", name="strangerdanger")


def test_when_a_roster_uses_moodle_headers_then_names_join_and_emails_match(tmp_path: Path) -> None:
    roster = read_roster(write(tmp_path / "r.csv",
                               "First name,Last name,ID number,Email address,Identifier\n"
                               "Alice,Liddell,S1,alice@w.edu,Participant 12345\n"))
    assert roster.match(["ALICE@W.EDU"]) == roster.match(["12345"]) == roster.students[0]
    assert roster.students[0].name == "Alice Liddell"


@pytest.mark.parametrize("text, reason", [
    ("name,section\nAlice,1\n", "none of its columns names a student id"),
    ("id,name\n7,A\n7,B\n", "the id '7' appears on rows 2 and 3"),
    ("", m.ROSTER_EMPTY),
])
def test_when_a_roster_is_unusable_then_one_line_says_why(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(UsageError) as raised:
        read_roster(write(tmp_path / "roster.csv", text))
    assert reason in raised.value.message and "\n" not in raised.value.message


def test_when_a_roster_is_not_utf8_then_it_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"id,name\n1,Ren\xe9\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        read_roster(path)


def test_when_sources_are_globs_and_loose_files_then_each_file_names_its_student(tmp_path: Path) -> None:
    write(tmp_path / "in" / "alice.ipynb")
    write(tmp_path / "in" / "bob.py")
    write(tmp_path / "in" / "carol.txt", "x")
    found = find_submissions([str(tmp_path / "in" / "*.ipynb"), tmp_path / "in" / "bob.py",
                              tmp_path / "in" / "carol.txt", str(tmp_path / "nowhere" / "*.ipynb")],
                             tmp_path / "work", None)
    assert sorted(by_id(found)) == ["alice", "bob"]
    assert found.unrecognised == (str(tmp_path / "in" / "carol.txt"),)
    assert found.rejected == (m.NO_SUCH_SOURCE.format(source=tmp_path / "nowhere" / "*.ipynb"),)


def test_when_a_folder_holds_a_link_then_it_is_not_followed_but_listed(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret" / "answers.ipynb")
    root = tmp_path / "class"
    write(root / "alice" / "conv.ipynb")
    (root / "mallory").mkdir()
    (root / "mallory" / "conv.ipynb").symlink_to(secret)
    found = find_submissions([root], tmp_path / "work", None)
    assert sorted(by_id(found)) == ["alice"]
    assert found.unrecognised == (str(root / "mallory" / "conv.ipynb"),)
