"""Loading, validating and sanitizing a submission (a notebook or a module) into code cells.

Nothing the student left in the file is trusted: stored outputs and execution counts are dropped,
only code cells are kept. Every reason a file cannot be graded becomes one ``SubmissionError`` with
a single line that says what to do. A ``.py`` module is split into cells at ``# %%`` markers (the
percent format Jupytext, VS Code and Spyder share), so a module and a notebook run the same way.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.errors import SubmissionError

MAX_SUBMISSION_BYTES = 50 * 2**20
CELL_MARKER = re.compile(r"^# %%(.*)$")
_DEFINITION = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=]*)?=")


@dataclass(frozen=True)
class CodeCell:
    """A code cell to run: its number as the student sees it and, for modules, its first line."""

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
        """'cell 4, line 2' for notebooks, 'line 37' (of the file) for modules."""
        if self.kind == "module":
            code = self.cell(cell)
            if code is not None and line is not None:
                return f"line {code.first_line + line - 1}"
            return f"cell {cell}"
        return f"cell {cell}" + (f", line {line}" if line is not None else "")


def load_submission(path: str | Path) -> Submission:
    """Read and validate a ``.ipynb`` or ``.py`` file, or raise ``SubmissionError``."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path}: no such file; check the path you gave")
    if not path.is_file():
        raise SubmissionError(f"{path}: not a file; give the path of a .ipynb or .py submission")
    if path.suffix not in (".ipynb", ".py"):
        raise SubmissionError(f"{path}: expected a .ipynb notebook or a .py module")
    size = path.stat().st_size
    if size > MAX_SUBMISSION_BYTES:
        raise SubmissionError(
            f"{path.name} is {size / 2**20:.1f} MiB, over the {MAX_SUBMISSION_BYTES / 2**20:.0f} MiB"
            " limit; clear the notebook's outputs and submit again"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig" if path.suffix == ".py" else "utf-8")
    except UnicodeDecodeError as exc:
        raise SubmissionError(
            f"{path.name} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
            " save it with UTF-8 encoding"
        ) from None
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix == ".ipynb":
        cells = _notebook_cells(path.name, text)
        kind: Literal["notebook", "module"] = "notebook"
    else:
        cells = _module_cells(path.name, text)
        kind = "module"
    return Submission(path=path.resolve(), sha256=digest, kind=kind, cells=cells)


def _notebook_cells(name: str, text: str) -> tuple[CodeCell, ...]:
    import nbformat

    try:
        data = json.loads(text)
    except RecursionError:
        raise SubmissionError(f"{name} is nested too deeply to be a notebook; submit the .ipynb that"
                              " Jupyter saved") from None
    except json.JSONDecodeError as exc:
        raise SubmissionError(
            f"{name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg});"
            " open it in Jupyter and save it again"
        ) from None
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise SubmissionError(f"{name} is JSON but not a Jupyter notebook; submit the .ipynb file")
    major = data.get("nbformat")
    if isinstance(major, str) and major.isdigit():
        major = f"'{major}' (a string)"
    if major is None:
        raise SubmissionError(f"{name} has no nbformat version; open it in Jupyter and save it again")
    if major != 4:
        raise SubmissionError(
            f"{name} is an nbformat {major} notebook; this grader reads version 4: open and save"
            " it in a current Jupyter, or run `jupyter nbconvert --to notebook --nbformat 4`"
        )
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SubmissionError(
            f"{name} is not a valid notebook ({first}); open it in Jupyter and save it again"
        ) from None
    cells = tuple(
        CodeCell(number=index, source=_source(cell.source))
        for index, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code" and _source(cell.source).strip()
    )
    if not cells:
        raise SubmissionError(f"{name} has no code cells; did you submit the right notebook?")
    return cells


def _source(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _module_cells(name: str, text: str) -> tuple[CodeCell, ...]:
    if not text.strip():
        raise SubmissionError(f"{name} is empty; did you submit the right file?")
    try:
        ast.parse(text, filename=name)
    except SyntaxError as exc:
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise SubmissionError(
            f"{name}{line}: SyntaxError: {exc.msg}; fix it so the module can be"
            f" imported (`python {name}` shows the same error)"
        ) from None
    except (RecursionError, MemoryError):
        raise SubmissionError(
            f"{name} has an expression too deeply nested for Python to compile; simplify it"
        ) from None
    cells = tuple(
        CodeCell(number=number, source=chunk.source, first_line=chunk.first_line)
        for number, chunk in enumerate(
            (c for c in split_percent(text) if c.kind == "code" and c.source.strip()), start=1
        )
    )
    if not any(_has_code(cell.source) for cell in cells):
        raise SubmissionError(f"{name} has no code outside comments; did you submit the right file?")
    return cells


def _has_code(source: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())


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
    except SyntaxError:
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
