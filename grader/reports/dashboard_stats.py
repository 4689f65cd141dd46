"""What the class dashboard says about a class, computed from its entries alone.

Pure arithmetic over ``ClassEntry`` values, kept apart from the page so that the figures an
instructor acts on (a question's pass rate, how many students share a misconception) are tested
without parsing HTML. Only submissions that were graded count towards scores and rates: a missing,
unusable or timed-out submission is reported as such, never as a zero that drags a question down.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from grader.catalog.hints import Hint
from grader.results.cohort import ENTRY_STATUSES, ClassEntry, EntryStatus, Student
from grader.results.model import CheckResult, Status, SubmissionResult

#: Width of one bar of the score distribution, in percent of the required points.
BUCKET_WIDTH = 10
#: Statuses whose hint says what the student got wrong: a misconception. An unanswered stub's
#: hint only says what to write, and a grader's own error is not the student's.
MISTAKEN: frozenset[Status] = frozenset({"failed", "error", "timeout"})


@dataclass(frozen=True)
class Rate:
    """How many of ``total`` passed; ``total`` is 0 where nobody was judged."""

    passed: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0


@dataclass(frozen=True)
class Bucket:
    """One bar of the distribution: scores from ``low`` up to ``high`` (``high`` itself only in the
    last bar, which holds the full marks)."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class QuestionStats:
    """A question's item analysis: the share of graded students whose required checks of it all
    passed, and apart from it the same for its bonus checks (None where it has none)."""

    id: str
    title: str
    required: Rate | None
    bonus: Rate | None
    mean_points: float
    max_points: float
    mean_bonus: float
    bonus_max_points: float


@dataclass(frozen=True)
class CheckStats:
    """One check on one device across the class: how many passed of those it ran for, and how the
    others ended (``failed``, ``error``, ``timeout``, ``unanswered``)."""

    exercise: str
    id: str
    title: str
    device: str
    bonus: bool
    rate: Rate
    others: tuple[tuple[Status, int], ...]


@dataclass(frozen=True)
class HintStats:
    """A misconception: the hint's template (``text``, its blanks shown as "…"; the hint itself when
    no template gives it), the students it was given to (each once) and the checks that gave it
    (``exercise::check``). ``id`` names the template (``grader.catalog.hints``), "" if none."""

    text: str
    students: tuple[Student, ...]
    checks: tuple[str, ...]
    id: str = ""


@dataclass(frozen=True)
class ClassStats:
    """Everything the dashboard shows, computed once."""

    total: int
    counts: tuple[tuple[EntryStatus, int], ...]
    graded: tuple[ClassEntry, ...]
    percents: tuple[float, ...]
    mean: float | None
    median: float | None
    buckets: tuple[Bucket, ...]
    questions: tuple[QuestionStats, ...]
    checks: tuple[CheckStats, ...]
    hints: tuple[HintStats, ...]
    unusable: tuple[ClassEntry, ...]
    timeouts: tuple[ClassEntry, ...]
    slowest: tuple[ClassEntry, ...]


def class_stats(entries: Sequence[ClassEntry], slowest: int = 10,
                identify: Callable[[str], Hint] | None = None) -> ClassStats:
    """The dashboard's figures for ``entries``; ``slowest`` is how many of the longest gradings to
    name; ``identify`` tells which template a hint was filled from (the pack's ``HintCatalog``), so
    one misconception counts once whatever figures each student's hint holds."""
    graded = tuple(e for e in entries if _scored(e) is not None)
    results = [r for e in graded if (r := _scored(e)) is not None]
    percents = tuple(r.percent for r in results)
    timed = sorted((e for e in entries if e.duration > 0), key=lambda e: (-e.duration, e.student.id))
    return ClassStats(
        total=len(entries),
        # "Not graded yet" only after a stopped batch: shown when there are some.
        counts=tuple((s, n) for s in ENTRY_STATUSES
                     if (n := sum(1 for e in entries if e.status == s)) or s != "ungraded"),
        graded=graded,
        percents=percents,
        mean=statistics.fmean(percents) if percents else None,
        median=statistics.median(percents) if percents else None,
        buckets=buckets(percents),
        questions=questions(results),
        checks=checks(results),
        hints=hints(graded, identify),
        unusable=tuple(e for e in entries if e.status == "unusable"),
        timeouts=tuple(e for e in entries if e.status == "timeout"),
        slowest=tuple(timed[:slowest]),
    )


