"""Check of 4.4: ``integral_kernel(H, W)``, the kernel of the integral image (summed-area table).

For an H x W image X, corr2d of X padded with H - 1 rows of zeros on top and W - 1 columns on the
left, with the student's kernel, must equal ``X.cumsum(0).cumsum(1)``: tried on seeded random
images of several sizes, a single row, a single column and non-square ones among them. A kernel of
the wrong shape gives an output of the wrong shape (or does not fit the padded image), which the
message says in those terms. The known mistakes are named by the kernel's values: a box of ones
smaller than the image sums a neighbourhood, ones divided by their count take a mean (a blur), and
ones of shape (W, H) swap the axes; for each the report shows the kernel's result on a ramp beside
the ramp's integral image.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks._common import randint, randn
from exercises.conv_layer.checks.kernels_common import (
    as_value,
    failure,
    fetch_kernel,
    respond,
    shape_text,
)
from grader.pack import CheckContext, assert_close

__all__ = ["integral_matches_cumsum"]

NAME = "integral_kernel"


def integral_matches_cumsum(ctx: CheckContext) -> None:
    """corr2d(pad(X), integral_kernel(H, W)) == X.cumsum(0).cumsum(1) for several H x W images."""
    for salt, (H, W) in enumerate(_sizes(ctx)):
        X = randn(ctx, 70 + salt, H, W, dtype=torch.float64)
        call = hints.INTEGRAL_CALL.format(H=H, W=W)
        K = fetch_kernel(ctx, NAME, H, W, call=call)
        expected = X.cumsum(0).cumsum(1)
        out = _output_shape(K, H, W)
        if out != (H, W):
            _exhibit_ramp(ctx, K, H, W)
            message = hints.INTEGRAL_NOT_2D if K.dim() != 2 or K.numel() == 0 else \
                hints.INTEGRAL_TOO_LARGE if out is None else hints.INTEGRAL_OUTPUT_SHAPE
            raise failure(message.format(call=call, shape=shape_text(tuple(K.shape)),
                                         padded=shape_text((2 * H - 1, 2 * W - 1)),
                                         out=shape_text(out or ()), expected=shape_text((H, W))),
                          hint=_hint(K, H, W), input={"X": X}, actual=K,
                          expected={"shape": shape_text((H, W))})
        actual = respond(_pad(X, H, W), K)
        if not torch.allclose(actual, expected, rtol=1e-7, atol=1e-7):
            _exhibit_ramp(ctx, K, H, W)
        assert_close(as_value(actual), expected, what=hints.INTEGRAL_WHAT.format(call=call),
                     input={"X": X, "K": K}, hint=_hint(K, H, W))


def _sizes(ctx: CheckContext) -> list[tuple[int, int]]:
    """A single row, a single column, a non-square image and a square one, of seeded sizes."""
    n, m = randint(ctx, 80, 2, 6), randint(ctx, 81, 2, 6)
    H, W = randint(ctx, 82, 2, 5), randint(ctx, 83, 2, 5)
    side = randint(ctx, 84, 2, 5)
    return [(1, n), (m, 1), (H, W + 1 if W >= H else W), (side, side)]


def _pad(X: torch.Tensor, H: int, W: int) -> torch.Tensor:
    """X with H - 1 rows of zeros on top and W - 1 columns of zeros on the left."""
    return F.pad(X, (W - 1, 0, H - 1, 0))


def _output_shape(K: torch.Tensor, H: int, W: int) -> tuple[int, int] | None:
    """The shape of corr2d(padded H x W image, K); None when K is not 2-D or does not fit."""
    if K.dim() != 2 or min(K.shape) < 1:
        return None
    out = (2 * H - K.shape[0], 2 * W - K.shape[1])
    return out if min(out) >= 1 else None


def _hint(K: torch.Tensor, H: int, W: int) -> str:
    """The known mistake the kernel's values show."""
    if K.numel() and K.dim() == 2:
        if torch.allclose(K, torch.full_like(K, 1.0 / K.numel()), rtol=1e-5, atol=0.0) and K.numel() > 1:
            return hints.HINT_INTEGRAL_MEAN
        if bool((K == 1).all()):
            return hints.HINT_INTEGRAL_TRANSPOSED if tuple(K.shape) == (W, H) \
                else hints.HINT_INTEGRAL_BOX
    return hints.HINT_INTEGRAL_ONES


def _exhibit_ramp(ctx: CheckContext, K: torch.Tensor, H: int, W: int) -> None:
    """The kernel's result on a ramp beside the ramp's integral image (when the kernel fits)."""
    ramp = torch.arange(H, dtype=torch.float64)[:, None] + torch.arange(W, dtype=torch.float64) + 1
    ctx.exhibit(hints.INTEGRAL_LABEL_RAMP, ramp)
    if _output_shape(K, H, W) is not None:
        ctx.exhibit(hints.INTEGRAL_LABEL_YOURS, respond(_pad(ramp, H, W), K))
    ctx.exhibit(hints.INTEGRAL_LABEL_CUMSUM, ramp.cumsum(0).cumsum(1))
