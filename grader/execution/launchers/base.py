"""The launcher seam: a workspace in, a running kernel out, which knows how to end itself.

Modelled on jupyter_client's kernel provisioners (launch, poll, signal, kill, clean up) but
narrower: a launcher is given a ``Workspace`` (the kernel's cwd, home, temp dir and socket
directory) and what it returns must leave nothing running or open once ``kill`` has returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import zmq.asyncio
    from jupyter_client.asynchronous.client import AsyncKernelClient

    from grader.execution.workspace import Workspace


class LaunchedKernel(Protocol):
    """A running kernel: how to reach it, interrupt it, ask after it, and end it."""

    def client(self, context: zmq.asyncio.Context) -> AsyncKernelClient:
        """A client for this kernel whose sockets come from ``context`` (the caller owns both)."""
        ...

    async def interrupt(self) -> None:
        """Send the kernel SIGINT (a cell or call that ignores it is then killed instead)."""
        ...

    async def is_alive(self) -> bool: ...

    async def kill(self) -> None:
        """End the kernel now, with no polite shutdown, and free what launching it took
        (ZMQ contexts, sockets, the connection file). Safe to call twice."""
        ...


class Launcher(Protocol):
    """Starts one kernel in a workspace; raises when no kernel can be started."""

    async def launch(self, workspace: Workspace) -> LaunchedKernel: ...
