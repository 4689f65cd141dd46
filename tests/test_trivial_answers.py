"""No points for a trick or a trivial answer: zeros, a constant, the input, a wrong shape or NaN
(and a hard-coded copy of the book's example, where the book prints one) score 0 in their exercise.

Each case replaces one or more of the solution's functions (later definitions win, as the
``variant`` fixture does) and is graded in-process on its exercise alone. Every check that calls a
replaced name scores 0 on every device that counts (cpu and meta; CUDA too, where a course counts
it), and each says why in words a student can act on: its own failure, or, for a property that
held on its own, that it counts only once the named checks pass (and those failed on their own).

What "trivial" means where the answer is not a function of tensors:
- A kernel without arguments is a constant by nature; the trivial kernels are zeros, ones, the
  identity (which returns the image as it is), a wrong shape and NaN.
- Answers that ARE a constant are left alone: the book's 6 x 8 image and [[1, -1]]
  (edge_detection), the integral kernel (ones of the image's size), the minimum sizes and
  answer_conv2d_backpropagates. A box blur (ones / size^2) is a real blur, not a trivial one: it
  passes all but the Gaussian, by design.
- Choices are judged on the student's own object where the question is about it: diagonal_edge's
  three questions on their image (a trivial image makes them score 0). The strongest structure is
  its own idea: judged on the student's kernel when it takes a second derivative, else on the
  second difference [1, -2, 1], so a trivial kernel makes no choice right.
- autograd_error() returning a hard-coded copy of torch's exception (built, or raised by the
  student's own code) is told from one PyTorch raised by where it was raised (the probe reports
  the module of the innermost frame of its traceback): it scores 0.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable

import pytest
import torch

from exercises.conv_layer import PACK, hints_autograd
from grader import messages
from grader.catalog.model import Exercise
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.results import CheckResult, ExerciseResult
from tests.pack_support import NOT_IMPLEMENTED, solution_code_cells

OUT = "X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1"
BOOK = "[[19.0, 25.0], [37.0, 43.0]]"
NAN = "float('nan')"
LAYER = """
class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        h, w = self.weight.shape
        shape = (x.shape[0] - h + 1, x.shape[1] - w + 1)
        return {value}
