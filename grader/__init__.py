"""Autograder for the PyTorch exercises of 'Convolutions for Images'.

The public API, kept cheap to import: ``import grader`` loads neither torch nor nbclient, so
listing exercises, collecting pytest items and reading result JSON stay fast. ``grade`` and
``GradeOptions`` are loaded on first use.

    >>> import grader
    >>> result = grader.grade("submission.ipynb", options=grader.GradeOptions(device="cpu"))
    >>> result.points, result.max_points

In a notebook, ``grader.check("corr2d")`` checks one question (``grader.check()`` every one) in the
student's own kernel and shows the verdict inline: a self-check, never a grade
(``grader.frontends.notebook``).

Errors form one tree (see ``grader.errors``): ``SubmissionError`` and ``StudentCodeError`` are the
student's to fix, ``ExerciseDefinitionError`` the course author's, ``UsageError`` the caller's,
and ``InternalError`` ours.
"""

from __future__ import annotations

import sys

if sys.argv[:1] == ["-m"] and not sys.flags.safe_path:
    # `python -m grader` put the current directory first on sys.path, before the standard library
    # and site-packages: a student's `exercises/` or `torch.py` there would run in this process.
    # Nothing else of ours has been imported yet (`os` was, by Python itself, at start-up).
    import os

    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]

from importlib import import_module
from typing import TYPE_CHECKING, Any

from grader.errors import (
    CheckFailed,
    ExerciseDefinitionError,
    GraderError,
    InternalError,
    StudentCodeError,
    SubmissionError,
    UsageError,
)
from grader.results.model import CheckResult, ExerciseResult, SubmissionResult

if TYPE_CHECKING:
    from grader.catalog.model import Pack
    from grader.catalog.registry import load_pack
    from grader.frontends.notebook import check
    from grader.grading import grade
    from grader.options import GradeOptions

    __version__: str

__all__ = [
    "CheckFailed",
    "CheckResult",
    "ExerciseDefinitionError",
    "ExerciseResult",
    "GradeOptions",
    "GraderError",
    "InternalError",
    "Pack",
    "StudentCodeError",
    "SubmissionError",
    "SubmissionResult",
    "UsageError",
    "__version__",
    "check",
    "grade",
    "load_pack",
]

#: Public names loaded on first access, and the module each lives in.
_LAZY = {
    "check": "grader.frontends.notebook",
    "grade": "grader.grading",
    "GradeOptions": "grader.options",
    "load_pack": "grader.catalog.registry",
    "Pack": "grader.catalog.model",
}


def __getattr__(name: str) -> Any:
    """Load ``grade``, ``check`` and friends on first use, so ``import grader`` stays cheap."""
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("conv-grader")
        except PackageNotFoundError:  # running from a source tree that was never installed
            value = "0+unknown"
    else:
        raise AttributeError(f"module 'grader' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
