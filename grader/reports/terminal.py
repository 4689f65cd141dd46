"""The plain-text reports: the terminal summary, one check's failure, the total line, the pack list.

Rendered from a ``SubmissionResult`` (or the pack's declarations), never from live grading objects,
so a saved result JSON renders exactly like a fresh one.
"""

from __future__ import annotations

from grader.catalog.model import Pack
from grader.reports import text as report_text
from grader.reports.environment import environment, painter
from grader.results.model import CheckResult, SubmissionResult


def render_terminal(result: SubmissionResult, color: bool) -> str:
    """The summary ``grader check`` prints: score, one line per exercise, what to fix first."""
    template = environment().get_template("terminal.txt.j2")
    return template.render(result=report_text.bounded(result), paint=painter(color))


def render_failure(check: CheckResult, kind: str = "notebook") -> str:
    """One check's failure for a student: message, hint and where in their code (no grader internals).

    ``kind`` is the submission's kind (``notebook`` or ``module``): it decides how a location reads.
    """
    macros = environment().get_template("_macros.txt.j2").module
    return str(macros.failure(check, kind, painter(False)))  # type: ignore[attr-defined]


def render_total(result: SubmissionResult, color: bool = False) -> str:
    """The one-line total (``Total: 7.5/12 points (complete)``), as the last line of every summary."""
    macros = environment().get_template("_macros.txt.j2").module
    return str(macros.total(result, painter(color)))  # type: ignore[attr-defined]


def render_pack(pack: Pack) -> str:
    """What ``grader list`` prints: the pack's exercises and checks with points, without grading."""
    return environment().get_template("pack.txt.j2").render(pack=pack)
