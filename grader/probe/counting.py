"""Counting the torch operations a call dispatches, with a witness that they were all seen.

A ``TorchFunctionMode`` counts every torch function the student's call dispatches, by name. It runs
inside the student's kernel, where it can be switched off (``torch._C.DisableTorchFunction()``, the
mode popped off torch's stack) or sidestepped (the work done in numpy or Python lists and converted
back): counts alone would then show a loop as vectorized. So the same mode also witnesses where
every tensor came from. It remembers the tensors it saw: the call's arguments, the student's
existing tensors, and whatever a counted operation returned, with a copy of the bytes of their
storages as they were then. Each tensor a counted operation uses, and each tensor the call returns,
must be one of those, unchanged, or the witness records a finding:

- ``!unseen``: a tensor no counted operation made, with a storage it never saw (made with torch
  functions switched off, or outside torch: ``torch.from_numpy``);
- ``!changed``: a tensor whose bytes changed since the counter last saw them (written to out of
  its sight: under ``DisableTorchFunction``, through ``.numpy()`` or ``.data``);
- ``!views``: a view of a known storage made out of its sight (harmless once; a number that grows
  with the image is a hidden loop);
- ``!entered``: floating-point numbers the counted operations took in from numpy arrays or Python
  lists (``torch.tensor(values)``): values computed outside torch, where nothing can be counted;
- ``!switched_off``: the mode was not on top of torch's mode stack, or torch functions were not
  enabled, when the call returned.

Beside the findings, a size: ``!largest``, the most elements any one tensor had that a counted
operation used or returned, so the grader can tell a lowering that builds operands far larger than
it needs (a dense kernel matrix behind a product of patches) without timing anything.

Findings travel in the same mapping as the counts, under names no torch function has, and only when
non-zero; the grader judges them (``exercises/conv_layer/checks/matmul_ops.py``). The copies cost
time and memory in proportion to the storages each counted operation touches: counted calls are
for small inputs. What no code in the kernel can stop is code that rewrites the probe itself (this
module, or the comm handler, which can forge any reply, values included): that is for a sandbox.
Runs inside the kernel: the standard library and torch only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

UNSEEN, CHANGED, VIEWS, ENTERED, SWITCHED_OFF = (
    "!unseen", "!changed", "!views", "!entered", "!switched_off")
LARGEST = "!largest"
#: A known tensor larger than this is not copied, so a call that uses it finds it unseen.
MAX_KNOWN_BYTES = 2**24
_DEPTH = 6
_MAX_ITEMS = 1000


def counted_call(
    function: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], known: Mapping[str, Any]
) -> tuple[Any, dict[str, int]]:
    """Call ``function(*args, **kwargs)`` under the witnessing counter; return the value and the
    counts with the findings. ``known`` is the student's namespace: its tensors may be used."""
    import torch

    counter = op_counter()
    counter.know(args, kwargs, *_namespace_tensors(known, function))
    depth, state = torch._C._len_torch_function_stack(), torch._C._get_torch_function_state()  # type: ignore[attr-defined]
    counter.__enter__()
    try:
        value = function(*args, **kwargs)
    finally:
        on_top = torch._C._len_torch_function_stack() == depth + 1 and \
            torch._C._get_function_stack_at(depth) is counter and \
            torch._C._get_torch_function_state() == state  # type: ignore[attr-defined]
        while torch._C._len_torch_function_stack() > depth:
            torch._C._pop_torch_function_stack()
        torch._C._set_torch_function_state(state)  # type: ignore[attr-defined]
    counter.returned(value, switched_off=not on_top)
    return value, counter.report()


def op_counter() -> Any:
    """A fresh counting mode (``with counter: ...``, then ``counter.counts``)."""
    from torch.overrides import TorchFunctionMode

    class OpCounter(TorchFunctionMode):
        def __init__(self) -> None:
            super().__init__()
            self.counts: dict[str, int] = {}
            self.findings = dict.fromkeys((UNSEEN, CHANGED, VIEWS, ENTERED, SWITCHED_OFF, LARGEST), 0)
            self._seen: dict[int, Any] = {}  # id -> tensor, held so that no id is reused
            self._bytes: dict[int, Any] = {}  # storage -> a copy of its bytes (None: not copyable)

        def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            kwargs = kwargs or {}
            name = _name(func)
            self.counts[name] = self.counts.get(name, 0) + 1
            used = [t for t in _leaves((args, kwargs)) if _is_tensor(t)]
            self.findings[ENTERED] += _entered(args, kwargs)
            for tensor in used:
                self._vouch(tensor)
            result = func(*args, **kwargs)
            touched = [*used, *(t for t in _leaves(result) if _is_tensor(t))]
            for tensor in touched:
                self._remember(tensor)  # again: an in-place operation changed it in plain sight
            with contextlib.suppress(Exception):  # a tensor without a size leaves the figure as is
                self.findings[LARGEST] = max(self.findings[LARGEST], *(int(t.numel()) for t in touched))
            return result

        def know(self, *values: Any) -> None:
            """Tensors the call may use as they are: its arguments, the student's own."""
            for tensor in (t for t in _leaves(values) if _is_tensor(t)):
                with contextlib.suppress(Exception):  # one the witness cannot copy stays unknown
                    if tensor.numel() * tensor.element_size() <= MAX_KNOWN_BYTES:
                        self._remember(tensor)

        def returned(self, value: Any, *, switched_off: bool) -> None:
            for tensor in (t for t in _leaves(value) if _is_tensor(t)):
                self._vouch(tensor)
            self.findings[SWITCHED_OFF] = int(switched_off)

        def report(self) -> dict[str, int]:
            return {**self.counts, **{k: v for k, v in self.findings.items() if v}}

        def _vouch(self, tensor: Any) -> None:
            """Record a finding unless the tensor is one the counter saw, as it saw it."""
            key = _storage_key(tensor)
            if self._seen.get(id(tensor)) is tensor:
                if not self._intact(tensor, key):
                    self.findings[CHANGED] += 1
                    self._remember(tensor)
                return
            if key is not None and key in self._bytes:
                self.findings[VIEWS if self._intact(tensor, key) else CHANGED] += 1
            else:
                self.findings[UNSEEN] += 1
            self._remember(tensor)

        def _remember(self, tensor: Any) -> None:
            self._seen[id(tensor)] = tensor
            key = _storage_key(tensor)
            if key is not None:
                self._bytes[key] = _storage_bytes(tensor)

        def _intact(self, tensor: Any, key: int | None) -> bool:
            if key is None or key not in self._bytes:
                return key is None  # no storage to compare (sparse): only its identity counts
            return _same_bytes(self._bytes[key], _storage_bytes(tensor))

    return OpCounter()


