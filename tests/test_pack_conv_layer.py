"""The conv_layer pack as a specification: what scores full marks, what scores zero, and what each
known mistake loses, with which hint.

Submissions here are trusted fixtures graded in-process (``InProcessRunner``): the same probe and
wire format as a real kernel, in milliseconds. Kernel-based grading is tested in test_end_to_end.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.conv_layer import PACK, hints
from exercises.conv_layer.checks import corr2d, learning
from grader import messages
from grader.checking import compare
from grader.checking.loading import check_function, load_checks
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.results import SubmissionResult, as_mapping
from tests.pack_support import (
    ALTERNATIVES,
    NOT_IMPLEMENTED,
    ROOT,
    VARIANTS,
    assert_full_marks,
    check_context,
    grade_here,
    lost_in,
    not_passed,
)

#: The section's own code; the book's exercises have their own test modules and variant folders.
SECTION_0 = ("corr2d", "conv2d_layer", "edge_detection", "learn_kernel")
SECTION_0_PACK = dataclasses.replace(PACK, exercises=tuple(e for e in PACK.exercises if e.id in SECTION_0))
BLAME_CORR2D = hints.HINT_LAYER_USES_CORR2D
MAY_BLAME_CORR2D = hints.HINT_LAYER_MAY_USE_CORR2D
CORR2D_CHECKS = tuple(f"corr2d::{c.id}[{'meta' if c.id == 'keeps_device' else 'cpu'}]"
                      for e in PACK.exercises if e.id == "corr2d" for c in e.checks)
NOT_CONVERGED = hints.HINT_NOT_CONVERGED.format(steps=learning.STEPS, lr=learning.LR)
NOT_CONVERGED_RANDOM = hints.HINT_NOT_CONVERGED_RANDOM.format(
    steps=learning.RANDOM_STEPS, lr=learning.RANDOM_LR, kernel_size=learning.RANDOM_KERNEL_SIZE)
IGNORES_KERNEL_SIZE = hints.HINT_KERNEL_SIZE_IGNORED.format(kernel_size=learning.RANDOM_KERNEL_SIZE)
RECOVERS, LOSS = "learn_kernel::recovers_kernel[cpu]", "learn_kernel::loss_decreases[cpu]"
#: The update rules' hints as said about the book's data (where each variant fails first), and the
#: random data for a learning rate ten times the one given (right on the book's data).
BOOK_CALL = learning.book_task().call("steps")
RANDOM_CALL = learning.random_task(check_context()).call("steps")
RULE_SAME = hints.RULE_SAME.format(call=BOOK_CALL)
RULE_ASCENT = hints.RULE_ASCENT.format(call=BOOK_CALL)
RULE_NOT_ZEROED = hints.RULE_NOT_ZEROED.format(call=BOOK_CALL)
RULE_MEAN = hints.RULE_MEAN.format(call=BOOK_CALL, outputs=42)
RULE_NORM = hints.RULE_NORM.format(call=BOOK_CALL)
RULE_BIAS_TRAINED = hints.RULE_BIAS_TRAINED.format(call=BOOK_CALL)
RULE_BIAS_FIXED = hints.RULE_BIAS_FIXED.format(call=BOOK_CALL)
RULE_SCALED_TENFOLD = hints.RULE_SCALED.format(call=RANDOM_CALL, ratio=10.0)


def diverges(cause: str) -> str:
    return hints.HINT_DIVERGES.format(cause=cause)


def both(hint: str | None) -> dict[str, str | None]:
    """Both learn_kernel checks lost with the same hint."""
    return {RECOVERS: hint, LOSS: hint}


#: A property that holds on its own but counts only alongside a correct value (``Check.requires``):
#: it fails without a hint, its message naming the check to fix first (tests/test_trivial_answers.py).
HELD_BACK = None

#: The inputs corr2d's value checks fail on first: the book's example, and the first (wide) case.
FIRST_CASE = corr2d._cases(check_context())[0]
FAILS_ON = ((3, 3, 2, 2), (*FIRST_CASE[0].shape, *FIRST_CASE[1].shape))


def sized(template: str) -> tuple[str, str]:
    """A hint about the output's size as said on the book's example and on the first case."""
    book, first = (template.format(H=H, W=W, h=h, w=w, rows=H - h + 1, cols=W - w + 1)
                   for H, W, h, w in FAILS_ON)
    return book, first


def windows(template: str, cut: tuple[int, int] = (1, 1)) -> tuple[str, str]:
    """A windows hint as said on both inputs, for a block ``cut`` rows and columns short."""
    said = []
    for H, W, h, w in FAILS_ON:
        rows, cols = H - h + 1, W - w + 1
        said.append(template.format(rows=rows - cut[0], cols=cols - cut[1], total_rows=rows,
                                    total_cols=cols))
    return said[0], said[1]


def wrong_values(book: str | None, matches: str | None, *,
                 gradients: str | None = None) -> dict[str, str | None]:
    """What a corr2d with wrong values loses: its value checks with their hints and the properties
    held back beside them (the layer over it is judged on its own)."""
    return {
        "corr2d::book_example[cpu]": book, "corr2d::matches_conv2d[cpu]": matches,
        "corr2d::keeps_dtype[cpu]": HELD_BACK, "corr2d::keeps_device[meta]": HELD_BACK,
        "corr2d::gradients_match[cpu]": gradients, "corr2d::inputs_unchanged[cpu]": HELD_BACK,
    }


def layer_lost(hint: str | None, *, registers: bool = False) -> dict[str, str | None]:
    """The layer's forward and gradients lost with the same hint (and its parameters, with it)."""
    names = ("registers_parameters",) * registers + ("forward_matches", "gradients_match")
    return {f"conv2d_layer::{name}[cpu]": hint for name in names}


