"""The result model: immutable, versioned, JSON in and out.

Every report, gradebook and export is rendered from a ``SubmissionResult`` (or its JSON), never from
live objects, so this module is the contract between grading and everything downstream. What a
check shows besides its verdict (inputs, expected vs actual, exhibits, answers) is typed in
``grader.results.payloads``; the JSON Schema of the whole is ``grader.results.json_schema()``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from grader.results.payloads import Answer, Described, Details, Exhibit, Inputs, Mismatch
from grader.results.records import CellError as CellError
from grader.results.records import DeviceInfo as DeviceInfo
from grader.results.records import ExecutionInfo as ExecutionInfo
from grader.results.records import FreeTextAnswer as FreeTextAnswer
from grader.results.records import SubmissionInfo as SubmissionInfo
from grader.results.records import SubmissionKind as SubmissionKind

# Re-exported: the status vocabulary is part of the result contract, read from here too.
from grader.results.status import NOT_PASSING as NOT_PASSING
from grader.results.status import STATUS_LABELS as STATUS_LABELS
from grader.results.status import STATUSES as STATUSES
from grader.results.status import SUMMARY_ORDER
from grader.results.status import Status as Status
from grader.results.status import as_status as as_status
from grader.results.versions import READS, SCHEMA, upgrade


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check on one device.

    ``location`` says where in the student's file the failure happened, as they find it (``In [4]
    "def corr2d(X, K):", line 2, in corr2d``; ``line 37`` of a module), with the function the line
    is in. ``internal`` marks an error that is the grader's fault.

    ``input``, ``expected`` and ``actual`` are described values (``grader.results.payloads``);
    ``mismatch`` says how the values differ when a comparison found them to. ``exhibits`` are
    extra values a report should draw, computed on the student's own objects (their image X beside
    X.T, a kernel's responses to x^2 and y^2). ``answer`` is a structured answer against the
    truth the grader computed for it. ``details`` holds figures reported for information only
    (operation counts, timings), never judged.

    What gives an answer away is marked, for ``grader.results.feedback`` to withhold: ``solution``
    (the right answer and why), ``expected_is_answer`` (``expected`` is the answer itself, not what
    a correct function returns on the input), an exhibit's ``reveals``, and an answer's ``truth``.
    """

    id: str
    title: str
    exercise: str
    device: str
    status: Status
    points: float
    max_points: float
    message: str = ""
    hint: str | None = None
    counts: bool = True
    hidden: bool = False
    input: Inputs | None = None
    expected: Described = None
    actual: Described = None
    mismatch: Mismatch | None = None
    traceback: str | None = None
    cell: int | None = None
    line: int | None = None
    location: str = ""
    internal: bool = False
    duration: float = 0.0
    bonus: bool = False
    exhibits: tuple[Exhibit, ...] = ()
    answer: Answer | None = None
    details: Details | None = None
    solution: str | None = None
    expected_is_answer: bool = False

    @property
    def item_id(self) -> str:
        """Readable id, the same one pytest shows: ``corr2d::matches_conv2d[cpu]``."""
        return f"{self.exercise}::{self.id}[{self.device}]"


@dataclass(frozen=True)
class ExerciseResult:
    """All checks of one question, with the points summed over the checks that count."""

    id: str
    title: str
    checks: tuple[CheckResult, ...]

    @property
    def points(self) -> float:
        """The required points earned: bonus checks' points are ``bonus_points``."""
        return round(sum(c.points for c in self.checks if not c.bonus), 6)

    @property
    def max_points(self) -> float:
        """What the required checks can earn; a bonus comes on top (``bonus_max_points``)."""
        return round(sum(c.max_points for c in self.checks if not c.bonus), 6)

    @property
    def bonus_points(self) -> float:
        return round(sum(c.points for c in self.checks if c.bonus), 6)

    @property
    def bonus_max_points(self) -> float:
        return round(sum(c.max_points for c in self.checks if c.bonus), 6)

    @property
    def bonus(self) -> bool:
        """Every check of the question is a bonus: it adds to the total and is never owed."""
        return bool(self.checks) and all(c.bonus for c in self.checks)

    @property
    def status(self) -> Status:
        """What sums up the checks that ran (``SUMMARY_ORDER``), a grader's own error first;
        ``skipped`` only if every check was skipped."""
        if any(c.internal and c.status == "error" for c in self.checks):
            return "error"
        ran = [c.status for c in self.checks if c.status != "skipped"]
        for status in SUMMARY_ORDER:
            if status in ran:
                return status
        return "passed" if ran else "skipped"

    @property
    def first_failure(self) -> CheckResult | None:
        return next((c for c in self.checks if c.status not in ("passed", "skipped")), None)


