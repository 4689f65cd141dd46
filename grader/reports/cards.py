"""A report's cards: the checks of one question that did not pass for one reason, or the passing
checks of one question worth showing, as what a template draws (``CheckView``); and the answers a
question still waits for, one line each (``Todo``).

A card says once what its checks share (message, hint, location, values) and lists its checks;
it draws each picture (exhibit) once, and a card of passing checks leaves out the pictures an
earlier card drew, naming them instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grader.reports.text import Clip, Limits, TraceLine, clip, readable, trace
from grader.reports.values import Answer, Comparison, Panel, Pictures, answer, comparison, exhibits, panel
from grader.reports.wording import group_title, place, points_text
from grader.results.model import NOT_PASSING, CheckResult, ExerciseResult
from grader.results.payloads import Exhibit


@dataclass(frozen=True)
class Member:
    """A check of a card; ``message`` is its own when the card's checks differ in it."""

    check: CheckResult
    message: Clip | None


@dataclass(frozen=True)
class AnswerView:
    """A structured answer of a card, with the title of the check that judged it."""

    title: str
    answer: Answer


@dataclass(frozen=True)
class CheckView:
    """One card: the checks of one question that did not pass for one reason, or the passing
    checks of one question that have something to show (pictures of the student's objects,
    structured answers, figures). The first check stands for the card."""

    check: CheckResult
    exercise_title: str
    anchor: str
    #: The card's other checks.
    also: tuple[CheckResult, ...]
    #: Every check of the card (the first too), listed when there is more than one.
    members: tuple[Member, ...]
    #: The card's title: the check's, or what its checks have in common.
    title: str
    #: Where in the student's file, said once, as grading wrote it
    #: ('at In [4] "def corr2d(X, K):", line 3, in corr2d').
    location: Clip
    #: The message every check of the card shares (None: each member has its own).
    message: Clip | None
    hint: Clip | None
    #: The right answer and why: only in a result shown with full feedback.
    solution: Clip | None
    trace: tuple[TraceLine, ...]
    trace_cut: int
    inputs: tuple[Panel, ...]
    comparison: Comparison | None
    #: The pictures computed on the student's objects, each drawn once.
    exhibits: tuple[Panel, ...]
    #: Labels of pictures left out here because the report drew them above, with where.
    drawn_above: tuple[tuple[str, str], ...]
    answers: tuple[AnswerView, ...]
    details: tuple[tuple[Clip, Clip], ...]

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        return (self.check, *self.also)

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.checks)


def card(group: Sequence[CheckResult], exercise_title: str, anchor: str, pictures: Pictures,
         drawn: list[tuple[Exhibit, str]], *, repeat: bool) -> CheckView:
    """A card for ``group``. Its pictures are drawn once; with ``repeat`` False, those an earlier
    card drew are left out and named (a failure card keeps its own: its hint may point at them)."""
    limits = pictures.limits
    check = group[0]
    lines, cut = trace(check.traceback, limits.traceback)
    lines, where = _said_once(lines, place(check))
    inputs = check.input.items() if isinstance(check.input, Mapping) else ()
    # A failure group's checks have equal details and answers (``grouping``): said once. Passing
    # checks are gathered per question, each with its own.
    holders = group[:1] if check.status in NOT_PASSING else group
    details = [item for c in holders if isinstance(c.details, Mapping) for item in c.details.items()]
    shared = shares_message(group)
    own, above = _pictures(group, drawn, anchor, repeat)
    return CheckView(
        check=check,
        exercise_title=exercise_title,
        anchor=anchor,
        also=tuple(group[1:]),
        members=tuple(Member(c, None if shared else clip(c.message or c.status, limits.message))
                      for c in group),
        title=check.title if len(group) == 1 else group_title(check.status, len(group)),
        location=clip(where, limits.label),
        message=clip(check.message or check.status, limits.message) if shared else None,
        hint=clip(check.hint, limits.hint) if check.hint else None,
        solution=clip(check.solution, limits.hint) if check.solution else None,
        trace=lines,
        trace_cut=cut,
        inputs=tuple(panel(str(name)[: limits.label], value, pictures) for name, value in inputs),
        comparison=comparison(check.expected, check.actual, check.mismatch, pictures),
        exhibits=exhibits(own, pictures),
        drawn_above=above,
        answers=tuple(AnswerView(c.title, found) for c in holders
                      if (found := answer(c.answer, pictures)) is not None),
        details=tuple((clip(str(k), limits.label), clip(readable(v), limits.short))
                      for k, v in details[: limits.details]),
    )


