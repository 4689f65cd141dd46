"""Checks of exercise 2: what differentiating the book's Conv2D really does in PyTorch.

The expected exception is never written down: it is computed here, in the grader, by running the
same operation with the installed PyTorch, so a new torch release that rewords it changes the truth
with it. A wrong exception is named by ``autograd_errors``, which computes the other errors learners
meet the same way, and every hint says only what the check established.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from exercises.conv_layer import hints_autograd as hints
from exercises.conv_layer.checks._common import book_image, conv_truth, randn, same, values
from exercises.conv_layer.checks.autograd_errors import (
    book_layer,
    hint_for_error,
    hint_for_non_exception,
    raised,
    raised_by_torch,
    where,
    working_backward,
)
from grader.pack import (
    CheckContext,
    CheckFailed,
    ExceptionValue,
    NotImplementedYet,
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
    expected = raised(lambda: book_layer()(book_image().double()).backward())
    try:
        value = ctx.call("autograd_error").value
    except StudentRaised as failure:
        if not failure.hint:  # raising the very error asked for is one step short: catch it
            asked = expected[1] in failure.message
            failure.hint = hints.HINT_CATCH_IT if asked else hints.HINT_RAISED_OTHER
        raise
    if not isinstance(value, ExceptionValue):
        raise CheckFailed(hints.NOT_AN_EXCEPTION.format(got=describe_kind(value)),
                          hint=hint_for_non_exception(value))
    if value.type_name == "NotImplementedError":  # an unfilled slot's, caught: which one?
        X, K = book_image(), torch.tensor([[1.0, -1.0]])
        if _corr2d_state(ctx, X, K) == "unfilled":
            raise NotImplementedYet(hints.ERROR_WAITS_FOR_CORR2D)
    if (value.type_name, value.message) == expected:
        if raised_by_torch(value):
            return
        if value.raised_in is None:
            message, hint = hints.NEVER_RAISED.format(type=value.type_name), hints.HINT_BUILT
        else:
            message = hints.RAISED_ELSEWHERE.format(type=value.type_name, where=where(value))
            hint = hints.HINT_RAISED_ELSEWHERE
        raise CheckFailed(message, hint=hint,
                          actual={"type": value.type_name, "raised in": value.raised_in})
    hint = hints.HINT_ERROR_FROM_CORR2D if _corr2d_raises(ctx, value.message) else hint_for_error(value)
    ctx.exhibit("weight.grad after Conv2D(X).sum().backward()", working_backward(), reveals=True)
    raise CheckFailed(
        hints.WRONG_ERROR.format(type=value.type_name, message=value.message),
        hint=hint, expected={"type": expected[0], "message": expected[1]},
        actual={"type": value.type_name, "message": value.message}, expected_is_answer=True,
        solution=hints.SOLUTION_ERROR.format(expected_type=expected[0], expected_message=expected[1]),
    )


def autograd_gradients_match(ctx: CheckContext) -> None:
    """conv2d_gradients(X, K) is (dX, dK) of corr2d(X, K).sum(), as conv2d's autograd gives them,
    or as the student's own corr2d gives them where that corr2d is wrong (judged on its own)."""
    X, K = randn(ctx, 21, *X_SHAPE, dtype=torch.float64), randn(ctx, 22, *K_SHAPE, dtype=torch.float64)
    inputs = {"X": X, "K": K}
    try:
        value = ctx.call("conv2d_gradients", X, K).value
    except NotImplementedYet as unfilled:
        if _corr2d_state(ctx, X, K) == "unfilled":
            unfilled.message = hints.GRADIENTS_WAIT_FOR_CORR2D
        raise
    except StudentRaised as failure:
        if not failure.hint and _corr2d_state(ctx, X, K) != "right":
            failure.hint = hints.HINT_USES_CORR2D
        raise
    if not isinstance(value, list | tuple) or len(value) != 2 or \
            not all(isinstance(v, TensorValue) and v.is_plain for v in value):
        none = isinstance(value, list | tuple) and len(value) == 2 and None in value
        raise CheckFailed(hints.NOT_A_PAIR.format(got=_describe_pair(value)),
                          hint=_none_hint(ctx, X, K, value) if none else hints.HINT_PAIR, input=inputs)
    truth = _truth(ctx, X, K)
    state = _corr2d_state(ctx, X, K)
    own = state if isinstance(state, tuple) else None
    if own is not None and all(same(got, want) for got, want in zip(value, own, strict=True)):
        truth = own  # the gradients of the student's own (wrong) corr2d: right for this question
    hint = _hint_for_gradients(X, K, value, truth, state)
    for name, got, want in zip(("dX", "dK"), value, truth, strict=True):
        assert_close(got, want, what=f"conv2d_gradients(X, K)'s {name}", input=inputs, hint=hint)
        assert_device(got, ctx.device, what=f"conv2d_gradients(X, K)'s {name}", input=inputs,
                      hint=hints.HINT_GRADIENT_DEVICE)


