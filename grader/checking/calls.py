"""What a call into the student's kernel brings back, and how a probe reply is read.

A reply is data from untrusted code: it is decoded with the wire format's limits (a reply that
breaks them is the kernel's fault, never ours), and a status other than ``ok`` becomes the student
error that says what happened (missing, raised, too large, interrupted, or a broken probe).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from grader import messages
from grader.errors import (
    CallTimedOut,
    KernelDied,
    MissingName,
    ResultTooLarge,
    StudentCodeError,
    StudentRaised,
)
from grader.probe import wire

#: What a list arrives as: the wire format keeps lists and tuples apart, callers accept either.
SEQUENCE = (list, tuple)


@dataclass(frozen=True)
class CallResult:
    """What came back from one call: the value, and gradients / inputs / op counts if asked."""

    value: Any
    grads: tuple[Any, ...] = ()
    grad_error: Mapping[str, Any] | None = None
    inputs_after: tuple[Any, ...] = ()
    ops: Mapping[str, int] = field(default_factory=dict)
    stdout: str = ""


@dataclass(frozen=True)
class ModuleRun:
    """What came back from building the student's module and running it."""

    is_module: bool
    type_name: str
    parameters: Mapping[str, wire.TensorValue]
    attributes: Mapping[str, str]
    output: Any = None
    grads: Mapping[str, Any] = field(default_factory=dict)
    grad_error: Mapping[str, Any] | None = None


def decode(data: Any, buffers: list[bytes], kind: type | tuple[type, ...] | None = None) -> Any:
    """Decode a reply; a reply that breaks the wire format is the kernel's fault, not ours."""
    try:
        value = wire.decode(data, buffers)
    except (wire.WireError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise KernelDied(messages.PROBE_BROKE.format(name="a call", detail=exc)) from None
    if kind is not None and not isinstance(value, kind):
        raise KernelDied(messages.PROBE_BROKE.format(name="a call", detail="wrong reply shape"))
    return value


def error_for(
    reply: Mapping[str, Any],
    name: str,
    *,
    call_timeout: float,
    missing: Callable[[str], MissingName],
    raised: Callable[[str, Mapping[str, Any]], StudentCodeError],
) -> StudentCodeError:
    """The student error a reply that is not ``ok`` stands for."""
    status = reply.get("status")
    if status == "missing":
        return missing(name)
    if status == "not_callable":
        return MissingName(messages.NOT_CALLABLE.format(name=name, type=reply.get("type")))
    if status == "no_attribute":
        return StudentRaised(messages.NO_ATTRIBUTE.format(
            name=name, attribute=reply.get("attribute"), type=reply.get("type")))
    if status == "too_large":
        return ResultTooLarge(messages.TOO_LARGE.format(name=name, detail=reply.get("message")))
    if status == "interrupted":
        return CallTimedOut(messages.CALL_TIMEOUT.format(name=name, seconds=call_timeout))
    if status == "raised":
        return raised(name, reply.get("exception") or {})
    return KernelDied(messages.PROBE_BROKE.format(name=name, detail=reply.get("message", status)))


def as_wire(value: Any) -> Any:
    """Inputs are grader-made tensors; send CPU copies (the probe places them on the device)."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu") if value.device.type != "meta" else value
    if isinstance(value, list | tuple):
        return type(value)(as_wire(v) for v in value)
    if isinstance(value, dict):
        return {k: as_wire(v) for k, v in value.items()}
    return value
