"""Checks of the ``Conv2D`` layer: its parameters, its forward pass and its gradients.

The truth is the reference ``corr2d`` plus the bias, computed in float64 on the check's device.
A layer is only as right as the student's own ``corr2d`` it calls; when that is what is wrong,
the failure says so instead of leaving the student to debug a correct layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
import torch.nn.functional as F

from exercises.conv_layer import hints
from exercises.conv_layer.checks._common import conv_truth, randn, same
from grader.pack import (
    CheckContext,
    CheckFailed,
    ModuleRun,
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
    """With weight and bias set, forward(x) is corr2d(x, weight) + bias, on x's device."""
    W, b, X = _data(ctx)
    with _blaming_corr2d(ctx, X, W):
        run = ctx.build_module("Conv2D", KERNEL_SIZE, params={"weight": W, "bias": b},
                               forward=[X])
        _assert_is_module(run)
        actual = ctx.expect_tensor(run.output, "Conv2D's forward")
        truth, _ = _truth(ctx, W, b, X)
        hint = hints.HINT_NO_BIAS if same(actual, truth - b.to(truth)) else None
        inputs = {"x": X, "weight": W, "bias": b}
        assert_close(actual, truth, what="Conv2D's forward(x)", input=inputs, hint=hint)
        # Trivial on the CPU; on CUDA, a forward that ends in .cpu() has the right values only.
        assert_device(actual, ctx.device, what="Conv2D's forward(x)", input=inputs,
                      hint=hints.HINT_LAYER_DEVICE)


def layer_gradients_match(ctx: CheckContext) -> None:
    """After output.sum().backward(), weight.grad and bias.grad equal the reference's."""
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
        for name, truth in grads.items():
            grad = run.grads.get(name)
            if grad is None:
                hint = hints.HINT_NO_BIAS if name == "bias" else None
                raise CheckFailed(hints.LAYER_NO_GRADIENT.format(name=name), hint=hint,
                                  input=inputs)
            assert_close(grad, truth, what=f"Conv2D's {name}.grad", input=inputs)


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
    """Re-raise a failure as it is (status, message), with a hint when corr2d is to blame."""
    try:
        yield
    except (CheckFailed, StudentRaised) as failure:
        if not _corr2d_is_right(ctx, X, W):
            failure.hint = hints.HINT_LAYER_USES_CORR2D
        raise


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
