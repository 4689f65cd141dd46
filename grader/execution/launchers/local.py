"""The default launcher: an ipykernel subprocess of this very interpreter, in the workspace.

This interpreter (never whatever ``python3`` kernelspec happens to be installed), so the kernel
has the grader's torch; ZMQ ``ipc`` sockets in the workspace, so a sandboxing launcher can run
the same kernel with no network at all by wrapping this argv.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from grader.execution.environment import kernel_environment
from grader.execution.launchers.managed import ManagedKernel, start_managed_kernel

if TYPE_CHECKING:
    from grader.execution.workspace import Workspace

#: IPython's history is a SQLite file by default: in memory, nothing is left for the next kernel.
KERNEL_ARGV = (
    sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
    "--HistoryManager.hist_file=:memory:",
)


class LocalLauncher:
    """Starts an unsandboxed ipykernel: the kernel runs as the grader's user, in its workspace."""

    async def launch(self, workspace: Workspace) -> ManagedKernel:
        from grader.probe import PROBE_FILE, PROBE_PATH_VARIABLE

        environment = kernel_environment(workspace, os.environ, {PROBE_PATH_VARIABLE: PROBE_FILE})
        return await start_managed_kernel(list(KERNEL_ARGV), environment, workspace)
