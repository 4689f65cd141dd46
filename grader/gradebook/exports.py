"""Exports of a graded class, made from the gradebook's records without grading anything again.

Each takes the class as ``ClassEntry`` rows (``grader.results.cohort``) and writes files
atomically (``grader.files``), refusing to write through links; an output it cannot write is a
``UsageError`` with one line. The formats: the grades CSV and Canvas's gradebook import
(``exports_tables``), Gradescope's ``results.json`` (``exports_gradescope``), and each student's
HTML and Markdown report (``exports_reports``). Cells a student controls are neutralised against
spreadsheet formulas, and file names made from student ids stay inside the output folder
(``exports_names``).
"""

from __future__ import annotations

from grader.gradebook.exports_gradescope import gradescope_results, write_gradescope
from grader.gradebook.exports_names import safe_name
from grader.gradebook.exports_reports import write_reports
from grader.gradebook.exports_tables import write_canvas, write_csv

__all__ = [
    "gradescope_results",
    "safe_name",
    "write_canvas",
    "write_csv",
    "write_gradescope",
    "write_reports",
]
