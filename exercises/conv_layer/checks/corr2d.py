"""Checks of ``corr2d(X, K)``: values, dtype, device, gradients and inputs, one idea each.

So the book's own ``corr2d`` (a float32 output allocated on the CPU) earns the value and gradient
points and loses only the dtype and the device checks, each with its hint.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from exercises.conv_layer import hints
from exercises.conv_layer.checks._common import conv_truth, randint, randn, same, values
from grader.pack import (
    CheckContext,
    CheckFailed,
    NotImplementedYet,
    StudentRaised,
    TensorValue,
    assert_close,
    assert_device,
    assert_dtype,
)

__all__ = [
    "corr2d_book_example",
    "corr2d_gradients_match",
    "corr2d_inputs_unchanged",
    "corr2d_keeps_device",
    "corr2d_keeps_dtype",
    "corr2d_matches_conv2d",
]

WHAT = "corr2d(X, K)"


def corr2d_book_example(ctx: CheckContext) -> None:
    """The book's figure: a 3 x 3 input and a 2 x 2 kernel give [[19, 25], [37, 43]]."""
    X = torch.arange(9, dtype=torch.float32).reshape(3, 3)
    K = torch.arange(4, dtype=torch.float32).reshape(2, 2)
    actual = ctx.call_tensor("corr2d", X, K)
    _assert_values(actual, X, K, ctx)


def corr2d_matches_conv2d(ctx: CheckContext) -> None:
    """Random non-square shapes (a wide output and a tall one), a 1 x 1 kernel and a kernel as
    large as the image."""
    for X, K in _cases(ctx):
        actual = ctx.call_tensor("corr2d", X, K)
        _assert_values(actual, X, K, ctx)


def corr2d_keeps_dtype(ctx: CheckContext) -> None:
    """float64 in, float64 out, and float32 in, float32 out.

    The book's torch.zeros(shape) makes float32 whatever the input; a .double() on the way makes
    float64 whatever the input; only an output in the inputs' dtype passes both.
    """
    for salt, dtype in ((1, torch.float64), (60, torch.float32)):
        X, K = randn(ctx, salt, 4, 5, dtype=dtype), randn(ctx, salt + 1, 2, 3, dtype=dtype)
        actual = ctx.call_tensor("corr2d", X, K)
        expected = str(dtype).removeprefix("torch.")
        assert_dtype(actual, expected, what=WHAT, input={"X": X, "K": K},
                     hint=_dtype_hint(actual.dtype, expected))


def _dtype_hint(actual: str, expected: str) -> str:
    """The known mistake behind a wrong output dtype."""
    if actual.startswith(("int", "uint")):
        return hints.HINT_DTYPE_INTEGER
    if actual == "float32" and expected == "float64":
        return hints.HINT_DTYPE_FLOAT32
    if actual == "float64" and expected == "float32":
        return hints.HINT_DTYPE_FLOAT64
    return hints.HINT_DTYPE


def corr2d_keeps_device(ctx: CheckContext) -> None:
    """Inputs on meta (everywhere) or CUDA give an output on the same device."""
    X, K = randn(ctx, 3, 5, 6), randn(ctx, 4, 2, 3)
    # On the CPU first: a stub fails as "not implemented" and a broken corr2d as itself, so the
    # meta or CUDA call below judges device-awareness alone.
    ctx.on("cpu").call_tensor("corr2d", X, K)
    try:
        actual = ctx.call_tensor("corr2d", X, K)
    except NotImplementedYet as exc:
        raise _device_failure(ctx, X, K, hints.DEVICE_NOT_IMPLEMENTED) from exc
    except StudentRaised as exc:  # torch's own NotImplementedError on meta gets the explanation
        meta = "NotImplementedError" in exc.message and "meta tensor" in exc.message
        raise _device_failure(ctx, X, K, hints.DEVICE_NOT_IMPLEMENTED if meta else exc.message) from exc
    assert_device(actual, ctx.device, what=WHAT, input={"X": X, "K": K}, hint=hints.HINT_DEVICE)


