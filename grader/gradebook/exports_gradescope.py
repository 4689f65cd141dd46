"""A ``results.json`` per submission in Gradescope's autograder results format.

The format is Gradescope's "Autograder Specifications", section "Output format"
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): a top-level ``score`` (it
overrides the sum of the tests), ``execution_time`` in seconds, ``output`` for the whole
submission, and ``tests``, each with ``name``, ``number``, ``score``, ``max_score``, ``status``
(``passed`` or ``failed``, the only two it knows), ``output``, ``tags`` and ``visibility`` (one of
``hidden``, ``after_due_date``, ``after_published``, ``visible``).

How our result maps onto it: one test per check per device, skipping checks that did not run and
do not count (CUDA on a machine without it); a bonus check is a test with ``max_score`` 0, which
Gradescope shows as extra credit, and the top-level score is the required points plus the bonus.
A hidden check is shown ``after_due_date``. What a student reads passes through the course's
feedback level first (``grader.results.redact``), since Gradescope shows ``output`` to students.
A student without a submission gets no file: there is no submission to attach it to.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.gradebook import export_messages as say
from grader.gradebook.exports_cells import earned, finite, make_folder, make_subfolder, number, write_file
from grader.gradebook.exports_names import Names
from grader.results.cohort import ClassEntry
from grader.results.feedback import redact
from grader.results.model import CheckResult, SubmissionResult

RESULTS_FILE = "results.json"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def write_gradescope(
    entries: Sequence[ClassEntry], out_dir: str | os.PathLike[str], *, feedback: str = "hints"
) -> tuple[Path, ...]:
    """``out_dir/<student>/results.json`` for each student with a submission, at the course's
    ``feedback`` level; returns the files written."""
    folder = make_folder(out_dir)
    names = Names()
    written: list[Path] = []
    for entry in entries:
        if entry.result is None and entry.status in ("missing", "ungraded"):
            continue
        data = gradescope_results(entry, feedback)
        target = make_subfolder(folder, names.claim(entry.student.id)) / RESULTS_FILE
        written.append(write_file(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n"))
    return tuple(written)


def gradescope_results(entry: ClassEntry, feedback: str = "hints") -> dict[str, Any]:
    """One submission's results in Gradescope's format, as plain data."""
    result = None if entry.result is None else redact(entry.result, feedback)
    seconds = entry.duration or (result.execution.duration if result is not None else 0.0)
    data: dict[str, Any] = {
        "score": finite(earned(result)) if result is not None else 0.0,
        "execution_time": round(finite(seconds)),
        "output": _summary(entry, result),
        "tests": [] if result is None else _tests(result),
    }
    return data


def _summary(entry: ClassEntry, result: SubmissionResult | None) -> str:
    if entry.status != "graded" or result is None:
        reason = entry.reason or (result.error if result is not None and result.error else "")
        return say.GRADESCOPE_NOT_GRADED.format(status=entry.status, reason=reason)
    if result.bonus_max_points > 0:
        return say.GRADESCOPE_SUMMARY_BONUS.format(
            points=number(result.points), max_points=number(result.max_points),
            bonus=number(result.bonus_points), bonus_max=number(result.bonus_max_points))
    return say.GRADESCOPE_SUMMARY.format(points=number(result.points), max_points=number(result.max_points))


def _tests(result: SubmissionResult) -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    for q, exercise in enumerate(result.exercises, start=1):
        for c, check in enumerate(exercise.checks, start=1):
            if check.status == "skipped" and not check.counts:
                continue
            tags = [exercise.id, check.device] + ([say.GRADESCOPE_TAG_BONUS] if check.bonus else [])
            tests.append({
                "name": say.GRADESCOPE_TEST_NAME.format(
                    exercise=exercise.title, check=check.title, device=check.device),
                "number": f"{q}.{c}",
                "score": finite(check.points),
                "max_score": 0.0 if check.bonus else finite(check.max_points),
                "status": "passed" if check.status == "passed" else "failed",
                "output": _check_output(check),
                "tags": tags,
                "visibility": "after_due_date" if check.hidden else "visible",
            })
    return tests


def _check_output(check: CheckResult) -> str:
    lines = [check.message] if check.message else []
    if check.location:
        lines.append(say.GRADESCOPE_WHERE.format(location=check.location))
    if check.hint:
        lines.append(say.GRADESCOPE_HINT.format(hint=check.hint))
    return "\n".join(lines)
