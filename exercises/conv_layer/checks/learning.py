"""Checks of ``learn_kernel``: it recovers the kernel that made Y, and more steps lower the error.

Both checks train on two data sets: the book's (the edge image and its response to [[1, -1]]) and
one the grader generates (a seeded random image and its response to a seeded random 2 x 2 kernel),
so a learn_kernel that ignores X and Y cannot pass. The probe seeds torch before every call, so
calls that differ only in ``steps`` start from the same random kernel; the squared error of each
returned kernel is computed here, never taken from the student. ``steps`` is at least 1: a layer
built lazily (the current edition's ``nn.LazyConv2d``) has no kernel before its first forward pass.

When either check fails, the kernels after 1, 2 and 3 steps name the update rule
(``learning_steps``): a diverging run is said to diverge first, with the cause when the kernels
show it. Every message shows the calls the grader made, whose arguments the student never chose.

They run on the CPU and, where present, on CUDA: there X and Y arrive on the GPU and the kernel
must be learned and returned there (built on the CPU, the layer raises; moved to the CPU, the kernel
comes back on the wrong device). On the CPU that cannot go wrong, so the CPU verdicts are the same.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import torch

from exercises.conv_layer import hints
from exercises.conv_layer.checks._common import book_image, book_kernel, conv_truth, randn
from exercises.conv_layer.checks.learning_steps import Rule, read_rule
from grader.pack import (
    CheckContext,
    CheckFailed,
    StudentCodeError,
    StudentRaised,
    TensorValue,
    WrongReturn,
    assert_close,
    assert_device,
    assert_shape,
)

__all__ = ["learn_kernel_loss_decreases", "learn_kernel_recovers_kernel"]

KERNEL_SIZE = (1, 2)
LR = 3e-2
#: The reference is within 0.1 of [[1, -1]] after at most 10 steps for 2000 seeds (11 from a
#: torch.rand start); after 20 its worst error is 0.012 (default init) or 0.0115 (torch.rand).
STEPS = 20
TOLERANCE = 0.1
LOSS_STEPS = (1, 2, 5, 10)
#: Three consecutive points of one run, from which ``learning_steps`` reads the update rule.
RULE_STEPS = (1, 2, 3)

#: The generated data: a standardized 9 x 11 normal image (80 outputs for a 2 x 2 kernel) and a
#: standard normal 2 x 2 kernel. Standardizing keeps the squared error's curvature near 2 * 80 in
#: every direction, so one learning rate suits every seed. Measured over seeds 0..4999, from
#: nn.Conv2d's default start and from torch.rand's: lr * curvature at most 0.85 (2 diverges); worst
#: error after RANDOM_STEPS steps 0.0021 (tolerance 0.1); the loss after 1, 2, 5, 10 steps falls by
#: a factor of at least 2 each time and stays above 1e-6 (far above float32 rounding).
RANDOM_SHAPE = (9, 11)
RANDOM_KERNEL_SIZE = (2, 2)
RANDOM_LR = 3e-3
RANDOM_STEPS = 30


@dataclass(frozen=True)
class Task:
    """One data set to learn from: X, Y = corr2d(X, kernel), and the arguments to pass."""

    data: str  # how messages name it
    X: torch.Tensor
    Y: torch.Tensor
    kernel: torch.Tensor
    kernel_size: tuple[int, int]
    lr: float
    steps: int
    not_converged: str  # the hint when the learned kernel is not within TOLERANCE

    def inputs(self, steps: int) -> dict[str, object]:
        return {"X": self.X, "Y": self.Y, "kernel_size": self.kernel_size, "lr": self.lr,
                "steps": steps}

    def call(self, steps: int | str) -> str:
        """The call as the student would write it (the grader's arguments, not the student's)."""
        return f"learn_kernel(X, Y, {self.kernel_size}, {self.lr}, {steps})"


def book_task() -> Task:
    X = book_image()
    Y = conv_truth(X, book_kernel(), torch.device("cpu")).to(torch.float32)
    return Task(hints.BOOK_DATA, X, Y, book_kernel(), KERNEL_SIZE, LR, STEPS,
                hints.HINT_NOT_CONVERGED.format(steps=STEPS, lr=LR))


def random_task(ctx: CheckContext) -> Task:
    """Seeded (re-seeded for hidden runs): the same on every device."""
    X = randn(ctx, 50, *RANDOM_SHAPE, dtype=torch.float64)
    X = ((X - X.mean()) / X.std()).to(torch.float32)
    kernel = randn(ctx, 51, *RANDOM_KERNEL_SIZE)
    Y = conv_truth(X, kernel, torch.device("cpu")).to(torch.float32)
    hint = hints.HINT_NOT_CONVERGED_RANDOM.format(steps=RANDOM_STEPS, lr=RANDOM_LR,
                                                  kernel_size=RANDOM_KERNEL_SIZE)
    return Task(hints.RANDOM_DATA, X, Y, kernel, RANDOM_KERNEL_SIZE, RANDOM_LR, RANDOM_STEPS, hint)


def learn_kernel_recovers_kernel(ctx: CheckContext) -> None:
    """Within 0.1 of the kernel that made Y, on both data sets, and returned on X's device."""
    learned = []
    for task in (book_task(), random_task(ctx)):
        training = Training(ctx, task)
        kernel = training.kernel(task.steps)
        try:
            assert_close(kernel, task.kernel, what=f"{task.call(task.steps)} on {task.data}",
                         input=task.inputs(task.steps), rtol=0.0, atol=TOLERANCE)
        except CheckFailed as failed:
            failed.hint = training.explain() or task.not_converged
            raise
        learned.append((task, kernel))
    for task, kernel in learned:  # trivial on the CPU
        assert_device(kernel, ctx.device, what=f"the kernel learned on {task.data}",
                      input=task.inputs(task.steps), hint=hints.HINT_LEARN_DEVICE)