def shares_message(group: Sequence[CheckResult]) -> bool:
    """Whether the checks of ``group`` say one message, shown once; else each shows its own."""
    return all(c.message == group[0].message for c in group)


def distinct_pictures(group: Sequence[CheckResult]) -> list[Exhibit]:
    """The exhibits of ``group``'s checks, each picture once, in the order they came.

    Exhibits are compared as objects (a label and a value): a report holds few of them, and
    their values may be large."""
    seen: list[Exhibit] = []
    for check in group:
        for exhibit in check.exhibits:
            if isinstance(exhibit, Mapping) and not any(_same_picture(exhibit, o) for o in seen):
                seen.append(exhibit)
    return seen


def _pictures(group: Sequence[CheckResult], drawn: list[tuple[Exhibit, str]], anchor: str,
              repeat: bool) -> tuple[list[Exhibit], tuple[tuple[str, str], ...]]:
    """The group's exhibits, each once; and those an earlier card drew (when not ``repeat``)."""
    own: list[Exhibit] = []
    above: list[tuple[str, str]] = []
    for exhibit in distinct_pictures(group):
        where = next((at for other, at in drawn if _same_picture(exhibit, other)), None)
        if not repeat and where is not None:
            above.append((str(exhibit.get("label", "")), where))
            continue
        own.append(exhibit)
        if where is None:
            drawn.append((exhibit, anchor))
    return own, tuple(above)


def _same_picture(one: Exhibit, other: Exhibit) -> bool:
    return one is other or (one.get("label") == other.get("label")
                            and one.get("value") == other.get("value"))


def _said_once(lines: tuple[TraceLine, ...], where: str) -> tuple[tuple[TraceLine, ...], str]:
    """The traceback and the location a card shows, the place said once: a one-frame traceback
    loses its header (the location says it), a longer one keeps its headers and the card no
    separate location (the last header says it)."""
    headers = [line for line in lines if line.text and not line.text[0].isspace() and not line.hidden]
    if len(headers) == 1 and lines and lines[0] is headers[0]:
        return lines[1:], where
    return lines, "" if headers else where


@dataclass(frozen=True)
class TodoItem:
    """Checks of a question waiting for one answer: what is missing, how to give it, and where."""

    checks: tuple[CheckResult, ...]
    message: Clip
    hint: Clip | None
    solution: Clip | None
    location: Clip


@dataclass(frozen=True)
class Todo:
    """A question with answers still to give: one line per missing answer, no pictures (there is
    nothing of the student's to draw yet)."""

    exercise: ExerciseResult
    anchor: str
    #: The question's points as they read (``0/7``, ``bonus, not attempted``).
    points: str
    items: tuple[TodoItem, ...]


def todo(exercise: ExerciseResult, groups: Sequence[Sequence[CheckResult]], anchor: str,
         limits: Limits) -> Todo:
    """The unanswered ``groups`` of ``exercise`` as one compact block."""
    return Todo(exercise, anchor, points_text(exercise), tuple(
        TodoItem(tuple(g), clip(g[0].message or g[0].status, limits.message),
                 clip(g[0].hint, limits.hint) if g[0].hint else None,
                 clip(g[0].solution, limits.hint) if g[0].solution else None,
                 clip(place(g[0]), limits.label))
        for g in groups
    ))