def edge_kernel_lost(hint: str) -> dict[str, str | None]:
    """Both edge-kernel checks lost with the same hint."""
    return {"edge_detection::kernel_marks_edges[cpu]": hint,
            "edge_detection::kernel_ignores_horizontal_edges[cpu]": hint}


#: Each wrong variant (tests/fixtures/variants/NAME.py): every check it fails on cpu/meta, and the
#: hint that failure must carry (None: the message alone says it).
EXPECTED: dict[str, dict[str, str | None]] = {
    "corr2d_book": {
        "corr2d::keeps_dtype[cpu]": hints.HINT_DTYPE_FLOAT32,
        "corr2d::keeps_device[meta]": hints.HINT_DEVICE_META,
    },
    **{name: {"corr2d::keeps_dtype[cpu]": hints.HINT_DTYPE_FLOAT32} for name in (
        "corr2d_float_cast", "corr2d_zeros_float32")},
    "corr2d_cpu_output": {"corr2d::keeps_device[meta]": hints.HINT_DEVICE_META},
    "corr2d_always_float64": {"corr2d::keeps_dtype[cpu]": hints.HINT_DTYPE_FLOAT64},
    # Values read out of K into Python: no gradient reaches K, and on meta nothing can be read.
    **{name: {"corr2d::keeps_device[meta]": hints.HINT_DEVICE_META,
              "corr2d::gradients_match[cpu]": hints.HINT_DETACHED.format(name="K"),
              "conv2d_layer::gradients_match[cpu]": MAY_BLAME_CORR2D} for name in (
        "corr2d_kernel_tolist", "corr2d_kernel_item")},
    "corr2d_detach_x": {"corr2d::gradients_match[cpu]": hints.HINT_DETACHED.format(name="X")},
    "corr2d_input_sub_in_place": {"corr2d::gradients_match[cpu]": hints.HINT_INPLACE_LEAF},
    "corr2d_normalizes_kernel": {
        **wrong_values(None, None, gradients=hints.HINT_INPLACE_LEAF),
        "corr2d::inputs_unchanged[cpu]": hints.HINT_INPLACE,
        "conv2d_layer::registers_parameters[cpu]": HELD_BACK, **layer_lost(MAY_BLAME_CORR2D)},
    # corr2d's windows sliced wrong, read from its result: a block of the true output, a leading
    # block filled and zeros after it, the output transposed, another shape (which, and why). The
    # solution's Conv2D over it is right, judged on its own: it returns that corr2d's output plus
    # the bias, and loses nothing.
    **{name: wrong_values(*windows(hints.HINT_WINDOWS_END_EARLY)) for name in (
        "corr2d_off_by_one", "corr2d_stack_short", "corr2d_new_zeros_short")},
    **{name: wrong_values(*windows(hints.HINT_WINDOWS_START_LATE)) for name in (
        "corr2d_windows_late", "corr2d_one_based", "corr2d_stack_late")},
    **{name: wrong_values(*windows(hints.HINT_UNFILLED)) for name in (
        "corr2d_loops_short", "corr2d_loops_minus_one")},
    # The square book example comes out right; the wide case does not, and a tall one raises.
    "corr2d_columns_from_rows": {
        **wrong_values(HELD_BACK, windows(hints.HINT_UNFILLED, cut=(0, 2))[1]),
        "corr2d::inputs_unchanged[cpu]": None},
    "corr2d_same_size": wrong_values(*sized(hints.HINT_OUTPUT_SIZE), gradients=HELD_BACK),
    "corr2d_full_padding": wrong_values(*sized(hints.HINT_OUTPUT_SIZE)),
    **{name: wrong_values(hints.HINT_TRANSPOSED_OUTPUT, hints.HINT_TRANSPOSED_OUTPUT,
                          gradients=HELD_BACK) for name in (
        "corr2d_transposed_output", "corr2d_columns_outer", "corr2d_transposed_return")},
    "corr2d_flipped_kernel": wrong_values(hints.HINT_FLIPPED_KERNEL, hints.HINT_FLIPPED_KERNEL),
    # Without a gradient through corr2d, the layer's own gradients cannot be had either.
    **{name: {
        "corr2d::book_example[cpu]": HELD_BACK,  # whole numbers there
        "corr2d::matches_conv2d[cpu]": hints.HINT_ROUNDS,
        "corr2d::keeps_dtype[cpu]": hints.HINT_DTYPE_INTEGER,
        "corr2d::keeps_device[meta]": HELD_BACK,
        "corr2d::gradients_match[cpu]": hints.HINT_NOT_DIFFERENTIABLE,
        "corr2d::inputs_unchanged[cpu]": HELD_BACK,
        "conv2d_layer::gradients_match[cpu]": MAY_BLAME_CORR2D,
    } for name in ("corr2d_long_output", "corr2d_int32_output")},
    "corr2d_integer_output": {
        "corr2d::book_example[cpu]": HELD_BACK,  # whole numbers there
        "corr2d::matches_conv2d[cpu]": hints.HINT_ROUNDS,
        "corr2d::keeps_dtype[cpu]": hints.HINT_DTYPE_INTEGER,
        "corr2d::keeps_device[meta]": HELD_BACK,
        "corr2d::gradients_match[cpu]": hints.HINT_NOT_DIFFERENTIABLE,
        "corr2d::inputs_unchanged[cpu]": HELD_BACK,
        "conv2d_layer::gradients_match[cpu]": MAY_BLAME_CORR2D,
    },
    "corr2d_modifies_input": {
        "corr2d::inputs_unchanged[cpu]": hints.HINT_INPLACE,
        "corr2d::gradients_match[cpu]": hints.HINT_INPLACE_LEAF,
        "conv2d_layer::gradients_match[cpu]": MAY_BLAME_CORR2D,
    },
    "corr2d_numpy": {
        "corr2d::keeps_device[meta]": hints.HINT_DEVICE_META,
        "corr2d::gradients_match[cpu]": hints.HINT_NOT_DIFFERENTIABLE,
        "conv2d_layer::gradients_match[cpu]": MAY_BLAME_CORR2D,
    },
    "conv2d_plain_weight": {
        "conv2d_layer::registers_parameters[cpu]": hints.HINT_PLAIN_TENSOR.format(name="weight"),
        "conv2d_layer::gradients_match[cpu]": hints.HINT_PLAIN_TENSOR.format(name="weight"),
    },
    "conv2d_cpu_output": {},  # wrong only on CUDA: CUDA_EXPECTED
    "conv2d_no_bias": {"conv2d_layer::registers_parameters[cpu]": HELD_BACK,
                       **layer_lost(hints.HINT_NO_BIAS)},
    "conv2d_no_bias_over_flipped_corr2d": {
        **wrong_values(hints.HINT_FLIPPED_KERNEL, hints.HINT_FLIPPED_KERNEL),
        "conv2d_layer::registers_parameters[cpu]": HELD_BACK, **layer_lost(hints.HINT_NO_BIAS)},
    # Weights or biases the check cannot set its values into: the real reason, not an error.
    "conv2d_bias_none": layer_lost(hints.HINT_MISSING_PARAMETER.format(name="bias"), registers=True),
    "conv2d_fixed_weight_shape": layer_lost(hints.HINT_WEIGHT_SHAPE, registers=True),
    "conv2d_bias_per_position": layer_lost(hints.HINT_BIAS_SHAPE, registers=True),
    # A layer that is neither conv2d's nor its own corr2d's plus the bias, over a wrong corr2d.
    **{name: {**corr2d_lost, "conv2d_layer::registers_parameters[cpu]": HELD_BACK,
              **layer_lost(BLAME_CORR2D)} for name, corr2d_lost in (
        ("conv2d_neither_bias_subtracted", wrong_values(
            hints.HINT_TRANSPOSED_OUTPUT, hints.HINT_TRANSPOSED_OUTPUT, gradients=HELD_BACK)),
        ("conv2d_neither_scaled_bias", wrong_values(*windows(hints.HINT_WINDOWS_END_EARLY))),
        ("conv2d_neither_doubled", wrong_values(*windows(hints.HINT_WINDOWS_START_LATE))))},
    # Over a corr2d that is still the stub's: not answered, saying the layer waits for corr2d.
    # (Its parameters are held back beside the forward not answered; with Conv2D a stub too, they
    # are not answered either.)
    **{name: {**dict.fromkeys(CORR2D_CHECKS), "conv2d_layer::registers_parameters[cpu]": HELD_BACK,
              **layer_lost(None, registers=name.endswith("stubs"))}
       for name in ("conv2d_waits_for_stub_corr2d", "conv2d_waits_randn_init",
                    "conv2d_waits_both_stubs")},
    "edge_image_inverted": {"edge_detection::edge_image_is_books[cpu]": hints.HINT_IMAGE_INVERTED},
    "edge_kernel_swapped": {
        "edge_detection::kernel_marks_edges[cpu]": hints.HINT_SIGNS_SWAPPED,
        "edge_detection::kernel_ignores_horizontal_edges[cpu]": HELD_BACK,
    },
    "edge_kernel_horizontal": {
        "edge_detection::kernel_marks_edges[cpu]": hints.HINT_HORIZONTAL_KERNEL,
        "edge_detection::kernel_ignores_horizontal_edges[cpu]": hints.HINT_HORIZONTAL_KERNEL,
    },
    # A kernel that cannot be applied says why, with the shape found; a flat-region response says
    # what the taps sum to; an image in other colours says which.
    **{name: edge_kernel_lost(hints.HINT_KERNEL_2D) for name in (
        "edge_kernel_vector", "edge_kernel_flat", "edge_kernel_conv_weight")},
    **{name: edge_kernel_lost(hints.HINT_KERNEL_TOO_LARGE) for name in (
        "edge_kernel_returns_response", "edge_kernel_returns_image",
        "edge_kernel_transposed_response")},
    "edge_kernel_sum": edge_kernel_lost(hints.HINT_KERNEL_SUM.format(total="2")),
    **{name: edge_kernel_lost(hints.HINT_KERNEL_SUM.format(total="1")) for name in (
        "edge_kernel_one_tap", "edge_kernel_unbalanced")},
    **{name: {"edge_detection::edge_image_is_books[cpu]": hints.HINT_IMAGE_VALUES.format(
        white=white, black=black)} for name, white, black in (
        ("edge_image_255", "255", "0"), ("edge_image_uint8", "255", "0"),
        ("edge_image_signed", "1", "-1"))},
    "edge_image_rows": {"edge_detection::edge_image_is_books[cpu]": hints.HINT_IMAGE_COLUMNS},
    # learn_kernel: the update rule, read from the kernels after 1, 2 and 3 steps, names the mistake.
    **{name: both(RULE_SAME) for name in ("learn_kernel_no_update", "learn_kernel_returns_start")},
    "learn_kernel_fixed_steps": {LOSS: RULE_SAME},  # range(10): right after 20 steps, not after 1
    **{name: both(diverges(RULE_ASCENT)) for name in (
        "learn_kernel_ascent", "learn_kernel_ascent_add", "learn_kernel_ascent_rebinds")},
    **{name: both(RULE_NOT_ZEROED) for name in (
        "learn_kernel_no_zero_grad", "learn_kernel_optimizer_not_zeroed", "learn_kernel_zeroed_once")},
    **{name: {RECOVERS: RULE_MEAN, LOSS: HELD_BACK} for name in (
        "learn_kernel_mean_loss", "learn_kernel_mse_loss", "learn_kernel_mse_module")},
    **{name: {RECOVERS: RULE_NORM, LOSS: HELD_BACK} for name in (
        "learn_kernel_norm_loss", "learn_kernel_sqrt_loss", "learn_kernel_rmse_loss")},
    **{name: both(diverges(RULE_BIAS_TRAINED)) for name in (
        "learn_kernel_bias_trained", "learn_kernel_bias_optimizer", "learn_kernel_bias_own_layer",
        "learn_kernel_bias_and_books_lr")},
    **{name: both(RULE_BIAS_FIXED) for name in (
        "learn_kernel_bias_untrained", "learn_kernel_bias_lazy",
        "learn_kernel_bias_weight_only_optimizer")},
    # Right on the book's data (lr 0.03 is its lr); ten times the lr given on the random data.
    **{name: both(diverges(RULE_SCALED_TENFOLD)) for name in (
        "learn_kernel_books_lr", "learn_kernel_optim_fixed_lr", "learn_kernel_lr_shadowed")},
    # Diverging with no rule the kernels show: the causes, in order, and nothing that speeds it up.
    **{name: both(hints.HINT_DIVERGES_CAUSES) for name in (
        "learn_kernel_growing_lr", "learn_kernel_nesterov", "learn_kernel_bias_nesterov")},
    **{name: {RECOVERS: NOT_CONVERGED, LOSS: hints.HINT_NOT_MONOTONE} for name in (
        "learn_kernel_momentum", "learn_kernel_momentum_by_hand", "learn_kernel_bias_not_zeroed")},
    **{name: {RECOVERS: NOT_CONVERGED, LOSS: HELD_BACK} for name in (
        "learn_kernel_adam", "learn_kernel_sign_steps")},
    "learn_kernel_rmsprop": {RECOVERS: NOT_CONVERGED_RANDOM, LOSS: HELD_BACK},
    **{name: both(hints.HINT_LOSS_NOT_FINITE) for name in (
        "learn_kernel_nan_start", "learn_kernel_elementwise_sqrt", "learn_kernel_power_half")},
    "learn_kernel_4d": both(hints.HINT_KERNEL_SHAPE),
    "learn_kernel_ignores_data": both(IGNORES_KERNEL_SIZE),
    "learn_kernel_cpu_layer": {},  # wrong only on CUDA: CUDA_EXPECTED
    "learn_kernel_data_to_layer": {},  # wrong only on CUDA: CUDA_EXPECTED
}

