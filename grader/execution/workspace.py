"""A private scratch directory per kernel: the one place a kernel's files, home and sockets live.

Layout (the root is mode 700, made under the system temp dir and named ``grader-ws-*``)::

    root/
      owner, processes   who made it and which kernels run in it (see ``cleanup``)
      scratch/           all the kernel may write; a sandboxing launcher binds it read-write
        work/            the kernel's working directory: a copy of the submission and nothing else
        home/            HOME; IPYTHONDIR, caches and config directories are made under it
        tmp/             TMPDIR
      ipc/               the kernel's ZMQ unix sockets and its connection file

So one student's kernel never sees another's notebook (a batch folder is not its cwd), files it
plants in its home (an IPython startup script) die with it, and nothing of the grader's own home
or temp dir is shared. Without a sandbox the kernel runs as the grader's user and could reach
the root anyway; the split is for sandboxing launchers, which bind only ``scratch/`` and ``ipc/``.

A workspace is removed when grading ends, also when it raises (``close``, or ``with``); those a
killed grader left behind are swept when the next one is created.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from grader.execution import cleanup

PREFIX = "grader-ws-"
#: The longest unix socket path: ``sun_path`` holds 108 bytes, the terminating NUL included.
MAX_SOCKET_PATH = 107
#: jupyter_client names each socket ``<stem>-<n>`` with a small n; this allows for five digits.
_SOCKET_SUFFIX = "-99999"
_SOCKET_STEM = "kernel"
_MKDTEMP_NAME = PREFIX + "x" * 8  # mkdtemp's random part is eight characters


class Workspace:
    """One kernel's scratch directory, with its own copy of the submission. Use ``create``."""

    def __init__(self, root: Path, submission_name: str) -> None:
        self.root = root
        self.scratch = root / "scratch"
        self.cwd = self.scratch / "work"
        self.home = self.scratch / "home"
        self.tmp = self.scratch / "tmp"
        self.sockets = root / "ipc"
        self.submission = self.cwd / submission_name
        self._closed = False

    @classmethod
    def create(cls, submission: Path, *, base: Path | None = None) -> Workspace:
        """Sweep abandoned workspaces, then make a new one under ``base`` (the temp dir by default).

        Raises ``ValueError`` when ``base`` is too long a path for the kernel's unix sockets.
        """
        if base is None:
            base = _default_base()
        elif not _sockets_fit(base):
            raise ValueError(f"{base} is too long a path for unix sockets; choose a shorter one")
        cleanup.sweep(base, PREFIX)
        workspace = cls(Path(tempfile.mkdtemp(prefix=PREFIX, dir=base)), submission.name)
        try:
            cleanup.claim(workspace.root)
            for directory in (workspace.scratch, workspace.cwd, workspace.home, workspace.tmp,
                              workspace.sockets):
                directory.mkdir(mode=0o700)
            shutil.copyfile(submission, workspace.submission)
        except BaseException:
            workspace.close()
            raise
        return workspace

    @property
    def ipython_dir(self) -> Path:
        return self.home / ".ipython"

    @property
    def socket_stem(self) -> Path:
        """What jupyter_client's ``ip`` is for the ``ipc`` transport: sockets are ``<stem>-<n>``."""
        return self.sockets / _SOCKET_STEM

    @property
    def connection_file(self) -> Path:
        return self.sockets / f"{_SOCKET_STEM}.json"

    @property
    def closed(self) -> bool:
        return self._closed

    def adopt(self, pid: int) -> None:
        """Record a kernel process started here, so a sweep can kill it if this grader dies."""
        cleanup.adopt(self.root, pid)

    def close(self) -> None:
        """Remove the workspace and everything the kernel left in it. Safe to call twice.

        Kill the kernel first: a live one could keep writing while the tree is removed.
        """
        if not self._closed:
            self._closed = True
            cleanup.release(self.root)
            cleanup.remove_tree(self.root)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r}{', closed' if self._closed else ''})"


def _default_base() -> Path:
    """The system temp dir, or ``/tmp`` where TMPDIR is too long a path for the sockets."""
    base = Path(tempfile.gettempdir())
    return base if _sockets_fit(base) else Path("/tmp")


def _sockets_fit(base: Path) -> bool:
    longest = base / _MKDTEMP_NAME / "ipc" / (_SOCKET_STEM + _SOCKET_SUFFIX)
    return len(os.fsencode(longest)) <= MAX_SOCKET_PATH
