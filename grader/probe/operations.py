"""The probe's operations: what the grader can ask of the student's namespace, as data.

Each operation takes the namespace, the request and its binary buffers and returns a reply of
plain values; ``grader.probe.service.handle`` encodes it. Runs inside the kernel (loaded by path there,
see ``grader.probe``), so it imports only the standard library, torch and the wire format.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Any


def _load_by_path(name: str, filename: str) -> Any:
    """Load a probe module that sits next to this file, as the kernel must (see ``service``)."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), filename)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if __package__:
    from grader.probe import counting, wire
else:  # loaded by path in the kernel, after grader.probe has loaded the wire format
    wire = sys.modules["_grader_wire"]
    counting = sys.modules.get("_grader_counting") or _load_by_path("_grader_counting", "counting.py")

#: Frames from these files are the grader's, never shown to the student.
PROBE_FILES = frozenset(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    for name in ("service.py", "operations.py", "wire.py", "counting.py")
)


def _resolve(
    namespace: Mapping[str, Any], request: Mapping[str, Any], *, must_call: bool
) -> tuple[Any, dict[str, Any] | None]:
    """The named object, or the reply that says why there is none to use."""
    name = str(request.get("name"))
    if name not in namespace:
        return None, {"status": "missing", "name": name}
    value = namespace[name]
    if must_call and not callable(value):
        return None, {"status": "not_callable", "type": wire.type_name(value)}
    return value, None


def op_describe(namespace: Mapping[str, Any], request: Mapping[str, Any], _: list[bytes]) -> Any:
    """Say what each requested name is: function, class, other value, or missing."""
    kinds: dict[str, str] = {}
    for name in request.get("names", ()):
        if name not in namespace:
            kinds[name] = "missing"
        elif inspect.isclass(namespace[name]):
            kinds[name] = "class"
        elif callable(namespace[name]):
            kinds[name] = "function"
        else:
            kinds[name] = "value:" + wire.type_name(namespace[name])
    return {"status": "ok", "kinds": kinds}


def op_get(namespace: Mapping[str, Any], request: Mapping[str, Any], _: list[bytes]) -> Any:
    """Return the value of a variable (free-text answers, structured answers)."""
    value, problem = _resolve(namespace, request, must_call=False)
    return problem or {"status": "ok", "value": value}


def op_call(namespace: Mapping[str, Any], request: Mapping[str, Any], buffers: list[bytes]) -> Any:
    """Call a function with arguments placed on a device; optionally backprop a sum of the result."""
    import torch

    function, problem = _resolve(namespace, request, must_call=True)
    if problem:
        return problem
    device = _prepare(str(request.get("device", "cpu")))
    grad = [int(i) for i in request.get("grad", ())]
    args = [_place(a, device, i in grad) for i, a in enumerate(_args(request, buffers))]
    kwargs = {k: _place(v, device, False) for k, v in _kwargs(request, buffers).items()}
    torch.manual_seed(int(request.get("seed", 0)))
    ops = None
    if request.get("count_ops"):
        value, ops = counting.counted_call(function, args, kwargs, namespace)
    else:
        value = function(*args, **kwargs)
    reply: dict[str, Any] = {"status": "ok", "value": value}
    if ops is not None:
        reply["ops"] = ops
    if grad:
        reply.update(_backward(value, [args[i] for i in grad]))
    if request.get("return_inputs"):
        reply["inputs_after"] = [a.detach() if isinstance(a, torch.Tensor) else a for a in args]
    return reply


def op_module(namespace: Mapping[str, Any], request: Mapping[str, Any], buffers: list[bytes]) -> Any:
    """Build the student's module class, set its parameters, run forward and backward."""
    import torch

    cls, problem = _resolve(namespace, request, must_call=True)
    if problem:
        return problem
    device = _prepare(str(request.get("device", "cpu")))
    torch.manual_seed(int(request.get("seed", 0)))
    instance = cls(*_args(request, buffers), **_kwargs(request, buffers))
    if not isinstance(instance, torch.nn.Module):
        return {"status": "ok", "is_module": False, "type": wire.type_name(instance)}
    instance = instance.to(device)
    parameters = dict(instance.named_parameters())
    reply: dict[str, Any] = {
        "status": "ok",
        "is_module": True,
        "parameters": {name: p.detach() for name, p in parameters.items()},
        "attributes": {
            name: wire.type_name(getattr(instance, name, None)) for name in ("weight", "bias")
        },
    }
    params = wire.decode(request.get("params", {"$dict": {}}), buffers)
    for name in params:
        if not hasattr(instance, name):
            return {"status": "no_attribute", "attribute": name, "type": wire.type_name(instance)}
    with torch.no_grad():
        for name, value in params.items():
            target, placed = getattr(instance, name), _place(value, device, False)
            if isinstance(target, torch.Tensor) and target.numel() == placed.numel():
                placed = placed.reshape(target.shape)  # a bias of shape () or (1,) is a choice
            target.copy_(placed)
    forward = wire.decode(request.get("forward", {"$list": []}), buffers)
    if forward:
        output = instance(*[_place(a, device, False) for a in forward])
        reply["output"] = output
        if request.get("backward"):
            backward = _backward(output, list(parameters.values()))
            reply["grads"] = dict(zip(parameters, backward.pop("grads"), strict=True))
            reply.update(backward)
    return reply


