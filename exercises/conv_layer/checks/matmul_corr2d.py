"""Checks of ``corr2d_matmul`` (section 3c): right values, exactly one matrix multiplication, and
vectorized, as three checks, so a lowering built in a Python loop earns the first two and loses only
the third (its dtype is a fourth: ``matmul_dtype``). It usually builds on the student's ``im2col``
(or ``kernel_matrix``): when it fails and one of those is wrong on a small input of its own (or
loses the dtype, which makes a product of mixed dtypes raise), the hint says to fix that first.
A correct one that handles a tensor far larger than the patches (a dense kernel matrix) gets a
note on its vectorized check, for information.
"""

from __future__ import annotations

from typing import Any

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer import hints_matmul_ops as ops_hints
from exercises.conv_layer.checks._common import randn, same
from exercises.conv_layer.checks.matmul_cases import (
    assert_on_device,
    cases,
    correlation,
    flipped,
)
from exercises.conv_layer.checks.matmul_helpers import blaming_helpers, hiding_helper, im2col_grows
from exercises.conv_layer.checks.matmul_ops import (
    CONVOLUTIONS,
    KERNEL_SHAPE,
    LARGE,
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
    note_dense,
    operations_hidden,
    patch_elements,
    report,
    seconds,
)
from exercises.conv_layer.checks.matmul_shapes import output_shape_hint
from grader.pack import (
    CheckContext,
    CheckFailed,
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
    with blaming_helpers(ctx, CheckFailed, StudentRaised):
        for X, K in cases(ctx, 300):
            actual = ctx.call_tensor("corr2d_matmul", X, K)
            truth = correlation(X, K, ctx.torch_device)
            inputs = {"X": X, "K": K}
            assert_close(actual, truth, what=hints.CORR2D_MATMUL_CALL, input=inputs,
                         hint=_corr2d_hint(actual, truth, X, K))
            assert_on_device(ctx, actual, what=hints.CORR2D_MATMUL_CALL, inputs=inputs,
                             name="corr2d_matmul")


def corr2d_matmul_one_matmul(ctx: CheckContext) -> None:
    """Exactly one matrix multiplication, in any spelling (``@``, mm, mv, einsum, F.linear, ...),
    and nothing hidden from the counter (which could hide products too).

    The inputs are float32, the default dtype: this check counts, and a helper that loses float64
    is the values check's business.
    """
    (H, W), (h, w) = COUNTED_IMAGE, KERNEL_SHAPE
    X, K = randn(ctx, 400, H, W), randn(ctx, 401, h, w)
    with blaming_helpers(ctx, StudentRaised):
        call = counted(ctx, "corr2d_matmul", X, K)
    products = among(call.ops, MATRIX_PRODUCTS)
    convolutions = among(call.ops, CONVOLUTIONS)
    ctx.detail(ops_hints.DETAIL_MATMULS, products)
    count = sum(products.values())
    inputs, sizes = {"X": X, "K": K}, {"H": H, "W": W, "h": h, "w": w}
    said = hidden(call)
    if said:
        raise operations_hidden(ops_hints.MATMUL_HIDDEN, said, hiding_helper(ctx), **sizes)
    evidence: dict[str, Any] = {
        "actual": {ops_hints.DETAIL_MATMULS: count, ops_hints.DETAIL_CONVOLUTIONS: convolutions},
        "expected": {ops_hints.DETAIL_MATMULS: 1, ops_hints.DETAIL_CONVOLUTIONS: {}},
    }
    # torch's convolution explains a result with no product; beside exactly one product it may
    # have built the matrix (a kernel matrix from the responses to one-pixel images), which is fine.
    if count == 0 and convolutions:
        raise CheckFailed(ops_hints.CONVOLUTION_CALLED.format(names=_names(convolutions)),
                          hint=ops_hints.HINT_USES_CONVOLUTION, input=inputs, **evidence)
    if count == 0:
        raise CheckFailed(ops_hints.NO_MATMUL.format(**sizes), hint=ops_hints.HINT_NO_MATMUL,
                          input=inputs, **evidence)
    if count > 1:
        positions = (H - h + 1) * (W - w + 1)
        hint = ops_hints.HINT_PER_POSITION.format(count=count, positions=positions) \
            if count >= positions else ops_hints.HINT_SEVERAL_MATMULS
        raise CheckFailed(ops_hints.MATMUL_COUNT.format(count=count, names=_names(products), **sizes),
                          hint=hint, input=inputs, **evidence)


def corr2d_matmul_vectorized(ctx: CheckContext) -> None:
    """As many torch operations on a 16 x 16 image as on an 8 x 8 one, none hidden from the
    counter; times for information, and a note when it handles a tensor far larger than the
    patches."""
    K = randn(ctx, 500, *KERNEL_SHAPE)
    with blaming_helpers(ctx, StudentRaised):
        growth = count_at_two_sizes(ctx, "corr2d_matmul", lambda n: (randn(ctx, 500 + n, n, n), K))
    report(ctx, growth)
    _report_times(ctx)
    at, said = hidden_in_growth(growth, ops_hints.ON_IMAGE)
    if said:
        raise operations_hidden(ops_hints.NOT_VECTORIZED_HIDDEN, said, hiding_helper(ctx),
                                call=hints.CORR2D_MATMUL_CALL, size=ops_hints.ON_IMAGE.format(size=at))
    if growth.grows:
        hint = ops_hints.HINT_USES_SLOW_IM2COL if im2col_grows(ctx) else ops_hints.HINT_NOT_VECTORIZED
        raise not_vectorized(growth, hints.CORR2D_MATMUL_CALL, ops_hints.ON_IMAGE, hint)
    note_dense(ctx, growth, "corr2d_matmul", hints.CORR2D_MATMUL_CALL, patch_elements(LARGE))


def _corr2d_hint(actual: TensorValue, truth: torch.Tensor, X: torch.Tensor, K: torch.Tensor) -> str | None:
    """Name the known mistake that explains a wrong corr2d_matmul, if one does."""
    if same(actual, truth):
        return None
    shape_hint = output_shape_hint(actual, truth, (X.shape[0], X.shape[1]), (K.shape[0], K.shape[1]))
    if shape_hint is not None:
        return shape_hint
    if flipped(K) and same(actual, correlation(X, K.flip(0, 1), truth.device)):
        return hints.HINT_FLIPPED
    return None


def _report_times(ctx: CheckContext) -> None:
    """corr2d_matmul against the book's double loop on a 64 x 64 image, for information."""
    X, K = randn(ctx, 510, TIMED_SIZE, TIMED_SIZE), randn(ctx, 511, TIMED_KERNEL, TIMED_KERNEL)
    try:
        taken: float | str = seconds(lambda: ctx.call("corr2d_matmul", X, K))
    except StudentCodeError as exc:  # a figure, never a verdict: the counts above decide
        taken = ops_hints.TIMING_FAILED.format(message=exc.message)
    ctx.detail(ops_hints.DETAIL_SECONDS, {ops_hints.TIMED_STUDENT: taken,
                                          ops_hints.TIMED_REFERENCE: double_loop_seconds()})


def _names(counts: dict[str, int]) -> str:
    """Operation counts as a student reads them: 'matmul x 24, mv x 1'."""
    return ", ".join(f"{name} x {count}" for name, count in counts.items())
