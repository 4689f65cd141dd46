"""The product as its users meet it: real kernels, the real pack, the CLI and the pytest plugin.

The reference solutions must score full marks (notebook and module), the untouched stubs zero with
"not implemented" failures, and unusable files a one-line error with exit code 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader import messages
from grader.catalog.registry import load_pack
from grader.grading.pipeline import GradeOptions, grade
from grader.results.model import SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
PACK = load_pack("conv_layer")


def has_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def grader_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args, "--no-color"] if args[0] == "check" else
        [sys.executable, "-m", "grader", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )


@pytest.fixture(scope="module")
def solution_notebook() -> SubmissionResult:
    return grade(PACK.solution_notebook, options=GradeOptions(device="auto"))


@pytest.fixture(scope="module")
def stub_notebook() -> SubmissionResult:
    return grade(PACK.stub_notebook, options=GradeOptions(device="auto"))


@pytest.mark.kernel
def test_when_the_solution_notebook_is_graded_then_it_scores_full_marks(
    solution_notebook: SubmissionResult
) -> None:
    result = solution_notebook
    failing = [(c.item_id, c.message) for c in result.checks if c.status not in ("passed", "skipped")]
    assert failing == []
    assert result.points >= result.max_points > 0
    assert result.execution.cell_errors == ()
    assert all(a.text for a in result.answers)


@pytest.mark.kernel
def test_when_the_solution_module_is_graded_then_it_scores_full_marks() -> None:
    result = grade(PACK.solution_module, options=GradeOptions(device="cpu"))
    assert [c.item_id for c in result.checks if c.status not in ("passed", "skipped")] == []
    assert result.points >= result.max_points > 0
    assert result.submission.kind == "module"


@pytest.mark.kernel
def test_when_the_stub_is_graded_then_every_check_is_not_answered_yet(
    stub_notebook: SubmissionResult
) -> None:
    result = stub_notebook
    assert result.points == 0 and result.max_points > 0
    assert result.execution.cell_errors == ()  # the stub runs top to bottom unfilled
    ran = [c for c in result.checks if c.status != "skipped"]
    assert ran and all(c.status == "unanswered" for c in ran)
    assert all("is not implemented yet" in c.message for c in ran)
    assert {e.status for e in result.exercises} == {"unanswered"}
    assert all(a.text is None for a in result.answers)


@pytest.mark.kernel
def test_when_graded_without_cuda_then_cuda_checks_are_skipped_with_a_reason_and_count_nothing(
    solution_notebook: SubmissionResult,
) -> None:
    if has_cuda():
        pytest.skip("this machine has CUDA")
    cuda = [c for c in solution_notebook.checks if c.device == "cuda"]
    assert cuda and all(c.status == "skipped" for c in cuda)
    assert all(c.message == messages.SKIPPED_NO_CUDA and c.max_points == 0 for c in cuda)
    assert solution_notebook.complete


@pytest.mark.kernel
def test_when_the_result_is_written_then_it_has_the_documented_top_level_keys(
    solution_notebook: SubmissionResult
) -> None:
    data = json.loads(solution_notebook.to_json())
    for key in ("schema", "submission", "points", "max_points", "devices", "torch_version",
                "exercises", "answers", "seed"):
        assert key in data
    assert set(data["submission"]) >= {"path", "sha256"}
    check = data["exercises"][0]["checks"][0]
    assert set(check) >= {"id", "title", "points", "max_points", "status", "message", "hint",
                          "device", "input", "expected", "actual"}
    assert SubmissionResult.from_json(solution_notebook.to_json()) == solution_notebook


@pytest.mark.gpu
@pytest.mark.kernel
@pytest.mark.skipif("not has_cuda()", reason="needs CUDA")
def test_when_cuda_is_present_then_the_solution_passes_every_check_on_the_gpu_too() -> None:
    result = grade(PACK.solution_notebook, options=GradeOptions(device="cuda", count_cuda=True))
    cuda = [c for c in result.checks if c.device == "cuda"]
    assert cuda and all(c.status == "passed" for c in cuda), [(c.item_id, c.message) for c in cuda]
    assert result.points >= result.max_points and result.complete


@pytest.mark.kernel
def test_when_checking_from_the_command_line_then_exit_codes_follow_the_outcome(tmp_path: Path) -> None:
    passed = grader_cli("check", str(PACK.solution_module), "--device", "cpu",
                        "--json", str(tmp_path / "r.json"))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert SubmissionResult.read(tmp_path / "r.json").points > 0
    failed = grader_cli("check", str(PACK.stub_module), "--device", "cpu")
    assert failed.returncode == 1
    assert "not implemented" in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.ipynb", b"{not json"),
        ("old.ipynb", json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}).encode()),
        ("latin1.py", "x = 'caf\u00e9'\n".encode("latin-1")),
        ("empty.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                    "cells": []}).encode()),
        ("syntax.py", b"def corr2d(X, K)\n    return X\n"),
    ],
)
def test_when_the_file_is_unusable_then_the_cli_says_so_in_one_line_and_exits_2(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    done = grader_cli("check", str(path), "--json", str(tmp_path / "r.json"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in done.stdout + done.stderr
    result = SubmissionResult.read(tmp_path / "r.json")
    assert result.error and all(c.status == "error" for c in result.checks)


def test_when_the_file_is_missing_then_the_cli_exits_2_without_a_traceback(tmp_path: Path) -> None:
    done = grader_cli("check", str(tmp_path / "nowhere.ipynb"))
    assert done.returncode == 2
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.kernel
def test_when_pytest_grades_a_submission_then_items_carry_points_into_junit_xml(
    pytester: pytest.Pytester
) -> None:
    import xml.etree.ElementTree as ET

    result = pytester.runpytest_subprocess(
        "--grade", str(PACK.solution_module), "--grade-device", "cpu", "--junitxml=grades.xml", "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=sum(1 for e in PACK.exercises for c in e.checks for d in c.devices
                                      if d != "cuda"),
                           skipped=sum(1 for e in PACK.exercises for c in e.checks for d in c.devices
                                       if d == "cuda"))
    tree = ET.parse(pytester.path / "grades.xml")
    points = [float(p.attrib["value"]) for p in tree.iter("property") if p.get("name") == "points"]
    assert sum(points) == pytest.approx(sum(c.points for e in PACK.exercises for c in e.checks))


MISBEHAVING_SUBMISSION = '''\
import os
import numpy as np
import torch
from torch import nn

def corr2d(X, K):
    return np.zeros((X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1))

class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        while True:
            pass

def edge_image():
    os._exit(1)

def edge_kernel():
    return [[1.0, -1.0]]
'''


@pytest.mark.kernel
def test_when_functions_misbehave_then_each_check_gets_its_status_and_grading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "misbehaving.py"
    path.write_text(MISBEHAVING_SUBMISSION)
    result = grade(path, options=GradeOptions(device="cpu", call_timeout=2))
    by_exercise = {e.id: e for e in result.exercises}
    statuses = {e.id: {c.status for c in e.checks if c.device != "cuda"} for e in result.exercises}
    assert statuses["corr2d"] == {"failed"}
    assert "corr2d returned a numpy.ndarray" in by_exercise["corr2d"].checks[0].message
    assert statuses["conv2d_layer"] == {"timeout"}
    assert by_exercise["conv2d_layer"].checks[0].hint == messages.HINT_TIMEOUT
    image = next(c for c in by_exercise["edge_detection"].checks if c.id == "edge_image_is_books")
    assert image.status == "error" and "kernel died while running edge_image" in image.message
    kernel = next(c for c in by_exercise["edge_detection"].checks if c.id == "kernel_marks_edges")
    assert kernel.status == "failed" and "edge_kernel returned a list" in kernel.message
    # A plainly wrong answer sums up its question, whatever went wrong beside it.
    assert by_exercise["edge_detection"].status == "failed"
    assert statuses["learn_kernel"] == {"unanswered"}  # not defined: the student's omission
    assert "learn_kernel is not defined" in by_exercise["learn_kernel"].checks[0].message
    assert result.execution.kernel_restarts == 1  # the loop yielded to SIGINT; os._exit did not
    assert result.error is None


@pytest.mark.kernel
def test_when_one_function_hangs_unstoppably_then_only_its_checks_are_lost(tmp_path: Path) -> None:
    from grader.submission import split_percent

    solution = "".join(  # the solution without its demo cells, which call corr2d at top level
        f"# %%\n{cell.source}" for cell in split_percent(PACK.solution_module.read_text())
        if cell.kind == "code" and cell.header != "demo"
    )
    hanging = solution.replace(
        "def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:\n",
        "def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:\n"
        "    import signal\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    while True:\n        pass\n",
    )
    assert hanging != solution
    path = tmp_path / "hangs.py"
    path.write_text(hanging)
    result = grade(path, options=GradeOptions(device="cpu", call_timeout=2))
    corr2d = [c for c in result.exercises[0].checks if c.device != "cuda"]
    assert [c.status for c in corr2d] == ["timeout"] * len(corr2d)
    assert messages.QUARANTINED.split("{")[0] in corr2d[1].message
    others = {e.id: e.points for e in result.exercises if e.id in ("edge_detection", "learn_kernel")}
    assert others == {"edge_detection": 3, "learn_kernel": 3}
    assert {e.id: e.points for e in result.exercises if e.id == "laplacian"} == {"laplacian": 3}
    # One restart per function that reaches the hanging corr2d, each then quarantined: corr2d,
    # Conv2D, conv2d_gradients and autograd_error (which runs Conv2D).
    assert result.execution.kernel_restarts <= 4


@pytest.mark.kernel
def test_when_calls_have_little_time_then_torch_start_up_costs_do_not_decide_verdicts() -> None:
    # The first meta-device op costs torch about a second; it is paid in the untimed warm-up.
    result = grade(PACK.solution_module, options=GradeOptions(device="cpu", call_timeout=1))
    lost = [c.item_id for c in result.checks if c.status not in ("passed", "skipped")]
    assert result.points >= result.max_points, lost


@pytest.mark.kernel
def test_when_a_submission_imports_the_reference_then_it_finds_nothing_to_import(tmp_path: Path) -> None:
    path = tmp_path / "cheat.py"
    path.write_text("from solutions.conv_layer import *  # the answers, if they were installed\n")
    result = grade(path, options=GradeOptions(device="cpu"))
    assert result.points == 0
    (error,) = result.execution.cell_errors
    assert error.ename == "ModuleNotFoundError"
