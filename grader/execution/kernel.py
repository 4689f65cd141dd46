"""The kernel runner: a submission run in fresh Jupyter kernels, and probe calls into them.

Acquiring a kernel and running the submission are separate steps: a ``Launcher`` starts a kernel
in a fresh ``Workspace``, a ``KernelConnection`` talks to it, ``run_cells`` runs the cells. This
module holds the policy over them. A cell that raises is recorded and grading goes on; a cell
that times out or kills the kernel is recorded, the kernel is replaced and the other cells are
replayed without it. A call that runs past its timeout is interrupted; if the kernel does not
yield it is killed (a loop that ignores SIGINT cannot be stopped politely) and replaced, and only
that check is marked. Every kernel gets a workspace of its own, removed with it: a replacement
starts from the submission alone, not from what the kernel before it wrote.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader import messages
from grader.errors import CallTimedOut, KernelDied, SubmissionError
from grader.execution.cells import run_cells
from grader.execution.connection import KernelConnection, KernelLost, MalformedReply
from grader.execution.launchers import Launcher, LocalLauncher
from grader.execution.loop import BackgroundLoop
from grader.execution.workspace import Workspace
from grader.results.model import CellError, ExecutionInfo
from grader.submission import Submission

#: Cells that hung or killed the kernel before we stop replaying: each costs a timeout and a restart.
MAX_POISONED_CELLS = 5
INTERRUPT_GRACE = 2.0


class KernelRunner:
    """The production runner: a real kernel per submission (see ``grader.execution.runner.Runner``).

    ``workspace_base`` is where workspaces are made (the system temp dir by default).
    """

    def __init__(
        self,
        *,
        cell_timeout: float = 60.0,
        launcher: Launcher | None = None,
        workspace_base: Path | None = None,
    ) -> None:
        self.cell_timeout = cell_timeout
        self.launcher: Launcher = launcher or LocalLauncher()
        self.workspace_base = workspace_base
        self._loop = BackgroundLoop()
        self._connection: KernelConnection | None = None
        self._workspace: Workspace | None = None
        self._submission: Submission | None = None
        self._poisoned: set[int] = set()
        self._info = ExecutionInfo()

    # -- Runner protocol (synchronous facade) ---------------------------------------------------
    def start(self, submission: Submission) -> ExecutionInfo:
        self._submission = submission
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
        await self._boot(errors)
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
                timeout=self.cell_timeout,
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
        connection = self._connection
        assert connection is not None, "start() first"
        request["id"] = uuid.uuid4().hex
        name = str(request.get("name", request.get("op")))
        msg_id = connection.send_request(request, buffers)
        stdout: list[str] = []
        try:
            reply, out = await connection.await_reply(request["id"], msg_id, timeout, stdout)
            return reply, out, "".join(stdout)
        except TimeoutError:
            await connection.kernel.interrupt()
            try:
                await connection.await_reply(request["id"], msg_id, INTERRUPT_GRACE, stdout)
            except (TimeoutError, KernelLost, MalformedReply):
                await self._replace_kernel()
            raise CallTimedOut(
                messages.CALL_TIMEOUT.format(name=name, seconds=timeout), hint=messages.HINT_TIMEOUT
            ) from None
        except KernelLost:
            await self._replace_kernel()
            raise KernelDied(messages.KERNEL_DIED.format(name=name)) from None
        except MalformedReply:
            await self._replace_kernel()
            raise KernelDied(messages.MALFORMED.format(name=name)) from None

    async def _replace_kernel(self) -> None:
        """After a hung or fatal call: a fresh kernel with the submission replayed."""
        self._info = replace(self._info, kernel_restarts=self._info.kernel_restarts + 1)
        errors = {e.cell: e for e in self._info.cell_errors}
        await self._boot(errors)
        self._info = replace(self._info, cell_errors=tuple(errors[n] for n in sorted(errors)))
