"""Checks of the edge-detection example: the book's image and a kernel that finds its edges.

The kernel is judged by what it does, computed here with the reference ``corr2d`` on the book's
image: +1 at the white-to-black edge, -1 at black-to-white, 0 elsewhere, and nothing on the
transposed image (whose edges are horizontal).
"""

from __future__ import annotations

import torch

from exercises.conv_layer import hints
from exercises.conv_layer.checks._common import book_image, book_kernel, conv_truth, same, values
from grader.pack import CheckContext, CheckFailed, TensorValue, assert_close

__all__ = ["edge_image_is_books", "edge_kernel_ignores_horizontal_edges", "edge_kernel_marks_edges"]

#: The largest side a kernel can have on the 6 x 8 image and on its 8 x 6 transpose.
MAX_SIDE = 6


def edge_image_is_books(ctx: CheckContext) -> None:
    """A 6 x 8 image of ones whose columns 2:6 are zero (any real dtype)."""
    actual = ctx.call_tensor("edge_image")
    expected = book_image()
    assert_close(actual, expected, what="edge_image()", input={}, hint=_image_hint(actual, expected),
                 rtol=0.0, atol=0.0)


def _image_hint(actual: TensorValue, expected: torch.Tensor) -> str:
    """The book's pattern in other colours, the colours swapped, or the black band elsewhere."""
    if tuple(actual.shape) != tuple(expected.shape):
        return hints.HINT_IMAGE_SHAPE
    if same(actual, 1 - expected):
        return hints.HINT_IMAGE_INVERTED
    got = values(actual)
    white, black = got[0, 0], got[0, 2]
    if white != black and torch.equal(got, black + (white - black) * expected.double()):
        return hints.HINT_IMAGE_VALUES.format(white=f"{float(white):g}", black=f"{float(black):g}")
    return hints.HINT_IMAGE_COLUMNS


def edge_kernel_marks_edges(ctx: CheckContext) -> None:
    """corr2d(image, K) is the book's response: 1 at column 1, -1 at column 5, 0 elsewhere."""
    X = book_image()
    K = _kernel(ctx)
    actual = conv_truth(X.double(), K)
    expected = conv_truth(X.double(), book_kernel().double())
    hint: str | None
    if tuple(K.shape) == (2, 1):
        hint = hints.HINT_HORIZONTAL_KERNEL
    elif actual.shape == expected.shape and torch.allclose(actual, -expected):
        hint = hints.HINT_SIGNS_SWAPPED
    else:
        hint = _sum_hint(K)
    assert_close(_as_value(actual), expected, what="corr2d(edge image, edge_kernel())",
                 input={"X": X, "K": K}, hint=hint)


def edge_kernel_ignores_horizontal_edges(ctx: CheckContext) -> None:
    """corr2d(image.T, K) is zero everywhere: [1, -1] only sees vertical edges."""
    X = book_image().t().contiguous()
    K = _kernel(ctx)
    actual = conv_truth(X.double(), K)
    assert_close(_as_value(actual), torch.zeros_like(actual), what="corr2d(edge image.T, K)",
                 input={"X": X, "K": K}, hint=_sum_hint(K) or hints.HINT_HORIZONTAL_KERNEL)


def _sum_hint(K: torch.Tensor) -> str | None:
    """A kernel whose taps do not cancel responds to flat regions, edges or not."""
    total = float(K.sum())
    return None if abs(total) < 1e-9 else hints.HINT_KERNEL_SUM.format(total=f"{total:g}")


def _kernel(ctx: CheckContext) -> torch.Tensor:
    """The student's kernel as float64 data, insisting on a 2-D kernel both images can hold: what
    cannot be applied says why, with the shape found."""
    value = ctx.call_tensor("edge_kernel")
    shape = tuple(value.shape)
    found = {"shape": list(shape)}
    if len(shape) != 2:
        raise CheckFailed(hints.KERNEL_NOT_2D.format(shape=shape, dims=len(shape)),
                          hint=hints.HINT_KERNEL_2D, actual=found, expected={"dimensions": 2})
    if min(shape) < 1:
        raise CheckFailed(hints.KERNEL_EMPTY.format(shape=shape), hint=hints.HINT_KERNEL_2D,
                          actual=found)
    if max(shape) > MAX_SIDE:
        raise CheckFailed(hints.KERNEL_TOO_LARGE.format(rows=shape[0], cols=shape[1], side=MAX_SIDE),
                          hint=hints.HINT_KERNEL_TOO_LARGE, actual=found)
    data: torch.Tensor = value.data
    return data.to(torch.float64)


def _as_value(tensor: torch.Tensor) -> TensorValue:
    """A tensor computed here, wrapped like a returned one so ``assert_close`` can judge it."""
    return TensorValue(tensor.detach().cpu(), str(tensor.dtype).removeprefix("torch."),
                       tuple(tensor.shape), str(tensor.device), "torch.Tensor")
