"""Checks of 4.6: ``derivative_kernel(d)`` and ``min_kernel_size(d)``, for d = 1 to 6.

The kernel is one row (1, n), one column (n, 1) or a 1-D tensor (read as a row), applied along its
own direction to monomials x^k sampled on centred integers in float64. It must give zero on every
x^k with k < d (so on every polynomial of degree below d) and the constant d! or -d! on x^d, which
is what the forward difference (binomial coefficients with alternating signs) gives. Those two
checks accept a kernel of any length, so a central-difference stencil of 2d + 1 taps passes them.
The fewest taps are two ideas, each judged on its own name: ``min_size`` asks ``min_kernel_size(d)``
(a right number earns its point whether or not ``derivative_kernel`` is written or right), and
``fewest_taps`` counts the kernel's taps (a property, counted only alongside ``constant_on_power``).
"""

from __future__ import annotations

import math

import torch

from exercises.conv_layer import hints_derivative as derivative_hints
from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks.kernels_common import (
    as_row,
    as_value,
    failure,
    fetch_kernel,
    is_constant,
    is_zero,
    number_text,
    respond,
    shape_failure,
    shape_text,
    tolerance,
)
from exercises.conv_layer.truth import fewest_taps
from grader.pack import WRONG_RETURN, CheckContext, WrongReturn, assert_close, describe_kind

__all__ = [
    "derivative_annihilates_lower_degrees",
    "derivative_constant_on_power",
    "derivative_fewest_taps",
    "derivative_min_size",
]

NAME = "derivative_kernel"
SIZE_NAME = "min_kernel_size"
DEGREES = range(1, 7)
MAX_TAPS = 64
#: Rows of the image (one would do; two show that every row gets the same).
ROWS = 2


def derivative_annihilates_lower_degrees(ctx: CheckContext) -> None:
    """For every d, x^k gives zero for k = 0, ..., d - 1."""
    for d in DEGREES:
        K = _kernel(ctx, d)
        for k in range(d):
            X = _monomial(K, k)
            R = respond(X, K)
            if not is_zero(R, X, K):
                label = hints.IMAGE_POWER.format(k=k)
                ctx.exhibit(label, X)
                ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=label), R)
                assert_close(as_value(R), torch.zeros_like(R),
                             what=hints.RESPONSE_OF.format(call=_call(d), image=label),
                             input={"d": d, "X": X, "K": K}, rtol=0.0, atol=tolerance(X, K),
                             hint=_lower_hint(K))


def derivative_constant_on_power(ctx: CheckContext) -> None:
    """For every d, x^d gives one value everywhere, and that value is d! or -d!."""
    for d in DEGREES:
        K = _kernel(ctx, d)
        X = _monomial(K, d)
        R = respond(X, K)
        label = hints.IMAGE_POWER.format(k=d)
        inputs = {"d": d, "X": X, "K": K}
        factorial = math.factorial(d)
        if not is_constant(R, X, K):
            ctx.exhibit(label, X)
            ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=label), R)
            lowers = all(is_zero(respond(L, K), L, K) for L in (_monomial(K, k) for k in range(d)))
            raise failure(derivative_hints.DERIVATIVE_NOT_CONSTANT.format(
                call=_call(d), image=label, low=number_text(float(R.min())),
                high=number_text(float(R.max())), factorial=factorial, d=d),
                hint=None if lowers else _lower_hint(K), input=inputs, actual=R)
        value = float(R.mean())
        if abs(abs(value) - factorial) > tolerance(X, K) + 1e-9 * factorial:
            ctx.exhibit(hints.LABEL_RESPONSE_TO.format(image=label), R)
            raise failure(derivative_hints.DERIVATIVE_WRONG_CONSTANT.format(
                call=_call(d), image=label, value=number_text(value), factorial=factorial, d=d),
                hint=_constant_hint(K, value, factorial, tolerance(X, K)), input=inputs,
                expected=factorial, actual=value)


def derivative_min_size(ctx: CheckContext) -> None:
    """min_kernel_size(d) is the fewest taps of a stencil for the d-th derivative, found by linear
    algebra (``truth.fewest_taps``); judged on its own, whatever derivative_kernel does."""
    sizes = {d: _size(ctx, d) for d in DEGREES}
    for d, size in sizes.items():
        fewest = fewest_taps(d)
        if size != fewest:
            why = _size_hint(sizes)
            raise failure(derivative_hints.DERIVATIVE_MIN_SIZE_WRONG.format(d=d, size=size),
                          hint=_open_hint(why), input={"d": d}, expected=fewest, actual=size,
                          expected_is_answer=True,
                          solution=derivative_hints.SOLUTION_DERIVATIVE_MIN_SIZE.format(
                              d=d, fewest=fewest, why=why))


