"""Each student's report, HTML and Markdown, rendered from the result as the gradebook stored it.

The files are named after the student id made safe (``exports_names``): ``<name>.html`` and
``<name>.md`` side by side, so a hostile id (``../../x``, ``con``) lands inside the folder like any
other. A student without a result (missing, or not graded yet) gets no report; an unusable or
timed-out submission gets the report of the result grading wrote, which says why.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from grader.gradebook.exports_cells import make_folder, write_file
from grader.gradebook.exports_names import Names, inside
from grader.reports import render
from grader.results.cohort import ClassEntry
from grader.results.feedback import redact

#: The report formats written, by file extension.
REPORT_FORMATS: tuple[tuple[str, str], ...] = (("html", ".html"), ("md", ".md"))


def write_reports(
    entries: Sequence[ClassEntry], out_dir: str | os.PathLike[str], *, feedback: str = "full"
) -> dict[str, tuple[Path, ...]]:
    """Every student's reports into ``out_dir`` at the ``feedback`` level (``full``: the result as
    stored, the instructor's copy); returns the files written, by student id."""
    folder = make_folder(out_dir)
    names = Names()
    written: dict[str, tuple[Path, ...]] = {}
    for entry in entries:
        if entry.result is None:
            continue
        result = redact(entry.result, feedback)
        name = names.claim(entry.student.id)
        written[entry.student.id] = tuple(
            write_file(inside(folder, name + extension), render(result, fmt))
            for fmt, extension in REPORT_FORMATS
        )
    return written
