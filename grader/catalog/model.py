"""The exercise model: packs of questions, each with declarative checks.

Cheap to import on purpose (no torch): pytest collection and ``grader list`` build item ids from
these definitions without loading the checks. A check names its function as a string; the pack's
checks module (which may import torch) is imported only when grading starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Device = Literal["cpu", "cuda", "meta"]

#: Devices a tensor check runs on by default: the CPU everywhere, CUDA where present.
TENSOR_DEVICES: tuple[Device, ...] = ("cpu", "cuda")
#: For checks whose answer does not depend on a device (a kernel, an image, a structured answer).
ANY_DEVICE: tuple[Device, ...] = ("cpu",)



@dataclass(frozen=True)
class Check:
    """One idea checked: passes when ``run(ctx)`` returns, fails when it raises ``CheckFailed``.

    ``run`` is the name of a function in the pack's checks module. ``devices`` lists where it runs;
    ``meta`` runs everywhere (it checks device-awareness without a GPU) and ``cuda`` only where CUDA
    is present. ``needs`` names what the check calls in the student's namespace, so a missing
    function is reported once, clearly, before the check runs. A ``bonus`` check's points are
    earned on top of the total: they are left out of the maximum, so skipping it costs nothing.
    """

    id: str
    title: str
    points: float
    run: str
    devices: tuple[Device, ...] = TENSOR_DEVICES
    needs: tuple[str, ...] = ()
    hidden: bool = False
    bonus: bool = False


@dataclass(frozen=True)
class FreeText:
    """A free-text 'why' answer: a string variable in the student's namespace, shown to a human."""

    id: str
    prompt: str


@dataclass(frozen=True)
class Exercise:
    """One question of the section: what the student writes and how it is checked."""

    id: str
    title: str
    checks: tuple[Check, ...]
    free_text: tuple[FreeText, ...] = ()


@dataclass(frozen=True)
class Pack:
    """An exercise pack: the questions, the module with their checks, the stubs students start from.

    ``checks_module`` is a dotted name. The checks compute their own truth, so grading needs
    nothing else. ``solution_module`` and ``solution_notebook`` are the worked solutions, the
    source the stubs are generated from and the proof that the checks are right: they exist only
    in the course's checkout (``solutions/``), never in the installed package, so neither a
    student's install nor their kernel holds the answers.
    """

    id: str
    title: str
    exercises: tuple[Exercise, ...]
    checks_module: str
    root: Path
    stub_notebook: Path
    stub_module: Path
    solution_notebook: Path
    solution_module: Path

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    @property
    def needed_names(self) -> tuple[str, ...]:
        """Every name any check calls, in first-use order."""
        seen: dict[str, None] = {}
        for exercise in self.exercises:
            for check in exercise.checks:
                seen.update(dict.fromkeys(check.needs))
        return tuple(seen)
