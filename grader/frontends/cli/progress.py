"""How far a batch is: a progress bar on a terminal, one plain line per submission elsewhere.

rich's progress bar (done / total, rate, time left, and how many did not grade cleanly so far) is
the ecosystem's standard, redraws in place and degrades by itself; a CI log or a file gets one
line per submission instead, which reads well after the fact and never fills a log with redraws.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, TextIO

from grader.frontends import messages as say


class BatchProgress(AbstractContextManager["BatchProgress"]):
    """``with BatchProgress(total) as progress: progress.done(line, ok)`` for each submission."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.total = total
        self.failed = 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> BatchProgress:
        if self.stream.isatty() and self.total:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
                TimeRemainingColumn(), TextColumn("{task.fields[failed]}"),
                console=Console(file=self.stream), transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("grading", total=self.total, rate="", failed="")
        return self

    def done(self, line: str, *, ok: bool) -> None:
        """One submission graded: advance the bar, or print its line."""
        self.failed += not ok
        if self._bar is None:
            print(line, file=self.stream, flush=True)
            return
        self._bar.console.print(line, markup=False, highlight=False)
        task = self._bar.tasks[0]
        rate = task.completed / task.elapsed * 60 if task.elapsed else 0.0
        self._bar.update(self._task, advance=1, rate=say.BATCH_RATE.format(rate=rate),
                         failed=say.BATCH_NOT_CLEAN.format(count=self.failed) if self.failed else "")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, trace)
