"""Operations hidden from the counter: the vectorized checks and one_matmul cannot be forged.

Both judge what a ``TorchFunctionMode`` counted inside the student's kernel, where it can be
switched off or sidestepped. The probe's counter is therefore also a witness
(``grader/probe/counting.py``): it reports every tensor used or returned that no counted operation
made, every tensor changed out of its sight, views made out of its sight, floating-point data taken
in from numpy or Python lists, and whether it was still on at the end; the checks fail a call with
any such finding as "operations hidden from the counter" (``matmul_ops``).

First the witness on its own (each way of hiding, each honest spelling, the kernel's state after a
call), then the pack: the fixtures in tests/fixtures/variants/matmul/ that hide loops (their lost
checks and hints are in ``test_pack_matmul.EXPECTED``) lose them with the messages below, although
their operation counts alone would have passed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from exercises.conv_layer.checks import matmul_ops
from exercises.conv_layer.hints_matmul_ops import (
    DETAIL_MATMULS,
    DETAIL_OPS,
    FOR_INPUT,
    FOUND_CHANGED,
    FOUND_ENTERED,
    FOUND_SWITCHED_OFF,
    FOUND_UNSEEN,
    FOUND_VIEWS,
    MATMUL_HIDDEN,
    NOT_VECTORIZED,
    NOT_VECTORIZED_HIDDEN,
    ON_IMAGE,
)
from grader.probe import counting
from grader.results import CheckResult, as_mapping
from solutions import conv_layer as reference
from tests.pack_support import lost_in
from tests.test_pack_matmul import EXPECTED, FOLDER, SECTION, grade_section

Function = Callable[..., Any]
KERNEL = (3, 2)


def findings(report: dict[str, int]) -> dict[str, int]:
    """What the witness found hidden (not the size of the largest tensor, which is no finding)."""
    return {k: v for k, v in report.items() if k.startswith("!") and k != matmul_ops.LARGEST}


def total(report: dict[str, int]) -> int:
    return sum(v for k, v in report.items() if not k.startswith("!"))


def witnessed(function: Function, size: int, known: dict[str, Any] | None = None) -> dict[str, int]:
    """What the counter reports for ``function(X, (3, 2))`` on a ``size`` x ``size`` image."""
    X = torch.rand(size, size, dtype=torch.float64)
    value, report = counting.counted_call(function, [X, KERNEL], {}, known or {})
    torch.testing.assert_close(value, reference.im2col(X, KERNEL))  # every one of them is right
    return report


# --- ways of hiding a loop, each an im2col with the right values ---------------------------------
def _loop(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    h, w = kernel_shape
    out_h, out_w = X.shape[0] - h + 1, X.shape[1] - w + 1
    rows = torch.zeros((out_h * out_w, h * w), dtype=X.dtype)
    for i in range(out_h):
        for j in range(out_w):
            rows[i * out_w + j] = X[i : i + h, j : j + w].reshape(-1)
    return rows


def _positions(X: torch.Tensor, h: int, w: int) -> list[tuple[int, int]]:
    H, W = X.shape  # read once: the counter counts every read
    return [(i, j) for i in range(H - h + 1) for j in range(W - w + 1)]


def disabled(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    with torch._C.DisableTorchFunction():
        return _loop(X, kernel_shape)


def filled_while_disabled(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    h, w = kernel_shape
    rows = torch.zeros((len(_positions(X, h, w)), h * w), dtype=X.dtype)
    with torch._C.DisableTorchFunction():
        for r, (i, j) in enumerate(_positions(X, h, w)):
            rows[r] = X[i : i + h, j : j + w].reshape(-1)
    return rows.clone()


def filled_through_numpy(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    h, w = kernel_shape
    rows = torch.zeros((len(_positions(X, h, w)), h * w), dtype=X.dtype)
    view, A = rows.numpy(), X.numpy()
    for r, (i, j) in enumerate(_positions(X, h, w)):
        view[r] = A[i : i + h, j : j + w].reshape(-1)
    return rows


def aten_while_disabled(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    h, w = kernel_shape
    with torch._C.DisableTorchFunction():
        rows = [torch.ops.aten.reshape.default(X[i : i + h, j : j + w], [-1])
                for i, j in _positions(X, h, w)]
        stacked: torch.Tensor = torch.ops.aten.stack.default(rows)
    return stacked


def popped_for_the_loop(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    with torch.overrides._pop_mode_temporarily():
        return _loop(X, kernel_shape)


def popped_for_good(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    torch._C._pop_torch_function_stack()
    return _loop(X, kernel_shape)


def exited(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    torch.overrides._get_current_function_mode().__exit__(None, None, None)
    return _loop(X, kernel_shape)


def left_disabled(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    torch._C.DisableTorchFunction().__enter__()
    return _loop(X, kernel_shape)


def from_numpy(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    h, w = kernel_shape
    A = X.numpy()
    return torch.from_numpy(np.stack([A[i : i + h, j : j + w].reshape(-1) for i, j in _positions(X, h, w)]))


def through_lists(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    h, w = kernel_shape
    A = X.tolist()
    return torch.tensor([[A[i + a][j + b] for a in range(h) for b in range(w)]
                         for i, j in _positions(X, h, w)], dtype=X.dtype)


def hidden_views(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    h, w = kernel_shape
    with torch._C.DisableTorchFunction():
        patches = [X[i : i + h, j : j + w] for i, j in _positions(X, h, w)]
    return torch.stack(patches).reshape(-1, h * w)


HIDING: dict[Function, str] = {
    disabled: counting.UNSEEN,
    filled_while_disabled: counting.CHANGED,
    filled_through_numpy: counting.CHANGED,
    aten_while_disabled: counting.UNSEEN,
    popped_for_the_loop: counting.UNSEEN,
    popped_for_good: counting.SWITCHED_OFF,
    exited: counting.SWITCHED_OFF,
    left_disabled: counting.SWITCHED_OFF,
    from_numpy: counting.UNSEEN,
    through_lists: counting.ENTERED,
    hidden_views: counting.VIEWS,
}


@pytest.mark.parametrize("function", list(HIDING), ids=lambda f: f.__name__)
def test_when_a_loop_is_hidden_from_the_counter_then_the_witness_says_how(function: Function) -> None:
    small, large = witnessed(function, 8), witnessed(function, 16)
    assert total(small) == total(large)  # the counts alone show a vectorized lowering
    finding = HIDING[function]
    assert findings(large).get(finding, 0) > 0, large
    if finding == counting.VIEWS:  # harmless once; a hidden loop makes more on a larger image
        assert findings(large)[finding] > findings(small)[finding]


@pytest.mark.parametrize("function", list(HIDING), ids=lambda f: f.__name__)
def test_when_a_call_hides_operations_then_torch_is_left_as_it_was(function: Function) -> None:
    witnessed(function, 5)
    assert torch._C._len_torch_function_stack() == 0
    assert torch._C._is_torch_function_enabled()


def test_when_a_call_leaves_a_mode_of_its_own_or_raises_then_the_stack_is_restored() -> None:
    class Quiet(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            return func(*args, **(kwargs or {}))

    def pushes(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
        Quiet().__enter__()  # type: ignore[no-untyped-call]
        return _loop(X, kernel_shape)

    assert findings(witnessed(pushes, 5)) == {counting.SWITCHED_OFF: 1}
    with pytest.raises(ZeroDivisionError):
        counting.counted_call(lambda: torch._C._pop_torch_function_stack() and 1 / 0, [], {}, {})
    assert torch._C._len_torch_function_stack() == 0


# --- honest code: nothing found --------------------------------------------------------------------
def linear_layer(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    """A layer's weight is a Parameter made by no counted operation, over a storage that was: a view
    made out of sight once, at every size."""
    h, w = kernel_shape
    layer = torch.nn.Linear(h * w, h * w, bias=False).double()
    with torch.no_grad():
        layer.weight.copy_(torch.eye(h * w, dtype=X.dtype))
    patches: torch.Tensor = reference.im2col(X, kernel_shape)
    out: torch.Tensor = layer(patches).detach()
    return out


OFFSETS = torch.arange(6)


def global_offsets(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
    patches: torch.Tensor = reference.im2col(X, kernel_shape)
    return patches[:, OFFSETS]


HONEST: dict[Function, dict[str, int]] = {
    reference.im2col: {},
    (lambda X, k: F.unfold(X[None, None], k)[0].T): {},
    (lambda X, k: torch.tensor([[1.0, -1.0]], dtype=X.dtype).sum() * 0 + reference.im2col(X, k)): {
        counting.ENTERED: 2},
    _loop: {},
    linear_layer: {counting.VIEWS: 1},
    global_offsets: {},
}


@pytest.mark.parametrize("function", list(HONEST), ids=lambda f: getattr(f, "__name__", "lambda"))
def test_when_a_lowering_is_honest_then_the_witness_finds_nothing_that_grows(function: Function) -> None:
    known = {"OFFSETS": OFFSETS}  # the student's namespace: its own tensors may be used as they are
    for size in (8, 16):
        assert findings(witnessed(function, size, known)) == HONEST[function]


def test_when_a_tensor_of_the_students_namespace_is_used_then_only_an_unknown_one_is_unseen() -> None:
    assert findings(witnessed(global_offsets, 8, {"OFFSETS": OFFSETS})) == {}
    assert findings(witnessed(global_offsets, 8, {})) == {counting.UNSEEN: 1}


def test_when_the_students_tensor_is_written_out_of_sight_then_it_is_found_changed() -> None:
    buffer = torch.zeros(42, 6, dtype=torch.float64)
    through = buffer.numpy()  # made before the call: the write during it needs no torch at all

    def into_buffer(X: torch.Tensor, kernel_shape: tuple[int, int]) -> torch.Tensor:
        A = X.numpy()
        for r, (i, j) in enumerate(_positions(X, *kernel_shape)):
            through[r] = A[i : i + 3, j : j + 2].reshape(-1)
        return buffer.clone()

    assert findings(witnessed(into_buffer, 8, {"buffer": buffer})) == {counting.CHANGED: 1}


def test_when_the_solution_is_counted_then_nothing_is_hidden_and_reports_repeat_exactly() -> None:
    X, K = torch.rand(9, 8), torch.rand(3, 2)
    calls: list[tuple[Function, list[Any]]] = [
        (reference.im2col, [X, (3, 2)]), (reference.kernel_matrix, [K, (9, 8)]),
        (reference.corr2d_matmul, [X, K])]
    for function, args in calls:
        first = counting.counted_call(function, args, {}, {})[1]
        assert findings(first) == {} and total(first) > 0
        assert counting.counted_call(function, args, {}, {})[1] == first  # counts, never times


def test_when_torch_ops_aten_is_called_then_it_counts_under_the_functions_name() -> None:
    A = torch.rand(3, 3)
    report = counting.counted_call(lambda: torch.ops.aten.mm.default(A, A) + torch.ops.aten.mv(A, A[0]),
                                   [], {}, {"A": A})[1]
    assert matmul_ops.among(report, matmul_ops.MATRIX_PRODUCTS) == {"mm": 1, "mv": 1}


def test_when_the_checks_read_the_findings_then_they_spell_them_as_the_probe_does() -> None:
    assert (matmul_ops.UNSEEN, matmul_ops.CHANGED, matmul_ops.VIEWS, matmul_ops.ENTERED,
            matmul_ops.SWITCHED_OFF, matmul_ops.LARGEST) == (
        counting.UNSEEN, counting.CHANGED, counting.VIEWS, counting.ENTERED, counting.SWITCHED_OFF,
        counting.LARGEST)


# --- the pack: fixtures that hide loops lose vectorized (and one_matmul), whatever their counts ----
def _vectorized(call: str, size: str, *found: str) -> str:
    return NOT_VECTORIZED_HIDDEN.format(call=call, size=size, found="; ".join(found))


def _one_matmul(*found: str) -> str:
    return MATMUL_HIDDEN.format(H=6, W=7, h=3, w=2, found="; ".join(found))


IM2COL, KERNEL_MATRIX, CORR2D = "im2col(X, (3, 2))", "kernel_matrix(K, (n, n))", "corr2d_matmul(X, K)"
LARGE, LARGE_INPUT = ON_IMAGE.format(size=16), FOR_INPUT.format(size=16)
ONE_UNSEEN, ONE_CHANGED = FOUND_UNSEEN.format(count=1), FOUND_CHANGED.format(count=1)
VIEWS = FOUND_VIEWS.format(small=42, large=210, small_size=ON_IMAGE.format(size=8), large_size=LARGE)

#: What each fixture that hides a loop is told, per check it loses (its hints: EXPECTED).
MESSAGES: dict[str, dict[str, str]] = {
    "im2col_hidden_disable_torch_function": {
        "im2col::vectorized[cpu]": _vectorized(IM2COL, LARGE, ONE_CHANGED),
        "kernel_matrix::vectorized[cpu]": _vectorized(KERNEL_MATRIX, LARGE_INPUT, ONE_UNSEEN),
        "corr2d_matmul::one_matmul[cpu]": _one_matmul(ONE_CHANGED),
        "corr2d_matmul::vectorized[cpu]": _vectorized(CORR2D, LARGE, ONE_CHANGED),
    },
    "corr2d_matmul_hidden_disable_torch_function": {
        "corr2d_matmul::one_matmul[cpu]": _one_matmul(ONE_UNSEEN),
        "corr2d_matmul::vectorized[cpu]": _vectorized(CORR2D, LARGE, ONE_UNSEEN),
    },
    "im2col_hidden_views": {
        "im2col::vectorized[cpu]": _vectorized(IM2COL, LARGE, VIEWS),
        "corr2d_matmul::vectorized[cpu]": _vectorized(CORR2D, LARGE, VIEWS),
    },
    "im2col_numpy": {
        "im2col::vectorized[cpu]": _vectorized(IM2COL, LARGE, ONE_UNSEEN),
        "kernel_matrix::vectorized[cpu]": _vectorized(
            KERNEL_MATRIX, LARGE_INPUT, FOUND_ENTERED.format(count=210 * 256, numel=210 * 256)),
        "corr2d_matmul::one_matmul[cpu]": _one_matmul(ONE_UNSEEN),
        "corr2d_matmul::vectorized[cpu]": _vectorized(CORR2D, LARGE, ONE_UNSEEN),
    },
    "corr2d_matmul_numpy": {
        "corr2d_matmul::one_matmul[cpu]": _one_matmul(FOUND_ENTERED.format(count=24, numel=24)),
        "corr2d_matmul::vectorized[cpu]": _vectorized(
            CORR2D, LARGE, FOUND_ENTERED.format(count=210, numel=210)),
    },
    "im2col_pop_mode": {
        "im2col::vectorized[cpu]": _vectorized(IM2COL, LARGE, ONE_UNSEEN),
        "kernel_matrix::vectorized[cpu]": _vectorized(KERNEL_MATRIX, LARGE_INPUT, FOUND_SWITCHED_OFF,
                                                      ONE_UNSEEN),
        "corr2d_matmul::one_matmul[cpu]": _one_matmul(ONE_UNSEEN),
        "corr2d_matmul::vectorized[cpu]": _vectorized(CORR2D, LARGE, ONE_UNSEEN),
    },
}
#: Switches that hide nothing from a torch function mode: their loops are counted as loops.
COUNTED_AS_LOOPS = ("im2col_disable_subclass", "corr2d_matmul_aten")


@functools.cache
def _graded(name: str, path: Path) -> dict[str, CheckResult]:
    return lost_in(grade_section(path), *SECTION)


@pytest.fixture
def lost(variant: Callable[[str], Path]) -> Callable[[str], dict[str, CheckResult]]:
    """The checks a fixture of this section loses, graded once per test session."""
    return lambda name: _graded(name, variant(f"{FOLDER}/{name}"))


def test_when_a_fixture_hides_a_loop_then_it_has_its_expectations_here_and_in_test_pack_matmul() -> None:
    assert set(MESSAGES) | set(COUNTED_AS_LOOPS) <= set(EXPECTED)
    assert all(set(MESSAGES[name]) == set(EXPECTED[name]) for name in MESSAGES)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_when_a_fixture_hides_operations_then_each_lost_check_says_what_the_counter_found(
    name: str, lost: Callable[[str], dict[str, CheckResult]]
) -> None:
    assert {k: (c.status, c.message) for k, c in lost(name).items()} == \
        {k: ("failed", message) for k, message in MESSAGES[name].items()}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_when_a_fixture_hides_operations_then_its_counts_alone_would_have_passed(
    name: str, lost: Callable[[str], dict[str, CheckResult]]
) -> None:
    for item, check in lost(name).items():
        assert check.details is not None
        if item.endswith("::vectorized[cpu]"):
            small, large = as_mapping(check.details[DETAIL_OPS]).values()
            assert small == large, item  # as many operations counted at both sizes
        else:  # one_matmul: one product in plain sight, or none at all
            products = as_mapping(check.details[DETAIL_MATMULS]).values()
            assert sum(n for n in products if isinstance(n, int)) <= 1, item


@pytest.mark.parametrize("name", COUNTED_AS_LOOPS)
def test_when_a_switch_hides_nothing_from_the_mode_then_the_loop_is_counted_as_one(
    name: str, lost: Callable[[str], dict[str, CheckResult]]
) -> None:
    prefix = NOT_VECTORIZED.split("{small}")[0].format(call="")
    for item, check in lost(name).items():
        if item.endswith("::vectorized[cpu]"):
            assert check.details is not None
            small, large = as_mapping(check.details[DETAIL_OPS]).values()
            assert isinstance(small, int) and isinstance(large, int) and small < large, item
            assert prefix in check.message and "hid operations" not in check.message
    if name == "corr2d_matmul_aten":  # torch.ops.aten.dot.default is a dot like any other
        assert lost(name)["corr2d_matmul::one_matmul[cpu]"].message.endswith(
            "ran 24 matrix multiplications (dot x 24); expected exactly one")
