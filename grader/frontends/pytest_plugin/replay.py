"""``--grade-from RESULT.json``: saved results stand in for grading, each for the file it graded.

A result is the verdict on certain bytes, so it is matched to a submission by sha256, whatever the
file is called now: a copy under another name is the same work, and an edited file is not. The
option repeats, for a CI job that grades a class in one step and reports it in another: each
submission takes the result of its own bytes, and a result that no submission has is left unused
(one can replay a few students out of a class's results). A submission that no result is of is
refused, before anything runs: reporting another file's verdicts under its name, or grading it
when a replay was asked for, would both be wrong without a word. With one result, the refusal
names the file that result is of, or says the submission has changed since.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Mapping
from pathlib import Path

import pytest

from grader.frontends import messages as say
from grader.frontends.pytest_plugin import messages
from grader.results.model import SubmissionResult


def replayed(saved: list[str], submissions: Mapping[Path, str], base: Path) -> dict[Path, SubmissionResult]:
    """The saved result of each submission (resolved path -> shown name), or ``pytest.UsageError``."""
    results = {name: _read(name, base) for name in saved}
    of_bytes: dict[str, SubmissionResult] = {}
    for result in results.values():
        of_bytes.setdefault(result.submission.sha256, result)
    chosen: dict[Path, SubmissionResult] = {}
    for path, shown in submissions.items():
        actual = _sha256(path, shown)
        if actual not in of_bytes:
            raise pytest.UsageError(_refusal(results, shown, path, actual))
        chosen[path] = of_bytes[actual]
    return chosen


def _read(name: str, base: Path) -> SubmissionResult:
    try:
        return SubmissionResult.read(Path(base, name))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise pytest.UsageError(say.CANNOT_READ_RESULT.format(path=name, reason=exc)) from exc


def _sha256(path: Path, shown: str) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise pytest.UsageError(messages.SUBMISSION_UNREADABLE.format(
            path=shown, reason=exc.strerror or exc)) from None


def _refusal(results: Mapping[str, SubmissionResult], shown: str, path: Path, actual: str) -> str:
    """Why no result given is of this submission, and the command that saves one."""
    digits = messages.SHA256_SHOWN
    if len(results) != 1:
        command = messages.REGRADE_COMMAND.format(submission=shlex.quote(shown),
                                                  result=shlex.quote(f"{path.stem}.json"))
        return messages.GRADE_FROM_NONE_OF_IT.format(
            submission=shown, actual=actual[:digits], count=len(results), command=command)
    ((saved, result),) = results.items()
    graded = result.submission.name or result.submission.path
    refusal = messages.GRADE_FROM_CHANGED if graded == path.name else messages.GRADE_FROM_OTHER_FILE
    command = messages.REGRADE_COMMAND.format(submission=shlex.quote(shown), result=shlex.quote(saved))
    return refusal.format(
        result=saved, submission=shown, graded=graded, command=command,
        saved=result.submission.sha256[:digits] or messages.UNKNOWN_SHA256, actual=actual[:digits])
