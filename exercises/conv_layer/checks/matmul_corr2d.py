"""Checks of ``corr2d_matmul`` (section 3c): right values, exactly one matrix multiplication, and
vectorized, as three checks, so a lowering built in a Python loop earns the first two and loses only
the third. It usually builds on the student's ``im2col`` (or ``kernel_matrix``): when it fails and
one of those fails on a small input of its own, the hint says to fix that first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.checks._common import randn, same
from exercises.conv_layer.checks.matmul_cases import (
    assert_follows,
    cases,
    correlation,
    flipped,
    patches,
    toeplitz,
)
from exercises.conv_layer.checks.matmul_ops import (
    CONVOLUTIONS,
    KERNEL_SHAPE,
    MATRIX_PRODUCTS,
    TIMED_KERNEL,
    TIMED_SIZE,
    among,
    count_at_two_sizes,
    counted,
    double_loop_seconds,
    hidden,
    hidden_in_growth,
    not_vectorized,
    operations_hidden,
    report,
    seconds,
)
from grader.pack import (
    CheckContext,
    CheckFailed,
    GraderError,
    MissingName,
    NotImplementedYet,
    StudentCodeError,
    StudentRaised,
    TensorValue,
    assert_close,
)

__all__ = ["corr2d_matmul_matches_conv2d", "corr2d_matmul_one_matmul", "corr2d_matmul_vectorized"]

#: The image of the counted call in one_matmul.
COUNTED_IMAGE = (6, 7)


def corr2d_matmul_matches_conv2d(ctx: CheckContext) -> None:
    """Agrees with conv2d on random shapes, a 1 x 1 kernel and a kernel the image's size."""
    with _blaming_helpers(ctx, CheckFailed, StudentRaised):
        for X, K in cases(ctx, 300):
            actual = ctx.call_tensor("corr2d_matmul", X, K)
            truth = correlation(X, K, ctx.torch_device)
            inputs = {"X": X, "K": K}
            assert_close(actual, truth, what=hints.CORR2D_MATMUL_CALL, input=inputs,
                         hint=_corr2d_hint(actual, truth, X, K))
            assert_follows(ctx, actual, X, what=hints.CORR2D_MATMUL_CALL, inputs=inputs,
                            name="corr2d_matmul")


def corr2d_matmul_one_matmul(ctx: CheckContext) -> None:
    """Exactly one matrix multiplication, in any spelling (``@``, mm, mv, einsum, F.linear, ...),
    and nothing hidden from the counter (which could hide products too).

    The inputs are float32, the default dtype: this check counts, and a helper that loses float64
    is the values check's business.
    """
    (H, W), (h, w) = COUNTED_IMAGE, KERNEL_SHAPE
    X, K = randn(ctx, 400, H, W), randn(ctx, 401, h, w)
    with _blaming_helpers(ctx, StudentRaised):
        call = counted(ctx, "corr2d_matmul", X, K)
    products = among(call.ops, MATRIX_PRODUCTS)
    convolutions = among(call.ops, CONVOLUTIONS)
    ctx.detail(hints.DETAIL_MATMULS, products)
    count = sum(products.values())
    inputs, sizes = {"X": X, "K": K}, {"H": H, "W": W, "h": h, "w": w}
    said = hidden(call)
    if said:
        raise operations_hidden(hints.MATMUL_HIDDEN, said, _hiding_helper(ctx), **sizes)
    evidence: dict[str, Any] = {
        "actual": {hints.DETAIL_MATMULS: count, hints.DETAIL_CONVOLUTIONS: convolutions},
        "expected": {hints.DETAIL_MATMULS: 1, hints.DETAIL_CONVOLUTIONS: {}},
    }
    # torch's convolution explains a result with no product; beside exactly one product it may
    # have built the matrix (a kernel matrix from the responses to one-pixel images), which is fine.
    if count == 0 and convolutions:
        raise CheckFailed(hints.CONVOLUTION_CALLED.format(names=_names(convolutions)),
                          hint=hints.HINT_USES_CONVOLUTION, input=inputs, **evidence)
    if count == 0:
        raise CheckFailed(hints.NO_MATMUL.format(**sizes), hint=hints.HINT_NO_MATMUL, input=inputs,
                          **evidence)
    if count > 1:
        per_position = count >= (H - h + 1) * (W - w + 1)
        raise CheckFailed(hints.MATMUL_COUNT.format(count=count, names=_names(products), **sizes),
                          hint=hints.HINT_PER_POSITION if per_position else hints.HINT_SEVERAL_MATMULS,
                          input=inputs, **evidence)


