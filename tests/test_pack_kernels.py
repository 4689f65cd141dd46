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
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.conv_layer import PACK, book_exercises
from exercises.conv_layer import hints_derivative as derivative_hints
from exercises.conv_layer import hints_edge as edge_hints
from exercises.conv_layer import hints_kernels as hints
from exercises.conv_layer.checks import kernels
from exercises.conv_layer.checks.kernels_blur import gaussian
from exercises.conv_layer.checks.kernels_common import second_derivative_axes
from grader import messages
from grader.errors import MissingName, NotImplementedYet, StudentRaised
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.results import CheckResult, SubmissionResult, as_tensor
from tests.pack_support import (
    NOT_IMPLEMENTED,
    VARIANTS,
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
FEWEST = "derivative_order_d::fewest_taps[cpu]"


#: The ``graded`` and ``checks_of`` fixtures: a variant's result, and its section-4 checks by item id.
Graded = Callable[[str], SubmissionResult]
ChecksOf = Callable[[str], dict[str, CheckResult]]


def every(hint: str | None, *checks: str) -> dict[str, str | None]:
    return dict.fromkeys(checks, hint)


#: A property that holds on its own but counts only alongside the check only a right kernel passes
#: (``Check.requires``): no hint, its message names that check (tests/test_trivial_answers.py).
HELD_BACK = None


def missing(name: str) -> str:
    """The hint of a check that calls a name the student never defined."""
    return messages.HINT_MISSING_NAME.format(name=name)


#: Each wrong variant: every check of section 4 it fails, and the hint that failure carries.
EXPECTED: dict[str, dict[str, str | None]] = {
    # 4.1
    "edge_swapped_axes": {**every(edge_hints.HINT_EDGE_AXES_SWAPPED, RESPONDS, IGNORES), SCALES: HELD_BACK},
    "edge_signs_abs": {**every(edge_hints.HINT_EDGE_SIGNS, RESPONDS, IGNORES), SCALES: HELD_BACK},
    "edge_signs_tensor_abs": {**every(edge_hints.HINT_EDGE_SIGNS, RESPONDS, IGNORES), SCALES: HELD_BACK},
    "edge_signs_hypot": {**every(edge_hints.HINT_EDGE_SIGNS, RESPONDS, IGNORES), SCALES: HELD_BACK},
    "edge_fixed_x_difference": every(edge_hints.HINT_EDGE_FIXED, RESPONDS, IGNORES, SCALES),
    "edge_fixed_sobel": every(edge_hints.HINT_EDGE_FIXED, RESPONDS, IGNORES, SCALES),
    "edge_fixed_both": every(edge_hints.HINT_EDGE_FIXED, RESPONDS, IGNORES, SCALES),
    "edge_y_up": {**every(edge_hints.HINT_EDGE_ONE_AXIS_REVERSED, RESPONDS, IGNORES), SCALES: HELD_BACK},
    "edge_x_reversed": {**every(edge_hints.HINT_EDGE_ONE_AXIS_REVERSED, RESPONDS, IGNORES),
                        SCALES: HELD_BACK},
    "edge_y_up_central": {**every(edge_hints.HINT_EDGE_ONE_AXIS_REVERSED, RESPONDS, IGNORES),
                          SCALES: HELD_BACK},
    "edge_v1_twice": {RESPONDS: edge_hints.HINT_EDGE_DERIVATIVE,
                      IGNORES: edge_hints.HINT_EDGE_BOTH_DIRECTIONS, SCALES: HELD_BACK},
    "edge_rotated": {IGNORES: edge_hints.HINT_EDGE_BOTH_DIRECTIONS, **every(HELD_BACK, RESPONDS, SCALES)},
    "edge_extra_x_difference": {IGNORES: edge_hints.HINT_EDGE_BOTH_DIRECTIONS, RESPONDS: HELD_BACK,
                                SCALES: edge_hints.HINT_EDGE_SCALE},
    "edge_along_edge": every(edge_hints.HINT_EDGE_ALONG_EDGE, RESPONDS, IGNORES, SCALES),
    "edge_normalized": {SCALES: edge_hints.HINT_EDGE_SCALE},
    "edge_not_zero_sum": {IGNORES: edge_hints.HINT_EDGE_ZERO_SUM, **every(HELD_BACK, RESPONDS, SCALES)},
    "edge_vector": every(edge_hints.HINT_EDGE_SHAPE, RESPONDS, IGNORES, SCALES),
    "edge_zeros": every(edge_hints.HINT_EDGE_DERIVATIVE, RESPONDS, IGNORES, SCALES),
    # 4.2
    "second_laplacian": every(hints.HINT_SECOND_VS_LAPLACIAN, LINES, SQUARE),
    "second_first_difference": every(hints.HINT_SECOND_RAMP, LINES, SQUARE),
    "second_five_taps": every(hints.HINT_SECOND_MIN_SIZE, LINES, SQUARE),
    "second_min_size_five": {SECOND_SIZE: hints.HINT_SECOND_MIN_SIZE},
    "second_min_size_two": {SECOND_SIZE: hints.HINT_SECOND_MIN_SIZE},
    "second_min_size_four": {SECOND_SIZE: hints.HINT_SECOND_MIN_SIZE,
                             **every(missing("second_derivative_kernel"), LINES, SQUARE)},
    "second_strongest_step": {STRONGEST: hints.HINT_STRONGEST},
    "second_strongest_ramp_first_difference": {**every(hints.HINT_SECOND_MIN_SIZE, LINES, SQUARE),
                                               STRONGEST: hints.HINT_STRONGEST},
    "second_strongest_step_kernel_missing": {**every(missing("second_derivative_kernel"), LINES, SQUARE),
                                             STRONGEST: hints.HINT_STRONGEST},
    "second_strongest_flat_kernel_raises": {**every(None, LINES, SQUARE), STRONGEST: hints.HINT_STRONGEST},
    "second_strongest_kernel_missing": every(missing("second_derivative_kernel"), LINES, SQUARE),
    "second_strongest_kernel_stub": every(None, LINES, SQUARE),
    "second_strongest_kernel_zeros": {LINES: HELD_BACK, SQUARE: hints.HINT_SECOND_SQUARE},
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
    "integral_lower_triangle": {CUMSUM: hints.HINT_INTEGRAL_TRIANGLE},
    "integral_upper_triangle_loop": {CUMSUM: hints.HINT_INTEGRAL_TRIANGLE},
    "integral_anti_triangle": {CUMSUM: hints.HINT_INTEGRAL_TRIANGLE},
    "integral_last_row": {CUMSUM: hints.HINT_INTEGRAL_PART},
    "integral_eye": {CUMSUM: hints.HINT_INTEGRAL_PART},
    "integral_without_own_pixel": {CUMSUM: hints.HINT_INTEGRAL_PART},
    "integral_position_weights": {CUMSUM: hints.HINT_INTEGRAL_WEIGHTS},
    "integral_negative": {CUMSUM: hints.HINT_INTEGRAL_WEIGHTS},
    "integral_halves": {CUMSUM: hints.HINT_INTEGRAL_WEIGHTS},
    # 4.5
    "blur_unnormalized": {**every(hints.HINT_BLUR_NORMALIZE, NORMALIZED, GAUSSIAN, NOISE), PEAK: HELD_BACK},
    "blur_box": {GAUSSIAN: hints.HINT_BLUR_BOX},
    "blur_variance": {GAUSSIAN: hints.HINT_BLUR_VARIANCE},
    "blur_off_centre": every(hints.HINT_BLUR_CENTRE, PEAK, GAUSSIAN),
    "blur_sharpen": {NORMALIZED: hints.HINT_BLUR_NEGATIVE, GAUSSIAN: hints.HINT_BLUR_FORMULA,
                     NOISE: hints.HINT_BLUR_NEGATIVE, PEAK: HELD_BACK},
    "blur_nan": every(hints.HINT_KERNEL_FINITE, NORMALIZED, PEAK, GAUSSIAN, NOISE),
    # 4.6
    "derivative_central": {DERIVATIVE_SIZE: derivative_hints.HINT_DERIVATIVE_SIZE_CENTRAL,
                           FEWEST: derivative_hints.HINT_DERIVATIVE_CENTRAL},
    "derivative_min_size_central": {DERIVATIVE_SIZE: derivative_hints.HINT_DERIVATIVE_SIZE_CENTRAL},
    "derivative_central_minimal": {FEWEST: derivative_hints.HINT_DERIVATIVE_CENTRAL},
    "derivative_central_numpy": {FEWEST: derivative_hints.HINT_DERIVATIVE_CENTRAL},
    "derivative_padded": {FEWEST: derivative_hints.HINT_DERIVATIVE_PADDED},
    "derivative_padded_front": {FEWEST: derivative_hints.HINT_DERIVATIVE_PADDED},
    "derivative_padded_both": {FEWEST: derivative_hints.HINT_DERIVATIVE_PADDED},
    "derivative_over_factorial": {POWER: derivative_hints.HINT_DERIVATIVE_FACTORIAL,
                                  **every(HELD_BACK, LOWER, FEWEST)},
    "derivative_no_signs": {**every(derivative_hints.HINT_DERIVATIVE_SIGNS, LOWER, POWER), FEWEST: HELD_BACK},
    "derivative_no_signs_loop": {**every(derivative_hints.HINT_DERIVATIVE_SIGNS, LOWER, POWER),
                                 FEWEST: HELD_BACK},
    "derivative_ones": {**every(derivative_hints.HINT_DERIVATIVE_SIGNS, LOWER, POWER), FEWEST: HELD_BACK},
    "derivative_size_kernel_missing": every(missing("derivative_kernel"), LOWER, POWER, FEWEST),
    "derivative_size_kernel_stub": every(None, LOWER, POWER, FEWEST),
    "derivative_float_size": {DERIVATIVE_SIZE: derivative_hints.HINT_SIZE_INT},
    "derivative_tensor_size": {DERIVATIVE_SIZE: derivative_hints.HINT_SIZE_INT},
    "derivative_division_size": {DERIVATIVE_SIZE: derivative_hints.HINT_SIZE_INT},
}

#: Checks whose status is not "failed": a name never defined, or a stub still raising
#: NotImplementedError, is the student's omission (the error classes say which status).
STATUSES: dict[str, dict[str, str]] = {
    "second_min_size_four": dict.fromkeys((LINES, SQUARE), MissingName.status),
    "second_strongest_step_kernel_missing": dict.fromkeys((LINES, SQUARE), MissingName.status),
    "second_strongest_kernel_missing": dict.fromkeys((LINES, SQUARE), MissingName.status),
    "second_strongest_kernel_stub": dict.fromkeys((LINES, SQUARE), NotImplementedYet.status),
    "second_strongest_flat_kernel_raises": dict.fromkeys((LINES, SQUARE), StudentRaised.status),
    "derivative_size_kernel_missing": dict.fromkeys((LOWER, POWER, FEWEST), MissingName.status),
    "derivative_size_kernel_stub": dict.fromkeys((LOWER, POWER, FEWEST), NotImplementedYet.status),
}

#: A right answer judged on its own: it earns its point though the other name it is about is
#: missing, still the stub, or wrong (issue 10, item 1).
ON_ITS_OWN: dict[str, str] = {
    "derivative_size_kernel_missing": DERIVATIVE_SIZE,
    "derivative_size_kernel_stub": DERIVATIVE_SIZE,
    "derivative_no_signs": DERIVATIVE_SIZE,
    "derivative_ones": DERIVATIVE_SIZE,
    "derivative_over_factorial": DERIVATIVE_SIZE,
    "second_strongest_kernel_missing": STRONGEST,
    "second_strongest_kernel_stub": STRONGEST,
    "second_strongest_kernel_zeros": STRONGEST,
    "second_first_difference": STRONGEST,
}

#: Correct kernels written differently (tests/fixtures/variants/kernels/ok_*.py): full marks.
ACCEPTED = (
    "ok_edge_sobel", "ok_edge_central_float64", "ok_edge_padded_sum",
    "ok_second_column", "ok_second_negative_int_vector",
    "ok_laplacian_nine_point", "ok_laplacian_nine_point_weighted", "ok_laplacian_negative_scaled",
    "ok_integral_float64", "ok_integral_int64", "ok_integral_full", "ok_integral_nested_list",
    "ok_blur_separable_float64", "ok_blur_meshgrid",
    "ok_derivative_column_negative", "ok_derivative_repeated_difference",
)

FIVE_POINT = [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]
NINE_POINT = [[1.0, 1.0, 1.0], [1.0, -8.0, 1.0], [1.0, 1.0, 1.0]]


#: The pack cut down to section 4: a variant is graded on these checks only, twice as fast.
SECTION = dataclasses.replace(PACK, exercises=tuple(e for e in PACK.exercises if e.id in EXERCISES))


def grade_section(path: Path, *, seed: int = 0, only: tuple[str, ...] = EXERCISES) -> SubmissionResult:
    """Grade a trusted fixture in this process on section 4's checks only (or ``only`` these)."""
    pack = SECTION if only == EXERCISES else \
        dataclasses.replace(PACK, exercises=tuple(e for e in SECTION.exercises if e.id in only))
    return grade(path, pack=pack, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device="cpu", seed=seed))


