"""Exercise 2 as a specification: the error is the one the installed PyTorch raises, computed live;
the other errors learners meet are named for what they are (tests/fixtures/variants/autograd/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from exercises.conv_layer import hints_autograd as hints
from exercises.conv_layer.checks import autograd
from grader import messages
from grader.results import as_tensor
from tests.pack_support import (
    NOT_IMPLEMENTED,
    check_context,
    explanations,
    grade_here,
    lost_in,
    variant_names,
)

EXERCISE = "autograd"
ERROR = f"{EXERCISE}::error_is_torchs[cpu]"
GRADIENTS = f"{EXERCISE}::gradients_match[cpu]"
ANSWER = f"{EXERCISE}::backpropagates[cpu]"

#: Wrong variants: each check of the exercise they lose, with its status and hint.
EXPECTED: dict[str, dict[str, tuple[str, str | None]]] = {
    "autograd/error_not_caught": {ERROR: ("failed", hints.HINT_RETURN_EXCEPTION)},
    "autograd/error_as_message": {ERROR: ("failed", hints.HINT_RETURN_EXCEPTION)},
    "autograd/error_mxnet_in_place": {ERROR: ("failed", hints.HINT_MXNET)},
    "autograd/error_4d_input": {ERROR: ("failed", hints.HINT_NOT_AUTOGRAD.format(case=hints.CASE_4D))},
    "autograd/error_leaf_in_place": {
        ERROR: ("failed", hints.HINT_NOT_AUTOGRAD.format(case=hints.CASE_LEAF))},
    "autograd/error_net_grad": {
        ERROR: ("failed", hints.HINT_NOT_AUTOGRAD.format(case=hints.CASE_ATTRIBUTE))},
    "autograd/gradients_swapped": {GRADIENTS: ("failed", hints.HINT_SWAPPED)},
    "autograd/gradients_of_the_mean": {GRADIENTS: ("failed", hints.HINT_MEAN)},
    "autograd/gradients_without_requires_grad": {GRADIENTS: ("failed", hints.HINT_PAIR)},
    "autograd/gradients_through_a_broken_corr2d": {GRADIENTS: ("failed", hints.HINT_USES_CORR2D)},
    "autograd/backpropagates_false": {ANSWER: ("failed", hints.HINT_CANNOT_DIFFERENTIATE)},
    "autograd/backpropagates_as_text": {ANSWER: ("failed", messages.HINT_NOT_ANSWERED.format(
        name="answer_conv2d_backpropagates", choices="True or False"))},
}
CUDA_ONLY = {"autograd/gradients_on_the_cpu": {f"{EXERCISE}::gradients_match[cuda]": (
    "failed", hints.HINT_GRADIENT_DEVICE)}}


def test_when_a_variant_fixture_exists_then_it_has_an_expectation() -> None:
    assert variant_names("autograd") == sorted({**EXPECTED, **CUDA_ONLY})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_wrong_variant_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_here(variant(name)), EXERCISE)
    hints_said = explanations(lost, {k: hint for k, (_, hint) in EXPECTED[name].items()})
    assert {k: (c.status, hints_said[k]) for k, c in lost.items()} == EXPECTED[name], \
        {k: c.message for k, c in lost.items()}
    assert not any(NOT_IMPLEMENTED in c.message for c in lost.values())


def test_when_the_gradients_are_right_only_on_the_cpu_then_nothing_is_lost_there(
    variant: Callable[[str], Path]
) -> None:
    assert lost_in(grade_here(variant("autograd/gradients_on_the_cpu")), EXERCISE) == {}


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("name", sorted(CUDA_ONLY))
def test_when_a_cuda_only_variant_is_graded_on_cuda_then_it_loses_its_cuda_check(
    name: str, variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_here(variant(name), device="cuda"), EXERCISE)
    assert {k: (c.status, c.hint) for k, c in lost.items()} == CUDA_ONLY[name]


def test_when_the_expected_error_is_computed_then_it_is_what_torch_raises_here() -> None:
    with pytest.raises(RuntimeError) as raised:
        torch.ones(2, 2, requires_grad=True).mul(2).backward()
    ctx = check_context()
    expected = autograd._raised(lambda: autograd._book_layer(ctx)(torch.ones(6, 8).double()).backward())
    assert expected == ("RuntimeError", str(raised.value))


def test_when_the_error_is_wrong_then_the_working_backward_is_shown(variant: Callable[[str], Path]) -> None:
    check = lost_in(grade_here(variant("autograd/error_mxnet_in_place")), EXERCISE)[ERROR]
    assert check.exhibits[0]["label"] == "weight.grad after Conv2D(X).sum().backward()"
    assert as_tensor(check.exhibits[0]["value"])["shape"] == [1, 2]
    assert check.actual == {"type": "RuntimeError", "message":
                            "Inplace operations (a[:] = b) are not supported when recording with autograd"}


def test_when_the_answer_is_text_then_the_message_says_what_is_expected(
    variant: Callable[[str], Path]
) -> None:
    check = lost_in(grade_here(variant("autograd/backpropagates_as_text")), EXERCISE)[ANSWER]
    assert check.message == messages.WRONG_ANSWER_TYPE.format(
        name="answer_conv2d_backpropagates", got="'yes'", choices="True or False")
