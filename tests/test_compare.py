"""Comparing a student's tensor with the truth: verdicts, mismatch details and wording."""

from __future__ import annotations

import math

import pytest
import torch

from grader.checking import tensors
from grader.checking.compare import (
    DEVICE_MISMATCH,
    DTYPE_MISMATCH,
    EXACT,
    NO_DATA,
    NOT_FINITE,
    SHAPE_MISMATCH,
    TOLERANCES,
    VALUE_MISMATCH,
    assert_close,
    assert_device,
    assert_dtype,
    tolerance,
)
from grader.errors import CheckFailed
from grader.probe.wire import TensorValue

WHAT = "corr2d(X, K)"


def value(tensor: torch.Tensor, *, device: str = "cpu", type_name: str = "torch.Tensor") -> TensorValue:
    """What the wire would give back for ``tensor``."""
    return TensorValue(tensor, str(tensor.dtype).removeprefix("torch."), tuple(tensor.shape), device,
                       type_name)


def failure(actual: TensorValue, expected: torch.Tensor, **options: object) -> CheckFailed:
    inputs = options.pop("input", {"X": torch.ones(2)})
    with pytest.raises(CheckFailed) as info:
        assert_close(actual, expected, what=WHAT, input=inputs, **options)  # type: ignore[arg-type]
    assert "\n" not in info.value.message
    return info.value


# -- values ----------------------------------------------------------------------------------------


def test_when_values_are_equal_then_assert_close_passes() -> None:
    expected = torch.arange(12.0).reshape(3, 4)
    assert_close(value(expected.clone()), expected, what=WHAT, input={})


def test_when_values_differ_within_float32_tolerance_then_assert_close_passes() -> None:
    expected = torch.linspace(-3, 3, 50)
    assert_close(value(expected * (1 + 2e-6)), expected, what=WHAT, input={})


def test_when_tensors_are_empty_then_assert_close_passes() -> None:
    assert_close(value(torch.empty(0, 3)), torch.empty(0, 3), what=WHAT, input={})


def test_when_some_values_differ_then_mismatch_has_counts_share_and_indices() -> None:
    expected = torch.arange(12.0).reshape(3, 4)
    actual = expected.clone()
    actual[1, 2] += 0.5
    actual[2, 3] -= 2.0
    failed = failure(value(actual), expected, hint="flip the kernel")
    mismatch = failed.mismatch
    assert mismatch is not None
    assert (mismatch["count"], mismatch["total"]) == (2, 12)
    assert mismatch["share"] == pytest.approx(2 / 12)
    assert mismatch["first_index"] == [1, 2]
    assert mismatch["max_index"] == [2, 3]
    assert mismatch["max_abs_diff"] == pytest.approx(2.0)
    assert failed.message == VALUE_MISMATCH.format(
        what=WHAT, count=2, total=12, share=2 / 12, index="index (1, 2)", expected_value=6.0,
        actual_value=6.5, max_diff=2.0, max_index="index (2, 3)",
    )
    assert failed.hint == "flip the kernel"


def test_when_values_differ_then_the_failure_carries_input_expected_and_actual() -> None:
    expected = torch.zeros(2, 2)
    failed = failure(value(torch.ones(2, 2)), expected, input={"X": torch.eye(2), "stride": 1})
    assert failed.input == {"X": tensors.describe(torch.eye(2)), "stride": 1}
    assert failed.expected == {"kind": "tensor", "dtype": "float32", "shape": [2, 2], "device": "cpu",
                               "values": [[0.0, 0.0], [0.0, 0.0]]}
    assert failed.actual == {"kind": "tensor", "dtype": "float32", "shape": [2, 2], "device": "cpu",
                             "type": "torch.Tensor", "values": [[1.0, 1.0], [1.0, 1.0]]}


def test_when_a_0d_value_differs_then_the_message_names_the_only_element() -> None:
    failed = failure(value(torch.tensor(1.0)), torch.tensor(2.0))
    assert failed.mismatch is not None
    assert failed.mismatch["first_index"] == []
    assert "the only element" in failed.message


def test_when_tensor_is_small_then_mismatch_has_a_mask_of_the_differences() -> None:
    expected = torch.zeros(2, 3)
    actual = expected.clone()
    actual[0, 1] = 1.0
    failed = failure(value(actual), expected)
    assert failed.mismatch is not None
    assert failed.mismatch["mask"] == [[0, 1, 0], [0, 0, 0]]


def test_when_tensor_is_large_then_mismatch_has_no_mask() -> None:
    side = math.isqrt(tensors.FULL_LIMIT) + 1
    failed = failure(value(torch.ones(side, side)), torch.zeros(side, side))
    assert failed.mismatch is not None
    assert failed.mismatch["mask"] is None
    assert failed.mismatch["count"] == side * side


def test_when_explicit_tolerances_are_given_then_they_replace_the_defaults() -> None:
    expected = torch.zeros(3)
    assert_close(value(torch.full((3,), 0.09)), expected, what=WHAT, input={}, atol=0.1, rtol=0.0)
    failed = failure(value(torch.full((3,), 0.09)), expected, atol=0.01, rtol=0.0)
    assert failed.mismatch is not None
    assert (failed.mismatch["rtol"], failed.mismatch["atol"]) == (0.0, 0.01)


