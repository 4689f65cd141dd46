"""How a kernel is started: the one seam for pre-started kernels, fork servers and sandboxes.

The default launcher starts an ipykernel with this very interpreter (never whatever 'python3'
kernelspec happens to be installed), over ZMQ ``ipc`` sockets in a private directory (so a sandbox
can later run the kernel with no network at all). A sandboxing launcher (setpriv + bwrap +
prlimit) only has to change ``argv`` and the environment here; nothing outside this module knows
how kernels come to be.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

#: Environment variables the kernel must not inherit (ipykernel exits when JPY_PARENT_PID's
#: process looks gone, which is wrong inside a sandbox; the rest are the grader's business).
DROPPED_ENV = ("JPY_PARENT_PID", "JPY_SESSION_NAME", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS")


class KernelLauncher(Protocol):
    """Starts a kernel and returns its (async) manager; the caller owns shutting it down."""

    async def start(self, cwd: Path) -> Any: ...


@dataclass
class LocalKernelLauncher:
    """An ipykernel subprocess of this interpreter, on unix sockets."""

    extra_env: dict[str, str] = field(default_factory=lambda: {"MPLBACKEND": "agg"})

    async def start(self, cwd: Path) -> Any:
        import zmq
        import zmq.asyncio
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager

        spec = KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="grader",
            language="python",
        )

        class ThisInterpreter(KernelSpecManager):
            def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
                return spec

        sockets = tempfile.mkdtemp(prefix="grader-")
        manager = AsyncKernelManager(
            kernel_name="grader",
            kernel_spec_manager=ThisInterpreter(),
            context=zmq.asyncio.Context(),
            transport="ipc",
            ip=os.path.join(sockets, "k"),
        )
        from grader.probe import PROBE_FILE, PROBE_PATH_VARIABLE

        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        env.update(self.extra_env)
        env[PROBE_PATH_VARIABLE] = PROBE_FILE
        await manager.start_kernel(
            cwd=str(cwd), env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"]
        )
        return manager
