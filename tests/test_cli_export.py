"""``grader export``: a class read back from its gradebook into each format, as an instructor runs it,
without grading again."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from grader.frontends import messages as say
from grader.frontends.cli import EXIT_OK, EXIT_USAGE, main
from grader.gradebook import Gradebook
from grader.results.cohort import Student
from grader.results.model import Status
from tests.test_report_cases import check, result

ALICE = Student("1001", "Alice Martin", "alice@example.edu", "A", "s1001")
BOB = Student("1002", "Bob =HYPERLINK(\"x\")", "bob@example.edu", "B", "s1002")
CAROL = Student("1003", "Carol Missing", section="A")


@pytest.fixture
def gradebook(tmp_path: Path) -> Path:
    """A class of three: Alice graded 2/2, Bob graded 0/2 with a hint, Carol on the roster only."""
    path = tmp_path / "class" / "gradebook.sqlite"
    path.parent.mkdir()
    with Gradebook.open(path) as book:
        book.add_students([ALICE, BOB, CAROL])
        statuses: tuple[tuple[Student, Status], ...] = ((ALICE, "passed"), (BOB, "failed"))
        for student, status in statuses:
            graded = result([check(status, points=2.0 if status == "passed" else 0.0, max_points=2.0,
                                   hint=None if status == "passed" else "do not flip the kernel")])
            book.record(student, f"{student.id}/conv.ipynb", "ab" * 32, graded, status="graded",
                        seed=7, pack_version="0.1.0")
    return path


def test_when_the_grades_are_exported_as_csv_then_every_student_has_a_row_missing_ones_included(
    gradebook: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", str(gradebook), "--format", "csv"]) == EXIT_OK
    out = gradebook.parent / "grades.csv"
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [row[next(iter(row))] for row in rows] == ["1001", "1002", "1003"]
    assert [row["status"] for row in rows] == ["graded", "graded", "missing"]
    assert not any(value.startswith("=") for row in rows for value in row.values())  # neutralised
    assert say.EXPORTED.format(what="csv", count=3, path=out) in capsys.readouterr().out


def test_when_the_class_dashboard_is_exported_then_it_links_each_report_written_beside_it(
    gradebook: Path,
) -> None:
    assert main(["export", str(gradebook), "--format", "dashboard"]) == EXIT_OK
    page = (gradebook.parent / "class.html").read_text(encoding="utf-8")
    reports = sorted(p.name for p in (gradebook.parent / "reports").iterdir())
    assert reports == ["1001.html", "1001.md", "1002.html", "1002.md"]
    assert 'href="reports/1001.html"' in page and "do not flip the kernel" in page


@pytest.mark.parametrize("fmt", ["canvas", "gradescope", "reports"])
def test_when_another_format_is_exported_then_it_lands_beside_the_gradebook(
    gradebook: Path, fmt: str
) -> None:
    assert main(["export", str(gradebook), "--format", fmt]) == EXIT_OK
    if fmt == "gradescope":
        (alice,) = (gradebook.parent / "gradescope").glob("1001*/results.json")
        assert json.loads(alice.read_text())["score"] == 2.0
    else:
        assert (gradebook.parent / {"canvas": "canvas.csv", "reports": "reports"}[fmt]).exists()


def test_when_there_is_no_gradebook_then_one_line_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "nothing.sqlite"
    assert main(["export", str(missing), "--format", "csv"]) == EXIT_USAGE
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: " + say.NO_GRADEBOOK.format(path=missing)]


def test_when_students_get_one_hint_with_their_own_figures_then_the_dashboard_counts_it_once(
    tmp_path: Path,
) -> None:
    from exercises.conv_layer import hints

    path = tmp_path / "gradebook.sqlite"
    with Gradebook.open(path) as book:
        for student, H in ((ALICE, 6), (BOB, 9)):
            hint = hints.HINT_OUTPUT_SIZE.format(H=H, W=8, h=2, w=3, rows=H - 1, cols=6)
            book.record(student, f"{student.id}/conv.ipynb", "ab" * 32,
                        result([check("failed", max_points=2.0, hint=hint)]), status="graded", seed=7,
                        pack_version="0.1.0")
    assert main(["export", str(path), "--format", "dashboard"]) == EXIT_OK
    page = (tmp_path / "class.html").read_text(encoding="utf-8")
    assert "<b>2 students</b>" in page and "for this … x … input" in page
    assert "for this 6 x 8 input" not in page
