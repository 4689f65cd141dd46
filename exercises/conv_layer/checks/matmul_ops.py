"""What a call dispatched: its matrix multiplications, and whether its operation count grows.

The probe counts the torch functions a call dispatches with a ``TorchFunctionMode`` in the
student's kernel (``grader.probe.operations``), under the name of each function (``A @ v`` and
``torch.matmul`` are both ``matmul``). The mode is off while a function runs, so a function torch
writes in Python (``F.linear``, ``torch.tensordot``, ``torch.einsum``) counts once, not with the
calls it makes inside: one count per call the student's own code makes. Whether a lowering is
vectorized is judged by these counts at two image sizes, which do not depend on the machine's
speed; times are measured for information only.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch

from exercises.conv_layer import hints_matmul as hints
from exercises.conv_layer.truth import book_corr2d
from grader.pack import CheckContext, CheckFailed

#: The names under which the counter records a matrix product, whichever spelling made it
#: (``@``, ``torch.matmul``, ``Tensor.mm``, ``torch.linalg.matmul``, ``F.linear``, ...).
MATRIX_PRODUCTS = frozenset({
    "matmul", "__matmul__", "__rmatmul__", "__imatmul__", "linalg_matmul", "mm", "mv", "bmm",
    "dot", "vdot", "inner", "outer", "ger", "einsum", "tensordot", "linear", "bilinear",
    "addmm", "addmm_", "addmv", "addmv_", "addbmm", "addbmm_", "baddbmm", "baddbmm_", "addr",
    "addr_", "chain_matmul", "linalg_multi_dot", "linalg_vecdot", "_addmm_activation",
})
#: torch's own convolutions: a result they compute is not a matrix multiplication's.
CONVOLUTIONS = frozenset({
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "convolution", "_convolution", "conv_tbc",
})
#: The two image sizes whose operation counts are compared.
SMALL, LARGE = 8, 16
#: The kernel of the counted calls (not square, so swapped dimensions show).
KERNEL_SHAPE = (3, 2)
#: The image and kernel sizes of the informational timing. exercises.md suggests 128 x 128; at that
#: size the kernel-matrix view (a correct corr2d_matmul) multiplies a dense 15876 x 16384 W, a
#: gigabyte in float32, and building it from conv2d's responses to one-pixel images took 26 s here,
#: past the 10 s call timeout. At 64 x 64, W is 63 MB and the double loop still takes ~50 ms.
TIMED_SIZE, TIMED_KERNEL = 64, 3


def among(counts: Mapping[str, int], names: frozenset[str]) -> dict[str, int]:
    """The counts of the operations named in ``names``."""
    return {name: count for name, count in sorted(counts.items()) if name in names}


@dataclass(frozen=True)
class Growth:
    """The operations one function dispatched at the small and at the large size."""

    small: dict[str, int]
    large: dict[str, int]

    @property
    def grows(self) -> bool:
        """Whether more operations ran at the large size: a loop over the output positions."""
        return sum(self.large.values()) > sum(self.small.values())


def count_at_two_sizes(ctx: CheckContext, name: str, args: Callable[[int], tuple[Any, ...]]) -> Growth:
    """Call ``name(*args(size))`` at both sizes with the operations counted; insist on tensors."""
    counts = []
    for size in (SMALL, LARGE):
        result = ctx.call(name, *args(size), count_ops=True)
        ctx.expect_tensor(result.value, name)
        counts.append({str(k): int(v) for k, v in result.ops.items()})
    return Growth(*counts)


def report(ctx: CheckContext, growth: Growth) -> None:
    """Show the counts beside the verdict, pass or fail."""
    small, large = (hints.SIZE_LABEL.format(size=size) for size in (SMALL, LARGE))
    ctx.detail(hints.DETAIL_OPS, {small: sum(growth.small.values()), large: sum(growth.large.values())})
    ctx.detail(hints.DETAIL_OPS_BY_NAME, {small: growth.small, large: growth.large})


def not_vectorized(growth: Growth, call: str, size: str, hint: str) -> CheckFailed:
    """The failure of a vectorized check: the counts at both sizes, and the hint."""
    small, large = sum(growth.small.values()), sum(growth.large.values())
    labels = [hints.SIZE_LABEL.format(size=n) for n in (SMALL, LARGE)]
    return CheckFailed(
        hints.NOT_VECTORIZED.format(call=call, small=small, large=large,
                                    small_size=size.format(size=SMALL),
                                    large_size=size.format(size=LARGE)),
        hint=hint,
        expected={hints.DETAIL_OPS: dict.fromkeys(labels, small)},
        actual={hints.DETAIL_OPS: dict(zip(labels, (small, large), strict=True))},
    )


def seconds(run: Callable[[], Any]) -> float:
    """Wall-clock seconds of one run."""
    started = time.perf_counter()
    run()
    return round(time.perf_counter() - started, 4)


@functools.cache
def double_loop_seconds() -> float:
    """The book's double-loop corr2d on the timed image size: measured once per grading
    process (the figure is for information, and the loop is the slow part of the check)."""
    X = torch.zeros((TIMED_SIZE, TIMED_SIZE))
    K = torch.ones((TIMED_KERNEL, TIMED_KERNEL))
    return seconds(lambda: book_corr2d(X, K))
