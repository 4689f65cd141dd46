"""A runner over a namespace that already exists: the student's own kernel, checking itself.

``NamespaceRunner`` is what ``grader.check("corr2d")`` grades through: the student's self-check, in
their own kernel, against the functions their cells have already defined. It runs no cells (they
ran when the student ran them) and answers each probe request by calling
``grader.probe.service.handle`` on that namespace in this process, as ``InProcessRunner`` does for
the grader's tests. The code it calls is the student's, in the student's own process, so it trusts
that process: it is never used for official grades. Those come only from ``grader check``, batch
and CI, which run the submission in a fresh kernel (``KernelRunner``) across the trust boundary.

A call is stopped after its timeout where the platform allows (``SIGALRM``, in the main thread),
as the kernel runner stops it by interrupting the kernel, and what the code prints while the
checks run is captured (and bounded) instead of filling the student's cell output.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Mapping
from types import FrameType
from typing import Any

from grader import messages
from grader.errors import CallTimedOut
from grader.results.model import ExecutionInfo
from grader.submission import Submission

#: The most printed text kept per call; the rest is dropped, as the kernel runner caps it.
MAX_PRINTED = 2**20


class NamespaceRunner:
    """Answers probe requests against ``namespace`` in this process; runs no cells.

    The student's own self-check in their own kernel (``grader.check``), never used for official
    grades: see the module docstring.
    """

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self.namespace: Mapping[str, Any] = namespace
        self._info = ExecutionInfo()

    def start(self, submission: Submission) -> ExecutionInfo:
        """Nothing to run: the student ran their cells. Only say how many there were."""
        self._info = ExecutionInfo(cells=len(submission.cells))
        return self._info

    def request(
        self, request: Mapping[str, Any], buffers: list[bytes], *, timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        from grader.probe import service as probe

        printed = _Printed()
        alarm = _Alarm(timeout)
        try:
            with alarm, contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                reply, out = probe.handle(self.namespace, request, buffers)
        except KeyboardInterrupt:  # the alarm, between the probe's return and the alarm's end
            if not alarm.fired:
                raise
            reply, out = {"status": "interrupted"}, []
        if reply.get("status") == "interrupted":
            if not alarm.fired:  # the student pressed stop: stop the whole self-check
                raise KeyboardInterrupt
            name = str(request.get("name", request.get("op")))
            raise CallTimedOut(messages.CALL_TIMEOUT.format(name=name, seconds=timeout),
                               hint=messages.HINT_TIMEOUT)
        return reply, out, printed.text

    def execution(self) -> ExecutionInfo:
        return self._info

    def close(self) -> None:
        """Let go of the namespace (it stays the student's)."""
        self.namespace = {}


class _Printed:
    """A text stream that keeps the first ``MAX_PRINTED`` characters written to it."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._left = MAX_PRINTED

    def write(self, text: str) -> int:
        if self._left > 0:
            kept = text[: self._left]
            self._parts.append(kept)
            self._left -= len(kept)
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self._parts)


class _Alarm:
    """Raises KeyboardInterrupt in this thread after ``seconds`` (the probe reports it as
    interrupted), and remembers that it did; does nothing where signals cannot be used (not the
    main thread, no ``setitimer``) or while a timer of the student's own is running."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._previous: Any = None
        self._armed = False

    def __enter__(self) -> _Alarm:
        self._armed = (hasattr(signal, "setitimer")
                       and threading.current_thread() is threading.main_thread()
                       and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
        if self._armed:
            self._previous = signal.signal(signal.SIGALRM, self._ring)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)

    def _ring(self, signum: int, frame: FrameType | None) -> None:
        self.fired = True
        raise KeyboardInterrupt
