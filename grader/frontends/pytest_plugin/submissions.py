"""Which files ``--grade`` names: each value a submission file, or a folder of them.

A folder stands for every ``.ipynb`` and ``.py`` file under it, at any depth and in sorted order,
so a class's download or a student's repository is graded as it is. Hidden folders (``.git``,
``.ipynb_checkpoints``, a ``.venv``), hidden files (macOS's ``._name.ipynb``) and ``__pycache__``
hold tools' copies, not work handed in, and are skipped; so are links, which may point anywhere,
and the files that make a folder a package or configure pytest (``__init__.py``, ``__main__.py``,
``conftest.py``), which are no one's answers. A
file is known by its resolved path, so two values that name it (``a.ipynb`` and ``./a.ipynb``, or a
file and its folder) grade it once; each is shown as the user spelled it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from grader.frontends import messages as say
from grader.frontends.pytest_plugin import messages

#: What ``grader.submission`` loads; any other file in a folder is not a submission.
SUFFIXES = (".ipynb", ".py")
SKIPPED_FOLDERS = frozenset({"__pycache__"})
#: Files in a folder that are never a submission (one named on its own is graded all the same).
SKIPPED_FILES = frozenset({"__init__.py", "__main__.py", "conftest.py"})


def find(values: Iterable[str], base: Path) -> dict[Path, str]:
    """Each submission the values name, resolved, in order and once, with the name it is shown by.

    Raises ``pytest.UsageError`` for a path that does not exist or a folder without a submission.
    """
    found: dict[Path, str] = {}
    for value in values:
        path = Path(base, value)
        if path.is_dir():
            files = files_under(path)
            if not files:
                raise pytest.UsageError(messages.NO_SUBMISSION_IN_FOLDER.format(path=value))
            for file in files:
                shown = os.path.normpath(os.path.join(value, file.relative_to(path)))
                found.setdefault(file.resolve(), shown)
        elif path.exists():
            found.setdefault(path.resolve(), value)
        else:
            raise pytest.UsageError(say.NO_SUCH_FILE.format(path=value))
    return found


def folders(values: Iterable[str], base: Path) -> set[Path]:
    """Every folder that holds a submission the values name: none of them may be on ``sys.path``.

    Called before the options are checked, so a value that names nothing is passed over here (and
    refused by ``find``).
    """
    held: set[Path] = set()
    for value in values:
        path = Path(base, value).resolve()
        if path.is_dir():
            held.add(path)
            held.update(file.resolve().parent for file in files_under(path))
        else:
            held.add(path.parent)
    return held


def files_under(folder: Path) -> list[Path]:
    """The submission files under ``folder``, sorted by path."""
    found: list[Path] = []
    for root, subfolders, names in os.walk(folder):  # links to folders are not followed
        subfolders[:] = [name for name in subfolders if not _skipped(name)]
        found.extend(
            Path(root, name) for name in names
            if name.endswith(SUFFIXES) and not _skipped(name) and name not in SKIPPED_FILES
            and not Path(root, name).is_symlink()
        )
    return sorted(found)


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_FOLDERS
