"""How values cross between the grader and the student's kernel: JSON plus raw tensor bytes.

A tensor travels as a small JSON header (dtype, shape, device, exact type) and its bytes in a
separate binary buffer, the way Jupyter comms carry binary data. Nothing is pickled: decoding builds
tensors with ``torch.frombuffer`` from an allow-listed dtype and a size checked against the header,
so a hostile kernel can send wrong values (which fail checks) but never code. Objects that are not
plain data (ndarrays, tensor subclasses, modules) cross as their type name and a short repr only.

This module runs on both sides of the boundary, so it imports nothing but the standard library and
torch, and torch only when a tensor is actually encoded or decoded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: dtypes that may cross, by name. Anything else is described, not decoded.
DTYPES = (
    "float64", "float32", "float16", "bfloat16",
    "int64", "int32", "int16", "int8", "uint8", "bool",
    "complex64", "complex128",
)
#: Exact tensor types whose data we accept. ``Parameter`` is torch's own data-only subclass.
PLAIN_TENSOR_TYPES = ("torch.Tensor", "torch.nn.parameter.Parameter")
MAX_DIMS = 64
MAX_DEPTH = 8
MAX_ITEMS = 10_000
MAX_STRING = 100_000
MAX_REPR = 300


class WireError(ValueError):
    """A message does not follow the wire format (only a tampered or broken kernel sends one)."""


@dataclass(frozen=True)
class TensorValue:
    """A tensor that came back from the kernel: its data on the CPU plus where it lived there.

    ``data`` is None when the tensor had no data to send (the ``meta`` device) or was not a plain
    tensor (a subclass is reported by ``type_name`` and never decoded).
    """

    data: Any  # torch.Tensor | None; typed loosely to keep this module import-light
    dtype: str
    shape: tuple[int, ...]
    device: str
    type_name: str
    requires_grad: bool = False

    @property
    def is_plain(self) -> bool:
        return self.type_name in PLAIN_TENSOR_TYPES

    @property
    def device_type(self) -> str:
        return self.device.split(":")[0]

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class OpaqueValue:
    """A value that is not plain data (ndarray, module, function...): its type and a short repr."""

    type_name: str
    repr: str


@dataclass(frozen=True)
class ExceptionValue:
    """An exception object returned (not raised) by the student's code.

    ``raised_in`` names the module whose code last raised it (the innermost frame of its
    traceback), None when it was never raised: built, not caught. Read in the kernel, so it is
    evidence a determined student could forge, not proof; it tells a caught error from a copy.
    """

    type_name: str
    message: str
    raised_in: str | None = None


def _raised_in(exc: BaseException) -> str | None:
    """The module of the innermost frame that raised ``exc`` (None if it never was raised)."""
    tb = exc.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    name = tb.tb_frame.f_globals.get("__name__")
    return name if isinstance(name, str) else None


def type_name(obj: object) -> str:
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def tensor_nbytes(tensor: Any) -> int:
    return int(tensor.numel()) * int(tensor.element_size())


def encode(value: Any, buffers: list[bytes], *, max_bytes: int, _depth: int = 0) -> Any:
    """Turn a value into JSON-able data, appending tensor bytes to ``buffers``.

    Raises ``OverflowError`` when the tensors in ``value`` add up to more than ``max_bytes``, so an
    honest kernel refuses to send a several-GB result instead of choking the channel.
    """
    if _depth > MAX_DEPTH:
        return {"$opaque": {"type": type_name(value), "repr": "<nested too deeply>"}}
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, str) and len(value) > MAX_STRING:
            return value[:MAX_STRING]
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return _encode_tensor(value, buffers, max_bytes=max_bytes)
    if isinstance(value, BaseException):
        return {"$exception": {"type": type_name(value), "message": str(value)[:MAX_STRING],
                               "raised_in": _raised_in(value)}}
    if isinstance(value, list | tuple) and len(value) <= MAX_ITEMS:
        key = "$list" if isinstance(value, list) else "$tuple"
        return {key: [encode(v, buffers, max_bytes=max_bytes, _depth=_depth + 1) for v in value]}
    if isinstance(value, dict) and len(value) <= MAX_ITEMS and all(isinstance(k, str) for k in value):
        return {
            "$dict": {
                k: encode(v, buffers, max_bytes=max_bytes, _depth=_depth + 1)
                for k, v in value.items()
            }
        }
    return {"$opaque": {"type": type_name(value), "repr": _short_repr(value)}}


def _encode_tensor(tensor: Any, buffers: list[bytes], *, max_bytes: int) -> dict[str, Any]:
    import torch

    dtype = str(tensor.dtype).removeprefix("torch.")
    header: dict[str, Any] = {
        "dtype": dtype,
        "shape": list(tensor.shape),
        "device": str(tensor.device),
        "type": type_name(tensor),
        "requires_grad": bool(tensor.requires_grad),
        "buffer": None,
    }
    if header["type"] not in PLAIN_TENSOR_TYPES or dtype not in DTYPES or tensor.is_meta:
        return {"$tensor": header}
    used = sum(len(b) for b in buffers)
    nbytes = tensor_nbytes(tensor)
    if used + nbytes > max_bytes:
        raise OverflowError(f"result is {_size(used + nbytes)}, over the {_size(max_bytes)} cap")
    # A fresh copy in standard layout: .contiguous() keeps odd strides on one-element views, and
    # conjugate/negative views must be resolved before their bytes mean what they show.
    flat = tensor.detach().to("cpu").resolve_conj().resolve_neg().reshape(-1)
    flat = flat.clone(memory_format=torch.contiguous_format)
    raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
    header["buffer"] = len(buffers)
    buffers.append(raw)
    return {"$tensor": header}


def decode(data: Any, buffers: list[bytes], *, _depth: int = 0) -> Any:
    """Inverse of ``encode``; builds tensors from raw bytes and never executes anything."""
    if _depth > MAX_DEPTH + 1:
        raise WireError("value nested too deeply")
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError(f"unexpected value on the wire: {type(data).__name__}")
    ((tag, body),) = data.items()
    if tag == "$tensor":
        return _decode_tensor(body, buffers)
    if tag in ("$list", "$tuple") and isinstance(body, list):
        items = [decode(v, buffers, _depth=_depth + 1) for v in body]
        return items if tag == "$list" else tuple(items)
    if tag == "$dict" and isinstance(body, dict):
        return {str(k): decode(v, buffers, _depth=_depth + 1) for k, v in body.items()}
    if tag == "$float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "$exception" and isinstance(body, dict):
        origin = body.get("raised_in")
        return ExceptionValue(str(body.get("type", "")), str(body.get("message", "")),
                              origin[:MAX_REPR] if isinstance(origin, str) else None)
    if tag == "$opaque" and isinstance(body, dict):
        return OpaqueValue(str(body.get("type", "")), str(body.get("repr", ""))[:MAX_REPR])
    raise WireError(f"unknown tag {tag!r} on the wire")


def _decode_tensor(header: Any, buffers: list[bytes]) -> TensorValue:
    import torch

    try:
        dtype_name = str(header["dtype"])
        shape = tuple(int(s) for s in header["shape"])
        device = str(header["device"])
        kind = str(header["type"])
        requires_grad = bool(header.get("requires_grad", False))
        index = header.get("buffer")
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"malformed tensor header: {exc}") from None
    if len(shape) > MAX_DIMS or any(not 0 <= s < 2**62 for s in shape):
        raise WireError("tensor header has an impossible shape")
    data = None
    if index is not None:
        if dtype_name not in DTYPES or not isinstance(index, int) or not 0 <= index < len(buffers):
            raise WireError("tensor header names an unknown dtype or buffer")
        dtype = getattr(torch, dtype_name)
        raw = buffers[index]
        expected = math.prod(shape) * torch.empty((), dtype=dtype).element_size()
        if len(raw) != expected:
            raise WireError(f"tensor buffer has {len(raw)} bytes, header says {expected}")
        if expected == 0:
            data = torch.empty(shape, dtype=dtype)
        else:
            data = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype).reshape(shape)
    return TensorValue(data, dtype_name, shape, device, kind, requires_grad)


def _short_repr(value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # a student's __repr__ may raise; the type name is enough then
        return f"<{type_name(value)}>"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def _size(nbytes: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if nbytes < 1024 or unit == "GiB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024  # type: ignore[assignment]
    return f"{nbytes} B"