# -- shape, dtype and device are separate verdicts -------------------------------------------------


def test_when_shapes_differ_then_shape_mismatch_is_reported_before_values() -> None:
    failed = failure(value(torch.zeros(2, 3)), torch.ones(3, 2))
    assert failed.message == SHAPE_MISMATCH.format(what=WHAT, actual="(2, 3)", expected="(3, 2)")
    assert failed.mismatch is None
    assert failed.expected == {"kind": "property", "shape": [3, 2]}
    assert failed.actual == tensors.describe(value(torch.zeros(2, 3)))


def test_when_shapes_differ_and_actual_has_no_data_then_shape_still_comes_first() -> None:
    actual = TensorValue(None, "float32", (4,), "meta", "torch.Tensor")
    failed = failure(actual, torch.ones(3))
    assert failed.message == SHAPE_MISMATCH.format(what=WHAT, actual="(4,)", expected="(3,)")


def test_when_actual_has_no_data_then_no_data_is_reported() -> None:
    actual = TensorValue(None, "float32", (3,), "meta", "torch.Tensor")
    assert failure(actual, torch.ones(3)).message == NO_DATA.format(what=WHAT)


def test_when_actual_is_float64_and_expected_float32_then_values_use_float32_tolerance() -> None:
    expected = torch.linspace(1, 2, 10)
    close_for_float32 = expected.double() * (1 + 2e-6)
    assert_close(value(close_for_float32), expected, what=WHAT, input={})
    failure(value(close_for_float32), expected.double())  # float64 on both sides is stricter


def test_when_actual_has_nan_and_expected_is_finite_then_not_finite_is_reported() -> None:
    actual = torch.tensor([1.0, math.nan, math.inf])
    failed = failure(value(actual), torch.tensor([1.0, 2.0, 3.0]))
    assert failed.message == NOT_FINITE.format(what=WHAT)
    assert failed.mismatch is not None
    assert failed.mismatch["count"] == 2
    assert failed.mismatch["max_abs_diff"] == "inf"


def test_when_nan_is_expected_and_returned_at_the_same_place_then_values_pass() -> None:
    both = torch.tensor([math.nan, 1.0])
    assert_close(value(both.clone()), both, what=WHAT, input={})


def test_when_matching_nan_sits_beside_a_real_mismatch_then_greatest_difference_is_the_mismatch() -> None:
    failed = failure(value(torch.tensor([math.nan, 1.0])), torch.tensor([math.nan, 2.0]))
    assert failed.mismatch is not None
    assert failed.mismatch["max_index"] == [1]
    assert failed.mismatch["max_abs_diff"] == pytest.approx(1.0)


def test_when_integers_differ_by_one_then_they_do_not_compare_close() -> None:
    expected = torch.tensor([1, 2, 2**40], dtype=torch.int64)
    assert_close(value(expected.clone()), expected, what=WHAT, input={})
    failed = failure(value(torch.tensor([1, 2, 2**40 + 1])), expected)
    assert failed.mismatch is not None
    assert failed.mismatch["count"] == 1
    assert (failed.mismatch["rtol"], failed.mismatch["atol"]) == EXACT


def test_when_dtype_differs_then_assert_dtype_names_both() -> None:
    with pytest.raises(CheckFailed) as info:
        assert_dtype(value(torch.zeros(2, dtype=torch.float64)), "float32", what=WHAT, input={})
    assert info.value.message == DTYPE_MISMATCH.format(what=WHAT, actual="float64", expected="float32")
    assert (info.value.expected, info.value.actual) == (
        {"kind": "property", "dtype": "float32"}, {"kind": "property", "dtype": "float64"})


def test_when_dtype_matches_then_assert_dtype_passes() -> None:
    assert_dtype(value(torch.zeros(2)), "float32", what=WHAT, input={})


def test_when_device_differs_then_assert_device_names_both() -> None:
    with pytest.raises(CheckFailed) as info:
        assert_device(value(torch.zeros(2)), "cuda", what=WHAT, input={}, hint="use X.device")
    assert info.value.message == DEVICE_MISMATCH.format(what=WHAT, actual="cpu", expected="cuda")
    assert info.value.hint == "use X.device"
    assert (info.value.expected, info.value.actual) == (
        {"kind": "property", "device": "cuda"}, {"kind": "property", "device": "cpu"})


def test_when_device_has_an_index_then_assert_device_compares_the_type_only() -> None:
    assert_device(value(torch.zeros(2), device="cuda:1"), "cuda", what=WHAT, input={})


# -- tolerances ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dtypes", "expected"), [
    (("float64", "float32"), TOLERANCES["float32"]),
    (("float32", "float64"), TOLERANCES["float32"]),
    (("float16", "bfloat16"), TOLERANCES["bfloat16"]),
    (("float64", "float16"), TOLERANCES["float16"]),
    (("int64", "float32"), TOLERANCES["float32"]),
    (("int64", "int32"), EXACT),
    (("bool",), EXACT),
])
def test_when_dtypes_are_mixed_then_tolerance_is_the_looser_one(
    dtypes: tuple[str, ...], expected: tuple[float, float]
) -> None:
    assert tolerance(*dtypes) == expected
