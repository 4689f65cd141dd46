"""Where in a submission something happened, named the way the student finds it.

A notebook's cell is named by the prompt Jupyter gives it when the notebook is run from top to
bottom, ``In [5]``, that is its position among the code cells that run (markdown, raw and empty
code cells get no prompt), followed by its first line, shortened: ``In [5] "def corr2d(X, K):",
line 3``. A position that counted every cell ("cell 17") is a number Jupyter never shows. A
percent-format module is a file the student reads by line numbers: ``line 37``, and a whole cell
is named by the line it starts on. The in-notebook self-check names cells by the ``In [n]`` of the
kernel's own history, with the same words.

Every location the grader builds (a check's, a cell's error, each traceback frame) comes from here,
through ``Submission.where``.
"""

from __future__ import annotations

__all__ = [
    "AT_LINE",
    "FIRST_LINE_CHARS",
    "IN_FILE",
    "MODULE_CELL",
    "MODULE_LINE",
    "NOTEBOOK_CELL",
    "PROMPT",
    "first_line",
    "module_place",
    "notebook_place",
]

#: A notebook's cell: the ``In [n]`` prompt Jupyter shows beside it, then its first line.
PROMPT = "In [{number}]"
NOTEBOOK_CELL = '{prompt} "{first_line}"'
#: A line inside a cell, as IPython's own tracebacks count it (``Cell In[5], line 3``).
AT_LINE = "{cell}, line {line}"
#: A line of a module: the line number an editor shows.
MODULE_LINE = "line {line}"
#: A whole cell of a module (one that hung, or defines a name), by the line it starts on.
MODULE_CELL = "the cell at line {line}"
#: A place in a file named beside it (``nul.ipynb, In [2] "x = 1", line 2``).
IN_FILE = "{file}, {place}"
#: How much of a cell's first line names it; longer ones are cut and end in an ellipsis.
FIRST_LINE_CHARS = 36
ELLIPSIS = "\u2026"


def first_line(source: str) -> str:
    """The cell's first line that is not blank, shortened and with unprintable characters escaped
    (a NUL byte shows as ``\\x00``), so one line of text names it."""
    line = next((text.strip() for text in source.splitlines() if text.strip()), "")
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line.replace("\t", " "))
    if len(shown) > FIRST_LINE_CHARS:
        shown = shown[: FIRST_LINE_CHARS - 1].rstrip() + ELLIPSIS
    return shown


def notebook_place(number: int, source: str | None, line: int | None) -> str:
    """``In [5] "def corr2d(X, K):", line 3``; ``In [5]`` alone when the cell's text is unknown."""
    cell = PROMPT.format(number=number)
    if source is not None:
        cell = NOTEBOOK_CELL.format(prompt=cell, first_line=first_line(source))
    return cell if line is None else AT_LINE.format(cell=cell, line=line)


def module_place(cell_start: int, line: int | None) -> str:
    """``line 37`` of the file for a line of the cell starting at ``cell_start``; the cell itself
    when no line is known."""
    if line is None:
        return MODULE_CELL.format(line=cell_start)
    return MODULE_LINE.format(line=cell_start + line - 1)
