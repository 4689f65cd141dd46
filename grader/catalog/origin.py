"""Where a pack's code may come from: its installed distribution, never a folder that happens to
be first on ``sys.path``.

A pack is imported by a generic name (``exercises``), and a student's repository holds exactly
such a folder. Under ``python -m ...`` or a test runner's path settings the current directory (or
the submission's folder) comes first on ``sys.path``, so a plain import would run the student's
``exercises/`` in the grader's process, with checks that always pass. So the top-level package of
a pack is located in the distribution that registered it (a regular install's site-packages, or
an editable install's source folder, as its ``direct_url.json`` records) and imported from there by
path; its submodules then resolve through that package's own ``__path__``. A same-named package
already imported from anywhere else is refused before any more of it runs.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from importlib import import_module
from importlib.machinery import PathFinder
from importlib.metadata import Distribution, EntryPoint
from importlib.util import module_from_spec
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlparse

from grader.errors import ExerciseDefinitionError, UsageError

SHADOWED = (
    "refusing to load exercise pack {pack!r}: {module!r} was already imported from {found}, not"
    " from its installation in {expected}; a folder named {module!r} on Python's path (the"
    " current directory under `python -m`, or the submission's folder) shadows it: run the"
    " `grader` command, or `python -P -m ...`, from another folder"
)
NOT_INSTALLED = (
    "exercise pack {pack!r} ({value}) has no package {module!r} in its distribution {dist!r}"
    " ({root}); reinstall it (pip install -e . in a checkout)"
)


def import_pack_module(entry: EntryPoint) -> ModuleType:
    """The module an entry point names, imported from the distribution that registered it."""
    top = entry.module.split(".")[0]
    root = _package_root(entry, top)
    loaded = sys.modules.get(top)
    if loaded is None:
        spec = PathFinder.find_spec(top, [str(root)])
        if spec is None or spec.loader is None:
            raise ExerciseDefinitionError(NOT_INSTALLED.format(
                pack=entry.name, value=entry.value, module=top, dist=_dist_name(entry), root=root))
        loaded = module_from_spec(spec)
        sys.modules[top] = loaded
        try:
            spec.loader.exec_module(loaded)
        except BaseException:
            del sys.modules[top]
            raise
    elif not _comes_from(loaded, root / top):
        raise UsageError(SHADOWED.format(pack=entry.name, module=top, found=_where(loaded),
                                         expected=root / top))
    return import_module(entry.module)


def drop_unsafe_path_entries(folders: Iterable[Path] = ()) -> None:
    """Take the current directory, and the given folders (a submission's), off ``sys.path``.

    The grader's own code and its packs come from their installation, never from where the
    command was run or where a student's files sit. Python's ``-P`` flag does the first part
    for a whole process; a front end that runs without it calls this before loading anything.
    """
    unsafe = {_resolved(Path.cwd()), *(_resolved(Path(f)) for f in folders)}
    sys.path[:] = [p for p in sys.path if p and _resolved(Path(p)) not in unsafe]


def _package_root(entry: EntryPoint, top: str) -> Path:
    """The folder holding the distribution's top-level package ``top``."""
    dist = entry.dist
    if dist is None:
        raise ExerciseDefinitionError(f"exercise pack {entry.name!r} has no distribution to load from")
    editable = _editable_source(dist)
    candidates = [editable, editable / "src"] if editable else [Path(str(dist.locate_file("")))]
    for root in candidates:
        if (root / top).is_dir() or (root / f"{top}.py").is_file():
            return root.resolve()
    raise ExerciseDefinitionError(NOT_INSTALLED.format(
        pack=entry.name, value=entry.value, module=top, dist=_dist_name(entry), root=candidates[0]))


def _editable_source(dist: Distribution) -> Path | None:
    """The source folder of an editable install (PEP 610's ``direct_url.json``), else None."""
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not (isinstance(data, dict) and isinstance(data.get("dir_info"), dict)
            and data["dir_info"].get("editable")):
        return None
    url = urlparse(str(data.get("url", "")))
    return Path(unquote(url.path)) if url.scheme == "file" else None


def _comes_from(module: ModuleType, folder: Path) -> bool:
    locations = [*getattr(module, "__path__", ()), getattr(module, "__file__", None) or ""]
    return any(loc and _resolved(Path(loc)).is_relative_to(folder) for loc in locations)


def _where(module: ModuleType) -> str:
    return str(getattr(module, "__file__", None) or list(getattr(module, "__path__", ())) or "?")


def _dist_name(entry: EntryPoint) -> str:
    return entry.dist.metadata["Name"] if entry.dist is not None else "?"


def _resolved(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path))
    except OSError:
        return path