#: Checks not answered (a slot still raising NotImplementedError, or a layer waiting for one): the
#: rest of what a variant loses is failed. The layer over a stub corr2d says it waits for corr2d.
UNANSWERED: dict[str, dict[str, str]] = {
    name: {**dict.fromkeys(CORR2D_CHECKS, "unanswered"),
           **{f"conv2d_layer::{c}[cpu]": "unanswered" for c in ("forward_matches", "gradients_match")},
           **({"conv2d_layer::registers_parameters[cpu]": "unanswered"} if name.endswith("stubs") else {})}
    for name in ("conv2d_waits_for_stub_corr2d", "conv2d_waits_randn_init", "conv2d_waits_both_stubs")
}

#: Right answers written as other students write them (tests/fixtures/variants/*_ok_*.py): no loss.
ACCEPTED = sorted(p.stem for p in VARIANTS.glob("*_ok_*.py"))

#: What each variant that is wrong on CUDA loses there (graded with device="cuda"), with its hint.
#: The ones listed with no CPU losses above are the CUDA-only mistakes: at least one for each
#: exercise whose answers live on a device (edge_detection's image and kernel do not).
CUDA_EXPECTED: dict[str, dict[str, str | None]] = {
    "corr2d_cpu_output": {
        "corr2d::keeps_device[cuda]": hints.HINT_DEVICE,
        "conv2d_layer::forward_matches[cuda]": MAY_BLAME_CORR2D,
        "conv2d_layer::gradients_match[cuda]": MAY_BLAME_CORR2D,
    },
    "conv2d_cpu_output": {"conv2d_layer::forward_matches[cuda]": hints.HINT_LAYER_DEVICE},
    # The layer raises on CUDA (CPU weight, CUDA input) and runs on the CPU: both checks.
    "learn_kernel_cpu_layer": {
        "learn_kernel::recovers_kernel[cuda]": hints.HINT_LEARN_DEVICE,
        "learn_kernel::loss_decreases[cuda]": hints.HINT_LEARN_DEVICE,
    },
    # Trains on the CPU and returns a CPU kernel of the right values: only the device fails.
    "learn_kernel_data_to_layer": {"learn_kernel::recovers_kernel[cuda]": hints.HINT_LEARN_DEVICE},
}


