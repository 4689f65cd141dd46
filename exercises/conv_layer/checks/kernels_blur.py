"""Checks of 4.5: ``blur_kernel(size, sigma)``, a normalized size x size Gaussian.

Four properties, one check each, on a few (size, sigma) (3, 1.0), (5, 1.0), (7, 2.0) and a seeded
one: the taps are non-negative and sum to 1; the kernel is symmetric (left-right, up-down and under
transposition) with its peak at the centre; it agrees with exp(-(dx^2 + dy^2) / (2 sigma^2))
normalized over the size x size grid centred on the middle cell; and it lowers the variance of a
seeded noise image. A box blur is a blur, so it passes all but the Gaussian; the other known
mistakes (no normalization, sigma used as the variance, an off-centre peak) are named by comparing
the kernel with the Gaussians they would give.
"""

from __future__ import annotations

import math

import torch

from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks.kernels_common import (
    as_value,
    failure,
    fetch_kernel,
    number_text,
    respond,
    shape_failure,
    shape_text,
)
from grader.pack import CheckContext, assert_close

__all__ = ["blur_matches_gaussian", "blur_normalized", "blur_reduces_noise", "blur_symmetric_peak"]

NAME = "blur_kernel"
FIXED = ((3, 1.0), (5, 1.0), (7, 2.0))
SIZES = (3, 5, 7, 9)
SUM_ATOL = 1e-5
#: Shares of the largest tap: float32 taps are good to about 6e-8 of it.
SYMMETRY_RTOL = 1e-5
NEGATIVE_RTOL = 1e-7
#: Against the float64 Gaussian: float32 taps pass with a wide margin.
GAUSSIAN_RTOL, GAUSSIAN_ATOL = 1e-5, 1e-7
NOISE_SHAPE = (32, 32)


def blur_normalized(ctx: CheckContext) -> None:
    """Every tap is non-negative and the taps sum to 1."""
    for size, sigma, K in _kernels(ctx):
        call = _call(size, sigma)
        if float(K.min()) < -NEGATIVE_RTOL * float(K.abs().max()):
            raise failure(hints.BLUR_NEGATIVE.format(call=call, value=number_text(float(K.min()))),
                          hint=hints.HINT_BLUR_NEGATIVE, input=_inputs(size, sigma), actual=K)
        if abs(float(K.sum()) - 1.0) > SUM_ATOL:
            raise failure(hints.BLUR_SUM.format(call=call, sum=number_text(float(K.sum()))),
                          hint=hints.HINT_BLUR_NORMALIZE if K.any() else hints.HINT_BLUR_FORMULA,
                          input=_inputs(size, sigma), expected=1.0,
                          actual=float(K.sum()))


def blur_symmetric_peak(ctx: CheckContext) -> None:
    """The largest tap is the centre one, and K equals K.flip(0), K.flip(1) and K.T."""
    for size, sigma, K in _kernels(ctx):
        call, centre = _call(size, sigma), size // 2
        tol = SYMMETRY_RTOL * float(K.abs().max())
        if float(K[centre, centre]) < float(K.max()) - tol:
            peak = divmod(int(K.argmax()), size)
            raise failure(hints.BLUR_PEAK.format(call=call, peak=shape_text(peak),
                                                 centre=shape_text((centre, centre))),
                          hint=hints.HINT_BLUR_CENTRE, input=_inputs(size, sigma), actual=K)
        for mirror, image in ((hints.MIRROR_LEFT_RIGHT, K.flip(1)), (hints.MIRROR_UP_DOWN, K.flip(0)),
                              (hints.MIRROR_TRANSPOSE, K.T)):
            difference = float((K - image).abs().max())
            if difference > tol:
                raise failure(hints.BLUR_ASYMMETRIC.format(call=call, mirror=mirror,
                                                           difference=number_text(difference)),
                              hint=hints.HINT_BLUR_SYMMETRIC, input=_inputs(size, sigma), actual=K)


def blur_matches_gaussian(ctx: CheckContext) -> None:
    """The kernel equals the normalized Gaussian of standard deviation sigma on the size x size grid."""
    for size, sigma, K in _kernels(ctx):
        expected = gaussian(size, sigma)
        assert_close(as_value(K), expected, what=_call(size, sigma), input=_inputs(size, sigma),
                     hint=_gaussian_hint(K, size, sigma), rtol=GAUSSIAN_RTOL, atol=GAUSSIAN_ATOL)