def touched(name: str) -> tuple[str, ...]:
    """The exercises of section 4 with a check that needs a name the variant defines, assigns or
    deletes: the others grade the solution's own answers, so a variant is graded on these alone."""
    code = (VARIANTS / FOLDER / f"{name}.py").read_text()
    names = {n for pair in re.findall(r"^(?:(?:def|class|del)\s+(\w+)|(\w+)\s*=)", code, re.MULTILINE)
             for n in pair if n}
    return tuple(e.id for e in SECTION.exercises if any(set(c.needs) & names for c in e.checks))


def lost(path: Path, seed: int = 0) -> dict[str, CheckResult]:
    return lost_in(grade_section(path, seed=seed), *EXERCISES)


@pytest.fixture(scope="module")
def graded(variant: Callable[[str], Path]) -> Graded:
    """A variant's result, graded once for all the tests that look at it."""
    results: dict[str, SubmissionResult] = {}

    def result_of(name: str) -> SubmissionResult:
        if name not in results:
            results[name] = grade_section(variant(f"{FOLDER}/{name}"), only=touched(name))
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
    assert len(ours) == 19
    assert {c.item_id: c.message for c in ours if c.status != "passed"} == {}


@pytest.mark.parametrize("path", [PACK.stub_module, PACK.stub_notebook], ids=["module", "notebook"])
def test_when_the_stub_is_graded_then_every_kernel_check_fails_as_not_implemented(path: Path) -> None:
    ours = [c for c in grade_here(path).checks if c.exercise in EXERCISES]
    assert ours and {c.status for c in ours} == {NotImplementedYet.status}
    assert all(NOT_IMPLEMENTED in c.message for c in ours), [c.message for c in ours]


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_when_grading_is_reseeded_then_the_solution_still_passes_every_kernel_check(seed: int) -> None:
    assert {k: c.message for k, c in lost(PACK.solution_module, seed).items()} == {}


