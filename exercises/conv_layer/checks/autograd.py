"""Checks of exercise 2: what differentiating the book's Conv2D really does in PyTorch.

The expected exception is never written down: it is computed here, in the grader, by running the
same operation with the installed PyTorch, so a new torch release that rewords it changes the truth
with it. The other errors learners meet (a 4-D input, a leaf updated in place, a CPU output for a
CUDA input) are computed the same way, so an answer that reproduces one of them is named for what
it is rather than matched against its wording.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from exercises.conv_layer import hints_autograd as hints
from exercises.conv_layer.checks._common import book_image, conv_truth, randn, same
from exercises.conv_layer.truth import BookConv2D
from grader.pack import (
    CheckContext,
    CheckFailed,
    ExceptionValue,
    StudentCodeError,
    StudentRaised,
    TensorValue,
    assert_close,
    assert_device,
    describe_kind,
)

__all__ = ["autograd_backpropagates", "autograd_error_is_torchs", "autograd_gradients_match"]

X_SHAPE, K_SHAPE = (7, 6), (3, 2)  # not square, so a swapped pair shows in the shapes


def autograd_error_is_torchs(ctx: CheckContext) -> None:
    """The returned exception has the type and message torch raises for backward() on a matrix."""
    try:
        value = ctx.call("autograd_error").value
    except StudentRaised as raised:  # the right idea, one step short: it must be caught
        raised.hint = raised.hint or hints.HINT_RETURN_EXCEPTION
        raise
    if not isinstance(value, ExceptionValue):
        raise CheckFailed(hints.NOT_AN_EXCEPTION.format(got=describe_kind(value)),
                          hint=hints.HINT_RETURN_EXCEPTION)
    expected = _raised(lambda: _book_layer(ctx)(book_image().double()).backward())
    if (value.type_name, value.message) == expected:
        if _raised_by_torch(value):
            return
        raise CheckFailed(hints.NOT_RAISED_BY_TORCH.format(type=value.type_name),
                          hint=hints.HINT_NOT_RAISED_BY_TORCH,
                          actual={"type": value.type_name, "raised in": value.raised_in})
    ctx.exhibit("weight.grad after Conv2D(X).sum().backward()", _working_backward(ctx), reveals=True)
    raise CheckFailed(
        hints.WRONG_ERROR.format(type=value.type_name, message=value.message),
        hint=_hint_for_error(ctx, value), expected={"type": expected[0], "message": expected[1]},
        actual={"type": value.type_name, "message": value.message}, expected_is_answer=True,
        solution=hints.SOLUTION_ERROR.format(expected_type=expected[0], expected_message=expected[1]),
    )


def autograd_gradients_match(ctx: CheckContext) -> None:
    """conv2d_gradients(X, K) is (dX, dK) of corr2d(X, K).sum(), as conv2d's autograd gives them."""
    X, K = randn(ctx, 21, *X_SHAPE, dtype=torch.float64), randn(ctx, 22, *K_SHAPE, dtype=torch.float64)
    inputs = {"X": X, "K": K}
    value = ctx.call("conv2d_gradients", X, K).value
    if not isinstance(value, list | tuple) or len(value) != 2 or \
            not all(isinstance(v, TensorValue) and v.is_plain for v in value):
        raise CheckFailed(hints.NOT_A_PAIR.format(got=_describe_pair(value)), hint=hints.HINT_PAIR,
                          input=inputs)
    dX, dK = _truth(ctx, X, K)
    got_dX, got_dK = value
    hint = _hint_for_gradients(ctx, X, K, value, (dX, dK))
    for name, got, want in (("dX", got_dX, dX), ("dK", got_dK, dK)):
        assert_close(got, want, what=f"conv2d_gradients(X, K)'s {name}", input=inputs, hint=hint)
        assert_device(got, ctx.device, what=f"conv2d_gradients(X, K)'s {name}", input=inputs,
                      hint=hints.HINT_GRADIENT_DEVICE)


def autograd_backpropagates(ctx: CheckContext) -> None:
    """answer_conv2d_backpropagates agrees with running the book's Conv2D backward on a scalar."""
    given = ctx.value_answer("answer_conv2d_backpropagates", (bool,), "True or False")
    grad = _working_backward(ctx)
    truth = grad is not None
    ctx.exhibit("weight.grad after Conv2D(X).sum().backward()", grad, reveals=True)
    if not ctx.record_answer("answer_conv2d_backpropagates", given, truth, ("True", "False")):
        raise CheckFailed(hints.WRONG_BACKPROPAGATES.format(given=given),
                          hint=hints.OPEN_BACKPROPAGATES, expected=truth, actual=given,
                          expected_is_answer=True,
                          solution=hints.SOLUTION_BACKPROPAGATES.format(why=hints.HINT_CANNOT_DIFFERENTIATE))


