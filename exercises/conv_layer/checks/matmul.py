"""Checks of cross-correlation as a matrix multiplication (exercises.md section 3).

``im2col`` lays the patches out as rows, ``kernel_matrix`` builds the doubly block-Toeplitz W, and
``corr2d_matmul`` multiplies once. Right values, exactly one matrix multiplication, and vectorized
are separate checks, so a lowering built in a Python loop earns the first two and loses only the
third: its operation count grows with the image (counted at two sizes; times are reported for
information, never judged). ``corr2d_matmul`` usually builds on the student's ``im2col`` (or
``kernel_matrix``): when it fails and one of those fails on a small input of its own, the hint
says to fix that first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.checks._common import randn, same, values
from exercises.conv_layer.checks.matmul_bonus import conv2d_matmul_matches_conv2d
from exercises.conv_layer.checks.matmul_cases import (
    assert_follows,
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
    CONVOLUTIONS,
    MATRIX_PRODUCTS,
    TIMED_KERNEL,
    TIMED_SIZE,
    among,
    count_at_two_sizes,
    double_loop_seconds,
    not_vectorized,
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
    assert_shape,
)

__all__ = [
    "conv2d_matmul_matches_conv2d",
    "corr2d_matmul_matches_conv2d",
    "corr2d_matmul_one_matmul",
    "corr2d_matmul_vectorized",
    "im2col_rows_are_patches",
    "im2col_vectorized",
    "kernel_matrix_matches_corr2d",
    "kernel_matrix_vectorized",
]

#: The kernel of the counted calls (not square, so swapped dimensions show) and one_matmul's image.
KERNEL_SHAPE = (3, 2)
COUNTED_IMAGE = (6, 7)


# --- 3a. im2col --------------------------------------------------------------------------------------
def im2col_rows_are_patches(ctx: CheckContext) -> None:
    """Row i * out_w + j is X[i:i + h, j:j + w] flattened, in X's dtype and on X's device."""
    with _showing_example(ctx, "im2col"):
        for X, K in cases(ctx, 100):
            kernel_shape = (K.shape[0], K.shape[1])
            actual = ctx.call_tensor("im2col", X, kernel_shape)
            truth = patches(X, kernel_shape, ctx.torch_device)
            call = hints.IM2COL_CALL.format(kernel_shape=shape_text(kernel_shape))
            inputs = {"X": X, "kernel_shape": kernel_shape}
            assert_close(actual, truth, what=call, input=inputs, hint=_im2col_hint(actual, truth))
            assert_follows(ctx, actual, X, what=call, inputs=inputs, name="im2col", lowering=True)


def im2col_vectorized(ctx: CheckContext) -> None:
    """As many torch operations on a 16 x 16 image as on an 8 x 8 one."""
    growth = count_at_two_sizes(ctx, "im2col", lambda n: (randn(ctx, 150 + n, n, n), KERNEL_SHAPE))
    report(ctx, growth)
    if growth.grows:
        call = hints.IM2COL_CALL.format(kernel_shape=shape_text(KERNEL_SHAPE))
        raise not_vectorized(growth, call, hints.ON_IMAGE, hints.HINT_NOT_VECTORIZED)


def _im2col_hint(actual: TensorValue, truth: torch.Tensor) -> str | None:
    """Name the layout mistake that explains wrong patches, if one does."""
    if same(actual, truth):
        return None
    if same(actual, truth.T):
        return hints.HINT_IM2COL_TRANSPOSED
    if tuple(actual.shape) != tuple(truth.shape):
        return hints.HINT_IM2COL_SHAPE
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
    """W's shape, then the product with X computed here from the returned W, then dtype and device."""
    input_shape = (X.shape[0], X.shape[1])
    actual = ctx.call_tensor("kernel_matrix", K, input_shape)
    truth = toeplitz(K, input_shape, ctx.torch_device)
    inputs = {"K": K, "input_shape": input_shape, "X": X}
    call = hints.KERNEL_MATRIX_CALL.format(input_shape=shape_text(input_shape))
    transposed = tuple(actual.shape) == tuple(truth.T.shape)
    assert_shape(actual, tuple(truth.shape), what=call, input=inputs,
                 hint=hints.HINT_W_TRANSPOSED if transposed else hints.HINT_W_SHAPE)
    if actual.data is not None:
        product = wrap(values(actual) @ X.to(torch.float64).reshape(-1), actual.dtype, actual.device)
        convolution = toeplitz(K.flip(0, 1), input_shape, ctx.torch_device)
        hint = hints.HINT_FLIPPED if flipped(K) and same(actual, convolution) else None
        assert_close(product, correlation(X, K, ctx.torch_device).reshape(-1), input=inputs,
                     what=hints.KERNEL_MATRIX_PRODUCT.format(input_shape=shape_text(input_shape)),
                     hint=hint)
    assert_follows(ctx, actual, K, what=call, inputs=inputs, name="kernel_matrix", source_name="K",
                   lowering=True)


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
    """As many torch operations for a 16 x 16 input as for an 8 x 8 one."""
    K = randn(ctx, 250, *KERNEL_SHAPE)
    growth = count_at_two_sizes(ctx, "kernel_matrix", lambda n: (K, (n, n)))
    report(ctx, growth)
    if growth.grows:
        call = hints.KERNEL_MATRIX_CALL.format(input_shape="(n, n)")
        raise not_vectorized(growth, call, hints.FOR_INPUT, hints.HINT_NOT_VECTORIZED)


