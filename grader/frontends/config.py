"""The course's configuration: option-table settings in ``[tool.grader]`` of a ``pyproject.toml``,
or at the top level of a ``grader.toml``, found in the working directory or the nearest folder above.

A course ships it in the repository students work in (``feedback = "hints"``, ``call_timeout = 5``),
so ``grader check`` run there, by a student or by CI, and ``grader.check()`` in a notebook there,
grade and show as the course chose; the command line (or the call's arguments) still wins. The
keys are the option names ``grader check --help`` shows, with ``_`` or ``-``. A malformed file, an
unknown key or a refused value is a one-line error naming the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.errors import UsageError
from grader.frontends import messages as say
from grader.options import OPTIONS, InvalidOption

#: Where the configuration may live, in the order each folder is searched.
FILES = ("grader.toml", "pyproject.toml")
_BY_NAME = {option.name: option for option in OPTIONS}


def find(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The nearest configuration at or above ``start``: its file and its table; None if none."""
    for folder in (start, *start.parents):
        for name in FILES:
            path = folder / name
            if path.is_file():
                table = _table(path)
                if table is not None:
                    return path, table
    return None


def course_settings(start: Path | None = None) -> dict[str, Any]:
    """The settings of the nearest configuration, each checked by its option's rule."""
    found = find(start or Path.cwd())
    if found is None:
        return {}
    path, table = found
    settings: dict[str, Any] = {}
    for key, value in table.items():
        option = _BY_NAME.get(str(key).replace("-", "_"))
        if option is None:
            raise UsageError(say.CONFIG_UNKNOWN_KEY.format(
                key=key, path=path, known=", ".join(o.name for o in OPTIONS)))
        try:
            settings[option.name] = option.parse(value) if isinstance(value, str) \
                else option.check(value)
        except InvalidOption as exc:
            raise exc.placed(f"{key} = {value!r}", str(path)) from None
    return settings


def with_course(given: Mapping[str, Any]) -> dict[str, Any]:
    """Each setting as given, or where it is None, the course's (None again if the course has none:
    the table's default then applies). What every front end resolves its options with."""
    course = course_settings()
    return {name: course.get(name) if value is None else value for name, value in given.items()}


def _table(path: Path) -> Mapping[str, Any] | None:
    """The grader's table of one file (None when a pyproject.toml has none), or a UsageError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(say.CONFIG_UNREADABLE.format(path=path, reason=exc)) from exc
    if path.name == "grader.toml":
        return data
    tool = data.get("tool")
    table = tool.get("grader") if isinstance(tool, Mapping) else None
    if table is not None and not isinstance(table, Mapping):
        raise UsageError(say.CONFIG_UNREADABLE.format(path=path, reason="[tool.grader] is not a table"))
    return table
