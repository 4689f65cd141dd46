"""Results built in code for the report tests: every kind of check a report must draw, a result
shaped like a wrong Laplacian, a transpose question answered wrongly, and a hostile worst case.

The builders are imported by the other report test modules (``from tests.test_report_cases
import ...``); the tests here only make sure the cases are what the others assume.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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

SCRIPT = "<script>alert(1)</script>"
TITLES = {
    "corr2d": "The cross-correlation operation",
    "diagonal": "A diagonal edge",
    "laplacian": "The Laplacian",
    "shapes": "Tensors of every shape",
}


def tensor(values: Any, dtype: str = "float32", device: str = "cpu") -> dict[str, Any]:
    """A description like ``grader.tensors.describe`` makes, with the shape read off the lists."""
    shape: list[int] = []
    probe = values
    while isinstance(probe, list):
        shape.append(len(probe))
        probe = probe[0] if probe else None
    return {"kind": "tensor", "dtype": dtype, "shape": shape, "device": device, "values": values}


def check(status: Status, *, exercise: str = "corr2d", id: str = "matches", device: str = "cpu",
          points: float = 0.0, max_points: float = 1.0, **fields: Any) -> CheckResult:
    return CheckResult(id=id, title=fields.pop("title", id.replace("_", " ")), exercise=exercise,
                       device=device, status=status, points=points, max_points=max_points, **fields)


def result(checks: Sequence[CheckResult], *, name: str = "ana.ipynb",
           answers: Sequence[FreeTextAnswer] = (), execution: ExecutionInfo | None = None,
           error: str | None = None) -> SubmissionResult:
    """A submission result with the checks grouped into exercises in the order they first appear."""
    order: list[str] = []
    for c in checks:
        if c.exercise not in order:
            order.append(c.exercise)
    return SubmissionResult(
        submission=SubmissionInfo(path=f"/subs/{name}", name=name, sha256="ab" * 32, kind="notebook"),
        pack="conv_layer", grader_version="0.1.0", torch_version="2.13.0", seed=3,
        devices=(DeviceInfo("cpu", True, True), DeviceInfo("meta", True, True),
                 DeviceInfo("cuda", False, False, "CUDA is not available on this machine")),
        exercises=tuple(
            ExerciseResult(e, TITLES.get(e, e), tuple(c for c in checks if c.exercise == e))
            for e in order
        ),
        started="2026-01-01T00:00:00+00:00", finished="2026-01-01T00:00:04+00:00",
        answers=tuple(answers), execution=execution or ExecutionInfo(cells=7), error=error,
    )


# --- checks ---------------------------------------------------------------------------------------

BOOK_X = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]
BOOK_K = [[0.0, 1.0], [2.0, 3.0]]
HINT_FLIPPED = "your output is the convolution: cross-correlation does not flip the kernel"


def corr2d_wrong() -> CheckResult:
    """corr2d on the book's example, two of four outputs wrong (the right column)."""
    return check(
        "failed", id="book_example", title="Gives the book's example output",
        message="corr2d(X, K) is wrong: 2 of 4 elements differ (50.0%)", hint=HINT_FLIPPED,
        input={"X": tensor(BOOK_X), "K": tensor(BOOK_K)},
        expected=tensor([[19.0, 25.0], [37.0, 43.0]], "float64"),
        actual=tensor([[19.0, 11.0], [37.0, 29.0]]),
        mismatch={"count": 2, "total": 4, "share": 0.5, "max_abs_diff": 14.0, "max_index": [0, 1],
                  "first_index": [0, 1], "rtol": 1e-5, "atol": 1e-5, "mask": [[0, 1], [0, 1]]},
        cell=4, line=3, location="cell 4, line 3, in corr2d",
        traceback="cell 4, line 3, in corr2d\n    Y[i, j] = (X[i:i + h, j:j + w] * K.flip(0, 1)).sum()",
    )