def blur_reduces_noise(ctx: CheckContext) -> None:
    """Blurring a seeded noise image lowers its variance."""
    for salt, (size, sigma, K) in enumerate(_kernels(ctx)):
        noise = torch.randn(NOISE_SHAPE, generator=ctx.generator(90 + salt), dtype=torch.float64)
        blurred = respond(noise, K)
        before, after = float(noise.var()), float(blurred.var())
        if after < before:
            continue
        ctx.exhibit(hints.BLUR_LABEL_NOISE, noise)
        ctx.exhibit(hints.BLUR_LABEL_BLURRED.format(call=_call(size, sigma)), blurred)
        negative = float(K.min()) < -NEGATIVE_RTOL * float(K.abs().max())
        hint = hints.HINT_BLUR_NEGATIVE if negative else \
            hints.HINT_BLUR_NORMALIZE if float(K.sum()) > 1.0 + SUM_ATOL else None
        raise failure(hints.BLUR_NOISE.format(call=_call(size, sigma), before=number_text(before),
                                              after=number_text(after)),
                      hint=hint, input={**_inputs(size, sigma), "noise": noise},
                      expected={"variance below": before}, actual={"variance": after})


def gaussian(size: int, sigma: float) -> torch.Tensor:
    """exp(-(dx^2 + dy^2) / (2 sigma^2)) over the size x size grid centred on the middle cell, / sum."""
    offsets = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    squares = offsets[:, None] ** 2 + offsets[None, :] ** 2
    weights = torch.exp(-squares / (2 * sigma**2))
    return weights / weights.sum()


def _kernels(ctx: CheckContext) -> list[tuple[int, float, torch.Tensor]]:
    """The student's kernel for every (size, sigma) tried, insisting on size x size."""
    kernels = []
    for size, sigma in _cases(ctx):
        K = fetch_kernel(ctx, NAME, size, sigma, call=_call(size, sigma))
        if tuple(K.shape) != (size, size):
            raise shape_failure(hints.BLUR_SHAPE.format(call=_call(size, sigma),
                                                        shape=shape_text(tuple(K.shape)), size=size),
                                K, shape_text((size, size)), hints.HINT_BLUR_SHAPE)
        kernels.append((size, sigma, K))
    return kernels


def _cases(ctx: CheckContext) -> list[tuple[int, float]]:
    """The fixed cases, then a seeded odd size and a sigma in [0.8, 3]."""
    size_at, sigma_at = torch.rand(2, generator=ctx.generator(95), dtype=torch.float64).tolist()
    size = SIZES[min(int(size_at * len(SIZES)), len(SIZES) - 1)]
    return [*FIXED, (size, round(0.8 + 2.2 * sigma_at, 2))]


def _gaussian_hint(K: torch.Tensor, size: int, sigma: float) -> str:
    """The known mistake a kernel that is not the Gaussian shows."""
    centre = size // 2
    largest = float(K.abs().max())
    if largest == 0.0:  # all zeros: no box, no Gaussian
        return hints.HINT_BLUR_FORMULA
    if float(K.max() - K.min()) <= SYMMETRY_RTOL * largest:
        return hints.HINT_BLUR_BOX
    if float(K[centre, centre]) < float(K.max()) - SYMMETRY_RTOL * largest:
        return hints.HINT_BLUR_CENTRE
    total = float(K.sum())
    shape = K / total if total else K
    if _close(shape, gaussian(size, sigma)):
        return hints.HINT_BLUR_NORMALIZE
    if sigma != 1.0 and _close(shape, gaussian(size, math.sqrt(sigma))):
        return hints.HINT_BLUR_VARIANCE
    return hints.HINT_BLUR_FORMULA


def _close(K: torch.Tensor, expected: torch.Tensor) -> bool:
    return bool(torch.allclose(K, expected, rtol=1e-4, atol=1e-6))


def _inputs(size: int, sigma: float) -> dict[str, object]:
    return {"size": size, "sigma": sigma}


def _call(size: int, sigma: float) -> str:
    return hints.BLUR_CALL.format(size=size, sigma=sigma)
