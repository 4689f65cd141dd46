"""Checks of 4.3: ``laplacian_kernel()``, a 3 x 3 kernel for d^2/dx^2 + d^2/dy^2.

Judged by what it does on images the grader makes: zero on a constant (its taps sum to zero), the
same non-zero constant on x^2 and on y^2, and zero on x, y and x * y. The 5-point and the 9-point
Laplacians pass at any scale and with either sign. A kernel of another shape fails every check; if
it is a second derivative along one axis only ([1, -2, 1]), the hint says that the Laplacian is the
sum over both directions, and the report shows its responses to x^2, y^2 and x^2 + y^2.
"""

from __future__ import annotations

import torch

from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks.kernels_common import (
    as_value,
    exhibit_squares,
    failure,
    fetch_kernel,
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
from grader.pack import CheckContext, assert_close

__all__ = ["laplacian_annihilates_harmonics", "laplacian_isotropic", "laplacian_zero_sum"]

NAME = "laplacian_kernel"
CALL = "laplacian_kernel()"
IMAGE_SHAPE = (9, 9)


def laplacian_zero_sum(ctx: CheckContext) -> None:
    """A constant image gives zero: the taps sum to zero."""
    K = _kernel(ctx)
    x, _ = grid(*IMAGE_SHAPE)
    value = 1.0 + float(torch.rand(1, generator=ctx.generator(60), dtype=torch.float64))
    X = x * 0 + value
    R = respond(X, K)
    if not is_zero(R, X, K):
        ctx.exhibit(hints.LABEL_CONSTANT, R)
        raise failure(hints.LAPLACIAN_SUM.format(call=CALL, sum=number_text(float(K.sum())),
                                                 value=number_text(value),
                                                 response=number_text(float(R.mean()))),
                      hint=hints.HINT_LAPLACIAN_SUM, input={"X": X, "K": K}, expected=0.0, actual=R)


def laplacian_isotropic(ctx: CheckContext) -> None:
    """x^2 and y^2 each give one non-zero value, the same for both."""
    K = _kernel(ctx)
    x, y = grid(*IMAGE_SHAPE)
    X2, Y2 = x**2, y**2
    R, S = respond(X2, K), respond(Y2, K)
    ctx.exhibit(hints.LABEL_X2, R)
    ctx.exhibit(hints.LABEL_Y2, S)
    inputs = {"K": K}
    for label, X, response in ((hints.IMAGE_X2, X2, R), (hints.IMAGE_Y2, Y2, S)):
        if not is_constant(response, X, K):
            raise failure(hints.LAPLACIAN_NOT_CONSTANT.format(
                call=CALL, image=label, low=number_text(float(response.min())),
                high=number_text(float(response.max()))),
                hint=_asymmetry_hint(K), input={**inputs, "X": X}, actual=response)
    rx, ry = float(R.mean()), float(S.mean())
    if is_zero(R, X2, K) and is_zero(S, Y2, K):
        raise failure(hints.LAPLACIAN_ZERO_ON_SQUARES.format(call=CALL), hint=hints.HINT_LAPLACIAN_ISOTROPIC,
                      input=inputs, actual={hints.LABEL_X2: rx, hints.LABEL_Y2: ry})
    if abs(rx - ry) > tolerance(X2, K):
        one_direction = is_zero(R, X2, K) or is_zero(S, Y2, K)
        raise failure(hints.LAPLACIAN_ANISOTROPIC.format(call=CALL, x2=number_text(rx), y2=number_text(ry)),
                      hint=hints.HINT_SECOND_VS_LAPLACIAN if one_direction else
                      hints.HINT_LAPLACIAN_ANISOTROPIC, input=inputs,
                      actual={hints.LABEL_X2: rx, hints.LABEL_Y2: ry})


def laplacian_annihilates_harmonics(ctx: CheckContext) -> None:
    """x, y and x * y (harmonic: their Laplacian is zero) give zero."""
    K = _kernel(ctx)
    x, y = grid(*IMAGE_SHAPE)
    for label, X in ((hints.IMAGE_RAMP_X, x), (hints.IMAGE_RAMP_Y, y), (hints.IMAGE_XY, x * y)):
        R = respond(X, K)
        if not is_zero(R, X, K):
            ctx.exhibit(label, X)
            ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=label), R)
            hint = _asymmetry_hint(K) if label != hints.IMAGE_XY or _sums_to_nonzero(K) else \
                hints.HINT_LAPLACIAN_CORNERS
            assert_close(as_value(R), torch.zeros_like(R),
                         what=hints.RESPONSE_OF.format(call=CALL, image=label),
                         input={"X": X, "K": K}, rtol=0.0, atol=tolerance(X, K), hint=hint)


def _kernel(ctx: CheckContext) -> torch.Tensor:
    """The kernel, insisting on 3 x 3; a second derivative along one axis is told so."""
    K = fetch_kernel(ctx, NAME, call=CALL)
    if tuple(K.shape) == (3, 3):
        return K
    if second_derivative_axes(K) in ("x", "y"):
        exhibit_squares(ctx, K)
        hint = hints.HINT_SECOND_VS_LAPLACIAN
    else:
        hint = hints.HINT_LAPLACIAN_SHAPE
    raise shape_failure(hints.LAPLACIAN_SHAPE.format(call=CALL, shape=shape_text(tuple(K.shape))), K,
                        "(3, 3)", hint)


def _sums_to_nonzero(K: torch.Tensor) -> bool:
    return abs(float(K.sum())) > 1e-6 * float(K.abs().sum())


def _asymmetry_hint(K: torch.Tensor) -> str:
    """Why x, y or x^2 give a varying response: the taps do not sum to zero, or K is lopsided."""
    return hints.HINT_LAPLACIAN_SUM if _sums_to_nonzero(K) else hints.HINT_LAPLACIAN_SYMMETRIC