def corr2d_gradients_match(ctx: CheckContext) -> None:
    """The gradients of corr2d(X, K).sum() with respect to X and K equal conv2d's."""
    X, K = randn(ctx, 5, 5, 7), randn(ctx, 6, 3, 2)
    try:
        result = ctx.call("corr2d", X, K, grad=(0, 1))
    except StudentRaised as exc:  # re-raised as it is; an in-place op refused in the call gets its hint
        if _in_place(exc.message):  # refused before any backward(): a leaf (X, K) or another tensor
            leaf = "leaf Variable" in exc.message
            exc.hint = hints.HINT_INPLACE_LEAF if leaf else hints.HINT_INPLACE_REFUSED
        raise
    ctx.expect_tensor(result.value, "corr2d")
    inputs = {"X": X, "K": K}
    if result.grad_error is not None:
        kind = str(result.grad_error.get("type", ""))
        message = str(result.grad_error.get("message", ""))
        if kind == "NotDifferentiable":
            raise CheckFailed(hints.NOT_DIFFERENTIABLE.format(detail=message),
                              hint=hints.HINT_NOT_DIFFERENTIABLE, input=inputs)
        hint = hints.HINT_INPLACE_GRAPH if _in_place(message) else None
        raise CheckFailed(hints.BACKWARD_RAISED.format(type=kind, message=message), hint=hint,
                          input=inputs)
    expected = _true_gradients(X, K, ctx.torch_device)
    for name, grad, truth in zip(("X", "K"), result.grads, expected, strict=True):
        if grad is None:
            raise CheckFailed(hints.NO_GRADIENT.format(name=name),
                              hint=hints.HINT_DETACHED.format(name=name), input=inputs)
        assert_close(grad, truth, what=f"the gradient with respect to {name}", input=inputs)


def corr2d_inputs_unchanged(ctx: CheckContext) -> None:
    """X and K hold the same values after the call."""
    X, K = randn(ctx, 7, 6, 5), randn(ctx, 8, 2, 2)
    result = ctx.call("corr2d", X, K, return_inputs=True)
    ctx.expect_tensor(result.value, "corr2d")
    for name, before, after in zip(("X", "K"), (X, K), result.inputs_after, strict=True):
        assert_close(ctx.expect_tensor(after, name), before, what=f"{name} after the call",
                     input={"X": X, "K": K}, hint=hints.HINT_INPLACE, rtol=0.0, atol=0.0)


def _in_place(message: str) -> bool:
    """Autograd's wording for in-place writes it cannot differentiate through."""
    return "in-place" in message or "inplace" in message


