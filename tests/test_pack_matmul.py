"""Section 3 of the pack as a specification: cross-correlation as a matrix multiplication.

What scores full marks (the reference and the correct lowerings written differently in
tests/fixtures/variants/matmul/ok_*.py), what scores zero (the stub), and what each known mistake
(the other fixtures there) loses, with which hint. Variants are graded against this section's
exercises only, which keeps the module fast; the reference and the stub are graded as a whole.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.conv_layer import PACK
from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer import hints_matmul_ops as ops
from exercises.conv_layer.checks import matmul_ops
from exercises.conv_layer.checks.matmul_cases import cases, patches, toeplitz, wrap
from exercises.conv_layer.checks.matmul_ops import CONVOLUTIONS, MATRIX_PRODUCTS, among
from exercises.conv_layer.checks.matmul_shapes import im2col_shape_hint, output_shape_hint
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.probe.counting import op_counter
from grader.results import SubmissionResult, as_mapping, as_tensor
from solutions import conv_layer as reference
from tests.pack_support import NOT_IMPLEMENTED, VARIANTS, check_context, grade_here, lost_in

SECTION = ("im2col", "kernel_matrix", "corr2d_matmul", "conv2d_matmul")
FOLDER = "matmul"
SECTION_PACK = dataclasses.replace(PACK, exercises=tuple(e for e in PACK.exercises if e.id in SECTION))


class Formatted:
    """Any text ``template`` makes, whatever its fields hold: a hint that names the sizes of the
    failing input (its literal words are compared; one test per hint compares the sizes too)."""

    def __init__(self, template: str) -> None:
        self.template = template
        parts = re.split(r"\{[^{}]*\}", template)
        self.pattern = re.compile("(.+?)".join(re.escape(part) for part in parts), re.DOTALL)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Formatted):
            return other.template == self.template
        return isinstance(other, str) and self.pattern.fullmatch(other) is not None

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Formatted({self.template!r})"


NOT_VECTORIZED = ops.HINT_NOT_VECTORIZED
BLAME_IM2COL = hints.HINT_USES_HELPER.format(helper="im2col")
IM2COL_HIDES = ops.HINT_HELPER_HIDES.format(helper="im2col")
#: The dtype hint of a lowering that returned float32 for float64, and corr2d_matmul's built on it.
IM2COL_FLOAT32 = hints.HINT_DTYPE["float32"].format(
    name="im2col", source="X", actual="float32", expected="float64") + hints.WHY_LOWERING_DTYPE
IM2COL_IS_FLOAT32 = hints.HINT_HELPER_DTYPE.format(helper="im2col", actual="float32")
#: A property that holds on its own but counts only alongside a correct value (``Check.requires``):
#: it fails without a hint, its message naming the check to fix first (tests/test_trivial_answers.py).
HELD_BACK = None
#: Every property of an exercise held back beside its wrong value.
IM2COL_HELD = {"im2col::keeps_dtype[cpu]": HELD_BACK, "im2col::vectorized[cpu]": HELD_BACK}
KERNEL_MATRIX_HELD = {"kernel_matrix::keeps_dtype[cpu]": HELD_BACK,
                      "kernel_matrix::vectorized[cpu]": HELD_BACK}
CORR2D_MATMUL_HELD = {"corr2d_matmul::keeps_dtype[cpu]": HELD_BACK,
                      "corr2d_matmul::one_matmul[cpu]": HELD_BACK,
                      "corr2d_matmul::vectorized[cpu]": HELD_BACK}
#: corr2d_matmul built on an im2col that raises it, so all its checks fail on their own, blaming it.
CORR2D_MATMUL_BLAMES_IM2COL = {f"corr2d_matmul::{check}[cpu]": BLAME_IM2COL
                               for check in ("matches_conv2d", "keeps_dtype", "one_matmul", "vectorized")}

#: Each wrong variant (tests/fixtures/variants/matmul/NAME.py): every check of this section it fails
#: on the CPU, and the hint that failure must carry. ``ok_*`` variants are correct: they lose none.
EXPECTED: dict[str, dict[str, str | Formatted | None]] = {
    # corr2d_matmul multiplies the student's im2col: a broken im2col breaks it too, and says so.
    "im2col_transposed": {
        "im2col::rows_are_patches[cpu]": hints.HINT_IM2COL_TRANSPOSED, **IM2COL_HELD,
        **CORR2D_MATMUL_BLAMES_IM2COL,
    },
    "im2col_column_major": {
        "im2col::rows_are_patches[cpu]": hints.HINT_PATCH_ORDER, **IM2COL_HELD,
        **CORR2D_MATMUL_HELD, "corr2d_matmul::matches_conv2d[cpu]": BLAME_IM2COL,
    },
    "im2col_patch_transposed": {
        "im2col::rows_are_patches[cpu]": hints.HINT_PATCH_FLATTEN, **IM2COL_HELD,
        **CORR2D_MATMUL_HELD, "corr2d_matmul::matches_conv2d[cpu]": BLAME_IM2COL,
    },
    # The misconception row: a correct lowering built in a loop loses only "vectorized".
    "im2col_loop": {
        "im2col::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::vectorized[cpu]": ops.HINT_USES_SLOW_IM2COL,
    },
    # Right values in float32: im2col loses only its dtype and, built in a loop, vectorized;
    # corr2d_matmul on it raises for float64 inputs (a product of mixed dtypes), blaming im2col.
    "im2col_loop_book": {
        "im2col::keeps_dtype[cpu]": IM2COL_FLOAT32,
        "im2col::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::matches_conv2d[cpu]": IM2COL_IS_FLOAT32,
        "corr2d_matmul::keeps_dtype[cpu]": IM2COL_IS_FLOAT32,
        "corr2d_matmul::one_matmul[cpu]": HELD_BACK,
        "corr2d_matmul::vectorized[cpu]": ops.HINT_USES_SLOW_IM2COL,
    },
    "im2col_cpu_output": {},  # wrong only on CUDA: CUDA_EXPECTED
    "kernel_matrix_loop": {"kernel_matrix::vectorized[cpu]": NOT_VECTORIZED},
    "kernel_matrix_flipped": {"kernel_matrix::matches_corr2d[cpu]": hints.HINT_FLIPPED,
                              **KERNEL_MATRIX_HELD},
    "kernel_matrix_transposed": {"kernel_matrix::matches_corr2d[cpu]": hints.HINT_W_TRANSPOSED,
                                 **KERNEL_MATRIX_HELD},
    "corr2d_matmul_per_row": {
        "corr2d_matmul::one_matmul[cpu]": ops.HINT_PER_POSITION.format(count=24, positions=24),
        "corr2d_matmul::vectorized[cpu]": NOT_VECTORIZED,
    },
    "corr2d_matmul_mul_sum": {
        "corr2d_matmul::one_matmul[cpu]": ops.HINT_NO_MATMUL,
        "corr2d_matmul::vectorized[cpu]": NOT_VECTORIZED,
    },
    "corr2d_matmul_per_kernel_row": {"corr2d_matmul::one_matmul[cpu]": ops.HINT_SEVERAL_MATMULS},
    "corr2d_matmul_conv2d": {"corr2d_matmul::one_matmul[cpu]": ops.HINT_USES_CONVOLUTION},
    "conv2d_matmul_no_padding": {"conv2d_matmul::matches_conv2d[cpu]": hints.HINT_PADDING_IGNORED,
                                 "conv2d_matmul::keeps_dtype[cpu]": HELD_BACK},
    "conv2d_matmul_no_stride": {"conv2d_matmul::matches_conv2d[cpu]": hints.HINT_STRIDE_IGNORED,
                                "conv2d_matmul::keeps_dtype[cpu]": HELD_BACK},
    # A single row, or another wrong shape: which shape is expected and why, with the sizes.
    "kernel_matrix_first_row": {"kernel_matrix::matches_corr2d[cpu]": Formatted(hints.HINT_W_ONE_ROW),
                                **KERNEL_MATRIX_HELD},
    "kernel_matrix_flat_canvas": {
        "kernel_matrix::matches_corr2d[cpu]": Formatted(hints.HINT_W_ONE_ROW), **KERNEL_MATRIX_HELD},
    "im2col_unfold_not_flattened": {
        "im2col::rows_are_patches[cpu]": Formatted(hints.HINT_IM2COL_NOT_FLATTENED), **IM2COL_HELD,
        **CORR2D_MATMUL_BLAMES_IM2COL,
    },
    "corr2d_matmul_flat": {"corr2d_matmul::matches_conv2d[cpu]": Formatted(hints.HINT_NOT_RESHAPED),
                           **CORR2D_MATMUL_HELD},
    "corr2d_matmul_row_vector": {
        "corr2d_matmul::matches_conv2d[cpu]": Formatted(hints.HINT_ONE_ROW), **CORR2D_MATMUL_HELD},
    "corr2d_matmul_swapped_reshape": {
        "corr2d_matmul::matches_conv2d[cpu]": Formatted(hints.HINT_ONE_ROW), **CORR2D_MATMUL_HELD},
    # Right values in another dtype: only keeps_dtype is lost (or, for a helper, what raises on it).
    "im2col_float": {
        "im2col::keeps_dtype[cpu]": IM2COL_FLOAT32,
        "corr2d_matmul::matches_conv2d[cpu]": IM2COL_IS_FLOAT32,
        "corr2d_matmul::keeps_dtype[cpu]": IM2COL_IS_FLOAT32,
        "corr2d_matmul::one_matmul[cpu]": HELD_BACK,
        "corr2d_matmul::vectorized[cpu]": HELD_BACK,
    },
    "kernel_matrix_float32_basis": {"kernel_matrix::keeps_dtype[cpu]": hints.HINT_DTYPE["float32"].format(
        name="kernel_matrix", source="K", actual="float32", expected="float64") + hints.WHY_LOWERING_DTYPE},
    "corr2d_matmul_double": {"corr2d_matmul::keeps_dtype[cpu]": hints.HINT_DTYPE["float64"].format(
        name="corr2d_matmul", source="X", actual="float64", expected="float32")},
    "conv2d_matmul_float": {"conv2d_matmul::keeps_dtype[cpu]": hints.HINT_DTYPE["float32"].format(
        name="conv2d_matmul", source="X", actual="float32", expected="float64")},
    # Loops hidden from the operation counter: right values, and counts that do not grow; the
    # witness beside the counter fails them (tests/test_pack_matmul_forged.py: the messages).
    "im2col_hidden_disable_torch_function": {
        "im2col::vectorized[cpu]": ops.HINT_CHANGED,
        "kernel_matrix::vectorized[cpu]": ops.HINT_UNSEEN,
        "corr2d_matmul::one_matmul[cpu]": IM2COL_HIDES,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    "corr2d_matmul_hidden_disable_torch_function": {
        "corr2d_matmul::one_matmul[cpu]": ops.HINT_UNSEEN,
        "corr2d_matmul::vectorized[cpu]": ops.HINT_UNSEEN,
    },
    "im2col_hidden_views": {
        "im2col::vectorized[cpu]": ops.HINT_VIEWS,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    "im2col_numpy": {
        "im2col::vectorized[cpu]": ops.HINT_UNSEEN,
        "kernel_matrix::vectorized[cpu]": ops.HINT_ENTERED,
        "corr2d_matmul::one_matmul[cpu]": IM2COL_HIDES,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    "corr2d_matmul_numpy": {
        "corr2d_matmul::one_matmul[cpu]": ops.HINT_ENTERED,
        "corr2d_matmul::vectorized[cpu]": ops.HINT_ENTERED,
    },
    "im2col_pop_mode": {
        "im2col::vectorized[cpu]": ops.HINT_UNSEEN,
        "kernel_matrix::vectorized[cpu]": ops.HINT_SWITCHED_OFF,
        "corr2d_matmul::one_matmul[cpu]": IM2COL_HIDES,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    # Switches that hide nothing from a torch function mode: the loops are counted as loops.
    "im2col_disable_subclass": {
        "im2col::vectorized[cpu]": NOT_VECTORIZED,
        "kernel_matrix::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::vectorized[cpu]": ops.HINT_USES_SLOW_IM2COL,
    },
    "corr2d_matmul_aten": {
        "kernel_matrix::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::one_matmul[cpu]": ops.HINT_PER_POSITION.format(count=24, positions=24),
        "corr2d_matmul::vectorized[cpu]": NOT_VECTORIZED,
    },
}
ACCEPTED = sorted(p.stem for p in (VARIANTS / FOLDER).glob("ok_*.py"))

#: What a variant that is wrong on CUDA loses there (graded with device="cuda"), with its hint.
CUDA_EXPECTED: dict[str, dict[str, str | Formatted | None]] = {
    "im2col_cpu_output": {
        "im2col::rows_are_patches[cuda]": hints.HINT_KEEP_DEVICE.format(name="im2col", source="X"),
        "im2col::keeps_dtype[cuda]": HELD_BACK,
        "corr2d_matmul::matches_conv2d[cuda]": BLAME_IM2COL,
        "corr2d_matmul::keeps_dtype[cuda]": BLAME_IM2COL,
    },
    # The book's torch.zeros(shape) is float32 on the CPU: right values on the CPU, where only the
    # dtype is lost; on CUDA the rows are on the wrong device too, which corr2d_matmul blames first.
    "im2col_loop_book": {
        "im2col::rows_are_patches[cuda]": hints.HINT_KEEP_DEVICE.format(name="im2col", source="X"),
        "im2col::keeps_dtype[cuda]": IM2COL_FLOAT32,
        "corr2d_matmul::matches_conv2d[cuda]": BLAME_IM2COL,
        "corr2d_matmul::keeps_dtype[cuda]": BLAME_IM2COL,
    },
}


def grade_section(path: Path, *, seed: int = 0, device: str = "cpu") -> SubmissionResult:
    """Grade a trusted fixture against this section's exercises only, in this process."""
    return grade(path, pack=SECTION_PACK, runner=lambda options: InProcessRunner(),
                 options=GradeOptions(device=device, seed=seed))


