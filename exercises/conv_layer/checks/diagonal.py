"""Checks of exercise 1: an image with a diagonal edge, and three questions about it.

The answers are choices, and the truth behind each is computed on the student's own image with the
reference ``corr2d``: for ``torch.eye`` transposing X changes nothing, for a triangle it does, and
the grader knows which image it was given. The image itself is accepted whatever its form, as long
as the book's ``K = [[1, -1]]`` responds to it along one diagonal line and nowhere else.

A question whose image cannot be had says why, showing what was found: diagonal_image raised (the
error, where it was raised), returned another shape (an n x m canvas, extra axes: the image is
shown), or returned an image with no diagonal edge (the image and its response are shown).
"""

from __future__ import annotations

import torch

from exercises.conv_layer import hints_diagonal as hints
from exercises.conv_layer.checks._common import book_kernel, conv_truth
from grader.pack import CheckContext, CheckFailed, MissingName, NotImplementedYet, StudentCodeError

__all__ = [
    "diagonal_apply_K",
    "diagonal_has_diagonal_edge",
    "diagonal_transpose_K",
    "diagonal_transpose_X",
]

#: The sizes the image is asked for: even and odd, so an edge that only works for one is caught.
SIZES = (6, 9)
#: The size the questions are judged on.
QUESTION_SIZE = 8
APPLY_K_CHOICES = ("zeros", "one_line", "two_lines", "everywhere")
TRANSPOSE_X_CHOICES = ("unchanged", "changes")
TRANSPOSE_K_CHOICES = ("zeros", "transposed", "different")
TOLERANCE = 1e-9


def diagonal_has_diagonal_edge(ctx: CheckContext) -> None:
    """For each size, an n x n real image whose response to [[1, -1]] lies along one diagonal."""
    for n in SIZES:
        X = _image(ctx, n)
        Y = conv_truth(X, book_kernel().double())
        ctx.exhibit(f"your diagonal_image({n})", X)
        ctx.exhibit(f"corr2d(X, [[1, -1]]) for n = {n}", Y, reveals=True)  # answer_apply_K's truth
        _assert_diagonal(Y, n)


def diagonal_apply_K(ctx: CheckContext) -> None:
    """answer_apply_K names what corr2d(X, K) looks like for the student's own X."""
    given = ctx.choice("answer_apply_K", APPLY_K_CHOICES)
    X, Y = _judged_image(ctx, "answer_apply_K")
    truth = _classify(Y)
    ctx.exhibit("your X", X)
    ctx.exhibit("corr2d(X, K)", Y, reveals=True)
    _judge(ctx, "answer_apply_K", given, truth, APPLY_K_CHOICES, hints.WHY_APPLY_K,
           (hints.OPEN_APPLY_K, hints.HINT_APPLY_K))


def diagonal_transpose_X(ctx: CheckContext) -> None:
    """answer_transpose_X says whether corr2d(X.T, K) differs from corr2d(X, K), for their X."""
    given = ctx.choice("answer_transpose_X", TRANSPOSE_X_CHOICES)
    X, Y = _judged_image(ctx, "answer_transpose_X")
    YT = conv_truth(X.T.contiguous(), book_kernel().double())
    truth = "unchanged" if torch.allclose(Y, YT, atol=TOLERANCE) else "changes"
    for label, value in (("your X", X), ("X.T", X.T)):
        ctx.exhibit(label, value)
    for label, value in (("corr2d(X, K)", Y), ("corr2d(X.T, K)", YT)):
        ctx.exhibit(label, value, reveals=True)
    symmetric = bool(torch.equal(X, X.T))
    hint = hints.HINT_TRANSPOSED_SYMMETRIC if symmetric else hints.HINT_TRANSPOSED_NOT_SYMMETRIC
    _judge(ctx, "answer_transpose_X", given, truth, TRANSPOSE_X_CHOICES, hints.WHY_TRANSPOSE_X,
           (hints.OPEN_TRANSPOSE_X, hint))


def diagonal_transpose_K(ctx: CheckContext) -> None:
    """answer_transpose_K compares corr2d(X, K.T) with corr2d(X, K).T, for their X."""
    given = ctx.choice("answer_transpose_K", TRANSPOSE_K_CHOICES)
    X, Y = _judged_image(ctx, "answer_transpose_K")
    YK = conv_truth(X, book_kernel().double().T.contiguous())
    if not bool((YK.abs() > TOLERANCE).any()):
        truth = "zeros"
    elif torch.allclose(YK, Y.T, atol=TOLERANCE):
        truth = "transposed"
    else:
        truth = "different"
    ctx.exhibit("your X", X)
    for label, value in (("corr2d(X, K)", Y), ("corr2d(X, K).T", Y.T), ("corr2d(X, K.T)", YK)):
        ctx.exhibit(label, value, reveals=True)
    _judge(ctx, "answer_transpose_K", given, truth, TRANSPOSE_K_CHOICES, hints.WHY_TRANSPOSE_K,
           (hints.OPEN_TRANSPOSE_K, hints.HINT_TRANSPOSE_K))


