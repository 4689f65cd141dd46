"""How to grade one submission: devices, seed, time limits and the points policy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GradeOptions:
    """How to grade: devices, seed, time limits and the points policy."""

    device: str = "auto"
    seed: int = 0
    cell_timeout: float = 60.0
    call_timeout: float = 10.0
    count_cuda: bool = False
    max_result_bytes: int = 16 * 2**20
