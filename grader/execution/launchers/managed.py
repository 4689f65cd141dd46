"""A kernel subprocess run by jupyter_client's ``AsyncKernelManager``, with nothing of the grader's.

jupyter_client does the launching (``launch_kernel`` under its local provisioner); what it would
otherwise take from the grader is pinned here, for every launcher that starts a subprocess
(local today, sandboxed later, which only wraps the argv):

- the argv is the launcher's, never whatever kernelspec is installed as ``python3``;
- the environment is exactly the one given, and ``independent=True`` stops ``launch_kernel`` from
  adding ``JPY_PARENT_PID`` to it (orphans are killed by the next grader's sweep instead);
- stdin, stdout and stderr are ``/dev/null``: ipykernel echoes fd-level writes (``os.write(1,
  ...)``) to the process's own descriptors, which would otherwise be the grader's terminal. What
  a kernel prints reaches the grader only as messages, and those are capped;
- the working directory, the ``ipc`` sockets and the connection file are the workspace's, not
  the grader's cwd, temp dir or Jupyter runtime dir.
"""

from __future__ import annotations

import contextlib
import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import zmq.asyncio
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    from grader.execution.workspace import Workspace


class ManagedKernel:
    """A ``LaunchedKernel`` over an ``AsyncKernelManager`` and the ZMQ context it was given."""

    def __init__(self, manager: AsyncKernelManager) -> None:
        self._manager = manager
        self._killed = False

    @property
    def pid(self) -> int | None:
        """The kernel process's id (the leader of its own session), once it is running."""
        pid = getattr(self._manager.provisioner, "pid", None)
        return pid if isinstance(pid, int) else None

    def client(self, context: zmq.asyncio.Context) -> AsyncKernelClient:
        return self._manager.client(context=context)

    async def interrupt(self) -> None:
        await self._manager.interrupt_kernel()

    async def is_alive(self) -> bool:
        return bool(await self._manager.is_alive())

    async def kill(self) -> None:
        """SIGKILL the kernel's process group at once: a polite shutdown costs half a second and
        buys nothing. Then remove its sockets and connection file and destroy its ZMQ context."""
        if self._killed:
            return
        self._killed = True
        try:
            with contextlib.suppress(Exception):  # already dead, or never fully started
                await self._manager.shutdown_kernel(now=True)
        finally:
            self._manager.context.destroy(linger=0)


async def start_managed_kernel(
    argv: list[str], environment: dict[str, str], workspace: Workspace
) -> ManagedKernel:
    """Start ``argv`` (with ``{connection_file}`` in it) as a kernel in ``workspace``."""
    import zmq.asyncio
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(argv=argv, display_name="grader", language="python")

    class OnlyThisSpec(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return spec

    manager = AsyncKernelManager(
        kernel_name="grader",
        kernel_spec_manager=OnlyThisSpec(),
        context=zmq.asyncio.Context(),
        transport="ipc",
        ip=str(workspace.socket_stem),
        connection_file=str(workspace.connection_file),
    )
    kernel = ManagedKernel(manager)
    try:
        await manager.start_kernel(
            cwd=str(workspace.cwd),
            env=environment,
            independent=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except BaseException:
        await kernel.kill()
        raise
    if kernel.pid is not None:
        workspace.adopt(kernel.pid)
    return kernel