def _cases(ctx: CheckContext) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Seeded shapes: a wide output, then a tall one (so rows and columns cannot be swapped
    unnoticed, nor one loop run over the other's range), a 1 x 1 kernel, a kernel the image's size."""
    cases = []
    for salt, wide in ((10, True), (20, False)):
        rows, cols = randint(ctx, salt, 1, 5), randint(ctx, salt + 1, 1, 5)
        rows, cols = sorted((rows, cols + 1 if cols == rows else cols), reverse=not wide)
        h, w = randint(ctx, salt + 2, 1, 4), randint(ctx, salt + 3, 1, 4)
        h, w = (h, w) if (h, w) != (1, 1) else (2, 1)
        if rows + h == cols + w:  # a non-square image too: grow the output's longer side
            cols, rows = (cols + 1, rows) if wide else (cols, rows + 1)
        cases.append((randn(ctx, salt + 4, rows + h - 1, cols + w - 1), randn(ctx, salt + 5, h, w)))
    H, W = randint(ctx, 30, 2, 7), randint(ctx, 31, 2, 7)
    cases.append((randn(ctx, 32, H, W + 1), randn(ctx, 33, 1, 1)))
    H, W = randint(ctx, 40, 1, 5), randint(ctx, 41, 1, 5)
    cases.append((randn(ctx, 42, H, W + 1), randn(ctx, 43, H, W + 1)))
    return cases


def _assert_values(actual: TensorValue, X: torch.Tensor, K: torch.Tensor, ctx: CheckContext) -> None:
    truth = conv_truth(X, K, ctx.torch_device)
    assert_close(actual, truth, what=WHAT, input={"X": X, "K": K},
                 hint=_misconception(actual, X, K, truth))


def _misconception(
    actual: TensorValue, X: torch.Tensor, K: torch.Tensor, truth: torch.Tensor
) -> str | None:
    """Name the known mistake that explains a wrong output, if one does."""
    windows = _windows_hint(actual, X, K, truth.cpu())
    if windows is not None or tuple(actual.shape) != tuple(truth.shape) or actual.data is None:
        return windows
    if not torch.equal(K, K.flip(0, 1)) and same(actual, conv_truth(X, K.flip(0, 1), truth.device)):
        return hints.HINT_FLIPPED_KERNEL
    got = values(actual)
    # Rounded sums: whole numbers within 1 of the truth; zeros or a constant are no rounding.
    rounded = bool((got == got.round()).all()) and bool(((got - truth.cpu()).abs() < 1).all())
    if rounded and not bool((truth == truth.round()).all()) and bool((got != got.flatten()[0]).any()):
        return hints.HINT_ROUNDS
    return None


def _windows_hint(actual: TensorValue, X: torch.Tensor, K: torch.Tensor, truth: torch.Tensor) -> str | None:
    """Windows sliced wrong, read from the result: a block of the true output (the loops stop
    early or start late), or the right shape with only a leading block filled; else, for a wrong
    shape, which shape is expected and why."""
    (H, W), (h, w), (R, C) = X.shape, K.shape, truth.shape
    shape = hints.HINT_OUTPUT_SIZE.format(H=H, W=W, h=h, w=w, rows=R, cols=C)
    if actual.data is None or len(actual.shape) != 2:
        return shape if tuple(actual.shape) != (R, C) else None
    got, (r, c) = values(actual), actual.shape
    sizes = {"rows": r, "cols": c, "total_rows": R, "total_cols": C}
    if (R, C) != (1, 1) and _equal(got, truth.T) and not _equal(got, truth):
        return hints.HINT_TRANSPOSED_OUTPUT
    if (r, c) != (R, C):
        if r <= R and c <= C and _equal(got, truth[:r, :c]):
            return hints.HINT_WINDOWS_END_EARLY.format(**sizes)
        if r <= R and c <= C and _equal(got, truth[R - r:, C - c:]):
            return hints.HINT_WINDOWS_START_LATE.format(**sizes)
        return shape
    for rows, cols in sorted(((a, b) for a in range(1, R + 1) for b in range(1, C + 1)), reverse=True):
        if (rows, cols) == (R, C) or not _equal(got[:rows, :cols], truth[:rows, :cols]):
            continue
        rest = got.clone()
        rest[:rows, :cols] = 0
        if bool((rest == 0).all()) and not _equal(got, truth):
            return hints.HINT_UNFILLED.format(rows=rows, cols=cols, total_rows=R, total_cols=C)
    return None


def _equal(got: torch.Tensor, truth: torch.Tensor) -> bool:
    return got.shape == truth.shape and bool(torch.allclose(got, truth, rtol=1e-4, atol=1e-5))


def _device_failure(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor, detail: str) -> CheckFailed:
    return CheckFailed(
        hints.DEVICE_RAISED.format(device=ctx.device, detail=detail),
        hint=hints.HINT_DEVICE_META if ctx.device == "meta" else hints.HINT_DEVICE,
        input={"X": X, "K": K}, expected={"device": ctx.device},
    )


def _true_gradients(
    X: torch.Tensor, K: torch.Tensor, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    X64 = X.to(device=device, dtype=torch.float64).requires_grad_(True)
    K64 = K.to(device=device, dtype=torch.float64).requires_grad_(True)
    F.conv2d(X64[None, None], K64[None, None]).sum().backward()
    assert X64.grad is not None and K64.grad is not None
    return X64.grad, K64.grad
