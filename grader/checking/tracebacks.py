"""The student's exceptions, told in their own terms: which cell and line, and whether a slot is
still unfilled.

The probe reports frames as data (file name, line number, function, source line). Only frames in
the student's cells are kept, each placed as the student finds it (``Submission.where``: the
``In [n]`` prompt and first line of a notebook's cell, the line of a module). Frames
are untrusted data like everything else from the kernel, so odd values are skipped, not trusted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from grader import messages
from grader.errors import NotImplementedYet, StudentCodeError, StudentRaised
from grader.submission import Submission

_CELL_IN_FILENAME = re.compile(r"<cell (\d+)>")
#: The longest function name a place is attributed to; a longer one is no function a student wrote.
MAX_FUNCTION_NAME = 80
#: One of the student's frames: where it is (``Submission.where``), the function, the source line.
FRAME = "{where}, in {function}\n    {line}"

def student_exception(submission: Submission, name: str, exc: Mapping[str, Any]) -> StudentCodeError:
    """NotImplementedYet for an unfilled slot, StudentRaised for anything else the code raised.

    The message says what was raised and nothing of where: the error carries the place (cell,
    line, and the function the line is in, which need not be ``name``: a helper it called), and
    a report prints it once."""
    type_name = str(exc.get("type", "Exception"))
    message = str(exc.get("message", ""))
    frames = [f for f in exc.get("frames") or () if isinstance(f, Mapping)]
    cell, line, trace = student_frames(submission, frames)
    function = innermost_function(submission, frames)
    # Only the student's own `raise NotImplementedError` is an unfilled slot; torch raises it
    # too (e.g. "Cannot copy out of meta tensor" from a C++ call on a student's line), and that
    # is an error in a filled slot.
    raised_by_student = bool(frames) and frame_text(submission, frames[-1]).startswith("raise")
    if type_name == "NotImplementedError" and raised_by_student:
        return NotImplementedYet(messages.NOT_IMPLEMENTED.format(name=name),
                                 traceback=trace, cell=cell, line=line, function=function)
    return StudentRaised(
        messages.STUDENT_RAISED.format(name=name, type=type_name, message=message),
        traceback=trace, cell=cell, line=line, function=function,
    )


def innermost_function(submission: Submission, frames: Sequence[Mapping[str, Any]]) -> str | None:
    """The function of the innermost frame in the student's cells; None at a cell's top level."""
    for frame in reversed(frames):
        if cell_of(submission, frame) is not None:
            function = str(frame.get("name") or "")
            # Frames are the kernel's data: a forged name is dropped, not printed.
            return function if function.isidentifier() and len(function) <= MAX_FUNCTION_NAME else None
    return None


def student_frames(
    submission: Submission, frames: Sequence[Mapping[str, Any]]
) -> tuple[int | None, int | None, str]:
    """The innermost student frame's (cell, line), and the student's frames as text."""
    kept: list[str] = []
    cell = line = None
    for frame in frames:
        number = cell_of(submission, frame)
        if number is None:
            continue
        cell, line = number, _lineno(frame)
        where = submission.where(number, line)
        kept.append(FRAME.format(where=where, function=frame.get("name"),
                                 line=str(frame.get("line", "")).strip()))
    return cell, line, "\n".join(kept)


def frame_text(submission: Submission, frame: Mapping[str, Any]) -> str:
    """The source line of a frame in the student's cells ('' outside them), from our copy."""
    number = cell_of(submission, frame)
    cell = submission.cell(number) if number is not None else None
    if cell is None:
        return ""
    lines = cell.source.splitlines()
    lineno = _lineno(frame)
    return lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""


def cell_of(submission: Submission, frame: Mapping[str, Any]) -> int | None:
    """Which of the student's cells a frame is in: by its file name, else by its source line."""
    match = _CELL_IN_FILENAME.match(str(frame.get("filename", "")))
    if match:
        return int(match.group(1))
    lineno, text = _lineno(frame), str(frame.get("line", "")).strip()
    if not text:
        return None
    for cell in submission.cells:
        lines = cell.source.splitlines()
        if 0 < lineno <= len(lines) and lines[lineno - 1].strip() == text:
            return cell.number
    return None


def _lineno(frame: Mapping[str, Any]) -> int:
    value = frame.get("lineno", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
