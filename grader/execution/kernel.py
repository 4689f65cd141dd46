"""The kernel runner: a submission run in fresh Jupyter kernels, and probe calls into them.

Acquiring a kernel and running the submission are separate steps: a ``Launcher`` starts a kernel
in a fresh ``Workspace``, a ``KernelConnection`` talks to it, ``run_cells`` runs the cells. This
module holds the policy over them. A cell that raises is recorded and grading goes on; a cell
that times out or kills the kernel is recorded, the kernel is replaced and the other cells are
replayed without it. A call that runs past its timeout is interrupted; if the kernel does not
yield it is killed (a loop that ignores SIGINT cannot be stopped politely) and replaced, and only
that check is marked. Every kernel gets a workspace of its own, removed with it: a replacement
starts from the submission alone, not from what the kernel before it wrote.

Every request counts (calls, the warm-up, names described, answers read), and some end the calling
for good: after which every further request raises at once, so a submission that broke its kernel
costs seconds, not a timeout per check. They are: the kernel replaced ``MAX_KERNEL_RESTARTS``
times; a request left unanswered (the probe silenced) by the fresh kernel that replaced one which
left a request unanswered, so the submission's own cells silence it; the time budget running out.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader import messages
from grader.errors import CallTimedOut, KernelDied, StudentCodeError, SubmissionError
from grader.execution.cells import BudgetSpent, run_cells
from grader.execution.connection import KernelConnection, KernelLost, MalformedReply, Unanswered
from grader.execution.launchers import Launcher, LocalLauncher
from grader.execution.loop import BackgroundLoop
from grader.execution.runner import MAX_KERNEL_RESTARTS
from grader.execution.workspace import Workspace
from grader.results.model import CellError, ExecutionInfo
from grader.submission import Submission

#: Cells that hung or killed the kernel before we stop replaying: each costs a timeout and a restart.
MAX_POISONED_CELLS = 5
INTERRUPT_GRACE = 2.0


class KernelRunner:
    """The production runner: a real kernel per submission (see ``grader.execution.runner.Runner``).

    ``workspace_base`` is where workspaces are made (the system temp dir by default).
    ``submission_timeout`` is the time budget of the whole submission, from ``start`` on: cells and
    requests alike (None: no budget).
    """

    def __init__(
        self,
        *,
        cell_timeout: float = 60.0,
        submission_timeout: float | None = None,
        launcher: Launcher | None = None,
        workspace_base: Path | None = None,
    ) -> None:
        self.cell_timeout = cell_timeout
        self.submission_timeout = submission_timeout
        self.launcher: Launcher = launcher or LocalLauncher()
        self.workspace_base = workspace_base
        self._loop = BackgroundLoop()
        self._connection: KernelConnection | None = None
        self._workspace: Workspace | None = None
        self._submission: Submission | None = None
        self._poisoned: set[int] = set()
        self._info = ExecutionInfo()
        self._deadline: float | None = None
        #: Why no more requests are sent, once that is so; raised anew for each request.
        self._stopped: StudentCodeError | None = None
        #: The kernel was replaced after an unanswered request and has answered nothing yet.
        self._suspect = False

    # -- Runner protocol (synchronous facade) ---------------------------------------------------
    def start(self, submission: Submission) -> ExecutionInfo:
        self._submission = submission
        if self.submission_timeout is not None:
            self._deadline = time.monotonic() + self.submission_timeout
        return self._loop.run(self._start(submission))

    def request(
        self, request: Mapping[str, Any], buffers: list[bytes], *, timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        return self._loop.run(self._request(dict(request), buffers, timeout))

    def execution(self) -> ExecutionInfo:
        return self._info

    def close(self) -> None:
        """Kill the kernel and remove its workspace. Safe to call twice."""
        if self._loop.closed:
            return
        try:
            self._loop.run(self._discard_kernel())
        finally:
            self._loop.close()

    # -- executing the submission ---------------------------------------------------------------
    async def _start(self, submission: Submission) -> ExecutionInfo:
        started = time.perf_counter()
        errors: dict[int, CellError] = {}
        try:
            await self._boot(errors)
        except BudgetSpent:
            raise SubmissionError(
                messages.BUDGET_SPENT_IN_CELLS.format(seconds=self.submission_timeout)
            ) from None
        self._info = ExecutionInfo(
            cells=len(submission.cells),
            cell_errors=tuple(errors[n] for n in sorted(errors)),
            kernel_restarts=self._info.kernel_restarts,
            duration=round(time.perf_counter() - started, 3),
        )
        return self._info

    async def _boot(self, errors: dict[int, CellError]) -> None:
        """Start a kernel with the probe in it, then run every cell not known to hang or kill it.

        When a cell hangs or kills the kernel, the kernel is replaced and the run starts over
        without that cell: each cell can cause at most one restart, so this terminates.
        """
        assert self._submission is not None
        while True:
            connection = await self._new_kernel(self._submission)
            await connection.install_probe()
            poisoned = await run_cells(
                connection, self._submission, skip=self._poisoned, errors=errors,
                timeout=self.cell_timeout, deadline=self._deadline,
            )
            if poisoned is None:
                break
            self._poisoned.add(poisoned)
            if len(self._poisoned) >= MAX_POISONED_CELLS:
                raise SubmissionError(messages.TOO_MANY_BAD_CELLS.format(count=len(self._poisoned)))
            self._info = replace(self._info, kernel_restarts=self._info.kernel_restarts + 1)

    async def _new_kernel(self, submission: Submission) -> KernelConnection:
        """The previous kernel and its workspace gone, a fresh kernel in a fresh workspace."""
        await self._discard_kernel()
        try:
            self._workspace = Workspace.create(submission.path, base=self.workspace_base)
            kernel = await self.launcher.launch(self._workspace)
            self._connection = await KernelConnection.open(kernel)
        except Exception as exc:
            raise SubmissionError(f"could not start a Python kernel: {exc}") from exc
        return self._connection

    async def _discard_kernel(self) -> None:
        """Kill the kernel, then remove its workspace (a live kernel could still write into it)."""
        connection, workspace = self._connection, self._workspace
        self._connection = self._workspace = None
        try:
            if connection is not None:
                await connection.close()
        finally:
            if workspace is not None:
                workspace.close()

    # -- calls ----------------------------------------------------------------------------------
    async def _request(
        self, request: dict[str, Any], buffers: list[bytes], timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        self._raise_if_stopped()
        name = str(request.get("name", request.get("op")))
        try:
            return await self._exchange(request, buffers, timeout, name)
        except Unanswered as unanswered:
            if self._suspect:  # a fresh kernel did not answer either: the cells themselves did it
                self._stop(KernelDied(messages.PROBE_SILENCED, hint=messages.HINT_PROBE_SILENCED))
                await self._discard_kernel()
                raise self._stop_error() from None
            self._suspect = True
            await self._replace_kernel()
            if unanswered.waited:  # it has cost its timeout already: the next request tries the new one
                raise KernelDied(messages.PROBE_UNANSWERED.format(name=name),
                                 hint=messages.HINT_PROBE_SILENCED) from None
            # Not this request's fault (a call before it may have silenced the probe): ask again once.
            return await self._request(request, buffers, timeout)

    async def _exchange(
        self, request: dict[str, Any], buffers: list[bytes], timeout: float, name: str
    ) -> tuple[dict[str, Any], list[bytes], str]:
        """One request and its reply; a kernel that hangs or dies on it is replaced."""
        connection = self._connection
        assert connection is not None, "start() first"
        request["id"] = uuid.uuid4().hex
        # The budget shortens the wait; a request stopped by it is not that function's fault alone.
        wait = timeout if self._deadline is None else min(timeout, self._deadline - time.monotonic())
        cut = wait < timeout
        msg_id = connection.send_request(request, buffers)
        stdout: list[str] = []
        try:
            reply, out = await connection.await_reply(request["id"], msg_id, wait, stdout)
        except TimeoutError:
            if cut:
                self._stop(self._out_of_time())
                raise CallTimedOut(
                    messages.BUDGET_SPENT_DURING.format(name=name, seconds=self.submission_timeout),
                    hint=messages.HINT_BUDGET,
                ) from None
            await self._interrupt(connection, request["id"], msg_id, stdout)
            raise CallTimedOut(
                messages.CALL_TIMEOUT.format(name=name, seconds=timeout), hint=messages.HINT_TIMEOUT
            ) from None
        except KernelLost:
            await self._replace_kernel()
            raise KernelDied(messages.KERNEL_DIED.format(name=name)) from None
        except MalformedReply:
            await self._replace_kernel()
            raise KernelDied(messages.MALFORMED.format(name=name)) from None
        self._suspect = False
        return reply, out, "".join(stdout)

    async def _interrupt(
        self, connection: KernelConnection, request_id: str, msg_id: str, stdout: list[str]
    ) -> None:
        """After a timeout: interrupt the call; a kernel that does not yield is replaced."""
        await connection.kernel.interrupt()
        try:
            reply, _ = await connection.await_reply(request_id, msg_id, INTERRUPT_GRACE, stdout)
        except Unanswered:
            raise Unanswered(waited=True) from None
        except (TimeoutError, KernelLost, MalformedReply):
            await self._replace_kernel()
            return
        # The probe reports an interrupted call as "interrupted"; only a handler put in its place
        # (or a bug of the probe's) lets the interrupt through to say "probe_error".
        if reply.get("status") == "probe_error":
            raise Unanswered(waited=True)

    async def _replace_kernel(self) -> None:
        """After a hung or fatal call: a fresh kernel with the submission replayed, within limits."""
        self._info = replace(self._info, kernel_restarts=self._info.kernel_restarts + 1)
        if self._info.kernel_restarts >= MAX_KERNEL_RESTARTS:
            self._stop(KernelDied(messages.GAVE_UP.format(count=MAX_KERNEL_RESTARTS)))
            await self._discard_kernel()
            return
        errors = {e.cell: e for e in self._info.cell_errors}
        try:
            await self._boot(errors)
        except BudgetSpent:
            self._stop(self._out_of_time())
        except (SubmissionError, KernelDied) as exc:  # too many bad cells, no kernel, no probe
            self._stop(KernelDied(exc.message, hint=exc.hint))
        finally:
            self._info = replace(self._info, cell_errors=tuple(errors[n] for n in sorted(errors)))

    # -- stopping for good ------------------------------------------------------------------------
    def _stop(self, reason: StudentCodeError) -> None:
        """Send no more requests; each one raises ``reason`` (the first reason given stays)."""
        if self._stopped is None:
            self._stopped = reason

    def _raise_if_stopped(self) -> None:
        if self._stopped is None and self._deadline is not None and time.monotonic() >= self._deadline:
            self._stop(self._out_of_time())
        if self._stopped is not None:
            raise self._stop_error()

    def _stop_error(self) -> StudentCodeError:
        """A fresh copy of why requests stopped (one exception object is not raised twice)."""
        assert self._stopped is not None
        return type(self._stopped)(self._stopped.message, hint=self._stopped.hint)

    def _out_of_time(self) -> CallTimedOut:
        return CallTimedOut(messages.BUDGET_SPENT.format(seconds=self.submission_timeout),
                            hint=messages.HINT_BUDGET)