def learn_kernel_loss_decreases(ctx: CheckContext) -> None:
    """On both data sets, the squared error after 1, 2, 5 and 10 steps (same start) decreases."""
    for task in (book_task(), random_task(ctx)):
        training = Training(ctx, task)
        losses = [training.loss(steps) for steps in LOSS_STEPS]
        if all(after < before for before, after in itertools.pairwise(losses)):
            continue
        hint = training.explain()
        if hint is None:
            finite = all(math.isfinite(loss) for loss in losses)
            hint = hints.HINT_NOT_MONOTONE if finite else hints.HINT_LOSS_NOT_FINITE
        shown = ", ".join(f"{loss:.4g} (steps = {steps})" for steps, loss in
                          zip(LOSS_STEPS, losses, strict=True))
        raise CheckFailed(
            hints.LOSS_NOT_DECREASING.format(call=task.call("steps"), data=task.data, losses=shown),
            hint=hint, input=task.inputs(LOSS_STEPS[-1]),
            actual={"losses": dict(zip(map(str, LOSS_STEPS), losses, strict=True))})


@dataclass
class Training:
    """One data set's calls to learn_kernel, each number of steps called once."""

    ctx: CheckContext
    task: Task
    kernels: dict[int, TensorValue] = field(default_factory=dict)

    def kernel(self, steps: int) -> TensorValue:
        if steps not in self.kernels:
            self.kernels[steps] = _learn(self.ctx, self.task, steps)
        return self.kernels[steps]

    def loss(self, steps: int) -> float:
        prediction = conv_truth(self.task.X, self.kernel(steps).data, torch.device("cpu"))
        return float(((prediction - self.task.Y.double()) ** 2).sum())

    def diverges(self) -> bool:
        """Whether the error grows from the first steps (to infinity or NaN counts)."""
        try:
            first, second, third = (self.loss(steps) for steps in RULE_STEPS)
        except (StudentCodeError, CheckFailed):
            return False
        return math.isfinite(first) and second > first and not third <= second

    def _finite(self) -> bool | None:
        """Whether the kernels after 1, 2 and 3 steps are finite (None: they could not be had)."""
        try:
            return all(math.isfinite(self.loss(steps)) for steps in RULE_STEPS)
        except (StudentCodeError, CheckFailed):
            return None

    def rule(self) -> Rule | None:
        try:
            kernels = [self.kernel(steps).data for steps in RULE_STEPS]
        except (StudentCodeError, CheckFailed):
            return None
        return read_rule(self.task.X, self.task.Y, self.task.lr, kernels)

    def explain(self) -> str | None:
        """The hint the update rule gives, said after the divergence when the error grows."""
        rule = self.rule()
        if rule is None and self.diverges():
            return hints.HINT_DIVERGES_CAUSES
        if rule is None:
            finite = self._finite()
            return None if finite is None or finite else hints.HINT_LOSS_NOT_FINITE
        call = self.task.call("steps")
        said = {
            "ascent": hints.RULE_ASCENT.format(call=call),
            "scaled": hints.RULE_SCALED.format(call=call, ratio=rule.ratio),
            "mean": hints.RULE_MEAN.format(call=call, outputs=self.task.Y.numel()),
            "norm": hints.RULE_NORM.format(call=call),
            "root mean": hints.RULE_NORM.format(call=call),
            "bias trained": hints.RULE_BIAS_TRAINED.format(call=call),
            "bias fixed": hints.RULE_BIAS_FIXED.format(call=call),
            "accumulates": hints.RULE_NOT_ZEROED.format(call=call),
            "same": hints.RULE_SAME.format(call=call),
        }.get(rule.name)
        if not self.diverges():
            return said
        # Only causes that make steps overshoot: never advise larger steps to a diverging run.
        overshoots = rule.name in ("ascent", "norm", "root mean", "bias trained", "accumulates") or \
            (rule.name == "scaled" and rule.ratio > 1)
        return hints.HINT_DIVERGES.format(cause=said) if overshoots else hints.HINT_DIVERGES_CAUSES


