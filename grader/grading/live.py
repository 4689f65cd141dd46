"""Checking questions against a namespace that is already running: the student's self-check.

``check_namespace(namespace, ["corr2d"])`` runs the pack's own checks (the functions ``grade()``
runs, through the same ``Session``) against the functions a student's kernel has defined, and only
for the questions asked. The calls go through ``NamespaceRunner``, in this process: it is the
student's own kernel checking itself, trusted as such, and never an official grade (see
``grader.execution.namespace``). The checks module is imported once per process, so a second
check pays only for the checks themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from grader.catalog.model import Exercise, Pack
from grader.catalog.registry import load_pack
from grader.errors import UsageError
from grader.execution.namespace import NamespaceRunner
from grader.grading.pipeline import grader_side, make_result, submission_info, timestamp
from grader.grading.session import Session
from grader.options import GradeOptions
from grader.results.model import SubmissionResult
from grader.submission import Submission

#: An id that is not a question of the pack: said in one line, with the ids there are.
UNKNOWN_QUESTION = "{given} is not a question of the {pack} exercises; the questions are: {ids}"
#: The submission checked when the caller knows nothing of the namespace's cells.
NO_CELLS = Submission(Path("namespace"), sha256="", kind="notebook", cells=())


def check_namespace(
    namespace: Mapping[str, Any],
    exercise_ids: Iterable[str] | None = None,
    options: GradeOptions | None = None,
    pack: Pack | str | None = None,
    *,
    submission: Submission = NO_CELLS,
) -> SubmissionResult:
    """Grade the questions ``exercise_ids`` (every one when None) against ``namespace``.

    The result holds those questions only, so its points are theirs. ``submission`` holds the
    cells the namespace ran, when known: the student's errors are then placed in them, and an
    unfilled slot is told from other ``NotImplementedError``s, as ``grade()`` does. An id that is
    not a question of the pack raises ``UsageError`` naming the ones that are.
    """
    options = options or GradeOptions()
    pack = pack if isinstance(pack, Pack) else load_pack(pack)
    part = dataclasses.replace(pack, exercises=questions(pack, exercise_ids))
    started = timestamp()
    runner = NamespaceRunner(namespace)
    try:
        runner.start(submission)
        checks, devices = grader_side(part, options, None)
        session = Session(submission, runner, checks, devices, options, part.needed_names)
        exercises, answers = session.grade(part)
        info = runner.execution()
    finally:
        runner.close()
    return make_result(submission_info(submission.path, None, submission.sha256, submission.kind),
                       part, options, started, devices, exercises, answers=answers, execution=info)


def questions(pack: Pack, exercise_ids: Iterable[str] | None) -> tuple[Exercise, ...]:
    """The pack's exercises with these ids, in the pack's order (all of them for None)."""
    if exercise_ids is None:
        return pack.exercises
    wanted = list(exercise_ids)
    known = {exercise.id for exercise in pack.exercises}
    for given in wanted:
        if given not in known:
            raise UsageError(UNKNOWN_QUESTION.format(
                given=repr(given), pack=pack.id, ids=", ".join(e.id for e in pack.exercises)))
    return tuple(exercise for exercise in pack.exercises if exercise.id in wanted)
