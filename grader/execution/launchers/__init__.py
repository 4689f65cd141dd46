"""How kernels come to be: each launcher takes a workspace and hands back a kernel it can clean up.

``Launcher`` and ``LaunchedKernel`` are the seam; ``LocalLauncher`` (an ipykernel subprocess of
this interpreter) is the one launcher today. A pool of pre-started kernels, a fork server and a
sandbox (setpriv + bwrap + prlimit, binding the workspace's ``scratch`` and ``ipc`` directories and
the probe's directory) are each one more launcher; nothing outside ``grader.execution`` knows
which one started a kernel.
"""

from __future__ import annotations

from grader.execution.launchers.base import LaunchedKernel, Launcher
from grader.execution.launchers.local import LocalLauncher

__all__ = ["LaunchedKernel", "Launcher", "LocalLauncher"]
