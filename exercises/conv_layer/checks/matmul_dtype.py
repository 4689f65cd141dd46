"""The keeps_dtype checks of section 3: each lowering returns its input's dtype (float64 in,
float64 out; float32 in, float32 out), a check of its own.

Dtype is its own idea (exercises.md): a lowering whose values are right in another dtype passes
its values check (judged with the tolerances of the less precise dtype) and loses this one. Each
check counts only alongside its values check (``Check.requires``), so zeros of the right dtype
earn nothing. ``corr2d_matmul`` that builds on an ``im2col`` or ``kernel_matrix`` that loses the
dtype is told to fix it there: a matrix product of mixed dtypes raises.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.checks._common import randn
from exercises.conv_layer.checks.matmul_cases import dtype_name, shape_text
from exercises.conv_layer.checks.matmul_helpers import blaming_helpers
from exercises.conv_layer.checks.matmul_ops import KERNEL_SHAPE
from grader.pack import CheckContext, CheckFailed, StudentRaised, TensorValue, assert_dtype

__all__ = [
    "conv2d_matmul_keeps_dtype",
    "corr2d_matmul_keeps_dtype",
    "im2col_keeps_dtype",
    "kernel_matrix_keeps_dtype",
]

#: The dtypes each lowering is asked to keep, with the salts of their inputs.
DTYPES = ((torch.float64, 700), (torch.float32, 710))
#: The image of the dtype checks (not square, so a swapped shape cannot pass by accident).
IMAGE = (5, 6)
FLOATS = ("float16", "bfloat16", "float32", "float64")


def im2col_keeps_dtype(ctx: CheckContext) -> None:
    """im2col(X, kernel_shape) is in X's dtype."""
    for dtype, salt in DTYPES:
        X = randn(ctx, salt, *IMAGE, dtype=dtype)
        actual = ctx.call_tensor("im2col", X, KERNEL_SHAPE)
        _assert_kept(actual, X, what=hints.IM2COL_CALL.format(kernel_shape=shape_text(KERNEL_SHAPE)),
                     inputs={"X": X, "kernel_shape": KERNEL_SHAPE}, name="im2col", lowering=True)


def kernel_matrix_keeps_dtype(ctx: CheckContext) -> None:
    """kernel_matrix(K, input_shape) is in K's dtype."""
    for dtype, salt in DTYPES:
        K = randn(ctx, salt, *KERNEL_SHAPE, dtype=dtype)
        actual = ctx.call_tensor("kernel_matrix", K, IMAGE)
        _assert_kept(actual, K, what=hints.KERNEL_MATRIX_CALL.format(input_shape=shape_text(IMAGE)),
                     inputs={"K": K, "input_shape": IMAGE}, name="kernel_matrix", source="K",
                     lowering=True)


def corr2d_matmul_keeps_dtype(ctx: CheckContext) -> None:
    """corr2d_matmul(X, K) is in the inputs' dtype; a helper that loses it is named."""
    with blaming_helpers(ctx, CheckFailed, StudentRaised):
        for dtype, salt in DTYPES:
            X, K = randn(ctx, salt, *IMAGE, dtype=dtype), randn(ctx, salt + 1, *KERNEL_SHAPE, dtype=dtype)
            actual = ctx.call_tensor("corr2d_matmul", X, K)
            _assert_kept(actual, X, what=hints.CORR2D_MATMUL_CALL, inputs={"X": X, "K": K},
                         name="corr2d_matmul")


def conv2d_matmul_keeps_dtype(ctx: CheckContext) -> None:
    """Bonus: conv2d_matmul(X, K, stride, padding) is in the inputs' dtype."""
    for dtype, salt in DTYPES:
        X = randn(ctx, salt, 2, 2, *IMAGE, dtype=dtype)
        K = randn(ctx, salt + 1, 3, 2, *KERNEL_SHAPE, dtype=dtype)
        actual = ctx.call_tensor("conv2d_matmul", X, K, 1, 1)
        _assert_kept(actual, X, what=hints.CONV2D_MATMUL_CALL.format(stride=1, padding=1),
                     inputs={"X": X, "K": K, "stride": 1, "padding": 1}, name="conv2d_matmul")


def _assert_kept(actual: TensorValue, tensor: torch.Tensor, *, what: str,
                 inputs: Mapping[str, object], name: str, source: str = "X",
                 lowering: bool = False) -> None:
    """The result has ``tensor``'s dtype (``source`` is what the hint calls it)."""
    expected = dtype_name(tensor)
    assert_dtype(actual, expected, what=what, input=inputs,
                 hint=lowering_dtype_hint(actual.dtype, expected, name=name, source=source,
                                          lowering=lowering))


def lowering_dtype_hint(actual: str, expected: str, *, name: str, source: str,
                        lowering: bool = False) -> str:
    """The known mistake behind a dtype that differs from the input's."""
    if actual not in FLOATS and not actual.startswith("complex"):
        kind = "integer"
    elif (actual, expected) in (("float32", "float64"), ("float64", "float32")):
        kind = actual
    else:
        kind = "other"
    hint = hints.HINT_DTYPE[kind].format(name=name, source=source, actual=actual, expected=expected)
    return hint + hints.WHY_LOWERING_DTYPE if lowering else hint
