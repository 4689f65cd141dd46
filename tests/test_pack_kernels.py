"""Section 4 of the pack, "Designing kernels", as a specification: which kernels pass, and what each
known mistake loses, with which hint and which pictures.

Every kernel is judged by what it does on the grader's images, so the accepted variants are other
correct kernels (other scales, signs, orientations, sizes and dtypes), and each wrong variant is a
misconception of exercises.md's table, told apart by computed properties. Submissions are the
solution with a variant's definitions appended (tests/fixtures/variants/kernels/), graded in-process.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.conv_layer import PACK
from exercises.conv_layer import hints_derivative as derivative_hints
from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks import kernels
from exercises.conv_layer.checks.kernels_blur import gaussian
from exercises.conv_layer.checks.kernels_common import second_derivative_axes
from grader import messages
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.results import CheckResult, SubmissionResult, as_tensor
from tests.pack_support import (
    NOT_IMPLEMENTED,
    exhibited,
    explanations,
    grade_here,
    lost_in,
    variant_names,
)

EXERCISES = ("directional_edge", "second_derivative", "laplacian", "integral", "blur", "derivative_order_d")
FOLDER = "kernels"

RESPONDS = "directional_edge::responds_along_v[cpu]"
IGNORES = "directional_edge::ignores_perpendicular[cpu]"
SCALES = "directional_edge::scales_with_v[cpu]"
LINES = "second_derivative::annihilates_lines[cpu]"
SQUARE = "second_derivative::constant_on_square[cpu]"
SECOND_SIZE = "second_derivative::min_size[cpu]"
STRONGEST = "second_derivative::strongest_structure[cpu]"
ZERO_SUM = "laplacian::zero_sum[cpu]"
ISOTROPIC = "laplacian::isotropic[cpu]"
HARMONICS = "laplacian::annihilates_harmonics[cpu]"
CUMSUM = "integral::matches_cumsum[cpu]"
NORMALIZED = "blur::normalized[cpu]"
PEAK = "blur::symmetric_peak[cpu]"
GAUSSIAN = "blur::matches_gaussian[cpu]"
NOISE = "blur::reduces_noise[cpu]"
LOWER = "derivative_order_d::annihilates_lower_degrees[cpu]"
POWER = "derivative_order_d::constant_on_power[cpu]"
DERIVATIVE_SIZE = "derivative_order_d::min_size[cpu]"


#: The ``graded`` and ``checks_of`` fixtures: a variant's result, and its section-4 checks by item id.
Graded = Callable[[str], SubmissionResult]
ChecksOf = Callable[[str], dict[str, CheckResult]]


def every(hint: str | None, *checks: str) -> dict[str, str | None]:
    return dict.fromkeys(checks, hint)


#: A property that holds on its own but counts only alongside the check only a right kernel passes
#: (``Check.requires``): no hint, its message names that check (tests/test_trivial_answers.py).
HELD_BACK = None


#: Each wrong variant: every check of section 4 it fails, and the hint that failure carries.
EXPECTED: dict[str, dict[str, str | None]] = {
    # 4.1
    "edge_swapped_axes": {**every(hints.HINT_EDGE_AXES_SWAPPED, RESPONDS, IGNORES), SCALES: HELD_BACK},
    "edge_both_directions": {RESPONDS: hints.HINT_EDGE_DERIVATIVE, IGNORES: hints.HINT_EDGE_BOTH_DIRECTIONS,
                             SCALES: HELD_BACK},
    "edge_along_edge": every(hints.HINT_EDGE_ALONG_EDGE, RESPONDS, IGNORES, SCALES),
    "edge_normalized": {SCALES: hints.HINT_EDGE_SCALE},
    "edge_not_zero_sum": {IGNORES: hints.HINT_EDGE_ZERO_SUM, **every(HELD_BACK, RESPONDS, SCALES)},
    "edge_vector": every(hints.HINT_EDGE_SHAPE, RESPONDS, IGNORES, SCALES),
    "edge_zeros": every(hints.HINT_EDGE_DERIVATIVE, RESPONDS, IGNORES, SCALES),
    # 4.2
    "second_laplacian": every(hints.HINT_SECOND_VS_LAPLACIAN, LINES, SQUARE),
    "second_first_difference": {**every(hints.HINT_SECOND_RAMP, LINES, SQUARE),
                                STRONGEST: hints.HINT_STRONGEST_NOT_SECOND},
    "second_five_taps": every(hints.HINT_SECOND_MIN_SIZE, LINES, SQUARE),
    "second_min_size_five": {SECOND_SIZE: hints.HINT_SECOND_MIN_SIZE},
    "second_min_size_two": {SECOND_SIZE: hints.HINT_SECOND_MIN_SIZE},
    "second_strongest_step": {STRONGEST: hints.HINT_STRONGEST},
    "second_strongest_matches_own_kernel": {**every(hints.HINT_SECOND_SHAPE, LINES, SQUARE),
                                            STRONGEST: hints.HINT_STRONGEST_NOT_SECOND},
    # 4.3
    "laplacian_nonzero_sum": every(hints.HINT_LAPLACIAN_SUM, ZERO_SUM, ISOTROPIC, HARMONICS),
    "laplacian_anisotropic": {ISOTROPIC: hints.HINT_LAPLACIAN_ANISOTROPIC,
                              **every(HELD_BACK, ZERO_SUM, HARMONICS)},
    "laplacian_second_derivative": every(hints.HINT_SECOND_VS_LAPLACIAN, ZERO_SUM, ISOTROPIC, HARMONICS),
    "laplacian_one_direction": {ISOTROPIC: hints.HINT_SECOND_VS_LAPLACIAN,
                                **every(HELD_BACK, ZERO_SUM, HARMONICS)},
    "laplacian_lopsided": {**every(hints.HINT_LAPLACIAN_SYMMETRIC, ISOTROPIC, HARMONICS),
                           ZERO_SUM: HELD_BACK},
    "laplacian_corners": {HARMONICS: hints.HINT_LAPLACIAN_CORNERS},
    "laplacian_list": every(messages.HINT_RETURN_TENSOR, ZERO_SUM, ISOTROPIC, HARMONICS),
    # 4.4
    "integral_box": {CUMSUM: hints.HINT_INTEGRAL_BOX},
    "integral_mean": {CUMSUM: hints.HINT_INTEGRAL_MEAN},
    "integral_transposed": {CUMSUM: hints.HINT_INTEGRAL_TRANSPOSED},
    "integral_vector": {CUMSUM: hints.HINT_INTEGRAL_ONES},
    # 4.5
    "blur_unnormalized": {**every(hints.HINT_BLUR_NORMALIZE, NORMALIZED, GAUSSIAN, NOISE), PEAK: HELD_BACK},
    "blur_box": {GAUSSIAN: hints.HINT_BLUR_BOX},
    "blur_variance": {GAUSSIAN: hints.HINT_BLUR_VARIANCE},
    "blur_off_centre": every(hints.HINT_BLUR_CENTRE, PEAK, GAUSSIAN),
    "blur_sharpen": {NORMALIZED: hints.HINT_BLUR_NEGATIVE, GAUSSIAN: hints.HINT_BLUR_FORMULA,
                     NOISE: hints.HINT_BLUR_NEGATIVE, PEAK: HELD_BACK},
    "blur_nan": every(hints.HINT_KERNEL_FINITE, NORMALIZED, PEAK, GAUSSIAN, NOISE),
    # 4.6
    "derivative_central": {DERIVATIVE_SIZE: derivative_hints.HINT_DERIVATIVE_CENTRAL},
    "derivative_min_size_central": {DERIVATIVE_SIZE: derivative_hints.HINT_DERIVATIVE_CENTRAL},
    "derivative_central_minimal": {DERIVATIVE_SIZE: derivative_hints.HINT_DERIVATIVE_CENTRAL},
    "derivative_padded": {DERIVATIVE_SIZE: derivative_hints.HINT_DERIVATIVE_MIN_SIZE},
    "derivative_over_factorial": {POWER: derivative_hints.HINT_DERIVATIVE_FACTORIAL,
                                  **every(HELD_BACK, LOWER, DERIVATIVE_SIZE)},
    "derivative_no_signs": {**every(derivative_hints.HINT_DERIVATIVE_SIGNS, LOWER, POWER),
                            DERIVATIVE_SIZE: HELD_BACK},
    "derivative_float_size": {DERIVATIVE_SIZE: None},
}

#: Correct kernels written differently (tests/fixtures/variants/kernels/ok_*.py): full marks.
ACCEPTED = (
    "ok_edge_sobel", "ok_edge_central_float64", "ok_edge_padded_sum",
    "ok_second_column", "ok_second_negative_int_vector",
    "ok_laplacian_nine_point", "ok_laplacian_nine_point_weighted", "ok_laplacian_negative_scaled",
    "ok_integral_float64", "ok_integral_int64",
    "ok_blur_separable_float64", "ok_blur_meshgrid",
    "ok_derivative_column_negative", "ok_derivative_repeated_difference",
)

FIVE_POINT = [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]
NINE_POINT = [[1.0, 1.0, 1.0], [1.0, -8.0, 1.0], [1.0, 1.0, 1.0]]


#: The pack cut down to section 4: a variant is graded on these checks only, twice as fast.
SECTION = dataclasses.replace(PACK, exercises=tuple(e for e in PACK.exercises if e.id in EXERCISES))


def grade_section(path: Path, *, seed: int = 0) -> SubmissionResult:
    """Grade a trusted fixture in this process on section 4's checks only."""
    return grade(path, pack=SECTION, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device="cpu", seed=seed))


