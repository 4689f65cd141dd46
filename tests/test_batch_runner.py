"""Grading a class side by side (grader/batch/runner.py): every submission handed over once, in the
calling thread, as it finishes; a broken or slow one never costs the others theirs."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from exercises.conv_layer import PACK
from grader import messages
from grader.batch import runner
from grader.batch.runner import Outcome, grade_all, status_of
from grader.execution import cleanup
from grader.execution.workspace import Workspace
from grader.grading import GradeOptions
from grader.results.model import SubmissionResult
from tests.test_report_cases import check, result

OPTIONS = GradeOptions(device="cpu")


def fake_grading(
    delay: float = 0.05, broken: str = ""
) -> tuple[list[int], Callable[[Path, GradeOptions], SubmissionResult]]:
    """A stand-in for grading that records how many ran at once; ``broken`` raises."""
    running: list[int] = [0]
    peak: list[int] = [0]
    lock = threading.Lock()

    def grade_one(path: Path, options: GradeOptions) -> SubmissionResult:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(delay)
        with lock:
            running[0] -= 1
        if path.name == broken:
            raise RuntimeError("a bug of ours")
        graded = result([check("passed", points=1.0)])
        return dataclasses.replace(graded, submission=dataclasses.replace(graded.submission, path=str(path)))

    return peak, grade_one


def test_when_a_class_is_graded_then_each_submission_is_handed_over_once_in_the_calling_thread() -> None:
    peak, grade_one = fake_grading()
    names = [f"s{n}.ipynb" for n in range(7)]
    seen: list[tuple[str, int]] = []
    grade_all(names, Path, OPTIONS, lambda o: seen.append((o.item, threading.get_ident())),
              jobs=3, grade_one=grade_one)
    assert sorted(item for item, _ in seen) == sorted(names)
    assert {thread for _, thread in seen} == {threading.get_ident()}
    assert peak[0] == 3  # side by side, never more than asked


def test_when_grading_one_submission_breaks_then_it_is_reported_and_the_others_are_graded() -> None:
    _, grade_one = fake_grading(broken="s1.ipynb")
    outcomes: list[Outcome[str]] = []
    grade_all(["s0.ipynb", "s1.ipynb", "s2.ipynb"], Path, OPTIONS, outcomes.append, jobs=2,
              grade_one=grade_one)
    by_item = {o.item: o for o in outcomes}
    assert by_item["s1.ipynb"].status == "unusable" and by_item["s1.ipynb"].result is None
    assert "RuntimeError: a bug of ours" in by_item["s1.ipynb"].reason
    assert {by_item[n].status for n in ("s0.ipynb", "s2.ipynb")} == {"graded"}


def test_when_interrupted_then_what_finished_is_kept_and_what_was_in_flight_dropped() -> None:
    started: list[str] = []
    _, fake = fake_grading()

    def grade_one(path: Path, options: GradeOptions) -> SubmissionResult:
        started.append(path.name)
        if path.name != "s0.ipynb":
            time.sleep(0.5)  # still in flight when s0 is handed over
        return fake(path, options)

    outcomes: list[Outcome[str]] = []

    def on_graded(outcome: Outcome[str]) -> None:
        outcomes.append(outcome)
        raise KeyboardInterrupt  # Ctrl-C while the first is recorded

    with pytest.raises(KeyboardInterrupt):
        grade_all([f"s{n}.ipynb" for n in range(10)], Path, OPTIONS, on_graded, jobs=2,
                  grade_one=grade_one)
    assert [o.item for o in outcomes] == ["s0.ipynb"]  # s1's grading was stopped: not handed over
    assert sorted(started) == ["s0.ipynb", "s1.ipynb"]  # and none started after the interrupt


def test_when_ctrl_c_is_pressed_again_while_stopping_then_no_grading_starts_a_kernel_again(
    tmp_path: Path,
) -> None:
    """Each grading stands in for a kernel runner: a kernel (a sleeping process), replaced when it
    dies, as ``KernelRunner`` replaces one that died. The second Ctrl-C lands while the first
    waits for the gradings to end; no replacement kernel may start after the first."""
    source = tmp_path / "sub.py"
    source.write_text("x = 1\n")
    events: list[str] = []

    def grade_one(path: Path, options: GradeOptions) -> SubmissionResult:
        for _ in range(3):
            try:
                workspace = Workspace.create(source, base=tmp_path)
            except cleanup.KernelsStopped:
                events.append("refused")
                raise
            kernel = subprocess.Popen(["sleep", "8"], start_new_session=True)
            workspace.adopt(kernel.pid)
            events.append("started")
            while kernel.poll() is None:
                time.sleep(2.0)  # noticing a dead kernel takes a moment: the stop takes as long
            workspace.close()
        raise RuntimeError("graded to the end")

    def press_ctrl_c(after: float) -> None:
        time.sleep(after)
        os.kill(os.getpid(), signal.SIGINT)  # process-directed, as Ctrl-C is: the main thread takes it

    for after in (1.0, 1.5):  # the second while the first waits for the gradings to notice
        threading.Thread(target=press_ctrl_c, args=(after,), daemon=True).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        grade_all(["a", "b"], Path, OPTIONS, lambda outcome: None, jobs=2, grade_one=grade_one)
    assert time.monotonic() - started < 6
    assert sorted(events) == ["refused", "refused", "started", "started"]


def test_when_a_result_is_read_then_the_class_status_says_unusable_timed_out_or_graded() -> None:
    graded = result([check("failed", message="wrong")])
    unusable = dataclasses.replace(graded, error="not a notebook: save it again")
    spent = result([check("timeout", message="the budget ran out", hint=messages.HINT_BUDGET)])
    assert status_of(graded) == ("graded", "")
    assert status_of(unusable) == ("unusable", "not a notebook: save it again")
    assert status_of(spent) == ("timeout", "the budget ran out")
    in_cells = dataclasses.replace(graded, error=messages.BUDGET_SPENT_IN_CELLS.format(seconds=5))
    assert status_of(in_cells) == ("timeout", in_cells.error)


def test_when_kernels_run_side_by_side_then_each_gets_one_thread_unless_the_caller_chose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in runner.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "4")
    runner.one_thread_per_kernel(1)
    assert "OMP_NUM_THREADS" not in os.environ
    runner.one_thread_per_kernel(2)
    assert (os.environ["OMP_NUM_THREADS"], os.environ["MKL_NUM_THREADS"]) == ("1", "4")


@pytest.mark.kernel
def test_when_real_submissions_are_graded_two_at_a_time_then_each_gets_its_own_verdict() -> None:
    outcomes: list[Outcome[Path]] = []
    grade_all([PACK.solution_module, PACK.stub_module], lambda p: p, OPTIONS, outcomes.append, jobs=2)
    by_path = {o.item: o for o in outcomes}
    solution, stub = by_path[PACK.solution_module], by_path[PACK.stub_module]
    assert solution.status == stub.status == "graded", (solution.reason, stub.reason)
    assert solution.result is not None and solution.result.points == solution.result.max_points > 0
    assert stub.result is not None and stub.result.points == 0