"""
IM2COL_SHAPE = "((X.shape[0] - kernel_shape[0] + 1) * (X.shape[1] - kernel_shape[1] + 1)," \
    " kernel_shape[0] * kernel_shape[1])"
MATRIX_SHAPE = "((input_shape[0] - K.shape[0] + 1) * (input_shape[1] - K.shape[1] + 1)," \
    " input_shape[0] * input_shape[1])"
BATCH_SHAPE = "(X.shape[0], K.shape[0], (X.shape[2] + 2 * padding - K.shape[2]) // stride + 1," \
    " (X.shape[3] + 2 * padding - K.shape[3]) // stride + 1)"


def function(signature: str, value: str) -> str:
    return f"def {signature}:\n    return {value}\n"


def kernel_cases(signature: str, shape: str, identity: str) -> dict[str, str]:
    """The trivial answers of a kernel-design function: ``shape`` is its right shape."""
    return {
        "zeros": function(signature, f"torch.zeros({shape})"),
        "constant": function(signature, f"torch.ones({shape})"),
        "identity": function(signature, identity),
        "wrong_shape": function(signature, "torch.zeros(6, 6, 6)"),
        "nan": function(signature, f"torch.full(({shape}), {NAN})"),
    }


#: exercise -> case -> the code appended to the solution. Every check of the exercise that calls a
#: name the code defines must score 0.
CASES: dict[str, dict[str, str]] = {
    "corr2d": {
        "zeros": function("corr2d(X, K)", f"torch.zeros(({OUT}), dtype=X.dtype, device=X.device)"),
        "constant": function("corr2d(X, K)", f"torch.full(({OUT}), 7.0, dtype=X.dtype, device=X.device)"),
        "input": function("corr2d(X, K)", "X"),
        "input_copy": function("corr2d(X, K)", "X.clone()"),
        "wrong_shape": function("corr2d(X, K)", "torch.zeros_like(X)"),
        "nan": function("corr2d(X, K)", f"torch.full(({OUT}), {NAN}, dtype=X.dtype, device=X.device)"),
        "zeros_with_a_graph": function("corr2d(X, K)", f"X[: {OUT.split(', ')[0]}, : {OUT.split(', ')[1]}]"
                                       " * 0 + (K * 0).sum()"),
        "book_example": function("corr2d(X, K)", f"torch.tensor({BOOK})"),
        "book_example_on_the_inputs_device": function(
            "corr2d(X, K)", f"torch.tensor({BOOK}, dtype=X.dtype, device=X.device)"),
    },
    "conv2d_layer": {
        "zeros": LAYER.format(value="torch.zeros(shape, dtype=x.dtype, device=x.device)"),
        "constant": LAYER.format(value="torch.ones(shape, dtype=x.dtype, device=x.device) + self.bias"),
        "input": LAYER.format(value="x"),
        "wrong_shape": LAYER.format(value="torch.zeros_like(x) + self.bias"),
        "nan": LAYER.format(value=f"torch.full(shape, {NAN}, device=x.device) + self.bias"),
        "bias_only": LAYER.format(value="(x[: shape[0], : shape[1]] * 0 + (self.weight * 0).sum()"
                                  " + self.bias)"),
    },
    "edge_detection": {
        "zeros": function("edge_image()", "torch.zeros(6, 8)")
        + function("edge_kernel()", "torch.zeros(1, 2)"),
        "constant": function("edge_image()", "torch.ones(6, 8)")
        + function("edge_kernel()", "torch.ones(1, 2)"),
        "wrong_shape": function("edge_image()", "torch.ones(8, 6)")
        + function("edge_kernel()", "torch.zeros(2, 2, 2)"),
        "nan": function("edge_image()", f"torch.full((6, 8), {NAN})")
        + function("edge_kernel()", f"torch.full((1, 2), {NAN})"),
        "identity": function("edge_kernel()", "torch.tensor([[1.0]])"),
    },
    "learn_kernel": {
        "zeros": function("learn_kernel(X, Y, kernel_size, lr, steps)", "torch.zeros(kernel_size)"),
        "constant": function("learn_kernel(X, Y, kernel_size, lr, steps)", "torch.ones(kernel_size)"),
        "input": function("learn_kernel(X, Y, kernel_size, lr, steps)", "X"),
        "wrong_shape": function("learn_kernel(X, Y, kernel_size, lr, steps)", "torch.zeros(3, 3)"),
        "nan": function("learn_kernel(X, Y, kernel_size, lr, steps)", f"torch.full(kernel_size, {NAN})"),
        "book_kernel": function("learn_kernel(X, Y, kernel_size, lr, steps)",
                                "torch.tensor([[1.0, -1.0]]).expand(kernel_size).clone()"),
        # Shrinks with the steps, whatever the data: the error falls at every step on both data sets.
        "shrinking_constant": function("learn_kernel(X, Y, kernel_size, lr, steps)",
                                       "torch.full(kernel_size, 1000.0 / (steps + 1))"),
    },
    "diagonal_edge": {
        "zeros": function("diagonal_image(n)", "torch.zeros(n, n)"),
        "constant": function("diagonal_image(n)", "torch.ones(n, n)"),
        "input": function("diagonal_image(n)", "n"),
        "wrong_shape": function("diagonal_image(n)", "torch.tril(torch.ones(n, n))[None]"),
        "nan": function("diagonal_image(n)", f"torch.full((n, n), {NAN})"),
        # The solution's triangle, hard-coded at the size the questions are judged on.
        "hard_coded_size": function("diagonal_image(n)", "torch.tril(torch.ones(8, 8))"),
    },
    "autograd": {
        "zeros": function("conv2d_gradients(X, K)", "torch.zeros_like(X), torch.zeros_like(K)")
        + function("autograd_error()", "RuntimeError()"),
        "constant": function("conv2d_gradients(X, K)", "torch.ones_like(X), torch.ones_like(K)")
        + function("autograd_error()", "Exception('error')"),
        "input": function("conv2d_gradients(X, K)", "X, K") + function("autograd_error()", "None"),
        "wrong_shape": function("conv2d_gradients(X, K)", "X[:1], K[:1]"),
        "nan": function("conv2d_gradients(X, K)", f"torch.full_like(X, {NAN}), torch.full_like(K, {NAN})"),
    },
    "im2col": {
        "zeros": function("im2col(X, kernel_shape)", f"X.new_zeros{IM2COL_SHAPE}"),
        "constant": function("im2col(X, kernel_shape)", f"X.new_ones{IM2COL_SHAPE}"),
        "input": function("im2col(X, kernel_shape)", "X"),
        "wrong_shape": function("im2col(X, kernel_shape)", "X.reshape(-1, 1)"),
        "nan": function("im2col(X, kernel_shape)", f"X.new_full({IM2COL_SHAPE}, {NAN})"),
    },
    "kernel_matrix": {
        "zeros": function("kernel_matrix(K, input_shape)", f"K.new_zeros{MATRIX_SHAPE}"),
        "constant": function("kernel_matrix(K, input_shape)", f"K.new_ones{MATRIX_SHAPE}"),
        "input": function("kernel_matrix(K, input_shape)", "K"),
        "wrong_shape": function("kernel_matrix(K, input_shape)", "K.reshape(1, -1)"),
        "nan": function("kernel_matrix(K, input_shape)", f"K.new_full({MATRIX_SHAPE}, {NAN})"),
    },
    "corr2d_matmul": {
        # Exactly one matrix multiplication, vectorized, and all zeros.
        "zeros": function("corr2d_matmul(X, K)", f"(X.new_zeros(({OUT.replace(', ', ') * (')}), K.numel())"
                          f" @ K.reshape(-1)).reshape({OUT})"),
        "constant": function("corr2d_matmul(X, K)", f"X.new_ones(({OUT}))"),
        "input": function("corr2d_matmul(X, K)", "X @ torch.eye(X.shape[1], dtype=X.dtype, device=X.device)"),
        "wrong_shape": function("corr2d_matmul(X, K)", "X @ X.T"),
        "nan": function("corr2d_matmul(X, K)", f"X.new_full(({OUT}), {NAN})"),
        "book_example": function("corr2d_matmul(X, K)", f"torch.tensor({BOOK}) @ torch.eye(2)"),
    },
    "conv2d_matmul": {
        "zeros": function("conv2d_matmul(X, K, stride=1, padding=0)", f"X.new_zeros{BATCH_SHAPE}"),
        "constant": function("conv2d_matmul(X, K, stride=1, padding=0)", f"X.new_ones{BATCH_SHAPE}"),
        "input": function("conv2d_matmul(X, K, stride=1, padding=0)", "X"),
        "wrong_shape": function("conv2d_matmul(X, K, stride=1, padding=0)", "X.sum(1)"),
        "nan": function("conv2d_matmul(X, K, stride=1, padding=0)", f"X.new_full({BATCH_SHAPE}, {NAN})"),
    },
    "directional_edge": {
        **kernel_cases("directional_edge_kernel(v)", "2, 2", "torch.tensor([[1.0]])"),
        "input": function("directional_edge_kernel(v)", "torch.tensor([v])"),
        # A constant kernel that does not respond to any ramp: [1, -2, 1] ignores every direction.
        "second_difference": function("directional_edge_kernel(v)", "torch.tensor([[1.0, -2.0, 1.0]])"),
        # |v| times the identity: responds along v, in proportion to |v|, and across v too.
        "scaled_identity": function("directional_edge_kernel(v)", "torch.tensor([[float(v[0]) ** 2"
                                    " + float(v[1]) ** 2]]).sqrt()"),
    },
    "second_derivative": kernel_cases("second_derivative_kernel()", "1, 3",
                                      "torch.tensor([[0.0, 1.0, 0.0]])"),
    "laplacian": kernel_cases(
        "laplacian_kernel()", "3, 3", "torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])"),
    "integral": {
        "zeros": function("integral_kernel(H, W)", "torch.zeros(H, W)"),
        "constant": function("integral_kernel(H, W)", "torch.full((H, W), 2.0)"),
        "input": function("integral_kernel(H, W)", "torch.tensor([[float(H), float(W)]])"),
        "wrong_shape": function("integral_kernel(H, W)", "torch.ones(H, W, 1)"),
        "nan": function("integral_kernel(H, W)", f"torch.full((H, W), {NAN})"),
        "identity": function("integral_kernel(H, W)", "torch.ones(1, 1)"),
    },
    "blur": {
        **kernel_cases("blur_kernel(size, sigma)", "size, size",
                       "torch.nn.functional.pad(torch.ones(1, 1), (size // 2,) * 4)"),
        "input": function("blur_kernel(size, sigma)", "torch.full((size, size), float(sigma))"),
    },
    "derivative_order_d": {
        **kernel_cases("derivative_kernel(d)", "1, d + 1",
                       "torch.nn.functional.pad(torch.ones(1, 1), (0, d))"),
        "input": function("derivative_kernel(d)", "torch.tensor([[float(d)]])"),
    },
}

REQUIRES_PREFIX = messages.REQUIRES_NOT_PASSED.split("{")[0]
#: A hard-coded answer that still passes: nothing the probe sends tells it from an exception caught.
HARD_CODED_EXCEPTION = function(
    "autograd_error()", "RuntimeError('grad can be implicitly created only for scalar outputs')")


def cases() -> list[tuple[str, str]]:
    return [(exercise, case) for exercise, by_case in CASES.items() for case in by_case]


def defined(code: str) -> set[str]:
    """The names a case's code defines (its functions and classes)."""
    return set(re.findall(r"^(?:def|class) (\w+)", code, re.MULTILINE))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., ExerciseResult]:
    """``graded(exercise, code, device="cpu", count_cuda=False)``: the solution with ``code``
    appended, graded on that exercise alone."""
    solution = solution_code_cells()
    folder = tmp_path_factory.mktemp("trivial")

    def grade_case(exercise: str, code: str, device: str = "cpu", count_cuda: bool = False) -> ExerciseResult:
        path = folder / f"{exercise}_{hashlib.sha1(code.encode()).hexdigest()[:12]}.py"
        path.write_text(f"{solution}# %%\n{code}")
        pack = dataclasses.replace(PACK, exercises=(PACK.exercise(exercise),))
        result = grade(path, pack=pack, runner=lambda options: InProcessRunner(),
                       options=GradeOptions(device=device, seed=0, count_cuda=count_cuda))
        (only,) = result.exercises
        return only

    return grade_case


