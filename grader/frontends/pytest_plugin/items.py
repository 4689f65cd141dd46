"""The pytest collection tree for one submission: file -> exercise -> one item per check per device.

Items are built from the pack's declarations alone, so collecting (``--collect-only``, ``-k``, ``-m``)
never grades nor imports torch. The first item of a submission that runs grades the whole submission
once, through ``grader.grading.pipeline``; each of its items then reads its own verdict from that one
result, kept by the submission's resolved path, so several submissions in one run never share one.
Failures show what the student needs (message, hint, where in their code), never the grader's own
traceback.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.catalog.model import Check, Exercise, Pack
from grader.frontends import messages as say
from grader.options import GradeOptions
from grader.results.model import CheckResult, SubmissionResult


@dataclass(frozen=True)
class GradeSettings:
    """What ``--grade`` and its companion options asked for, resolved once at configure time."""

    #: Each submission's resolved path, in the order given, with the name it is shown by.
    submissions: Mapping[Path, str]
    pack: Pack
    options: GradeOptions
    #: The results ``--grade-from`` replays instead of grading, by resolved path.
    replayed: Mapping[Path, SubmissionResult]


@dataclass(frozen=True)
class GradingCrash:
    """Grading itself could not produce a result: every item reports this one line."""

    message: str


Outcome = SubmissionResult | GradingCrash

SETTINGS_KEY = pytest.StashKey[GradeSettings]()
#: Each graded submission's outcome, by resolved path: filled as their first items run.
OUTCOMES_KEY = pytest.StashKey[dict[Path, Outcome]]()


class CheckNotPassed(Exception):
    """Raised by an item whose check failed; carries the student-readable text of the failure."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class SubmissionFile(pytest.File):
    """One submission under grading: one child per exercise of the pack."""

    def collect(self) -> Iterator[ExerciseNode]:
        for exercise in self.config.stash[SETTINGS_KEY].pack.exercises:
            yield ExerciseNode.from_parent(self, name=exercise.id, exercise=exercise)


class ExerciseNode(pytest.Collector):
    """One question: one child per check per device, e.g. ``matches_conv2d[cuda]``."""

    def __init__(self, *, exercise: Exercise, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise

    def collect(self) -> Iterator[CheckItem]:
        for check in self.exercise.checks:
            for device in check.devices:
                item = CheckItem.from_parent(
                    self, name=f"{check.id}[{device}]", exercise=self.exercise, check=check,
                    device=device,
                )
                if device == "cuda":
                    item.add_marker("gpu")
                if check.hidden:
                    item.add_marker("hidden")
                yield item


class CheckItem(pytest.Item):
    """One check on one device; its outcome is read from its submission's single grading result."""

    def __init__(self, *, exercise: Exercise, check: Check, device: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise
        self.check = check
        self.device = device

    def runtest(self) -> None:
        outcome = graded(self.config, self.path.resolve())
        if isinstance(outcome, GradingCrash):
            self._record("error", 0.0, self._max_points())
            raise CheckNotPassed(outcome.message)
        verdict = self._verdict(outcome)
        if outcome.error is not None:
            self._record("error", 0.0, verdict.max_points if verdict else self._max_points())
            raise CheckNotPassed(say.ERROR_LINE.format(message=outcome.error))
        if verdict is None:
            self._record("error", 0.0, self._max_points())
            raise CheckNotPassed(say.NO_RESULT_FOR_CHECK)
        self._record(verdict.status, verdict.points, verdict.max_points)
        if verdict.status == "skipped":
            pytest.skip(verdict.message or say.SKIPPED)
        if verdict.bonus and verdict.status != "passed" and not verdict.internal:
            from grader.results import STATUS_LABELS

            # A bonus is never owed; the grader's own error in one is still our bug, and shown.
            pytest.xfail(say.BONUS_NOT_EARNED.format(status=STATUS_LABELS[verdict.status],
                                                     message=verdict.message))
        if verdict.status != "passed":
            from grader.reports import render_failure

            raise CheckNotPassed(render_failure(verdict))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str:
        """The student-readable verdict for our failures; pytest's own report for anything else."""
        if isinstance(excinfo.value, CheckNotPassed):
            return excinfo.value.text
        if os.environ.get("GRADER_DEBUG") == "1":
            return str(super().repr_failure(excinfo, style))
        # Anything else raised here is a bug of ours: say so in one line, as the CLI does.
        error = excinfo.value
        return say.INTERNAL_ERROR.format(type=type(error).__name__, message=error)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.exercise.id}::{self.name}"

    def _verdict(self, result: SubmissionResult) -> CheckResult | None:
        key = (self.exercise.id, self.check.id, self.device)
        return next(
            (c for c in result.checks if (c.exercise, c.id, c.device) == key), None
        )

    def _max_points(self) -> float:
        """What this variant is worth when no verdict says so (grading crashed, result lacks it)."""
        from grader.grading.pipeline import points_policy

        count_cuda = self.config.stash[SETTINGS_KEY].options.count_cuda
        return points_policy(self.check, self.device, count_cuda=count_cuda)[1]

    def _record(self, status: str, points: float, max_points: float) -> None:
        """Points and status as user properties, so ``--junitxml`` carries the score; a bonus
        check says so, for a reader that sums the points to keep it apart."""
        self.user_properties.extend([
            ("points", points), ("max_points", max_points), ("status", status),
            ("device", self.device),
        ])
        if self.check.bonus:
            self.user_properties.append(("bonus", True))


def graded(config: pytest.Config, submission: Path) -> Outcome:
    """The submission's one grading result, as the feedback setting lets the student see it:
    computed (or read back with ``--grade-from``) once, redacted, then reused by its every item. A
    crash is kept as its outcome too: the other submissions are graded all the same."""
    outcomes = config.stash.setdefault(OUTCOMES_KEY, {})
    if submission not in outcomes:
        settings = config.stash[SETTINGS_KEY]
        saved = settings.replayed.get(submission)
        outcome = _grade(submission, settings) if saved is None else saved
        if not isinstance(outcome, GradingCrash):
            from grader.results.feedback import redact

            outcome = redact(outcome, settings.options.feedback)
        outcomes[submission] = outcome
    return outcomes[submission]


def _grade(submission: Path, settings: GradeSettings) -> Outcome:
    """Grade through the same entry point as the CLI; a crash becomes one line, not a traceback."""
    from grader import grading
    from grader.errors import GraderError, UsageError

    try:
        return grading.grade(submission, options=settings.options, pack=settings.pack)
    except UsageError as exc:
        return GradingCrash(say.ERROR_LINE.format(message=exc.message))
    except GraderError as exc:
        return GradingCrash(say.INTERNAL_ERROR.format(type=type(exc).__name__, message=exc.message))
    except Exception as exc:
        message = say.INTERNAL_ERROR.format(type=type(exc).__name__, message=exc)
        if os.environ.get("GRADER_DEBUG") == "1":  # for whoever fixes the bug, as in the CLI
            message += "\n" + traceback.format_exc()
        return GradingCrash(message)