def derivative_fewest_taps(ctx: CheckContext) -> None:
    """derivative_kernel(d) has exactly as many taps as the fewest possible (``truth.fewest_taps``);
    judged on its own, whatever min_kernel_size says."""
    kernels = {d: _kernel(ctx, d) for d in DEGREES}
    for d, K in kernels.items():
        fewest = fewest_taps(d)
        if K.numel() == fewest:
            continue
        ctx.exhibit(hints.LABEL_KERNEL.format(call=_call(d)), K)
        if K.numel() < fewest:
            message = derivative_hints.DERIVATIVE_TOO_FEW_TAPS.format(call=_call(d), taps=K.numel(), d=d)
            why = derivative_hints.HINT_DERIVATIVE_MIN_SIZE
        else:
            message = derivative_hints.DERIVATIVE_TAPS.format(call=_call(d), taps=K.numel())
            why = _taps_hint(kernels)
        raise failure(message, hint=_open_hint(why), input={"d": d}, expected=fewest,
                      actual=K.numel(), expected_is_answer=True,
                      solution=derivative_hints.SOLUTION_DERIVATIVE_MIN_SIZE.format(
                          d=d, fewest=fewest, why=why))


def _size(ctx: CheckContext, d: int) -> int:
    """min_kernel_size(d), insisting on an int."""
    size = ctx.call(SIZE_NAME, d).value
    if not isinstance(size, int) or isinstance(size, bool):
        raise WrongReturn(WRONG_RETURN.format(name=SIZE_NAME, expected="an int", got=describe_kind(size)),
                          hint=derivative_hints.HINT_SIZE_INT)
    return size


def _kernel(ctx: CheckContext, d: int) -> torch.Tensor:
    """derivative_kernel(d) as a (1, n) row or an (n, 1) column (a 1-D tensor read as a row)."""
    K = as_row(fetch_kernel(ctx, NAME, d, call=_call(d)))
    if K.dim() != 2 or 1 not in K.shape or K.numel() < 1 or K.numel() > MAX_TAPS:
        shape = shape_text(tuple(K.shape))
        raise shape_failure(derivative_hints.DERIVATIVE_SHAPE.format(call=_call(d), shape=shape),
                            K, derivative_hints.DERIVATIVE_EXPECTED_SHAPE.format(n="n"),
                            derivative_hints.HINT_DERIVATIVE_SHAPE)
    return K


def _monomial(K: torch.Tensor, k: int) -> torch.Tensor:
    """x^k on centred integers, two outputs longer than the kernel, along the kernel's direction."""
    taps = K.numel()
    length = taps + 2
    x = torch.arange(length, dtype=torch.float64) - (length - 1) / 2
    row = (x**k).expand(ROWS, length)
    return row.T.contiguous() if K.shape[1] == 1 and taps > 1 else row.contiguous()


def _lower_hint(K: torch.Tensor) -> str:
    """Taps that do not sum to zero miss the alternating signs; otherwise a difference is missing."""
    if abs(float(K.sum())) > 1e-6 * float(K.abs().sum()):
        return derivative_hints.HINT_DERIVATIVE_SIGNS
    return derivative_hints.HINT_DERIVATIVE_LOWER


def _constant_hint(K: torch.Tensor, value: float, factorial: int, tol: float) -> str:
    if not bool(K.any()):
        return derivative_hints.HINT_DERIVATIVE_ZERO
    if abs(value) <= tol:
        return derivative_hints.HINT_DERIVATIVE_TOO_MANY
    if abs(abs(value) - 1.0) <= tol + 1e-9:
        return derivative_hints.HINT_DERIVATIVE_FACTORIAL
    return derivative_hints.HINT_DERIVATIVE_BINOMIAL


def _size_hint(sizes: dict[int, int]) -> str:
    """A central-difference stencil's size if every size is 2d + 1, or why the fewest taps suffice:
    of the number alone, which is judged without the kernel."""
    central = all(size == 2 * d + 1 for d, size in sizes.items())
    if central:
        return derivative_hints.HINT_DERIVATIVE_SIZE_CENTRAL
    return derivative_hints.HINT_DERIVATIVE_MIN_SIZE


def _taps_hint(kernels: dict[int, torch.Tensor]) -> str:
    """Too many taps: zero taps at an end (padding), a central stencil (the same read backwards, up
    to sign), or neither."""
    longer = [K.reshape(-1) for d, K in kernels.items() if K.numel() > fewest_taps(d)]
    if any(float(K[0]) == 0.0 or float(K[-1]) == 0.0 for K in longer):
        return derivative_hints.HINT_DERIVATIVE_PADDED
    central = all(torch.equal(K.flip(0), K) or torch.equal(K.flip(0), -K) for K in longer)
    return derivative_hints.HINT_DERIVATIVE_CENTRAL if central else derivative_hints.HINT_DERIVATIVE_MIN_SIZE


#: Each full explanation (the solution, full feedback only) and the hint that names the same
#: mistake without stating the fewest taps.
_OPEN_HINTS = {
    derivative_hints.HINT_DERIVATIVE_CENTRAL: derivative_hints.OPEN_DERIVATIVE_CENTRAL,
    derivative_hints.HINT_DERIVATIVE_SIZE_CENTRAL: derivative_hints.OPEN_DERIVATIVE_SIZE_CENTRAL,
    derivative_hints.HINT_DERIVATIVE_PADDED: derivative_hints.OPEN_DERIVATIVE_PADDED,
}


def _open_hint(full: str) -> str:
    return _OPEN_HINTS.get(full, derivative_hints.OPEN_DERIVATIVE_MIN_SIZE)


def _call(d: int) -> str:
    return derivative_hints.DERIVATIVE_CALL.format(d=d)
