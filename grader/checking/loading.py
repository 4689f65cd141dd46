"""The code behind a pack's declarations, loaded in the grader only when grading starts.

The checks module may import torch, so it is imported here and not by the catalog (listing and
collecting stay cheap). The reference solution is loaded by path, in the grader process only.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from importlib.util import module_from_spec, spec_from_file_location
from types import ModuleType
from typing import TYPE_CHECKING

from grader.catalog.model import Check, Pack
from grader.errors import ExerciseDefinitionError

if TYPE_CHECKING:
    from grader.checking.context import CheckContext


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


def check_function(module: object, check: Check) -> Callable[[CheckContext], None]:
    """Resolve ``check.run`` in the pack's checks module, or say clearly which check is broken."""
    function = getattr(module, check.run, None)
    if not callable(function):
        raise ExerciseDefinitionError(
            f"check {check.id!r} names {check.run!r}, which its checks module does not define"
        )
    return function  # type: ignore[no-any-return]
