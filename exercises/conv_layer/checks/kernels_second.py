"""Checks of 4.2: ``second_derivative_kernel()``, its minimum size, and what responds to it most.

The kernel is a single row (1, 3), a single column (3, 1) or a 1-D tensor of 3 (read as a row); its
direction is its orientation. It must give zero on constants and on linear ramps and a non-zero
constant on the square of its own coordinate (x^2 for a row, y^2 for a column), at any scale and
with either sign. A kernel of another shape fails both kernel checks, with the hint that its
behaviour calls for: a Laplacian (the same response to x^2 and y^2) is the sum over both
directions, a longer kernel that still takes a second derivative has more taps than needed.

"Which structures respond most strongly?" is judged on the student's own kernel where it takes a
second derivative (any scale, sign, orientation, up to 5 taps, or the Laplacian): it is applied to a
flat region, a linear ramp, a step edge and a one-pixel line, all varying along the kernel's
direction, and the truth is the structure with the largest absolute response (ties accept either).
Otherwise (missing, raising, all zeros, the identity, a first difference) the answer is judged on
its own, on the second difference: all zeros would tie every structure and the identity three, so
an answer about such a kernel would say nothing, and a right answer must not be lost to a wrong
kernel. The message then says why the student's kernel was not used.
"""

from __future__ import annotations

import torch

from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks.kernels_common import (
    as_row,
    as_value,
    exhibit_squares,
    failure,
    fetch_kernel,
    fits,
    grid,
    is_constant,
    is_zero,
    number_text,
    respond,
    second_derivative_axes,
    shape_failure,
    shape_text,
    tolerance,
)
from exercises.conv_layer.truth import fewest_taps
from grader.pack import CheckContext, CheckFailed, StudentCodeError, assert_close

__all__ = [
    "second_derivative_annihilates_lines",
    "second_derivative_constant_on_square",
    "second_derivative_min_size",
    "second_derivative_strongest_structure",
]

NAME = "second_derivative_kernel"
CALL = "second_derivative_kernel()"
MIN_SIZE_NAME = "SECOND_DERIVATIVE_MIN_SIZE"
STRONGEST_NAME = "answer_second_derivative_strongest"
STRUCTURES = ("flat", "ramp", "step_edge", "thin_line")
IMAGE_SHAPE = (7, 9)
STRUCTURE_SHAPE = (7, 11)
#: Structures whose largest responses differ by less than this share are tied.
TIE_RTOL = 1e-6


def second_derivative_annihilates_lines(ctx: CheckContext) -> None:
    """Zero on a constant, on ramps along x and along y, and on a tilted plane."""
    K = _kernel(ctx)
    x, y = grid(*IMAGE_SHAPE)
    offset = 1.0 + float(torch.rand(1, generator=ctx.generator(50), dtype=torch.float64))
    images = ((hints.IMAGE_CONSTANT, x * 0 + offset), (hints.IMAGE_RAMP_X, x + offset),
              (hints.IMAGE_RAMP_Y, y + offset), (hints.IMAGE_PLANE, 2 * x - 3 * y + offset))
    for label, X in images:
        R = respond(X, K)
        if not is_zero(R, X, K):
            ctx.exhibit(label, X)
            ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=label), R)
            assert_close(as_value(R), torch.zeros_like(R), what=hints.RESPONSE_OF.format(
                call=CALL, image=label), input={"X": X, "K": K}, rtol=0.0, atol=tolerance(X, K),
                hint=_lines_hint(K))


def second_derivative_constant_on_square(ctx: CheckContext) -> None:
    """The square of the kernel's own coordinate (x^2 for a row) gives one non-zero value."""
    K = _kernel(ctx)
    x, y = grid(*IMAGE_SHAPE)
    label, X = (hints.IMAGE_X2, x**2) if K.shape[0] == 1 else (hints.IMAGE_Y2, y**2)
    R = respond(X, K)
    if is_constant(R, X, K) and not is_zero(R, X, K):
        return
    ctx.exhibit(label, X)
    ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=label), R)
    inputs = {"X": X, "K": K}
    if is_zero(R, X, K):
        raise failure(hints.SECOND_ZERO_ON_SQUARE.format(call=CALL, image=label),
                      hint=hints.HINT_SECOND_SQUARE, input=inputs, actual=R)
    raise failure(hints.SECOND_NOT_CONSTANT.format(call=CALL, image=label, low=number_text(float(R.min())),
                                                   high=number_text(float(R.max()))),
                  hint=_lines_hint(K), input=inputs, actual=R)


def second_derivative_min_size(ctx: CheckContext) -> None:
    """SECOND_DERIVATIVE_MIN_SIZE is the fewest taps of a second-derivative stencil, found by
    linear algebra (``truth.fewest_taps``)."""
    given = ctx.value_answer(MIN_SIZE_NAME, (int,), hints.MIN_SIZE_EXPECTED)
    fewest = fewest_taps(2)
    if not ctx.record_answer(MIN_SIZE_NAME, given, fewest):
        raise failure(hints.SECOND_MIN_SIZE_WRONG.format(name=MIN_SIZE_NAME, given=given),
                      hint=hints.OPEN_SECOND_MIN_SIZE, expected=fewest, actual=given,
                      expected_is_answer=True,
                      solution=hints.SOLUTION_SECOND_MIN_SIZE.format(size=fewest,
                                                                     why=hints.HINT_SECOND_MIN_SIZE))