def buckets(percents: Sequence[float]) -> tuple[Bucket, ...]:
    """The distribution in bars of ``BUCKET_WIDTH`` percent; full marks fall in the last bar."""
    lows = range(0, 100, BUCKET_WIDTH)
    counts = dict.fromkeys(lows, 0)
    for percent in percents:
        clamped = min(max(percent, 0.0), 100.0)
        counts[min(int(clamped // BUCKET_WIDTH) * BUCKET_WIDTH, lows[-1])] += 1
    return tuple(Bucket(low, low + BUCKET_WIDTH, counts[low]) for low in lows)


def questions(results: Sequence[SubmissionResult]) -> tuple[QuestionStats, ...]:
    """Item analysis per question, in the order the questions first appear in the class."""
    order: dict[str, str] = {}
    for result in results:
        for exercise in result.exercises:
            order.setdefault(exercise.id, exercise.title)
    rows = []
    for exercise_id, title in order.items():
        found = [e for r in results for e in r.exercises if e.id == exercise_id]
        required = [tuple(c for c in e.checks if not c.bonus) for e in found]
        bonus = [tuple(c for c in e.checks if c.bonus) for e in found]
        count = len(found)
        rows.append(QuestionStats(
            id=exercise_id, title=title,
            required=_all_passed(required), bonus=_all_passed(bonus),
            mean_points=sum(e.points for e in found) / count,
            max_points=max(e.max_points for e in found),
            mean_bonus=sum(e.bonus_points for e in found) / count,
            bonus_max_points=max(e.bonus_max_points for e in found),
        ))
    return tuple(rows)


def checks(results: Sequence[SubmissionResult]) -> tuple[CheckStats, ...]:
    """Pass rates per check per device, over the students it ran for (a skip is not judged)."""
    seen: dict[tuple[str, str, str], list[CheckResult]] = {}
    for result in results:
        for check in result.checks:
            seen.setdefault((check.exercise, check.id, check.device), []).append(check)
    rows = []
    for (exercise, check_id, device), found in seen.items():
        ran = [c for c in found if c.status != "skipped"]
        others: dict[Status, int] = {}
        for c in ran:
            if c.status != "passed":
                others[c.status] = others.get(c.status, 0) + 1
        rows.append(CheckStats(
            exercise=exercise, id=check_id, title=found[0].title, device=device,
            bonus=found[0].bonus,
            rate=Rate(sum(1 for c in ran if c.status == "passed"), len(ran)),
            others=tuple(sorted(others.items())),
        ))
    return tuple(rows)


def hints(graded: Sequence[ClassEntry], identify: Callable[[str], Hint] | None = None
          ) -> tuple[HintStats, ...]:
    """The misconceptions behind wrong answers, most students first; a student counts once per
    misconception however many checks, devices or figures gave it."""
    name = identify or (lambda text: Hint("", text))
    students: dict[str, dict[str, Student]] = {}  # by the template's id, or the text without one
    sources: dict[str, dict[str, None]] = {}
    named: dict[str, Hint] = {}
    for entry in graded:
        result = entry.result
        assert result is not None  # graded entries carry their result (_scored)
        for check in result.checks:
            if check.hint and check.status in MISTAKEN and not check.internal:
                hint = name(check.hint)
                key = hint.id or hint.label
                named.setdefault(key, hint)
                students.setdefault(key, {})[entry.student.id] = entry.student
                sources.setdefault(key, {})[f"{check.exercise}::{check.id}"] = None
    rows = [HintStats(named[key].label, tuple(by_id.values()), tuple(sources[key]), named[key].id)
            for key, by_id in students.items()]
    return tuple(sorted(rows, key=lambda h: (-len(h.students), h.text)))


def _scored(entry: ClassEntry) -> SubmissionResult | None:
    """The result that counts towards the class's figures: a graded entry's, when grading ran."""
    if entry.status != "graded" or entry.result is None or entry.result.error is not None:
        return None
    return entry.result


def _all_passed(per_student: Sequence[tuple[CheckResult, ...]]) -> Rate | None:
    """How many students passed every check that ran of theirs; None when no student had one."""
    judged = [[c for c in own if c.status != "skipped"] for own in per_student]
    judged = [own for own in judged if own]
    if not any(per_student):
        return None
    return Rate(sum(1 for own in judged if all(c.status == "passed" for c in own)), len(judged))
