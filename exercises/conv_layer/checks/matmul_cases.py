"""Inputs and truths of the matrix-multiplication checks, the detectors that pick their hints, and
the device every result must keep.

The truths are computed here from torch's own ``conv2d`` and ``unfold`` in float64 on the check's
device, never from the reference's lowering, so a bug there cannot hide one in a submission.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
import torch.nn.functional as F

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.checks._common import randint, randn, same, values
from grader.pack import CheckContext, TensorValue, assert_device

#: One input of im2col / kernel_matrix / corr2d_matmul: an image X and a kernel K.
Case = tuple[torch.Tensor, torch.Tensor]


def cases(ctx: CheckContext, salt: int) -> list[Case]:
    """Two random non-square shapes, a 1 x 1 kernel and a kernel the image's size in float64, then
    a random float32 one (judged with float32's tolerances, whatever dtype comes back: keeping it
    is the keeps_dtype checks' business)."""
    found = [_general(ctx, salt, torch.float64), _general(ctx, salt + 10, torch.float64)]
    H, W = randint(ctx, salt + 20, 2, 7), randint(ctx, salt + 21, 2, 7)
    found.append((randn(ctx, salt + 22, H, W + 1, dtype=torch.float64),
                  randn(ctx, salt + 23, 1, 1, dtype=torch.float64)))
    H, W = randint(ctx, salt + 30, 1, 5), randint(ctx, salt + 31, 1, 5)
    found.append((randn(ctx, salt + 32, H, W + 1, dtype=torch.float64),
                  randn(ctx, salt + 33, H, W + 1, dtype=torch.float64)))
    found.append(_general(ctx, salt + 40, torch.float32))
    return found


def _general(ctx: CheckContext, salt: int, dtype: torch.dtype) -> Case:
    """A random non-square image and a kernel of a random size that fits in it (not 1 x 1)."""
    H, W = randint(ctx, salt, 3, 8), randint(ctx, salt + 1, 3, 8)
    if W == H:
        W += 1
    h, w = randint(ctx, salt + 2, 1, H), randint(ctx, salt + 3, 1, W)
    h, w = (h, w) if (h, w) != (1, 1) else (2, 1)
    return randn(ctx, salt + 4, H, W, dtype=dtype), randn(ctx, salt + 5, h, w, dtype=dtype)


def dtype_name(tensor: torch.Tensor) -> str:
    """A dtype as the wire format spells it ('float64')."""
    return str(tensor.dtype).removeprefix("torch.")


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as Python writes a tuple: (3, 2)."""
    return str(tuple(shape))


def patches(X: torch.Tensor, kernel_shape: tuple[int, int], device: torch.device) -> torch.Tensor:
    """The true im2col: the h x w windows of X flattened row by row, one row per top-left corner."""
    X64 = X.to(device=device, dtype=torch.float64)
    return F.unfold(X64[None, None], kernel_shape)[0].T


def toeplitz(K: torch.Tensor, input_shape: tuple[int, int], device: torch.device) -> torch.Tensor:
    """The true kernel matrix: row r holds K at the input pixels of the r-th patch (the patches of
    the image of pixel indices say which), zeros elsewhere."""
    H, W = input_shape
    K64 = K.to(device=device, dtype=torch.float64)
    indices = torch.arange(H * W, dtype=torch.float64).reshape(H, W)
    pixels = patches(indices, (K.shape[0], K.shape[1]), device).long()
    matrix = torch.zeros((pixels.shape[0], H * W), dtype=torch.float64, device=device)
    return matrix.scatter(1, pixels, K64.reshape(1, -1).expand(pixels.shape[0], -1))


def correlation(X: torch.Tensor, K: torch.Tensor, device: torch.device, stride: int = 1,
                padding: int = 0) -> torch.Tensor:
    """torch's conv2d in float64 on ``device``, for 2-D (X, K) or batched (B, C, H, W), (O, C, h, w)."""
    X64 = X.to(device=device, dtype=torch.float64)
    K64 = K.to(device=device, dtype=torch.float64)
    if X.dim() == 2:
        return F.conv2d(X64[None, None], K64[None, None])[0, 0]
    return F.conv2d(X64, K64, stride=stride, padding=padding)


def rows_permuted(actual: TensorValue, truth: torch.Tensor) -> bool:
    """Whether the rows of ``actual`` are those of ``truth`` in another order (random inputs make
    every row unique, so matching each row to an equal one decides it)."""
    if actual.data is None or tuple(actual.shape) != tuple(truth.shape) or truth.dim() != 2:
        return False
    got, want = values(actual), truth.detach().to("cpu", torch.float64)
    if got.shape[0] < 2 or got.shape[1] == 0 or same(actual, want):
        return False
    distances = torch.cdist(got, want)
    matches = distances.argmin(dim=1)
    return bool((distances.min(dim=1).values < 1e-6).all()) and \
        len(set(matches.tolist())) == got.shape[0]


def columns_permuted(actual: TensorValue, truth: torch.Tensor) -> bool:
    """Whether the columns of ``actual`` are those of ``truth`` in another order."""
    if actual.data is None or actual.data.dim() != 2:
        return False
    return rows_permuted(wrap(actual.data.T, actual.dtype), truth.T)


def wrap(tensor: torch.Tensor, dtype: str, device: str = "cpu") -> TensorValue:
    """A tensor computed here, wrapped like a returned one so ``assert_close`` can judge it."""
    data = tensor.detach().to("cpu")
    return TensorValue(data, dtype, tuple(data.shape), device, "torch.Tensor")


def assert_on_device(ctx: CheckContext, actual: TensorValue, *, what: str,
                     inputs: Mapping[str, object], name: str, source_name: str = "X") -> None:
    """The result lives on the check's device (its dtype is a check of its own: ``matmul_dtype``)."""
    assert_device(actual, ctx.torch_device.type, what=what, input=inputs,
                  hint=hints.HINT_KEEP_DEVICE.format(name=name, source=source_name))


def flat_match(actual: TensorValue, truth: torch.Tensor) -> bool:
    """Whether ``actual`` holds the truth's values in row-major order, whatever its shape."""
    if actual.data is None or actual.data.numel() != truth.numel() or same(actual, truth):
        return False
    return same(wrap(actual.data.reshape(-1), actual.dtype), truth.reshape(-1))


def flipped(K: torch.Tensor) -> bool:
    """Whether flipping K in its last two axes changes it (only then can a flipped kernel explain
    an output)."""
    return not torch.equal(K, K.flip(-2, -1))
