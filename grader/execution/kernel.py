"""Running a submission in a fresh Jupyter kernel and calling into it through the probe.

One kernel per submission. The student's cells run one at a time through nbclient; a cell that
raises is recorded and grading goes on; a cell that times out or kills the kernel is recorded, the
kernel is replaced and the other cells are replayed without it. Calls go over a Jupyter comm (JSON
plus binary buffers). A call that runs past its timeout is interrupted; if the kernel does not
yield it is killed (a loop that ignores SIGINT cannot be stopped politely) and replaced, and only
that check is marked. All of it runs on a private asyncio loop in a thread, so ``grade()`` can
import torch while the kernel starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from queue import Empty
from typing import Any, TypeVar

from grader import messages
from grader.errors import CallTimedOut, KernelDied, SubmissionError
from grader.execution.launchers.local import KernelLauncher, LocalKernelLauncher
from grader.execution.replies import MAX_MESSAGE_BYTES, cell_error, errors_only_client, safe_unpack
from grader.probe import BOOTSTRAP, COMM_TARGET
from grader.results.model import CellError, ExecutionInfo
from grader.submission import CodeCell, Submission

T = TypeVar("T")
MAX_STDOUT = 64 * 1024
#: Cells that hung or killed the kernel before we stop replaying: each costs a timeout and a restart.
MAX_POISONED_CELLS = 5
INTERRUPT_GRACE = 2.0
STARTUP_TIMEOUT = 60.0


class KernelRunner:
    """The production runner: a real kernel per submission (see ``grader.execution.runner.Runner``)."""

    def __init__(
        self, *, cell_timeout: float = 60.0, launcher: KernelLauncher | None = None
    ) -> None:
        self.cell_timeout = cell_timeout
        self.launcher = launcher or LocalKernelLauncher()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._km: Any = None
        self._kc: Any = None
        self._comm_id = ""
        self._submission: Submission | None = None
        self._poisoned: set[int] = set()
        self._info = ExecutionInfo()

    # -- Runner protocol (synchronous facade) ---------------------------------------------------
    def start(self, submission: Submission) -> ExecutionInfo:
        self._submission = submission
        return self._run(self._start(submission))

    def request(
        self, request: Mapping[str, Any], buffers: list[bytes], *, timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        return self._run(self._request(dict(request), buffers, timeout))

    def execution(self) -> ExecutionInfo:
        return self._info

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self._run(self._kill())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

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
            await self._new_kernel()
            await self._install_probe()
            poisoned = await self._run_cells(self._submission.cells, errors)
            if poisoned is None:
                break
            self._poisoned.add(poisoned)
            if len(self._poisoned) >= MAX_POISONED_CELLS:
                raise SubmissionError(messages.TOO_MANY_BAD_CELLS.format(count=len(self._poisoned)))
            self._info = replace(self._info, kernel_restarts=self._info.kernel_restarts + 1)

    async def _new_kernel(self) -> None:
        import zmq
        import zmq.asyncio

        await self._kill()
        assert self._submission is not None
        try:
            self._km = await self.launcher.start(self._submission.path.parent)
            context = zmq.asyncio.Context()
            context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
            self._kc = self._km.client(context=context)
            self._kc.allow_stdin = False
            self._kc.start_channels()
            await self._kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except Exception as exc:
            raise SubmissionError(f"could not start a Python kernel: {exc}") from exc
        # From here on the kernel runs student code: decode what it sends with bounded JSON.
        self._kc.session.unpack = safe_unpack

    async def _run_cells(self, cells: tuple[CodeCell, ...], errors: dict[int, CellError]) -> int | None:
        """Run the cells; return the number of a cell that hung or killed the kernel, if any."""
        import nbformat
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        _ErrorsOnlyClient = errors_only_client()

        notebook = nbformat.v4.new_notebook()
        client = _ErrorsOnlyClient(
            notebook, km=self._km, timeout=int(max(1, self.cell_timeout)),
            allow_errors=True, interrupt_on_timeout=False, record_timing=False,
        )
        client.kc = self._kc
        assert self._submission is not None
        for cell in cells:
            if cell.number in self._poisoned:
                continue
            node = nbformat.v4.new_code_cell(cell.source)
            notebook.cells.append(node)
            where = self._submission.where(cell.number, None)
            try:
                await client.async_execute_cell(node, len(notebook.cells) - 1)
            except CellTimeoutError:
                errors.setdefault(cell.number, CellError(
                    cell.number, "timeout", "TimeoutError",
                    messages.CELL_TIMEOUT.format(where=where, seconds=self.cell_timeout),
                    location=where))
                return cell.number
            except DeadKernelError:
                errors.setdefault(cell.number, CellError(
                    cell.number, "died", "DeadKernelError",
                    messages.CELL_DIED.format(where=where, detail="os._exit, a crash or out of memory"),
                    location=where))
                return cell.number
            except Exception as exc:  # the kernel sent something no kernel should: drop it
                errors.setdefault(cell.number, CellError(
                    cell.number, "died", type(exc).__name__,
                    messages.CELL_DIED.format(where=where, detail="it sent a malformed message"),
                    location=where))
                return cell.number
            error = next((o for o in node.outputs if o.get("output_type") == "error"), None)
            if error is not None:
                errors.setdefault(cell.number, cell_error(self._submission, cell, error))
            node.outputs = []  # printed output is not needed for grading; drop it to bound memory
        return None

    async def _install_probe(self) -> None:
        msg_id = self._kc.execute(BOOTSTRAP, silent=True, store_history=False)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                reply = await self._kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            except Empty:
                raise KernelDied(messages.PROBE_BROKE.format(name="the probe", detail="no reply")) from None
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            detail = f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}"
            raise KernelDied(messages.PROBE_BROKE.format(name="the probe", detail=detail))
        self._comm_id = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": self._comm_id, "target_name": COMM_TARGET, "data": {}})

    # -- calls ----------------------------------------------------------------------------------
    async def _request(
        self, request: dict[str, Any], buffers: list[bytes], timeout: float
    ) -> tuple[dict[str, Any], list[bytes], str]:
        request["id"] = uuid.uuid4().hex
        name = str(request.get("name", request.get("op")))
        msg_id = self._send("comm_msg", {"comm_id": self._comm_id, "data": request}, buffers)
        stdout: list[str] = []
        try:
            reply, out = await self._await_reply(request["id"], msg_id, timeout, stdout)
            return reply, out, "".join(stdout)
        except TimeoutError:
            await self._km.interrupt_kernel()
            try:
                await self._await_reply(request["id"], msg_id, INTERRUPT_GRACE, stdout)
            except (TimeoutError, _Died):
                await self._replace_kernel()
            raise CallTimedOut(
                messages.CALL_TIMEOUT.format(name=name, seconds=timeout), hint=messages.HINT_TIMEOUT
            ) from None
        except _Died:
            await self._replace_kernel()
            raise KernelDied(messages.KERNEL_DIED.format(name=name)) from None
        except _Malformed:
            await self._replace_kernel()
            raise KernelDied(messages.MALFORMED.format(name=name)) from None

    async def _await_reply(
        self, request_id: str, msg_id: str, timeout: float, stdout: list[str]
    ) -> tuple[dict[str, Any], list[bytes]]:
        deadline = time.monotonic() + timeout
        printed = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                msg = await self._kc.get_iopub_msg(timeout=min(remaining, 0.5))
            except Empty:
                if not await self._km.is_alive():
                    raise _Died from None
                continue
            except Exception:  # undecodable: too deep, too large, not JSON
                raise _Malformed from None
            parent, content = msg.get("parent_header"), msg.get("content")
            if not isinstance(parent, dict) or parent.get("msg_id") != msg_id:
                continue
            if not isinstance(content, dict):
                raise _Malformed
            kind = msg["msg_type"]
            if kind == "stream" and printed < MAX_STDOUT:
                text = str(content.get("text", ""))[: MAX_STDOUT - printed]
                printed += len(text)
                stdout.append(text)
            elif kind == "comm_msg" and content.get("comm_id") == self._comm_id:
                data = content.get("data")
                if not isinstance(data, dict):
                    raise _Malformed
                if data.get("id") == request_id:
                    return dict(data), [bytes(b) for b in msg.get("buffers") or ()]

    async def _replace_kernel(self) -> None:
        """After a hung or fatal call: a fresh kernel with the submission replayed."""
        self._info = replace(self._info, kernel_restarts=self._info.kernel_restarts + 1)
        errors = {e.cell: e for e in self._info.cell_errors}
        await self._boot(errors)
        self._info = replace(self._info, cell_errors=tuple(errors[n] for n in sorted(errors)))

    def _send(self, msg_type: str, content: dict[str, Any], buffers: list[bytes] | None = None) -> str:
        msg = self._kc.session.msg(msg_type, content)
        self._kc.session.send(self._kc.shell_channel.socket, msg, buffers=buffers or [])
        return str(msg["header"]["msg_id"])

    async def _kill(self) -> None:
        """Stop the kernel at once: a polite shutdown costs half a second and buys nothing."""
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc.context.destroy(linger=0)
            self._kc = None
        if self._km is not None:
            with contextlib.suppress(Exception):  # already dead: nothing left to stop
                await self._km.shutdown_kernel(now=True)
            self._km.context.destroy(linger=0)
            self._km = None


class _Died(Exception):
    """The kernel process is gone."""


class _Malformed(Exception):
    """The kernel sent a message that is not a well-formed reply."""
