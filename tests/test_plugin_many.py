"""``pytest --grade`` with several submissions and folders, and under pytest-xdist.

Most runs are in-process, grading replaced by prepared results per file name (no kernel). The
``kernel`` test grades the pack's solution and stub for real, alone and with ``-n 2``: each one's
first cell appends its name to a file, which counts how often it was graded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from exercises.conv_layer import PACK
from grader.catalog.model import Pack
from grader.frontends import messages as say
from grader.frontends.pytest_plugin import messages
from grader.results.model import SubmissionResult

MakeResult = Callable[..., SubmissionResult]
Grades = dict[str, SubmissionResult | BaseException]
#: The calls a faked ``grade`` received, each its arguments.
Calls = list[dict[str, object]]

ISOLATED = ("-p", "no:hypothesispytest", "-p", "no:benchmark", "-p", "no:cacheprovider")
#: frontend_result()'s outcome per item, and frontend_passing_result()'s.
MIXED = {
    "good::matches[cpu]": "passed", "good::matches[cuda]": "skipped", "good::secret[cpu]": "passed",
    "bad::keeps_dtype[cpu]": "failed", "broken::runs[cpu]": "failed", "slow::fast[cpu]": "failed",
    "gpu_only::on_cuda[cuda]": "skipped",
}
PASSING = {item: "skipped" if "cuda" in item else "passed" for item in MIXED}


@pytest.fixture
def graded_by_name(
    frontend_pack_installed: Pack,
    grade_calls: Callable[[Grades], Calls],
) -> Callable[[Grades], Calls]:
    """Make `grade` return (or raise) what ``grades`` holds for the file's name; returns the calls
    it received, in order (``graded_paths`` reads their paths)."""
    return grade_calls


def graded_paths(calls: Calls) -> list[Path]:
    return [Path(str(call["path"])) for call in calls]


class SysPathSeen:
    """A plugin for the inner run: ``sys.path`` as its configuration starts."""

    def pytest_configure(self, config: pytest.Config) -> None:
        self.paths = list(sys.path)


def outcomes(recorder: pytest.HookRecorder) -> dict[str, str]:
    """Node id -> passed | skipped | failed."""
    reports = zip(("passed", "skipped", "failed"), recorder.listoutcomes(), strict=True)
    return {report.nodeid: outcome for outcome, listed in reports for report in listed}


def of(submission: str, items: dict[str, str]) -> dict[str, str]:
    """The node ids of ``items`` under one submission."""
    return {f"{submission}::{item}": outcome for item, outcome in items.items()}


def collected_files(recorder: pytest.HookRecorder) -> list[str]:
    """The submission part of each collected item's node id, in collection order, once each."""
    ids = [call.item.nodeid for call in recorder.getcalls("pytest_itemcollected")]
    return list(dict.fromkeys(nodeid.split("::")[0] for nodeid in ids))


def saved_for(folder: Path, name: str, result: SubmissionResult, to: str) -> None:
    """``result`` saved as ``to``, made a result of the file ``name`` as it is now (its sha256)."""
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    info = dataclasses.replace(result.submission, sha256=digest)
    dataclasses.replace(result, submission=info).write(folder / to)


@pytest.mark.parametrize("xdist", [(), ("-p", "no:xdist")], ids=["xdist-installed", "without-xdist"])
def test_when_two_submissions_are_given_then_each_is_graded_once_for_its_own_items_and_totalled(
    xdist: tuple[str, ...], pytester: pytest.Pytester, graded_by_name: Callable[[Grades], Calls],
    frontend_result: MakeResult, frontend_passing_result: MakeResult,
) -> None:
    calls = graded_by_name({"alice.ipynb": frontend_passing_result("alice.ipynb"),
                            "bob.ipynb": frontend_result("bob.ipynb")})
    pytester.makefile(".ipynb", alice="{}", bob="[]")
    args = (*ISOLATED, *xdist, "--grade", "alice.ipynb", "--grade", "bob.ipynb")
    recorder = pytester.inline_run(*args)
    assert outcomes(recorder) == {**of("alice.ipynb", PASSING), **of("bob.ipynb", MIXED)}
    assert graded_paths(calls) == [pytester.path / "alice.ipynb", pytester.path / "bob.ipynb"]
    run = pytester.runpytest_inprocess(*args)
    run.stdout.fnmatch_lines([
        "*= grade: 2 submissions =*",
        "alice.ipynb: Total: 6/7 points (incomplete: *)",
        "bob.ipynb: Total: 3/7 points (incomplete: *)",
    ])