# --- 3c. corr2d_matmul ---------------------------------------------------------------------------------
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
    """Exactly one matrix multiplication, in any spelling (``@``, mm, mv, einsum, F.linear, ...).

    The inputs are float32, the default dtype: this check counts, and a helper that loses float64
    is the values check's business.
    """
    (H, W), (h, w) = COUNTED_IMAGE, KERNEL_SHAPE
    X, K = randn(ctx, 400, H, W), randn(ctx, 401, h, w)
    with _blaming_helpers(ctx, StudentRaised):
        result = ctx.call("corr2d_matmul", X, K, count_ops=True)
    ctx.expect_tensor(result.value, "corr2d_matmul")
    products = among(result.ops, MATRIX_PRODUCTS)
    convolutions = among(result.ops, CONVOLUTIONS)
    ctx.detail(hints.DETAIL_MATMULS, products)
    count = sum(products.values())
    inputs, sizes = {"X": X, "K": K}, {"H": H, "W": W, "h": h, "w": w}
    evidence = {"actual": {hints.DETAIL_MATMULS: count, hints.DETAIL_CONVOLUTIONS: convolutions},
                "expected": {hints.DETAIL_MATMULS: 1, hints.DETAIL_CONVOLUTIONS: {}}}
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
    """As many torch operations on a 16 x 16 image as on an 8 x 8 one; times for information."""
    K = randn(ctx, 500, *KERNEL_SHAPE)
    with _blaming_helpers(ctx, StudentRaised):
        growth = count_at_two_sizes(ctx, "corr2d_matmul", lambda n: (randn(ctx, 500 + n, n, n), K))
    report(ctx, growth)
    _report_times(ctx)
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
    """corr2d_matmul against the reference's double loop on a 64 x 64 image, for information."""
    X, K = randn(ctx, 510, TIMED_SIZE, TIMED_SIZE), randn(ctx, 511, TIMED_KERNEL, TIMED_KERNEL)
    try:
        taken: float | str = seconds(lambda: ctx.call("corr2d_matmul", X, K))
    except StudentCodeError as exc:  # a figure, never a verdict: the counts above decide
        taken = hints.TIMING_FAILED.format(message=exc.message)
    ctx.detail(hints.DETAIL_SECONDS, {hints.TIMED_STUDENT: taken,
                                      hints.TIMED_REFERENCE: double_loop_seconds(ctx.reference)})


def _im2col_grows(ctx: CheckContext) -> bool:
    """Whether the student's own im2col is what is not vectorized (it is, when its count grows)."""
    try:
        return count_at_two_sizes(
            ctx, "im2col", lambda n: (randn(ctx, 500 + n, n, n), KERNEL_SHAPE)).grows
    except StudentCodeError:
        return False


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


# --- shared --------------------------------------------------------------------------------------------
def _names(counts: dict[str, int]) -> str:
    """Operation counts as a student reads them: 'matmul x 24, mv x 1'."""
    return ", ".join(f"{name} x {count}" for name, count in counts.items())