# --- accepted variants ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ACCEPTED)
def test_when_a_kernel_is_written_differently_then_it_passes(name: str, graded: Graded) -> None:
    assert touched(name)
    assert {k: c.message for k, c in lost_in(graded(name), *EXERCISES).items()} == {}


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
    # Each is graded on the exercises whose names it defines: those hold every check it loses.
    for name, expected in EXPECTED.items():
        assert {key.split("::")[0] for key in expected} <= set(touched(name)), name


# --- each known mistake loses exactly its checks ----------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_wrong_kernel_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, graded: Graded
) -> None:
    failed = lost_in(graded(name), *EXERCISES)
    statuses = {k: STATUSES.get(name, {}).get(k, "failed") for k in EXPECTED[name]}
    assert {k: c.status for k, c in failed.items()} == statuses, {k: c.message for k, c in failed.items()}
    assert explanations(failed, EXPECTED[name]) == EXPECTED[name]
    assert not any(c.internal for c in failed.values())
    assert not any(NOT_IMPLEMENTED in c.message for c in failed.values()
                   if c.status != NotImplementedYet.status)
    assert all("\n" not in c.message for c in failed.values())


def test_when_every_question_is_tried_then_each_has_at_least_two_wrong_variants() -> None:
    per_exercise: dict[str, int] = {}
    for expected in EXPECTED.values():
        for exercise in {key.split("::")[0] for key in expected}:
            per_exercise[exercise] = per_exercise.get(exercise, 0) + 1
    assert all(per_exercise.get(exercise, 0) >= 2 for exercise in EXERCISES), per_exercise