def requires_message(exercise: Exercise, check: CheckResult,
                     settled: dict[tuple[str, str], CheckResult]) -> str:
    """The message a check that held on its own must carry: what it requires, through every
    requirement, that failed on its own (not merely held back in turn)."""
    unmet = [(required, on) for required, on in exercise.requirements(exercise.check(check.id), check.device)
             if settled[(required.id, on)].status != "passed"
             and not settled[(required.id, on)].message.startswith(REQUIRES_PREFIX)]
    named = messages.REQUIRED_JOIN.join(
        messages.REQUIRED_CHECK.format(id=r.id, title=r.title, device="" if on == check.device else f"[{on}]")
        for r, on in unmet)
    return messages.REQUIRES_NOT_PASSED.format(required=named)


def assert_scores_zero(exercise_id: str, code: str, result: ExerciseResult) -> None:
    """Every counted check that calls what ``code`` defines scores 0 and says why in one line."""
    exercise = PACK.exercise(exercise_id)
    names = defined(code)
    touched = {c.id for c in exercise.checks if set(c.needs) & names}
    assert touched, f"{exercise_id}: no check calls {names}"
    counted = [c for c in result.checks if c.id in touched and c.counts]
    assert counted and all(c.status != "skipped" for c in counted if c.device != "cuda")
    assert {c.item_id: c.points for c in counted} == {c.item_id: 0.0 for c in counted}
    assert {c.item_id: c.status for c in counted if c.status != "skipped"} == \
        {c.item_id: "failed" for c in counted if c.status != "skipped"}, \
        {c.item_id: c.message for c in counted}
    by_key = {(c.id, c.device): c for c in result.checks}
    for check in counted:
        assert check.message and "\n" not in check.message and not check.internal, check.message
        assert NOT_IMPLEMENTED not in check.message
        if check.message.startswith(REQUIRES_PREFIX):
            assert check.message == requires_message(exercise, check, by_key)
            assert check.hint is None


