"""Turning the reference solution's text into the stub's (and the solution's own cells).

Solution regions (``# BEGIN SOLUTION`` ... ``# END SOLUTION``) become ``raise NotImplementedError``
at the same indentation, or the replacement the BEGIN line names; ``# %% demo`` cells are commented
out in the stub with a line saying which functions must work first; ``# %% [check] ID`` markers
become ``grader.check("ID")`` cells in the stub notebook, after an ``import grader`` cell, and
nothing elsewhere. See ``grader.authoring``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from grader.errors import ExerciseDefinitionError
from grader.submission.cells import CELL_MARKER, top_level_names

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?:\s+\(stub:\s*(?P<stub>.*)\))?\s*$")
END = re.compile(r"^(?P<indent>[ \t]*)# END SOLUTION\s*$")
DEFINITION = re.compile(r"^(?P<indent>[ \t]*)(?:async\s+def|def|class)\s+(?P<name>[A-Za-z_]\w*)")
DEMO = "demo"
NOT_IMPLEMENTED = 'raise NotImplementedError("{name}: your code here")'
UNCOMMENT_ONE = "# Uncomment to try {name} once it works:"
UNCOMMENT_MANY = "# Uncomment to try {names} once they work:"
UNCOMMENT_PLAIN = "# Uncomment to run this example:"
CHECK = re.compile(r"^\[check\]\s+(?P<id>\S+)$")
#: What a ``# %% [check] ID`` marker becomes in the stub notebook, and the cell before the first
#: code cell that makes ``grader`` available to them (a cell of its own: if the import fails, the
#: notebook's own imports still run).
CHECK_CALL = 'grader.check("{id}")\n'
IMPORT_CELL = (
    "# %%\n"
    '# A grader.check("...") cell after each question checks it in this kernel: a self-check, not\n'
    "# your grade, which comes from grading the whole notebook.\n"
    "import grader\n"
    "\n"
)


@dataclass(frozen=True)
class _Chunk:
    """A cell of the source as written: its ``# %%`` line (absent before the first) and body."""

    header: str | None
    lines: tuple[str, ...]
    first_line: int

    @property
    def is_demo(self) -> bool:
        return self.header is not None and _header_text(self.header) == DEMO

    @property
    def check_id(self) -> str | None:
        """The exercise a ``# %% [check] ID`` marker names (None for any other cell)."""
        match = CHECK.match(_header_text(self.header)) if self.header is not None else None
        return match["id"] if match else None


def stub_source(text: str, *, filename: str = "<source>", notebook: bool = False) -> str:
    """The student's module: every solution region replaced, every demo cell commented out.

    With ``notebook``, the text the stub notebook is made from: each ``[check]`` marker a
    ``grader.check`` cell, and an ``import grader`` cell before the first code cell. A module
    drops the markers: imported or graded as a module it has no notebook to show a check in.
    """
    out: list[str] = []
    stubbed: list[str] = []  # top-level names with a stubbed region so far, for the demo notes
    imported = not notebook
    for chunk in _chunks(text):
        check = _check_id(chunk, filename)
        if check is not None:
            if notebook:
                out.extend([chunk.header or "", CHECK_CALL.format(id=check), *chunk.lines])
            continue
        body, names = _replace_regions(chunk, filename, keep=False)
        stubbed.extend(name for name in names if name not in stubbed)
        if not imported and chunk.header is not None and not _is_markdown(chunk.header):
            out.append(IMPORT_CELL)
            imported = True
        if chunk.header is not None:
            out.append(chunk.header)
        out.extend(_comment_out(body, stubbed) if chunk.is_demo else body)
    # A file ends with one newline, also when the blank lines before a last marker stay behind.
    return "".join(out).rstrip("\n") + "\n"


def check_ids(text: str, *, filename: str = "<source>") -> list[str]:
    """The exercise ids of the ``[check]`` markers, in order."""
    return [check for chunk in _chunks(text) if (check := _check_id(chunk, filename)) is not None]


def solution_source(text: str, *, filename: str = "<source>") -> str:
    """The solution as students may later see it: the region markers removed, nothing else
    (``[check]`` markers included: the solution has nothing to check)."""
    out: list[str] = []
    for chunk in _chunks(text):
        if _check_id(chunk, filename) is not None:
            continue
        if chunk.header is not None:
            out.append(chunk.header)
        out.extend(_replace_regions(chunk, filename, keep=True)[0])
    return "".join(out)


