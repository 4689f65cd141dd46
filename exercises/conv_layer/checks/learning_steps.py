"""What learn_kernel's steps are, read from the kernels it returns after 1, 2 and 3 steps.

The probe seeds torch before every call, so the three calls start from the same kernel and their
results are three consecutive points of one training run: k1, k2 = k1 + d1, k3 = k2 + d2. Each
update rule learners write predicts d1 and d2 from k1 and k2 exactly, so the rule is named by
computation here (float64, torch's own conv2d and autograd), never from the student's source:

- descent: d = -lr * g(k), g the gradient of the squared error summed over all outputs;
- ascent: d = +c * g(k), c > 0 (the gradient added);
- mean: d = -lr * g(k) / N, the mean over the N outputs;
- norm: d = -lr * g(k) / (2 * |r(k)|) (a norm, ``torch.norm``) or that over sqrt(N) (the root of
  the mean), r(k) the residual;
- scaled: d = -c * g(k) with another c (a learning rate other than the one given, or a scaled loss);
- bias trained or bias fixed: d = -lr * (g(k) + 2 b s), s = g's part from a bias (the patches'
  sum), with b fitted from d1 and d2 predicted (a trained bias moves, a fixed one does not);
- accumulates: d2 = d1 - lr * g(k3's start), the gradient never zeroed;
- same: k1 = k2 = k3 (the update never reaches the weight, or ``steps`` is not the loop's count).

None of them matches when the student's start is not seeded by torch (the three calls start from
different kernels) or when the rule is another one (momentum, Adam): then no rule is named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from exercises.conv_layer.checks._common import conv_truth

__all__ = ["Rule", "read_rule"]

#: The float32 arithmetic of a student's step against this float64 one: a few ulps of the kernel.
RTOL, ATOL = 1e-3, 1e-6
#: How close a step's scale must be to a rule's (the norm's depends on the residual's float32 sum).
SCALE_RTOL = 1e-2


@dataclass(frozen=True)
class Rule:
    """The update rule the kernels show: its name and, for ``scaled``, the step over lr * g."""

    name: str
    ratio: float = 1.0


def read_rule(X: torch.Tensor, Y: torch.Tensor, lr: float, kernels: list[torch.Tensor]) -> Rule | None:
    """The rule that takes the kernels after 1 and 2 steps to those after 2 and 3, if one does."""
    k1, k2, k3 = (k.detach().to("cpu", torch.float64) for k in kernels)
    if not all(bool(torch.isfinite(k).all()) for k in (k1, k2, k3)):
        return None
    if torch.equal(k1, k2) and torch.equal(k2, k3):
        return Rule("same")
    problem = _Problem(X.to(torch.float64), Y.to(torch.float64), lr)
    d1, d2 = k2 - k1, k3 - k2
    g1, g2 = problem.gradient(k1), problem.gradient(k2)
    if float(d1.norm()) < 10 * ATOL or float(g1.norm()) == 0.0:
        return None
    scale = -float((d1 * g1).sum() / (g1 * g1).sum())  # d1 = -scale * g1, if d1 is a gradient step
    if not _close(-scale * g1, d1):
        return Rule("accumulates") if _close(d1 - lr * g2, d2) else _bias_rule(problem, k1, k2, d1, d2)
    rule = _named(scale / lr, problem.scales(k1))
    # The second step must follow the same rule (a schedule, momentum or Adam would not).
    second = problem.scales(k2).get(rule.name, scale)
    return rule if _close(-second * g2, d2) else None


def _named(ratio: float, scales: dict[str, float]) -> Rule:
    """Which loss or mistake takes gradient steps of ``ratio`` times lr * g."""
    if ratio < 0:
        return Rule("ascent", ratio)
    lr = scales["descent"]
    for name, scale in scales.items():
        if math.isclose(ratio, scale / lr, rel_tol=SCALE_RTOL):
            return Rule(name, ratio)
    return Rule("scaled", ratio)


def _bias_rule(problem: _Problem, k1: torch.Tensor, k2: torch.Tensor, d1: torch.Tensor,
               d2: torch.Tensor) -> Rule | None:
    """A layer with a bias b: d = -lr * (g(k) + 2 * b * s). b is fitted from d1 (a kernel of two
    taps fits any d1), so the verdict comes from d2, with b trained (b2 = b1 - 2 lr * sum r) or not."""
    lr, s = problem.lr, problem.patch_sum()
    rest = -(d1 + lr * problem.gradient(k1))
    b1 = float((rest * s).sum() / (2 * lr * (s * s).sum()))
    if not _close(-lr * (problem.gradient(k1) + 2 * b1 * s), d1):
        return None
    trained = b1 - 2 * lr * float((problem.residual(k1) + b1).sum())
    for name, b2 in (("bias trained", trained), ("bias fixed", b1)):
        if _close(-lr * (problem.gradient(k2) + 2 * b2 * s), d2):
            return Rule(name)
    return None


def _close(predicted: torch.Tensor, actual: torch.Tensor) -> bool:
    return float((predicted - actual).norm()) <= RTOL * float(actual.norm()) + ATOL


@dataclass(frozen=True)
class _Problem:
    """The least-squares problem learn_kernel was given, in float64."""

    X: torch.Tensor
    Y: torch.Tensor
    lr: float

    def scales(self, kernel: torch.Tensor) -> dict[str, float]:
        """The step, as a multiple of g, each loss takes at ``kernel`` with the learning rate given."""
        norm, outputs = float(self.residual(kernel).norm()), self.Y.numel()
        return {"descent": self.lr, "mean": self.lr / outputs, "norm": self.lr / (2 * norm),
                "root mean": self.lr / (2 * norm * math.sqrt(outputs))}

    def residual(self, kernel: torch.Tensor) -> torch.Tensor:
        return conv_truth(self.X, kernel) - self.Y

    def gradient(self, kernel: torch.Tensor) -> torch.Tensor:
        """The gradient of the squared error summed over all outputs, by torch's autograd."""
        k = kernel.detach().clone().requires_grad_(True)
        (self.residual(k) ** 2).sum().backward()
        assert k.grad is not None
        return k.grad

    def patch_sum(self) -> torch.Tensor:
        """The gradient with respect to the kernel of the outputs' sum: what a bias adds to g / 2b."""
        k = torch.zeros(self._kernel_shape(), dtype=torch.float64, requires_grad=True)
        conv_truth(self.X, k).sum().backward()
        assert k.grad is not None
        return k.grad

    def _kernel_shape(self) -> tuple[int, int]:
        return (self.X.shape[0] - self.Y.shape[0] + 1, self.X.shape[1] - self.Y.shape[1] + 1)
