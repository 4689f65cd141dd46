"""The records of a result around its checks: which file, which devices, how running it went, and
the free-text answers. Plain, flat dataclasses; ``grader.results.model`` holds the verdicts and
re-exports these, so readers import either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: What was graded: a notebook, a percent-format module, or a file that could not be read as either.
SubmissionKind = Literal["notebook", "module", "unknown"]


@dataclass(frozen=True)
class SubmissionInfo:
    """Which file was graded, identified by content so a regrade can be matched to it.

    ``id`` is the submission's id in a gradebook or LMS, when whoever asked for the grading knows it.
    """

    path: str
    name: str
    sha256: str
    kind: SubmissionKind
    id: str | None = None


@dataclass(frozen=True)
class DeviceInfo:
    """One device the checks were asked to run on, and why it did not run if it did not."""

    name: str
    available: bool
    counts: bool
    reason: str | None = None


@dataclass(frozen=True)
class CellError:
    """A cell of the submission that raised, timed out or killed the kernel."""

    cell: int
    kind: Literal["raised", "timeout", "died"]
    ename: str
    evalue: str
    line: int | None = None
    traceback: str = ""
    location: str = ""


@dataclass(frozen=True)
class ExecutionInfo:
    """How running the submission went, for the report's 'your notebook' section."""

    cells: int = 0
    cell_errors: tuple[CellError, ...] = ()
    kernel_restarts: int = 0
    duration: float = 0.0


@dataclass(frozen=True)
class FreeTextAnswer:
    """A 'why' answer collected for a human reader; worth no automatic points."""

    id: str
    exercise: str
    prompt: str
    text: str | None
