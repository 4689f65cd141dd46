"""Talking to one launched kernel: wait until it is ready, install the probe, send probe requests
over a Jupyter comm and await their replies, with every cap on what the kernel may send.

A connection knows nothing of submissions, restarts or quarantine (``kernel.KernelRunner`` decides
those); it reports what happened (``KernelLost``, ``MalformedReply``, ``Unanswered``,
``TimeoutError``) and leaves the kernel as it is, until ``close`` kills it.
"""

from __future__ import annotations

import time
import uuid
from queue import Empty
from typing import TYPE_CHECKING, Any

from grader import messages
from grader.errors import KernelDied
from grader.execution.replies import MAX_MESSAGE_BYTES, safe_unpack
from grader.probe import BOOTSTRAP, COMM_TARGET

if TYPE_CHECKING:
    import zmq.asyncio
    from jupyter_client.asynchronous.client import AsyncKernelClient

    from grader.execution.launchers.base import LaunchedKernel

#: What one call may print before the rest is dropped: the printed text is for the report only.
MAX_STDOUT = 64 * 1024
STARTUP_TIMEOUT = 60.0


class KernelLost(Exception):
    """The kernel process is gone."""


class MalformedReply(Exception):
    """The kernel sent a message that is not a well-formed reply."""


class Unanswered(Exception):
    """The kernel finished handling a request and the probe never answered it.

    The probe answers every request before the kernel reports itself idle again, so an idle kernel
    with no answer means code in the kernel replaced, closed or blocked the probe's handler.
    ``waited``: it was seen only after the request timed out and was interrupted.
    """

    def __init__(self, *, waited: bool = False) -> None:
        super().__init__("the kernel did not answer")
        self.waited = waited


class KernelConnection:
    """A client on one kernel, its sockets capped, and the probe's comm once installed."""

    def __init__(
        self, kernel: LaunchedKernel, context: zmq.asyncio.Context, client: AsyncKernelClient
    ) -> None:
        self.kernel = kernel
        self.client = client
        self._context = context
        self._comm_id = ""
        self._closed = False

    @classmethod
    async def open(cls, kernel: LaunchedKernel) -> KernelConnection:
        """Connect to ``kernel`` and wait until it answers; on failure the kernel is killed."""
        import zmq
        import zmq.asyncio

        # The cap goes on the client's own context: its sockets come from it, not the manager's.
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        try:
            client = kernel.client(context)
        except BaseException:
            context.destroy(linger=0)
            await kernel.kill()
            raise
        connection = cls(kernel, context, client)
        try:
            client.allow_stdin = False
            client.start_channels()
            await client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except BaseException:
            await connection.close()
            raise
        # From here on the kernel runs student code: decode what it sends with bounded JSON.
        client.session.unpack = safe_unpack
        return connection

    async def install_probe(self) -> None:
        """Run the probe's bootstrap in the kernel and open its comm; ``KernelDied`` if it fails."""
        msg_id = self.client.execute(BOOTSTRAP, silent=True, store_history=False)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            try:
                # Short waits, so that a kernel killed meanwhile (a stopped batch) is noticed at once.
                reply = await self.client.get_shell_msg(timeout=max(0.1, min(remaining, 0.5)))
            except Empty:
                if remaining <= 0 or not await self.kernel.is_alive():
                    detail = "no reply" if remaining <= 0 else "the kernel died"
                    raise KernelDied(messages.PROBE_BROKE.format(name="the probe", detail=detail)) from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            detail = f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}"
            raise KernelDied(messages.PROBE_BROKE.format(name="the probe", detail=detail))
        self._comm_id = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": self._comm_id, "target_name": COMM_TARGET, "data": {}})

    def send_request(self, request: dict[str, Any], buffers: list[bytes]) -> str:
        """Send a probe request (its ``id`` already set) over the comm; return the message id."""
        return self._send("comm_msg", {"comm_id": self._comm_id, "data": request}, buffers)

    async def await_reply(
        self, request_id: str, msg_id: str, timeout: float, stdout: list[str]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """The probe's reply to one request, collecting (capped) what it printed into ``stdout``.

        Raises ``TimeoutError`` past ``timeout``, ``KernelLost`` when the kernel dies meanwhile,
        ``MalformedReply`` for anything no probe would send and ``Unanswered`` when the kernel went
        idle without the probe answering (its status and the probe's reply share one ordered channel).
        """
        deadline = time.monotonic() + timeout
        printed = sum(len(text) for text in stdout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                msg = await self.client.get_iopub_msg(timeout=min(remaining, 0.5))
            except Empty:
                if not await self.kernel.is_alive():
                    raise KernelLost from None
                continue
            except Exception:  # undecodable: too deep, too large, not JSON
                raise MalformedReply from None
            parent, content = msg.get("parent_header"), msg.get("content")
            if not isinstance(parent, dict) or parent.get("msg_id") != msg_id:
                continue
            if not isinstance(content, dict):
                raise MalformedReply
            kind = msg["msg_type"]
            if kind == "stream" and printed < MAX_STDOUT:
                text = str(content.get("text", ""))[: MAX_STDOUT - printed]
                printed += len(text)
                stdout.append(text)
            elif kind == "comm_msg" and content.get("comm_id") == self._comm_id:
                data = content.get("data")
                if not isinstance(data, dict):
                    raise MalformedReply
                if data.get("id") == request_id:
                    return dict(data), [bytes(b) for b in msg.get("buffers") or ()]
            elif kind == "status" and content.get("execution_state") == "idle":
                raise Unanswered

    async def close(self) -> None:
        """Stop the channels, destroy the client's context and kill the kernel. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self.client.stop_channels()
            self._context.destroy(linger=0)
        finally:
            await self.kernel.kill()

    def _send(self, msg_type: str, content: dict[str, Any], buffers: list[bytes] | None = None) -> str:
        msg = self.client.session.msg(msg_type, content)
        self.client.session.send(self.client.shell_channel.socket, msg, buffers=buffers or [])
        return str(msg["header"]["msg_id"])
