"""Exercise 1 as a specification: any image with a diagonal edge is accepted, and each answer is
judged against what is true for the student's own image (tests/fixtures/variants/diagonal/)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from exercises.conv_layer import PACK
from exercises.conv_layer import hints_diagonal as hints
from exercises.conv_layer.checks import diagonal
from grader import messages
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.results import CheckResult, SubmissionResult
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
QUESTIONS = ("apply_K", "transpose_X", "transpose_K")
SECTION_PACK = dataclasses.replace(PACK, exercises=tuple(e for e in PACK.exercises if e.id == EXERCISE))
_GRADED: dict[Path, SubmissionResult] = {}


def graded(path: Path) -> SubmissionResult:
    """A fixture graded against this exercise only, in this process, once per test session."""
    if path not in _GRADED:
        _GRADED[path] = grade(path, pack=SECTION_PACK, runner=lambda options: InProcessRunner(),
                              options=GradeOptions(device="cpu", seed=0))
    return _GRADED[path]


def cannot_judge(hint: str | None) -> dict[str, str | None]:
    """The three questions, each failed as not judgeable on the image, with the image's own hint."""
    return {f"{EXERCISE}::{q}[cpu]": hint for q in QUESTIONS}


def lost_as(image_hint: str | None, question_hint: str | None = None) -> dict[str, str | None]:
    """has_diagonal_edge lost with ``image_hint``, and the questions with ``question_hint`` (the same
    unless given)."""
    return {f"{EXERCISE}::has_diagonal_edge[cpu]": image_hint,
            **cannot_judge(image_hint if question_hint is None else question_hint)}


CANVAS = hints.HINT_SQUARE_IMAGE
RAISED = hints.HINT_CANNOT_JUDGE_CALL.format(n=diagonal.QUESTION_SIZE)

#: Wrong variants: every check of the exercise they lose, with its hint (status "failed" for all).
#: An image the questions cannot be judged on fails them with the reason (tests below): no
#: diagonal edge, another shape (the hint names the size of their own image), or a raise.
EXPECTED: dict[str, dict[str, str | None]] = {
    # no diagonal edge
    "diagonal/vertical_edge": lost_as(hints.HINT_VERTICAL_EDGE),
    "diagonal/horizontal_edge": lost_as(hints.HINT_NO_RESPONSE),
    "diagonal/checkerboard": lost_as(hints.HINT_NOT_DIAGONAL),
    "diagonal/blank_image": lost_as(hints.HINT_NO_RESPONSE),
    # another shape: an n x m canvas, or a batch of one
    "diagonal/not_square": {f"{EXERCISE}::has_diagonal_edge[cpu]": CANVAS.format(rows=6, columns=7),
                            **cannot_judge(CANVAS.format(rows=8, columns=9))},
    "diagonal/canvas_padded": {f"{EXERCISE}::has_diagonal_edge[cpu]": CANVAS.format(rows=6, columns=8),
                               **cannot_judge(CANVAS.format(rows=8, columns=10))},
    "diagonal/canvas_fixed_width": {
        f"{EXERCISE}::has_diagonal_edge[cpu]": CANVAS.format(rows=6, columns=12),
        **cannot_judge(CANVAS.format(rows=8, columns=16))},
    "diagonal/batched_image": lost_as(hints.HINT_IMAGE_NOT_2D.format(dims=4)),
    # raised, or returned no tensor
    "diagonal/raises_index": lost_as(None, RAISED),
    "diagonal/raises_tril_of_a_vector": lost_as(None, RAISED),
    "diagonal/raises_size_mismatch": lost_as(None, RAISED),
    "diagonal/returns_numpy": lost_as(messages.HINT_RETURN_TENSOR),
    # answers that are wrong for the student's own image
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
#: The reason each class of image gives for not judging the questions, as the message begins.
NO_EDGE = ["vertical_edge", "horizontal_edge", "checkerboard", "blank_image"]
OTHER_SHAPE = ["not_square", "canvas_padded", "canvas_fixed_width", "batched_image"]
RAISES = ["raises_index", "raises_tril_of_a_vector", "raises_size_mismatch", "returns_numpy"]
ACCEPTED = [name for name in variant_names("diagonal") if name.split("/")[1].startswith("ok_")]


def test_when_a_variant_fixture_exists_then_it_has_an_expectation() -> None:
    assert sorted(set(variant_names("diagonal")) - set(ACCEPTED)) == sorted(EXPECTED)
    assert len(ACCEPTED) == 5


@pytest.mark.parametrize("name", ACCEPTED)
def test_when_the_image_is_any_diagonal_edge_then_every_check_passes(
    name: str, variant: Callable[[str], Path]
) -> None:
    assert lost_in(graded(variant(name)), EXERCISE) == {}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_wrong_variant_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, variant: Callable[[str], Path]
) -> None:
    lost = lost_in(graded(variant(name)), EXERCISE)
    assert {k: c.status for k, c in lost.items()} == {k: "failed" for k in EXPECTED[name]}
    assert explanations(lost, EXPECTED[name]) == EXPECTED[name]
    assert not any(NOT_IMPLEMENTED in c.message for c in lost.values())


