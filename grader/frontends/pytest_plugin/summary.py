"""The terminal summary: each graded submission's total, or the one line its grading crashed with.

A total is plain data (a name and a rendered line), so a pytest-xdist worker can send its own to
the controller, which prints them all in the order the submissions were given. One submission gets
the section it always had, titled with its name; several get one section with a line each, named
as the user gave them, since two students' files are often called the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from grader.frontends import messages as say
from grader.frontends.pytest_plugin import messages
from grader.frontends.pytest_plugin.items import GradingCrash, Outcome


@dataclass(frozen=True)
class Total:
    """What the summary says of one submission."""

    #: The graded file's name, as its result records it; empty when grading crashed.
    name: str
    line: str
    crashed: bool

    def as_data(self) -> dict[str, object]:
        """As the plain types xdist's channel carries."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> Total:
        """Back from what a worker sent."""
        return cls(name=str(data["name"]), line=str(data["line"]), crashed=bool(data["crashed"]))


def total_of(outcome: Outcome) -> Total:
    """The total line of a result, or the crash line."""
    if isinstance(outcome, GradingCrash):
        return Total(name="", line=outcome.message, crashed=True)
    from grader.reports import render_total

    return Total(name=outcome.submission.name, line=render_total(outcome), crashed=False)


def write(reporter: pytest.TerminalReporter, shown: Mapping[Path, str], totals: Mapping[Path, Total]) -> None:
    """The totals of the submissions that were graded (``shown`` gives their order and names)."""
    graded = [(name, totals[path]) for path, name in shown.items() if path in totals]
    if not graded:
        return
    if len(shown) == 1:
        ((_, total),) = graded
        crashed = say.SUMMARY_TITLE_CRASHED
        reporter.write_sep("=", crashed if total.crashed else say.SUMMARY_TITLE.format(name=total.name))
        reporter.write_line(total.line, red=total.crashed)
        return
    count = len(graded)
    title = messages.SUMMARY_TITLE_MANY if count == len(shown) else messages.SUMMARY_TITLE_SOME
    reporter.write_sep("=", title.format(count=count, given=len(shown)))
    for name, total in graded:
        reporter.write_line(messages.SUMMARY_LINE.format(submission=name, total=total.line),
                            red=total.crashed)
