"""The course's configuration (``[tool.grader]`` in pyproject.toml, or grader.toml) and ``--feedback``
as ``grader check`` and ``grader report`` read them: the command line wins, then the nearest file,
then the table's defaults; a bad file is one line and exit code 2."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.frontends.cli import main
from grader.frontends.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from grader.options import GradeOptions
from grader.results.model import SubmissionResult

MakeResult = Callable[..., SubmissionResult]
SOLUTION = "the right dtype is float32, as the input's"


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The course's repository, the working directory, with a submission in it."""
    (tmp_path / "sub.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def revealing(frontend_result: MakeResult) -> SubmissionResult:
    """A result whose failing check carries a solution and an expected value that is the answer."""
    result = frontend_result()
    bad = result.exercises[1]
    check = dataclasses.replace(bad.checks[0], solution=SOLUTION, expected="float32",
                                expected_is_answer=True)
    return result.with_exercises((result.exercises[0], dataclasses.replace(bad, checks=(check,)),
                                  *result.exercises[2:]))


def written(course: Path, *extra: str) -> dict[str, object]:
    """``grader check sub.ipynb --json out.json`` in the course folder; the JSON it wrote."""
    assert main(["check", "sub.ipynb", "--json", "out.json", *extra]) == EXIT_FAILED
    data: dict[str, object] = json.loads((course / "out.json").read_text(encoding="utf-8"))
    return data


def failing(data: dict[str, object]) -> dict[str, object]:
    exercises = data["exercises"]
    assert isinstance(exercises, list)
    check: dict[str, object] = exercises[1]["checks"][0]
    return check


def test_when_no_configuration_then_students_get_hints_without_the_answer(
    course: Path, graded_as: Callable[..., object], revealing: SubmissionResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(revealing)
    data = written(course)
    assert data["feedback"] == "hints"
    assert (failing(data)["solution"], failing(data)["expected"]) == (None, None)
    assert failing(data)["hint"] == "build the output with the input's dtype"
    assert SOLUTION not in capsys.readouterr().out


def test_when_the_course_asks_for_full_feedback_then_the_solution_is_shown(
    course: Path, graded_as: Callable[..., object], revealing: SubmissionResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (course / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.grader]\nfeedback = "full"\n')
    graded_as(revealing)
    data = written(course)
    assert (data["feedback"], failing(data)["solution"]) == ("full", SOLUTION)
    assert f"answer: {SOLUTION}" in capsys.readouterr().out


def test_when_the_command_line_disagrees_then_it_wins_over_the_course(
    course: Path, graded_as: Callable[..., object], revealing: SubmissionResult,
) -> None:
    (course / "grader.toml").write_text('feedback = "full"\n')
    graded_as(revealing)
    data = written(course, "--feedback", "verdicts")
    assert data["feedback"] == "verdicts"
    assert (failing(data)["message"], failing(data)["hint"]) == ("does not give the right result", None)


def test_when_the_configuration_is_in_a_folder_above_then_it_is_found(
    course: Path, graded_as: Callable[..., list[dict[str, object]]], revealing: SubmissionResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (course / "grader.toml").write_text('call-timeout = 5\nseed = 7\nfeedback = "verdicts"\n')
    (course / "pyproject.toml").write_text('[project]\nname = "no-grader-table"\n')
    inner = course / "week3"
    inner.mkdir()
    monkeypatch.chdir(inner)
    calls = graded_as(revealing)
    assert main(["check", "../sub.ipynb", "--seed", "3"]) == EXIT_FAILED
    options = calls[0]["options"]
    assert isinstance(options, GradeOptions)
    assert (options.call_timeout, options.seed, options.feedback) == (5.0, 3, "verdicts")


@pytest.mark.parametrize(("text", "says"), [
    ('feedback = "everything"\n',
     "feedback = 'everything' ({path}): not a feedback level: choose one of full, hints, verdicts"),
    ("timeout = 3\n", "unknown setting 'timeout' in {path}; the settings are pack, device, seed,"),
    ("feedback = \n", "cannot read the course's configuration {path}: "),
])
def test_when_the_configuration_is_wrong_then_one_line_says_which_file_and_exit_2(
    course: Path, graded_as: Callable[..., list[dict[str, object]]], revealing: SubmissionResult,
    capsys: pytest.CaptureFixture[str], text: str, says: str,
) -> None:
    (course / "grader.toml").write_text(text)
    calls = graded_as(revealing)
    assert main(["check", "sub.ipynb"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("error: " + says.format(path=course / "grader.toml")) and err.count("\n") == 1
    assert calls == []  # refused before grading


def test_when_a_saved_result_is_rendered_then_report_follows_the_feedback_setting(
    course: Path, revealing: SubmissionResult, capsys: pytest.CaptureFixture[str],
) -> None:
    revealing.write(course / "full.json")
    assert main(["report", "full.json", "--format", "txt", "--feedback", "full"]) == EXIT_OK
    assert f"answer: {SOLUTION}" in capsys.readouterr().out
    assert main(["report", "full.json", "--format", "md"]) == EXIT_OK  # students' default: hints
    shown = capsys.readouterr().out
    assert SOLUTION not in shown and "answers withheld" in shown
    (course / "grader.toml").write_text('feedback = "verdicts"\n')
    assert main(["report", "full.json", "-o", "out.json"]) == EXIT_OK
    assert SubmissionResult.read(course / "out.json").feedback == "verdicts"
