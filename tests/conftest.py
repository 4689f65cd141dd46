"""Shared fixtures. Each engineer keeps their fixtures in their own clearly marked section."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from grader import grading
from grader.catalog.model import Check, Exercise, FreeText, Pack
from grader.results.model import (
    CellError,
    CheckResult,
    DeviceInfo,
    ExecutionInfo,
    ExerciseResult,
    FreeTextAnswer,
    Status,
    SubmissionInfo,
    SubmissionResult,
)

# === front ends (cli, report, pytest plugin): a small pack and results built in code ==============
# No kernel, no torch: these build the declarative pack and SubmissionResult objects directly, so
# the CLI, report and plugin tests run in milliseconds and cover every status.

#: What a faked ``grade`` gives back: a result, or an exception it raises.
Outcome = SubmissionResult | BaseException


def _frontend_pack() -> Pack:
    """A pack with one exercise per status; ``good`` also has a cuda variant and a hidden check."""
    here = Path(__file__).parent
    exercises = (
        Exercise(
            "good", "Cross-correlation",
            (
                Check("matches", "Matches torch", 2.0, "check_matches", ("cpu", "cuda")),
                Check("secret", "A hidden property", 1.0, "check_secret", ("cpu",), hidden=True),
            ),
            free_text=(FreeText("why_flip", "Why is it not a convolution?"),),
        ),
        Exercise("bad", "Edge detection", (Check("keeps_dtype", "Keeps dtype", 1.0, "c", ("cpu",)),)),
        Exercise("broken", "Learning a kernel", (Check("runs", "Runs", 1.0, "c", ("cpu",)),)),
        Exercise("slow", "Padding", (Check("fast", "Fast enough", 1.0, "c", ("cpu",)),)),
        Exercise("gpu_only", "On the GPU", (Check("on_cuda", "Runs on CUDA", 1.0, "c", ("cuda",)),)),
    )
    return Pack(
        id="frontend_pack", title="Front-end test pack", exercises=exercises,
        checks_module="nowhere.checks", root=here,
        stub_notebook=here / "stub.ipynb", stub_module=here / "stub.py",
        solution_notebook=here / "solution.ipynb", solution_module=here / "solution.py",
    )


def _frontend_check(
    exercise: str, check: str, device: str, status: Status, points: float, max_points: float,
    **details: Any,
) -> CheckResult:
    """A CheckResult with only what a front end reads filled in."""
    return CheckResult(
        id=check, title=check.replace("_", " "), exercise=exercise, device=device,
        status=status, points=points, max_points=max_points, **details,
    )


def _frontend_result(name: str = "sub.ipynb", *, error: str | None = None) -> SubmissionResult:
    """A result for ``frontend_pack()`` with every status; with ``error``, an unusable submission."""
    no_cuda = "CUDA is not available on this machine"
    checks = {
        "good": (
            _frontend_check("good", "matches", "cpu", "passed", 2.0, 2.0),
            _frontend_check("good", "matches", "cuda", "skipped", 0.0, 0.0,
                           counts=False, message=no_cuda),
            _frontend_check("good", "secret", "cpu", "passed", 1.0, 1.0, hidden=True),
        ),
        "bad": (_frontend_check(
            "bad", "keeps_dtype", "cpu", "failed", 0.0, 1.0,
            message="corr2d returned float64; expected float32",
            hint="build the output with the input's dtype", cell=4, line=3,
        ),),
        "broken": (_frontend_check("broken", "runs", "cpu", "error", 0.0, 1.0,
                                  message="learn_kernel is not defined"),),
        "slow": (_frontend_check("slow", "fast", "cpu", "timeout", 0.0, 1.0,
                                message="pad did not finish within 10 s and was stopped"),),
        "gpu_only": (_frontend_check("gpu_only", "on_cuda", "cuda", "skipped", 0.0, 1.0,
                                    message=no_cuda),),
    }
    if error is not None:
        checks = {
            key: tuple(
                CheckResult(c.id, c.title, c.exercise, c.device, "error", 0.0, c.max_points,
                            message=f"not graded: {error}")
                for c in value
            )
            for key, value in checks.items()
        }
    exercises = tuple(
        ExerciseResult(e.id, e.title, checks[e.id]) for e in _frontend_pack().exercises
    )
    return SubmissionResult(
        submission=SubmissionInfo(path=name, name=name, sha256="0" * 64, kind="notebook"),
        pack="frontend_pack", grader_version="0.1.0", torch_version="2.13.0", seed=0,
        devices=(DeviceInfo("cpu", True, True), DeviceInfo("cuda", False, False, no_cuda)),
        exercises=exercises, started="2026-01-01T00:00:00+00:00",
        finished="2026-01-01T00:00:05+00:00",
        answers=(FreeTextAnswer("why_flip", "good", "Why is it not a convolution?", "because"),),
        execution=ExecutionInfo(
            cells=6,
            cell_errors=(CellError(5, "raised", "NameError", "name 'x' is not defined", line=2),),
        ),
        error=error,
    )


def _frontend_passing_result(name: str = "sub.ipynb") -> SubmissionResult:
    """Every check that ran passed (skipped ones stay skipped)."""
    result = _frontend_result(name)
    return result.with_exercises(tuple(
        ExerciseResult(e.id, e.title, tuple(
            c if c.status in ("passed", "skipped") else
            CheckResult(c.id, c.title, c.exercise, c.device, "passed", c.max_points, c.max_points)
            for c in e.checks
        ))
        for e in result.exercises
    ))


@pytest.fixture
def frontend_pack() -> Pack:
    """Five exercises, one per status; ``good`` has a cuda variant, a hidden check, a free text."""
    return _frontend_pack()


@pytest.fixture
def frontend_result() -> Callable[..., SubmissionResult]:
    """``frontend_result(name="sub.ipynb", error=None)``: a result for ``frontend_pack`` with every
    status; with ``error``, the result of a submission that could not run."""
    return _frontend_result


@pytest.fixture
def frontend_passing_result() -> Callable[..., SubmissionResult]:
    """``frontend_passing_result(name="sub.ipynb")``: every check that ran passed."""
    return _frontend_passing_result


@pytest.fixture
def frontend_pack_installed(monkeypatch: pytest.MonkeyPatch, frontend_pack: Pack) -> Pack:
    """Make ``grader.catalog.registry.load_pack`` return ``frontend_pack`` whatever name it is given."""
    monkeypatch.setattr("grader.catalog.registry.load_pack", lambda name=None: frontend_pack)
    return frontend_pack


# === end of front-end fixtures =====================================================================


@pytest.fixture
def grade_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Outcome | Mapping[str, Outcome]], list[dict[str, object]]]:
    """Make `grade` return this result (or raise this), or the one given for the file's name;
    returns the calls it received, in order."""

    def install(outcome: Outcome | Mapping[str, Outcome]) -> list[dict[str, object]]:
        calls: list[dict[str, object]] = []

        def fake_grade(path: object, **kwargs: object) -> SubmissionResult:
            calls.append({"path": path, **kwargs})
            chosen = outcome[Path(str(path)).name] if isinstance(outcome, Mapping) else outcome
            if isinstance(chosen, BaseException):
                raise chosen
            return chosen

        monkeypatch.setattr(grading, "grade", fake_grade)
        return calls

    return install


@pytest.fixture
def graded_as(
    grade_calls: Callable[[SubmissionResult | BaseException], list[dict[str, object]]],
    frontend_pack_installed: Pack,
) -> Callable[[SubmissionResult | BaseException], list[dict[str, object]]]:
    """Make `grade` return this result (or raise this exception), with the test pack installed;
    returns the calls it received."""
    return grade_calls


# === exercise pack: wrong variants built from the solution =========================================


@pytest.fixture(scope="session")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A wrong variant as a submission: the solution with the variant's definitions after it.

    ``name`` is a path under tests/fixtures/variants without ``.py`` (``corr2d_book``,
    ``matmul/im2col_loop``). Variants hold only their mistake (later definitions win), so a new
    exercise in the pack needs no edit to any of them.
    """
    from tests.pack_support import VARIANTS, solution_code_cells

    solution = solution_code_cells()
    folder = tmp_path_factory.mktemp("variants")

    def build(name: str) -> Path:
        path = folder / f"{name.replace('/', '__')}.py"
        path.write_text(f"{solution}# %%\n{(VARIANTS / f'{name}.py').read_text()}")
        return path

    return build