# --- what the report shows -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["edge_v1_twice", "edge_rotated", "edge_extra_x_difference"])
def test_when_an_edge_kernel_sees_both_directions_then_both_ramps_and_both_responses_are_shown(
    name: str, checks_of: ChecksOf
) -> None:
    check = checks_of(name)[IGNORES]
    assert check.hint == edge_hints.HINT_EDGE_BOTH_DIRECTIONS
    v = "(1, 0)" if name != "edge_extra_x_difference" else "(0, 1)"
    along = edge_hints.EDGE_LABEL_ALONG.format(v=v)
    across = edge_hints.EDGE_LABEL_ACROSS.format(v=v)
    assert [e["label"] for e in check.exhibits] == [
        along, hints.LABEL_RESPONSE_TO.format(image=along),
        across, hints.LABEL_RESPONSE_TO.format(image=across),
    ]
    # What the hint says: the kernel responds to both ramps, not only to the one across v.
    assert all(exhibited(check.exhibits[i]).abs().min() > 0.5 for i in (1, 3))


def test_when_an_edge_kernel_drops_the_signs_of_v_then_it_fails_where_a_component_is_negative(
    checks_of: ChecksOf
) -> None:
    for name in ("edge_signs_abs", "edge_signs_tensor_abs", "edge_signs_hypot"):
        checks = checks_of(name)
        call = edge_hints.EDGE_CALL.format(v="(1, -1)")
        assert checks[RESPONDS].message == edge_hints.EDGE_NO_RESPONSE.format(call=call), name
        assert checks[IGNORES].message.startswith(edge_hints.EDGE_ACROSS.format(call=call)), name


