"""A submission, loaded: validated, sanitized, split into the code cells that will run."""

from __future__ import annotations

from grader.submission.cells import CodeCell, PercentCell, Submission, split_percent, top_level_names
from grader.submission.loading import MAX_SUBMISSION_BYTES, load_submission

__all__ = [
    "MAX_SUBMISSION_BYTES",
    "CodeCell",
    "PercentCell",
    "Submission",
    "load_submission",
    "split_percent",
    "top_level_names",
]