def mine(result: SubmissionResult) -> dict[str, str]:
    """The status of every check of this section that ran."""
    return {c.item_id: c.status for c in result.checks
            if c.exercise in SECTION and c.status != "skipped"}


def has_cuda() -> bool:
    return bool(torch.cuda.is_available())


# --- full marks and zero ------------------------------------------------------------------------
@pytest.mark.parametrize("path", [PACK.solution_module, PACK.solution_notebook],
                         ids=["module", "notebook"])
def test_when_the_solution_is_graded_then_every_matmul_check_passes(path: Path) -> None:
    result = grade_here(path)
    statuses = mine(result)
    assert len(statuses) == 12 and set(statuses.values()) == {"passed"}, lost_in(result, *SECTION)
    bonus = [c for c in result.checks if c.bonus and c.device == "cpu"]
    assert [c.item_id for c in bonus] == ["conv2d_matmul::matches_conv2d[cpu]",
                                          "conv2d_matmul::keeps_dtype[cpu]"]
    assert {c.status for c in bonus} == {"passed"}


@pytest.mark.parametrize("path", [PACK.stub_module, PACK.stub_notebook], ids=["module", "notebook"])
def test_when_the_stub_is_graded_then_every_matmul_check_is_not_answered(path: Path) -> None:
    result = grade_here(path)
    ran = [c for c in result.checks if c.exercise in SECTION and c.status != "skipped"]
    assert len(ran) == 12
    assert all(c.status == "unanswered" and NOT_IMPLEMENTED in c.message for c in ran), \
        [c.message for c in ran]
    assert all(c.hint is None for c in ran)  # no helper is blamed for an unfilled slot