def test_when_an_edge_kernel_swaps_the_axes_then_the_ramp_along_x_gives_zero_and_along_y_does_not(
    checks_of: ChecksOf
) -> None:
    check = checks_of("edge_swapped_axes")[RESPONDS]
    assert check.message == edge_hints.EDGE_NO_RESPONSE.format(call=edge_hints.EDGE_CALL.format(v="(1, 0)"))
    assert check.exhibits[0]["label"] == edge_hints.EDGE_LABEL_ALONG.format(v="(1, 0)")
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
    assert check.message == hints.STRONGEST_WRONG.format(
        name="answer_second_derivative_strongest", given="step_edge", given_value="1")
    assert all(e.get("reveals") for e in check.exhibits)  # they show the answer


#: Why the student's kernel could not be used, where no check of the kernel says it in its own words.
NOT_USED = {
    "second_strongest_ramp_first_difference": hints.STRONGEST_KERNEL_NOT_SECOND.format(
        call="second_derivative_kernel()"),
}


@pytest.mark.parametrize(("name", "given", "value"), [
    ("second_strongest_ramp_first_difference", "ramp", "0"),
    ("second_strongest_step_kernel_missing", "step_edge", "1"),
    ("second_strongest_flat_kernel_raises", "flat", "0"),
])
def test_when_the_kernel_cannot_be_used_then_a_wrong_strongest_structure_says_why_and_what_was_found(
    name: str, given: str, value: str, checks_of: ChecksOf
) -> None:
    check = checks_of(name)[STRONGEST]
    reason = NOT_USED.get(name) or checks_of(name)[SQUARE].message  # missing, or what it raised
    assert check.message == hints.STRONGEST_WRONG_SECOND.format(
        name="answer_second_derivative_strongest", given=given, given_value=value, reason=reason)
    assert check.answer is not None and check.answer["question"] == hints.STRONGEST_QUESTION_SECOND
    assert (check.answer["given"], check.answer["truth"]) == (given, "thin_line")
    shown = [e["label"] for e in check.exhibits]
    kernel = hints.LABEL_KERNEL.format(call="second_derivative_kernel()")
    assert (kernel in shown) == (name == "second_strongest_ramp_first_difference")  # a kernel came back


