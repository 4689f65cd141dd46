"""File names made from student ids, which the student may have chosen (a folder name, a login).

A name keeps letters, digits, ``.``, ``_`` and ``-`` and nothing else, so no separator or ``..``
can lead out of the output folder; it never starts with a dot (no ``.``, ``..`` or hidden file),
is no Windows device name (``con``, ``nul``, ``com1``: opening one writes to the device), and is
bounded in length. An id that had to change gets a short digest of the original, so that two ids
that clean up alike (``a/b`` and ``a?b``) still get names of their own, the same in every run; and
``Names`` hands out each name once in a run, ignoring case, since macOS and Windows do.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from grader.errors import InternalError
from grader.gradebook import export_messages as say

#: Device names Windows reserves in every folder, with or without an extension.
RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
MAX_LENGTH = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(student_id: str) -> str:
    """A file name for ``student_id`` that stays inside any folder it is joined to."""
    name = _UNSAFE.sub("_", student_id).lstrip(".")[:MAX_LENGTH] or "_"
    if name.split(".")[0].lower() in RESERVED:
        name = "_" + name
    if name != student_id:
        digest = hashlib.sha256(student_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name = f"{name}-{digest}"
    return name


class Names:
    """Hands out file names in one folder, each at most once (case ignored)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, student_id: str) -> str:
        base = safe_name(student_id)
        name, n = base, 1
        while name.casefold() in self._taken:
            n += 1
            name = f"{base}-{n}"
        self._taken.add(name.casefold())
        return name


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, checked to be directly inside ``folder``: a last guard should
    ``safe_name`` ever let a separator through."""
    path = folder / name
    if path.parent != folder or name in ("", ".", ".."):
        raise InternalError(say.UNSAFE_NAME.format(name=name))
    return path
