"""The exercise model: packs of questions, each with declarative checks.

Cheap to import on purpose (no torch): pytest collection and ``grader list`` build item ids from
these definitions without loading the checks. A check names its function as a string; the pack's
checks module (which may import torch) is imported only when grading starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.errors import ExerciseDefinitionError

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

    ``requires`` names sibling checks (same exercise) that must pass for this one to count: a
    property (dtype kept, inputs unchanged, vectorized, sums to zero) pays out only alongside a
    correct value, so a function returning zeros or a constant cannot earn it. The check still
    runs and says what it found; passed beside a requirement that did not pass, it scores 0.
    A requirement is judged on the same device where it runs there, else on the CPU (``meta``
    has no values to be right: device-awareness counts alongside the CPU's correct values).
    """

    id: str
    title: str
    points: float
    run: str
    devices: tuple[Device, ...] = TENSOR_DEVICES
    needs: tuple[str, ...] = ()
    hidden: bool = False
    bonus: bool = False
    requires: tuple[str, ...] = ()


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

    def __post_init__(self) -> None:
        ids = {check.id for check in self.checks}
        for check in self.checks:
            for required in check.requires:
                if required == check.id or required not in ids:
                    raise ExerciseDefinitionError(
                        f"{self.id}::{check.id} requires {required!r}, which is not another check"
                        f" of {self.id} ({', '.join(sorted(ids - {check.id}))})")
                if "cpu" not in self.check(required).devices and \
                        not set(check.devices) <= set(self.check(required).devices):
                    raise ExerciseDefinitionError(
                        f"{self.id}::{check.id} requires {required!r}, which runs neither on the"
                        " CPU nor on every device it runs on")

    def check(self, check_id: str) -> Check:
        """The check of this exercise with that id (StopIteration if there is none)."""
        return next(check for check in self.checks if check.id == check_id)

    def requirements(self, check: Check, device: str) -> tuple[tuple[Check, str], ...]:
        """What ``check`` on ``device`` requires, directly or through its requirements, each on the
        device it is judged on (its own where it runs there, else the CPU); in declaration order."""
        found: dict[tuple[str, str], Check] = {}
        pending = [(check, device)]
        while pending:
            current, on = pending.pop()
            for required in map(self.check, current.requires):
                key = (required.id, on if on in required.devices else "cpu")
                if key not in found and key != (check.id, device):
                    found[key] = required
                    pending.append((required, key[1]))
        order = {c.id: i for i, c in enumerate(self.checks)}
        return tuple((found[key], key[1]) for key in sorted(found, key=lambda k: order[k[0]]))


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
    #: Dotted names of the modules holding the hints' templates, so that a hint given to a
    #: student can be named after the template it was filled from (``grader.catalog.hints``).
    hint_modules: tuple[str, ...] = ()

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
