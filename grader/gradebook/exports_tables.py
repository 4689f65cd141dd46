"""The class as spreadsheets: the grades CSV an instructor opens, and Canvas's gradebook import.

**Grades CSV.** One row per student, one column per question (its cell is what the question
earned, bonus included, so the questions add up to total + bonus). UTF-8 *with* a byte-order mark:
Excel, what most instructors open a CSV with, reads a file without one in the machine's legacy code
page and garbles every accented name; Python (``utf-8-sig``), pandas, LibreOffice and Google Sheets
all read the mark as what it is.

**Canvas.** The columns of Canvas's own gradebook export, which is what its importer reads
(canvas-lms ``app/models/gradebook_importer.rb``: the header must start ``Student``, ``ID``, may go on
``SIS User ID``, ``SIS Login ID``, and must end its student columns with ``Section``; a row whose
first cell says ``Points Possible`` sets the assignment's points). The importer finds a student by
``ID`` (Canvas's numeric user id), then the SIS user id, then the login id, then the name; so
``ID`` is filled only with an id that is all digits (a Canvas download's user id): a folder name or
a login is no Canvas id. Canvas documents its CSV as UTF-8, and this file is for uploading, so it
has no byte-order mark. A student without a submission gets an empty cell, not 0: an empty cell
leaves the grade to the instructor and to Canvas's missing-submission policy (an extension, an
excuse), where 0 would record a graded zero indistinguishable from a wrong answer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from grader.errors import UsageError
from grader.gradebook import export_messages as say
from grader.gradebook.exports_cells import csv_text, earned, exercise_of, number, question_ids, write_file
from grader.results.cohort import ClassEntry


def write_csv(entries: Sequence[ClassEntry], path: str | os.PathLike[str]) -> Path:
    """The grades CSV at ``path``; returns the path written."""
    questions = question_ids(entries)
    rows: list[Sequence[str]] = [(*say.CSV_LEADING, *questions, *say.CSV_TRAILING)]
    rows.extend(_grades_row(entry, questions) for entry in entries)
    return write_file(path, csv_text(rows, bom=True))


def write_canvas(entries: Sequence[ClassEntry], path: str | os.PathLike[str], assignment: str) -> Path:
    """Canvas's gradebook import at ``path``, with the scores in the column ``assignment`` (its
    title, or ``Title (id)`` to update that assignment); returns the path written."""
    if not assignment.strip():
        raise UsageError(say.CANVAS_NO_ASSIGNMENT)
    rows: list[Sequence[str]] = [(*say.CANVAS_COLUMNS, assignment)]
    maximum = next((e.result.max_points for e in entries if e.result is not None), None)
    if maximum is not None:
        rows.append((say.CANVAS_POINTS_POSSIBLE, "", "", "", "", number(maximum)))
    for entry in entries:
        student = entry.student
        score = number(earned(entry.result)) if entry.result is not None else ""
        canvas_id = student.id if student.id.isascii() and student.id.isdigit() else ""
        rows.append((student.name or student.id, canvas_id, student.sis_id, student.login_id, student.section,
                     score))
    return write_file(path, csv_text(rows, bom=False))


def _grades_row(entry: ClassEntry, questions: Sequence[str]) -> list[str]:
    student, result = entry.student, entry.result
    row = [student.id, student.name, student.email, student.section]
    if result is None:
        row += ["", "", "", ""] + [""] * len(questions)
    else:
        row += [number(result.points), number(result.max_points), number(result.percent),
                number(result.bonus_points)]
        for question in questions:
            exercise = exercise_of(result, question)
            row.append("" if exercise is None else number(exercise.points + exercise.bonus_points))
    late = say.LATE_YES if entry.late else say.LATE_NO
    reason = entry.reason or (result.error if result is not None and result.error else "")
    return [*row, entry.status, entry.sha256, late, reason]
