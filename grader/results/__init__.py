"""The result model: immutable, typed, versioned data, and the contract between grading and
everything downstream (reports, gradebook, exports, CI outputs).

``model`` holds the records (a submission, its exercises and checks), ``payloads`` what a check
shows besides its verdict, ``versions`` the versions read and written and the JSON Schema of the
current one (``json_schema()``), ``feedback`` what a student may see of a result (``redact``).
"""

from __future__ import annotations

from grader.results.feedback import FEEDBACK, Feedback, as_feedback, redact
from grader.results.model import (
    NOT_PASSING,
    STATUS_LABELS,
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
    "FEEDBACK",
    "NOT_PASSING",
    "SCHEMA",
    "STATUSES",
    "STATUS_LABELS",
    "Answer",
    "CellError",
    "CheckResult",
    "Described",
    "DeviceInfo",
    "ExecutionInfo",
    "ExerciseResult",
    "Exhibit",
    "Feedback",
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
    "as_feedback",
    "as_mapping",
    "as_status",
    "as_tensor",
    "json_schema",
    "kind_of",
    "redact",
    "tagged",
]
