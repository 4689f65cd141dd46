"""``grader.check("corr2d")``: a student checks one question (or every one) from their notebook.

    import grader
    grader.check("corr2d")   # one question, as `grader list` names it
    grader.check()           # every question

This is a self-check that runs the checks inside the student's own kernel, against the functions
their cells have defined, so it trusts that kernel: whatever the kernel does, the student sees.
Official grades come only from ``grader check``, batch and CI, which run the submission in a fresh
kernel of their own and keep the trust boundary (ARCHITECTURE.md); nothing this module shows is a
grade.

The checks are the pack's own, run through ``grader.grading.live`` (the same ``Session`` as
``grade()``), and the verdict comes back as an object a notebook draws inline: the report's cards
(``_repr_html_``) or the terminal summary (its ``repr``), with ``.result``, ``.passed`` and
``.points`` for code. The first call imports torch and the pack's checks; later calls pay only
for the checks themselves.

While a notebook is being graded its cells run in a kernel whose environment carries
``CONV_GRADER_GRADING=1`` (``grader.execution.environment.GRADING``); a ``grader.check`` cell there
returns at once, checking and printing nothing. A student who sets it turns off only their own
self-checks.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import UsageError
from grader.execution.environment import GRADING
from grader.submission import CodeCell, Submission

if TYPE_CHECKING:
    from grader.catalog.model import Pack
    from grader.options import GradeOptions
    from grader.results.model import SubmissionResult

__all__ = ["NOT_A_SESSION", "SKIPPED_WHILE_GRADING", "Note", "SelfCheck", "SelfCheckUsageError", "check"]

SKIPPED_WHILE_GRADING = "grader.check: self-checks are skipped while the notebook is being graded"
NOT_A_SESSION = (
    "grader.check checks the namespace of a notebook, IPython or a script run as a program: call it"
    " from a cell or from the script's top level; nothing was checked"
)
#: The name of the submission checked when the kernel does not say which notebook it runs.
THIS_KERNEL = "this kernel"


def check(
    question: str | None = None, *, pack: str | None = None, device: str | None = None,
    seed: int | None = None, feedback: str | None = None,
) -> SelfCheck | Note:
    """Check ``question`` (an exercise id, as ``grader list`` prints them; every one when None)
    against the namespace of the calling notebook or script, and return the verdict to display.

    ``pack``, ``device``, ``seed`` and ``feedback`` are the option table's (``grader.options``);
    what is not given comes from the course's configuration in the notebook's folder or above
    (``grader.frontends.config``), then the table's defaults. An unknown question, pack or option
    value raises ``SelfCheckUsageError``, which IPython shows as its one-line message.
    """
    if os.environ.get(GRADING) == "1":
        return Note(SKIPPED_WHILE_GRADING)
    frame = inspect.currentframe()
    caller = frame.f_back.f_globals if frame is not None and frame.f_back is not None else None
    del frame
    session = _session(caller)
    if session is None:
        return Note(NOT_A_SESSION)
    namespace, submission = session
    from grader.frontends.config import with_course
    from grader.grading.live import check_namespace
    from grader.options import OPTIONS, grade_options

    try:
        given = {"pack": pack, "device": device, "seed": seed, "feedback": feedback}
        settings = with_course({option.name: given.get(option.name) for option in OPTIONS})
        options = grade_options(settings)
        result = check_namespace(namespace, None if question is None else [question], options,
                                 _pack(settings.get("pack")), submission=submission)
    except UsageError as exc:
        raise SelfCheckUsageError(exc.message) from None
    return SelfCheck(_shown(result, options))


def _shown(result: SubmissionResult, options: GradeOptions) -> SubmissionResult:
    """What the student is shown of ``result``: the one way from checking to displaying. Places
    need no change: ``Submission.where`` names a cell of the kernel's history by its ``In [n]``
    prompt, as ``grader check`` names a notebook's."""
    from grader.results.feedback import redact

    return redact(result, options.feedback)


@dataclass(frozen=True)
class SelfCheck:
    """The verdict of a self-check: drawn as the report's cards in a notebook, as the terminal
    summary in a console. ``result`` holds only the questions checked."""

    result: SubmissionResult

    @property
    def passed(self) -> bool:
        """Whether every required check that ran passed (a bonus is never owed)."""
        return self.result.error is None and self.result.all_required_passed

    @property
    def points(self) -> float:
        return self.result.points

    @property
    def max_points(self) -> float:
        return self.result.max_points

    def _repr_html_(self) -> str:
        from grader.reports.html import render_html_fragment

        return render_html_fragment(self.result)

    def __repr__(self) -> str:
        from grader.reports import render_terminal

        return render_terminal(self.result, color=False).rstrip("\n")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@dataclass(frozen=True)
class Note:
    """What ``check`` returns when it checked nothing, and why; it shows as that one line."""

    text: str
    result: None = None
    passed: None = None

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)


class SelfCheckUsageError(UsageError):
    """A request ``check`` cannot honour; IPython shows its message alone, without a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self.message}"]


@functools.cache
def _pack(name: str | None) -> Pack:
    from grader.catalog.registry import load_pack

    return load_pack(name)


def _session(caller: Mapping[str, Any] | None) -> tuple[Mapping[str, Any], Submission] | None:
    """The namespace to check and the cells it ran, or None when the caller does not run in it.

    In IPython (a notebook's kernel) that is the user namespace and the cells run so far; in a
    script run as a program, ``__main__`` and the script's text. Code run in a namespace of its
    own (the grader's in-process test runner execs fixtures that way) is neither, and is not
    checked: it is not the student's session.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        namespace: Mapping[str, Any] = shell.user_ns
        if caller is not namespace and caller is not getattr(shell, "user_global_ns", None):
            return None
        return namespace, _kernel_cells(shell)
    main = sys.modules.get("__main__")
    if main is None or caller is not vars(main):
        return None
    return vars(main), _script_cells(getattr(main, "__file__", None))


def _kernel_cells(shell: Any) -> Submission:
    """The cells the kernel ran, numbered as its ``In [n]`` prompts, the newest first: a student's
    frame is placed in the latest run of a cell holding that line (the first cell that does)."""
    history = getattr(getattr(shell, "history_manager", None), "input_hist_parsed", None) or []
    cells = tuple(CodeCell(number=n, source=str(source))
                  for n, source in reversed(list(enumerate(history))) if n and str(source).strip())
    name = os.environ.get("JPY_SESSION_NAME") or THIS_KERNEL  # the notebook's path, from Jupyter
    return Submission(Path(Path(name).name), _digest("".join(c.source for c in cells)), "notebook",
                      cells)


def _script_cells(file: str | None) -> Submission:
    """A script as one cell, so the student's lines are placed as lines of the file."""
    try:
        text = Path(file).read_text(encoding="utf-8") if file else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    cells = (CodeCell(number=1, source=text),) if text else ()
    return Submission(Path(file or "__main__"), _digest(text), "module", cells)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