def test_when_a_folder_is_given_then_its_submissions_are_graded_once_each_in_order_not_tools_copies(
    pytester: pytest.Pytester, graded_by_name: Callable[[Grades], Calls],
    frontend_result: MakeResult,
) -> None:
    calls = graded_by_name({"conv.ipynb": frontend_result(), "conv.py": frontend_result()})
    for name in ("class/bob/conv.py", "class/alice/conv.ipynb", "class/alice/notes.txt",
                 "class/alice/.ipynb_checkpoints/conv-checkpoint.ipynb", "class/__pycache__/conv.py",
                 "class/.git/hooks/conv.py", "class/._conv.ipynb", "class/bob/__init__.py",
                 "class/conftest.py"):
        pytester.path.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
        pytester.path.joinpath(name).write_text("{}")
    (pytester.path / "class" / "link.py").symlink_to(pytester.path / "class" / "bob" / "conv.py")
    recorder = pytester.inline_run(*ISOLATED, "--grade", "class/bob/conv.py", "--grade", "class",
                                   "--grade", "./class/bob/conv.py")  # bob's file named three times
    assert collected_files(recorder) == ["class/bob/conv.py", "class/alice/conv.ipynb"]
    assert outcomes(recorder) == {**of("class/alice/conv.ipynb", MIXED), **of("class/bob/conv.py", MIXED)}
    assert graded_paths(calls) == [pytester.path / "class/bob/conv.py",
                                   pytester.path / "class/alice/conv.ipynb"]


@pytest.mark.parametrize(
    ("grade", "message"),
    [
        (("--grade", "empty"), messages.NO_SUBMISSION_IN_FOLDER.format(path="empty")),
        (("--grade", "sub.ipynb", "--grade", "missing/"), say.NO_SUCH_FILE.format(path="missing/")),
    ],
    ids=["folder-without-submissions", "missing-path"],
)
def test_when_a_value_names_no_submission_then_pytest_stops_saying_what_to_do_and_grades_nothing(
    grade: tuple[str, ...], message: str, pytester: pytest.Pytester,
    graded_by_name: Callable[[Grades], Calls], frontend_result: MakeResult,
) -> None:
    calls = graded_by_name({"sub.ipynb": frontend_result()})
    pytester.makefile(".ipynb", sub="{}")
    (pytester.path / "empty" / ".ipynb_checkpoints").mkdir(parents=True)
    (pytester.path / "empty" / ".ipynb_checkpoints" / "sub-checkpoint.ipynb").write_text("{}")
    (pytester.path / "empty" / "notes.txt").write_text("not a submission")
    run = pytester.runpytest_inprocess(*ISOLATED, *grade)
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in run.stderr.lines if line.strip()] == [f"ERROR: {message}"]
    assert calls == []


def test_when_grading_one_submission_crashes_then_the_others_are_still_graded_and_reported(
    pytester: pytest.Pytester, graded_by_name: Callable[[Grades], Calls],
    frontend_result: MakeResult,
) -> None:
    calls = graded_by_name({"alice.ipynb": RuntimeError("boom"), "bob.ipynb": frontend_result("bob.ipynb")})
    pytester.makefile(".ipynb", alice="{}", bob="[]")
    args = (*ISOLATED, "--grade", "alice.ipynb", "--grade", "bob.ipynb")
    recorder = pytester.inline_run(*args)
    crash = say.INTERNAL_ERROR.format(type="RuntimeError", message="boom")
    assert outcomes(recorder) == {**of("alice.ipynb", dict.fromkeys(MIXED, "failed")),
                                  **of("bob.ipynb", MIXED)}
    assert {r.longreprtext for r in recorder.listoutcomes()[2] if "alice" in r.nodeid} == {crash}
    assert len(calls) == 2
    run = pytester.runpytest_inprocess(*args)
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    run.stdout.fnmatch_lines(["*= grade: 2 submissions =*", f"alice.ipynb: {crash}",
                              "bob.ipynb: Total: 3/7 points (incomplete: *)"])


