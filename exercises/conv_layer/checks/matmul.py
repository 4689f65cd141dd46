"""Checks of cross-correlation as a matrix multiplication (exercises.md section 3).

``im2col`` lays the patches out as rows, ``kernel_matrix`` builds the doubly block-Toeplitz W, and
``corr2d_matmul`` multiplies once. Right values, exactly one matrix multiplication, and vectorized
are separate checks, so a lowering built in a Python loop earns the first two and loses only the
third: its operation count grows with the image (counted at two sizes; times are reported for
information, never judged). A loop hidden from the counter (torch functions switched off, the
counting mode popped, the work done in numpy) fails ``vectorized`` and ``one_matmul`` as operations
hidden from it: the probe's counter is also a witness of where every tensor came from
(``matmul_ops``). ``corr2d_matmul`` usually builds on the student's ``im2col`` (or
``kernel_matrix``): when it fails and one of those fails (or hides operations) on a small input of
its own, the hint says to fix that first.

Dtype is its own idea: each function has a keeps_dtype check, so a lowering whose values are
right in another dtype loses only that one. A lowering of the wrong shape is told which shape is
expected and why (``matmul_shapes``); one that handles a tensor far larger than the patches (a
dense kernel matrix behind corr2d_matmul) gets a note, for information, on its vectorized check.

One module per concern: the checks of the lowerings (3a, 3b) in ``matmul_lowerings``, of
``corr2d_matmul`` (3c) in ``matmul_corr2d``, of the bonus (3d) in ``matmul_bonus``, and of the
dtypes of all four in ``matmul_dtype``; the inputs and truths they share in ``matmul_cases``, the
shape hints in ``matmul_shapes``, the counting of operations in ``matmul_ops``.
"""

from __future__ import annotations

from exercises.conv_layer.checks.matmul_bonus import conv2d_matmul_matches_conv2d
from exercises.conv_layer.checks.matmul_corr2d import (
    corr2d_matmul_matches_conv2d,
    corr2d_matmul_one_matmul,
    corr2d_matmul_vectorized,
)
from exercises.conv_layer.checks.matmul_dtype import (
    conv2d_matmul_keeps_dtype,
    corr2d_matmul_keeps_dtype,
    im2col_keeps_dtype,
    kernel_matrix_keeps_dtype,
)
from exercises.conv_layer.checks.matmul_lowerings import (
    im2col_rows_are_patches,
    im2col_vectorized,
    kernel_matrix_matches_corr2d,
    kernel_matrix_vectorized,
)

__all__ = [
    "conv2d_matmul_keeps_dtype",
    "conv2d_matmul_matches_conv2d",
    "corr2d_matmul_keeps_dtype",
    "corr2d_matmul_matches_conv2d",
    "corr2d_matmul_one_matmul",
    "corr2d_matmul_vectorized",
    "im2col_keeps_dtype",
    "im2col_rows_are_patches",
    "im2col_vectorized",
    "kernel_matrix_keeps_dtype",
    "kernel_matrix_matches_corr2d",
    "kernel_matrix_vectorized",
]
