"""What autograd_error() returned, named by computation: the errors learners meet around the
book's Conv2D, computed live with the installed PyTorch, and where a returned exception was raised.

A wrong exception's hint says only what this module establishes: that it was never raised (no
traceback), raised in PyTorch's own code, in the student's (their cells run as ``__main__``) or
elsewhere, or that it is one of the errors computed here (a 4-D input into the 2-D corr2d, a leaf
updated in place, nn.Conv2d's or F.conv2d's own dimension and channel errors for an image of the
wrong shape, whatever its sizes, and on CUDA a CPU output for a CUDA input).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from exercises.conv_layer import hints_autograd as hints
from exercises.conv_layer.checks._common import book_image
from exercises.conv_layer.truth import BookConv2D
from grader.pack import ExceptionValue

__all__ = ["book_layer", "hint_for_error", "hint_for_non_exception", "raised", "raised_by_torch",
           "where", "working_backward"]

#: The module the student's code runs in, in a kernel, the self-check and in-process alike.
STUDENT_MODULE = "__main__"


def book_layer() -> torch.nn.Module:
    """The book's printed Conv2D((1, 2)) in float64, with the book's kernel."""
    layer = BookConv2D((1, 2)).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, -1.0]]))
    return layer


def working_backward() -> Any:
    """weight.grad after a scalar loss through the book's Conv2D: what does work."""
    layer = book_layer()
    layer(book_image().double()).sum().backward()
    return layer.weight.grad


def raised(operation: Any) -> tuple[str, str]:
    """The (type, message) an operation raises here, as the probe would describe it."""
    try:
        operation()
    except Exception as exc:  # the point is to catch whatever torch raises
        cls = type(exc)
        name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        return name, str(exc)
    raise AssertionError("the operation was expected to raise")


def raised_by_torch(value: ExceptionValue) -> bool:
    """Whether PyTorch's own code raised the exception (the innermost frame of its traceback), not
    the student's: a copy built with the right message was never raised, or was raised by them."""
    origin = value.raised_in or ""
    return origin == "torch" or origin.startswith("torch.")


@dataclass(frozen=True)
class _Case:
    """An error met around the layer, computed here: its type and message, and what causes it."""

    type_name: str
    message: str
    case: str
    #: Whether the sizes in the message may differ (an image of any wrong shape): the rest of the
    #: message names the case; a broadcast error's wording alone does not, so it must match exactly.
    any_sizes: bool = False

    def matches(self, value: ExceptionValue) -> bool:
        if value.type_name != self.type_name:
            return False
        if self.any_sizes:
            return _without_sizes(value.message) == _without_sizes(self.message)
        return value.message == self.message


def _without_sizes(message: str) -> str:
    """The message with its shapes and numbers taken out (torch.Size([6, 8]), [6, 8], 3D)."""
    return re.sub(r"\d+", "#", re.sub(r"torch\.Size\(\[[\d, ]*\]\)|\[[\d, ]*\]", "[...]", message))


def _other_errors() -> list[_Case]:
    """The errors met around the layer, computed live with the installed PyTorch."""
    image = book_image().double()

    def four_d() -> None:
        X = image.reshape(1, 1, 6, 8)
        Y = torch.zeros(1, 1, 6, 7, dtype=torch.float64)
        ((book_layer()(X) - Y) ** 2).sum().backward()

    def leaf_in_place() -> None:
        layer = book_layer()
        assert isinstance(layer.weight, torch.Tensor)  # a Parameter; typed Tensor | Module on Module
        layer.weight -= 0.1 * torch.ones_like(layer.weight)

    conv = nn.Conv2d(1, 1, (1, 2), bias=False, dtype=torch.float64)
    cases = [
        _Case(*raised(four_d), hints.CASE_4D),
        _Case(*raised(leaf_in_place), hints.CASE_LEAF),
        _Case(*raised(lambda: conv(image)), hints.CASE_CONV2D_DIMENSIONS, any_sizes=True),
        _Case(*raised(lambda: _lazy_conv()(image)), hints.CASE_CONV2D_DIMENSIONS, any_sizes=True),
        _Case(*raised(lambda: conv(image.reshape(6, 1, 8))), hints.CASE_CONV2D_CHANNELS,
              any_sizes=True),
    ]
    if torch.cuda.is_available():
        def cpu_output() -> None:
            X = image.cuda()
            Y = torch.zeros(6, 7, dtype=torch.float64)  # allocated without device=
            Y[0, 0] = (X[0:1, 0:2] * torch.ones(1, 2, dtype=torch.float64, device="cuda")).sum()
            (Y + X[:, :7]).sum().backward()

        cases.append(_Case(*raised(cpu_output), hints.CASE_DEVICE))
    return cases


def _lazy_conv() -> nn.Module:
    """The current edition's layer; older torch releases warn that lazy modules are new."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nn.LazyConv2d(1, (1, 2), dtype=torch.float64)


def hint_for_error(value: ExceptionValue) -> str:
    """Name what the returned (wrong) exception is, from what the check can establish."""
    words = value.message.lower()
    if ("inplace" in words or "in-place" in words) and "not supported" in words:
        return hints.HINT_MXNET
    if value.raised_in is None:
        return hints.HINT_BUILT_OTHER
    case = next((c.case for c in _other_errors() if c.matches(value)), None)
    if case is not None:
        return hints.HINT_NOT_AUTOGRAD.format(case=case)
    if value.type_name == "AttributeError":
        return hints.HINT_ATTRIBUTE
    if raised_by_torch(value):
        return hints.HINT_OTHER_TORCH_ERROR
    return hints.HINT_OTHER_ERROR.format(where=where(value))


def where(value: ExceptionValue) -> str:
    """Where a raised exception came from: the student's cells run as __main__."""
    if value.raised_in == STUDENT_MODULE:
        return hints.WHERE_YOURS
    return hints.WHERE_MODULE.format(module=value.raised_in)


def hint_for_non_exception(value: Any) -> str:
    """What returning this instead of the exception object suggests."""
    if value is None:
        return hints.HINT_RETURNED_NONE
    if isinstance(value, str):
        return hints.HINT_RETURNED_TEXT
    return hints.HINT_RETURN_OBJECT
