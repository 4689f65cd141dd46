"""What the kernel-design checks (exercises.md section 4) share: the student's kernel as float64
data, images f(x, y) on a grid, their responses, and what counts as zero.

Images follow the notebook's convention: ``x`` is the column index, ``y`` the row index, and
``X[y, x] = f(x, y)``. Coordinates are centred on the image, so that powers stay small and a ramp
passes through zero. A response is computed here with torch's conv2d in float64 (the same
cross-correlation as the reference ``corr2d``), never by the student's code.

"Zero" is judged relative to the size of the sum being taken: a response counts as zero when it is
below ``ZERO_RTOL`` times ``sum(|K|) * max(|X|)``, far above float32 rounding of the kernel's taps
(about 6e-8 of that bound) and far below any real response of a kernel to these images.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks._common import conv_truth
from grader.pack import CheckContext, CheckFailed, TensorValue, describe

ZERO_RTOL = 1e-6
CPU = torch.device("cpu")


def fetch_kernel(ctx: CheckContext, name: str, *args: object, call: str) -> torch.Tensor:
    """Call ``name(*args)`` and return its kernel as float64 data (any real dtype is accepted).

    ``call`` is how messages show the call (``blur_kernel(5, 1.0)``). Complex or non-finite kernels
    fail here with a one-line message; the shape is each question's business.
    """
    value = ctx.call_tensor(name, *args)
    data: torch.Tensor = value.data
    if data.is_complex():
        raise CheckFailed(hints.KERNEL_COMPLEX.format(call=call, dtype=value.dtype),
                          hint=hints.HINT_KERNEL_REAL, actual=describe(value))
    kernel = data.to(torch.float64)
    if not bool(torch.isfinite(kernel).all()):
        raise CheckFailed(hints.KERNEL_NOT_FINITE.format(call=call), hint=hints.HINT_KERNEL_FINITE,
                          actual=describe(value))
    return kernel


def failure(
    message: str, *, hint: str | None, input: Mapping[str, Any] | None = None,
    expected: Any = None, actual: Any = None, solution: str | None = None,
    expected_is_answer: bool = False,
) -> CheckFailed:
    """A verdict with its input, expected and actual values described for the report; what states
    the answer goes in ``solution`` (see ``CheckFailed``)."""
    return CheckFailed(message, hint=hint,
                       input={k: describe(v) for k, v in input.items()} if input else None,
                       expected=describe(expected), actual=describe(actual), solution=solution,
                       expected_is_answer=expected_is_answer)


def shape_failure(message: str, kernel: torch.Tensor, expected: str, hint: str | None,
                  solution: str | None = None) -> CheckFailed:
    """A kernel of the wrong shape (``message`` already formatted): what came back and what was expected."""
    return failure(message, hint=hint, actual=kernel, expected={"shape": expected}, solution=solution)


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as Python writes it: ``(3, 3)``, ``(3,)``."""
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def number_text(value: float) -> str:
    """A number for a message: ``1``, ``0.5``, ``-2.25``."""
    return f"{value:.6g}"


def grid(height: int, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Centred coordinates ``(x, y)`` of an image: x along the columns, y along the rows."""
    ys = torch.arange(height, dtype=torch.float64) - (height - 1) / 2
    xs = torch.arange(width, dtype=torch.float64) - (width - 1) / 2
    y, x = torch.meshgrid(ys, xs, indexing="ij")
    return x, y


def respond(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """corr2d(X, K) in float64, computed here."""
    return conv_truth(X, K, CPU)


def tolerance(X: torch.Tensor, K: torch.Tensor) -> float:
    """What counts as zero in corr2d(X, K): ``ZERO_RTOL * sum(|K|) * max(|X|)``."""
    return ZERO_RTOL * float(K.abs().sum()) * float(X.abs().max())


def is_zero(R: torch.Tensor, X: torch.Tensor, K: torch.Tensor) -> bool:
    """Whether the response R = corr2d(X, K) is zero everywhere, up to rounding."""
    return float(R.abs().max()) <= tolerance(X, K)


def is_constant(R: torch.Tensor, X: torch.Tensor, K: torch.Tensor) -> bool:
    """Whether the response R = corr2d(X, K) takes one value everywhere, up to rounding."""
    return float(R.max() - R.min()) <= tolerance(X, K)


def as_value(tensor: torch.Tensor) -> TensorValue:
    """A tensor computed here, wrapped like a returned one so ``assert_close`` can judge it."""
    tensor = tensor.detach().cpu()
    return TensorValue(tensor, str(tensor.dtype).removeprefix("torch."), tuple(tensor.shape),
                       str(tensor.device), "torch.Tensor")


def as_row(kernel: torch.Tensor) -> torch.Tensor:
    """A 1-D kernel read as a row (1, n); a kernel of any other rank as it is."""
    return kernel[None, :] if kernel.dim() == 1 else kernel


def fits(kernel: torch.Tensor, max_size: int) -> bool:
    """Whether a kernel is 2-D, non-empty and at most ``max_size`` x ``max_size``."""
    return kernel.dim() == 2 and min(kernel.shape) >= 1 and max(kernel.shape) <= max_size


def second_derivative_axes(kernel: torch.Tensor) -> str | None:
    """Which second derivative a kernel (1-D read as a row) takes: "x", "y", "both" or None.

    "x" or "y": zero on constants and ramps, a non-zero constant on that axis's square and zero on the
    other's ([1, -2, 1] in either orientation, or padded into 3 x 3). "both": the same non-zero
    constant on x^2 and y^2, as the Laplacian gives. None: anything else.
    """
    K = as_row(kernel)
    if not fits(K, 5):
        return None
    x, y = grid(9, 9)
    if not all(is_zero(respond(X, K), X, K) for X in (x * 0 + 1, x, y)):
        return None
    (X2, R2), (Y2, S2) = ((X, respond(X, K)) for X in (x**2, y**2))
    if not (is_constant(R2, X2, K) and is_constant(S2, Y2, K)):
        return None
    zero_x, zero_y = is_zero(R2, X2, K), is_zero(S2, Y2, K)
    if zero_x != zero_y:
        return "y" if zero_x else "x"
    if not zero_x and abs(float(R2.mean() - S2.mean())) <= tolerance(X2, K):
        return "both"
    return None


def exhibit_squares(ctx: CheckContext, kernel: torch.Tensor) -> None:
    """Show a kernel's responses to x^2, y^2 and x^2 + y^2 (one direction's or both directions')."""
    K = as_row(kernel)
    if not fits(K, 5):
        return
    x, y = grid(9, 9)
    for label, X in ((hints.LABEL_X2, x**2), (hints.LABEL_Y2, y**2), (hints.LABEL_X2_Y2, x**2 + y**2)):
        ctx.exhibit(label, respond(X, K))
