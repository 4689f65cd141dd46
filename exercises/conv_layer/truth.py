"""The truth the conv_layer checks judge by, with no answer to any exercise in it.

Grading never loads ``solutions/``: what a correct answer computes comes from torch's own
``conv2d`` (and autograd through it) in float64 on the check's device, or from the mathematics of
each question inside its check. The one exception is the book's own printed code (``corr2d`` and
``Conv2D`` as section 7.2 prints them), kept verbatim because two questions are about what exactly
that code does: the error its ``backward()`` raises, and how fast its double loop is.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def conv_truth(X: torch.Tensor, K: torch.Tensor, device: torch.device | str = "cpu") -> torch.Tensor:
    """Valid 2-D cross-correlation by torch's conv2d, in float64 on ``device`` (differentiable)."""
    X64 = X.to(device=device, dtype=torch.float64)
    K64 = K.to(device=device, dtype=torch.float64)
    return F.conv2d(X64[None, None], K64[None, None])[0, 0]


def book_corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """The book's printed ``corr2d``, as printed (float32 output, allocated on the CPU)."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


class BookConv2D(nn.Module):
    """The book's printed ``Conv2D``: ``book_corr2d`` with a learned kernel, plus a bias."""

    def __init__(self, kernel_size: tuple[int, int]) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return book_corr2d(x, self.weight) + self.bias


def fewest_taps(degree: int) -> int:
    """The fewest taps of a stencil for the derivative of this degree, found by linear algebra
    rather than written down: the smallest n for which taps c_0..c_(n-1) exist that give zero on
    1, x, ..., x^(degree - 1) (sum_j c_j j^m = 0) and a non-zero value on x^degree."""
    for n in range(1, degree + 3):
        j = torch.arange(n, dtype=torch.float64)
        moments = torch.stack([j**m for m in range(degree)]) if degree else torch.zeros(0, n).double()
        _, singular, vh = torch.linalg.svd(moments, full_matrices=True)
        rank = int((singular > 1e-9 * singular.max()).sum()) if singular.numel() else 0
        null_space = vh[rank:]  # every stencil of n taps that gives zero on the lower degrees
        if null_space.shape[0] and float((null_space @ j**degree).abs().max()) > 1e-6:
            return n
    raise AssertionError(f"no stencil of at most {degree + 2} taps for degree {degree}")
