"""Grading a whole class: finding its submissions (LMS layouts, validated archives, the roster).

The intake's public surface is :func:`find_submissions`, which turns an instructor's sources into a
:class:`Found`: one :class:`Located` submission per student, the roster's students with none, and
every file or archive member that is not a submission or was refused, each with a one-line reason.
"""

from __future__ import annotations

from grader.batch.roster import Roster, read_roster
from grader.batch.sources import Found, Located, find_submissions

__all__ = ["Found", "Located", "Roster", "find_submissions", "read_roster"]
