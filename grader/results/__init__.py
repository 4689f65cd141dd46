"""The result model: immutable, typed, versioned data, and the contract between grading and
everything downstream (reports, gradebook, exports, CI outputs).

``model`` holds the records (a submission, its exercises and checks), ``payloads`` what a check
shows besides its verdict, ``versions`` the versions read and written and the JSON Schema of the
current one (``json_schema()``).
"""

from __future__ import annotations

from grader.results.model import (
    STATUSES,
    CellError,
    CheckResult,
    DeviceInfo,
    ExecutionInfo,
    ExerciseResult,
    FreeTextAnswer,
    Status,
    SubmissionInfo,
    SubmissionKind,
    SubmissionResult,
    as_status,
)
from grader.results.payloads import (
    Answer,
    Described,
    Exhibit,
    Kind,
    MappingDescription,
    Mismatch,
    PropertyDescription,
    TensorDescription,
    as_mapping,
    as_tensor,
    kind_of,
    tagged,
)
from grader.results.versions import SCHEMA, json_schema

__all__ = [
    "SCHEMA",
    "STATUSES",
    "Answer",
    "CellError",
    "CheckResult",
    "Described",
    "DeviceInfo",
    "ExecutionInfo",
    "ExerciseResult",
    "Exhibit",
    "FreeTextAnswer",
    "Kind",
    "MappingDescription",
    "Mismatch",
    "PropertyDescription",
    "Status",
    "SubmissionInfo",
    "SubmissionKind",
    "SubmissionResult",
    "TensorDescription",
    "as_mapping",
    "as_status",
    "as_tensor",
    "json_schema",
    "kind_of",
    "tagged",
]
