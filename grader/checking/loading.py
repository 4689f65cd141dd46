"""The code behind a pack's declarations, loaded in the grader only when grading starts.

The checks module may import torch, so it is imported here and not by the catalog (listing and
collecting stay cheap). Grading never loads a pack's worked solutions: the checks compute their
own truth.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from grader.catalog.model import Check, Pack
from grader.errors import ExerciseDefinitionError

if TYPE_CHECKING:
    from grader.checking.context import CheckContext


def load_checks(pack: Pack) -> ModuleType:
    """The pack's checks module (may import torch): loaded only when grading starts."""
    return import_module(pack.checks_module)


def check_function(module: object, check: Check) -> Callable[[CheckContext], None]:
    """Resolve ``check.run`` in the pack's checks module, or say clearly which check is broken."""
    function = getattr(module, check.run, None)
    if not callable(function):
        raise ExerciseDefinitionError(
            f"check {check.id!r} names {check.run!r}, which its checks module does not define"
        )
    return function  # type: ignore[no-any-return]