def lost(path: Path, seed: int = 0) -> dict[str, CheckResult]:
    return lost_in(grade_section(path, seed=seed), *EXERCISES)


@pytest.fixture(scope="module")
def graded(variant: Callable[[str], Path]) -> Graded:
    """A variant's result, graded once for all the tests that look at it."""
    results: dict[str, SubmissionResult] = {}

    def result_of(name: str) -> SubmissionResult:
        if name not in results:
            results[name] = grade_section(variant(f"{FOLDER}/{name}"))
        return results[name]

    return result_of


@pytest.fixture(scope="module")
def checks_of(graded: Graded) -> ChecksOf:
    """A variant's section-4 checks by item id."""
    return lambda name: {c.item_id: c for c in graded(name).checks if c.exercise in EXERCISES}


def with_code(tmp_path: Path, code: str) -> Path:
    """The solution module with ``code`` appended as a last cell (later definitions win)."""
    path = tmp_path / "submission.py"
    path.write_text(f"{PACK.solution_module.read_text()}\n# %%\n{code}\n")
    return path


# --- the section's shape --------------------------------------------------------------------------
def test_when_the_kernel_exercises_are_declared_then_every_check_runs_a_function_of_this_module() -> None:
    runs = {c.run for e in PACK.exercises if e.id in EXERCISES for c in e.checks}
    assert runs == set(kernels.__all__)
    assert all(callable(getattr(kernels, name)) for name in kernels.__all__)