def laplacian_wrong() -> CheckResult:
    """A second-difference kernel in x only: it answers x^2 and ignores y^2 (not isotropic)."""
    return check(
        "failed", exercise="laplacian", id="isotropic", title="Responds alike to x^2 and y^2",
        message="your kernel responds 2 to x^2 but 0 to y^2; a Laplacian responds alike",
        hint="add the second difference along y: [[0, 1, 0], [1, -4, 1], [0, 1, 0]]",
        exhibits=(
            {"label": "response to x^2", "value": tensor([[2.0] * 5 for _ in range(5)]), "note": ""},
            {"label": "response to y^2", "value": tensor([[0.0] * 5 for _ in range(5)]),
             "note": "all zeros: the kernel does not look along y"},
        ),
    )


def transpose_wrong() -> CheckResult:
    """The transpose question answered 'unchanged' where the student's own X says 'changes'."""
    X = [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]
    XT = [[1.0, 1.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]
    return check(
        "failed", exercise="diagonal", id="transpose_X", title="Says what X.T does",
        message="you answered 'unchanged'; on your X the response changes",
        hint="compare corr2d(X, K) with corr2d(X.T, K) for your X",
        exhibits=({"label": "your X", "value": tensor(X), "note": ""},
                  {"label": "X.T", "value": tensor(XT), "note": ""}),
        answer={"question": "Does corr2d(X.T, K) equal corr2d(X, K)?", "given": "unchanged",
                "truth": "changes", "choices": ["unchanged", "changes"], "correct": False},
        details={"torch operations dispatched": {"8 x 8": 3, "16 x 16": 3}},
    )


def shapes_checks() -> tuple[CheckResult, ...]:
    """Values of every rank and kind: 0-D, 1-D, 3-D, too large to store, meta, NaN and inf."""
    return (
        check("failed", exercise="shapes", id="scalar", message="wrong scalar",
              expected=tensor(2.5), actual=tensor(-1.0)),
        check("failed", exercise="shapes", id="vector", message="wrong vector",
              expected=tensor([1.0, 2.0, 3.0]), actual=tensor([1.0, 2.0, 4.0])),
        check("failed", exercise="shapes", id="cube", message="wrong cube",
              expected=tensor([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]),
              actual=tensor([[[1.0, 2.0], [3.0, 9.0]], [[5.0, 6.0], [7.0, 8.0]]])),
        check("failed", exercise="shapes", id="large", message="wrong large",
              expected={"kind": "tensor", "dtype": "float32", "shape": [64, 64], "device": "cpu",
                        "values": None, "summary": {"min": -1.0, "max": 1.0, "mean": 0.0, "std": 0.5}},
              actual={"kind": "tensor", "dtype": "float32", "shape": [64, 64], "device": "cpu",
                      "values": None, "summary": {"min": -3.0, "max": 3.0, "mean": 0.1, "std": 1.5}}),
        check("failed", exercise="shapes", id="on_meta", device="meta", message="wrong device",
              input={"X": {"kind": "tensor", "dtype": "float32", "shape": [3, 3], "device": "meta",
                           "values": None}},
              expected={"kind": "property", "device": "meta"},
              actual={"kind": "property", "device": "cpu"}),
        check("failed", exercise="shapes", id="nonfinite", message="NaN where finite expected",
              expected=tensor([[1.0, 2.0], [3.0, 4.0]]), actual=tensor([[1.0, "nan"], ["inf", "-inf"]]),
              mismatch={"count": 3, "total": 4, "share": 0.75, "max_abs_diff": "inf",
                        "max_index": [0, 1], "first_index": [0, 1], "rtol": 1e-5, "atol": 1e-5,
                        "mask": [[0, 1], [1, 1]]}),
        check("failed", exercise="shapes", id="wide", message="wrong wide",
              expected=tensor([[float(i) for i in range(100)]]),
              actual=tensor([[float(i) + (i == 57) for i in range(100)]])),
        check("failed", exercise="shapes", id="losses", message="the loss did not decrease",
              expected=None, actual={"losses": {"1": 0.5, "10": 0.5}}),
    )


def everything() -> SubmissionResult:
    """A realistic failing result: a wrong corr2d, a Laplacian, a transpose answer, a crashed cell,
    a passing check with exhibits, and free-text answers."""
    passing = check("passed", exercise="diagonal", id="has_edge", points=2.0, max_points=2.0,
                    title="Responds along one diagonal",
                    exhibits=({"label": "your diagonal_image(3)",
                               "value": tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]),
                               "note": ""},))
    return result(
        (corr2d_wrong(), check("passed", id="keeps_dtype", points=1.0),
         check("skipped", id="matches", device="cuda", max_points=0.0, counts=False,
               message="CUDA is not available on this machine"),
         passing, transpose_wrong(), laplacian_wrong()),
        answers=(FreeTextAnswer("why", "corr2d", "Why is it not a convolution?",
                                "Because the kernel is not flipped."),
                 FreeTextAnswer("why_pad", "corr2d", "Why pad?", None)),
        execution=ExecutionInfo(cells=9, cell_errors=(CellError(
            6, "raised", "ZeroDivisionError", "division by zero", line=2,
            traceback=IPYTHON_TRACEBACK, location="cell 6, line 2"),)),
    )


