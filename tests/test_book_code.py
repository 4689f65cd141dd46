"""The book's own code earns its points: every code cell of section 7.2 (current edition) and 6.2
(the older edition's PyTorch version), pasted into the stub's slots (tests/fixtures/book/), with
the other sections answered by the solution.

The book's corr2d allocates its output with torch.zeros(shape): float32 on the CPU whatever the
input, so it loses exactly the dtype and device checks (exercises.md, section 0), each with its
hint; everything else, the current edition's nn.LazyConv2d training loop included, earns its points.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from exercises.conv_layer import hints
from exercises.conv_layer.checks import learning
from tests.pack_support import FIXTURES, grade_here, not_passed, solution_code_cells

BOOK = FIXTURES / "book"
EDITIONS = sorted(p.stem for p in BOOK.glob("*.py"))
#: What the book's corr2d loses, and only that: the dtype and the device it does not keep.
BOOK_LOSES = {
    "corr2d::keeps_dtype[cpu]": hints.HINT_DTYPE_FLOAT32,
    "corr2d::keeps_device[meta]": hints.HINT_DEVICE_META,
}
#: On CUDA (extra evidence, not counted) the book's CPU allocations show: corr2d's output, the
#: layer that runs it, and the training loop's layer built on the CPU.
BOOK_LOSES_ON_CUDA = {
    "corr2d::keeps_device[cuda]": hints.HINT_DEVICE,
    "conv2d_layer::forward_matches[cuda]": hints.HINT_LAYER_MAY_USE_CORR2D,
    "conv2d_layer::gradients_match[cuda]": hints.HINT_LAYER_MAY_USE_CORR2D,
    "learn_kernel::recovers_kernel[cuda]": hints.HINT_LEARN_DEVICE,
    "learn_kernel::loss_decreases[cuda]": hints.HINT_LEARN_DEVICE,
}


def pasted(edition: str, folder: Path) -> Path:
    """The solution with the book's cells of this edition in the section's own slots."""
    path = folder / f"{edition}.py"
    path.write_text(f"{solution_code_cells()}# %%\n{(BOOK / f'{edition}.py').read_text()}")
    return path


def book_namespace(edition: str) -> dict[str, object]:
    """The edition's cells run here, for calling its functions directly."""
    namespace: dict[str, object] = {"__name__": "book"}
    exec(compile((BOOK / f"{edition}.py").read_text(), edition, "exec"), namespace)  # trusted fixture
    return namespace


def test_when_the_book_fixtures_are_listed_then_both_editions_are_there() -> None:
    assert EDITIONS == ["current_edition", "older_edition"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_when_the_books_code_is_pasted_into_the_slots_then_it_loses_only_dtype_and_device(
    edition: str, tmp_path: Path
) -> None:
    result = grade_here(pasted(edition, tmp_path))
    lost = not_passed(result)
    assert {k: c.hint for k, c in lost.items()} == BOOK_LOSES, {k: c.message for k, c in lost.items()}
    assert {c.status for c in lost.values()} == {"failed"}
    assert sum(c.max_points for c in lost.values()) == 2
    learned = [c for c in result.checks if c.exercise == "learn_kernel" and c.device == "cpu"]
    assert [c.status for c in learned] == ["passed", "passed"]


def test_when_the_current_editions_layer_is_lazy_then_zero_steps_has_no_kernel_to_return() -> None:
    # Why the grader never calls learn_kernel with steps=0: nn.LazyConv2d's weight exists only
    # after the first forward pass, so the book's loop has nothing to reshape.
    learn = book_namespace("current_edition")["learn_kernel"]
    X = torch.ones((6, 8))
    with pytest.raises(RuntimeError, match="invalid for input of size 0"):
        learn(X, torch.zeros((6, 7)), (1, 2), 3e-2, 0)  # type: ignore[operator]
    assert min(learning.LOSS_STEPS + learning.RULE_STEPS) >= 1


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("edition", EDITIONS)
def test_when_the_books_code_is_graded_on_cuda_then_its_cpu_allocations_show_there(
    edition: str, tmp_path: Path
) -> None:
    result = grade_here(pasted(edition, tmp_path), device="cuda")
    lost = not_passed(result)
    assert {k: c.hint for k, c in lost.items()} == {**BOOK_LOSES, **BOOK_LOSES_ON_CUDA}, \
        {k: c.message for k, c in lost.items()}