def _prepare(device: str) -> str:
    """Exact float32 on CUDA, as in the grader (``grader.checking.devices.exact_float32``): TF32 is a
    precision choice of the machine, not the student's mistake."""
    if device.startswith("cuda"):
        import torch

        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    return device


def op_warm_up(namespace: Mapping[str, Any], request: Mapping[str, Any], _: list[bytes]) -> Any:
    """Pay torch's one-time costs before any timed call: the first op on a meta tensor imports
    torch's Python decompositions (about a second), the first CUDA op creates a context. A
    student's call must not time out for what torch does once."""
    import torch

    for device in request.get("devices", ()):
        if device == "meta":
            _skip_dynamo_import()
            (torch.ones(2, 2, device="meta") * 2).sum()
        elif str(device).startswith("cuda") and torch.cuda.is_available():
            _prepare(str(device))
            x = torch.ones(1, 1, 4, 4, device=device)
            torch.nn.functional.conv2d(x, x[..., :2, :2]).sum().item()
    return {"status": "ok"}


def _skip_dynamo_import() -> None:
    """Spare the kernel torch._dynamo's import (over a second) on the first meta op.

    torch's Python meta kernels are wrapped by ``torch._disable_dynamo``, whose wrapper imports
    torch._dynamo on its first call only to build a "not traced by torch.compile" version of the
    function, cached on it as ``__dynamo_disable``. Caching the function itself there instead makes
    the wrapper call it directly: the same results, without the import. Only torch.compile in the
    student's code could notice (it may trace into these helpers). Best effort: if torch's
    internals differ, nothing is changed and the import simply happens as before.
    """
    import gc
    import sys
    import types

    if "torch._dynamo" in sys.modules:
        return
    try:
        import torch

        wrapper_code = torch._disable_dynamo(lambda: None).__code__  # type: ignore[attr-defined]
    except Exception:  # another torch: keep its behaviour
        return
    for obj in gc.get_objects():
        if type(obj) is not types.FunctionType or obj.__code__ is not wrapper_code:
            continue
        cells = dict(zip(obj.__code__.co_freevars, obj.__closure__ or (), strict=False))
        fn = cells["fn"].cell_contents if "fn" in cells else None
        if fn is not None and getattr(fn, "__dynamo_disable", None) is None:
            with contextlib.suppress(AttributeError, TypeError):
                fn.__dynamo_disable = fn


def _backward(value: Any, leaves: list[Any]) -> dict[str, Any]:
    """Backprop ``value.sum()`` to ``leaves``; a failure is data, not an exception."""
    import torch

    if not isinstance(value, torch.Tensor) or not value.requires_grad:
        return {"grads": [None] * len(leaves), "grad_error": {
            "type": "NotDifferentiable",
            "message": "the result does not require grad, so no gradient flows back",
        }}
    try:
        value.sum().backward()
    except Exception as exc:
        return {"grads": [None] * len(leaves), "grad_error": describe_exception(exc)}
    return {"grads": [leaf.grad for leaf in leaves]}


def _args(request: Mapping[str, Any], buffers: list[bytes]) -> list[Any]:
    return list(wire.decode(request.get("args", {"$list": []}), buffers))


def _kwargs(request: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
    return dict(wire.decode(request.get("kwargs", {"$dict": {}}), buffers))


def _place(value: Any, device: str, requires_grad: bool) -> Any:
    """Materialize decoded tensors on the target device (``meta`` tensors have no data)."""
    import torch

    if isinstance(value, wire.TensorValue):
        dtype = getattr(torch, value.dtype)
        if device == "meta" or value.data is None:
            tensor = torch.empty(value.shape, dtype=dtype, device="meta")
        else:
            tensor = value.data.to(device).clone()
        return tensor.requires_grad_(True) if requires_grad else tensor
    if isinstance(value, list | tuple):
        return type(value)(_place(v, device, False) for v in value)
    if isinstance(value, dict):
        return {k: _place(v, device, False) for k, v in value.items()}
    return value


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """Type, message and the frames outside the probe (the grader maps them to cells)."""
    frames = [
        {"filename": f.filename, "lineno": f.lineno, "name": f.name, "line": f.line or ""}
        for f in traceback.extract_tb(exc.__traceback__)
        if os.path.abspath(f.filename) not in PROBE_FILES
    ]
    return {"type": wire.type_name(exc), "message": str(exc)[:2000], "frames": frames[-20:]}


OPERATIONS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any], list[bytes]], Any]] = {
    "describe": op_describe,
    "get": op_get,
    "call": op_call,
    "module": op_module,
    "warm_up": op_warm_up,
}
