"""Operations hidden from the counter: the probe's counter is also a witness.

The vectorized checks and one_matmul judge what a ``TorchFunctionMode`` counted inside the student's
kernel, where it can be switched off or sidestepped. The probe's counter therefore also reports
(``grader/probe/counting.py``) every tensor used or returned that no counted operation made, every
tensor changed out of its sight, views made out of its sight, floating-point data taken in from numpy
or Python lists, and whether it was still on at the end. Here: each way of hiding, each honest
spelling, and the kernel's state after a call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from exercises.conv_layer.checks import matmul_ops
from grader.probe import counting
from solutions import conv_layer as reference

Function = Callable[..., Any]
KERNEL = (3, 2)


def findings(report: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in report.items() if k.startswith("!")}


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