def _name(func: Any) -> str:
    """The name a count goes under: ``A @ v`` and ``torch.matmul`` are both ``matmul``, a property
    read is the property, and ``torch.ops.aten.mm.default`` is ``mm`` like ``torch.mm``."""
    name = str(getattr(func, "__name__", func))
    if name == "__get__":
        name = getattr(getattr(func, "__self__", None), "__name__", name)
    if type(func).__module__ == "torch._ops":
        name = name.split(".")[0]
    return name


def _is_tensor(value: Any) -> bool:
    import torch

    return isinstance(value, torch.Tensor)


def _leaves(value: Any, depth: int = 0) -> Iterator[Any]:
    """The values inside lists, tuples and dicts (not too deep), and the value itself otherwise."""
    if isinstance(value, list | tuple) and depth < _DEPTH:
        for item in value:
            yield from _leaves(item, depth + 1)
    elif isinstance(value, dict) and depth < _DEPTH:
        for item in value.values():
            yield from _leaves(item, depth + 1)
    else:
        yield value


def _entered(args: Any, kwargs: Any) -> int:
    """Floating-point numbers in numpy arrays, and in lists or tuples, among an operation's
    arguments (one number on its own, ``x * 2.0``, is not data)."""
    found = 0
    for arg in [*args, *kwargs.values()]:
        if isinstance(arg, list | tuple):
            found += sum(_floats(value) for value in _leaves(arg))
        elif type(arg).__module__ == "numpy" and getattr(arg, "ndim", 0) > 0:
            found += _floats(arg)
    return found


def _floats(value: Any) -> int:
    """How many floating-point numbers a value holds as data: a float, or a numpy array's size."""
    if type(value).__module__ == "numpy" and hasattr(value, "dtype"):
        return int(getattr(value, "size", 1)) if value.dtype.kind in "fc" else 0
    return int(isinstance(value, float | complex))


def _storage_key(tensor: Any) -> int | None:
    try:
        return int(tensor.untyped_storage()._cdata)
    except (RuntimeError, NotImplementedError, TypeError):  # sparse and other storage-less layouts
        return None


def _storage_bytes(tensor: Any) -> Any:
    """A copy of the bytes of the tensor's whole storage: ``bytes`` on the CPU (copied and compared
    at memory speed), a tensor elsewhere, None on ``meta`` (which has no data)."""
    import ctypes

    import torch

    storage = tensor.untyped_storage()
    if storage.device.type == "cpu":
        size = storage.nbytes()
        return ctypes.string_at(storage.data_ptr(), size) if size else b""
    if storage.device.type == "meta":
        return None
    return torch.empty(0, dtype=torch.uint8, device=storage.device).set_(storage).clone()


def _same_bytes(kept: Any, now: Any) -> bool:
    if kept is None or now is None or isinstance(kept, bytes) or isinstance(now, bytes):
        return bool(kept == now)
    import torch

    return kept.shape == now.shape and bool(torch.equal(kept, now))


def _namespace_tensors(namespace: Mapping[str, Any], function: Any) -> Iterator[Any]:
    """The student's own tensors: in the namespace (and in its lists, tuples and dicts, the first
    items of each), and in the called function's defaults and closure."""
    cells = getattr(function, "__closure__", None) or ()
    owned = [*namespace.values(), getattr(function, "__defaults__", None) or (),
             getattr(function, "__kwdefaults__", None) or {},
             *(cell.cell_contents for cell in cells if _filled(cell))]
    for value in owned:
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list | tuple):
            yield from (v for v in value[:_MAX_ITEMS] if _is_tensor(v))
        elif _is_tensor(value):
            yield value


def _filled(cell: Any) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:  # a closure's variable not assigned yet
        return False
    return True
