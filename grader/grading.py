"""``grade()``: one submission in, one ``SubmissionResult`` out. Every front end calls this.

It holds no global state, so a process pool or a cluster can call it for many submissions at once.
The kernel starts (and runs the student's cells) while this process imports torch and the reference
solution: the two start-up costs overlap instead of adding up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType

from grader import messages
from grader.context import CheckContext
from grader.errors import (
    CheckFailed,
    GraderError,
    KernelDied,
    StudentCodeError,
    SubmissionError,
)
from grader.exercise import Check, Exercise, Pack, check_function
from grader.registry import load_checks, load_pack, load_reference
from grader.results import (
    CheckResult,
    DeviceInfo,
    ExecutionInfo,
    ExerciseResult,
    FreeTextAnswer,
    SubmissionInfo,
    SubmissionResult,
)
from grader.runner import Runner
from grader.submission import Submission, load_submission

#: A backstop: each function is called no more after it hangs or kills the kernel (quarantine),
#: so this many replacements means something is badly wrong; stop calling into the kernel.
MAX_KERNEL_DEATHS = 10
WARM_UP_TIMEOUT = 120.0


@dataclass(frozen=True)
class GradeOptions:
    """How to grade: devices, seed, time limits and the points policy."""

    device: str = "auto"
    seed: int = 0
    cell_timeout: float = 60.0
    call_timeout: float = 10.0
    count_cuda: bool = False
    max_result_bytes: int = 16 * 2**20


def grade(
    submission: str | Path,
    *,
    options: GradeOptions | None = None,
    pack: Pack | str | None = None,
    runner: Callable[[GradeOptions], Runner] | None = None,
) -> SubmissionResult:
    """Grade one submission against an exercise pack and return its result.

    Unusable input (unreadable notebook, syntax error in a module) is not raised: it comes back as
    a result whose ``error`` says what to do and whose checks are all ``error``. ``UsageError``
    (unknown pack, ``--device cuda`` without CUDA) is raised, since no result makes sense then.
    """
    options = options or GradeOptions()
    pack = pack if isinstance(pack, Pack) else load_pack(pack)
    if options.device == "cuda":  # say it now, not after running the whole notebook
        from grader.devices import plan_devices

        plan_devices(options.device, count_cuda=options.count_cuda)
    started = _now()
    try:
        loaded = load_submission(submission)
    except SubmissionError as exc:
        return _unusable(Path(submission), pack, options, started, exc.message)
    make_runner = runner or _kernel_runner
    active = make_runner(options)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            execution = pool.submit(active.start, loaded)
            reference, checks, devices = _grader_side(pack, options)
            try:
                execution.result()
            except (SubmissionError, KernelDied) as exc:  # no kernel, or no probe in it
                return _unusable(loaded.path, pack, options, started, exc.message)
        session = _Session(loaded, active, checks, reference, devices, options, pack.needed_names)
        exercises = tuple(session.grade_exercise(exercise) for exercise in pack.exercises)
        answers = _free_text(pack, session)
        info = active.execution()
    finally:
        active.close()
    return _result(_info(loaded.path, loaded.sha256, loaded.kind), pack, options, started,
                   devices, exercises, answers=answers, execution=info)


def _kernel_runner(options: GradeOptions) -> Runner:
    from grader.kernel import KernelRunner

    return KernelRunner(cell_timeout=options.cell_timeout)


def points_policy(check: Check, device: str, *, count_cuda: bool) -> tuple[bool, float]:
    """Whether a device variant counts, and its share of the check's points.

    By default only the variants that run on every machine (cpu, meta) count, so a score does not
    depend on the grading machine; ``count_cuda`` splits the points over the CUDA variant too.
    """
    counting = [d for d in check.devices if d != "cuda" or count_cuda]
    if device not in counting:
        return False, 0.0
    return True, check.points / len(counting)


def _grader_side(
    pack: Pack, options: GradeOptions
) -> tuple[ModuleType, ModuleType, tuple[DeviceInfo, ...]]:
    """What the grader needs of its own (torch, reference, checks): loaded while the kernel runs."""
    from grader.devices import plan_devices

    devices = plan_devices(options.device, count_cuda=options.count_cuda)
    return load_reference(pack), load_checks(pack), devices


class _Session:
    """What every check of one submission shares: the kernel, the loaded checks and reference,
    the devices, the names found missing and the functions quarantined after hanging."""

    def __init__(
        self,
        submission: Submission,
        runner: Runner,
        checks: ModuleType,
        reference: ModuleType,
        devices: tuple[DeviceInfo, ...],
        options: GradeOptions,
        needed: tuple[str, ...],
    ) -> None:
        self.submission, self.runner, self.checks = submission, runner, checks
        self.reference, self.devices, self.options = reference, devices, options
        self.quarantine: dict[str, StudentCodeError] = {}
        ctx = self.context("cpu")
        try:
            ctx.warm_up([d.name for d in devices if d.available and d.name != "cpu"], WARM_UP_TIMEOUT)
            self.missing = {n for n, kind in ctx.kinds(needed).items() if kind == "missing"}
        except StudentCodeError:  # a broken kernel: each check will say so itself
            self.missing = set()

    def context(self, device: str) -> CheckContext:
        return CheckContext(
            runner=self.runner, submission=self.submission, reference=self.reference, device=device,
            seed=self.options.seed, call_timeout=self.options.call_timeout,
            max_result_bytes=self.options.max_result_bytes, quarantine=self.quarantine,
        )

    def grade_exercise(self, exercise: Exercise) -> ExerciseResult:
        by_name = {d.name: d for d in self.devices}
        results = tuple(
            self.run_check(exercise, check, by_name[device])
            for check in exercise.checks
            for device in check.devices
        )
        return ExerciseResult(id=exercise.id, title=exercise.title, checks=results)

    def run_check(self, exercise: Exercise, check: Check, device: DeviceInfo) -> CheckResult:
        counts, max_points = points_policy(check, device.name, count_cuda=self.options.count_cuda)
        started = time.perf_counter()

        def result(status: str, message: str = "", **details: object) -> CheckResult:
            return CheckResult(
                id=check.id, title=check.title, exercise=exercise.id, device=device.name,
                status=status,  # type: ignore[arg-type]
                points=max_points if status == "passed" else 0.0, max_points=max_points,
                message=message, counts=counts, hidden=check.hidden,
                duration=round(time.perf_counter() - started, 4), **details,  # type: ignore[arg-type]
            )

        if not device.available:
            return result("skipped", device.reason or "")
        if self.runner.execution().kernel_restarts >= MAX_KERNEL_DEATHS:
            return result("error", messages.GAVE_UP.format(count=MAX_KERNEL_DEATHS))
        ctx = self.context(device.name)
        try:
            for name in check.needs:
                if name in self.missing:
                    raise ctx.missing_error(name)
            check_function(self.checks, check)(ctx)
        except CheckFailed as failed:
            return result(
                "failed", failed.message, hint=failed.hint, input=failed.input,
                expected=failed.expected, actual=failed.actual, mismatch=failed.mismatch,
            )
        except StudentCodeError as exc:
            hint = exc.hint or (messages.HINT_TIMEOUT if exc.status == "timeout" else None)
            location = self.submission.where(exc.cell, exc.line) if exc.cell is not None else ""
            return result(exc.status, exc.message, hint=hint, traceback=exc.traceback,
                          cell=exc.cell, line=exc.line, location=location)
        except GraderError as exc:  # a malformed exercise definition or our own bug
            return result("error", exc.message, hint=exc.hint, internal=True)
        except Exception as exc:  # a bug in a check or in the grader: ours, never the student's
            detail = f"{type(exc).__name__}: {exc}"
            return result("error", messages.INTERNAL.format(detail=detail), internal=True)
        return result("passed")


def _free_text(pack: Pack, session: _Session) -> tuple[FreeTextAnswer, ...]:
    """Collect the 'why' answers for a human reader; a missing or odd value becomes None."""
    ctx = session.context("cpu")
    answers = []
    for exercise in pack.exercises:
        for question in exercise.free_text:
            try:
                value = ctx.get(question.id)
            except StudentCodeError:
                value = None
            text = value.strip() if isinstance(value, str) and value.strip() else None
            answers.append(FreeTextAnswer(question.id, exercise.id, question.prompt, text))
    return tuple(answers)


def _unusable(
    path: Path, pack: Pack, options: GradeOptions, started: str, message: str
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
                    hidden=check.hidden,
                )
                for check in exercise.checks
                for device in check.devices
            ),
        )
        for exercise in pack.exercises
    )
    return _result(_info(path, _sha256(path), _kind(path)), pack, options, started, devices,
                   exercises, error=message)


def _result(
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
    return SubmissionResult(
        submission=submission, pack=pack.id, grader_version=_version("conv-grader"),
        torch_version=_version("torch"), seed=options.seed, devices=devices, exercises=exercises,
        started=started, finished=_now(), answers=answers, execution=execution or ExecutionInfo(),
        error=error,
    )


def _info(path: Path, sha256: str, kind: str) -> SubmissionInfo:
    return SubmissionInfo(path=str(path), name=path.name, sha256=sha256, kind=kind)  # type: ignore[arg-type]


def _sha256(path: Path) -> str:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _kind(path: Path) -> str:
    return {".ipynb": "notebook", ".py": "module"}.get(path.suffix, "unknown")


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