def has_cuda() -> bool:
    return bool(torch.cuda.is_available())


# --- the pack's shape ---------------------------------------------------------------------------
def test_when_the_pack_is_listed_then_ids_points_and_check_functions_are_consistent() -> None:
    # The section's own code and the autograd question here; each book exercise's own test module
    # pins its checks.
    ids = {e.id: [c.id for c in e.checks] for e in PACK.exercises}
    assert [e.id for e in PACK.exercises] == [
        "corr2d", "conv2d_layer", "edge_detection", "learn_kernel", "diagonal_edge", "autograd",
        "im2col", "kernel_matrix", "corr2d_matmul", "conv2d_matmul", "directional_edge",
        "second_derivative", "laplacian", "integral", "blur", "derivative_order_d"]
    assert {k: v for k, v in ids.items() if k in (*SECTION_0, "autograd")} == {
        "corr2d": ["book_example", "matches_conv2d", "keeps_dtype", "keeps_device",
                   "gradients_match", "inputs_unchanged"],
        "conv2d_layer": ["registers_parameters", "forward_matches", "gradients_match"],
        "edge_detection": ["edge_image_is_books", "kernel_marks_edges",
                           "kernel_ignores_horizontal_edges"],
        "learn_kernel": ["recovers_kernel", "loss_decreases"],
        "autograd": ["error_is_torchs", "gradients_match", "backpropagates"],
    }
    section_0 = sum(c.points for e in PACK.exercises if e.id in SECTION_0 for c in e.checks)
    assert section_0 == 16
    assert {e.id for e in PACK.exercises for c in e.checks if c.bonus} == {"conv2d_matmul"}
    checks = load_checks(PACK)
    runs = [c.run for e in PACK.exercises for c in e.checks]
    assert len(runs) == len(set(runs))
    assert all(callable(check_function(checks, c)) for e in PACK.exercises for c in e.checks)
    assert [q.id for e in PACK.exercises for q in e.free_text] == [
        "why_cross_correlation", "why_autograd_works", "why_integral_size", "why_blur"]