def corr2d_matmul_vectorized(ctx: CheckContext) -> None:
    """As many torch operations on a 16 x 16 image as on an 8 x 8 one, none hidden from the
    counter; times for information."""
    K = randn(ctx, 500, *KERNEL_SHAPE)
    with _blaming_helpers(ctx, StudentRaised):
        growth = count_at_two_sizes(ctx, "corr2d_matmul", lambda n: (randn(ctx, 500 + n, n, n), K))
    report(ctx, growth)
    _report_times(ctx)
    at, said = hidden_in_growth(growth, hints.ON_IMAGE)
    if said:
        raise operations_hidden(hints.NOT_VECTORIZED_HIDDEN, said, _hiding_helper(ctx),
                                call=hints.CORR2D_MATMUL_CALL, size=hints.ON_IMAGE.format(size=at))
    if growth.grows:
        hint = hints.HINT_USES_SLOW_IM2COL if _im2col_grows(ctx) else hints.HINT_NOT_VECTORIZED
        raise not_vectorized(growth, hints.CORR2D_MATMUL_CALL, hints.ON_IMAGE, hint)


def _corr2d_hint(actual: TensorValue, truth: torch.Tensor, X: torch.Tensor, K: torch.Tensor) -> str | None:
    """Name the known mistake that explains a wrong corr2d_matmul, if one does."""
    if same(actual, truth):
        return None
    if tuple(actual.shape) == (truth.numel(),):
        return hints.HINT_NOT_RESHAPED
    if flipped(K) and same(actual, correlation(X, K.flip(0, 1), truth.device)):
        return hints.HINT_FLIPPED
    return None


def _report_times(ctx: CheckContext) -> None:
    """corr2d_matmul against the book's double loop on a 64 x 64 image, for information."""
    X, K = randn(ctx, 510, TIMED_SIZE, TIMED_SIZE), randn(ctx, 511, TIMED_KERNEL, TIMED_KERNEL)
    try:
        taken: float | str = seconds(lambda: ctx.call("corr2d_matmul", X, K))
    except StudentCodeError as exc:  # a figure, never a verdict: the counts above decide
        taken = hints.TIMING_FAILED.format(message=exc.message)
    ctx.detail(hints.DETAIL_SECONDS, {hints.TIMED_STUDENT: taken,
                                      hints.TIMED_REFERENCE: double_loop_seconds()})


def _helper_growth(ctx: CheckContext, name: str) -> Any:
    """The student's im2col or kernel_matrix counted at the two sizes (None if it does not run)."""
    K = randn(ctx, 500, *KERNEL_SHAPE)
    args = {"im2col": lambda n: (randn(ctx, 500 + n, n, n), KERNEL_SHAPE),
            "kernel_matrix": lambda n: (K, (n, n))}[name]
    try:
        return count_at_two_sizes(ctx, name, args)
    except StudentCodeError:
        return None


def _im2col_grows(ctx: CheckContext) -> bool:
    """Whether the student's own im2col is what is not vectorized (it is, when its count grows)."""
    growth = _helper_growth(ctx, "im2col")
    return growth is not None and growth.grows


def _hiding_helper(ctx: CheckContext) -> str | None:
    """The hint that blames the first of im2col and kernel_matrix that hides operations too."""
    for name in ("im2col", "kernel_matrix"):
        growth = _helper_growth(ctx, name)
        if growth is not None and hidden_in_growth(growth, hints.ON_IMAGE)[1]:
            return hints.HINT_HELPER_HIDES.format(helper=name)
    return None


@contextmanager
def _blaming_helpers(ctx: CheckContext, *failures: type[GraderError]) -> Iterator[None]:
    """Re-raise a failure as it is (status, message), with a hint when a helper is to blame."""
    try:
        yield
    except failures as failure:
        helper = _broken_helper(ctx)
        if helper is not None:
            failure.hint = hints.HINT_USES_HELPER.format(helper=helper)
        raise


def _broken_helper(ctx: CheckContext) -> str | None:
    """The first of im2col and kernel_matrix that runs but is wrong on a small input of its own.

    A helper still unfilled (or not defined) is not blamed: corr2d_matmul calling it would have
    said so itself.
    """
    X, K = randn(ctx, 390, 5, 6, dtype=torch.float64), randn(ctx, 391, *KERNEL_SHAPE, dtype=torch.float64)
    helpers = (("im2col", (X, KERNEL_SHAPE), patches(X, KERNEL_SHAPE, ctx.torch_device)),
               ("kernel_matrix", (K, (5, 6)), toeplitz(K, (5, 6), ctx.torch_device)))
    for name, args, truth in helpers:
        try:
            value = ctx.call(name, *args).value
        except (NotImplementedYet, MissingName):
            continue
        except StudentCodeError:
            return name
        right = isinstance(value, TensorValue) and value.is_plain and same(value, truth) and \
            value.dtype == "float64" and value.device_type == ctx.torch_device.type
        if not right:
            return name
    return None


def _names(counts: dict[str, int]) -> str:
    """Operation counts as a student reads them: 'matmul x 24, mv x 1'."""
    return ", ".join(f"{name} x {count}" for name, count in counts.items())
