"""Checks of the edge-detection example: the book's image and a kernel that finds its edges.

The kernel is judged by what it does, computed here with the reference ``corr2d`` on the book's
image: +1 at the white-to-black edge, -1 at black-to-white, 0 elsewhere, and nothing on the
transposed image (whose edges are horizontal).
"""

from __future__ import annotations

import torch

from exercises.conv_layer import hints
from exercises.conv_layer.checks._common import book_image, book_kernel, conv_truth, same
from grader.pack import CheckContext, CheckFailed, TensorValue, assert_close

__all__ = ["edge_image_is_books", "edge_kernel_ignores_horizontal_edges", "edge_kernel_marks_edges"]


def edge_image_is_books(ctx: CheckContext) -> None:
    """A 6 x 8 image of ones whose columns 2:6 are zero (any real dtype)."""
    actual = ctx.call_tensor("edge_image")
    expected = book_image()
    if tuple(actual.shape) != tuple(expected.shape):
        hint = hints.HINT_IMAGE_SHAPE
    elif same(actual, 1 - expected):
        hint = hints.HINT_IMAGE_INVERTED
    else:
        hint = hints.HINT_IMAGE_COLUMNS
    assert_close(actual, expected, what="edge_image()", input={}, hint=hint, rtol=0.0, atol=0.0)


def edge_kernel_marks_edges(ctx: CheckContext) -> None:
    """corr2d(image, K) is the book's response: 1 at column 1, -1 at column 5, 0 elsewhere."""
    X = book_image()
    K = _kernel(ctx)
    actual = conv_truth(X.double(), K)
    expected = conv_truth(X.double(), book_kernel().double())
    if tuple(K.shape) == (2, 1):
        hint = hints.HINT_HORIZONTAL_KERNEL
    elif actual.shape == expected.shape and torch.allclose(actual, -expected):
        hint = hints.HINT_SIGNS_SWAPPED
    else:
        hint = None
    assert_close(_as_value(actual), expected, what="corr2d(edge image, edge_kernel())",
                 input={"X": X, "K": K}, hint=hint)


def edge_kernel_ignores_horizontal_edges(ctx: CheckContext) -> None:
    """corr2d(image.T, K) is zero everywhere: [1, -1] only sees vertical edges."""
    X = book_image().t().contiguous()
    K = _kernel(ctx)
    actual = conv_truth(X.double(), K)
    assert_close(_as_value(actual), torch.zeros_like(actual), what="corr2d(edge image.T, K)",
                 input={"X": X, "K": K}, hint=hints.HINT_HORIZONTAL_KERNEL)


def _kernel(ctx: CheckContext) -> torch.Tensor:
    """The student's kernel as float64 data, insisting on a 2-D kernel the image can hold."""
    value = ctx.call_tensor("edge_kernel")
    if value.data is None or len(value.shape) != 2 or min(value.shape) < 1 or \
            value.shape[0] > 6 or value.shape[1] > 6:
        raise CheckFailed(hints.KERNEL_NOT_2D.format(shape=tuple(value.shape)),
                          hint=hints.HINT_KERNEL_2D, actual={"shape": list(value.shape)},
                          expected={"shape": [1, 2]})
    data: torch.Tensor = value.data
    return data.to(torch.float64)


def _as_value(tensor: torch.Tensor) -> TensorValue:
    """A tensor computed here, wrapped like a returned one so ``assert_close`` can judge it."""
    return TensorValue(tensor.detach().cpu(), str(tensor.dtype).removeprefix("torch."),
                       tuple(tensor.shape), str(tensor.device), "torch.Tensor")
