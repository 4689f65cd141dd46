"""Which devices the checks run on, and why a device was skipped.

``cpu`` and ``meta`` run everywhere and carry the points, so a score never depends on the grading
machine. ``cuda`` runs where CUDA is present and, by default, is extra evidence worth no points; a
course can make it count (``count_cuda``), and then grading without CUDA marks those checks skipped
and the score incomplete rather than silently lower.
"""

from __future__ import annotations

from grader import messages
from grader.catalog.model import Check
from grader.errors import UsageError
from grader.options import DEVICE_CHOICES as DEVICE_CHOICES  # re-exported: the table owns it
from grader.results.model import DeviceInfo


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def exact_float32() -> None:
    """Turn TF32 off: cuDNN convolutions use it by default on Ampere and later, which makes a
    float32 reference differ from an exact answer by about 1e-3, far outside float32 tolerance."""
    import torch

    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False


def plan_devices(requested: str, *, count_cuda: bool = False) -> tuple[DeviceInfo, ...]:
    """Resolve ``--device auto|cpu|cuda`` into the devices checks may run on."""
    if requested not in DEVICE_CHOICES:
        raise UsageError(f"unknown device {requested!r}; choose one of {', '.join(DEVICE_CHOICES)}")
    has_cuda = cuda_available()
    if requested == "cuda" and not has_cuda:
        raise UsageError(
            "--device cuda was asked for but CUDA is not available here;"
            " use --device auto to run the CUDA checks only where there is a GPU"
        )
    if requested == "cpu":
        cuda = DeviceInfo("cuda", False, count_cuda, messages.SKIPPED_NOT_REQUESTED.format(device="cpu"))
    elif has_cuda:
        exact_float32()
        cuda = DeviceInfo("cuda", True, count_cuda)
    else:
        cuda = DeviceInfo("cuda", False, count_cuda, messages.SKIPPED_NO_CUDA)
    return (DeviceInfo("cpu", True, True), DeviceInfo("meta", True, True), cuda)


def points_policy(check: Check, device: str, *, count_cuda: bool) -> tuple[bool, float]:
    """Whether a device variant counts, and its share of the check's points.

    By default only the variants that run on every machine (cpu, meta) count, so a score does not
    depend on the grading machine; ``count_cuda`` splits the points over the CUDA variant too.
    """
    counting = [d for d in check.devices if d != "cuda" or count_cuda]
    if device not in counting:
        return False, 0.0
    return True, check.points / len(counting)
