"""What a call dispatched: its matrix multiplications, whether its operation count grows, and
whether anything was hidden from the counter.

The probe counts the torch functions a call dispatches with a ``TorchFunctionMode`` in the
student's kernel (``grader/probe/counting.py``), under the name of each function (``A @ v``,
``torch.matmul`` and ``torch.ops.aten.matmul.default`` are all ``matmul``). The mode is off while a
function runs, so a function torch writes in Python (``F.linear``, ``torch.tensordot``,
``torch.einsum``) counts once, not with the calls it makes inside: one count per call the student's
own code makes. Whether a lowering is vectorized is judged by these counts at two image sizes, which
do not depend on the machine's speed; times are measured for information only.

**Hidden operations.** The counter runs in the student's kernel, where it can be switched off
(``torch._C.DisableTorchFunction()``, the mode popped or exited) or sidestepped (the work done in
numpy or Python lists, then converted): a loop would then dispatch as few counted operations at 16 x
16 as at 8 x 8. So the probe's counter is also a witness: it reports, beside the counts, every tensor
used or returned that no counted operation made, every tensor changed out of its sight, views made
out of its sight, floating-point data taken in from numpy or Python lists (which hides the result
when there are as many numbers as the result has elements), and whether it was still on when the
call returned. A call for which it found any of these (or counted nothing at all) fails
``vectorized`` and ``one_matmul`` as "operations hidden from the counter", whatever its counts: the
silence of the counter is itself the failure (exercises.md), and it does not depend on a threshold
a hiding loop could pad its way past. Views are the one finding that is harmless once (``nn.Linear``
makes its weight that way): they fail only when more are made on the larger image.

**Operands far larger than needed.** Beside the findings the probe reports a size
(``!largest``): the most elements any one tensor had that a counted operation used or returned. A
lowering that handles more than ``DENSE_FACTOR`` times the elements of the patch matrix on the
larger image (a dense kernel matrix behind ``corr2d_matmul``, a 0/1 selection matrix behind
``im2col``, an (H * W) x (H * W) matrix) gets a note saying so, with the sizes, on its vectorized
check: deterministic, since sizes do not depend on the machine, and costing no points, since the
lowering is correct and the book asks for both views (the kernel matrix is one of them). What it
costs to find out is one ``numel()`` per tensor per counted operation in the kernel.

Why not time a call on an image so large that a loop cannot finish in time? A verdict may rest on
time only with a margin of orders of magnitude on any machine, and no input that fits in memory
gives one. A Python loop costs roughly one to ten microseconds per output position, so it needs a
million positions or more just to reach a 10 s call timeout (the course's setting, and it may be
larger): ``kernel_matrix``'s W then has a million rows of a million pixels, 10^12 elements; for
``im2col`` a numpy loop at a microsecond per position needs ten million positions (a 240 MB result)
to reach the limit, and a hundred times more to pass it by the margin the rule asks for. Times
stay information.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch

from exercises.conv_layer import hints_matmul_ops as hints
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


#: What the probe's counter reports beside the counts, under names no torch function has
#: (``grader/probe/counting.py`` spells them; a test holds the two together).
UNSEEN, CHANGED, VIEWS, ENTERED, SWITCHED_OFF = (
    "!unseen", "!changed", "!views", "!entered", "!switched_off")
#: A size, not a finding: the most elements any one tensor had that a counted operation used or
#: returned. Read where the probe reports it (an older probe does not: then no note is made).
LARGEST = "!largest"
#: A lowering handles a tensor more than this many times what its smallest honest lowering needs
#: (on the larger image): far more than a patch matrix, like a dense kernel matrix for
#: corr2d_matmul (out_h * out_w * H * W elements, 43 times the patches at 16 x 16 with a 3 x 2
#: kernel) or an (H * W) x (H * W) matrix. Honest lowerings stay near 1 (index tensors, views and
#: the patches have as many elements as the patches).
DENSE_FACTOR = 8


@dataclass(frozen=True)
class Counted:
    """One counted call: the operations it dispatched by name, what the counter found hidden from
    it (and the largest tensor's size, among the findings where the probe reports it), and how many
    elements the result has."""

    ops: dict[str, int]
    findings: dict[str, int]
    numel: int

    @property
    def total(self) -> int:
        """Every operation counted."""
        return sum(self.ops.values())

    @property
    def largest(self) -> int | None:
        """The most elements of any one tensor the call handled (None if the probe does not say)."""
        return self.findings.get(LARGEST)


def counted(ctx: CheckContext, name: str, *args: Any) -> Counted:
    """Call ``name(*args)`` with the operations counted; insist on a tensor."""
    result = ctx.call(name, *args, count_ops=True)
    value = ctx.expect_tensor(result.value, name)
    counts = {str(k): int(v) for k, v in result.ops.items()}
    return Counted({k: v for k, v in counts.items() if not k.startswith("!")},
                   {k: v for k, v in counts.items() if k.startswith("!")},
                   math.prod(value.shape))


@dataclass(frozen=True)
class Growth:
    """The same function counted at the small and at the large size."""

    small: Counted
    large: Counted

    @property
    def grows(self) -> bool:
        """Whether more operations ran at the large size: a loop over the output positions."""
        return self.large.total > self.small.total


def count_at_two_sizes(ctx: CheckContext, name: str, args: Callable[[int], tuple[Any, ...]]) -> Growth:
    """Call ``name(*args(size))`` at both sizes with the operations counted."""
    return Growth(*(counted(ctx, name, *args(size)) for size in (SMALL, LARGE)))


def hidden(call: Counted) -> list[tuple[str, str]]:
    """What the counter found hidden from it in one call: (the hint, the finding in words), the
    strongest evidence first; empty when it saw everything."""
    found, numel = call.findings, call.numel
    evidence = [
        (SWITCHED_OFF, hints.HINT_SWITCHED_OFF, hints.FOUND_SWITCHED_OFF),
        (CHANGED, hints.HINT_CHANGED, hints.FOUND_CHANGED),
        (UNSEEN, hints.HINT_UNSEEN, hints.FOUND_UNSEEN),
    ]
    said = [(hint, text.format(count=found[key])) for key, hint, text in evidence if found.get(key)]
    if numel and found.get(ENTERED, 0) >= numel:
        said.append((hints.HINT_ENTERED, hints.FOUND_ENTERED.format(count=found[ENTERED], numel=numel)))
    if not said and call.total == 0:
        said.append((hints.HINT_NOTHING_COUNTED, hints.FOUND_NOTHING_COUNTED))
    return said


def hidden_in_growth(growth: Growth, size: str) -> tuple[int, list[tuple[str, str]]]:
    """The image size at which something was hidden, and what: anything ``hidden`` finds (at the
    large size first), and views made out of sight that grow with the image."""
    large = hidden(growth.large)
    at, said = (LARGE, large) if large else (SMALL, hidden(growth.small))
    views = growth.small.findings.get(VIEWS, 0), growth.large.findings.get(VIEWS, 0)
    if views[1] > views[0]:
        at = LARGE if not said else at
        said.append((hints.HINT_VIEWS, hints.FOUND_VIEWS.format(
            small=views[0], large=views[1], small_size=size.format(size=SMALL),
            large_size=size.format(size=LARGE))))
    return at, said


def operations_hidden(message: str, said: list[tuple[str, str]], hint: str | None = None,
                      **fields: Any) -> CheckFailed:
    """The failure of a call that hid operations from the counter; the hint of the strongest
    finding unless one is given (a helper to blame)."""
    return CheckFailed(message.format(found="; ".join(text for _, text in said), **fields),
                       hint=hint or said[0][0])


def report(ctx: CheckContext, growth: Growth) -> None:
    """Show the counts beside the verdict, pass or fail, and the largest tensor where known."""
    small, large = (hints.SIZE_LABEL.format(size=size) for size in (SMALL, LARGE))
    ctx.detail(hints.DETAIL_OPS, {small: growth.small.total, large: growth.large.total})
    ctx.detail(hints.DETAIL_OPS_BY_NAME, {small: growth.small.ops, large: growth.large.ops})
    if growth.small.largest is not None and growth.large.largest is not None:
        ctx.detail(hints.DETAIL_LARGEST, {small: growth.small.largest, large: growth.large.largest})


def note_dense(ctx: CheckContext, growth: Growth, name: str, call: str, needed: int) -> None:
    """A note, for information, on a call that handled a tensor more than DENSE_FACTOR times the
    ``needed`` elements of its smallest honest lowering on the larger image. Deterministic (sizes,
    not times) and free of charge: the lowering is correct, and the book asks for either view."""
    largest = growth.large.largest
    if largest is None or largest <= DENSE_FACTOR * needed:
        return
    what, cheaper = hints.DENSE_NEEDS[name]
    ctx.detail(hints.DETAIL_DENSE, hints.NOTE_DENSE.format(
        call=call, size=hints.ON_IMAGE.format(size=LARGE), largest=largest, factor=DENSE_FACTOR,
        needed=needed, what=what, cheaper=cheaper))


def patch_elements(size: int, kernel: tuple[int, int] = KERNEL_SHAPE) -> int:
    """How many elements the patch matrix of a ``size`` x ``size`` image has."""
    h, w = kernel
    return (size - h + 1) * (size - w + 1) * h * w


def not_vectorized(growth: Growth, call: str, size: str, hint: str) -> CheckFailed:
    """The failure of a vectorized check: the counts at both sizes, and the hint."""
    small, large = growth.small.total, growth.large.total
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