@pytest.mark.parametrize(("exercise", "case"), cases(), ids=[f"{e}-{c}" for e, c in cases()])
def test_when_an_answer_is_trivial_then_it_scores_zero_in_its_exercise(
    exercise: str, case: str, graded: Callable[..., ExerciseResult]
) -> None:
    code = CASES[exercise][case]
    assert_scores_zero(exercise, code, graded(exercise, code))


def test_when_every_exercise_is_listed_then_each_has_trivial_cases() -> None:
    assert sorted(CASES) == sorted(e.id for e in PACK.exercises)
    assert all(len(by_case) >= 5 for by_case in CASES.values())


# --- what the student reads ---------------------------------------------------------------------
def message_of(result: ExerciseResult, item: str) -> str:
    return next(c.message for c in result.checks if c.item_id == item)


def requires_text(*required: tuple[str, str, str]) -> str:
    """The message of a check held back by ``(id, title, device suffix)`` checks."""
    return messages.REQUIRES_NOT_PASSED.format(required=messages.REQUIRED_JOIN.join(
        messages.REQUIRED_CHECK.format(id=i, title=t, device=d) for i, t, d in required))


MATCHES_CONV2D = ("matches_conv2d", "Agrees with torch's conv2d on other shapes", "")


def test_when_corr2d_hard_codes_the_books_example_then_the_example_does_not_count(
    graded: Callable[..., ExerciseResult]
) -> None:
    result = graded("corr2d", CASES["corr2d"]["book_example_on_the_inputs_device"])
    assert message_of(result, "corr2d::book_example[cpu]") == requires_text(MATCHES_CONV2D)
    assert message_of(result, "corr2d::keeps_dtype[cpu]") == requires_text(MATCHES_CONV2D)
    assert message_of(result, "corr2d::keeps_device[meta]") == \
        requires_text((*MATCHES_CONV2D[:2], "[cpu]"))
    assert message_of(result, "corr2d::matches_conv2d[cpu]").startswith("corr2d(X, K) has shape (2, 2)")