# --- the truth, computed with the installed PyTorch ----------------------------------------------
def _book_layer(ctx: CheckContext) -> torch.nn.Module:
    """The book's printed Conv2D((1, 2)) in float64, with the book's kernel."""
    layer = BookConv2D((1, 2)).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, -1.0]]))
    return layer


def _working_backward(ctx: CheckContext) -> Any:
    """weight.grad after a scalar loss through the book's Conv2D: what does work."""
    layer = _book_layer(ctx)
    layer(book_image().double()).sum().backward()
    return layer.weight.grad


def _raised(operation: Any) -> tuple[str, str]:
    """The (type, message) an operation raises here, as the probe would describe it."""
    try:
        operation()
    except Exception as exc:  # the point is to catch whatever torch raises
        cls = type(exc)
        name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        return name, str(exc)
    raise AssertionError("the operation was expected to raise")


def _raised_by_torch(value: ExceptionValue) -> bool:
    """Whether PyTorch's own code raised the exception (the innermost frame of its traceback), not
    the student's: a copy built with the right message was never raised, or was raised by them."""
    origin = value.raised_in or ""
    return origin == "torch" or origin.startswith("torch.")


def _other_errors(ctx: CheckContext) -> dict[tuple[str, str], str]:
    """The errors met around the layer, by (type, message), computed live: case -> explanation."""
    def four_d() -> None:
        X = book_image().double().reshape(1, 1, 6, 8)
        Y = torch.zeros(1, 1, 6, 7, dtype=torch.float64)
        ((_book_layer(ctx)(X) - Y) ** 2).sum().backward()

    def leaf_in_place() -> None:
        layer = _book_layer(ctx)
        assert isinstance(layer.weight, torch.Tensor)  # a Parameter; typed Tensor | Module on Module
        layer.weight -= 0.1 * torch.ones_like(layer.weight)

    cases = {_raised(four_d): hints.CASE_4D, _raised(leaf_in_place): hints.CASE_LEAF}
    if torch.cuda.is_available():
        def cpu_output() -> None:
            X = book_image().double().cuda()
            Y = torch.zeros(6, 7, dtype=torch.float64)  # allocated without device=
            Y[0, 0] = (X[0:1, 0:2] * torch.ones(1, 2, dtype=torch.float64, device="cuda")).sum()
            (Y + X[:, :7]).sum().backward()

        cases[_raised(cpu_output)] = hints.CASE_DEVICE
    return cases


def _hint_for_error(ctx: CheckContext, value: ExceptionValue) -> str:
    """Name what the returned exception really is, by comparing it with errors computed here."""
    case = _other_errors(ctx).get((value.type_name, value.message))
    if case is not None:
        return hints.HINT_NOT_AUTOGRAD.format(case=case)
    if value.type_name == "AttributeError":
        return hints.HINT_NOT_AUTOGRAD.format(case=hints.CASE_ATTRIBUTE)
    if "in-place" in value.message.lower() or "inplace" in value.message.lower():
        return hints.HINT_MXNET
    return hints.HINT_NOT_RAISED_BY_TORCH


def _truth(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """dX and dK of conv2d(X, K).sum(), by torch's own conv2d, in float64 on the check's device."""
    X64 = X.to(ctx.torch_device, torch.float64).detach().clone().requires_grad_(True)
    K64 = K.to(ctx.torch_device, torch.float64).detach().clone().requires_grad_(True)
    F.conv2d(X64[None, None], K64[None, None]).sum().backward()
    assert X64.grad is not None and K64.grad is not None
    return X64.grad, K64.grad


def _hint_for_gradients(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor,
                        value: Any, truth: tuple[torch.Tensor, torch.Tensor]) -> str | None:
    """The misconception the returned pair shows: swapped, the mean's gradients, or corr2d's fault."""
    got_dX, got_dK = value
    dX, dK = truth
    outputs = conv_truth(X, K, ctx.torch_device).numel()
    if same(got_dX, dK) and same(got_dK, dX):
        return hints.HINT_SWAPPED
    if same(got_dX, dX / outputs) and same(got_dK, dK / outputs):
        return hints.HINT_MEAN
    if not _corr2d_is_right(ctx, X, K):
        return hints.HINT_USES_CORR2D
    return None


def _corr2d_is_right(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor) -> bool:
    """Whether the student's corr2d(X, K) has conv2d's value and gradients."""
    try:
        result = ctx.call("corr2d", X, K, grad=(0, 1))
    except StudentCodeError:
        return False
    grads = result.grads
    if result.grad_error is not None or len(grads) != 2 or \
            not all(isinstance(g, TensorValue) for g in (result.value, *grads)):
        return False
    dX, dK = _truth(ctx, X, K)
    return same(result.value, conv_truth(X, K, ctx.torch_device)) and \
        same(grads[0], dX) and same(grads[1], dK)


def _describe_pair(value: Any) -> str:
    if isinstance(value, list | tuple):
        return f"a {type(value).__name__} of {len(value)}: " + ", ".join(describe_kind(v) for v in value)
    return describe_kind(value)
