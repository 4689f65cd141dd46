"""Exports of a graded class (grader.gradebook.exports): the grades CSV, Canvas's gradebook import,
Gradescope's results.json and each student's reports, from ClassEntry rows built around real
SubmissionResult objects: a graded student with a bonus, a missing one, an unusable one, one timed
out, and one whose id and name are hostile."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.errors import UsageError
from grader.gradebook import export_messages as say
from grader.gradebook.exports import (
    gradescope_results,
    safe_name,
    write_canvas,
    write_csv,
    write_gradescope,
    write_reports,
)
from grader.reports import render
from grader.results.cohort import ClassEntry, Student
from tests.test_report_cases import check, result

HOSTILE_ID = "../../x"
HOSTILE_NAME = '=HYPERLINK("http://evil.example","click")'


def graded() -> ClassEntry:
    """Alice: corr2d 2/3 with a hidden check, a bonus question earned, a required question missed."""
    res = result((
        check("passed", id="matches", points=2.0, max_points=2.0),
        check("failed", id="dtype", max_points=1.0, hidden=True, message="wrong dtype",
              hint="keep the input's dtype", location="In [4], line 3, in corr2d",
              solution="return X.new_zeros(...)"),
        check("skipped", id="matches", device="cuda", max_points=0.0, counts=False,
              message="CUDA is not available on this machine"),
        check("passed", exercise="laplacian", id="isotropic", points=1.5, max_points=1.5, bonus=True),
        check("unanswered", exercise="diagonal", id="has_edge", max_points=2.0),
    ), name="alice.ipynb")
    return ClassEntry(Student("123", "Lovelace, Ada", "ada@uni.edu", "A1", sis_id="S-1"), "graded",
                      res, path="/subs/alice.ipynb", sha256="ab" * 32, late=True, duration=12.4)


def missing() -> ClassEntry:
    return ClassEntry(Student("456", "Babbage, Charles", section="A2", sis_id="S-2", login_id="cbabbage"),
                      "missing")


def unusable() -> ClassEntry:
    res = result((check("error", id="matches", max_points=2.0),), name="carol.ipynb",
                 error="not a notebook: the file is not valid JSON")
    return ClassEntry(Student("carol", "Carol"), "unusable", res, sha256="cd" * 32,
                      reason="not a notebook: the file is not valid JSON")


def timed_out() -> ClassEntry:
    return ClassEntry(Student("dave", "Dave"), "timeout", None, sha256="ef" * 32,
                      reason="past its 600 s wall-clock limit")


def hostile() -> ClassEntry:
    res = result((check("passed", id="matches", points=2.0, max_points=2.0),), name="x.ipynb")
    return ClassEntry(Student(HOSTILE_ID, HOSTILE_NAME, "-1+1@x", "@SUM(A1)"), "graded", res)


def klass() -> list[ClassEntry]:
    return [graded(), missing(), unusable(), timed_out(), hostile()]


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding=encoding), newline="")))


# --- the grades CSV -------------------------------------------------------------------------------


def test_when_a_class_is_exported_to_csv_then_each_student_has_one_row_with_the_documented_columns(
        tmp_path: Path) -> None:
    path = write_csv(klass(), tmp_path / "grades.csv")
    rows = read_csv(path)
    header = list(rows[0])
    assert header == [*say.CSV_LEADING, "corr2d", "laplacian", "diagonal", *say.CSV_TRAILING]
    assert [r["status"] for r in rows] == ["graded", "missing", "unusable", "timeout", "graded"]
    alice = rows[0]
    assert (alice["total"], alice["maximum"], alice["percent"], alice["bonus"]) == ("2", "5", "40", "1.5")
    assert (alice["corr2d"], alice["laplacian"], alice["diagonal"]) == ("2", "1.5", "0")
    assert (alice["sha256"], alice["late"], alice["section"]) == ("ab" * 32, say.LATE_YES, "A1")


def test_when_a_student_is_missing_or_has_no_result_then_their_scores_are_empty_not_zero(
        tmp_path: Path) -> None:
    rows = read_csv(write_csv(klass(), tmp_path / "grades.csv"))
    for row in (rows[1], rows[3]):
        assert [row[c] for c in ("total", "maximum", "percent", "corr2d")] == ["", "", "", ""]
    assert rows[3]["reason"] == "past its 600 s wall-clock limit"
    assert rows[2]["reason"].startswith("not a notebook") and rows[2]["total"] == "0"


def test_when_a_cell_a_student_controls_starts_like_a_formula_then_it_is_neutralised(tmp_path: Path) -> None:
    rows = read_csv(write_csv(klass(), tmp_path / "grades.csv"))
    row = rows[4]
    assert row["name"] == "'" + HOSTILE_NAME
    assert row["email"] == "'-1+1@x" and row["section"] == "'@SUM(A1)"
    assert row["id"] == HOSTILE_ID


def test_when_the_csv_is_written_then_it_is_utf8_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    entries = [ClassEntry(Student("1", "José Ñúñez"), "missing")]
    data = write_csv(entries, tmp_path / "grades.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,")
    assert "José Ñúñez".encode() in data and data.endswith(b"\r\n")


def test_when_a_link_is_planted_at_the_csv_path_then_it_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (tmp_path / "grades.csv").symlink_to(victim)
    write_csv(klass(), tmp_path / "grades.csv")
    assert victim.read_text() == "keep" and not (tmp_path / "grades.csv").is_symlink()


def test_when_the_csv_cannot_be_written_then_one_line_says_where(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        write_csv(klass(), tmp_path / "no such folder" / "grades.csv")
    assert "\n" not in caught.value.message and "grades.csv" in caught.value.message


def ungraded() -> ClassEntry:
    return ClassEntry(Student("789", "Hopper, Grace"), "ungraded", path="/subs/grace.ipynb",
                      sha256="99" * 32)


def test_when_a_batch_stopped_before_a_student_then_every_format_leaves_their_score_empty(
        tmp_path: Path) -> None:
    (row,) = read_csv(write_csv([ungraded()], tmp_path / "grades.csv"))
    assert (row["status"], row["total"], row["sha256"]) == ("ungraded", "", "99" * 32)
    canvas = list(csv.reader(io.StringIO(write_canvas([ungraded()], tmp_path / "c.csv", "Conv").read_text())))
    assert canvas[-1] == ["Hopper, Grace", "789", "", "", "", ""]  # no score: not a graded zero
    assert write_gradescope([ungraded()], tmp_path / "gs") == ()
    assert write_reports([ungraded()], tmp_path / "reports") == {}


# --- Canvas ---------------------------------------------------------------------------------------


def test_when_a_class_is_exported_for_canvas_then_the_header_is_what_its_importer_reads(
        tmp_path: Path) -> None:
    path = write_canvas(klass(), tmp_path / "canvas.csv", "Convolutions (77)")
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Convolutions (77)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "5"]
    assert rows[2] == ["Lovelace, Ada", "123", "S-1", "", "A1", "3.5"]  # 2 required + 1.5 bonus


def test_when_a_student_is_missing_then_canvas_gets_an_empty_cell_not_zero(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(write_canvas(klass(), tmp_path / "c.csv", "Conv").read_text())))
    assert rows[3] == ["Babbage, Charles", "456", "S-2", "cbabbage", "A2", ""]  # login: Canvas's 3rd match


def test_when_an_id_is_no_canvas_user_id_then_canvas_matches_by_the_other_columns(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(write_canvas(klass(), tmp_path / "c.csv", "Conv").read_text())))
    carol, hostile_row = rows[4], rows[6]
    assert carol[:2] == ["Carol", ""]
    assert hostile_row[0] == "'" + HOSTILE_NAME and hostile_row[1] == ""


def test_when_the_canvas_assignment_has_no_name_then_the_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="assignment"):
        write_canvas(klass(), tmp_path / "c.csv", "  ")


# --- Gradescope -----------------------------------------------------------------------------------

GRADESCOPE_STATUSES = {"passed", "failed"}
GRADESCOPE_VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def test_when_a_class_is_exported_for_gradescope_then_each_file_has_the_documented_fields_and_types(
        tmp_path: Path) -> None:
    written = write_gradescope(klass(), tmp_path / "gs")
    assert len(written) == 4  # the missing student has no submission to attach a result to
    for path in written:
        assert path.name == "results.json" and path.parent.parent == tmp_path / "gs"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data["score"], float) and isinstance(data["execution_time"], int)
        assert isinstance(data["output"], str) and isinstance(data["tests"], list)
        for test in data["tests"]:
            assert isinstance(test["name"], str) and isinstance(test["number"], str)
            assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
            assert test["status"] in GRADESCOPE_STATUSES
            assert isinstance(test["output"], str) and test["visibility"] in GRADESCOPE_VISIBILITIES
            assert all(isinstance(tag, str) for tag in test["tags"])


def test_when_a_submission_has_a_bonus_and_a_hidden_check_then_gradescope_gets_extra_credit_and_a_delay(
        ) -> None:
    data = gradescope_results(graded())
    assert data["score"] == 3.5 and data["execution_time"] == 12
    tests = {t["name"]: t for t in data["tests"]}
    assert len(tests) == 4  # the CUDA check that did not run and does not count is left out
    bonus = tests["The Laplacian: isotropic [cpu]"]
    assert (bonus["score"], bonus["max_score"], say.GRADESCOPE_TAG_BONUS in bonus["tags"]) == (1.5, 0.0, True)
    hidden = tests["The cross-correlation operation: dtype [cpu]"]
    assert hidden["visibility"] == "after_due_date" and hidden["status"] == "failed"
    assert "keep the input's dtype" in hidden["output"] and "In [4], line 3" in hidden["output"]
    assert tests["A diagonal edge: has edge [cpu]"]["status"] == "failed"


def test_when_feedback_is_verdicts_then_gradescope_output_says_no_more_than_the_status() -> None:
    hints = gradescope_results(graded(), "hints")
    verdicts = gradescope_results(graded(), "verdicts")
    assert "return X.new_zeros" not in json.dumps(hints)
    dtype = next(t for t in verdicts["tests"] if "dtype" in t["name"])
    assert "hint" not in dtype["output"] and "wrong dtype" not in dtype["output"]


def test_when_a_submission_could_not_be_graded_then_gradescope_says_why_with_a_zero() -> None:
    data = gradescope_results(timed_out())
    assert data == {"score": 0.0, "execution_time": 0, "tests": [],
                    "output": say.GRADESCOPE_NOT_GRADED.format(status="timeout",
                                                               reason="past its 600 s wall-clock limit")}


def test_when_a_link_is_planted_as_a_students_folder_then_gradescope_refuses_to_write_through_it(
        tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "gs", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "123").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="not a folder"):
        write_gradescope([graded()], out)
    assert not any(elsewhere.iterdir())


# --- reports --------------------------------------------------------------------------------------


def test_when_reports_are_exported_then_each_student_with_a_result_gets_the_rendered_html_and_md(
        tmp_path: Path) -> None:
    entries = klass()
    written = write_reports(entries, tmp_path / "reports")
    assert set(written) == {"123", "carol", HOSTILE_ID}
    html, md = written["123"]
    assert (html.name, md.name) == ("123.html", "123.md")
    assert html.read_text(encoding="utf-8") == render(graded().result, "html")  # type: ignore[arg-type]
    assert md.read_text(encoding="utf-8") == render(graded().result, "md")  # type: ignore[arg-type]


@pytest.mark.parametrize("student_id", [HOSTILE_ID, "con", "CON.txt", "..", ".", "", "a/../../b", "a\\b",
                                        "/etc/passwd", "nul\x00", "\uff43\uff4f\uff4e", "x" * 5000])
def test_when_a_student_id_is_hostile_then_the_report_stays_inside_the_folder(
        tmp_path: Path, student_id: str) -> None:
    out = tmp_path / "reports"
    entry = ClassEntry(Student(student_id), "graded", graded().result)
    for path in write_reports([entry], out)[student_id]:
        assert path.parent == out and path.is_file()
        assert path.stem.split(".")[0].lower() not in {"con", "nul", "", "."}
        assert len(path.name) < 120
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_when_two_ids_clean_up_alike_then_each_student_keeps_their_own_report(tmp_path: Path) -> None:
    ids = ["a/b", "a?b", "a_b", "A_B"]
    written = write_reports([ClassEntry(Student(i), "graded", graded().result) for i in ids], tmp_path)
    names = {p.name.casefold() for paths in written.values() for p in paths}
    assert len(names) == 2 * len(ids)


@given(st.text(max_size=200))
def test_safe_name_never_leaves_a_folder_whatever_the_id(student_id: str) -> None:
    name = safe_name(student_id)
    assert name and not name.startswith(".") and os.sep not in name and "\\" not in name
    assert Path("/out", name).parent == Path("/out")
    assert name.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}
