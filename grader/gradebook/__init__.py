"""The class's gradebook: an SQLite file a batch writes one submission at a time, and the exports
and the class dashboard read back as ``ClassEntry`` rows.

``store`` holds the ``Gradebook`` (open, record, resume keys, entries), ``reading`` which
submission counts for each student, ``schema`` the versioned tables and their migrations,
``messages`` every sentence it says.
"""

from __future__ import annotations

from grader.gradebook.schema import SCHEMA_VERSION, GradebookError
from grader.gradebook.store import (
    DEFAULT_TIMEOUT,
    Gradebook,
    HandIn,
    RecordStatus,
    ResumeKey,
    installed_grader_version,
    resume_key,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "SCHEMA_VERSION",
    "Gradebook",
    "GradebookError",
    "HandIn",
    "RecordStatus",
    "ResumeKey",
    "installed_grader_version",
    "resume_key",
]