# --- full marks and zero --------------------------------------------------------------------------
@pytest.mark.parametrize("path", [PACK.solution_module, PACK.solution_notebook], ids=["module", "notebook"])
def test_when_the_solution_is_graded_then_every_kernel_check_passes(path: Path) -> None:
    result = grade_here(path)
    ours = [c for c in result.checks if c.exercise in EXERCISES]
    assert len(ours) == 18
    assert {c.item_id: c.message for c in ours if c.status != "passed"} == {}


@pytest.mark.parametrize("path", [PACK.stub_module, PACK.stub_notebook], ids=["module", "notebook"])
def test_when_the_stub_is_graded_then_every_kernel_check_fails_as_not_implemented(path: Path) -> None:
    ours = [c for c in grade_here(path).checks if c.exercise in EXERCISES]
    assert ours and {c.status for c in ours} == {"failed"}
    assert all(NOT_IMPLEMENTED in c.message for c in ours), [c.message for c in ours]


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_when_grading_is_reseeded_then_the_solution_still_passes_every_kernel_check(seed: int) -> None:
    assert {k: c.message for k, c in lost(PACK.solution_module, seed).items()} == {}


# --- accepted variants ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ACCEPTED)
def test_when_a_kernel_is_written_differently_then_it_passes(
    name: str, variant: Callable[[str], Path]
) -> None:
    assert {k: c.message for k, c in lost(variant(f"{FOLDER}/{name}")).items()} == {}


@pytest.mark.parametrize(("stencil", "scale"), [(FIVE_POINT, 1e-3), (FIVE_POINT, -0.37), (NINE_POINT, -1.0),
                                                (NINE_POINT, 250.0)], ids=["five_small", "five_negative",
                                                                           "nine_negative", "nine_large"])
def test_when_a_laplacian_is_scaled_or_negated_then_it_passes(
    stencil: list[list[float]], scale: float, tmp_path: Path
) -> None:
    code = f"def laplacian_kernel():\n    return {scale!r} * torch.tensor({stencil!r})"
    assert lost(with_code(tmp_path, code)) == {}


def test_when_a_variant_fixture_exists_then_it_is_expected_to_fail_or_to_pass() -> None:
    assert variant_names(FOLDER) == sorted(f"{FOLDER}/{name}" for name in (*EXPECTED, *ACCEPTED))
    assert not set(EXPECTED) & set(ACCEPTED)


