"""A submission as the grader runs it: numbered code cells, and the percent format of modules.

A ``.py`` module is split into cells at ``# %%`` markers (the percent format Jupytext, VS Code and
Spyder share), so a module and a notebook run the same way and a failure is located the way the
student finds it (``In [4] "def corr2d(X, K):", line 2`` in a notebook, ``line 37`` of a module:
``grader.submission.places``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.submission.places import module_place, notebook_place

CELL_MARKER = re.compile(r"^# %%(.*)$")


_DEFINITION = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=]*)?=")


@dataclass(frozen=True)
class CodeCell:
    """A code cell to run: its number and, for modules, the line of the file it starts on.

    A notebook's cells are numbered as Jupyter's ``In [n]`` prompts number them when the notebook
    runs from top to bottom (its code cells that are not empty, in order); a module's, in order of
    its ``# %%`` chunks (the student sees only their lines).
    """

    number: int
    source: str
    first_line: int = 1


@dataclass(frozen=True)
class Submission:
    """A loaded, sanitized submission."""

    path: Path
    sha256: str
    kind: Literal["notebook", "module"]
    cells: tuple[CodeCell, ...]

    @property
    def name(self) -> str:
        return self.path.name

    def cell(self, number: int) -> CodeCell | None:
        return next((c for c in self.cells if c.number == number), None)

    def defining_cell(self, name: str) -> CodeCell | None:
        """The last cell that defines ``name`` at top level (by a cheap scan, never executed)."""
        found = None
        for cell in self.cells:
            if name in top_level_names(cell.source):
                found = cell
        return found

    def where(self, cell: int, line: int | None) -> str:
        """Where ``line`` of ``cell`` (or the whole cell) is, the way the student finds it:
        ``In [4] "def corr2d(X, K):", line 2`` in a notebook, ``line 37`` of a module."""
        code = self.cell(cell)
        if self.kind == "module" and code is not None:
            return module_place(code.first_line, line)
        return notebook_place(cell, code.source if code is not None else None, line)


@dataclass(frozen=True)
class PercentCell:
    """A chunk of a percent-format file: code or markdown, with its header and first line."""

    kind: Literal["code", "markdown"]
    source: str
    first_line: int
    header: str = ""


def split_percent(text: str) -> list[PercentCell]:
    """Split at ``# %%`` lines; ``# %% [markdown]`` chunks are markdown written as comments."""
    cells: list[PercentCell] = []
    lines = text.splitlines(keepends=True)
    header, start, body = "", 1, []  # type: ignore[var-annotated]
    for number, line in enumerate(lines, start=1):
        match = CELL_MARKER.match(line.rstrip("\r\n"))
        if match:
            if body or cells or header:
                cells.append(_chunk(header, start, body))
            header, start, body = match.group(1).strip(), number + 1, []
        else:
            body.append(line)
    cells.append(_chunk(header, start, body))
    return [c for c in cells if c.source.strip() or c.kind == "markdown"]


def _chunk(header: str, start: int, body: list[str]) -> PercentCell:
    if header.startswith("[markdown]") or header.startswith("[md]"):
        text = "".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body)
        return PercentCell("markdown", text.strip("\n"), start, header)
    while body and not body[0].strip():
        body, start = body[1:], start + 1
    return PercentCell("code", "".join(body).rstrip() + "\n", start, header)


def top_level_names(source: str) -> set[str]:
    """Names a cell binds at top level; falls back to a line scan for cells with IPython magics."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # ValueError: NUL on 3.11.2
        return {m.group(1) or m.group(2) for m in map(_DEFINITION.match, source.splitlines()) if m}
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names
