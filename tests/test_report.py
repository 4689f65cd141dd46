"""The terminal summary and `grader list`, rendered from results and packs built in code."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from grader.catalog.model import Pack
from grader.reports import (
    render,
    render_failure,
    render_pack,
    render_terminal,
    render_total,
)
from grader.reports.environment import environment
from grader.reports.formats import FORMATS, format_for
from grader.reports.text import DEFAULT_LIMITS
from grader.results.model import CellError, ExecutionInfo, SubmissionResult

MakeResult = Callable[..., SubmissionResult]


def test_when_every_status_occurs_then_each_exercise_line_has_its_icon_word_points_and_title(
    frontend_result: MakeResult,
) -> None:
    text = render_terminal(frontend_result(), color=False)
    lines = text.splitlines()
    for expected in (
        ("✔ passed", "3/3", "Cross-correlation"),
        ("✘ failed", "0/1", "Edge detection"),
        ("! error", "0/1", "Learning a kernel"),
        ("⏱ timed out", "0/1", "Padding"),
        ("- skipped", "0/1", "On the GPU"),
    ):
        assert any(all(part in line for part in expected) for line in lines), expected


def test_when_rendering_then_the_header_names_submission_score_pack_and_skipped_devices(
    frontend_result: MakeResult,
) -> None:
    header = render_terminal(frontend_result(), color=False).splitlines()[:2]
    assert header[0].startswith("sub.ipynb: 3/7 points")
    assert "pack frontend_pack" in header[0]
    assert "cuda (skipped: CUDA is not available on this machine)" in header[1]


def test_when_a_check_failed_then_its_item_id_message_hint_and_cell_follow_the_exercise_line(
    frontend_result: MakeResult,
) -> None:
    made = frontend_result()
    # The place as grading writes it (``location``); the cell and line alone are not reworded.
    located = made.with_exercises(tuple(
        dataclasses.replace(e, checks=tuple(dataclasses.replace(c, location="cell 4, line 3")
                                            for c in e.checks)) if e.id == "bad" else e
        for e in made.exercises))
    lines = render_terminal(located, color=False).splitlines()
    at = next(i for i, line in enumerate(lines) if "Edge detection" in line)
    assert [line.strip() for line in lines[at + 1 : at + 5]] == [
        "bad::keeps_dtype[cpu]",
        "corr2d returned float64; expected float32",
        "hint: build the output with the input's dtype",
        "at cell 4, line 3",
    ]


def test_when_an_exercise_is_skipped_then_the_reason_is_shown(frontend_result: MakeResult) -> None:
    lines = render_terminal(frontend_result(), color=False).splitlines()
    at = next(i for i, line in enumerate(lines) if "On the GPU" in line)
    assert lines[at + 1].strip() == "CUDA is not available on this machine"


def test_when_a_counting_check_was_skipped_then_the_total_says_incomplete(
    frontend_result: MakeResult,
) -> None:
    text = render_terminal(frontend_result(), color=False)
    assert text.rstrip().splitlines()[-1] == (
        "Total: 3/7 points (incomplete: 1 check that count could not run here)"
    )


def test_when_no_counting_check_was_skipped_then_the_total_says_complete(
    frontend_result: MakeResult,
) -> None:
    result = frontend_result()
    result = result.with_exercises(result.exercises[:-1])  # drop the counting cuda-only check
    assert render_total(result) == "Total: 3/6 points (complete)"


def test_when_the_submission_could_not_run_then_it_says_not_graded_and_shows_no_failures(
    frontend_result: MakeResult,
) -> None:
    text = render_terminal(frontend_result(error="sub.ipynb: not valid JSON"), color=False)
    assert "Not graded: sub.ipynb: not valid JSON" in text
    assert "::" not in text
    assert text.rstrip().endswith("Total: 0/7 points (not graded)")


def test_when_cells_raised_timed_out_or_died_then_each_is_listed_with_its_location(
    frontend_result: MakeResult,
) -> None:
    errors = (
        CellError(2, "raised", "NameError", "name 'x' is not defined", line=3,
                  location="cell 2, line 3"),
        CellError(3, "timeout", "CellTimeoutError", "60 s"),  # a result written without places
        CellError(4, "died", "DeadKernelError", "exit code 1"),
    )
    result = dataclasses.replace(frontend_result(), execution=ExecutionInfo(5, errors, 1))
    text = render_terminal(result, color=False)
    assert "cell 2, line 3 raised NameError: name 'x' is not defined" in text
    assert "cell 3 did not finish in time and was stopped" in text
    assert "cell 4 killed the kernel (DeadKernelError: exit code 1)" in text
    assert "The kernel was restarted 1 time." in text


def test_when_the_submission_is_a_module_then_locations_name_its_percent_cells(
    frontend_result: MakeResult,
) -> None:
    result = frontend_result("sub.py")
    errors = (CellError(2, "raised", "NameError", "name 'x' is not defined", line=3,
                        location="line 12"),)
    result = dataclasses.replace(
        result, submission=dataclasses.replace(result.submission, kind="module"),
        execution=ExecutionInfo(5, errors), exercises=tuple(
            dataclasses.replace(e, checks=tuple(dataclasses.replace(c, location="line 9, in corr2d")
                                                for c in e.checks))
            for e in result.exercises),
    )
    text = render_terminal(result, color=False)
    assert "at line 9, in corr2d" in text  # the place as grading wrote it, never reworded
    assert "line 12 raised NameError" in text
    assert "# %%" not in text and "cell 4" not in text
    assert "Your module:" in text


def test_when_free_text_answers_exist_then_the_count_written_is_shown(
    frontend_result: MakeResult,
) -> None:
    text = render_terminal(frontend_result(), color=False)
    assert "Free-text answers: 1 of 1 written" in text


def test_when_color_is_off_then_there_is_no_ansi_and_when_on_then_statuses_are_coloured(
    frontend_result: MakeResult,
) -> None:
    assert "\x1b[" not in render_terminal(frontend_result(), color=False)
    coloured = render_terminal(frontend_result(), color=True)
    assert "\x1b[32m✔ passed" in coloured
    assert "\x1b[31m✘ failed" in coloured


def test_when_rendering_a_failure_for_pytest_then_it_is_plain_student_text(
    frontend_result: MakeResult,
) -> None:
    failing = frontend_result().exercises[1].checks[0]
    located = dataclasses.replace(failing, location="cell 4, line 3, in corr2d")
    assert render_failure(located) == (
        "corr2d returned float64; expected float32\n"
        "hint: build the output with the input's dtype\n"
        "at cell 4, line 3, in corr2d"
    )
    # A result that names no place (only a cell and a line) gets none made up from them.
    assert render_failure(failing) == (
        "corr2d returned float64; expected float32\n"
        "hint: build the output with the input's dtype"
    )


def test_when_listing_a_pack_then_every_check_shows_points_devices_and_title(
    frontend_pack: Pack,
) -> None:
    text = render_pack(frontend_pack)
    assert text.splitlines()[0] == "frontend_pack: Front-end test pack (7 points)"
    assert "good: Cross-correlation (3 points)" in text
    matches = next(line for line in text.splitlines() if line.strip().startswith("matches"))
    assert "2 points" in matches and "cpu,cuda" in matches and "Matches torch" in matches
    assert "A hidden property (hidden)" in text
    assert "Why is it not a convolution?" in text


def test_when_a_later_report_is_html_then_the_shared_environment_escapes_it_and_not_text() -> None:
    env = environment()
    assert env is environment()
    assert callable(env.autoescape)
    assert env.autoescape("report.html.j2") is True
    assert env.autoescape("terminal.txt.j2") is False


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("r.html", "html"), ("R.HTM", "html"), ("r.md", "md"), ("r.markdown", "md"), ("r.txt", "txt"),
     ("r.json", "json"), ("r.pdf", None), ("report", None)],
)
def test_when_a_file_is_named_then_its_extension_picks_the_report_format(name: str,
                                                                          fmt: str | None) -> None:
    assert format_for(name) == fmt


def test_when_rendering_each_format_then_it_is_that_format_and_an_unknown_one_is_refused(
    frontend_result: MakeResult,
) -> None:
    result = frontend_result()
    outputs = {fmt: render(result, fmt) for fmt in FORMATS}
    assert outputs["html"].startswith("<!DOCTYPE html>")
    assert outputs["md"].startswith("## ")
    assert outputs["txt"] == render_terminal(result, color=False)
    assert SubmissionResult.from_json(outputs["json"]) == result
    with pytest.raises(ValueError, match="pdf"):
        render(result, "pdf")


def test_when_a_student_string_is_huge_then_the_terminal_summary_stays_short(
    frontend_result: MakeResult,
) -> None:
    result = frontend_result()
    bad = result.exercises[1]
    check = dataclasses.replace(bad.checks[0], message="x" * 1_000_000, hint="y" * 1_000_000)
    huge = result.with_exercises((result.exercises[0], dataclasses.replace(bad, checks=(check,)),
                                  *result.exercises[2:]))
    text = render_terminal(huge, color=False)
    assert len(text) < 10_000
    assert "x" * DEFAULT_LIMITS.message + "\u2026\n" in text
    assert "x" * (DEFAULT_LIMITS.message + 1) not in text
