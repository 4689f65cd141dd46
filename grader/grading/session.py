"""Grading one submission's checks: what they share, and how each one's verdict is reached.

A ``Session`` holds the kernel, the loaded checks, the devices, the names found
missing (asked once, so a missing function is named without being called) and the functions
quarantined after they hung or killed the kernel (so one hang cannot cost every other exercise).

A check that ``requires`` others (``Check.requires``) is run like any other, and then settled
against them: passed while one of them (on the device it is judged on) did not pass, it is
``failed`` with 0 points and a message naming what to fix first. Failed, not skipped: it ran, the
student has not earned it, and skipped means "not run here" (and, where CUDA counts, an incomplete
score). A check that failed on its own keeps its own message, which says more.
"""

from __future__ import annotations

import dataclasses
import time
from types import ModuleType
from typing import Any

from grader import messages
from grader.catalog.model import Check, Exercise, Pack
from grader.checking.context import CheckContext
from grader.checking.devices import points_policy
from grader.checking.loading import check_function
from grader.errors import CheckFailed, GraderError, StudentCodeError
from grader.execution.runner import MAX_KERNEL_RESTARTS, Runner
from grader.options import GradeOptions
from grader.results.model import (
    CheckResult,
    DeviceInfo,
    ExerciseResult,
    FreeTextAnswer,
    Status,
    as_status,
)
from grader.submission import Submission

WARM_UP_TIMEOUT = 120.0


class Session:
    """What every check of one submission shares: the kernel, the loaded checks, the devices,
    the names found missing and the functions quarantined after hanging."""

    def __init__(
        self,
        submission: Submission,
        runner: Runner,
        checks: ModuleType,
        devices: tuple[DeviceInfo, ...],
        options: GradeOptions,
        needed: tuple[str, ...],
    ) -> None:
        self.submission, self.runner, self.checks = submission, runner, checks
        self.devices, self.options = devices, options
        self.quarantine: dict[str, StudentCodeError] = {}
        ctx = self.context("cpu")
        try:
            ctx.warm_up([d.name for d in devices if d.available and d.name != "cpu"], WARM_UP_TIMEOUT)
            self.missing = {n for n, kind in ctx.kinds(needed).items() if kind == "missing"}
        except StudentCodeError:  # a broken kernel: each check will say so itself
            self.missing = set()

    def context(self, device: str) -> CheckContext:
        return CheckContext(
            channel=self.runner, submission=self.submission, device=device,
            seed=self.options.seed, call_timeout=self.options.call_timeout,
            max_result_bytes=self.options.max_result_bytes, quarantine=self.quarantine,
        )

    def grade(self, pack: Pack) -> tuple[tuple[ExerciseResult, ...], tuple[FreeTextAnswer, ...]]:
        """Every exercise of ``pack``, in order, and the free-text answers it collects."""
        return tuple(self.grade_exercise(exercise) for exercise in pack.exercises), self.free_text(pack)

    def grade_exercise(self, exercise: Exercise) -> ExerciseResult:
        by_name = {d.name: d for d in self.devices}
        results: dict[tuple[str, str], CheckResult] = {
            (check.id, device): self.run_check(exercise, check, by_name[device])
            for check in exercise.checks
            for device in check.devices
        }
        settled = tuple(
            settle(exercise, check, device, results)
            for check in exercise.checks
            for device in check.devices
        )
        return ExerciseResult(id=exercise.id, title=exercise.title, checks=settled)

    def run_check(self, exercise: Exercise, check: Check, device: DeviceInfo) -> CheckResult:
        counts, max_points = points_policy(check, device.name, count_cuda=self.options.count_cuda)
        started = time.perf_counter()
        ctx = self.context(device.name)

        def result(status: Status, message: str = "", failed: CheckFailed | None = None,
                   **fields: Any) -> CheckResult:
            # What the check showed (exhibits, a structured answer, figures) is kept, pass or fail.
            return CheckResult(
                id=check.id, title=check.title, exercise=exercise.id, device=device.name,
                status=status, points=max_points if status == "passed" else 0.0,
                max_points=max_points, message=message, counts=counts, hidden=check.hidden,
                bonus=check.bonus, duration=round(time.perf_counter() - started, 4),
                **ctx.evidence.payloads(failed), **fields,
            )

        if not device.available:
            return result("skipped", device.reason or "")
        # A backstop for any runner: each function is called no more after it hangs or kills the
        # kernel (quarantine), so this many replacements means something is badly wrong.
        if self.runner.execution().kernel_restarts >= MAX_KERNEL_RESTARTS:
            return result("error", messages.GAVE_UP.format(count=MAX_KERNEL_RESTARTS))
        try:
            for name in check.needs:
                if name in self.missing:
                    raise ctx.missing_error(name)
            check_function(self.checks, check)(ctx)
        except CheckFailed as failed:
            return result("failed", failed.message, failed, hint=failed.hint)
        except StudentCodeError as exc:
            hint = exc.hint or (messages.HINT_TIMEOUT if exc.status == "timeout" else None)
            location = self.submission.where(exc.cell, exc.line) if exc.cell is not None else ""
            if location and exc.function:
                location = messages.IN_FUNCTION.format(where=location, function=exc.function)
            return result(as_status(exc.status), exc.message, hint=hint, traceback=exc.traceback,
                          cell=exc.cell, line=exc.line, location=location)
        except GraderError as exc:  # a malformed exercise definition or our own bug
            return result("error", exc.message, hint=exc.hint, internal=True)
        except Exception as exc:  # a bug in a check or in the grader: ours, never the student's
            detail = f"{type(exc).__name__}: {exc}"
            return result("error", messages.INTERNAL.format(detail=detail), internal=True)
        return result("passed")

    def free_text(self, pack: Pack) -> tuple[FreeTextAnswer, ...]:
        """Collect the 'why' answers for a human reader; a missing or odd value becomes None."""
        ctx = self.context("cpu")
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


def settle(exercise: Exercise, check: Check, device: str,
           results: dict[tuple[str, str], CheckResult]) -> CheckResult:
    """``check``'s result on ``device``, scoring 0 if it passed beside a requirement that did not.

    Requirements are judged on their own verdicts, followed through (what a requirement requires
    counts too), so the message names the checks that failed, not the ones they held back.
    """
    result = results[(check.id, device)]
    if result.status != "passed":
        return result
    unmet = [(required, on) for required, on in exercise.requirements(check, device)
             if results[(required.id, on)].status != "passed"]
    if not unmet:
        return result
    named = messages.REQUIRED_JOIN.join(
        messages.REQUIRED_CHECK.format(id=required.id, title=required.title,
                                       device="" if on == device else f"[{on}]")
        for required, on in unmet)
    return dataclasses.replace(result, status="failed", points=0.0, hint=None,
                               message=messages.REQUIRES_NOT_PASSED.format(required=named))
