"""Checks of the ``Conv2D`` layer: its parameters, its forward pass and its gradients.

The truth is torch's conv2d plus the bias, computed in float64 on the check's device. A layer is
judged on its own: where the student's corr2d is wrong, a layer that returns that corr2d's output
plus the bias (and its gradients) is right, and corr2d loses its own points. A layer that matches
neither is told whether corr2d is (also) to blame, and one that waits on an unfilled corr2d says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
import torch.nn.functional as F

from exercises.conv_layer import hints
from exercises.conv_layer.checks._common import conv_truth, randn, same, values
from grader.pack import (
    CheckContext,
    CheckFailed,
    ModuleRun,
    NotImplementedYet,
    StudentCodeError,
    StudentRaised,
    TensorValue,
    assert_close,
    assert_device,
    assert_shape,
)

__all__ = ["layer_forward_matches", "layer_gradients_match", "layer_registers_parameters"]

KERNEL_SIZE = (3, 2)  # not square, so swapped dimensions show


def layer_registers_parameters(ctx: CheckContext) -> None:
    """weight (of shape kernel_size) and bias (one element) are nn.Parameters of an nn.Module."""
    run = ctx.build_module("Conv2D", KERNEL_SIZE)
    inputs = {"kernel_size": KERNEL_SIZE}
    _assert_registered(run, ("weight", "bias"))
    assert_shape(run.parameters["weight"], KERNEL_SIZE, what="Conv2D((3, 2)).weight",
                 input=inputs, hint=hints.HINT_WEIGHT_SHAPE)
    bias = run.parameters["bias"]
    if bias.numel != 1:
        raise CheckFailed(hints.BIAS_SIZE.format(numel=bias.numel), hint=hints.HINT_BIAS_SHAPE,
                          input=inputs, actual={"shape": list(bias.shape)},
                          expected={"shape": [1]})


def layer_forward_matches(ctx: CheckContext) -> None:
    """With weight and bias set, forward(x) is corr2d(x, weight) + bias, on x's device: torch's
    conv2d plus the bias, or the student's own corr2d plus the bias where that corr2d is wrong."""
    W, b, X = _data(ctx)
    inputs = {"x": X, "weight": W, "bias": b}
    with _blaming_corr2d(ctx, X, W):
        run = ctx.build_module("Conv2D", KERNEL_SIZE, params={"weight": W, "bias": b},
                               forward=[X])
        _assert_is_module(run)
        actual = ctx.expect_tensor(run.output, "Conv2D's forward")
        truth, _ = _truth(ctx, W, b, X)
        own = _own_corr2d(ctx, X, W)
        no_bias = same(actual, truth - b.to(truth)) or (own is not None and same(actual, own[0]))
        hint = hints.HINT_NO_BIAS if no_bias else None
        _assert_either(actual, truth, None if own is None else own[0] + b.double(),
                       what="Conv2D's forward(x)", input=inputs, hint=hint)
        # Trivial on the CPU; on CUDA, a forward that ends in .cpu() has the right values only.
        assert_device(actual, ctx.device, what="Conv2D's forward(x)", input=inputs,
                      hint=hints.HINT_LAYER_DEVICE)


def layer_gradients_match(ctx: CheckContext) -> None:
    """After output.sum().backward(), weight.grad and bias.grad equal the reference's (or those
    through the student's own corr2d, where that corr2d is wrong)."""
    W, b, X = _data(ctx)
    inputs = {"x": X, "weight": W, "bias": b}
    with _blaming_corr2d(ctx, X, W):
        run = ctx.build_module("Conv2D", KERNEL_SIZE, params={"weight": W, "bias": b},
                               forward=[X], backward=True)
        _assert_registered(run, ("weight", "bias"))
        if run.grad_error is not None:
            raise CheckFailed(
                hints.LAYER_NOT_DIFFERENTIABLE.format(detail=run.grad_error.get("message", "")),
                input=inputs,
            )
        _, grads = _truth(ctx, W, b, X)
        own = _own_corr2d(ctx, X, W, gradient=True)
        owns = {} if own is None or own[1] is None else \
            {"weight": own[1], "bias": torch.full((1,), float(own[0].numel()))}
        for name, truth in grads.items():
            grad = run.grads.get(name)
            if grad is None:
                hint = hints.HINT_NO_BIAS if name == "bias" else None
                raise CheckFailed(hints.LAYER_NO_GRADIENT.format(name=name), hint=hint,
                                  input=inputs)
            _assert_either(grad, truth, owns.get(name), what=f"Conv2D's {name}.grad", input=inputs)


def _assert_either(actual: TensorValue, truth: torch.Tensor, own: torch.Tensor | None, *, what: str,
                   input: dict[str, torch.Tensor], hint: str | None = None) -> None:
    """Close to the truth, or to what the student's own corr2d gives when that corr2d is wrong:
    a layer written right is judged on its own. The failure is told against the truth."""
    try:
        assert_close(actual, truth, what=what, input=input, hint=hint)
    except CheckFailed as failed:
        if own is None:
            raise
        try:
            assert_close(actual, own, what=what, input=input)
        except CheckFailed:
            failed.hint = failed.hint or hints.HINT_LAYER_USES_CORR2D  # neither, established
            raise failed from None