def _learn(ctx: CheckContext, task: Task, steps: int) -> TensorValue:
    inputs = task.inputs(steps)
    try:
        learned = ctx.call_tensor("learn_kernel", task.X, task.Y, task.kernel_size, task.lr, steps)
    except StudentRaised as exc:  # raised as it is; a layer left on the CPU gets its hint
        if ctx.device != "cpu" and _runs_on_cpu(ctx, task, steps):
            exc.hint = hints.HINT_LEARN_DEVICE
        exc.message = hints.CALLED_AS.format(call=task.call(steps), data=task.data,
                                              message=exc.message)
        raise
    except WrongReturn as exc:
        exc.message = hints.CALLED_AS.format(call=task.call(steps), data=task.data,
                                              message=exc.message)
        raise
    if len(learned.shape) == 4 and tuple(learned.shape[2:]) == task.kernel_size:
        hint = hints.HINT_KERNEL_SHAPE
    elif learned.numel == math.prod(task.kernel_size):
        hint = hints.HINT_KERNEL_RESHAPE.format(numel=learned.numel, kernel_size=task.kernel_size)
    else:
        hint = hints.HINT_KERNEL_SIZE_IGNORED.format(kernel_size=task.kernel_size)
    assert_shape(learned, task.kernel_size, what=f"the kernel that {task.call(steps)} returns on {task.data}",
                 input=inputs, hint=hint)
    return learned


def _runs_on_cpu(ctx: CheckContext, task: Task, steps: int) -> bool:
    """Whether the same call returns on the CPU (so what failed elsewhere was the device)."""
    try:
        ctx.on("cpu").call("learn_kernel", task.X, task.Y, task.kernel_size, task.lr, steps)
    except StudentCodeError:
        return False
    return True
