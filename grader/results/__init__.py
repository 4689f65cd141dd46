"""The result model: immutable, typed, versioned data, and the contract between grading and
everything downstream (reports, gradebook, exports, CI outputs)."""

from __future__ import annotations

from grader.results.model import (
    SCHEMA,
    STATUSES,
    CellError,
    CheckResult,
    DeviceInfo,
    ExecutionInfo,
    ExerciseResult,
    FreeTextAnswer,
    Status,
    SubmissionInfo,
    SubmissionResult,
)

__all__ = [
    "SCHEMA",
    "STATUSES",
    "CellError",
    "CheckResult",
    "DeviceInfo",
    "ExecutionInfo",
    "ExerciseResult",
    "FreeTextAnswer",
    "Status",
    "SubmissionInfo",
    "SubmissionResult",
]