IPYTHON_TRACEBACK = """\
---------------------------------------------------------------------------
ZeroDivisionError                         Traceback (most recent call last)
Cell In[6], line 2
      1 scale = 0
----> 2 print(1 / scale)

File /usr/lib/python3/site-packages/torch/_tensor.py:41, in wrapped(*args)
     40 try:
---> 41     return f(*args)

File /usr/lib/python3/site-packages/torch/_tensor.py:99, in __rdiv__(self, other)
---> 99     return self.reciprocal() * other

ZeroDivisionError: division by zero"""


def hostile() -> SubmissionResult:
    """The worst a submission can make of a report: huge student strings full of markup, a
    megabyte of free text, and many failing checks, each with every tensor at full size."""
    big = SCRIPT * 40_000  # about 1 MB
    square = tensor([[float((i * 7 + j) % 5) - 2 for j in range(32)] for i in range(32)])
    details = {f"{big}{k}": big for k in range(20)}
    checks = [
        check("failed", exercise=f"ex{n % 10}", id=f"check_{n}", title=f"check {n}",
              message=f"{big}{n}", hint=f"{big}{n}", traceback=big, location=big,
              input={f"X{k}": square for k in range(4)},
              expected=square, actual=square,
              mismatch={"count": 1024, "total": 1024, "share": 1.0,
                        "mask": [[1] * 32 for _ in range(32)]},
              exhibits=tuple({"label": big, "value": square, "note": big} for _ in range(4)),
              answer={"question": big, "given": big, "truth": big, "choices": [big] * 20,
                      "correct": False},
              details=details)
        for n in range(300)
    ]
    return result(
        checks, name=SCRIPT + ".ipynb",
        answers=tuple(FreeTextAnswer(f"a{k}", "ex0", big, big) for k in range(10)),
        execution=ExecutionInfo(cells=60, cell_errors=tuple(
            CellError(k, "raised", big, big, line=1, traceback=big, location=big) for k in range(50)
        )),
    )


# --- real gradings, shared by the modules that render them ------------------------------------------

_GRADED: dict[str, SubmissionResult] = {}


def graded_once(name: str, variant: Callable[[str], Path]) -> SubmissionResult:
    """A real grading (in-process, as the pack tests grade), done once per test session whichever
    module asks first: ``solution`` and ``stub`` are the pack's notebooks, any other name a wrong
    variant under tests/fixtures/variants."""
    if name not in _GRADED:
        from exercises.conv_layer import PACK
        from tests.pack_support import grade_here

        notebooks = {"solution": PACK.solution_notebook, "stub": PACK.stub_notebook}
        _GRADED[name] = grade_here(notebooks[name] if name in notebooks else variant(name))
    return _GRADED[name]


# --- the cases are what the other modules assume ----------------------------------------------------


def test_when_the_realistic_case_goes_through_json_then_it_comes_back_equal() -> None:
    case = everything()
    assert SubmissionResult.from_json(case.to_json()) == case
    assert [c.status for c in case.checks].count("failed") == 3


def test_when_the_hostile_case_is_built_then_its_student_strings_are_megabytes() -> None:
    case = hostile()
    assert len(case.answers[0].text or "") >= 1_000_000
    assert len(case.checks) == 300 and all(c.status == "failed" for c in case.checks)
