"""The runner seam: what grading needs from whatever executes the student's code.

``grader.execution.kernel.KernelRunner`` is the real one (a fresh Jupyter kernel per submission). The
``InProcessRunner`` here exists for the grader's own tests, like httpx's mock transport: it runs
*trusted fixture code* in this process so that checks can be tested in milliseconds. It must never
be used on a real submission.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol

from grader.results.model import ExecutionInfo
from grader.submission import Submission

#: Kernels replaced before a runner sends no more requests (each replacement replays the whole
#: submission), and the session's backstop for any runner: said once, here.
MAX_KERNEL_RESTARTS = 10


class Runner(Protocol):
    """Executes one submission and answers probe requests against its namespace."""

    def start(self, submission: Submission) -> ExecutionInfo:
        """Run the submission's cells; return how that went (errors per cell, restarts)."""
        ...

    def request(
        self, request: Mapping[str, Any], buffers: list[bytes], *, timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        """Send one probe request; return the reply, its buffers and what the code printed.

        Raises ``CallTimedOut`` or ``KernelDied`` (after recovering, so the next request works).
        """
        ...

    def execution(self) -> ExecutionInfo:
        """How execution has gone so far, restarts included."""
        ...

    def close(self) -> None: ...


class InProcessRunner:
    """Runs trusted test fixtures in this process, through the same probe and wire format."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self._info = ExecutionInfo()

    def start(self, submission: Submission) -> ExecutionInfo:
        started = time.perf_counter()
        self.namespace = {"__name__": "__main__"}
        for cell in submission.cells:
            code = compile(cell.source, f"<cell {cell.number}>", "exec")
            exec(code, self.namespace)  # trusted fixtures only: see the module docstring
        self._info = ExecutionInfo(
            cells=len(submission.cells), duration=time.perf_counter() - started
        )
        return self._info

    def request(
        self, request: Mapping[str, Any], buffers: list[bytes], *, timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        from grader.probe import service as probe

        reply, out = probe.handle(self.namespace, request, buffers)
        return reply, out, ""

    def execution(self) -> ExecutionInfo:
        return self._info

    def close(self) -> None:
        self.namespace = {}