# --- each known mistake loses exactly its checks ----------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_wrong_kernel_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, graded: Graded
) -> None:
    failed = lost_in(graded(name), *EXERCISES)
    assert {k: c.status for k, c in failed.items()} == {k: "failed" for k in EXPECTED[name]}, \
        {k: c.message for k, c in failed.items()}
    assert explanations(failed, EXPECTED[name]) == EXPECTED[name]
    assert not any(NOT_IMPLEMENTED in c.message or c.internal for c in failed.values())
    assert all("\n" not in c.message for c in failed.values())


def test_when_every_question_is_tried_then_each_has_at_least_two_wrong_variants() -> None:
    per_exercise: dict[str, int] = {}
    for expected in EXPECTED.values():
        for exercise in {key.split("::")[0] for key in expected}:
            per_exercise[exercise] = per_exercise.get(exercise, 0) + 1
    assert all(per_exercise.get(exercise, 0) >= 2 for exercise in EXERCISES), per_exercise


# --- what the report shows -------------------------------------------------------------------------
def test_when_an_edge_kernel_sees_both_directions_then_both_ramps_and_responses_are_shown(
    checks_of: ChecksOf
) -> None:
    check = checks_of("edge_both_directions")[IGNORES]
    v = "(1, -1)"
    along = hints.EDGE_LABEL_ALONG.format(v=v)
    across = hints.EDGE_LABEL_ACROSS.format(v=v)
    assert [e["label"] for e in check.exhibits] == [
        along, hints.LABEL_RESPONSE_TO.format(image=along),
        across, hints.LABEL_RESPONSE_TO.format(image=across),
    ]
    response_across = exhibited(check.exhibits[3])
    assert response_across.abs().min() > 1.0  # |v1| + |v2| over the unit slope: sqrt(2)


def test_when_an_edge_kernel_swaps_the_axes_then_the_ramp_along_x_gives_zero_and_along_y_does_not(
    checks_of: ChecksOf
) -> None:
    check = checks_of("edge_swapped_axes")[RESPONDS]
    assert check.message == hints.EDGE_NO_RESPONSE.format(call=hints.EDGE_CALL.format(v="(1, 0)"))
    along, across = (exhibited(check.exhibits[i]) for i in (1, 3))
    assert bool((along == 0).all()) and bool((across.abs() == 1).all())


def test_when_a_laplacian_is_anisotropic_then_its_responses_to_x2_and_y2_are_shown(
    checks_of: ChecksOf
) -> None:
    check = checks_of("laplacian_anisotropic")[ISOTROPIC]
    shown = {e["label"]: exhibited(e) for e in check.exhibits}
    assert set(shown) == {"response to x^2", "response to y^2"}
    assert bool((shown["response to x^2"] == 4).all()) and bool((shown["response to y^2"] == 2).all())
    assert check.message == hints.LAPLACIAN_ANISOTROPIC.format(call="laplacian_kernel()", x2="4", y2="2")


def test_when_the_second_derivative_is_given_as_the_laplacian_then_its_square_responses_are_shown(
    checks_of: ChecksOf
) -> None:
    for name, check_id, responses in (("laplacian_second_derivative", ZERO_SUM, (2, 0, 2)),
                                      ("second_laplacian", LINES, (2, 2, 4))):
        check = checks_of(name)[check_id]
        shown = {e["label"]: exhibited(e) for e in check.exhibits}
        assert list(shown) == [hints.LABEL_X2, hints.LABEL_Y2, hints.LABEL_X2_Y2]
        assert [float(shown[label].mean()) for label in shown] == list(responses), name


def test_when_the_strongest_structure_is_answered_then_it_is_judged_on_the_students_kernel(
    checks_of: ChecksOf
) -> None:
    check = checks_of("second_strongest_step")[STRONGEST]
    assert check.answer is not None
    assert (check.answer["given"], check.answer["truth"], check.answer["correct"]) == \
        ("step_edge", "thin_line", False)
    assert check.answer["choices"] == ["flat", "ramp", "step_edge", "thin_line"]
    notes = {e["label"]: e["note"] for e in check.exhibits}
    largest = {"flat": "0", "ramp": "0", "step_edge": "1", "thin_line": "2"}
    assert notes == {hints.LABEL_RESPONSE_TO.format(image=name): hints.NOTE_LARGEST.format(value=value)
                     for name, value in largest.items()}
    # [-1, 1] is no second derivative: a step and a thin line would tie, and the question is not judged.
    own = checks_of("second_strongest_matches_own_kernel")[STRONGEST]
    assert own.answer is None and own.message == hints.STRONGEST_NOT_SECOND.format(
        name="answer_second_derivative_strongest", call="second_derivative_kernel()")


