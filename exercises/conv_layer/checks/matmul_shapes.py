"""The hints for a lowering of the wrong shape (exercises.md section 3), read from the result.

Each says which shape is expected and why, with the sizes of the input that failed, and names the
layout that explains the returned one where the values show it (a single row, patches not yet
flattened, right values reshaped wrongly or left flat). A hint that says the values are right is
picked only after comparing them.
"""

from __future__ import annotations

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.checks._common import same
from exercises.conv_layer.checks.matmul_cases import flat_match, shape_text
from grader.pack import TensorValue

__all__ = ["im2col_shape_hint", "kernel_matrix_shape_hint", "output_shape_hint"]


def _sizes(actual: TensorValue, image: tuple[int, int], kernel: tuple[int, int]) -> dict[str, object]:
    """The fields of the shape hints for this image and kernel, and the shape returned."""
    (H, W), (h, w) = image, kernel
    out_h, out_w = H - h + 1, W - w + 1
    return {"H": H, "W": W, "h": h, "w": w, "out_h": out_h, "out_w": out_w,
            "positions": out_h * out_w, "taps": h * w, "pixels": H * W,
            "shape": shape_text(tuple(actual.shape))}


def _one_row(actual: TensorValue) -> bool:
    """A vector, or a matrix of one row."""
    return len(actual.shape) == 1 or (len(actual.shape) == 2 and actual.shape[0] == 1)


def im2col_shape_hint(actual: TensorValue, truth: torch.Tensor, image: tuple[int, int],
                      kernel: tuple[int, int]) -> str | None:
    """The hint for patches of the wrong shape (None when the shape is right)."""
    if tuple(actual.shape) == tuple(truth.shape):
        return None
    sizes = _sizes(actual, image, kernel)
    if same(actual, truth.T):
        return hints.HINT_IM2COL_TRANSPOSED
    (H, W), (h, w) = image, kernel
    if same(actual, truth.reshape(H - h + 1, W - w + 1, h, w)):
        return hints.HINT_IM2COL_NOT_FLATTENED.format(**sizes)
    if _one_row(actual) and truth.shape[0] > 1:
        return hints.HINT_IM2COL_ONE_ROW.format(**sizes)
    return hints.HINT_IM2COL_SHAPE.format(**sizes)


def kernel_matrix_shape_hint(actual: TensorValue, truth: torch.Tensor, image: tuple[int, int],
                             kernel: tuple[int, int]) -> str | None:
    """The hint for a W of the wrong shape (None when the shape is right)."""
    if tuple(actual.shape) == tuple(truth.shape):
        return None
    sizes = _sizes(actual, image, kernel)
    if same(actual, truth.T):
        return hints.HINT_W_TRANSPOSED
    if _one_row(actual) and truth.shape[0] > 1:
        return hints.HINT_W_ONE_ROW.format(**sizes)
    return hints.HINT_W_SHAPE.format(**sizes)


def output_shape_hint(actual: TensorValue, truth: torch.Tensor, image: tuple[int, int],
                      kernel: tuple[int, int]) -> str | None:
    """The hint for a corr2d_matmul output of the wrong shape (None when the shape is right)."""
    if tuple(actual.shape) == tuple(truth.shape):
        return None
    sizes = _sizes(actual, image, kernel)
    if flat_match(actual, truth):
        if len(actual.shape) == 1:
            return hints.HINT_NOT_RESHAPED.format(**sizes)
        if len(actual.shape) == 2 and 1 in actual.shape:
            line = "row" if actual.shape[0] == 1 else "column"
            return hints.HINT_ONE_ROW.format(line=line, **sizes)
        return hints.HINT_RESHAPED_WRONG.format(**sizes)
    return hints.HINT_OUTPUT_SHAPE.format(**sizes)