def _questions(name: str, variant: Callable[[str], Path]) -> list[CheckResult]:
    """The three questions of a variant, as graded."""
    lost = lost_in(graded(variant(f"diagonal/{name}")), EXERCISE)
    return [lost[f"{EXERCISE}::{q}[cpu]"] for q in QUESTIONS]


def _parts(template: str, name: str) -> tuple[str, str]:
    """What a cannot-judge message says before and after the problem it quotes."""
    before, after = template.split("{problem}")
    return before.format(name=name, n=diagonal.QUESTION_SIZE), after


def test_when_an_image_cannot_be_had_then_each_reason_has_at_least_three_fixtures() -> None:
    for names in (NO_EDGE, OTHER_SHAPE, RAISES):
        assert len(names) >= 3 and {f"diagonal/{n}" for n in names} <= set(EXPECTED)


@pytest.mark.parametrize("name", NO_EDGE)
def test_when_the_image_has_no_diagonal_edge_then_the_questions_say_so_and_show_what_was_found(
    name: str, variant: Callable[[str], Path]
) -> None:
    n = diagonal.QUESTION_SIZE
    for check in _questions(name, variant):
        question = check.answer["question"] if check.answer else f"answer_{check.id}"
        before, after = _parts(hints.CANNOT_JUDGE_EDGE, question)
        assert check.message.startswith(before + f"corr2d(diagonal_image({n}), [[1, -1]]) is ")
        assert check.message.endswith(after)
        assert [e["label"] for e in check.exhibits] == [f"your diagonal_image({n})", "corr2d(X, [[1, -1]])"]
        assert not any(e.get("reveals") for e in check.exhibits)  # no answer to give away
        assert exhibited(check.exhibits[0]).shape == (n, n)


@pytest.mark.parametrize(("name", "shape"), [
    ("not_square", (8, 9)), ("canvas_padded", (8, 10)), ("canvas_fixed_width", (8, 16)),
    ("batched_image", (1, 1, 8, 8)),
])
def test_when_the_image_has_another_shape_then_the_questions_say_which_and_show_it(
    name: str, shape: tuple[int, ...], variant: Callable[[str], Path]
) -> None:
    for check, question in zip(_questions(name, variant), QUESTIONS, strict=True):
        assert check.message == hints.CANNOT_JUDGE_SHAPE.format(
            name=f"answer_{question}", n=diagonal.QUESTION_SIZE, shape=shape)
        assert [e["label"] for e in check.exhibits] == [f"your diagonal_image({diagonal.QUESTION_SIZE})"]
        assert tuple(exhibited(check.exhibits[0]).shape) == shape


@pytest.mark.parametrize(("name", "problem"), [
    ("raises_index", "diagonal_image raised IndexError: "),
    ("raises_tril_of_a_vector", "diagonal_image raised RuntimeError: tril"),
    ("raises_size_mismatch", "diagonal_image raised RuntimeError: The size of tensor a (8)"),
    ("returns_numpy", "diagonal_image returned a numpy.ndarray"),
])
def test_when_the_image_raises_then_the_questions_say_so_and_where(
    name: str, problem: str, variant: Callable[[str], Path]
) -> None:
    for check, question in zip(_questions(name, variant), QUESTIONS, strict=True):
        before, _ = _parts(hints.CANNOT_JUDGE_CALL, f"answer_{question}")
        assert check.message.startswith(before + problem), check.message
        assert (check.line is not None) == name.startswith("raises_")  # where it raised


def test_when_transpose_x_is_answered_wrongly_then_x_and_its_transpose_are_shown(
    variant: Callable[[str], Path]
) -> None:
    check = lost_in(graded(variant("diagonal/triangle_unchanged_by_transpose")), EXERCISE)[
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
