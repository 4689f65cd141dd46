"""Check of 4.4: ``integral_kernel(H, W)``, the kernel of the integral image (summed-area table).

For an H x W image X, corr2d of X padded with H - 1 rows of zeros on top and W - 1 columns on the
left, with the student's kernel, must equal ``X.cumsum(0).cumsum(1)``: tried on seeded random
images of several sizes, a square one first (at least 3 x 3, where a triangle is a triangle), then
a non-square one, a single row and a single column. A kernel of the wrong shape gives an output of
the wrong shape (or does not fit the padded image), which the message says in those terms.

The known mistakes are named from what the kernel does, never from its source. A kernel of the
wrong shape: a box of ones smaller than the image sums a neighbourhood, ones of shape (W, H) swap
the axes, ones divided by their count take a mean. A kernel of the right shape is read through its
result on an image that is 1 at its top-left pixel and 0 elsewhere: that pixel lies in the
rectangle above and to the left of every output, so the integral image is 1 everywhere, and the
kernel's result says how much each output counts it (a mean: 1 / (H W) everywhere; a triangle of
ones: 1 on a triangle, 0 elsewhere; other taps of 0, or weights other than 1). The report shows
that result beside the integral image's (for a mean, the kernel's result on a ramp beside the
ramp's integral image).
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
#: Taps within this share of 1 (or of 1 / (H W)) count as that value: float32 is good to ~6e-8.
VALUE_RTOL = 1e-5


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
                          hint=_shape_hint(K, H, W), input={"X": X}, actual=K,
                          expected={"shape": shape_text((H, W))})
        actual = respond(_pad(X, H, W), K)
        hint = None
        if not torch.allclose(actual, expected, rtol=1e-7, atol=1e-7):
            hint = _values_hint(ctx, K, H, W)
        assert_close(as_value(actual), expected, what=hints.INTEGRAL_WHAT.format(call=call),
                     input={"X": X, "K": K}, hint=hint)


def _sizes(ctx: CheckContext) -> list[tuple[int, int]]:
    """A square image, a non-square one (both at least 3 x 3), a single row and a single column."""
    side = randint(ctx, 84, 3, 5)
    H, W = randint(ctx, 82, 3, 5), randint(ctx, 83, 3, 5)
    n, m = randint(ctx, 80, 2, 6), randint(ctx, 81, 2, 6)
    return [(side, side), (H, W + 1 if W >= H else W), (1, n), (m, 1)]


def _pad(X: torch.Tensor, H: int, W: int) -> torch.Tensor:
    """X with H - 1 rows of zeros on top and W - 1 columns of zeros on the left."""
    return F.pad(X, (W - 1, 0, H - 1, 0))


def _output_shape(K: torch.Tensor, H: int, W: int) -> tuple[int, int] | None:
    """The shape of corr2d(padded H x W image, K); None when K is not 2-D or does not fit."""
    if K.dim() != 2 or min(K.shape) < 1:
        return None
    out = (2 * H - K.shape[0], 2 * W - K.shape[1])
    return out if min(out) >= 1 else None


def _shape_hint(K: torch.Tensor, H: int, W: int) -> str:
    """The known mistake a kernel of the wrong shape shows by its values and shape."""
    if K.dim() == 2 and K.numel():
        if K.numel() > 1 and _all_near(K, 1.0 / K.numel()):
            return hints.HINT_INTEGRAL_MEAN
        if _all_near(K, 1.0):
            if tuple(K.shape) == (W, H):
                return hints.HINT_INTEGRAL_TRANSPOSED
            if K.shape[0] <= H and K.shape[1] <= W:
                return hints.HINT_INTEGRAL_BOX
    return hints.HINT_INTEGRAL_ONES


def _values_hint(ctx: CheckContext, K: torch.Tensor, H: int, W: int) -> str:
    """The known mistake a kernel of the right shape shows by its result on an image that is 1 at
    its top-left pixel: how much each output counts that pixel (1 everywhere for the integral)."""
    point = torch.zeros((H, W), dtype=torch.float64)
    point[0, 0] = 1.0
    counted = respond(_pad(point, H, W), K)
    if H * W > 1 and _all_near(counted, 1.0 / (H * W)):
        _exhibit_ramp(ctx, K, H, W)
        return hints.HINT_INTEGRAL_MEAN
    ctx.exhibit(hints.INTEGRAL_LABEL_POINT, counted)
    ctx.exhibit(hints.INTEGRAL_LABEL_POINT_CUMSUM, point.cumsum(0).cumsum(1))
    zeros, ones = _near(counted, 0.0), _near(counted, 1.0)
    if bool(zeros.all()):
        return hints.HINT_INTEGRAL_ONES
    if not bool((zeros | ones).all()):
        return hints.HINT_INTEGRAL_WEIGHTS
    return hints.HINT_INTEGRAL_TRIANGLE if _is_triangle(ones) else hints.HINT_INTEGRAL_PART


def _is_triangle(ones: torch.Tensor) -> bool:
    """Whether a 0/1 pattern is cut by a diagonal into a triangle of 1s and one of 0s, each spanning
    at least two rows and two columns (a single 1, a single line or a single missing corner is
    no triangle)."""
    if not all(int(part.any(axis).sum()) >= 2 for part in (ones, ~ones) for axis in (0, 1)):
        return False
    full = torch.ones_like(ones)
    H, W = ones.shape
    for k in range(-H, W + 1):
        for half in (full.tril(k), full.triu(k)):
            for corner in (half, half.flip(0), half.flip(1), half.flip(0, 1)):
                if torch.equal(ones, corner):
                    return True
    return False


def _near(values: torch.Tensor, target: float) -> torch.Tensor:
    return (values - target).abs() <= VALUE_RTOL * max(abs(target), 1.0 / values.numel())


def _all_near(values: torch.Tensor, target: float) -> bool:
    return bool(_near(values, target).all())


def _exhibit_ramp(ctx: CheckContext, K: torch.Tensor, H: int, W: int) -> None:
    """The kernel's result on a ramp beside the ramp's integral image (when the kernel fits)."""
    ramp = torch.arange(H, dtype=torch.float64)[:, None] + torch.arange(W, dtype=torch.float64) + 1
    ctx.exhibit(hints.INTEGRAL_LABEL_RAMP, ramp)
    if _output_shape(K, H, W) is not None:
        ctx.exhibit(hints.INTEGRAL_LABEL_YOURS, respond(_pad(ramp, H, W), K))
    ctx.exhibit(hints.INTEGRAL_LABEL_CUMSUM, ramp.cumsum(0).cumsum(1))
