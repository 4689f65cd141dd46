"""Checks of the two lowerings of section 3: ``im2col`` (3a) lays the patches out as rows and
``kernel_matrix`` (3b) builds the doubly block-Toeplitz W.

Each has a values check (which names the layout or shape mistake that explains wrong values, and
shows the function on a small example beside the truth), a dtype check (``matmul_dtype``) and a
vectorized check (its operation count at two image sizes, and nothing hidden from the counter:
``matmul_ops``; im2col's also notes a dense operand far larger than the patches).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer import hints_matmul_ops as ops_hints
from exercises.conv_layer.checks._common import randn, same, values
from exercises.conv_layer.checks.matmul_cases import (
    assert_on_device,
    cases,
    columns_permuted,
    correlation,
    flipped,
    patches,
    rows_permuted,
    shape_text,
    toeplitz,
    wrap,
)
from exercises.conv_layer.checks.matmul_ops import (
    KERNEL_SHAPE,
    LARGE,
    Growth,
    count_at_two_sizes,
    hidden_in_growth,
    not_vectorized,
    note_dense,
    operations_hidden,
    patch_elements,
    report,
)
from exercises.conv_layer.checks.matmul_shapes import im2col_shape_hint, kernel_matrix_shape_hint
from grader.pack import CheckContext, CheckFailed, StudentCodeError, TensorValue, assert_close, assert_shape

__all__ = [
    "im2col_rows_are_patches",
    "im2col_vectorized",
    "kernel_matrix_matches_corr2d",
    "kernel_matrix_vectorized",
]


# --- 3a. im2col --------------------------------------------------------------------------------------
def im2col_rows_are_patches(ctx: CheckContext) -> None:
    """Row i * out_w + j is X[i:i + h, j:j + w] flattened, on X's device."""
    with _showing_example(ctx, "im2col"):
        for X, K in cases(ctx, 100):
            kernel_shape = (K.shape[0], K.shape[1])
            actual = ctx.call_tensor("im2col", X, kernel_shape)
            truth = patches(X, kernel_shape, ctx.torch_device)
            call = hints.IM2COL_CALL.format(kernel_shape=shape_text(kernel_shape))
            inputs = {"X": X, "kernel_shape": kernel_shape}
            hint = im2col_shape_hint(actual, truth, (X.shape[0], X.shape[1]), kernel_shape) or \
                _im2col_hint(actual, truth)
            assert_close(actual, truth, what=call, input=inputs, hint=hint)
            assert_on_device(ctx, actual, what=call, inputs=inputs, name="im2col")


def im2col_vectorized(ctx: CheckContext) -> None:
    """As many torch operations on a 16 x 16 image as on an 8 x 8 one, none hidden from the
    counter; a note when it handles a tensor far larger than the patches."""
    growth = count_at_two_sizes(ctx, "im2col", lambda n: (randn(ctx, 150 + n, n, n), KERNEL_SHAPE))
    report(ctx, growth)
    call = hints.IM2COL_CALL.format(kernel_shape=shape_text(KERNEL_SHAPE))
    _judge(growth, call, ops_hints.ON_IMAGE)
    note_dense(ctx, growth, "im2col", call, patch_elements(LARGE))


def _judge(growth: Growth, call: str, size: str) -> None:
    """Fail a lowering that hid operations from the counter, then one whose count grows."""
    at, said = hidden_in_growth(growth, size)
    if said:
        raise operations_hidden(ops_hints.NOT_VECTORIZED_HIDDEN, said, call=call,
                                size=size.format(size=at))
    if growth.grows:
        raise not_vectorized(growth, call, size, ops_hints.HINT_NOT_VECTORIZED)


def _im2col_hint(actual: TensorValue, truth: torch.Tensor) -> str | None:
    """Name the layout mistake that explains wrong patches of the right shape, if one does."""
    if same(actual, truth):
        return None
    if rows_permuted(actual, truth):
        return hints.HINT_PATCH_ORDER
    if columns_permuted(actual, truth):
        return hints.HINT_PATCH_FLATTEN
    return None


# --- 3b. kernel_matrix ---------------------------------------------------------------------------------
def kernel_matrix_matches_corr2d(ctx: CheckContext) -> None:
    """W @ X.reshape(-1) is corr2d(X, K).reshape(-1), W in K's dtype and on K's device."""
    with _showing_example(ctx, "kernel_matrix"):
        for X, K in cases(ctx, 200):
            _assert_kernel_matrix(ctx, X, K)


def _assert_kernel_matrix(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor) -> None:
    """W's shape, then the product with X computed here from the returned W, then the device."""
    input_shape = (X.shape[0], X.shape[1])
    actual = ctx.call_tensor("kernel_matrix", K, input_shape)
    truth = toeplitz(K, input_shape, ctx.torch_device)
    inputs = {"K": K, "input_shape": input_shape, "X": X}
    call = hints.KERNEL_MATRIX_CALL.format(input_shape=shape_text(input_shape))
    assert_shape(actual, tuple(truth.shape), what=call, input=inputs,
                 hint=kernel_matrix_shape_hint(actual, truth, input_shape, (K.shape[0], K.shape[1])))
    if actual.data is not None:
        product = wrap(values(actual) @ X.to(torch.float64).reshape(-1), actual.dtype, actual.device)
        convolution = toeplitz(K.flip(0, 1), input_shape, ctx.torch_device)
        hint = hints.HINT_FLIPPED if flipped(K) and same(actual, convolution) else None
        assert_close(product, correlation(X, K, ctx.torch_device).reshape(-1), input=inputs,
                     what=hints.KERNEL_MATRIX_PRODUCT.format(input_shape=shape_text(input_shape)),
                     hint=hint)
    assert_on_device(ctx, actual, what=call, inputs=inputs, name="kernel_matrix", source_name="K")


@contextmanager
def _showing_example(ctx: CheckContext, name: str) -> Iterator[None]:
    """On a failure, show the function on a small example beside the truth: matrices small enough
    to draw, whatever size the failing input had (the image is not square, so a transposed layout
    shows)."""
    try:
        yield
    except CheckFailed:
        X = torch.arange(12, dtype=torch.float64).reshape(3, 4)
        K = torch.arange(4, dtype=torch.float64).reshape(2, 2)
        if name == "im2col":
            args, truth = (X, (2, 2)), patches(X, (2, 2), ctx.torch_device)
        else:
            args, truth = (K, (3, 4)), toeplitz(K, (3, 4), ctx.torch_device)
        try:
            value = ctx.call(name, *args).value
        except StudentCodeError:  # a picture, not a verdict: the failure above stands as it is
            value = None
        if value is not None:
            ctx.exhibit(hints.EXHIBIT_YOURS[name], value, hints.EXHIBIT_NOTE[name])
            ctx.exhibit(hints.EXHIBIT_TRUTH[name], truth, hints.EXHIBIT_NOTE[name])
        raise


def kernel_matrix_vectorized(ctx: CheckContext) -> None:
    """As many torch operations for a 16 x 16 input as for an 8 x 8 one, none hidden from the
    counter."""
    K = randn(ctx, 250, *KERNEL_SHAPE)
    growth = count_at_two_sizes(ctx, "kernel_matrix", lambda n: (K, (n, n)))
    report(ctx, growth)
    _judge(growth, hints.KERNEL_MATRIX_CALL.format(input_shape="(n, n)"), ops_hints.FOR_INPUT)
