"""The pack author's surface: everything an exercise pack may import from the grader, and nothing else.

A pack (``exercises/<name>/``) declares its questions with ``Check``/``Exercise``/``Pack``, writes
each check as ``def check(ctx: CheckContext) -> None`` that raises ``CheckFailed`` with a message
and a hint, and compares with the ``assert_*`` helpers. Values that come back from the student's
kernel are data (``TensorValue``, ``ExceptionValue``, ``OpaqueValue``), never live objects.

``__all__`` is pinned by a test and the import contracts forbid packs any other grader module, so
the grader's internals can move without breaking a pack, and a pack cannot reach past the boundary.
"""

from __future__ import annotations

from grader.catalog.model import ANY_DEVICE, TENSOR_DEVICES, Check, Device, Exercise, FreeText, Pack
from grader.checking.answers import describe_kind
from grader.checking.calls import CallResult, ModuleRun
from grader.checking.compare import assert_close, assert_device, assert_dtype, assert_shape, tolerance
from grader.checking.context import CheckContext
from grader.checking.tensors import describe
from grader.errors import (
    CheckFailed,
    GraderError,
    MissingName,
    NotImplementedYet,
    StudentCodeError,
    StudentRaised,
    WrongReturn,
)
from grader.messages import WRONG_RETURN
from grader.probe.wire import ExceptionValue, OpaqueValue, TensorValue

__all__ = [
    "ANY_DEVICE",
    "TENSOR_DEVICES",
    "WRONG_RETURN",
    "CallResult",
    "Check",
    "CheckContext",
    "CheckFailed",
    "Device",
    "ExceptionValue",
    "Exercise",
    "FreeText",
    "GraderError",
    "MissingName",
    "ModuleRun",
    "NotImplementedYet",
    "OpaqueValue",
    "Pack",
    "StudentCodeError",
    "StudentRaised",
    "TensorValue",
    "WrongReturn",
    "assert_close",
    "assert_device",
    "assert_dtype",
    "assert_shape",
    "describe",
    "describe_kind",
    "tolerance",
]
