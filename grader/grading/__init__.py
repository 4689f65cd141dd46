"""Grading one submission: ``grade(submission, options) -> SubmissionResult``, the one entry point
every front end calls. Stateless, so a pool or a cluster can call it for many submissions."""

from __future__ import annotations

from grader.grading.pipeline import GradeOptions, grade

__all__ = ["GradeOptions", "grade"]