@dataclass(frozen=True)
class SubmissionResult:
    """Everything known about one graded submission."""

    submission: SubmissionInfo
    pack: str
    grader_version: str
    torch_version: str
    seed: int
    devices: tuple[DeviceInfo, ...]
    exercises: tuple[ExerciseResult, ...]
    started: str
    finished: str
    answers: tuple[FreeTextAnswer, ...] = ()
    execution: ExecutionInfo = field(default_factory=ExecutionInfo)
    error: str | None = None
    #: What the feedback shows (``grader.results.feedback``): "full" unless a course withheld some.
    feedback: str = "full"
    schema: str = SCHEMA

    @property
    def points(self) -> float:
        """The required points earned; the bonus is ``bonus_points``, never folded in (no 53/51)."""
        return round(sum(e.points for e in self.exercises), 6)

    @property
    def max_points(self) -> float:
        return round(sum(e.max_points for e in self.exercises), 6)

    @property
    def bonus_points(self) -> float:
        return round(sum(e.bonus_points for e in self.exercises), 6)

    @property
    def bonus_max_points(self) -> float:
        return round(sum(e.bonus_max_points for e in self.exercises), 6)

    @property
    def percent(self) -> float:
        """The share of the required points earned, 0 to 100: a bonus never lifts it past 100."""
        return 100.0 * self.points / self.max_points if self.max_points > 0 else 0.0

    @property
    def all_required_passed(self) -> bool:
        """Every required check that ran passed: what a CI build or an exit code goes by. A bonus,
        attempted or not, is never owed."""
        return not any(c.status in NOT_PASSING and not c.bonus for c in self.checks)

    @property
    def complete(self) -> bool:
        """False when a check that counts was skipped (e.g. CUDA checks made to count, no CUDA)."""
        return not any(
            c.status == "skipped" and c.counts for e in self.exercises for c in e.checks
        )

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for e in self.exercises for c in e.checks)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with the derived totals written out for readers that do not recompute."""
        data = asdict(self)
        data["points"] = self.points
        data["max_points"] = self.max_points
        data["bonus_points"] = self.bonus_points
        data["bonus_max_points"] = self.bonus_max_points
        data["complete"] = self.complete
        for exercise, raw in zip(self.exercises, data["exercises"], strict=True):
            raw["points"] = exercise.points
            raw["max_points"] = exercise.max_points
            raw["bonus_points"] = exercise.bonus_points
            raw["bonus_max_points"] = exercise.bonus_max_points
            raw["bonus"] = exercise.bonus
            raw["status"] = exercise.status
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def write(self, path: str | Path) -> None:
        """Write the JSON atomically, replacing (never following) a link planted at ``path``."""
        from grader.files import write_text_atomic

        write_text_atomic(path, self.to_json() + "\n")

    def with_exercises(self, exercises: tuple[ExerciseResult, ...]) -> SubmissionResult:
        return replace(self, exercises=exercises)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SubmissionResult:
        """Rebuild a result; an older version is upgraded first, others are rejected instead of
        misread, and so is a check whose status is none of ``STATUSES``."""
        schema = data.get("schema")
        if schema not in READS:
            raise ValueError(f"unsupported result schema {schema!r}; this grader reads "
                             + " and ".join(repr(version) for version in READS))
        data = upgrade(data)
        exercises = tuple(
            ExerciseResult(id=e["id"], title=e["title"], checks=tuple(_check(c) for c in e["checks"]))
            for e in data["exercises"]
        )
        execution = data.get("execution") or {}
        return cls(
            submission=_build(SubmissionInfo, data["submission"]),
            pack=data["pack"],
            grader_version=data["grader_version"],
            torch_version=data["torch_version"],
            seed=data["seed"],
            devices=tuple(_build(DeviceInfo, d) for d in data["devices"]),
            exercises=exercises,
            started=data["started"],
            finished=data["finished"],
            answers=tuple(_build(FreeTextAnswer, a) for a in data.get("answers", ())),
            execution=ExecutionInfo(
                cells=execution.get("cells", 0),
                cell_errors=tuple(_build(CellError, c) for c in execution.get("cell_errors", ())),
                kernel_restarts=execution.get("kernel_restarts", 0),
                duration=execution.get("duration", 0.0),
            ),
            error=data.get("error"),
            feedback=data.get("feedback", "full"),
        )

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        return cls.from_dict(json.loads(text))

    @classmethod
    def read(cls, path: str | Path) -> SubmissionResult:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _check(data: Mapping[str, Any]) -> CheckResult:
    """A check from JSON: lists become tuples again so a round trip compares equal."""
    check: CheckResult = _build(CheckResult, data)
    return replace(check, status=as_status(check.status), exhibits=tuple(check.exhibits or ()))


def _build(cls: type[Any], data: Mapping[str, Any]) -> Any:
    """Construct a flat dataclass from a mapping, ignoring keys a newer minor writer added."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