@pytest.mark.parametrize("name", sorted(ON_ITS_OWN))
def test_when_an_answer_about_another_name_is_right_then_it_earns_its_point_whatever_that_name_does(
    name: str, graded: Graded
) -> None:
    check = next(c for c in graded(name).checks if c.item_id == ON_ITS_OWN[name])
    assert (check.status, check.points) == ("passed", check.max_points) and check.max_points > 0
    assert check.message == ""
    lost = lost_in(graded(name), *EXERCISES)
    assert lost and all(c.exercise == check.exercise for c in lost.values())  # the other name lost


def test_when_answers_are_declared_then_each_check_needs_only_the_name_it_judges() -> None:
    second = book_exercises.SECOND_DERIVATIVE
    derivative = book_exercises.DERIVATIVE_ORDER_D
    assert second.check("min_size").needs == ("SECOND_DERIVATIVE_MIN_SIZE",)
    assert second.check("strongest_structure").needs == ("answer_second_derivative_strongest",)
    assert derivative.check("min_size").needs == ("min_kernel_size",)
    assert derivative.check("fewest_taps").needs == ("derivative_kernel",)
    assert derivative.check("fewest_taps").requires == ("constant_on_power",)


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


NOT_A_BOX = (hints.HINT_INTEGRAL_TRIANGLE, hints.HINT_INTEGRAL_PART, hints.HINT_INTEGRAL_WEIGHTS)


@pytest.mark.parametrize(("name", "hint"), [
    (name, expected[CUMSUM]) for name, expected in EXPECTED.items() if expected.get(CUMSUM) in NOT_A_BOX
])
def test_when_an_integral_kernel_is_no_box_of_ones_then_its_result_on_a_point_is_shown_beside_ones(
    name: str, hint: str, checks_of: ChecksOf
) -> None:
    check = checks_of(name)[CUMSUM]
    shown = {e["label"]: exhibited(e) for e in check.exhibits}
    assert list(shown) == [hints.INTEGRAL_LABEL_POINT, hints.INTEGRAL_LABEL_POINT_CUMSUM]
    yours, ones = shown.values()
    assert bool((ones == 1).all()) and yours.shape == ones.shape and min(yours.shape) >= 3
    # What the hint says of the result: zeros where the integral image has ones, or other weights.
    skipped, weighed = bool((yours == 0).any()), bool(((yours != 0) & (yours != 1)).any())
    assert (skipped and not weighed) if hint != hints.HINT_INTEGRAL_WEIGHTS else weighed


def test_when_an_integral_kernel_has_the_wrong_shape_then_the_message_says_so_in_one_line(
    checks_of: ChecksOf
) -> None:
    check = checks_of("integral_box")[CUMSUM]
    assert check.message.startswith("integral_kernel(") and "has shape (3, 3)" in check.message
    assert as_tensor(check.actual)["shape"] == [3, 3]