def test_when_the_second_derivative_min_size_is_wrong_then_the_answer_is_recorded_beside_3(
    checks_of: ChecksOf
) -> None:
    check = checks_of("second_min_size_five")[SECOND_SIZE]
    assert check.answer is not None and (check.answer["given"], check.answer["truth"]) == (5, 3)


def test_when_an_integral_kernel_averages_then_its_result_and_the_cumsum_are_shown_on_a_ramp(
    checks_of: ChecksOf
) -> None:
    check = checks_of("integral_mean")[CUMSUM]
    shown = {e["label"]: exhibited(e) for e in check.exhibits}
    assert list(shown) == [hints.INTEGRAL_LABEL_RAMP, hints.INTEGRAL_LABEL_YOURS, hints.INTEGRAL_LABEL_CUMSUM]
    ramp = shown[hints.INTEGRAL_LABEL_RAMP]
    torch.testing.assert_close(shown[hints.INTEGRAL_LABEL_CUMSUM], ramp.cumsum(0).cumsum(1))
    torch.testing.assert_close(shown[hints.INTEGRAL_LABEL_YOURS] * ramp.numel(), ramp.cumsum(0).cumsum(1))


def test_when_an_integral_kernel_has_the_wrong_shape_then_the_message_says_so_in_one_line(
    checks_of: ChecksOf
) -> None:
    check = checks_of("integral_box")[CUMSUM]
    assert check.message.startswith("integral_kernel(1, ") and "has shape (3, 3)" in check.message
    assert as_tensor(check.actual)["shape"] == [3, 3]


def test_when_a_central_difference_is_given_then_it_passes_everything_but_the_minimum_size(
    checks_of: ChecksOf
) -> None:
    result = checks_of("derivative_central")
    assert (result[LOWER].status, result[POWER].status, result[DERIVATIVE_SIZE].status) == \
        ("passed", "passed", "failed")
    assert result[DERIVATIVE_SIZE].message == \
        derivative_hints.DERIVATIVE_MIN_SIZE_WRONG.format(d=1, size=3)


def test_when_an_edge_kernel_is_all_zeros_then_it_earns_nothing_for_ignoring_or_scaling(
    checks_of: ChecksOf
) -> None:
    checks = checks_of("edge_zeros")
    assert (checks[IGNORES].message, checks[SCALES].message) == \
        (hints.EDGE_ALL_ZERO, hints.EDGE_NEVER_RESPONDS)


def test_when_a_kernel_is_not_a_tensor_then_the_message_says_what_came_back(checks_of: ChecksOf) -> None:
    check = checks_of("laplacian_list")[ZERO_SUM]
    assert check.message == messages.WRONG_RETURN.format(name="laplacian_kernel", expected="a torch.Tensor",
                                                         got="a list")


# --- the properties the checks rely on ----------------------------------------------------------------
@pytest.mark.parametrize(("taps", "axes"), [
    ([[1.0, -2.0, 1.0]], "x"), ([[1.0], [-2.0], [1.0]], "y"), ([-3.0, 6.0, -3.0], "x"),
    ([[0.0, 0.0, 0.0], [1.0, -2.0, 1.0], [0.0, 0.0, 0.0]], "x"),
    (FIVE_POINT, "both"), (NINE_POINT, "both"),
    ([[0.0, 1.0, 0.0], [2.0, -6.0, 2.0], [0.0, 1.0, 0.0]], None), ([[-1.0, 0.0, 1.0]], None),
])
def test_when_a_kernel_takes_a_second_derivative_then_its_axes_are_found(
    taps: list[list[float]] | list[float], axes: str | None
) -> None:
    assert second_derivative_axes(torch.tensor(taps, dtype=torch.float64)) == axes


@pytest.mark.parametrize(("size", "sigma"), [(3, 1.0), (5, 1.0), (7, 2.0), (9, 0.8)])
def test_when_the_gaussian_reference_is_built_then_it_is_normalized_centred_and_sigma_wide(
    size: int, sigma: float
) -> None:
    K = gaussian(size, sigma)
    centre = size // 2
    assert math.isclose(float(K.sum()), 1.0) and int(K.argmax()) == centre * size + centre
    torch.testing.assert_close(K[centre, centre + 1] / K[centre, centre],
                               torch.tensor(math.exp(-1 / (2 * sigma**2)), dtype=torch.float64))