@pytest.mark.parametrize("name", ACCEPTED)
def test_when_a_lowering_is_written_differently_then_it_scores_full_marks(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_section(variant(f"{FOLDER}/{name}"))
    assert lost_in(result, *SECTION) == {}
    assert set(mine(result).values()) == {"passed"}


#: Accepted lowerings that depend most on the shapes, one per function in each group, so a group is
#: one submission: reseeding grades three submissions instead of eleven.
RESEEDED = (
    ("ok_im2col_offsets", "ok_kernel_matrix_taps", "ok_corr2d_matmul_linear",
     "ok_conv2d_matmul_f_unfold"),
    ("ok_im2col_as_strided", "ok_corr2d_matmul_kernel_matrix"),  # with its own kernel_matrix
)


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_when_grading_is_reseeded_then_correct_lowerings_still_score_full_marks(
    seed: int, variant: Callable[[str], Path]
) -> None:
    groups = [variant(f"{FOLDER}/{first}") for first, *_ in RESEEDED]
    for path, (_, *rest) in zip(groups, RESEEDED, strict=True):
        path.write_text(path.read_text() + "".join(
            f"# %%\n{(VARIANTS / FOLDER / f'{name}.py').read_text()}" for name in rest))
    for path in (PACK.solution_module, *groups):
        result = grade_section(path, seed=seed)
        assert {k: c.message for k, c in lost_in(result, *SECTION).items()} == {}, path.name


# --- each known mistake loses exactly its checks --------------------------------------------------
def test_when_a_variant_fixture_exists_then_it_has_an_expectation() -> None:
    stems = sorted(p.stem for p in (VARIANTS / FOLDER).glob("*.py"))
    assert stems == sorted([*EXPECTED, *ACCEPTED])
    assert ACCEPTED and all(not name.startswith("ok_") for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_variant_is_graded_then_it_loses_exactly_its_checks_with_their_hints(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_section(variant(f"{FOLDER}/{name}"))
    lost = lost_in(result, *SECTION)
    assert {k: c.status for k, c in lost.items()} == {k: "failed" for k in EXPECTED[name]}, \
        {k: c.message for k, c in lost.items()}
    assert {k: c.hint for k, c in lost.items()} == EXPECTED[name]
    assert not any(NOT_IMPLEMENTED in c.message for c in lost.values())


def test_when_each_function_has_a_misconception_then_at_least_two_wrong_variants_show_it() -> None:
    for exercise in SECTION:
        wrong = [name for name in EXPECTED if name.startswith(exercise) and EXPECTED[name]]
        assert len(wrong) >= 2, exercise


def test_when_im2col_gives_wrong_patches_then_corr2d_matmul_built_on_it_fails_and_blames_it() -> None:
    # The reference corr2d_matmul multiplies the student's im2col: the dependency is part of the
    # specification, not an accident of the fixtures.
    wrong_patches = [name for name in EXPECTED if "im2col::rows_are_patches[cpu]" in EXPECTED[name]]
    assert len(wrong_patches) >= 3
    for name in wrong_patches:
        assert EXPECTED[name]["corr2d_matmul::matches_conv2d[cpu]"] == BLAME_IM2COL, name
    slow = [name for name in EXPECTED if EXPECTED[name].get("im2col::vectorized[cpu]") == NOT_VECTORIZED]
    assert slow and all(
        EXPECTED[name]["corr2d_matmul::vectorized[cpu]"] == ops.HINT_USES_SLOW_IM2COL
        # one product is still one product: held back at most, beside a wrong value
        and EXPECTED[name].get("corr2d_matmul::one_matmul[cpu]", HELD_BACK) is HELD_BACK for name in slow)
    # An im2col that hides operations hides them inside corr2d_matmul's counted calls too: the
    # counter cannot tell how many products there were, except when only views were hidden.
    hiding = [name for name in EXPECTED
              if EXPECTED[name].get("im2col::vectorized[cpu]") not in (None, NOT_VECTORIZED)]
    assert len(hiding) >= 4
    for name in hiding:
        assert EXPECTED[name]["corr2d_matmul::vectorized[cpu]"] == IM2COL_HIDES, name
        views = EXPECTED[name]["im2col::vectorized[cpu]"] == ops.HINT_VIEWS
        assert EXPECTED[name].get("corr2d_matmul::one_matmul[cpu]") == (None if views else IM2COL_HIDES)


def test_when_a_lowering_is_built_in_a_loop_then_the_counts_and_times_are_shown(
    variant: Callable[[str], Path]
) -> None:
    result = grade_section(variant(f"{FOLDER}/im2col_loop"))
    checks = {c.item_id: c for c in result.checks}
    im2col = checks["im2col::vectorized[cpu]"]
    assert im2col.details is not None
    small, large = as_mapping(im2col.details[ops.DETAIL_OPS]).values()
    assert isinstance(small, int) and isinstance(large, int)
    assert small < large  # grows with the image: one round of operations per output position
    assert im2col.message == ops.NOT_VECTORIZED.format(
        call="im2col(X, (3, 2))", small=small, large=large,
        small_size=ops.ON_IMAGE.format(size=8), large_size=ops.ON_IMAGE.format(size=16))
    assert checks["corr2d_matmul::one_matmul[cpu]"].status == "passed"
    timed = checks["corr2d_matmul::vectorized[cpu]"].details
    assert timed is not None
    times = as_mapping(timed[ops.DETAIL_SECONDS])
    assert set(times) == {ops.TIMED_STUDENT, ops.TIMED_REFERENCE}
    assert all(isinstance(t, float) and t > 0 for t in times.values())


def test_when_the_solution_is_vectorized_then_its_counts_are_shown_and_equal() -> None:
    result = grade_section(PACK.solution_module)
    for check in ("im2col::vectorized[cpu]", "kernel_matrix::vectorized[cpu]",
                  "corr2d_matmul::vectorized[cpu]"):
        found = {c.item_id: c for c in result.checks}[check]
        assert found.details is not None
        small, large = as_mapping(found.details[ops.DETAIL_OPS]).values()
        assert isinstance(large, int) and small == large > 0
    one = {c.item_id: c for c in result.checks}["corr2d_matmul::one_matmul[cpu]"]
    assert one.details is not None and one.details[ops.DETAIL_MATMULS] == {"matmul": 1}


def test_when_products_are_taken_per_position_then_the_message_counts_them(
    variant: Callable[[str], Path]
) -> None:
    result = grade_section(variant(f"{FOLDER}/corr2d_matmul_per_row"))
    lost = lost_in(result, *SECTION)["corr2d_matmul::one_matmul[cpu]"]
    assert lost.message == ops.MATMUL_COUNT.format(H=6, W=7, h=3, w=2, count=24, names="matmul x 24")


@pytest.mark.parametrize(("name", "check", "shape"), [
    ("kernel_matrix_flipped", "kernel_matrix::matches_corr2d[cpu]", [6, 12]),
    ("im2col_column_major", "im2col::rows_are_patches[cpu]", [6, 4]),
])
def test_when_a_lowering_is_wrong_then_a_small_example_is_exhibited_beside_the_truth(
    name: str, check: str, shape: list[int], variant: Callable[[str], Path]
) -> None:
    lost = lost_in(grade_section(variant(f"{FOLDER}/{name}")), *SECTION)[check]
    exercise = check.split("::")[0]
    yours, truth = lost.exhibits
    assert (yours["label"], truth["label"]) == (hints.EXHIBIT_YOURS[exercise], hints.EXHIBIT_TRUTH[exercise])
    mine, right = as_tensor(yours["value"]), as_tensor(truth["value"])
    assert mine["shape"] == right["shape"] == shape
    assert mine["values"] != right["values"]


def test_when_a_lowering_is_right_then_nothing_is_exhibited() -> None:
    result = grade_section(PACK.solution_module)
    assert all(c.exhibits == () for c in result.checks if c.exercise in SECTION)


# --- a single row or another wrong shape: the expected shape, and why, with the sizes -------------
def _first_case(salt: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The first input a values check tries (cases(ctx, salt) at seed 0): where a wrong shape fails."""
    X, K = cases(check_context(), salt)[0]
    return X, K


def _sizes(X: torch.Tensor, K: torch.Tensor, shape: tuple[int, ...]) -> dict[str, object]:
    (H, W), (h, w) = X.shape, K.shape
    return {"H": H, "W": W, "h": h, "w": w, "out_h": H - h + 1, "out_w": W - w + 1,
            "positions": (H - h + 1) * (W - w + 1), "taps": h * w, "pixels": H * W,
            "shape": str(shape)}


@pytest.mark.parametrize(("name", "check", "salt", "template", "shape"), [
    ("kernel_matrix_first_row", "kernel_matrix::matches_corr2d[cpu]", 200, hints.HINT_W_ONE_ROW,
     lambda H, W, out_h, out_w, h, w: (1, H * W)),
    ("kernel_matrix_flat_canvas", "kernel_matrix::matches_corr2d[cpu]", 200, hints.HINT_W_ONE_ROW,
     lambda H, W, out_h, out_w, h, w: (H * W,)),
    ("im2col_unfold_not_flattened", "im2col::rows_are_patches[cpu]", 100,
     hints.HINT_IM2COL_NOT_FLATTENED, lambda H, W, out_h, out_w, h, w: (out_h, out_w, h, w)),
    ("corr2d_matmul_flat", "corr2d_matmul::matches_conv2d[cpu]", 300, hints.HINT_NOT_RESHAPED,
     lambda H, W, out_h, out_w, h, w: (out_h * out_w,)),
    ("corr2d_matmul_row_vector", "corr2d_matmul::matches_conv2d[cpu]", 300, hints.HINT_ONE_ROW,
     lambda H, W, out_h, out_w, h, w: (1, out_h * out_w)),
])
def test_when_a_lowering_has_the_wrong_shape_then_the_hint_says_which_shape_and_why_with_the_sizes(
    name: str, check: str, salt: int, template: str, shape: Callable[..., tuple[int, ...]],
    variant: Callable[[str], Path],
) -> None:
    X, K = _first_case(salt)
    (H, W), (h, w) = X.shape, K.shape
    returned = shape(H=H, W=W, out_h=H - h + 1, out_w=W - w + 1, h=h, w=w)
    lost = lost_in(grade_section(variant(f"{FOLDER}/{name}")), *SECTION)[check]
    assert lost.hint == template.format(line="row", **_sizes(X, K, returned))
    assert f"has shape {returned}; expected" in lost.message


def test_when_patches_are_a_single_row_then_the_hint_says_one_row_per_output_position() -> None:
    X, K = torch.randn(5, 7, dtype=torch.float64), torch.randn(3, 2, dtype=torch.float64)
    truth = patches(X, (3, 2), torch.device("cpu"))
    one_row = wrap(truth.reshape(1, -1), "float64")
    assert im2col_shape_hint(one_row, truth, (5, 7), (3, 2)) == hints.HINT_IM2COL_ONE_ROW.format(
        **_sizes(X, K, (1, 108)))
    assert im2col_shape_hint(wrap(truth, "float64"), truth, (5, 7), (3, 2)) is None
    assert output_shape_hint(wrap(torch.zeros(15), "float64"), truth[:, 0].reshape(3, 6), (5, 7),
                             (3, 2)) == hints.HINT_OUTPUT_SHAPE.format(**_sizes(X, K, (15,)))


# --- dtype is its own check -----------------------------------------------------------------------
#: Variants whose function returns the right values in another dtype, and the exercise they answer.
OTHER_DTYPE = {"im2col_float": "im2col", "im2col_loop_book": "im2col",
               "kernel_matrix_float32_basis": "kernel_matrix", "corr2d_matmul_double": "corr2d_matmul",
               "conv2d_matmul_float": "conv2d_matmul"}


@pytest.mark.parametrize("name", sorted(OTHER_DTYPE))
def test_when_the_values_are_right_in_another_dtype_then_only_keeps_dtype_is_lost_for_them(name: str) -> None:
    exercise = OTHER_DTYPE[name]
    lost = {k for k in EXPECTED[name] if k.startswith(f"{exercise}::")}
    assert f"{exercise}::keeps_dtype[cpu]" in lost
    assert not any(k.startswith((f"{exercise}::rows_are_patches", f"{exercise}::matches")) for k in lost)


# --- operands far larger than needed: a note, never a verdict -------------------------------------
DENSE = sorted(p.stem for p in (VARIANTS / FOLDER).glob("ok_dense_*.py"))
DENSE_EXERCISE = {"ok_dense_corr2d_matmul_toeplitz": "corr2d_matmul",
                  "ok_dense_corr2d_matmul_full": "corr2d_matmul", "ok_dense_im2col_masks": "im2col"}


class _Details:
    """What a check reports for information, recorded (``note_dense`` needs nothing else of a
    context)."""

    def __init__(self) -> None:
        self.details: dict[str, object] = {}

    def detail(self, key: str, value: object) -> None:
        self.details[key] = value


def _growth(largest: int | None) -> matmul_ops.Growth:
    findings = {} if largest is None else {matmul_ops.LARGEST: largest}
    call = matmul_ops.Counted({"unfold": 2, "reshape": 1}, findings, 1260)
    return matmul_ops.Growth(call, call)


@pytest.mark.parametrize(("largest", "noted"), [
    (None, False), (1260, False), (8 * 1260, False), (8 * 1260 + 1, True), (210 * 256, True)])
def test_when_a_call_handles_a_tensor_far_larger_than_the_patches_then_it_gets_a_note(
    largest: int | None, noted: bool
) -> None:
    recorded = _Details()
    matmul_ops.note_dense(recorded, _growth(largest), "corr2d_matmul",  # type: ignore[arg-type]
                          hints.CORR2D_MATMUL_CALL, matmul_ops.patch_elements(matmul_ops.LARGE))
    assert (ops.DETAIL_DENSE in recorded.details) == noted
    if noted:
        what, cheaper = ops.DENSE_NEEDS["corr2d_matmul"]
        assert recorded.details[ops.DETAIL_DENSE] == ops.NOTE_DENSE.format(
            call="corr2d_matmul(X, K)", size=ops.ON_IMAGE.format(size=16), largest=largest,
            factor=matmul_ops.DENSE_FACTOR, needed=1260, what=what, cheaper=cheaper)


def test_when_the_dense_fixtures_exist_then_each_answers_a_function_with_a_note() -> None:
    assert sorted(DENSE_EXERCISE) == DENSE and len(DENSE) >= 3
    assert set(DENSE) <= set(ACCEPTED)  # correct: full marks (the test of the accepted lowerings)


def test_when_a_correct_lowering_builds_dense_operands_then_its_vectorized_check_notes_it_and_costs_nothing(
    variant: Callable[[str], Path]
) -> None:
    for name, exercise in DENSE_EXERCISE.items():
        result = grade_section(variant(f"{FOLDER}/{name}"))
        assert lost_in(result, *SECTION) == {}
        check = {c.item_id: c for c in result.checks}[f"{exercise}::vectorized[cpu]"]
        assert check.details is not None and ops.DETAIL_DENSE in check.details, name
        assert check.status == "passed" and check.points == check.max_points == 1
        _, large = as_mapping(check.details[ops.DETAIL_LARGEST]).values()
        assert isinstance(large, int) and large > matmul_ops.DENSE_FACTOR * 1260
    solution = grade_section(PACK.solution_module)
    assert not any(c.details and ops.DETAIL_DENSE in c.details for c in solution.checks)


# --- the op counter: every spelling of a matrix product counts once --------------------------------
A, V, M = torch.randn(6, 4), torch.randn(4), torch.randn(4, 3)
PRODUCTS: dict[str, Callable[[], torch.Tensor]] = {
    "A @ v": lambda: A @ V,
    "torch.matmul": lambda: torch.matmul(A, V),
    "Tensor.matmul": lambda: A.matmul(V),
    "torch.mm": lambda: torch.mm(A, M),
    "torch.mv": lambda: torch.mv(A, V),
    "v.__rmatmul__": lambda: V.__rmatmul__(A),
    "torch.einsum": lambda: torch.einsum("ij,j->i", A, V),
    "F.linear": lambda: F.linear(A, V[None]),
    "torch.tensordot": lambda: torch.tensordot(A, V, dims=1),
    "torch.bmm": lambda: torch.bmm(A[None], M[None]),
    "torch.addmv": lambda: torch.addmv(V.new_zeros(6), A, V),
    "torch.inner": lambda: torch.inner(A, V),
    "torch.linalg.matmul": lambda: torch.linalg.matmul(A, V),
    "torch.linalg.multi_dot": lambda: torch.linalg.multi_dot([A, M]),
    "torch.dot": lambda: torch.dot(V, V),
}
NOT_PRODUCTS: dict[str, Callable[[], torch.Tensor]] = {
    "(A * v).sum(1)": lambda: (A * V).sum(1),
    "unfold": lambda: A.unfold(0, 2, 1).unfold(1, 2, 1).reshape(-1, 4),
    "F.conv2d": lambda: F.conv2d(A[None, None], A[None, None, :2, :2]),
}


@pytest.mark.parametrize("spelling", sorted(PRODUCTS))
def test_when_a_matrix_product_is_spelled_any_way_then_it_counts_as_one(spelling: str) -> None:
    counter = op_counter()
    with counter:
        PRODUCTS[spelling]()
    assert sum(among(counter.counts, MATRIX_PRODUCTS).values()) == 1, counter.counts


@pytest.mark.parametrize("spelling", sorted(NOT_PRODUCTS))
def test_when_no_matrix_is_multiplied_then_no_product_is_counted(spelling: str) -> None:
    counter = op_counter()
    with counter:
        NOT_PRODUCTS[spelling]()
    assert among(counter.counts, MATRIX_PRODUCTS) == {}, counter.counts
    assert bool(among(counter.counts, CONVOLUTIONS)) == (spelling == "F.conv2d")


# --- the truths the checks use, against the reference and torch ------------------------------------
@settings(max_examples=30, deadline=None)
@given(H=st.integers(1, 7), W=st.integers(1, 7), h=st.integers(1, 7), w=st.integers(1, 7),
       seed=st.integers(0, 2**16))
def test_when_the_reference_lowers_any_shape_then_it_equals_the_truths(
    H: int, W: int, h: int, w: int, seed: int
) -> None:
    h, w = min(h, H), min(w, W)
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn((H, W), generator=generator, dtype=torch.float64)
    K = torch.randn((h, w), generator=generator, dtype=torch.float64)
    cpu = torch.device("cpu")
    torch.testing.assert_close(reference.im2col(X, (h, w)), patches(X, (h, w), cpu))
    torch.testing.assert_close(reference.kernel_matrix(K, (H, W)), toeplitz(K, (H, W), cpu))
    torch.testing.assert_close(reference.corr2d_matmul(X, K), reference.corr2d(X, K))
    truth = F.conv2d(X[None, None], K[None, None]).reshape(-1)
    torch.testing.assert_close(toeplitz(K, (H, W), cpu) @ X.reshape(-1), truth)
    torch.testing.assert_close(patches(X, (h, w), cpu) @ K.reshape(-1), truth)
    assert patches(X, (h, w), cpu).shape == ((H - h + 1) * (W - w + 1), h * w)


@settings(max_examples=20, deadline=None)
@given(B=st.integers(1, 3), C=st.integers(1, 3), kernels=st.integers(1, 3), size=st.integers(3, 8),
       kernel=st.integers(1, 3), stride=st.integers(1, 3), padding=st.integers(0, 2))
def test_when_the_reference_bonus_meets_any_setting_then_it_equals_conv2d(
    B: int, C: int, kernels: int, size: int, kernel: int, stride: int, padding: int
) -> None:
    X = torch.randn((B, C, size, size + 1), dtype=torch.float64)
    K = torch.randn((kernels, C, kernel, kernel), dtype=torch.float64)
    expected = F.conv2d(X, K, stride=stride, padding=padding)
    torch.testing.assert_close(reference.conv2d_matmul(X, K, stride, padding), expected)
    assert expected.shape[-1] == math.floor((size + 1 + 2 * padding - kernel) / stride) + 1


# --- CUDA (extra evidence; runs only where there is a GPU) ---------------------------------------
@pytest.mark.gpu
@pytest.mark.skipif(not has_cuda(), reason="needs CUDA")
@pytest.mark.parametrize("name", ["", *ACCEPTED])
def test_when_cuda_is_present_then_correct_lowerings_pass_every_cuda_check(
    name: str, variant: Callable[[str], Path]
) -> None:
    path = variant(f"{FOLDER}/{name}") if name else PACK.solution_module
    result = grade_section(path, device="cuda")
    cuda = {k: v for k, v in mine(result).items() if k.endswith("[cuda]")}
    assert len(cuda) == 8 and set(cuda.values()) == {"passed"}, cuda


@pytest.mark.gpu
@pytest.mark.skipif(not has_cuda(), reason="needs CUDA")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_when_a_variant_is_graded_on_cuda_then_it_loses_exactly_its_cuda_checks(
    name: str, variant: Callable[[str], Path]
) -> None:
    result = grade_section(variant(f"{FOLDER}/{name}"), device="cuda")
    lost = {k: c.hint for k, c in lost_in(result, *SECTION).items()}
    assert {k: h for k, h in lost.items() if k.endswith("[cpu]")} == EXPECTED[name]
    assert {k: h for k, h in lost.items() if k.endswith("[cuda]")} == cuda_losses(name, result)


def cuda_losses(name: str, result: SubmissionResult) -> dict[str, str | Formatted | None]:
    """A mistake on the CPU is the same mistake on CUDA, for the checks that run there; the
    CUDA-only mistakes are listed in CUDA_EXPECTED."""
    if name in CUDA_EXPECTED:
        return CUDA_EXPECTED[name]
    on_cuda = {c.item_id for c in result.checks if c.device == "cuda"}
    renamed = {k.replace("[cpu]", "[cuda]"): hint for k, hint in EXPECTED[name].items()}
    return {k: hint for k, hint in renamed.items() if k in on_cuda}