def test_when_the_pack_definition_is_imported_then_torch_is_not() -> None:
    code = "import sys, exercises.conv_layer; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_when_the_reference_is_imported_then_it_prints_nothing() -> None:
    done = subprocess.run([sys.executable, "-c", "import solutions.conv_layer"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stdout == "" and done.stderr == ""


# --- full marks and zero ------------------------------------------------------------------------
@pytest.mark.parametrize("path", [PACK.solution_module, PACK.solution_notebook],
                         ids=["module", "notebook"])
def test_when_the_solution_is_graded_then_it_scores_full_marks(path: Path) -> None:
    result = grade_here(path)
    assert_full_marks(result)
    assert all(a.text for a in result.answers)


@pytest.mark.parametrize("path", [PACK.stub_module, PACK.stub_notebook], ids=["module", "notebook"])
def test_when_the_stub_is_graded_then_every_check_is_not_answered_yet(path: Path) -> None:
    result = grade_here(path)
    ran = [c for c in result.checks if c.status != "skipped"]
    assert ran and result.points == 0 and result.bonus_points == 0
    assert {c.item_id: c.status for c in ran} == {c.item_id: "unanswered" for c in ran}
    assert all(NOT_IMPLEMENTED in c.message for c in ran), [c.message for c in ran]
    assert all(a.text is None for a in result.answers)


def test_when_the_stub_module_runs_as_a_script_then_it_raises_nothing() -> None:
    subprocess.run([sys.executable, str(PACK.stub_module)], check=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("path", sorted(ALTERNATIVES.glob("*.py")), ids=lambda p: p.stem)
def test_when_a_correct_submission_is_written_differently_then_it_scores_full_marks(path: Path) -> None:
    # The alternatives answer the section's own code only; the book's exercises test their own.
    assert lost_in(grade_here(path), *SECTION_0) == {}


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_when_grading_is_reseeded_then_correct_submissions_still_score_full_marks(seed: int) -> None:
    assert_full_marks(grade_here(PACK.solution_module, seed=seed))
    for path in ALTERNATIVES.glob("*.py"):
        assert lost_in(grade_here(path, seed=seed), *SECTION_0) == {}


# --- each known mistake loses exactly its checks --------------------------------------------------
def test_when_a_variant_fixture_exists_then_it_has_an_expectation() -> None:
    assert sorted(p.stem for p in VARIANTS.glob("*.py")) == sorted([*EXPECTED, *ACCEPTED])
    assert ACCEPTED and not any("_ok_" in name for name in EXPECTED)


def grade_section_0(path: Path, device: str = "cpu") -> SubmissionResult:
    """Grade the section's own code only: its variants touch nothing else, in a fifth of the time."""
    return grade(path, pack=SECTION_0_PACK, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device=device))


@pytest.mark.parametrize("name", ACCEPTED)
def test_when_a_right_variant_is_graded_then_it_loses_nothing(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_section_0(variant(name))
    assert {k: c.message for k, c in not_passed(result).items()} == {}
    assert result.points == result.max_points > 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_variant_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_section_0(variant(name))
    lost = lost_in(result, *SECTION_0)
    assert {k: c.status for k, c in lost.items()} == \
        {k: UNANSWERED.get(name, {}).get(k, "failed") for k in EXPECTED[name]}
    assert {k: c.hint for k, c in lost.items()} == EXPECTED[name]
    # Only an unfilled slot is "not implemented"; a wrong answer never is.
    assert all((NOT_IMPLEMENTED in c.message) == (c.status == "unanswered") for c in lost.values())
    if EXPECTED[name]:
        assert 0 < result.points < sum(c.max_points for c in result.checks)  # bonus included
    else:
        assert lost == {}


def test_when_a_variant_is_wrong_only_on_cuda_then_it_loses_nothing_on_cpu_or_meta(
    variant: Callable[[str], Path]
) -> None:
    cuda_only = sorted(name for name in CUDA_EXPECTED if not EXPECTED[name])
    assert cuda_only == ["conv2d_cpu_output", "learn_kernel_cpu_layer", "learn_kernel_data_to_layer"]
    exercises = {k.split("::")[0] for name in cuda_only for k in CUDA_EXPECTED[name]}
    assert exercises == {"conv2d_layer", "learn_kernel"}  # corr2d's is corr2d_cpu_output (meta)
    for name in cuda_only:
        assert not_passed(grade_section_0(variant(name))) == {}


def test_when_learn_kernel_ignores_its_data_then_the_random_data_catches_it(
    variant: Callable[[str], Path]
) -> None:
    lost = not_passed(grade_section_0(variant("learn_kernel_ignores_data")))
    check = lost["learn_kernel::recovers_kernel[cpu]"]
    call = learning.random_task(check_context()).call(learning.RANDOM_STEPS)
    assert check.message == compare.SHAPE_MISMATCH.format(
        what=f"the kernel that {call} returns on {hints.RANDOM_DATA}", actual="(1, 2)",
        expected="(2, 2)")


def test_when_the_books_corr2d_fails_on_meta_then_the_message_explains_the_device(
    variant: Callable[[str], Path]
) -> None:
    lost = not_passed(grade_section_0(variant("corr2d_book")))["corr2d::keeps_device[meta]"]
    assert lost.message == hints.DEVICE_RAISED.format(device="meta",
                                                      detail=hints.DEVICE_NOT_IMPLEMENTED)


def test_when_learning_never_converges_then_the_losses_are_shown(variant: Callable[[str], Path]) -> None:
    lost = not_passed(grade_section_0(variant("learn_kernel_no_update")))
    check = lost[LOSS]
    # The message shows the calls, whose steps the student never chose.
    assert check.message.startswith(hints.LOSS_NOT_DECREASING.format(
        call=BOOK_CALL, data=hints.BOOK_DATA, losses="").removesuffix(": "))
    losses = list(as_mapping(as_mapping(check.actual)["losses"]).values())
    assert len(losses) == len(learning.LOSS_STEPS) and len(set(losses)) == 1


def test_when_learn_kernel_raises_then_the_message_shows_the_call(
    tmp_path: Path, variant: Callable[[str], Path]
) -> None:
    path = tmp_path / "raises.py"
    path.write_text(variant("learn_kernel_ok_lazy").read_text() + (
        "\n\ndef learn_kernel(X, Y, kernel_size, lr, steps):\n"
        "    return torch.zeros(kernel_size).reshape(steps, 2)\n"))
    check = not_passed(grade_section_0(path))[RECOVERS]
    assert check.message.startswith(hints.CALLED_AS.format(
        call=learning.book_task().call(learning.STEPS), data=hints.BOOK_DATA, message=""))


def test_when_the_layer_is_built_lazily_then_no_call_asks_for_zero_steps() -> None:
    # nn.LazyConv2d has no weight before its first forward pass: 0 steps has no kernel to return.
    assert min(learning.LOSS_STEPS + learning.RULE_STEPS) >= 1


# --- CUDA (extra evidence; runs only where there is a GPU) ---------------------------------------
@pytest.mark.gpu
@pytest.mark.skipif(not has_cuda(), reason="needs CUDA")
def test_when_cuda_is_present_then_the_solution_passes_every_cuda_check() -> None:
    result = grade_here(PACK.solution_module, device="cuda")
    cuda = [c for c in result.checks if c.device == "cuda"]
    assert cuda and all(c.status == "passed" for c in cuda), [(c.item_id, c.message) for c in cuda]


@pytest.mark.gpu
@pytest.mark.skipif(not has_cuda(), reason="needs CUDA")
@pytest.mark.parametrize("name", sorted(CUDA_EXPECTED))
def test_when_a_variant_is_graded_on_cuda_then_it_loses_exactly_its_cuda_checks_with_their_hints(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_section_0(variant(name), device="cuda")
    lost = {k: c for k, c in not_passed(result).items() if k.endswith("[cuda]")}
    assert {k: c.status for k, c in lost.items()} == {k: "failed" for k in CUDA_EXPECTED[name]}, \
        {k: c.message for k, c in lost.items()}
    assert {k: c.hint for k, c in lost.items()} == CUDA_EXPECTED[name]


@pytest.mark.gpu
@pytest.mark.skipif(not has_cuda(), reason="needs CUDA")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_cuda_is_present_then_a_variant_loses_the_same_cpu_and_meta_checks(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_section_0(variant(name), device="cuda")
    lost = {k: c.hint for k, c in not_passed(result).items() if not k.endswith("[cuda]")}
    assert lost == EXPECTED[name]


def test_when_a_name_is_missing_then_the_check_errors_without_blaming_the_pack(
    tmp_path: Path, variant: Callable[[str], Path]
) -> None:
    source = variant("corr2d_book").read_text()
    path = tmp_path / "no_edge_kernel.py"
    path.write_text(source.replace("def edge_kernel(", "def edge_kernel_renamed("))
    lost = not_passed(grade_here(path))
    assert {k for k in lost if k.startswith("edge_detection::")} == {
        "edge_detection::kernel_marks_edges[cpu]",
        "edge_detection::kernel_ignores_horizontal_edges[cpu]",
    }
    assert lost["edge_detection::kernel_marks_edges[cpu]"].message.startswith(
        messages.MISSING_NAME.format(name="edge_kernel", where=""))


def test_when_a_property_holds_beside_wrong_values_then_it_names_the_value_check_to_fix_first(
    variant: Callable[[str], Path]
) -> None:
    def held_back(check_id: str, title: str, device: str = "") -> str:
        return messages.REQUIRES_NOT_PASSED.format(
            required=messages.REQUIRED_CHECK.format(id=check_id, title=title, device=device))

    lost = not_passed(grade_section_0(variant("corr2d_off_by_one")))
    values = ("matches_conv2d", "Agrees with torch's conv2d on other shapes")
    assert lost["corr2d::keeps_dtype[cpu]"].message == held_back(*values)
    assert lost["corr2d::keeps_device[meta]"].message == held_back(*values, "[cpu]")  # meta has no values
    lost = not_passed(grade_section_0(variant("conv2d_no_bias")))
    assert lost["conv2d_layer::registers_parameters[cpu]"].message == held_back(
        "forward_matches", "Forward is corr2d(x, weight) + bias")
    assert {c.points for c in lost.values()} == {0.0}


@pytest.mark.parametrize(("shape", "message"), [
    ((0, 2), hints.KERNEL_EMPTY.format(shape=(0, 2))),
    ((7, 2), hints.KERNEL_TOO_LARGE.format(rows=7, cols=2, side=6)),
    ((1, 1, 2), hints.KERNEL_NOT_2D.format(shape=(1, 1, 2), dims=3)),
])
def test_when_the_edge_kernel_cannot_be_applied_then_the_message_says_why_and_shows_its_shape(
    tmp_path: Path, variant: Callable[[str], Path], shape: tuple[int, ...], message: str
) -> None:
    path = tmp_path / "kernel.py"
    path.write_text(variant("edge_image_rows").read_text()
                    + f"\n\ndef edge_kernel():\n    return torch.ones({shape})\n")
    check = not_passed(grade_section_0(path))["edge_detection::kernel_marks_edges[cpu]"]
    assert check.message == message
    assert check.actual == {"kind": "property", "shape": list(shape)}


def test_when_corr2d_is_a_stub_then_the_layer_says_it_waits_for_it(variant: Callable[[str], Path]) -> None:
    lost = not_passed(grade_section_0(variant("conv2d_waits_randn_init")))
    assert lost["conv2d_layer::forward_matches[cpu]"].message == hints.LAYER_WAITS_FOR_CORR2D


def test_when_the_layer_has_no_bias_to_set_then_it_cannot_be_judged_and_says_why(
    variant: Callable[[str], Path]
) -> None:
    lost = not_passed(grade_section_0(variant("conv2d_bias_none")))
    assert lost["conv2d_layer::forward_matches[cpu]"].message == hints.LAYER_CANNOT_SET.format(
        name="bias", kind="NoneType")


@pytest.mark.parametrize("name", ["corr2d_input_sub_in_place", "corr2d_modifies_input",
                                  "corr2d_normalizes_kernel"])
def test_when_corr2d_changes_a_leaf_in_place_then_the_hint_says_the_call_raised_before_backward(
    name: str, variant: Callable[[str], Path]
) -> None:
    # autograd refuses the in-place op in the forward call: backward() never runs, so the hint
    # must not say backward() found anything.
    check = lost_in(grade_section_0(variant(name)), *SECTION_0)["corr2d::gradients_match[cpu]"]
    assert "leaf Variable that requires grad is being used in an in-place operation" in check.message
    assert check.hint == hints.HINT_INPLACE_LEAF
    assert "before any backward() ran" in check.hint and "backward() found" not in check.hint


@pytest.mark.parametrize("name", ["corr2d_int32_output", "corr2d_long_output", "corr2d_integer_output"])
def test_when_the_output_is_integer_then_the_dtype_hint_holds_for_a_cast_and_an_allocation(
    name: str, variant: Callable[[str], Path]
) -> None:
    # corr2d_int32_output allocates with X.dtype and converts with .int() at the end; the others
    # allocate an integer output: one hint must be true of both.
    check = lost_in(grade_section_0(variant(name)), *SECTION_0)["corr2d::keeps_dtype[cpu]"]
    assert check.hint == hints.HINT_DTYPE_INTEGER
    assert ".int()" in check.hint and "converting nothing on the way out" in check.hint
