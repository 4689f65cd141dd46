"""Generate what students get from the one source of truth: the reference solution module.

A pack's ``solution_module`` is a percent-format file (``# %%`` cells, ``# %% [markdown]`` for
text) that reads like the book's section. Solution regions in it are marked::

    def corr2d(X, K):
        # BEGIN SOLUTION
        ...
        # END SOLUTION

and become ``raise NotImplementedError("corr2d: your code here")`` at the same indentation in the
stub, so the stub runs top to bottom unfilled and each slot fails only when called. A region with
no enclosing function (a free-text answer) names its replacement on the BEGIN line::

    # BEGIN SOLUTION (stub: why_cross_correlation = "")

Cells headed ``# %% demo`` call the student's functions (the book's examples); in the stub they are
commented out, with a first line that says which functions must work first.

``python -m grader.authoring`` writes the stub module, the stub notebook and the solution notebook;
``--check`` writes nothing and exits 1 if a committed file differs from what would be generated, so
a test keeps them from drifting apart. Generation is deterministic (cell ids come from the cell's
position, no outputs, fixed metadata) so regenerating gives identical bytes.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.catalog.model import Pack
from grader.errors import ExerciseDefinitionError, GraderError
from grader.submission.cells import CELL_MARKER, split_percent, top_level_names

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?:\s+\(stub:\s*(?P<stub>.*)\))?\s*$")
END = re.compile(r"^(?P<indent>[ \t]*)# END SOLUTION\s*$")
DEFINITION = re.compile(r"^(?P<indent>[ \t]*)(?:async\s+def|def|class)\s+(?P<name>[A-Za-z_]\w*)")
DEMO = "demo"
NOT_IMPLEMENTED = 'raise NotImplementedError("{name}: your code here")'
UNCOMMENT_ONE = "# Uncomment to try {name} once it works:"
UNCOMMENT_MANY = "# Uncomment to try {names} once they work:"
UNCOMMENT_PLAIN = "# Uncomment to run this example:"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


@dataclass(frozen=True)
class _Chunk:
    """A cell of the source as written: its ``# %%`` line (absent before the first) and body."""

    header: str | None
    lines: tuple[str, ...]
    first_line: int

    @property
    def is_demo(self) -> bool:
        return self.header is not None and _header_text(self.header) == DEMO


def stub_source(text: str, *, filename: str = "<source>") -> str:
    """The student's module: every solution region replaced, every demo cell commented out."""
    out: list[str] = []
    stubbed: list[str] = []  # top-level names with a stubbed region so far, for the demo notes
    for chunk in _chunks(text):
        body, names = _replace_regions(chunk, filename, keep=False)
        stubbed.extend(name for name in names if name not in stubbed)
        if chunk.header is not None:
            out.append(chunk.header)
        out.extend(_comment_out(body, stubbed) if chunk.is_demo else body)
    return "".join(out)


def solution_source(text: str, *, filename: str = "<source>") -> str:
    """The solution as students may later see it: the region markers removed, nothing else."""
    out: list[str] = []
    for chunk in _chunks(text):
        if chunk.header is not None:
            out.append(chunk.header)
        out.extend(_replace_regions(chunk, filename, keep=True)[0])
    return "".join(out)


def to_notebook(text: str, *, pack_id: str, source: str) -> str:
    """A percent-format text as an nbformat 4 notebook (JSON text), without outputs.

    Cell ids derive from the cell's position and demo cells carry the tag ``demo``, so the bytes
    depend on the text alone.
    """
    import nbformat

    cells = []
    for index, cell in enumerate(split_percent(text)):
        cell_id = f"cell-{index:02d}"
        if cell.kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(cell.source, id=cell_id))
            continue
        metadata = {"tags": [DEMO]} if cell.header == DEMO else {}
        cells.append(
            nbformat.v4.new_code_cell(cell.source.rstrip("\n"), id=cell_id, metadata=metadata)
        )
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "grader": {"pack": pack_id, "generated_from": source},
        },
    )
    nbformat.validate(notebook)
    return str(nbformat.writes(notebook, version=4)) + "\n"


def generate(pack: Pack) -> dict[Path, str]:
    """Every file generated from ``pack.solution_module``, by path."""
    source = pack.solution_module
    text = source.read_text(encoding="utf-8")
    stub = stub_source(text, filename=source.name)
    origin = f"{source.parent.name}/{source.name}"
    return {
        pack.stub_module: stub,
        pack.stub_notebook: to_notebook(stub, pack_id=pack.id, source=origin),
        pack.solution_notebook: to_notebook(
            solution_source(text, filename=source.name), pack_id=pack.id, source=origin
        ),
    }


def outdated(generated: Mapping[Path, str]) -> list[Path]:
    """The files that are missing or differ from what was just generated for them."""
    return [
        path
        for path, content in generated.items()
        if not path.is_file() or path.read_bytes() != content.encode("utf-8")
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m grader.authoring [--pack NAME] [--check]``; exit 1 when ``--check`` finds drift."""
    from grader.catalog.registry import load_pack

    parser = argparse.ArgumentParser(
        prog="python -m grader.authoring",
        description="Generate a pack's stubs and solution notebook from its solution module.",
    )
    parser.add_argument("--pack", help="the exercise pack (default: the only one installed)")
    parser.add_argument(
        "--check", action="store_true",
        help="write nothing; exit 1 if a generated file is out of date",
    )
    args = parser.parse_args(argv)
    try:
        generated = generate(load_pack(args.pack))
    except GraderError as exc:  # an unknown pack, or a malformed solution module
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    stale = outdated(generated)
    if args.check:
        for path in stale:
            print(f"out of date: {path}; run python -m grader.authoring", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generated[path], encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