def second_derivative_strongest_structure(ctx: CheckContext) -> None:
    """The structure named is the one a second derivative responds to most strongly: the student's
    own kernel where it takes one, else the second difference (the answer is judged on its own)."""
    given = ctx.choice(STRONGEST_NAME, STRUCTURES)
    K, unused = _own_second_derivative(ctx)
    if K is None:
        K = second_difference()
    strength = {}
    for name, X in _structures(column=K.shape[1] == 1 and K.shape[0] > 1).items():
        R = respond(X, K)
        strength[name] = 0.0 if is_zero(R, X, K) else float(R.abs().max())
        ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=name), R,
                    hints.NOTE_LARGEST.format(value=number_text(strength[name])), reveals=True)
    top = max(strength.values())
    tied = [name for name in STRUCTURES if strength[name] >= top - TIE_RTOL * max(top, 1e-300)]
    truth = given if given in tied else tied[0]
    question = hints.STRONGEST_QUESTION if unused is None else hints.STRONGEST_QUESTION_SECOND
    if ctx.record_answer(question, given, truth, STRUCTURES):
        return
    given_value = number_text(strength[given])
    message = hints.STRONGEST_WRONG.format(name=STRONGEST_NAME, given=given, given_value=given_value) \
        if unused is None else hints.STRONGEST_WRONG_SECOND.format(
            name=STRONGEST_NAME, given=given, given_value=given_value, reason=unused)
    raise failure(message, hint=hints.OPEN_STRONGEST, expected=truth, actual=given,
                  expected_is_answer=True,
                  solution=(hints.SOLUTION_STRONGEST if unused is None else hints.SOLUTION_STRONGEST_SECOND)
                  .format(given=given, truth=truth, given_value=given_value,
                          truth_value=number_text(strength[truth]), why=hints.HINT_STRONGEST))


def second_difference() -> torch.Tensor:
    """The second difference along x, (1, 3): the first difference [-1, 1] applied twice."""
    first = torch.tensor([[[-1.0, 1.0]]], dtype=torch.float64)
    return torch.nn.functional.conv1d(torch.nn.functional.pad(first, (1, 1)), first.flip(-1))[0]


def _own_second_derivative(ctx: CheckContext) -> tuple[torch.Tensor | None, str | None]:
    """The student's kernel if it takes a second derivative (any scale, sign, orientation, up to
    5 taps, or the Laplacian), else None and why it cannot be used: all zeros would tie every
    structure and the identity three, so an answer about such a kernel says nothing. What was found
    is shown: the kernel, or the error (the kernel's own checks report it in full)."""
    try:
        K = as_row(fetch_kernel(ctx, NAME, call=CALL))
    except (StudentCodeError, CheckFailed) as exc:
        return None, exc.message
    if fits(K, 5) and second_derivative_axes(K) is not None:
        return K, None
    ctx.exhibit(hints.LABEL_KERNEL.format(call=CALL), K)
    if not fits(K, 5):
        return None, hints.STRONGEST_KERNEL_TOO_LARGE.format(call=CALL, shape=shape_text(tuple(K.shape)))
    return None, hints.STRONGEST_KERNEL_NOT_SECOND.format(call=CALL)


def _kernel(ctx: CheckContext) -> torch.Tensor:
    """The kernel as a row or a column of the fewest taps; any other shape fails with what it does
    (the hint without the size, which full feedback adds as the solution)."""
    K = as_row(fetch_kernel(ctx, NAME, call=CALL))
    taps = fewest_taps(2)
    if tuple(K.shape) in ((1, taps), (taps, 1)):
        return K
    if K.dim() == 2 and 1 in K.shape and 1 <= K.numel() < taps:
        raise shape_failure(hints.SECOND_TOO_FEW.format(call=CALL, taps=K.numel()), K,
                            hints.SECOND_EXPECTED_SHAPE, hints.OPEN_SECOND_MIN_SIZE,
                            solution=hints.HINT_SECOND_MIN_SIZE)
    axes = second_derivative_axes(K)
    if axes == "both":
        exhibit_squares(ctx, K)
        hint, solution = hints.OPEN_SECOND_VS_LAPLACIAN, hints.HINT_SECOND_VS_LAPLACIAN
    elif axes is not None and 1 in K.shape:
        hint, solution = hints.OPEN_SECOND_MIN_SIZE, hints.HINT_SECOND_MIN_SIZE
    else:
        hint, solution = hints.OPEN_SECOND_SHAPE, hints.HINT_SECOND_SHAPE
    raise shape_failure(hints.SECOND_SHAPE.format(call=CALL, shape=shape_text(tuple(K.shape))), K,
                        hints.SECOND_EXPECTED_SHAPE, hint, solution=solution)


def _lines_hint(K: torch.Tensor) -> str | None:
    """Why a 3-tap kernel misses a line: taps that do not sum to zero, or a lopsided kernel."""
    x, y = grid(*IMAGE_SHAPE)
    constant = x * 0 + 1
    if not is_zero(respond(constant, K), constant, K):
        return hints.HINT_SECOND_SUM
    if not all(is_zero(respond(X, K), X, K) for X in (x, y)):
        return hints.HINT_SECOND_RAMP
    return None


def _structures(*, column: bool) -> dict[str, torch.Tensor]:
    """The four structures, varying along x (or along y for a column kernel), with values in [0, 1]."""
    height, width = STRUCTURE_SHAPE
    x = torch.arange(width, dtype=torch.float64).expand(height, width)
    middle = width // 2
    images = {
        "flat": torch.full((height, width), 0.5, dtype=torch.float64),
        "ramp": x / (width - 1),
        "step_edge": (x >= middle).to(torch.float64),
        "thin_line": (x == middle).to(torch.float64),
    }
    return {name: X.T.contiguous() if column else X for name, X in images.items()}
