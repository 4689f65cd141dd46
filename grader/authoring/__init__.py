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

Where each question ends is said by the author, with an empty marker cell after its last cell::

    # %% [check] corr2d

It becomes a ``grader.check("corr2d")`` cell in the stub notebook (tagged ``check``), and the
notebook gets an ``import grader`` cell of its own before its first code cell (so a kernel without
the grader still runs the notebook's own imports). A marker, rather than a place worked out from
the pack's order and each check's ``needs``, because a question ends after its demo and answer
cells, which no declaration names; ``generate`` refuses a marker for an id the pack does not have,
or one given twice. The stub module and the solution notebook get no check cells: a module is
imported or graded as a module, where nothing would show the verdict and importing it would run
every check; the solution has nothing to check. ``grader.check`` cells do nothing while a notebook
is graded (``grader.frontends.notebook``).

``python -m grader.authoring`` writes the stub module, the stub notebook and the solution notebook;
``--check`` writes nothing and exits 1 if a committed file differs from what would be generated, so
a test keeps them from drifting apart. Generation is deterministic (cell ids come from the cell's
position, no outputs, fixed metadata) so regenerating gives identical bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from grader.authoring.notebooks import to_notebook
from grader.authoring.stubs import check_ids, solution_source, stub_source
from grader.catalog.model import Pack
from grader.errors import ExerciseDefinitionError

__all__ = [
    "check_ids", "generate", "main", "outdated", "solution_source", "stub_source", "to_notebook",
]


def generate(pack: Pack) -> dict[Path, str]:
    """Every file generated from ``pack.solution_module``, by path."""
    source = pack.solution_module
    text = source.read_text(encoding="utf-8")
    _check_markers(pack, check_ids(text, filename=source.name), source.name)
    origin = f"{source.parent.name}/{source.name}"
    return {
        pack.stub_module: stub_source(text, filename=source.name),
        pack.stub_notebook: to_notebook(stub_source(text, filename=source.name, notebook=True),
                                        pack_id=pack.id, source=origin),
        pack.solution_notebook: to_notebook(
            solution_source(text, filename=source.name), pack_id=pack.id, source=origin
        ),
    }


def _check_markers(pack: Pack, ids: Sequence[str], filename: str) -> None:
    """Each ``[check]`` marker names an exercise of the pack, and no exercise twice."""
    known = [exercise.id for exercise in pack.exercises]
    for index, given in enumerate(ids):
        if given not in known:
            raise ExerciseDefinitionError(
                f"{filename}: [check] {given} names no exercise of pack {pack.id!r}"
                f" (its exercises: {', '.join(known)})"
            )
        if given in ids[:index]:
            raise ExerciseDefinitionError(f"{filename}: [check] {given} is given twice")


def outdated(generated: Mapping[Path, str]) -> list[Path]:
    """The files that are missing or differ from what was just generated for them."""
    return [
        path
        for path, content in generated.items()
        if not path.is_file() or path.read_bytes() != content.encode("utf-8")
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m grader.authoring [--pack NAME] [--check]``; exit 1 when ``--check`` finds drift."""
    import argparse
    import sys

    from grader.catalog.registry import load_pack
    from grader.errors import GraderError

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
