"""Grading many submissions side by side, each in its own fresh kernel, handing each result over
the moment it is ready.

Threads, not processes: each grading's heavy work runs in its kernel, a process of its own behind
the launcher seam, and the grader's side of a check is short. The caller's ``on_graded`` runs in the
calling thread only, so a gradebook with one SQLite connection is written by one thread, one
submission per commit. Every submission is bounded by the options' wall-clock budget
(``submission_timeout``) on top of its cell and call timeouts, so one cannot stall the class.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

from grader import messages
from grader.catalog.model import Pack
from grader.execution.cleanup import kernels_stopped, kill_own_kernels
from grader.grading import GradeOptions, grade
from grader.results.model import SubmissionResult

Item = TypeVar("Item")
#: What grading made of a submission (``grader.results.cohort.EntryStatus`` less "missing", which
#: only the roster can say).
OutcomeStatus = Literal["graded", "unusable", "timeout"]

#: Thread counts a kernel inherits (``grader.execution.environment.INHERITED``): one each when
#: kernels run side by side, or N kernels of 2 threads each fight over 2 cores.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
#: How a result's error begins when the time budget ran out while the cells ran.
_BUDGET_IN_CELLS = messages.BUDGET_SPENT_IN_CELLS.split("{", 1)[0]


@dataclass(frozen=True)
class Outcome(Generic[Item]):
    """What became of one submission: its result (None only if grading itself broke), how the
    class sees it, how long it took, and why it could not be graded when it could not."""

    item: Item
    result: SubmissionResult | None
    status: OutcomeStatus
    duration: float
    reason: str = ""


def default_jobs() -> int:
    """As many kernels as the machine has cores for this process."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def one_thread_per_kernel(jobs: int) -> None:
    """Keep each kernel to one thread when several run at once, unless the caller chose a count."""
    if jobs > 1:
        for name in THREAD_VARIABLES:
            os.environ.setdefault(name, "1")


def status_of(result: SubmissionResult) -> tuple[OutcomeStatus, str]:
    """How the class sees a result: unusable when it could not be graded at all, timed out when
    its time budget ran out, graded otherwise (whatever its score)."""
    if result.error is not None:
        # The budget spent in the cells (a hanging top-level cell) is the submission's own time
        # running out, not a file that cannot be graded.
        if result.error.startswith(_BUDGET_IN_CELLS):
            return "timeout", result.error
        return "unusable", result.error
    spent = next((c for c in result.checks if c.hint == messages.HINT_BUDGET), None)
    if spent is not None:
        return "timeout", spent.message
    return "graded", ""


def grade_all(
    items: Sequence[Item],
    path_of: Callable[[Item], Path],
    options: GradeOptions,
    on_graded: Callable[[Outcome[Item]], None],
    *,
    jobs: int = 1,
    pack: Pack | None = None,
    grade_one: Callable[[Path, GradeOptions], SubmissionResult] | None = None,
) -> None:
    """Grade every item's submission, ``jobs`` at a time, calling ``on_graded`` in this thread as
    each finishes (in the order they finish), against ``pack`` (the only one installed by default).

    A KeyboardInterrupt stops at once: no submission starts, the kernels in flight are killed and
    what they were grading is dropped (it says nothing of the student's code, and a resumed batch
    grades it again), what had finished is handed over, then the interrupt is raised again.
    ``grade_one`` stands in for ``grader.grading.grade`` in tests.
    """
    run = grade_one or (lambda path, opts: grade(path, options=opts, pack=pack))
    one_thread_per_kernel(jobs)
    gate = _Gate()

    def task(item: Item) -> Outcome[Item] | None:
        if not gate.enter():
            return None  # the batch is stopping: this one never starts
        started = time.monotonic()
        try:
            result = run(path_of(item), options)
        except Exception as exc:  # a bug of ours: that submission is reported, the class goes on
            detail = messages.INTERNAL.format(detail=f"{type(exc).__name__}: {exc}")
            return Outcome(item, None, "unusable", time.monotonic() - started, detail)
        finally:
            gate.leave()
        status, reason = status_of(result)
        return Outcome(item, result, status, time.monotonic() - started, reason)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="grade")
    pending: set[Future[Outcome[Item] | None]] = set()
    finished: list[Future[Outcome[Item] | None]] = []  # done, not handed over yet
    queue = list(reversed(items))
    try:
        while queue or pending:
            while queue and len(pending) < max(1, jobs):
                pending.add(pool.submit(task, queue.pop()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            finished.extend(done)
            while finished:
                _hand_over(finished.pop(0), on_graded)
    except KeyboardInterrupt:
        finished.extend(future for future in pending if future.done())
        with kernels_stopped():
            gate.close()  # a submitted one not yet in ``pending`` included
        pool.shutdown(wait=False, cancel_futures=True)  # its threads are idle now
        for future in finished:
            _hand_over(future, on_graded)
        raise
    pool.shutdown(wait=True)


def _hand_over(future: Future[Outcome[Item] | None], on_graded: Callable[[Outcome[Item]], None]) -> None:
    outcome = future.result()
    if outcome is not None:
        on_graded(outcome)


class _Gate:
    """Which gradings run, so that a stop can wait for exactly those.

    ``close`` refuses every grading not started yet and waits until the running ones have ended
    (fast, once their kernels are gone). Waiting on this condition rather than joining the pool's
    threads: a KeyboardInterrupt that lands in ``Thread.join`` makes Python 3.11 mark a live thread
    as stopped (bpo-45274's fix), after which a join returns while it still runs. A further Ctrl-C
    while closing kills this process's kernels again and goes on waiting: a grading left running
    would start a kernel again the moment the stop is over.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._running = 0
        self._closed = False

    def enter(self) -> bool:
        with self._condition:
            if self._closed:
                return False
            self._running += 1
            return True

    def leave(self) -> None:
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
        while True:
            try:
                with self._condition:
                    while self._running:
                        self._condition.wait(0.5)
                return
            except KeyboardInterrupt:
                kill_own_kernels()