def test_when_corr2d_returns_zeros_then_the_properties_name_the_value_check_and_no_rounding(
    graded: Callable[..., ExerciseResult]
) -> None:
    from exercises.conv_layer import hints

    result = graded("corr2d", CASES["corr2d"]["zeros"])
    held_back = {c.item_id for c in result.checks if c.message == requires_text(MATCHES_CONV2D)}
    assert held_back == {"corr2d::keeps_dtype[cpu]", "corr2d::inputs_unchanged[cpu]"}
    matches = next(c for c in result.checks if c.item_id == "corr2d::matches_conv2d[cpu]")
    assert matches.hint != hints.HINT_ROUNDS  # zeros are whole numbers, but nothing was rounded


@pytest.mark.parametrize(("exercise", "case", "item", "required"), [
    ("laplacian", "zeros", "laplacian::zero_sum[cpu]",
     [("isotropic", "Equal, non-zero responses to x ** 2 and y ** 2", "")]),
    ("second_derivative", "zeros", "second_derivative::annihilates_lines[cpu]",
     [("constant_on_square", "Gives a non-zero constant on x ** 2", "")]),
    ("derivative_order_d", "zeros", "derivative_order_d::annihilates_lower_degrees[cpu]",
     [("constant_on_power", "Gives d! (up to sign) on x ** d", "")]),
    ("blur", "zeros", "blur::reduces_noise[cpu]", [("normalized", "Non-negative and sums to 1", "")]),
    ("blur", "identity", "blur::normalized[cpu]",
     [("reduces_noise", "Reduces the variance of a noise image", "")]),
    ("edge_detection", "zeros", "edge_detection::kernel_ignores_horizontal_edges[cpu]",
     [("kernel_marks_edges", "Marks white-to-black with 1 and black-to-white with -1", "")]),
    ("directional_edge", "second_difference", "directional_edge::ignores_perpendicular[cpu]",
     [("responds_along_v", "Responds to an image that grows along v", "")]),
    ("directional_edge", "scaled_identity", "directional_edge::scales_with_v[cpu]",
     [("ignores_perpendicular", "Gives zero on an image that grows across v", "")]),
    ("im2col", "zeros", "im2col::vectorized[cpu]",
     [("rows_are_patches", "Each row is a flattened patch, in row-major order", "")]),
    ("corr2d_matmul", "zeros", "corr2d_matmul::one_matmul[cpu]",
     [("matches_conv2d", "Agrees with torch's conv2d, edge cases included", "")]),
    ("learn_kernel", "shrinking_constant", "learn_kernel::loss_decreases[cpu]",
     [("recovers_kernel", "Recovers the kernel from the book's data and from random data", "")]),
    ("diagonal_edge", "hard_coded_size", "diagonal_edge::apply_K[cpu]",
     [("has_diagonal_edge", "diagonal_image(n) responds to [[1, -1]] along one diagonal only", "")]),
    ("conv2d_layer", "zeros", "conv2d_layer::registers_parameters[cpu]",
     [("forward_matches", "Forward is corr2d(x, weight) + bias", "")]),
])
def test_when_a_trivial_answer_holds_a_property_then_the_message_names_the_check_to_fix_first(
    exercise: str, case: str, item: str, required: list[tuple[str, str, str]],
    graded: Callable[..., ExerciseResult],
) -> None:
    assert message_of(graded(exercise, CASES[exercise][case]), item) == requires_text(*required)


