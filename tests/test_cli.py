"""`grader check` and `grader list`, with grading replaced by prepared results (no kernel)."""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from grader import grading
from grader.catalog.model import Pack
from grader.errors import ExerciseDefinitionError, UsageError
from grader.frontends import messages as say
from grader.frontends.cli import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main
from grader.options import CALL_TIMEOUT, CELL_TIMEOUT, COUNT_CUDA, DEVICE, SEED
from grader.results.feedback import redact
from grader.results.model import Status, SubmissionResult

MakeResult = Callable[..., SubmissionResult]


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    path = tmp_path / "sub.ipynb"
    path.write_text("{}", encoding="utf-8")
    return path


def test_when_everything_that_ran_passed_then_exit_0_even_with_skipped_checks(
    submission: Path, graded_as: Callable[..., object], frontend_passing_result: MakeResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(frontend_passing_result())
    assert main(["check", str(submission)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "- skipped" in out and "Total: 6/7 points" in out


def test_when_a_check_failed_timed_out_or_errored_then_exit_1_and_the_summary_shows_it(
    submission: Path, graded_as: Callable[..., object], frontend_result: MakeResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(frontend_result())
    assert main(["check", str(submission)]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert "bad::keeps_dtype[cpu]" in captured.out
    assert captured.err == ""


@pytest.mark.parametrize("status", ["failed", "error", "timeout"])
def test_when_only_one_check_does_not_pass_then_exit_1(
    status: Status, submission: Path, graded_as: Callable[..., object],
    frontend_passing_result: MakeResult,
) -> None:
    result = frontend_passing_result()
    first = result.exercises[0]
    broken = dataclasses.replace(first.checks[0], status=status, points=0.0)
    exercise = dataclasses.replace(first, checks=(broken, *first.checks[1:]))
    graded_as(result.with_exercises((exercise, *result.exercises[1:])))
    assert main(["check", str(submission)]) == EXIT_FAILED


def test_when_the_submission_could_not_run_then_exit_2_with_one_error_line_and_json_still_written(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_result: MakeResult, capsys: pytest.CaptureFixture[str],
) -> None:
    result = frontend_result(error="sub.ipynb: not valid JSON (line 1)")
    graded_as(result)
    out = tmp_path / "result.json"
    assert main(["check", str(submission), "--json", str(out)]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.err == "error: sub.ipynb: not valid JSON (line 1)\n"
    assert SubmissionResult.read(out) == redact(result, "hints")  # as a student may see it


def test_when_the_file_does_not_exist_then_exit_2_without_grading(
    tmp_path: Path, graded_as: Callable[..., list[object]], frontend_result: MakeResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls = graded_as(frontend_result())
    missing = tmp_path / "nope.ipynb"
    assert main(["check", str(missing)]) == EXIT_USAGE
    assert capsys.readouterr().err == (
        say.ERROR_LINE.format(message=say.NO_SUCH_FILE.format(path=missing)) + "\n"
    )
    assert calls == []


@pytest.mark.parametrize(
    "argv", [["check"], ["check", "x.ipynb", "--device", "tpu"], ["frobnicate"], []]
)
def test_when_the_command_line_is_wrong_then_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == EXIT_USAGE
    assert "usage: grader" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--call-timeout", "nan"], f"argument --call-timeout: nan is {CALL_TIMEOUT.reason}"),
        (["--cell-timeout=0"], f"argument --cell-timeout: 0 is {CELL_TIMEOUT.reason}"),
        (["--seed", "-1"], f"argument --seed: -1 is {SEED.reason}"),
        (["--device", "tpu"], f"argument --device: tpu is {DEVICE.reason}"),
    ],
)
def test_when_an_option_value_is_refused_then_argparse_says_which_and_why_and_nothing_is_graded(
    argv: list[str], complaint: str, submission: Path, graded_as: Callable[..., list[object]],
    frontend_result: MakeResult, capsys: pytest.CaptureFixture[str],
) -> None:
    calls = graded_as(frontend_result())
    assert main(["check", str(submission), *argv]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("usage: grader check") and err.endswith(f"grader check: error: {complaint}\n")
    assert calls == []


def test_when_options_are_not_given_then_grade_receives_the_tables_defaults(
    submission: Path, graded_as: Callable[..., list[dict[str, object]]],
    frontend_passing_result: MakeResult,
) -> None:
    calls = graded_as(frontend_passing_result())
    main(["check", str(submission)])
    assert calls[0]["options"] == grading.GradeOptions()


def test_when_grading_raises_a_usage_error_then_exit_2_with_its_message(
    submission: Path, graded_as: Callable[..., object], capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(UsageError("--device cuda was asked for but CUDA is not available here"))
    assert main(["check", str(submission), "--device", "cuda"]) == EXIT_USAGE
    assert capsys.readouterr().err == (
        "error: --device cuda was asked for but CUDA is not available here\n"
    )


def test_when_the_pack_is_unknown_then_exit_2(
    submission: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    def no_pack(name: str | None = None) -> Pack:
        raise UsageError(f"unknown exercise pack {name!r}")

    monkeypatch.setattr("grader.catalog.registry.load_pack", no_pack)
    assert main(["check", str(submission), "--pack", "nope"]) == EXIT_USAGE
    assert capsys.readouterr().err == "error: unknown exercise pack 'nope'\n"


def test_when_the_pack_is_broken_then_exit_3_and_blame_the_pack(
    submission: Path, graded_as: Callable[..., object], capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(ExerciseDefinitionError("check 'x' names 'run_x', which is not defined"))
    assert main(["check", str(submission)]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("error: the exercise pack is broken: check 'x'") and "Traceback" not in err


def test_when_the_grader_has_a_bug_then_exit_3_with_one_line_and_no_traceback(
    submission: Path, graded_as: Callable[..., object], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GRADER_DEBUG", raising=False)
    graded_as(ZeroDivisionError("division by zero"))
    assert main(["check", str(submission)]) == EXIT_INTERNAL
    assert capsys.readouterr().err == say.INTERNAL_ERROR.format(
        type="ZeroDivisionError", message="division by zero"
    ) + "\n"


def test_when_grader_debug_is_set_then_an_internal_error_also_shows_the_traceback(
    submission: Path, graded_as: Callable[..., object], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRADER_DEBUG", "1")
    graded_as(ZeroDivisionError("division by zero"))
    assert main(["check", str(submission)]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" in err and err.endswith("please report it\n")


def test_when_json_is_asked_for_then_the_file_reads_back_as_the_same_result(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_result: MakeResult,
) -> None:
    result = frontend_result()
    graded_as(result)
    out = tmp_path / "out" / "result.json"
    out.parent.mkdir()
    main(["check", str(submission), "--json", str(out), "--feedback", "full"])
    assert SubmissionResult.read(out) == result


def test_when_json_goes_to_stdout_then_stdout_is_only_json_and_the_summary_goes_to_stderr(
    submission: Path, graded_as: Callable[..., object], frontend_result: MakeResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = frontend_result()
    graded_as(result)
    assert main(["check", str(submission), "--json", "-", "--feedback", "full"]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert SubmissionResult.from_dict(json.loads(captured.out)) == result
    assert "Total: 3/7 points" in captured.err


def test_when_the_json_file_cannot_be_written_then_exit_2(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_passing_result: MakeResult, capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(frontend_passing_result())
    out = tmp_path / "missing-dir" / "result.json"
    assert main(["check", str(submission), "--json", str(out)]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith(f"error: cannot write {out}: ")


def test_when_the_json_target_is_a_directory_then_one_error_line_and_exit_2(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_passing_result: MakeResult, capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(frontend_passing_result())
    out = tmp_path / "result.json"
    out.mkdir()
    assert main(["check", str(submission), "--json", str(out)]) == EXIT_USAGE
    reason = os.strerror(errno.EISDIR)
    assert capsys.readouterr().err == (
        say.ERROR_LINE.format(message=say.CANNOT_WRITE.format(path=out, reason=reason)) + "\n"
    )
    assert out.is_dir() and not list(tmp_path.glob(".*.tmp"))


def test_when_outputs_are_planted_links_then_check_and_report_replace_them_and_spare_the_targets(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_result: MakeResult,
) -> None:
    result = frontend_result()
    graded_as(result)
    canary = tmp_path / "canary.txt"
    canary.write_text("keep\n", encoding="utf-8")
    links = {name: tmp_path / name for name in ("result.json", "report.html", "again.md")}
    for link in links.values():
        link.symlink_to(canary)
    main(["check", str(submission), "--json", str(links["result.json"]),
          "--report", str(links["report.html"])])
    assert main(["report", str(links["result.json"]), "-o", str(links["again.md"])]) == EXIT_OK
    assert canary.read_text(encoding="utf-8") == "keep\n"
    assert not any(link.is_symlink() for link in links.values())
    assert SubmissionResult.read(links["result.json"]) == redact(result, "hints")


def test_when_options_are_given_then_grade_receives_them_and_the_pack(
    submission: Path, graded_as: Callable[..., list[dict[str, object]]],
    frontend_passing_result: MakeResult, frontend_pack_installed: Pack,
) -> None:
    calls = graded_as(frontend_passing_result())
    main([
        "check", str(submission), "--device", "cpu", "--seed", "7", "--cell-timeout", "5",
        "--call-timeout", "2.5", "--count-cuda", "--pack", "frontend_pack",
    ])
    (call,) = calls
    assert call["path"] == submission
    assert call["pack"] is frontend_pack_installed
    assert call["options"] == grading.GradeOptions(
        device="cpu", seed=7, cell_timeout=5.0, call_timeout=2.5, count_cuda=True
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("argv", "env", "coloured"),
    [([], {}, True), (["--no-color"], {}, False), ([], {"NO_COLOR": "1"}, False)],
)
def test_when_writing_to_a_terminal_then_colour_unless_no_color_is_asked_for(
    argv: list[str], env: dict[str, str], coloured: bool, submission: Path,
    graded_as: Callable[..., object], frontend_result: MakeResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    graded_as(frontend_result())
    main(["check", str(submission), *argv])
    assert ("\x1b[" in terminal.getvalue()) is coloured


def test_when_not_writing_to_a_terminal_then_no_colour(
    submission: Path, graded_as: Callable[..., object], frontend_result: MakeResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(frontend_result())
    main(["check", str(submission)])
    assert "\x1b[" not in capsys.readouterr().out


def test_when_listing_then_the_pack_exercises_and_checks_are_printed_with_points(
    frontend_pack_installed: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "frontend_pack: Front-end test pack (7 points)" in out
    assert "keeps_dtype" in out and "Edge detection" in out


def test_when_importing_grader_then_the_public_api_is_there_without_torch() -> None:
    code = (
        "import sys, grader; assert 'torch' not in sys.modules and 'nbclient' not in sys.modules;"
        "print(grader.__version__, grader.grade.__name__, grader.GradeOptions.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, *names = done.stdout.split()
    assert version and names == ["grade", "GradeOptions"]


LIST_WITHOUT_TORCH = """
import sys
from pathlib import Path
import grader.catalog.registry
from grader.catalog.model import Check, Exercise, Pack
here = Path(".")
pack = Pack("p", "P", (Exercise("e", "E", (Check("c", "C", 1.0, "run_c"),)),), "m",
            here, here, here, here, here)
grader.catalog.registry.load_pack = lambda name=None: pack
from grader.frontends.cli import main
code = main(["list"])
print(sorted(m for m in ("torch", "nbclient") if m in sys.modules), code)
"""


def test_when_listing_then_neither_torch_nor_nbclient_is_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LIST_WITHOUT_TORCH], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[] 0"


def test_when_run_as_python_dash_m_then_it_is_the_same_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "--count-cuda" in done.stdout and COUNT_CUDA.help[:30] in " ".join(done.stdout.split())


# --- reports: `grader check --report` and `grader report` ------------------------------------------


@pytest.mark.parametrize(
    ("name", "argv", "starts"),
    [("out.html", [], "<!DOCTYPE html>"), ("out.md", [], "## "), ("out.txt", [], "sub.ipynb: 3/7"),
     ("out.json", [], "{"), ("out.report", ["--format", "md"], "## "),
     ("out.html", ["--format", "txt"], "sub.ipynb: 3/7")],
)
def test_when_a_report_is_asked_for_then_it_is_written_in_the_format_of_its_name_or_of_format(
    name: str, argv: list[str], starts: str, submission: Path, tmp_path: Path,
    graded_as: Callable[..., object], frontend_result: MakeResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(frontend_result())
    out = tmp_path / name
    assert main(["check", str(submission), "--report", str(out), *argv]) == EXIT_FAILED
    assert out.read_text(encoding="utf-8").startswith(starts)
    assert say.REPORT_WRITTEN.format(path=out) in capsys.readouterr().out


def test_when_every_check_passed_then_writing_a_report_keeps_exit_0(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_passing_result: MakeResult,
) -> None:
    graded_as(frontend_passing_result())
    assert main(["check", str(submission), "--report", str(tmp_path / "r.html")]) == EXIT_OK


def test_when_the_submission_could_not_run_then_the_report_still_says_so_and_exit_is_2(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_result: MakeResult,
) -> None:
    graded_as(frontend_result(error="sub.ipynb: not valid JSON (line 1)"))
    out = tmp_path / "r.md"
    assert main(["check", str(submission), "--report", str(out)]) == EXIT_USAGE
    assert "**Not graded:** sub.ipynb: not valid JSON (line 1)" in out.read_text(encoding="utf-8")


def test_when_the_report_cannot_be_written_then_one_error_line_and_exit_2(
    submission: Path, tmp_path: Path, graded_as: Callable[..., object],
    frontend_passing_result: MakeResult, capsys: pytest.CaptureFixture[str],
) -> None:
    graded_as(frontend_passing_result())
    out = tmp_path / "missing-dir" / "r.html"
    assert main(["check", str(submission), "--report", str(out)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {out}: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--report", "r.pdf"], say.UNKNOWN_REPORT_FORMAT.format(path="r.pdf")),
     (["--format", "md"], say.FORMAT_NEEDS_REPORT)],
)
def test_when_the_report_format_cannot_be_told_then_exit_2_without_grading(
    argv: list[str], message: str, submission: Path, graded_as: Callable[..., list[object]],
    frontend_result: MakeResult, capsys: pytest.CaptureFixture[str],
) -> None:
    calls = graded_as(frontend_result())
    assert main(["check", str(submission), *argv]) == EXIT_USAGE
    assert capsys.readouterr().err == say.ERROR_LINE.format(message=message) + "\n"
    assert calls == []


@pytest.fixture
def saved(tmp_path: Path, frontend_result: MakeResult) -> Path:
    path = tmp_path / "result.json"
    frontend_result().write(path)
    return path


@pytest.mark.parametrize(
    ("argv", "starts"),
    [([], "sub.ipynb: 3/7"), (["--format", "md"], "## "), (["--format", "html"], "<!DOCTYPE html>"),
     (["--format", "json"], "{")],
)
def test_when_a_saved_result_is_rendered_then_stdout_has_the_report_and_exit_is_0(
    argv: list[str], starts: str, saved: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", str(saved), *argv]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out.startswith(starts) and captured.err == ""


def test_when_a_saved_result_is_rendered_to_a_file_then_its_extension_picks_the_format(
    saved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "report.htm"
    assert main(["report", str(saved), "-o", str(out)]) == EXIT_OK
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert capsys.readouterr().out == ""


def test_when_rendering_a_saved_result_to_a_terminal_then_colour_unless_no_color(
    saved: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for argv, coloured in (([], True), (["--no-color"], False), (["--format", "md"], False)):
        terminal = _Terminal()
        monkeypatch.setattr(sys, "stdout", terminal)
        main(["report", str(saved), *argv])
        assert ("\x1b[" in terminal.getvalue()) is coloured, argv


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "No such file or directory"), ("{not json", "not valid JSON (line 1, column 2)"),
     (b"\xff\xfe", say.NOT_UTF8), ("[1, 2]", "not a grading result"),
     ('{"schema": "grader.result/1"}', "not a grading result (no '"),
     ('{"schema": "grader.result/9"}', "unsupported result schema 'grader.result/9'")],
    ids=["missing", "not-json", "not-utf8", "a-list", "incomplete", "other-schema"],
)
def test_when_the_saved_result_is_unreadable_then_one_error_line_and_exit_2(
    content: str | bytes | None, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "result.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["report", str(path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot read the result {path}: {reason}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_when_the_output_name_tells_no_format_then_exit_2(
    saved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", str(saved), "-o", str(tmp_path / "r.pdf")]) == EXIT_USAGE
    assert "cannot tell the report format" in capsys.readouterr().err
