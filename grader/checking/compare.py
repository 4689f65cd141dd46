"""Comparing a student's tensor with the truth, in words a student can act on.

Correctness, dtype and device are separate checks, so ``assert_close`` compares values only (in
float64, with the tolerance of the less precise of the two dtypes); ``assert_dtype`` and
``assert_device`` judge the rest. Messages follow torch.testing's ("Mismatched elements: 3 / 42
(7.1%)") and go further: which input, the first differing element, expected vs got. What they
raise carries typed payloads (``grader.results.payloads``): tensor and property descriptions, and
the ``Mismatch`` of a comparison.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from grader.checking import tensors
from grader.errors import CheckFailed
from grader.probe.wire import TensorValue
from grader.results.payloads import Described, Mismatch, Number

# torch.testing's defaults, loosened for float32: a loop of sums and F.conv2d add the same
# products in a different order, which differs by a few ulps of the partial sums.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float16": (1e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
    "float32": (1e-5, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1e-5, 1e-5),
    "complex128": (1e-7, 1e-7),
}
EXACT = (0.0, 0.0)

SHAPE_MISMATCH = "{what} has shape {actual}; expected {expected}"
VALUE_MISMATCH = (
    "{what} is wrong: {count} of {total} elements differ ({share:.1%}); first at {index}:"
    " expected {expected_value:.6g}, got {actual_value:.6g}; greatest difference {max_diff:.3g}"
    " at {max_index}"
)
NOT_FINITE = "{what} contains NaN or infinity where the expected values are finite"
DTYPE_MISMATCH = "{what} has dtype {actual}; expected {expected} (the input's dtype)"
DEVICE_MISMATCH = "{what} is on {actual}; expected it on {expected}, the input's device"
NO_DATA = "{what} could not be read back"


def tolerance(*dtypes: str) -> tuple[float, float]:
    """The (rtol, atol) of the least precise dtype; integers and bools compare exactly."""
    found = [TOLERANCES[d] for d in dtypes if d in TOLERANCES]
    return max(found) if found else EXACT


def assert_close(
    actual: TensorValue,
    expected: Any,
    *,
    what: str,
    input: Mapping[str, Any],
    hint: str | None = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> None:
    """Raise ``CheckFailed`` unless ``actual`` has ``expected``'s shape and values."""
    import torch

    details: dict[str, Any] = {"input": _inputs(input), "expected": tensors.describe(expected),
               "actual": tensors.describe(actual)}
    assert_shape(actual, tuple(expected.shape), what=what, input=input, hint=hint)
    if actual.data is None:
        raise CheckFailed(NO_DATA.format(what=what), hint=hint, **details)
    default_rtol, default_atol = tolerance(actual.dtype, str(expected.dtype).removeprefix("torch."))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    got = actual.data.to(torch.complex128 if actual.data.is_complex() else torch.float64)
    want = expected.detach().to("cpu").to(got.dtype)
    close = torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if bool(close.all()):
        return
    bad = (~close).nonzero()
    # Only where the values disagree: NaNs or infinities that match must not dominate.
    diff = torch.where(close, 0.0, (got - want).abs().nan_to_num(nan=float("inf"), posinf=float("inf")))
    max_index = tuple(int(i) for i in torch.unravel_index(diff.argmax(), diff.shape)) \
        if diff.dim() else ()
    first = tuple(int(i) for i in bad[0]) if bad.numel() else ()
    mismatch: Mismatch = {
        "count": int(bad.shape[0]),
        "total": int(close.numel()),
        "share": int(bad.shape[0]) / max(1, close.numel()),
        "max_abs_diff": _finite(float(diff.max())),
        "max_index": list(max_index),
        "first_index": list(first),
        "rtol": rtol,
        "atol": atol,
        "mask": (~close).to(torch.int8).tolist() if close.numel() <= tensors.FULL_LIMIT else None,
    }
    if not bool(torch.isfinite(got).all()) and bool(torch.isfinite(want).all()):
        raise CheckFailed(NOT_FINITE.format(what=what), hint=hint, mismatch=mismatch, **details)
    raise CheckFailed(
        VALUE_MISMATCH.format(
            what=what, count=mismatch["count"], total=mismatch["total"], share=mismatch["share"],
            index=_index(first), expected_value=_scalar(want, first),
            actual_value=_scalar(got, first), max_diff=float(diff.max()),
            max_index=_index(max_index),
        ),
        hint=hint, mismatch=mismatch, **details,
    )


def assert_shape(
    actual: TensorValue, shape: tuple[int, ...], *, what: str, input: Mapping[str, Any],
    hint: str | None = None,
) -> None:
    if tuple(actual.shape) != tuple(shape):
        raise CheckFailed(
            SHAPE_MISMATCH.format(what=what, actual=_shape(actual.shape), expected=_shape(shape)),
            hint=hint, input=_inputs(input), actual=tensors.describe(actual),
            expected=tensors.properties(shape=list(shape)),
        )


def assert_dtype(
    actual: TensorValue, dtype: str, *, what: str, input: Mapping[str, Any], hint: str | None = None
) -> None:
    if actual.dtype != dtype:
        raise CheckFailed(
            DTYPE_MISMATCH.format(what=what, actual=actual.dtype, expected=dtype),
            hint=hint, input=_inputs(input), actual=tensors.properties(dtype=actual.dtype),
            expected=tensors.properties(dtype=dtype),
        )


def assert_device(
    actual: TensorValue, device_type: str, *, what: str, input: Mapping[str, Any],
    hint: str | None = None,
) -> None:
    if actual.device_type != device_type:
        raise CheckFailed(
            DEVICE_MISMATCH.format(what=what, actual=actual.device, expected=device_type),
            hint=hint, input=_inputs(input), actual=tensors.properties(device=actual.device),
            expected=tensors.properties(device=device_type),
        )


def _inputs(input: Mapping[str, Any]) -> dict[str, Described]:
    return {name: tensors.describe(value) for name, value in input.items()}


def _shape(shape: tuple[int, ...] | list[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _index(index: tuple[int, ...]) -> str:
    return "index " + _shape(index) if index else "the only element"


def _scalar(tensor: Any, index: tuple[int, ...]) -> float:
    value = tensor[index] if index else tensor
    return float(value.real if value.is_complex() else value)


def _finite(value: float) -> Number:
    """JSON has no infinity. The greatest difference is never negative, nor NaN (which counts as
    infinitely far from a number)."""
    return value if math.isfinite(value) else "inf"