def autograd_backpropagates(ctx: CheckContext) -> None:
    """answer_conv2d_backpropagates agrees with running the book's Conv2D backward on a scalar."""
    given = ctx.value_answer("answer_conv2d_backpropagates", (bool,), "True or False")
    grad = working_backward()
    truth = grad is not None
    ctx.exhibit("weight.grad after Conv2D(X).sum().backward()", grad, reveals=True)
    if not ctx.record_answer("answer_conv2d_backpropagates", given, truth, ("True", "False")):
        raise CheckFailed(hints.WRONG_BACKPROPAGATES.format(given=given),
                          hint=hints.OPEN_BACKPROPAGATES, expected=truth, actual=given,
                          expected_is_answer=True,
                          solution=hints.SOLUTION_BACKPROPAGATES.format(why=hints.HINT_CANNOT_DIFFERENTIATE))


def _truth(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """dX and dK of conv2d(X, K).sum(), by torch's own conv2d, in float64 on the check's device."""
    X64 = X.to(ctx.torch_device, torch.float64).detach().clone().requires_grad_(True)
    K64 = K.to(ctx.torch_device, torch.float64).detach().clone().requires_grad_(True)
    F.conv2d(X64[None, None], K64[None, None]).sum().backward()
    assert X64.grad is not None and K64.grad is not None
    return X64.grad, K64.grad


def _hint_for_gradients(X: torch.Tensor, K: torch.Tensor, value: Any,
                        truth: tuple[torch.Tensor, torch.Tensor], state: object) -> str | None:
    """The misconception the returned pair shows: swapped, the mean's gradients, or corr2d's fault."""
    got_dX, got_dK = value
    dX, dK = truth
    outputs = conv_truth(X, K).numel()
    if same(got_dX, dK) and same(got_dK, dX):
        return hints.HINT_SWAPPED
    if same(got_dX, dX / outputs) and same(got_dK, dK / outputs):
        return hints.HINT_MEAN
    if isinstance(state, tuple):  # neither conv2d's gradients nor those of their own corr2d
        return hints.HINT_NEITHER_GRADIENTS
    return None if state == "right" else hints.HINT_USES_CORR2D


def _corr2d_state(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor) -> object:
    """The student's corr2d(X, K): "right" (conv2d's value and gradients), "unfilled" (a stub),
    its gradients (dX, dK) in float64 when it is wrong but differentiable and not trivial (not all
    zero), or "unusable"."""
    try:
        result = ctx.call("corr2d", X, K, grad=(0, 1))
    except NotImplementedYet:
        return "unfilled"
    except StudentCodeError:
        return "unusable"
    grads = result.grads
    if result.grad_error is not None or len(grads) != 2 or \
            not all(isinstance(g, TensorValue) and g.data is not None for g in (result.value, *grads)):
        return "unusable"
    dX, dK = _truth(ctx, X, K)
    if same(result.value, conv_truth(X, K, ctx.torch_device)) and same(grads[0], dX) and \
            same(grads[1], dK):
        return "right"
    own = (values(grads[0]), values(grads[1]))
    finite = all(bool(torch.isfinite(g).all()) and bool((g != 0).any()) for g in own)
    return own if finite else "unusable"


def _corr2d_raises(ctx: CheckContext, message: str) -> bool:
    """Whether the student's corr2d itself raises ``message`` on the book's image with a kernel that
    requires grad, as Conv2D's weight does: the returned error is then corr2d's, not the caller's."""
    try:
        ctx.call("corr2d", book_image(), torch.tensor([[1.0, -1.0]]), grad=(1,))
    except StudentRaised as raised_there:
        return bool(message) and message in raised_there.message
    except StudentCodeError:
        return False
    return False


def _none_hint(ctx: CheckContext, X: torch.Tensor, K: torch.Tensor, value: Any) -> str:
    """A None in the pair: the student's corr2d's fault where it lets no gradient through to every
    input that came back None (run here with X and K requiring grad), else how .grad stays None."""
    try:
        result = ctx.call("corr2d", X, K, grad=(0, 1))
    except StudentCodeError:
        return hints.HINT_GRAD_NONE
    if result.grad_error is not None:
        kind = str(result.grad_error.get("type", ""))
        blocked = {"X", "K"} if kind == "NotDifferentiable" else set()
    else:
        blocked = {name for name, g in zip(("X", "K"), result.grads, strict=False) if g is None}
    missing = [name for name, v in zip(("X", "K"), value, strict=True) if v is None]
    if not missing or not set(missing) <= blocked:
        return hints.HINT_GRAD_NONE
    names = hints.BOTH_INPUTS if len(missing) == 2 else missing[0]
    return hints.HINT_CORR2D_NO_GRADIENT.format(names=names)


def _describe_pair(value: Any) -> str:
    if isinstance(value, list | tuple):
        return f"a {type(value).__name__} of {len(value)}: " + ", ".join(map(describe_kind, value))
    return describe_kind(value)
