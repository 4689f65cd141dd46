"""Exercise 2 as a specification: the error is the one the installed PyTorch raises, computed live;
the other errors learners meet are named for what they are (tests/fixtures/variants/autograd/)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from exercises.conv_layer import PACK
from exercises.conv_layer import hints_autograd as hints
from exercises.conv_layer.book_exercises import AUTOGRAD
from exercises.conv_layer.checks import autograd_errors
from grader import messages
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.pack import ExceptionValue
from grader.results import SubmissionResult, as_tensor
from tests.pack_support import (
    NOT_IMPLEMENTED,
    explanations,
    lost_in,
    variant_names,
)

EXERCISE = "autograd"
AUTOGRAD_PACK = dataclasses.replace(PACK, exercises=(AUTOGRAD,))
ERROR = f"{EXERCISE}::error_is_torchs[cpu]"
GRADIENTS = f"{EXERCISE}::gradients_match[cpu]"
ANSWER = f"{EXERCISE}::backpropagates[cpu]"

WHERE_YOURS = hints.HINT_OTHER_ERROR.format(where=hints.WHERE_YOURS)


def error(hint: str | None) -> dict[str, tuple[str, str | None]]:
    """The error check lost, with its hint."""
    return {ERROR: ("failed", hint)}


def not_autograd(case: str) -> dict[str, tuple[str, str | None]]:
    return error(hints.HINT_NOT_AUTOGRAD.format(case=case))


#: Wrong variants: each check of the exercise they lose, with its status and hint. Every class of
#: answer has three variants or more, written as different students write them.
EXPECTED: dict[str, dict[str, tuple[str, str | None]]] = {
    # The error asked for, raised instead of returned; another error raised.
    **{f"autograd/{n}": error(hints.HINT_CATCH_IT) for n in (
        "error_not_caught", "error_caught_wrong_type", "error_reraised")},
    **{f"autograd/{n}": error(hints.HINT_RAISED_OTHER) for n in (
        "error_name_error", "error_wrong_kernel_argument", "error_assert_instead")},
    # Something other than the exception object returned.
    **{f"autograd/{n}": error(hints.HINT_RETURNED_NONE) for n in (
        "error_scalar_loss", "error_printed", "error_kept_in_variable")},
    **{f"autograd/{n}": error(hints.HINT_RETURNED_TEXT) for n in (
        "error_as_message", "error_args_text", "error_traceback_text")},
    **{f"autograd/{n}": error(hints.HINT_RETURN_OBJECT) for n in (
        "error_type_returned", "error_in_a_list", "error_in_a_dict")},
    # The right type and message, but not raised by PyTorch: never raised, or raised by the student.
    **{f"autograd/{n}": error(hints.HINT_BUILT) for n in (
        "error_built_from_text", "error_copied_not_raised", "error_built_from_args")},
    **{f"autograd/{n}": error(hints.HINT_RAISED_ELSEWHERE) for n in (
        "error_raised_by_hand", "error_rewrapped", "error_raised_in_helper")},
    # Another error: named for what it is, computed live where it is one learners meet.
    **{f"autograd/{n}": error(hints.HINT_MXNET) for n in (
        "error_mxnet_in_place", "error_mxnet_raised", "error_mxnet_paraphrased")},
    **{f"autograd/{n}": not_autograd(hints.CASE_4D) for n in (
        "error_4d_input", "error_4d_book_loop", "error_4d_zeros")},
    **{f"autograd/{n}": not_autograd(hints.CASE_LEAF) for n in (
        "error_leaf_in_place", "error_leaf_plain_update", "error_leaf_sub_")},
    **{f"autograd/{n}": not_autograd(hints.CASE_CONV2D_DIMENSIONS) for n in (
        "error_conv2d_2d_image", "error_lazy_conv2d_2d_image", "error_functional_conv2d_5d")},
    **{f"autograd/{n}": not_autograd(hints.CASE_CONV2D_CHANNELS) for n in (
        "error_conv2d_channels_unsqueeze", "error_conv2d_channels_last",
        "error_conv2d_channels_batch")},
    **{f"autograd/{n}": error(hints.HINT_ATTRIBUTE) for n in (
        "error_net_grad", "error_net_zero_grad_typo", "error_weight_gradient")},
    **{f"autograd/{n}": error(hints.HINT_OTHER_TORCH_ERROR) for n in (
        "error_backward_twice", "error_grad_of_input", "error_under_no_grad")},
    **{f"autograd/{n}": error(WHERE_YOURS) for n in (
        "error_view_wrong_size", "error_own_value_error", "error_matmul_shapes")},
    **{f"autograd/{n}": error(hints.HINT_BUILT_OTHER) for n in (
        "error_built_value_error", "error_built_exception", "error_built_grad_fn")},
    # conv2d_gradients and the structured answer.
    "autograd/gradients_swapped": {GRADIENTS: ("failed", hints.HINT_SWAPPED)},
    "autograd/gradients_of_the_mean": {GRADIENTS: ("failed", hints.HINT_MEAN)},
    **{f"autograd/{n}": {GRADIENTS: ("failed", hints.HINT_GRAD_NONE)} for n in (
        "gradients_without_requires_grad", "gradients_read_from_the_originals",
        "gradients_only_kernel")},
    # Judged on its own: over a corr2d that is wrong, its own gradients are right (ok_*); a stub
    # corr2d leaves both functions unjudged, saying so; wrong on both counts, it says that.
    **{f"autograd/{n}": {ERROR: ("unanswered", None), GRADIENTS: ("unanswered", None)} for n in (
        "gradients_wait_both_stubs", "gradients_wait_for_corr2d", "gradients_wait_autograd_grad")},
    **{f"autograd/{n}": {GRADIENTS: ("failed", hints.HINT_NEITHER_GRADIENTS)} for n in (
        "gradients_neither_mean", "gradients_neither_squared", "gradients_neither_doubled")},
    "autograd/backpropagates_false": {ANSWER: ("failed", hints.HINT_CANNOT_DIFFERENTIATE)},
    "autograd/backpropagates_as_text": {ANSWER: ("failed", messages.HINT_NOT_ANSWERED.format(
        name="answer_conv2d_backpropagates", choices="True or False"))},
}
#: Right answers written differently: they lose nothing.
ACCEPTED = [name for name in variant_names("autograd") if name.split("/")[1].startswith("ok_")]
CUDA_ONLY = {"autograd/gradients_on_the_cpu": {f"{EXERCISE}::gradients_match[cuda]": (
    "failed", hints.HINT_GRADIENT_DEVICE)}}


def grade_autograd(path: Path, device: str = "cpu") -> SubmissionResult:
    """Grade this exercise alone: its variants touch nothing else."""
    return grade(path, pack=AUTOGRAD_PACK, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device=device))


def test_when_a_variant_fixture_exists_then_it_has_an_expectation() -> None:
    assert variant_names("autograd") == sorted({**EXPECTED, **CUDA_ONLY, **dict.fromkeys(ACCEPTED)})
    assert len(ACCEPTED) >= 3


@pytest.mark.parametrize("name", ACCEPTED)
def test_when_a_right_variant_is_graded_then_it_loses_nothing(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_autograd(variant(name))
    assert {k: c.message for k, c in lost_in(result, EXERCISE).items()} == {}
    assert result.points == result.max_points > 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_wrong_variant_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_autograd(variant(name)), EXERCISE)
    hints_said = explanations(lost, {k: hint for k, (_, hint) in EXPECTED[name].items()})
    assert {k: (c.status, hints_said[k]) for k, c in lost.items()} == EXPECTED[name], \
        {k: c.message for k, c in lost.items()}
    # Only an unfilled slot is "not implemented"; a wrong answer never is.
    assert all((NOT_IMPLEMENTED in c.message) == (c.status == "unanswered") for c in lost.values())


def test_when_the_gradients_are_right_only_on_the_cpu_then_nothing_is_lost_there(
    variant: Callable[[str], Path]
) -> None:
    assert lost_in(grade_autograd(variant("autograd/gradients_on_the_cpu")), EXERCISE) == {}


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("name", sorted(CUDA_ONLY))
def test_when_a_cuda_only_variant_is_graded_on_cuda_then_it_loses_its_cuda_check(
    name: str, variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_autograd(variant(name), device="cuda"), EXERCISE)
    assert {k: (c.status, c.hint) for k, c in lost.items()} == CUDA_ONLY[name]


def test_when_the_expected_error_is_computed_then_it_is_what_torch_raises_here() -> None:
    with pytest.raises(RuntimeError) as raised:
        torch.ones(2, 2, requires_grad=True).mul(2).backward()
    layer = autograd_errors.book_layer()
    expected = autograd_errors.raised(lambda: layer(torch.ones(6, 8).double()).backward())
    assert expected == ("RuntimeError", str(raised.value))


def test_when_the_error_is_wrong_then_the_working_backward_is_shown(variant: Callable[[str], Path]) -> None:
    check = lost_in(grade_autograd(variant("autograd/error_mxnet_in_place")), EXERCISE)[ERROR]
    assert check.exhibits[0]["label"] == "weight.grad after Conv2D(X).sum().backward()"
    assert as_tensor(check.exhibits[0]["value"])["shape"] == [1, 2]
    assert check.actual == {"type": "RuntimeError", "message":
                            "Inplace operations (a[:] = b) are not supported when recording with autograd"}


def test_when_the_answer_is_text_then_the_message_says_what_is_expected(
    variant: Callable[[str], Path]
) -> None:
    check = lost_in(grade_autograd(variant("autograd/backpropagates_as_text")), EXERCISE)[ANSWER]
    assert check.message == messages.WRONG_ANSWER_TYPE.format(
        name="answer_conv2d_backpropagates", got="'yes'", choices="True or False")


def test_when_nn_conv2d_gets_an_image_of_another_shape_then_its_error_is_named_whatever_the_sizes() -> None:
    # Computed here, as torch words it: a 2-D image of other sizes, and a 5-D one.
    for image in (torch.ones(5, 9), torch.ones(1, 1, 1, 4, 4)):
        kind, message = autograd_errors.raised(lambda x=image: torch.nn.Conv2d(1, 1, 2)(x))
        value = ExceptionValue(kind, message, raised_in="torch.nn.modules.conv")
        assert autograd_errors.hint_for_error(value) == hints.HINT_NOT_AUTOGRAD.format(
            case=hints.CASE_CONV2D_DIMENSIONS)


def test_when_a_broadcast_error_has_other_sizes_than_the_4d_input_then_it_is_not_called_one() -> None:
    # A broadcast error's wording names no cause: only the 4-D input's own sizes identify it.
    message = "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1"
    value = ExceptionValue("RuntimeError", message, raised_in=autograd_errors.STUDENT_MODULE)
    assert autograd_errors.hint_for_error(value) == WHERE_YOURS


def test_when_the_exception_was_never_raised_then_no_hint_says_pytorch_raised_it() -> None:
    for kind, message in (("RuntimeError", "Expected 3D (unbatched) or 4D (batched) input to conv2d,"
                           " but got input of size: [6, 8]"), ("AttributeError", "no attribute 'grad'")):
        hint = autograd_errors.hint_for_error(ExceptionValue(kind, message, raised_in=None))
        assert hint == hints.HINT_BUILT_OTHER


def test_when_corr2d_is_a_stub_then_the_functions_that_run_it_say_they_wait_for_it(
    variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_autograd(variant("autograd/gradients_wait_for_corr2d")), EXERCISE)
    assert lost[ERROR].message == hints.ERROR_WAITS_FOR_CORR2D
    assert lost[GRADIENTS].message == hints.GRADIENTS_WAIT_FOR_CORR2D
    assert NOT_IMPLEMENTED in lost[ERROR].message and NOT_IMPLEMENTED in lost[GRADIENTS].message


#: The solution's autograd answers over a corr2d that is wrong (top-level fixtures, as a full
#: grading runs them): what the check blames is the student's corr2d, found by running it.
OVER_WRONG_CORR2D: dict[str, dict[str, str]] = {
    "corr2d_detach_x": {GRADIENTS: hints.HINT_CORR2D_NO_GRADIENT.format(names="X")},
    "corr2d_kernel_item": {GRADIENTS: hints.HINT_CORR2D_NO_GRADIENT.format(names="K")},
    "corr2d_kernel_tolist": {GRADIENTS: hints.HINT_CORR2D_NO_GRADIENT.format(names="K")},
    "corr2d_normalizes_kernel": {ERROR: hints.HINT_ERROR_FROM_CORR2D,
                                 GRADIENTS: hints.HINT_USES_CORR2D},
}


@pytest.mark.parametrize("name", sorted(OVER_WRONG_CORR2D))
def test_when_corr2d_is_what_breaks_autograd_then_the_hint_names_corr2d_not_the_calling_code(
    name: str, variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_autograd(variant(name)), EXERCISE)
    assert {k: c.hint for k, c in lost.items()} == OVER_WRONG_CORR2D[name], \
        {k: c.message for k, c in lost.items()}


def test_when_a_none_comes_back_over_a_right_corr2d_then_the_hint_is_about_requires_grad(
    variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_autograd(variant("autograd/gradients_without_requires_grad")), EXERCISE)
    assert lost[GRADIENTS].hint == hints.HINT_GRAD_NONE