def test_when_a_central_difference_is_given_then_it_passes_everything_but_the_minimum_size(
    checks_of: ChecksOf
) -> None:
    result = checks_of("derivative_central")
    assert (result[LOWER].status, result[POWER].status, result[DERIVATIVE_SIZE].status,
            result[FEWEST].status) == ("passed", "passed", "failed", "failed")
    assert result[DERIVATIVE_SIZE].message == \
        derivative_hints.DERIVATIVE_MIN_SIZE_WRONG.format(d=1, size=3)
    assert result[FEWEST].message == \
        derivative_hints.DERIVATIVE_TAPS.format(call="derivative_kernel(1)", taps=3)
    assert [e["label"] for e in result[FEWEST].exhibits] == [
        hints.LABEL_KERNEL.format(call="derivative_kernel(1)")]
    # The hints name the mistake without the fewest taps; full feedback adds them as the solution.
    assert result[FEWEST].hint == derivative_hints.OPEN_DERIVATIVE_CENTRAL
    assert result[FEWEST].expected_is_answer and result[FEWEST].solution is not None


def test_when_only_min_kernel_size_is_central_then_its_hint_speaks_of_the_number_not_the_kernel(
    checks_of: ChecksOf
) -> None:
    # The kernel is the forward difference; only min_kernel_size(d) returns 2d + 1, and min_size is
    # judged on that number alone, so nothing said there may describe the kernel.
    result = checks_of("derivative_min_size_central")
    check = result[DERIVATIVE_SIZE]
    assert result[FEWEST].status == "passed"
    assert check.hint == derivative_hints.OPEN_DERIVATIVE_SIZE_CENTRAL
    solution = check.solution
    assert solution is not None and solution.endswith(derivative_hints.HINT_DERIVATIVE_SIZE_CENTRAL)
    for said in (check.hint, solution):
        assert "kernel reads" not in said and "reads the same backwards" not in said
        assert "that is a central-difference stencil" not in said


def test_when_an_edge_kernel_is_all_zeros_then_it_earns_nothing_for_ignoring_or_scaling(
    checks_of: ChecksOf
) -> None:
    checks = checks_of("edge_zeros")
    assert (checks[IGNORES].message, checks[SCALES].message) == \
        (edge_hints.EDGE_ALL_ZERO, edge_hints.EDGE_NEVER_RESPONDS)
    # What was found: the kernel for the first v, and the ramps with the responses to them.
    assert as_tensor(checks[IGNORES].actual)["values"] == [[0.0, 0.0], [0.0, 0.0]]
    assert [e["label"] for e in checks[SCALES].exhibits][::2] == [
        edge_hints.EDGE_LABEL_ALONG.format(v="(1, 0)"), edge_hints.EDGE_LABEL_ACROSS.format(v="(1, 0)")]


def test_when_a_kernel_is_not_a_tensor_then_the_message_says_what_came_back(checks_of: ChecksOf) -> None:
    check = checks_of("laplacian_list")[ZERO_SUM]
    assert check.message == messages.WRONG_RETURN.format(name="laplacian_kernel", expected="a torch.Tensor",
                                                         got="a list")


# --- hints that speak of pictures ------------------------------------------------------------------
HINT_MODULES = (hints, edge_hints, derivative_hints)
PICTURES = "the pictures of this check"


def test_when_a_hint_mentions_pictures_then_it_says_so_the_same_way_in_every_format() -> None:
    texts = [value for module in HINT_MODULES for name, value in vars(module).items()
             if name.isupper() and isinstance(value, str)]
    assert not [t for t in texts if "below" in t.replace("degree below", "").replace("power of x below", "")
                or "(shown)" in t or "shown below" in t]
    assert sum(PICTURES in t for t in texts) >= 5


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_hint_promises_pictures_then_the_check_shows_them_at_the_feedback_level_of_the_hint(
    name: str, checks_of: ChecksOf
) -> None:
    for key, check in checks_of(name).items():
        if check.hint and PICTURES in check.hint:  # shown with hints: no picture withheld from it
            assert [e for e in check.exhibits if not e.get("reveals")], (name, key)
        if check.solution and PICTURES in check.solution:  # shown with full feedback only
            assert check.exhibits, (name, key)


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
