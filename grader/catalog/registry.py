"""Finding exercise packs: registered under the ``grader.packs`` entry-point group, and imported
from the distribution that registered them (``grader.catalog.origin``), never from a same-named
folder first on ``sys.path``.

Listing packs imports only their declarative definitions (no torch), so collection stays cheap.
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

from grader.catalog.model import Pack
from grader.catalog.origin import import_pack_module
from grader.errors import ExerciseDefinitionError, GraderError, UsageError

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
        pack = functools.reduce(getattr, entry.attr.split("."), import_pack_module(entry))
    except GraderError:
        raise
    except Exception as exc:  # an installed pack that cannot load is its author's fault
        raise ExerciseDefinitionError(
            f"exercise pack {name!r} ({entry.value}) failed to load: {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(pack, Pack):
        raise ExerciseDefinitionError(f"entry point {entry.value} is not a grader Pack")
    return pack