def test_when_a_folder_is_graded_then_none_of_its_code_runs_here_nor_stays_on_sys_path(
    pytester: pytest.Pytester, graded_by_name: Callable[[Grades], Calls],
    frontend_result: MakeResult,
) -> None:
    """A conftest.py would be loaded, a package's ``__init__.py`` imported (for its setup) in this
    process; a ``pythonpath`` setting would put the students' folders first on ``sys.path``."""
    graded_by_name(dict.fromkeys(("conv.ipynb", "__init__.py", "conftest.py"), frontend_result()))
    ran = pytester.path / "ran"
    for name in ("class/alice/conv.ipynb", "class/bob/conv.ipynb"):
        pytester.path.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
        pytester.path.joinpath(name).write_text("{}")
    for name in ("__init__.py", "conftest.py"):
        (pytester.path / "class" / "alice" / name).write_text(f"open({str(ran)!r}, 'a').write('{name}')\n")
    pytester.makeini("[pytest]\npythonpath = class class/alice class/bob\n")
    seen = SysPathSeen()
    recorder = pytester.inline_run(*ISOLATED, "--grade", "class", plugins=[seen])
    # alice's and bob's notebooks only: a package's __init__.py and a conftest.py are no one's answers
    assert len(outcomes(recorder)) == 2 * len(MIXED) and not ran.exists()
    folders = {pytester.path / "class", pytester.path / "class" / "alice", pytester.path / "class" / "bob"}
    assert {Path(p).resolve() for p in seen.paths} & folders == set()


# -- --grade-from: each submission takes the result of its own bytes ---------------------------------


def test_when_results_are_replayed_for_several_submissions_then_each_takes_the_one_of_its_bytes(
    pytester: pytest.Pytester, graded_by_name: Callable[[Grades], Calls],
    frontend_result: MakeResult, frontend_passing_result: MakeResult,
) -> None:
    calls = graded_by_name({})
    pytester.makefile(".ipynb", alice="{}", bob="[]", carol="[]")  # carol handed in bob's file
    saved_for(pytester.path, "alice.ipynb", frontend_passing_result("alice.ipynb"), "alice.json")
    saved_for(pytester.path, "bob.ipynb", frontend_result("bob.ipynb"), "bob.json")
    recorder = pytester.inline_run(*ISOLATED, "--grade", "alice.ipynb", "--grade", "bob.ipynb",
                                   "--grade", "carol.ipynb", "--grade-from", "bob.json",
                                   "--grade-from", "alice.json")
    assert outcomes(recorder) == {**of("alice.ipynb", PASSING), **of("bob.ipynb", MIXED),
                                  **of("carol.ipynb", MIXED)}
    assert calls == []


def test_when_no_result_given_is_of_a_submission_then_pytest_refuses_naming_it(
    pytester: pytest.Pytester, graded_by_name: Callable[[Grades], Calls],
    frontend_result: MakeResult,
) -> None:
    calls = graded_by_name({})
    pytester.makefile(".ipynb", alice="{}", bob="[]")
    saved_for(pytester.path, "alice.ipynb", frontend_result("alice.ipynb"), "alice.json")
    saved_for(pytester.path, "bob.ipynb", frontend_result("bob.ipynb"), "bob.json")
    (pytester.path / "bob.ipynb").write_text('{"cells": []}')  # edited since
    run = pytester.runpytest_inprocess(*ISOLATED, "--grade", "alice.ipynb", "--grade", "bob.ipynb",
                                       "--grade-from", "alice.json", "--grade-from", "bob.json")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    now = hashlib.sha256(b'{"cells": []}').hexdigest()[:messages.SHA256_SHOWN]
    command = messages.REGRADE_COMMAND.format(submission="bob.ipynb", result="bob.json")
    assert run.stderr.lines[0] == "ERROR: " + messages.GRADE_FROM_NONE_OF_IT.format(
        count=2, submission="bob.ipynb", actual=now, command=command)
    assert calls == []


