"""What the conv_layer checks share: seeded inputs, the truth from torch, and the book's data.

The truth is computed in the grader from ``torch.nn.functional.conv2d`` in float64 on the check's
device (``exercises.conv_layer.truth``; float64 keeps it exact enough to judge a float32 answer by
float32 tolerances), never from the worked solutions.
"""

from __future__ import annotations

import torch

from exercises.conv_layer.truth import conv_truth
from grader.pack import CheckContext, TensorValue

__all__ = ["BOOK_KERNEL", "book_image", "book_kernel", "conv_truth", "randint", "randn", "same", "values"]


def randn(ctx: CheckContext, salt: int, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Seeded standard-normal values: the same on every device and every run with this seed."""
    return torch.randn(shape, generator=ctx.generator(salt), dtype=torch.float64).to(dtype)


def randint(ctx: CheckContext, salt: int, low: int, high: int) -> int:
    """A seeded integer in [low, high]."""
    return int(torch.randint(low, high + 1, (1,), generator=ctx.generator(salt)))


def book_image() -> torch.Tensor:
    """The book's 6 x 8 image: ones, with the middle four columns (2:6) zero."""
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    return X


BOOK_KERNEL = ((1.0, -1.0),)


def book_kernel() -> torch.Tensor:
    """The book's edge detector [[1, -1]]."""
    return torch.tensor(BOOK_KERNEL)


def values(actual: TensorValue) -> torch.Tensor:
    """The returned tensor's data in float64, for the misconception detectors (the real part of a
    complex answer, taken explicitly: the cast alone would warn in the student's terminal)."""
    data: torch.Tensor = actual.data
    return (data.real if data.is_complex() else data).to(torch.float64)


def same(actual: TensorValue, expected: torch.Tensor, atol: float = 1e-5) -> bool:
    """Whether a returned tensor equals ``expected`` (shape and values), for picking a hint."""
    if actual.data is None or tuple(actual.shape) != tuple(expected.shape):
        return False
    return bool(torch.allclose(values(actual), expected.to("cpu", torch.float64), atol=atol))