def _own_corr2d(
    ctx: CheckContext, X: torch.Tensor, W: torch.Tensor, *, gradient: bool = False
) -> tuple[torch.Tensor, torch.Tensor | None] | None:
    """The student's corr2d(X, W) in float64 (and its gradient for W, when asked and it has one),
    when that corr2d is wrong but usable (a finite tensor that is not constant); None otherwise."""
    try:
        result = ctx.call("corr2d", X, W, grad=(1,) if gradient else ())
    except StudentCodeError:
        return None
    value = result.value
    if not isinstance(value, TensorValue) or value.data is None:
        return None
    output = values(value)
    trivial = output.numel() < 2 or bool((output == output.flatten()[0]).all())
    if trivial or not bool(torch.isfinite(output).all()) or same(value, conv_truth(X, W)):
        return None
    grad = (result.grads or (None,))[0] if gradient and result.grad_error is None else None
    return output, values(grad) if isinstance(grad, TensorValue) and grad.data is not None else None


def _data(ctx: CheckContext) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return randn(ctx, 1, *KERNEL_SIZE), randn(ctx, 2, 1), randn(ctx, 3, 5, 6)


def _truth(
    ctx: CheckContext, W: torch.Tensor, b: torch.Tensor, X: torch.Tensor
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Output and parameter gradients of a correct layer (torch's conv2d), in float64 on the
    check's device."""
    def prepare(t: torch.Tensor) -> torch.Tensor:
        return t.to(device=ctx.torch_device, dtype=torch.float64)

    W64, b64 = prepare(W).requires_grad_(True), prepare(b).requires_grad_(True)
    output = conv_truth(prepare(X), W64, ctx.torch_device) + b64
    output.sum().backward()
    assert W64.grad is not None and b64.grad is not None
    return output.detach(), {"weight": W64.grad, "bias": b64.grad}


@contextmanager
def _blaming_corr2d(ctx: CheckContext, X: torch.Tensor, W: torch.Tensor) -> Iterator[None]:
    """Re-raise a failure as it is (status), with a hint when corr2d is to blame; a layer that
    raises NotImplementedError where corr2d is unfilled is said to wait for corr2d."""
    try:
        yield
    except NotImplementedYet as unfilled:
        if _corr2d_unfilled(ctx, X, W):
            unfilled.message = hints.LAYER_WAITS_FOR_CORR2D
        raise
    except (CheckFailed, StudentRaised) as failure:
        _assert_settable(ctx)  # a weight or bias the check cannot set is the real reason
        if failure.hint is None and not _corr2d_is_right(ctx, X, W):
            failure.hint = hints.HINT_LAYER_MAY_USE_CORR2D
        raise


def _assert_settable(ctx: CheckContext) -> None:
    """Conv2D(kernel_size) has a weight and a bias tensor the check can set its values into."""
    run = ctx.build_module("Conv2D", KERNEL_SIZE)
    _assert_is_module(run)
    for name, numel in (("weight", KERNEL_SIZE[0] * KERNEL_SIZE[1]), ("bias", 1)):
        found = run.parameters.get(name)
        kind = run.attributes.get(name, "NoneType")
        if found is None and kind != "torch.Tensor":
            raise CheckFailed(hints.LAYER_CANNOT_SET.format(name=name, kind=kind),
                              hint=hints.HINT_MISSING_PARAMETER.format(name=name),
                              actual={"attribute": kind}, expected={"attribute": "nn.Parameter"})
        if found is not None and found.numel != numel:
            raise CheckFailed(hints.LAYER_CANNOT_SET_SIZE.format(name=name, numel=found.numel,
                                                                 expected=numel),
                              hint=hints.HINT_WEIGHT_SHAPE if name == "weight" else hints.HINT_BIAS_SHAPE,
                              actual={"shape": list(found.shape)})


def _corr2d_unfilled(ctx: CheckContext, X: torch.Tensor, W: torch.Tensor) -> bool:
    try:
        ctx.call("corr2d", X, W)
    except NotImplementedYet:
        return True
    except StudentCodeError:
        return False
    return False


def _corr2d_is_right(ctx: CheckContext, X: torch.Tensor, W: torch.Tensor) -> bool:
    """Whether the student's corr2d(X, W) has conv2d's value, device and gradient for W."""
    try:
        result = ctx.call("corr2d", X, W, grad=(1,))
    except StudentCodeError:
        return False
    value, grad = result.value, (result.grads or (None,))[0]
    if not isinstance(value, TensorValue) or value.device_type != ctx.torch_device.type:
        return False
    if result.grad_error is not None or not isinstance(grad, TensorValue):
        return False
    X64 = X.to(device=ctx.torch_device, dtype=torch.float64)
    W64 = W.to(device=ctx.torch_device, dtype=torch.float64).requires_grad_(True)
    F.conv2d(X64[None, None], W64[None, None]).sum().backward()
    assert W64.grad is not None
    return same(value, conv_truth(X, W, ctx.torch_device)) and same(grad, W64.grad)


def _assert_is_module(run: ModuleRun) -> None:
    if not run.is_module:
        raise CheckFailed(hints.NOT_A_MODULE.format(type=run.type_name), hint=hints.HINT_NOT_MODULE)


def _assert_registered(run: ModuleRun, names: tuple[str, ...]) -> None:
    """Each name is a registered parameter; a plain tensor attribute gets its own hint."""
    _assert_is_module(run)
    for name in names:
        if name in run.parameters:
            continue
        kind = run.attributes.get(name, "NoneType")
        hint = hints.HINT_PLAIN_TENSOR if kind == "torch.Tensor" else hints.HINT_MISSING_PARAMETER
        raise CheckFailed(hints.NOT_REGISTERED.format(name=name, kind=kind),
                          hint=hint.format(name=name), actual={"parameters": sorted(run.parameters)},
                          expected={"parameters": sorted(names)})