def _chunks(text: str) -> list[_Chunk]:
    """Split at ``# %%`` lines, keeping every line as written (``split_percent`` normalizes)."""
    chunks: list[_Chunk] = []
    header: str | None = None
    lines: list[str] = []
    first = 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if CELL_MARKER.match(line.rstrip("\r\n")):
            chunks.append(_Chunk(header, tuple(lines), first))
            header, lines, first = line, [], number + 1
        else:
            lines.append(line)
    chunks.append(_Chunk(header, tuple(lines), first))
    return [c for c in chunks if c.header is not None or c.lines]


def _check_id(chunk: _Chunk, filename: str) -> str | None:
    """A marker's exercise id; its cell must be empty, since the generator writes its code."""
    check = chunk.check_id
    if check is not None and any(line.strip() for line in chunk.lines):
        raise ExerciseDefinitionError(
            f"{filename}, line {chunk.first_line - 1}: a [check] cell must be empty (the generator"
            " writes its code)"
        )
    return check


def _is_markdown(header: str) -> bool:
    return _header_text(header).startswith(("[markdown]", "[md]"))


def _header_text(header: str) -> str:
    match = CELL_MARKER.match(header.rstrip("\r\n"))
    return match.group(1).strip() if match else ""


def _replace_regions(chunk: _Chunk, filename: str, *, keep: bool) -> tuple[list[str], list[str]]:
    """The chunk's lines with regions replaced (or, with ``keep``, only their markers dropped),
    and the top-level names the replacements turn into stubs."""
    out: list[str] = []
    names: list[str] = []
    region: tuple[int, str] | None = None  # (line number, indentation) of the open BEGIN
    for offset, line in enumerate(chunk.lines):
        number = chunk.first_line + offset
        where = f"{filename}, line {number}"
        begin, end = BEGIN.match(line.rstrip("\r\n")), END.match(line.rstrip("\r\n"))
        if begin:
            if region is not None:
                raise ExerciseDefinitionError(f"{where}: BEGIN SOLUTION inside another region")
            if chunk.is_demo:
                raise ExerciseDefinitionError(f"{where}: a demo cell cannot hold a solution region")
            region = (number, begin["indent"])
            if not keep:
                qualname = _enclosing(chunk, offset, begin["indent"])
                replacement = _replacement(qualname, begin["stub"], where)
                out.append(begin["indent"] + replacement + "\n")
                names.extend(qualname[:1] or sorted(top_level_names(replacement)))
        elif end:
            if region is None:
                raise ExerciseDefinitionError(f"{where}: END SOLUTION without BEGIN SOLUTION")
            if end["indent"] != region[1]:
                raise ExerciseDefinitionError(
                    f"{where}: END SOLUTION is not indented like its BEGIN (line {region[0]})"
                )
            region = None
        elif region is None or keep:
            out.append(line)
    if region is not None:
        raise ExerciseDefinitionError(
            f"{filename}, line {region[0]}: BEGIN SOLUTION has no END SOLUTION in its cell"
        )
    return out, names


def _replacement(qualname: list[str], stub: str | None, where: str) -> str:
    """What a region becomes: the BEGIN line's own stub, or a raise naming the enclosing def."""
    if stub is not None:
        return stub.strip()
    if not qualname:
        raise ExerciseDefinitionError(
            f"{where}: a region outside any function needs its replacement on the BEGIN line,"
            ' e.g. "# BEGIN SOLUTION (stub: answer = "")"'
        )
    return NOT_IMPLEMENTED.format(name=".".join(qualname))


def _enclosing(chunk: _Chunk, offset: int, indent: str) -> list[str]:
    """The qualified name of the definitions around a line, outermost first."""
    names: list[str] = []
    depth = len(indent)
    for line in reversed(chunk.lines[:offset]):
        match = DEFINITION.match(line)
        if match and len(match["indent"]) < depth:
            names.insert(0, match["name"])
            depth = len(match["indent"])
            if depth == 0:
                break
    return names


def _comment_out(lines: list[str], stubbed: list[str]) -> list[str]:
    """A demo cell for the stub: every line commented, after a line saying what must work first."""
    code = "".join(lines)
    try:
        used = {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)}
    except SyntaxError:
        used = set()
    names = [name for name in stubbed if name in used]
    if len(names) > 1:
        note = UNCOMMENT_MANY.format(names=", ".join(names[:-1]) + " and " + names[-1])
    elif names:
        note = UNCOMMENT_ONE.format(name=names[0])
    else:
        note = UNCOMMENT_PLAIN
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    commented = [
        ("# " + line if line.strip() else line) if i >= start else line
        for i, line in enumerate(lines)
    ]
    return [*commented[:start], note + "\n", *commented[start:]]