def test_when_the_kernel_is_no_second_derivative_then_the_strongest_is_judged_on_the_second_difference(
    graded: Callable[..., ExerciseResult]
) -> None:
    """The choice is its own idea: a trivial kernel makes no choice right or wrong; the solution's
    right choice is judged against what [1, -2, 1] finds, computed in the check."""
    from exercises.conv_layer import hints_kernels

    for case in ("zeros", "identity", "constant"):
        check = next(c for c in graded("second_derivative", CASES["second_derivative"][case]).checks
                     if c.item_id == "second_derivative::strongest_structure[cpu]")
        assert check.status == "passed", case
        assert check.answer is not None and check.answer["question"] == \
            hints_kernels.STRONGEST_QUESTION_SECOND, case
        assert check.answer["truth"] == "thin_line", case


@pytest.mark.parametrize("forged", [
    HARD_CODED_EXCEPTION,
    function("autograd_error()", "_raise_and_catch()") + """
def _raise_and_catch():
    try:
        raise RuntimeError('grad can be implicitly created only for scalar outputs')
    except RuntimeError as exc:
        return exc
""",
], ids=["built", "raised-by-the-student"])
def test_when_autograd_error_hard_codes_torchs_exception_then_it_scores_zero(
    graded: Callable[..., ExerciseResult], forged: str
) -> None:
    result = graded("autograd", forged)
    check = next(c for c in result.checks if c.item_id == "autograd::error_is_torchs[cpu]")
    assert (check.status, check.points) == ("failed", 0)
    # Where the exception was raised decides what the hint may say: built, or raised by their code.
    if forged is HARD_CODED_EXCEPTION:
        assert check.message == hints_autograd.NEVER_RAISED.format(type="RuntimeError")
        assert check.hint == hints_autograd.HINT_BUILT
    else:
        assert check.message == hints_autograd.RAISED_ELSEWHERE.format(
            type="RuntimeError", where=hints_autograd.WHERE_YOURS)
        assert check.hint == hints_autograd.HINT_RAISED_ELSEWHERE


