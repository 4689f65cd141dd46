"""Section 3 of the pack as a specification: cross-correlation as a matrix multiplication.

What scores full marks (the reference and the correct lowerings written differently in
tests/fixtures/variants/matmul/ok_*.py), what scores zero (the stub), and what each known mistake
(the other fixtures there) loses, with which hint. Variants are graded against this section's
exercises only, which keeps the module fast; the reference and the stub are graded as a whole.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.conv_layer import PACK
from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.checks.matmul_cases import patches, toeplitz
from exercises.conv_layer.checks.matmul_ops import CONVOLUTIONS, MATRIX_PRODUCTS, among
from grader.execution.runner import InProcessRunner
from grader.grading.pipeline import GradeOptions, grade
from grader.probe.counting import op_counter
from grader.results import SubmissionResult, as_mapping, as_tensor
from solutions import conv_layer as reference
from tests.pack_support import NOT_IMPLEMENTED, VARIANTS, grade_here, lost_in

SECTION = ("im2col", "kernel_matrix", "corr2d_matmul", "conv2d_matmul")
FOLDER = "matmul"
SECTION_PACK = dataclasses.replace(PACK, exercises=tuple(e for e in PACK.exercises if e.id in SECTION))

NOT_VECTORIZED = hints.HINT_NOT_VECTORIZED
BLAME_IM2COL = hints.HINT_USES_HELPER.format(helper="im2col")
IM2COL_DTYPE = hints.HINT_LOWERING_DTYPE.format(name="im2col", source="X")
IM2COL_HIDES = hints.HINT_HELPER_HIDES.format(helper="im2col")
#: A property that holds on its own but counts only alongside a correct value (``Check.requires``):
#: it fails without a hint, its message naming the check to fix first (tests/test_trivial_answers.py).
HELD_BACK = None

#: Each wrong variant (tests/fixtures/variants/matmul/NAME.py): every check of this section it fails
#: on the CPU, and the hint that failure must carry. ``ok_*`` variants are correct: they lose none.
EXPECTED: dict[str, dict[str, str | None]] = {
    # corr2d_matmul multiplies the student's im2col: a broken im2col breaks it too, and says so.
    "im2col_transposed": {
        "im2col::rows_are_patches[cpu]": hints.HINT_IM2COL_TRANSPOSED,
        "im2col::vectorized[cpu]": HELD_BACK,
        "corr2d_matmul::matches_conv2d[cpu]": BLAME_IM2COL,
        "corr2d_matmul::one_matmul[cpu]": BLAME_IM2COL,
        "corr2d_matmul::vectorized[cpu]": BLAME_IM2COL,
    },
    "im2col_column_major": {
        "im2col::rows_are_patches[cpu]": hints.HINT_PATCH_ORDER,
        "im2col::vectorized[cpu]": HELD_BACK,
        "corr2d_matmul::matches_conv2d[cpu]": BLAME_IM2COL,
        "corr2d_matmul::one_matmul[cpu]": HELD_BACK,
        "corr2d_matmul::vectorized[cpu]": HELD_BACK,
    },
    "im2col_patch_transposed": {
        "im2col::rows_are_patches[cpu]": hints.HINT_PATCH_FLATTEN,
        "im2col::vectorized[cpu]": HELD_BACK,
        "corr2d_matmul::matches_conv2d[cpu]": BLAME_IM2COL,
        "corr2d_matmul::one_matmul[cpu]": HELD_BACK,
        "corr2d_matmul::vectorized[cpu]": HELD_BACK,
    },
    # The misconception row: a correct lowering built in a loop loses only "vectorized".
    "im2col_loop": {
        "im2col::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::vectorized[cpu]": hints.HINT_USES_SLOW_IM2COL,
    },
    "im2col_loop_book": {
        "im2col::rows_are_patches[cpu]": IM2COL_DTYPE,
        "im2col::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::matches_conv2d[cpu]": BLAME_IM2COL,
        "corr2d_matmul::one_matmul[cpu]": HELD_BACK,
        "corr2d_matmul::vectorized[cpu]": hints.HINT_USES_SLOW_IM2COL,
    },
    "im2col_cpu_output": {},  # wrong only on CUDA: CUDA_EXPECTED
    "kernel_matrix_loop": {"kernel_matrix::vectorized[cpu]": NOT_VECTORIZED},
    "kernel_matrix_flipped": {"kernel_matrix::matches_corr2d[cpu]": hints.HINT_FLIPPED,
                              "kernel_matrix::vectorized[cpu]": HELD_BACK},
    "kernel_matrix_transposed": {"kernel_matrix::matches_corr2d[cpu]": hints.HINT_W_TRANSPOSED,
                                 "kernel_matrix::vectorized[cpu]": HELD_BACK},
    "corr2d_matmul_per_row": {
        "corr2d_matmul::one_matmul[cpu]": hints.HINT_PER_POSITION,
        "corr2d_matmul::vectorized[cpu]": NOT_VECTORIZED,
    },
    "corr2d_matmul_mul_sum": {
        "corr2d_matmul::one_matmul[cpu]": hints.HINT_NO_MATMUL,
        "corr2d_matmul::vectorized[cpu]": NOT_VECTORIZED,
    },
    "corr2d_matmul_per_kernel_row": {"corr2d_matmul::one_matmul[cpu]": hints.HINT_SEVERAL_MATMULS},
    "corr2d_matmul_flat": {"corr2d_matmul::matches_conv2d[cpu]": hints.HINT_NOT_RESHAPED,
                           "corr2d_matmul::one_matmul[cpu]": HELD_BACK,
                           "corr2d_matmul::vectorized[cpu]": HELD_BACK},
    "corr2d_matmul_conv2d": {"corr2d_matmul::one_matmul[cpu]": hints.HINT_USES_CONVOLUTION},
    "conv2d_matmul_no_padding": {"conv2d_matmul::matches_conv2d[cpu]": hints.HINT_PADDING_IGNORED},
    "conv2d_matmul_no_stride": {"conv2d_matmul::matches_conv2d[cpu]": hints.HINT_STRIDE_IGNORED},
    # Loops hidden from the operation counter: right values, and counts that do not grow; the
    # witness beside the counter fails them (tests/test_pack_matmul_forged.py: the messages).
    "im2col_hidden_disable_torch_function": {
        "im2col::vectorized[cpu]": hints.HINT_CHANGED,
        "kernel_matrix::vectorized[cpu]": hints.HINT_UNSEEN,
        "corr2d_matmul::one_matmul[cpu]": IM2COL_HIDES,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    "corr2d_matmul_hidden_disable_torch_function": {
        "corr2d_matmul::one_matmul[cpu]": hints.HINT_UNSEEN,
        "corr2d_matmul::vectorized[cpu]": hints.HINT_UNSEEN,
    },
    "im2col_hidden_views": {
        "im2col::vectorized[cpu]": hints.HINT_VIEWS,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    "im2col_numpy": {
        "im2col::vectorized[cpu]": hints.HINT_UNSEEN,
        "kernel_matrix::vectorized[cpu]": hints.HINT_ENTERED,
        "corr2d_matmul::one_matmul[cpu]": IM2COL_HIDES,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    "corr2d_matmul_numpy": {
        "corr2d_matmul::one_matmul[cpu]": hints.HINT_ENTERED,
        "corr2d_matmul::vectorized[cpu]": hints.HINT_ENTERED,
    },
    "im2col_pop_mode": {
        "im2col::vectorized[cpu]": hints.HINT_UNSEEN,
        "kernel_matrix::vectorized[cpu]": hints.HINT_SWITCHED_OFF,
        "corr2d_matmul::one_matmul[cpu]": IM2COL_HIDES,
        "corr2d_matmul::vectorized[cpu]": IM2COL_HIDES,
    },
    # Switches that hide nothing from a torch function mode: the loops are counted as loops.
    "im2col_disable_subclass": {
        "im2col::vectorized[cpu]": NOT_VECTORIZED,
        "kernel_matrix::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::vectorized[cpu]": hints.HINT_USES_SLOW_IM2COL,
    },
    "corr2d_matmul_aten": {
        "kernel_matrix::vectorized[cpu]": NOT_VECTORIZED,
        "corr2d_matmul::one_matmul[cpu]": hints.HINT_PER_POSITION,
        "corr2d_matmul::vectorized[cpu]": NOT_VECTORIZED,
    },
}
ACCEPTED = sorted(p.stem for p in (VARIANTS / FOLDER).glob("ok_*.py"))

#: What a variant that is wrong on CUDA loses there (graded with device="cuda"), with its hint.
CUDA_EXPECTED: dict[str, dict[str, str | None]] = {
    "im2col_cpu_output": {
        "im2col::rows_are_patches[cuda]": hints.HINT_KEEP_DEVICE.format(name="im2col", source="X"),
        "corr2d_matmul::matches_conv2d[cuda]": BLAME_IM2COL,
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
    assert len(statuses) == 8 and set(statuses.values()) == {"passed"}, lost_in(result, *SECTION)
    bonus = [c for c in result.checks if c.bonus and c.device == "cpu"]
    assert [c.item_id for c in bonus] == ["conv2d_matmul::matches_conv2d[cpu]"]
    assert bonus[0].status == "passed"


@pytest.mark.parametrize("path", [PACK.stub_module, PACK.stub_notebook], ids=["module", "notebook"])
def test_when_the_stub_is_graded_then_every_matmul_check_fails_as_not_implemented(path: Path) -> None:
    result = grade_here(path)
    ran = [c for c in result.checks if c.exercise in SECTION and c.status != "skipped"]
    assert len(ran) == 8
    assert all(c.status == "failed" and NOT_IMPLEMENTED in c.message for c in ran), \
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
        EXPECTED[name]["corr2d_matmul::vectorized[cpu]"] == hints.HINT_USES_SLOW_IM2COL
        # one product is still one product: held back at most, beside a wrong value
        and EXPECTED[name].get("corr2d_matmul::one_matmul[cpu]", HELD_BACK) is HELD_BACK for name in slow)
    # An im2col that hides operations hides them inside corr2d_matmul's counted calls too: the
    # counter cannot tell how many products there were, except when only views were hidden.
    hiding = [name for name in EXPECTED
              if EXPECTED[name].get("im2col::vectorized[cpu]") not in (None, NOT_VECTORIZED)]
    assert len(hiding) >= 4
    for name in hiding:
        assert EXPECTED[name]["corr2d_matmul::vectorized[cpu]"] == IM2COL_HIDES, name
        views = EXPECTED[name]["im2col::vectorized[cpu]"] == hints.HINT_VIEWS
        assert EXPECTED[name].get("corr2d_matmul::one_matmul[cpu]") == (None if views else IM2COL_HIDES)


def test_when_a_lowering_is_built_in_a_loop_then_the_counts_and_times_are_shown(
    variant: Callable[[str], Path]
) -> None:
    result = grade_section(variant(f"{FOLDER}/im2col_loop"))
    checks = {c.item_id: c for c in result.checks}
    im2col = checks["im2col::vectorized[cpu]"]
    assert im2col.details is not None
    small, large = as_mapping(im2col.details[hints.DETAIL_OPS]).values()
    assert isinstance(small, int) and isinstance(large, int)
    assert small < large  # grows with the image: one round of operations per output position
    assert im2col.message == hints.NOT_VECTORIZED.format(
        call="im2col(X, (3, 2))", small=small, large=large,
        small_size=hints.ON_IMAGE.format(size=8), large_size=hints.ON_IMAGE.format(size=16))
    assert checks["corr2d_matmul::one_matmul[cpu]"].status == "passed"
    timed = checks["corr2d_matmul::vectorized[cpu]"].details
    assert timed is not None
    times = as_mapping(timed[hints.DETAIL_SECONDS])
    assert set(times) == {hints.TIMED_STUDENT, hints.TIMED_REFERENCE}
    assert all(isinstance(t, float) and t > 0 for t in times.values())


def test_when_the_solution_is_vectorized_then_its_counts_are_shown_and_equal() -> None:
    result = grade_section(PACK.solution_module)
    for check in ("im2col::vectorized[cpu]", "kernel_matrix::vectorized[cpu]",
                  "corr2d_matmul::vectorized[cpu]"):
        found = {c.item_id: c for c in result.checks}[check]
        assert found.details is not None
        small, large = as_mapping(found.details[hints.DETAIL_OPS]).values()
        assert isinstance(large, int) and small == large > 0
    one = {c.item_id: c for c in result.checks}["corr2d_matmul::one_matmul[cpu]"]
    assert one.details is not None and one.details[hints.DETAIL_MATMULS] == {"matmul": 1}


def test_when_products_are_taken_per_position_then_the_message_counts_them(
    variant: Callable[[str], Path]
) -> None:
    result = grade_section(variant(f"{FOLDER}/corr2d_matmul_per_row"))
    lost = lost_in(result, *SECTION)["corr2d_matmul::one_matmul[cpu]"]
    assert lost.message == hints.MATMUL_COUNT.format(H=6, W=7, h=3, w=2, count=24, names="matmul x 24")


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
    assert len(cuda) == 4 and set(cuda.values()) == {"passed"}, cuda


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


def cuda_losses(name: str, result: SubmissionResult) -> dict[str, str | None]:
    """A mistake on the CPU is the same mistake on CUDA, for the checks that run there; the
    CUDA-only mistakes are listed in CUDA_EXPECTED."""
    if name in CUDA_EXPECTED:
        return CUDA_EXPECTED[name]
    on_cuda = {c.item_id for c in result.checks if c.device == "cuda"}
    renamed = {k.replace("[cpu]", "[cuda]"): hint for k, hint in EXPECTED[name].items()}
    return {k: hint for k, hint in renamed.items() if k in on_cuda}
