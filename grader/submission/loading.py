"""Loading, validating and sanitizing a submission (a notebook or a module) into code cells.

Nothing the student left in the file is trusted: stored outputs and execution counts are dropped,
only code cells are kept. Every reason a file cannot be graded becomes one ``SubmissionError`` with
a single line that says what to do.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import uuid
from pathlib import Path
from typing import Any, Literal, NoReturn

from grader import messages
from grader.errors import SubmissionError
from grader.submission.cells import CodeCell, Submission, split_percent
from grader.submission.places import IN_FILE, module_place, notebook_place

MAX_SUBMISSION_BYTES = 50 * 2**20

#: What nbformat 4.5 accepts as a cell id.
_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")


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


def _give_cells_ids(data: dict[str, Any]) -> None:
    """A unique, valid id for each cell of an nbformat 4.5 notebook whose tool left one out or
    repeated one (older Jupyter, a script, cells pasted twice). nbformat would repair them itself,
    with a warning per cell on the instructor's terminal, through a warnings filter no thread can
    change safely; the grader never uses the ids."""
    cells = data.get("cells")
    minor = data.get("nbformat_minor")
    if not isinstance(cells, list) or not isinstance(minor, int) or minor < 5:
        return
    seen: set[str] = set()
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        given = cell.get("id")
        if not isinstance(given, str) or not _CELL_ID.fullmatch(given) or given in seen:
            given = cell["id"] = uuid.uuid4().hex[:8]
        seen.add(given)


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
    _give_cells_ids(data)
    try:
        notebook = nbformat.from_dict(data)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SubmissionError(
            f"{name} is not a valid notebook ({first}); open it in Jupyter and save it again"
        ) from None
    # Numbered as Jupyter's In [n] prompts number them run top to bottom: an empty cell is not run.
    sources = (_source(cell.source) for cell in notebook.cells if cell.cell_type == "code")
    cells = tuple(CodeCell(number=number, source=source)
                  for number, source in enumerate((s for s in sources if s.strip()), start=1))
    for cell in cells:
        nul = _nul_line(cell.source)
        if nul is not None:
            _refuse_nul(name, notebook_place(cell.number, cell.source, nul))
    if not cells:
        raise SubmissionError(f"{name} has no code cells; did you submit the right notebook?")
    return cells


def _source(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _module_cells(name: str, text: str) -> tuple[CodeCell, ...]:
    if not text.strip():
        raise SubmissionError(f"{name} is empty; did you submit the right file?")
    nul = _nul_line(text)
    if nul is not None:
        _refuse_nul(name, module_place(1, nul))
    try:
        ast.parse(text, filename=name)
    except ValueError as exc:  # Python 3.11.2 raises ValueError, not SyntaxError, for a NUL byte
        raise SubmissionError(f"{name}: SyntaxError: {exc}; fix it so the module can be imported"
                              f" (`python {name}` shows the same error)") from None
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


def _nul_line(source: str) -> int | None:
    """The line of the first NUL byte in ``source``, or None when it has none."""
    at = source.find("\x00")
    return None if at < 0 else source.count("\n", 0, at) + 1


def _refuse_nul(name: str, place: str) -> NoReturn:
    """Python refuses source with a NUL byte anywhere (comments and string literals too), with a
    ``SyntaxError`` or, on some 3.11 releases, a ``ValueError``: say where it is, the same everywhere."""
    raise SubmissionError(messages.NUL_BYTE.format(where=IN_FILE.format(file=name, place=place)))


def _has_code(source: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())
