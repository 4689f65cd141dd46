"""Finding exercise packs: registered under the ``grader.packs`` entry-point group.

Listing packs imports only their declarative definitions (no torch), so collection stays cheap.
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.metadata import entry_points
from importlib.util import module_from_spec, spec_from_file_location
from types import ModuleType

from grader.checking.exercise import Pack
from grader.errors import ExerciseDefinitionError, UsageError

GROUP = "grader.packs"


def available_packs() -> dict[str, str]:
    """Pack id -> 'module:attribute', from installed entry points."""
    return {ep.name: ep.value for ep in entry_points(group=GROUP)}


def load_pack(name: str | None = None) -> Pack:
    """The named pack, or the only installed one when no name is given."""
    packs = available_packs()
    if name is None:
        if len(packs) != 1:
            choices = ", ".join(sorted(packs)) or "none installed"
            raise UsageError(f"choose an exercise pack with --pack ({choices})")
        (name,) = packs
    if name not in packs:
        raise UsageError(f"unknown exercise pack {name!r}; installed: {', '.join(sorted(packs))}")
    (entry,) = [ep for ep in entry_points(group=GROUP) if ep.name == name]
    try:
        pack = entry.load()
    except Exception as exc:  # an installed pack that cannot load is its author's fault
        raise ExerciseDefinitionError(
            f"exercise pack {name!r} ({entry.value}) failed to load: {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(pack, Pack):
        raise ExerciseDefinitionError(f"entry point {entry.value} is not a grader Pack")
    return pack


def load_checks(pack: Pack) -> ModuleType:
    """The pack's checks module (may import torch): loaded only when grading starts."""
    return import_module(pack.checks_module)


def load_reference(pack: Pack) -> ModuleType:
    """The reference solution, loaded by path in the grader process only (never installed)."""
    name = f"_grader_reference_{pack.id}"
    if name in sys.modules:
        return sys.modules[name]
    path = pack.solution_module
    spec = spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ExerciseDefinitionError(
            f"the reference solution of pack {pack.id!r} is missing ({path}); grade from a checkout"
            " of the course repository (pip install -e .), which has solutions/"
        )
    module = module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise ExerciseDefinitionError(f"the reference solution {path} failed to load: {exc}") from exc
    return module