def _image(ctx: CheckContext, n: int, question: str | None = None) -> torch.Tensor:
    """The student's image as float64, insisting on n x n real values (a wrong shape is shown); a
    ``question`` judged on it says it cannot be judged without one."""
    value = ctx.call_tensor("diagonal_image", n)
    shape = tuple(value.shape)
    if shape != (n, n):
        ctx.exhibit(f"your diagonal_image({n})", value)
        hint = hints.HINT_SQUARE_IMAGE.format(rows=shape[0], columns=shape[1]) if len(shape) == 2 \
            else hints.HINT_IMAGE_NOT_2D.format(dims=len(shape))
        message = hints.NOT_SQUARE_IMAGE.format(n=n, shape=shape) if question is None \
            else hints.CANNOT_JUDGE_SHAPE.format(name=question, n=n, shape=shape)
        raise CheckFailed(message, hint=hint, input={"n": n}, actual={"shape": list(shape)},
                          expected={"shape": [n, n]})
    data: torch.Tensor = value.data
    if data.is_complex():
        message = hints.NOT_REAL.format(n=n, dtype=value.dtype) if question is None \
            else hints.CANNOT_JUDGE_NOT_REAL.format(name=question, n=n, dtype=value.dtype)
        raise CheckFailed(message, input={"n": n})
    return data.to(torch.float64)


def _judged_image(ctx: CheckContext, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The image the questions are judged on, and its response. Without one, the question fails
    saying why: diagonal_image raised (or returned no tensor), returned another shape or no real
    numbers, or returned an image with no diagonal edge; what was found is shown."""
    n = QUESTION_SIZE
    try:
        X = _image(ctx, n, name)
    except (NotImplementedYet, MissingName):
        raise  # not answered: said as such
    except StudentCodeError as exc:  # raised, timed out, returned no tensor: the same kind of error
        raise type(exc)(hints.CANNOT_JUDGE_CALL.format(name=name, n=n, problem=exc.message),
                        hint=exc.hint or hints.HINT_CANNOT_JUDGE_CALL.format(n=n),
                        traceback=exc.traceback, cell=exc.cell, line=exc.line) from None
    Y = conv_truth(X, book_kernel().double())
    try:
        _assert_diagonal(Y, n)
    except CheckFailed as failed:
        # No answer to give away: the response of an image with no diagonal edge is no truth.
        ctx.exhibit(f"your diagonal_image({n})", X)
        ctx.exhibit("corr2d(X, [[1, -1]])", Y)
        raise CheckFailed(hints.CANNOT_JUDGE_EDGE.format(name=name, problem=failed.message),
                          hint=failed.hint, input={"n": n}, actual=Y) from None
    return X, Y


def _judge(ctx: CheckContext, name: str, given: str, truth: str, choices: tuple[str, ...],
           why: dict[str, str], hints_: tuple[str, str]) -> None:
    """Record the answer beside its truth; if they differ, fail with a hint that leaves the answer
    to find, and what is true on their image (with the full explanation) as the solution."""
    open_hint, explanation = hints_
    if not ctx.record_answer(name, given, truth, choices):
        raise CheckFailed(hints.WRONG_CHOICE.format(name=name, given=given), hint=open_hint,
                          solution=hints.SOLUTION_CHOICE.format(truth=truth, why=why[truth],
                                                                explanation=explanation),
                          expected=truth, actual=given, expected_is_answer=True)


def _lines(Y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Positions (i, j) of the non-zeros, and the two diagonal coordinates i - j and i + j."""
    nonzero = (Y.abs() > TOLERANCE).nonzero()
    i, j = nonzero[:, 0], nonzero[:, 1]
    return nonzero, torch.stack((i - j, i + j))


def _assert_diagonal(Y: torch.Tensor, n: int) -> None:
    """The non-zeros lie on at most two neighbouring diagonals of one slope, long enough to cross."""
    nonzero, coordinates = _lines(Y)
    if nonzero.shape[0] == 0:
        raise CheckFailed(hints.NO_RESPONSE.format(n=n), hint=hints.HINT_NO_RESPONSE,
                          input={"n": n}, actual=Y)
    for coordinate in coordinates:  # i - j (slope +1), then i + j (slope -1)
        low = int(coordinate.min())
        if int(coordinate.max()) - low <= 1:
            longest = max(int((coordinate == low).sum()), int((coordinate == low + 1).sum()))
            if longest < n // 2:
                raise CheckFailed(hints.TOO_SHORT.format(n=n, count=longest, least=n // 2),
                                  hint=hints.HINT_NOT_DIAGONAL, input={"n": n}, actual=Y)
            return
    vertical = bool((nonzero[:, 1] == nonzero[0, 1]).all())
    raise CheckFailed(
        hints.NOT_DIAGONAL.format(n=n, count=nonzero.shape[0], index=tuple(nonzero[0].tolist())),
        hint=hints.HINT_VERTICAL_EDGE if vertical else hints.HINT_NOT_DIAGONAL,
        input={"n": n}, actual=Y,
    )


def _classify(Y: torch.Tensor) -> str:
    """Which of the answer_apply_K choices describes a (diagonal) response."""
    nonzero, coordinates = _lines(Y)
    if nonzero.shape[0] == 0:
        return "zeros"
    if nonzero.shape[0] > Y.numel() // 2:
        return "everywhere"
    values = Y[nonzero[:, 0], nonzero[:, 1]]
    line = next(c for c in coordinates if int(c.max()) - int(c.min()) <= 1)
    if int(line.max()) == int(line.min()) or bool((values > 0).all() or (values < 0).all()):
        return "one_line"
    return "two_lines"
