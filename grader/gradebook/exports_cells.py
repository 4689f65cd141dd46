"""What every export shares: spreadsheet-safe cells, numbers as people read them, the questions of
a class in the pack's order, and writing a file atomically with a one-line reason on failure."""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.errors import UsageError
from grader.files import write_text_atomic
from grader.gradebook import export_messages as say
from grader.results.cohort import ClassEntry
from grader.results.model import ExerciseResult, SubmissionResult

#: What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list: = + - @, tab
#: and carriage return), with the full-width forms some spreadsheets also accept.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
BOM = "\ufeff"


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet runs: one that starts (after any spaces) like a formula
    gets a leading apostrophe, which spreadsheets show as text (OWASP's advice)."""
    stripped = text.lstrip(" ")
    if stripped and stripped[0] in FORMULA_STARTS:
        return "'" + text
    return text


def number(value: float) -> str:
    """A point figure as a person reads it: ``12``, ``12.5``, ``0.25``; never ``nan`` or ``inf``."""
    if not math.isfinite(value):
        value = 0.0
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def finite(value: float) -> float:
    """``value``, or 0 where a stored result holds NaN or infinity (JSON cannot carry them)."""
    return value if math.isfinite(value) else 0.0


def question_ids(entries: Sequence[ClassEntry]) -> tuple[str, ...]:
    """Every exercise id the class's results hold, in the pack's order as the results give it: a
    question one result lacks keeps its place after the questions listed before it."""
    order: list[str] = []
    for entry in entries:
        if entry.result is None:
            continue
        previous = -1
        for exercise in entry.result.exercises:
            if exercise.id in order:
                previous = order.index(exercise.id)
            else:
                previous += 1
                order.insert(previous, exercise.id)
    return tuple(order)


def exercise_of(result: SubmissionResult, exercise_id: str) -> ExerciseResult | None:
    return next((e for e in result.exercises if e.id == exercise_id), None)


def earned(result: SubmissionResult) -> float:
    """What a student scored, bonus included: the figure an LMS records (it takes extra credit as
    points above the maximum)."""
    return finite(result.points) + finite(result.bonus_points)


def csv_text(rows: Iterable[Sequence[str]], *, bom: bool) -> str:
    """The rows as RFC 4180 CSV (CRLF line ends, quotes where needed), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return (BOM if bom else "") + buffer.getvalue()


def write_file(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` atomically (a link planted at ``path`` is replaced, not followed); an error
    is a ``UsageError`` with one line naming the path."""
    target = Path(path)
    try:
        write_text_atomic(target, text)
    except OSError as exc:
        raise UsageError(say.UNWRITABLE.format(path=target, reason=exc.strerror or exc)) from exc
    return target


def make_folder(path: str | os.PathLike[str]) -> Path:
    """The output folder the instructor named, created if absent (a link to a folder is theirs to
    choose); a file there is refused with one line."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise UsageError(say.NOT_A_FOLDER.format(path=folder)) from exc
    except OSError as exc:
        raise UsageError(say.UNWRITABLE.format(path=folder, reason=exc.strerror or exc)) from exc
    return folder


def make_subfolder(parent: Path, name: str) -> Path:
    """``parent/name`` as a real folder of our own: a link planted there is refused, since writing
    through it would write wherever it points."""
    folder = parent / name
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError as exc:
        raise UsageError(say.NOT_A_FOLDER.format(path=folder)) from exc
    except OSError as exc:
        raise UsageError(say.UNWRITABLE.format(path=folder, reason=exc.strerror or exc)) from exc
    if folder.is_symlink() or not folder.is_dir():
        raise UsageError(say.NOT_A_FOLDER.format(path=folder))
    return folder
