"""``grade()``: one submission in, one ``SubmissionResult`` out. Every front end calls this.

It holds no global state, so a process pool or a cluster can call it for many submissions at once.
The kernel starts (and runs the student's cells) while this process imports torch and the checks:
the two start-up costs overlap instead of adding up.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType

from grader import messages
from grader.catalog.model import Pack
from grader.catalog.registry import load_pack
from grader.checking.devices import points_policy
from grader.checking.loading import load_checks
from grader.errors import (
    KernelDied,
    SubmissionError,
)
from grader.execution.runner import Runner
from grader.grading.session import Session
from grader.options import GradeOptions
from grader.results.model import (
    CheckResult,
    DeviceInfo,
    ExecutionInfo,
    ExerciseResult,
    FreeTextAnswer,
    SubmissionInfo,
    SubmissionKind,
    SubmissionResult,
)
from grader.submission import load_submission

__all__ = ["GradeOptions", "grade", "points_policy"]


def grade(
    submission: str | Path,
    *,
    options: GradeOptions | None = None,
    pack: Pack | str | None = None,
    runner: Callable[[GradeOptions], Runner] | None = None,
    submission_id: str | None = None,
) -> SubmissionResult:
    """Grade one submission against an exercise pack and return its result.

    ``submission_id`` (a student, an attempt: whatever the caller's gradebook keys on) is carried
    in the result as ``submission.id``, untouched.

    Unusable input (unreadable notebook, syntax error in a module) is not raised: it comes back as
    a result whose ``error`` says what to do and whose checks are all ``error``. ``UsageError``
    (unknown pack, ``--device cuda`` without CUDA) is raised, since no result makes sense then.
    """
    options = options or GradeOptions()
    pack = pack if isinstance(pack, Pack) else load_pack(pack)
    # --device cuda without CUDA is said now, not after running the whole notebook; otherwise the
    # plan (which imports torch) is made while the kernel starts.
    early = _plan(options) if options.device == "cuda" else None
    started = timestamp()
    try:
        loaded = load_submission(submission)
    except SubmissionError as exc:
        return _unusable(Path(submission), submission_id, pack, options, started, exc.message)
    make_runner = runner or _kernel_runner
    active = make_runner(options)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            execution = pool.submit(active.start, loaded)
            checks, devices = grader_side(pack, options, early)
            try:
                execution.result()
            except (SubmissionError, KernelDied) as exc:  # no kernel, or no probe in it
                return _unusable(loaded.path, submission_id, pack, options, started, exc.message)
        session = Session(loaded, active, checks, devices, options, pack.needed_names)
        exercises, answers = session.grade(pack)
        info = active.execution()
    finally:
        active.close()
    return make_result(submission_info(loaded.path, submission_id, loaded.sha256, loaded.kind), pack,
                       options, started, devices, exercises, answers=answers, execution=info)


def _kernel_runner(options: GradeOptions) -> Runner:
    from grader.execution.kernel import KernelRunner

    return KernelRunner(cell_timeout=options.cell_timeout,
                        submission_timeout=options.submission_timeout)


def _plan(options: GradeOptions) -> tuple[DeviceInfo, ...]:
    from grader.checking.devices import plan_devices

    return plan_devices(options.device, count_cuda=options.count_cuda)


def grader_side(
    pack: Pack, options: GradeOptions, devices: tuple[DeviceInfo, ...] | None
) -> tuple[ModuleType, tuple[DeviceInfo, ...]]:
    """What the grader needs of its own (torch, the checks): loaded while the kernel runs.

    Public so that ``grader.grading.live`` (the student's self-check) loads them the same way.
    """
    return load_checks(pack), devices or _plan(options)


def _unusable(
    path: Path, submission_id: str | None, pack: Pack, options: GradeOptions, started: str,
    message: str,
) -> SubmissionResult:
    """A result for a submission that could not run: every check an error with one message."""
    devices = (DeviceInfo("cpu", True, True), DeviceInfo("meta", True, True))
    exercises = tuple(
        ExerciseResult(
            id=exercise.id,
            title=exercise.title,
            checks=tuple(
                CheckResult(
                    id=check.id, title=check.title, exercise=exercise.id, device=device,
                    status="error", points=0.0,
                    max_points=points_policy(check, device, count_cuda=options.count_cuda)[1],
                    message=messages.NOT_GRADED.format(reason=message),
                    counts=points_policy(check, device, count_cuda=options.count_cuda)[0],
                    hidden=check.hidden, bonus=check.bonus,
                )
                for check in exercise.checks
                for device in check.devices
            ),
        )
        for exercise in pack.exercises
    )
    return make_result(submission_info(path, submission_id, _sha256(path), _kind(path)), pack, options,
                       started, devices, exercises, error=message)


def make_result(
    submission: SubmissionInfo,
    pack: Pack,
    options: GradeOptions,
    started: str,
    devices: tuple[DeviceInfo, ...],
    exercises: tuple[ExerciseResult, ...],
    *,
    answers: tuple[FreeTextAnswer, ...] = (),
    execution: ExecutionInfo | None = None,
    error: str | None = None,
) -> SubmissionResult:
    """The result of one grading run, with the versions and the time it finished."""
    return SubmissionResult(
        submission=submission, pack=pack.id, grader_version=_version("conv-grader"),
        torch_version=_version("torch"), seed=options.seed, devices=devices, exercises=exercises,
        started=started, finished=timestamp(), answers=answers, execution=execution or ExecutionInfo(),
        error=error,
    )


def submission_info(path: Path, submission_id: str | None, sha256: str, kind: SubmissionKind
                    ) -> SubmissionInfo:
    """What the result says of the submission graded."""
    return SubmissionInfo(path=str(path), name=path.name, sha256=sha256, kind=kind, id=submission_id)


def _sha256(path: Path) -> str:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _kind(path: Path) -> SubmissionKind:
    kinds: dict[str, SubmissionKind] = {".ipynb": "notebook", ".py": "module"}
    return kinds.get(path.suffix, "unknown")


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def timestamp() -> str:
    """Now, as the result writes its start and end times."""
    return datetime.now(UTC).isoformat(timespec="seconds")