# -- pytest-xdist ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["load", "loadscope", "loadgroup", "worksteal", "each"])
def test_when_a_distribution_mode_would_split_a_submission_then_pytest_refuses_it(
    mode: str, pytester: pytest.Pytester, graded_by_name: Callable[[Grades], Calls],
    frontend_result: MakeResult,
) -> None:
    calls = graded_by_name({"sub.ipynb": frontend_result()})
    pytester.makefile(".ipynb", sub="{}")
    run = pytester.runpytest_inprocess(*ISOLATED, "--grade", "sub.ipynb", "-n", "2", "--dist", mode)
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    assert run.stderr.lines[0] == "ERROR: " + messages.DIST_SPLITS.format(mode=mode)
    assert calls == []


@pytest.mark.parametrize(("args", "mode"), [(("-n", "2"), "loadfile"), (("-n", "0"), "no"), ((), "no")])
def test_when_no_distribution_mode_is_given_then_workers_take_whole_submissions(
    args: tuple[str, ...], mode: str, pytester: pytest.Pytester, frontend_pack_installed: Pack,
) -> None:
    pytester.makefile(".ipynb", sub="{}")
    recorder = pytester.inline_run(*ISOLATED, "--grade", "sub.ipynb", *args, "--collect-only")
    (call,) = recorder.getcalls("pytest_collection_finish")
    assert call.session.config.option.dist == mode


# -- graded for real: the pack's solution and stub, and a corrupt notebook -------------------------


def junit_outcomes(path: Path) -> dict[tuple[str, str], str]:
    """(classname, name) -> passed | failed | skipped | xfailed, from a JUnit XML report."""
    found: dict[tuple[str, str], str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        skip = case.find("skipped")
        found[(case.get("classname", ""), case.get("name", ""))] = (
            "failed" if case.find("failure") is not None else "passed" if skip is None
            else "xfailed" if skip.get("type") == "pytest.xfail" else "skipped")
    return found


@pytest.mark.kernel
@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["one-process", "xdist"])
def test_when_a_class_is_graded_then_each_submission_is_graded_once_with_its_own_verdicts(
    workers: tuple[str, ...], pytester: pytest.Pytester,
) -> None:
    counter = pytester.path / "graded.txt"
    folder = pytester.mkdir("class")
    for name, source in (("solution", PACK.solution_module), ("stub", PACK.stub_module)):
        count = f"# %%\nwith open({str(counter)!r}, 'a') as f:\n    f.write('{name}\\n')\n\n"
        (folder / f"{name}.py").write_text(count + source.read_text())
    (folder / "corrupt.ipynb").write_text('{"cells": [')
    run = pytester.runpytest_subprocess(*ISOLATED, "--grade", "class", "--grade-device", "cpu",
                                        "--junitxml=junit.xml", *workers)
    assert sorted(counter.read_text().split()) == ["solution", "stub"]
    expected = {}
    for exercise, check, device in ((e, c, d) for e in PACK.exercises for c in e.checks for d in c.devices):
        cuda = device == "cuda"
        for name, outcome in (("solution.py", "skipped" if cuda else "passed"), ("corrupt.ipynb", "failed"),
                              ("stub.py", "skipped" if cuda else "xfailed" if check.bonus else "failed")):
            # JUnit names the file as a dotted path, without ".py".
            expected[(f"class.{name.removesuffix('.py')}.{exercise.id}", f"{check.id}[{device}]")] = outcome
    assert junit_outcomes(pytester.path / "junit.xml") == expected
    run.stdout.fnmatch_lines([
        "*= grade: 3 submissions =*",
        "class/corrupt.ipynb: Total: 0/*", "class/solution.py: Total: *", "class/stub.py: Total: 0/*",
    ])
