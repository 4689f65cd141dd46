"""Reports of real gradings: the reference solution, the untouched stub and known wrong submissions,
each graded once per session (in-process, as the pack tests do) and rendered in every format."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from exercises.conv_layer import PACK, hints
from grader.grading.pipeline import GradeOptions, grade
from grader.reports import render, render_failure
from grader.reports.grouping import first_to_fix, ordered
from grader.reports.markdown import md
from grader.reports.wording import NOT_ATTEMPTED, points_text
from grader.results.model import STATUS_LABELS, SubmissionResult
from tests.pack_support import NOT_IMPLEMENTED, not_passed
from tests.test_report_cases import graded_once
from tests.test_report_html import figures, outlined, page

WRONG = ("corr2d_flipped_kernel", "corr2d_off_by_one", "edge_kernel_horizontal", "learn_kernel_no_update")
NAMES = ("solution", "stub", *WRONG)
FORMATS = ("html", "md", "txt", "json")


class Graded(dict[str, SubmissionResult]):
    """Each submission graded once per session, on first use (``graded["stub"]``)."""

    def __init__(self, variant: Callable[[str], Path]) -> None:
        super().__init__()
        self.variant = variant

    def __missing__(self, name: str) -> SubmissionResult:
        return graded_once(name, self.variant)


@pytest.fixture(scope="session")
def graded(variant: Callable[[str], Path]) -> Graded:
    return Graded(variant)


def listed_in_html(text: str) -> set[str]:
    """Item ids of the failure cards and of the answers still to give: ``<code>corr2d::book_example</code>
    on cpu``."""
    found: set[str] = set()
    for section in ("failures", "todo"):
        part = text.split(f'<section id="{section}">', 1)[-1].split("</section>", 1)[0]
        if f'<section id="{section}">' in text:
            found.update(f"{item}[{device}]" for item, device in
                         re.findall(r"<code>([\w.]+::[\w.]+)</code> on (\w+)", part))
    return found


def listed_in_markdown(text: str) -> set[str]:
    """Item ids of the failure blocks (each ``<summary>`` or the list of a grouped block) and of
    the answers still to give (``(waiting: `corr2d::book_example[cpu]`, ...)``)."""
    blocks = [b for b in text.split("<details>") if not b.lstrip().startswith("<summary>\u2705")]
    found = set()
    for block in blocks[1:]:
        found.update(re.findall(r"<code>([\w.]+::[\w.]+\[\w+\])</code>", block.split("\n")[1]))
        found.update(re.findall(r"^- .*\(`([\w.]+::[\w.]+\[\w+\])`\)", block, re.MULTILINE))
    for waiting in re.findall(r"_\(waiting: (.*?)\)_$", text, re.MULTILINE):
        found.update(re.findall(r"`([\w.]+::[\w.]+\[\w+\])`", waiting))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_when_a_real_submission_is_rendered_then_html_and_markdown_list_exactly_its_failing_checks(
    name: str, graded: dict[str, SubmissionResult],
) -> None:
    result = graded[name]
    failing = set(not_passed(result))
    assert listed_in_html(render(result, "html")) == failing
    assert listed_in_markdown(render(result, "md")) == failing


@pytest.mark.parametrize("name", NAMES)
def test_when_a_real_submission_is_rendered_then_every_format_has_its_score_and_each_question(
    name: str, graded: dict[str, SubmissionResult],
) -> None:
    result = graded[name]
    score = f"{result.points:g}/{result.max_points:g}"
    for fmt in ("html", "md", "txt"):
        text = render(result, fmt)
        assert (score in text) or (score.replace("/", " / ") in text), fmt
        for exercise in result.exercises:
            assert html.escape(exercise.title) in text or md(exercise.title) in text, (fmt, exercise.id)


@pytest.mark.parametrize("name", NAMES)
def test_when_a_real_submission_is_rendered_as_json_then_it_reads_back_as_the_result(
    name: str, graded: dict[str, SubmissionResult],
) -> None:
    assert SubmissionResult.from_json(render(graded[name], "json")) == graded[name]


@pytest.mark.parametrize("name", WRONG)
def test_when_a_wrong_submission_is_rendered_then_terminal_and_markdown_say_the_same_first_things(
    name: str, graded: dict[str, SubmissionResult],
) -> None:
    result = graded[name]
    terminal, markdown = render(result, "txt"), render(result, "md")
    for exercise in result.exercises:
        first = first_to_fix(exercise)
        points = points_text(exercise)
        assert points in terminal and points in markdown
        if first is not None:
            assert first.item_id in terminal and first.item_id in markdown
            assert first.message[:60] in terminal and md(first.message[:60]) in markdown
            if first.hint:
                assert first.hint in terminal and md(first.hint) in markdown


def test_when_corr2d_flips_the_kernel_then_every_format_has_the_hint_and_the_html_draws_it(
    graded: dict[str, SubmissionResult],
) -> None:
    result = graded["corr2d_flipped_kernel"]
    assert hints.HINT_FLIPPED_KERNEL in render(result, "txt")
    assert md(hints.HINT_FLIPPED_KERNEL) in render(result, "md")
    root = page(result)
    (book,) = [a for a in root.find_all("article") if a.attrs["id"] == "check-corr2d-book_example-cpu"]
    assert book.find("aside", "hint").text == "Hint: " + hints.HINT_FLIPPED_KERNEL
    found = figures(book)
    assert {"Expected", "Yours", "Difference (yours \u2212 expected)"} <= set(found)
    assert outlined(found["Yours"]) == outlined(found["Difference (yours \u2212 expected)"]) == 4


def test_when_the_output_has_the_wrong_shape_then_the_html_shows_yours_and_the_shapes(
    graded: dict[str, SubmissionResult],
) -> None:
    root = page(graded["corr2d_off_by_one"])
    (book,) = [a for a in root.find_all("article") if a.attrs["id"] == "check-corr2d-book_example-cpu"]
    assert "Yours" in figures(book) and "Expected" not in figures(book)
    shapes = book.find("table", "attrs").text
    assert "2 \u00d7 2" in shapes and "1 \u00d7 1 \u2717" in shapes


def test_when_the_stub_is_rendered_then_every_question_is_one_block_of_answers_not_given(
    graded: dict[str, SubmissionResult],
) -> None:
    result = graded["stub"]
    root = page(result)
    assert root.find_all("article", "card") == []  # nothing failed: every answer is still to give
    blocks = root.find_all("article", "todo")
    assert [b.find("h3").text for b in blocks] == [e.title for e in ordered(result.exercises)]
    lines = [li for b in blocks for li in b.find_all("li")]
    assert all(NOT_IMPLEMENTED in li.text for li in lines)
    assert len(lines) < len(not_passed(result))  # one line per unfilled slot, not per check
    rows = root.find("tbody").find_all("tr")
    assert {r.find("span", "status").text for r in rows} == {STATUS_LABELS["unanswered"]}
    assert rows[-1].find_all("td")[2].text == NOT_ATTEMPTED  # the bonus, never owed, comes last


# --- a real kernel: a notebook whose cell raises --------------------------------------------------------


@pytest.mark.kernel
def test_when_a_notebook_cell_raises_then_the_html_shows_the_cell_and_marks_the_line(
    tmp_path: Path,
) -> None:
    notebook = nbformat.read(PACK.stub_notebook, as_version=4)  # the stub: its checks fail fast
    notebook.cells.append(nbformat.v4.new_code_cell("scale = 0\nprint(1 / scale)"))
    path = tmp_path / "raises.ipynb"
    nbformat.write(notebook, path)
    result = grade(path, options=GradeOptions(device="cpu"))
    (error,) = result.execution.cell_errors
    root = page(result)
    (section,) = [s for s in root.find_all("section") if s.attrs.get("id") == "notebook"]
    text = " ".join(section.text.split())
    assert f"{error.location} raised ZeroDivisionError: division by zero" in text
    assert error.line == 2 and error.location  # worded by grader.submission, as the student finds it
    marks = [m.text for m in section.find_all("mark")]
    assert marks and "print(1 / scale)" in marks[-1]
    assert "ZeroDivisionError" in render(result, "md") and "ZeroDivisionError" in render(result, "txt")


# --- pictures: drawn once in the page, printed in the terminal wherever the page draws them --------------


def test_when_a_failed_check_draws_pictures_then_its_terminal_text_prints_each_of_them(
    graded: dict[str, SubmissionResult],
) -> None:
    pictured = [c for c in not_passed(graded["diagonal/eye_changed_by_transpose"]).values()
                if c.exhibits]
    assert pictured
    for check in pictured:
        text = render_failure(check)
        for exhibit in check.exhibits:
            assert str(exhibit["label"]) in text, (check.item_id, exhibit["label"])


def test_when_the_solution_is_rendered_then_each_question_shows_its_pictures_once(
    graded: dict[str, SubmissionResult],
) -> None:
    root = page(graded["solution"])
    (seen,) = [s for s in root.find_all("section") if s.attrs.get("id") == "seen"]
    cards = seen.find_all("article")
    titles = [c.find("h3").text.split(":")[0] for c in cards]
    assert len(titles) == len(set(titles))  # one card per question
    for found in cards:
        drawn = [(f.find("figcaption").find("b").text, f.find("g", "cells").text)
                 for f in found.find_all("figure") if f.find_all("g", "cells")]
        assert len(drawn) == len(set(drawn)), found.find("h3").text
