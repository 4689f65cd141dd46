"""The student's own im2col and kernel_matrix, looked at when corr2d_matmul fails: corr2d_matmul
usually builds on one of them, so a hint may say to fix that one first.

Each judgement is made on the helper alone, on a small input of its own: wrong values (or a
raise), a dtype other than its input's, an operation count that grows, operations hidden from the
counter. A helper still unfilled or not defined is never blamed (corr2d_matmul calling it says so
itself), and every such hint is conditional: "if corr2d_matmul builds on it".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer import hints_matmul_ops as ops_hints
from exercises.conv_layer.checks._common import randn, same
from exercises.conv_layer.checks.matmul_cases import patches, toeplitz
from exercises.conv_layer.checks.matmul_ops import (
    KERNEL_SHAPE,
    Growth,
    count_at_two_sizes,
    hidden_in_growth,
)
from grader.pack import (
    CheckContext,
    GraderError,
    MissingName,
    NotImplementedYet,
    StudentCodeError,
    TensorValue,
)

__all__ = ["blaming_helpers", "helper_hint", "hiding_helper", "im2col_grows"]

#: The image of the small input each helper is tried on (not square).
HELPER_IMAGE = (5, 6)


def helper_growth(ctx: CheckContext, name: str) -> Growth | None:
    """The student's im2col or kernel_matrix counted at the two sizes (None if it does not run)."""
    K = randn(ctx, 500, *KERNEL_SHAPE)
    args = {"im2col": lambda n: (randn(ctx, 500 + n, n, n), KERNEL_SHAPE),
            "kernel_matrix": lambda n: (K, (n, n))}[name]
    try:
        return count_at_two_sizes(ctx, name, args)
    except StudentCodeError:
        return None


def im2col_grows(ctx: CheckContext) -> bool:
    """Whether the student's own im2col is what is not vectorized (it is, when its count grows)."""
    growth = helper_growth(ctx, "im2col")
    return growth is not None and growth.grows


def hiding_helper(ctx: CheckContext) -> str | None:
    """The hint that blames the first of im2col and kernel_matrix that hides operations too."""
    for name in ("im2col", "kernel_matrix"):
        growth = helper_growth(ctx, name)
        if growth is not None and hidden_in_growth(growth, ops_hints.ON_IMAGE)[1]:
            return ops_hints.HINT_HELPER_HIDES.format(helper=name)
    return None


@contextmanager
def blaming_helpers(ctx: CheckContext, *failures: type[GraderError]) -> Iterator[None]:
    """Re-raise a failure as it is (status, message), with a hint when a helper is to blame."""
    try:
        yield
    except failures as failure:
        failure.hint = helper_hint(ctx) or failure.hint
        raise


def helper_hint(ctx: CheckContext) -> str | None:
    """The hint blaming the first of im2col and kernel_matrix that is answered but wrong on a small
    float64 input of its own: wrong values (a raise, another shape, another device) first, then
    another dtype (a product of mixed dtypes raises)."""
    X = randn(ctx, 390, *HELPER_IMAGE, dtype=torch.float64)
    K = randn(ctx, 391, *KERNEL_SHAPE, dtype=torch.float64)
    helpers = (("im2col", (X, KERNEL_SHAPE), patches(X, KERNEL_SHAPE, ctx.torch_device)),
               ("kernel_matrix", (K, HELPER_IMAGE), toeplitz(K, HELPER_IMAGE, ctx.torch_device)))
    dtypes: list[tuple[str, str]] = []
    for name, args, truth in helpers:
        try:
            value = ctx.call(name, *args).value
        except (NotImplementedYet, MissingName):
            continue
        except StudentCodeError:
            return hints.HINT_USES_HELPER.format(helper=name)
        right = isinstance(value, TensorValue) and value.is_plain and same(value, truth) and \
            value.device_type == ctx.torch_device.type
        if not right:
            return hints.HINT_USES_HELPER.format(helper=name)
        if isinstance(value, TensorValue) and value.dtype != "float64":
            dtypes.append((name, value.dtype))
    if dtypes:
        return hints.HINT_HELPER_DTYPE.format(helper=dtypes[0][0], actual=dtypes[0][1])
    return None
