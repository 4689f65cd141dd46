"""Exercise 1 as a specification: any image with a diagonal edge is accepted, and each answer is
judged against what is true for the student's own image (tests/fixtures/variants/diagonal/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from exercises.conv_layer import PACK
from exercises.conv_layer import hints_diagonal as hints
from exercises.conv_layer.checks import diagonal
from grader import messages
from solutions import conv_layer as reference
from tests.pack_support import (
    NOT_IMPLEMENTED,
    exhibited,
    explanations,
    grade_here,
    lost_in,
    variant_names,
)

EXERCISE = "diagonal_edge"
CANNOT_JUDGE = {f"{EXERCISE}::{q}[cpu]": hints.HINT_NOT_DIAGONAL
                for q in ("apply_K", "transpose_X", "transpose_K")}

#: Wrong variants: every check of the exercise they lose, with its hint (status "failed" for all).
EXPECTED: dict[str, dict[str, str | None]] = {
    "diagonal/vertical_edge": {f"{EXERCISE}::has_diagonal_edge[cpu]": hints.HINT_VERTICAL_EDGE,
                               **CANNOT_JUDGE},
    "diagonal/horizontal_edge": {f"{EXERCISE}::has_diagonal_edge[cpu]": hints.HINT_NO_RESPONSE,
                                 **CANNOT_JUDGE},
    "diagonal/not_square": {f"{EXERCISE}::has_diagonal_edge[cpu]": hints.HINT_SQUARE_IMAGE,
                            **CANNOT_JUDGE},
    "diagonal/checkerboard": {f"{EXERCISE}::has_diagonal_edge[cpu]": hints.HINT_NOT_DIAGONAL,
                              **CANNOT_JUDGE},
    "diagonal/triangle_unchanged_by_transpose": {
        f"{EXERCISE}::transpose_X[cpu]": hints.HINT_TRANSPOSED_NOT_SYMMETRIC},
    "diagonal/eye_changed_by_transpose": {
        f"{EXERCISE}::transpose_X[cpu]": hints.HINT_TRANSPOSED_SYMMETRIC},
    "diagonal/apply_K_two_lines_for_triangle": {f"{EXERCISE}::apply_K[cpu]": hints.HINT_APPLY_K},
    "diagonal/transpose_K_transposed_for_triangle": {
        f"{EXERCISE}::transpose_K[cpu]": hints.HINT_TRANSPOSE_K},
    "diagonal/transpose_K_zeros": {f"{EXERCISE}::transpose_K[cpu]": hints.HINT_TRANSPOSE_K},
    "diagonal/answer_not_a_choice": {
        f"{EXERCISE}::apply_K[cpu]": messages.HINT_NOT_ANSWERED.format(
            name="answer_apply_K", choices=", ".join(repr(c) for c in diagonal.APPLY_K_CHOICES))},
}
ACCEPTED = [name for name in variant_names("diagonal") if name.split("/")[1].startswith("ok_")]


def test_when_a_variant_fixture_exists_then_it_has_an_expectation() -> None:
    assert sorted(set(variant_names("diagonal")) - set(ACCEPTED)) == sorted(EXPECTED)
    assert len(ACCEPTED) == 5


@pytest.mark.parametrize("name", ACCEPTED)
def test_when_the_image_is_any_diagonal_edge_then_every_check_passes(
    name: str, variant: Callable[[str], Path]
) -> None:
    assert lost_in(grade_here(variant(name)), EXERCISE) == {}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_wrong_variant_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_here(variant(name)), EXERCISE)
    assert {k: c.status for k, c in lost.items()} == {k: "failed" for k in EXPECTED[name]}
    assert explanations(lost, EXPECTED[name]) == EXPECTED[name]
    assert not any(NOT_IMPLEMENTED in c.message for c in lost.values())


def test_when_transpose_x_is_answered_wrongly_then_x_and_its_transpose_are_shown(
    variant: Callable[[str], Path]
) -> None:
    check = lost_in(grade_here(variant("diagonal/triangle_unchanged_by_transpose")), EXERCISE)[
        f"{EXERCISE}::transpose_X[cpu]"]
    labels = [e["label"] for e in check.exhibits]
    assert labels[:2] == ["your X", "X.T"]
    X = exhibited(check.exhibits[0])
    assert torch.equal(X, torch.tril(torch.ones(8, 8)))
    assert check.answer == {"question": "answer_transpose_X", "given": "unchanged",
                            "truth": "changes", "choices": ["unchanged", "changes"],
                            "correct": False}
    assert check.message == hints.WRONG_CHOICE.format(name="answer_transpose_X", given="unchanged")
    assert check.solution is not None and hints.WHY_TRANSPOSE_X["changes"] in check.solution


def test_when_the_answers_are_right_then_they_are_recorded_with_their_truth() -> None:
    result = grade_here(PACK.solution_module)
    answers = {c.id: c.answer for c in result.checks if c.exercise == EXERCISE and c.answer}
    assert {k: (a["given"], a["truth"], a["correct"]) for k, a in answers.items()} == {
        "apply_K": ("one_line", "one_line", True),
        "transpose_X": ("changes", "changes", True),
        "transpose_K": ("different", "different", True),
    }


@pytest.mark.parametrize(("image", "truths"), [
    (torch.eye(7), ("two_lines", "unchanged", "transposed")),
    (1 - torch.eye(7), ("two_lines", "unchanged", "transposed")),
    (torch.eye(7).flip(1), ("two_lines", "unchanged", "transposed")),
    (torch.tril(torch.ones(7, 7)), ("one_line", "changes", "different")),
    (torch.triu(torch.ones(7, 7)), ("one_line", "changes", "different")),
])
def test_when_the_truth_is_computed_then_it_depends_on_the_image(
    image: torch.Tensor, truths: tuple[str, str, str]
) -> None:
    K = torch.tensor([[1.0, -1.0]], dtype=torch.float64)
    X = image.double()
    Y = reference.corr2d(X, K)
    diagonal._assert_diagonal(Y, 7)
    assert diagonal._classify(Y) == truths[0]
    assert (torch.equal(reference.corr2d(X.T.contiguous(), K), Y)) == (truths[1] == "unchanged")
    assert torch.equal(reference.corr2d(X, K.T.contiguous()), Y.T) == (truths[2] == "transposed")