def test_when_the_solution_is_graded_per_exercise_then_nothing_is_held_back(
    graded: Callable[..., ExerciseResult]
) -> None:
    for exercise in CASES:
        result = graded(exercise, "")
        assert {c.item_id: c.message for c in result.checks if c.status not in ("passed", "skipped")} == {}


# --- CUDA, counted (runs only where there is a GPU) ----------------------------------------------
@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("exercise", ["corr2d", "conv2d_layer", "learn_kernel", "autograd", "im2col",
                                      "kernel_matrix", "corr2d_matmul", "conv2d_matmul"])
def test_when_cuda_counts_then_trivial_answers_score_zero_there_too(
    exercise: str, graded: Callable[..., ExerciseResult]
) -> None:
    for case, code in CASES[exercise].items():
        result = graded(exercise, code, device="cuda", count_cuda=True)
        assert any(c.device == "cuda" and c.counts for c in result.checks), case
        assert_scores_zero(exercise, code, result)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_when_cuda_counts_then_keeps_device_on_cuda_waits_for_the_values_on_cuda(
    graded: Callable[..., ExerciseResult]
) -> None:
    result = graded("corr2d", CASES["corr2d"]["zeros"], device="cuda", count_cuda=True)
    assert message_of(result, "corr2d::keeps_device[cuda]") == requires_text(MATCHES_CONV2D)


# --- the mechanism: Check.requires ----------------------------------------------------------------
def test_when_a_check_requires_an_unknown_or_itself_then_the_exercise_is_refused() -> None:
    from grader.catalog.model import Check
    from grader.errors import ExerciseDefinitionError

    value = Check("value", "Value", 1, "run_value")
    for requires in (("missing",), ("prop",)):
        with pytest.raises(ExerciseDefinitionError, match="requires"):
            Exercise("e", "E", (value, Check("prop", "Prop", 1, "run_prop", requires=requires)))
    on_cuda = Check("value", "Value", 1, "run_value", ("cuda",))
    with pytest.raises(ExerciseDefinitionError, match="neither on the CPU"):
        Exercise("e", "E", (on_cuda, Check("prop", "Prop", 1, "run_prop", ("meta",), requires=("value",))))


def test_when_requirements_are_resolved_then_each_is_judged_on_its_device_and_followed_through() -> None:
    corr2d = PACK.exercise("corr2d")
    keeps_device = corr2d.check("keeps_device")
    assert [(c.id, on) for c, on in corr2d.requirements(keeps_device, "meta")] == [("matches_conv2d", "cpu")]
    assert [(c.id, on) for c, on in corr2d.requirements(keeps_device, "cuda")] == [("matches_conv2d", "cuda")]
    edge = PACK.exercise("directional_edge")  # responds and ignores require each other
    assert [c.id for c, _ in edge.requirements(edge.check("responds_along_v"), "cpu")] == \
        ["ignores_perpendicular"]
    assert [c.id for c, _ in edge.requirements(edge.check("scales_with_v"), "cpu")] == \
        ["responds_along_v", "ignores_perpendicular"]


def test_when_the_pack_is_listed_then_the_checks_that_count_only_alongside_others_say_so() -> None:
    from grader.reports import render_pack

    text = render_pack(PACK)
    keeps_dtype = next(line for line in text.splitlines() if "Keeps the inputs' dtype" in line)
    assert keeps_dtype.endswith("[counts with matches_conv2d]")
    assert "counts only beside a correct value" in text
