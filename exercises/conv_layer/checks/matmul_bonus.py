"""The bonus beyond the book (exercises.md section 3): a batched, multi-channel conv2d with stride
and padding as a matrix multiplication, judged against torch's own conv2d.

Its checks (these values, and its dtype in ``matmul_dtype``) are declared ``bonus=True``: their
points come on top of the total.
"""

from __future__ import annotations

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.checks._common import randint, randn, same
from exercises.conv_layer.checks.matmul_cases import assert_on_device, correlation, flipped
from grader.pack import CheckContext, TensorValue, assert_close

__all__ = ["conv2d_matmul_matches_conv2d"]

#: (batch, channels, kernels, stride, padding): plain first, then a stride, then a padding, so the
#: first setting a submission gets wrong names what it ignores.
SETTINGS = ((2, 3, 4, 1, 0), (1, 2, 3, 2, 0), (3, 1, 2, 1, 2), (2, 2, 3, 3, 1))


def conv2d_matmul_matches_conv2d(ctx: CheckContext) -> None:
    """Equals conv2d(X, K, stride=stride, padding=padding) for batches, channels and kernels."""
    for index, (batch, channels, kernels, stride, padding) in enumerate(SETTINGS):
        salt = 600 + 10 * index
        H, W = randint(ctx, salt, 5, 9), randint(ctx, salt + 1, 5, 9)
        W += 1 if W == H else 0
        h, w = randint(ctx, salt + 2, 1, 3), randint(ctx, salt + 3, 2, 3)
        X = randn(ctx, salt + 4, batch, channels, H, W, dtype=torch.float64)
        K = randn(ctx, salt + 5, kernels, channels, h, w, dtype=torch.float64)
        actual = ctx.call_tensor("conv2d_matmul", X, K, stride, padding)
        truth = correlation(X, K, ctx.torch_device, stride, padding)
        call = hints.CONV2D_MATMUL_CALL.format(stride=stride, padding=padding)
        inputs = {"X": X, "K": K, "stride": stride, "padding": padding}
        assert_close(actual, truth, what=call, input=inputs,
                     hint=_hint(actual, truth, X, K, stride, padding))
        assert_on_device(ctx, actual, what=call, inputs=inputs, name="conv2d_matmul")


def _hint(actual: TensorValue, truth: torch.Tensor, X: torch.Tensor, K: torch.Tensor,
          stride: int, padding: int) -> str | None:
    """Name the setting the bonus ignored, if that explains its output."""
    if same(actual, truth):
        return None
    device = truth.device
    if padding and same(actual, correlation(X, K, device, stride, 0)):
        return hints.HINT_PADDING_IGNORED
    if stride > 1 and same(actual, correlation(X, K, device, 1, padding)):
        return hints.HINT_STRIDE_IGNORED
    if flipped(K) and same(actual, correlation(X, K.flip(-2, -1), device, stride, padding)):
        return hints.HINT_FLIPPED
    if tuple(actual.shape) != tuple(truth.shape):
        return hints.HINT_CONV2D_SHAPE
    return None
