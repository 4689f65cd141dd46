"""Leaving nothing behind: removing what a kernel wrote, and what a killed grader could not remove.

A kernel runs the student's code, so the tree it leaves may be booby-trapped: directories it made
unreadable, read-only files, names no terminal can print, nesting deeper than Python's recursion
limit (``shutil.rmtree`` recurses per level in 3.11). ``remove_tree`` copes with all of these.

A grader killed with SIGKILL cannot remove its workspaces or kill its kernels (they run in their
own session and, by design, do not watch for their parent). So each workspace records who owns it
and which kernel processes it holds; a later grader's ``sweep`` removes workspaces whose owner is
gone and kills their kernels first. Processes are named by pid *and* start time, so a reused pid
is never mistaken for the original owner, and a sweep never kills a stranger.

A grader that is stopped while it grades (Ctrl-C in a batch) kills its own kernels at once with
``kernels_stopped``: waiting for each in-flight submission to finish could take its whole budget.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

#: Who owns a workspace: the grader process's identity (see ``process_identity``).
OWNER_RECORD = "owner"
#: The kernel processes started in a workspace, one identity a line.
PROCESS_RECORD = "processes"
#: A workspace with no owner record yet may be one another grader is creating this instant.
UNCLAIMED_GRACE_SECONDS = 60.0

#: The workspaces this process holds now (claimed, not yet released), for ``kernels_stopped``.
_held: set[Path] = set()
_held_lock = threading.Lock()
#: Set while ``kernels_stopped`` runs: no workspace is claimed, a kernel adopted is killed.
_stopping = threading.Event()


class KernelsStopped(RuntimeError):
    """No kernel may start now: this process is stopping the ones it runs."""


def process_identity(pid: int) -> str | None:
    """``"pid:start-time"`` of a live process, or None when there is no such process.

    The start time (in clock ticks since boot, from ``/proc``) tells a process from a later one
    that was given the same pid. Without ``/proc`` the pid alone has to do.
    """
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return _pid_only_identity(pid)
    # The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
    fields = raw[raw.rindex(b")") + 2 :].split()
    return f"{pid}:{fields[19].decode()}"  # field 22 of proc(5), counted after the name


def _pid_only_identity(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # someone else's process, but alive
    return str(pid)


def claim(root: Path) -> None:
    """Record this process as the owner of ``root``; refused (``KernelsStopped``) while this
    process stops its kernels."""
    if _stopping.is_set():
        raise KernelsStopped("the grader is stopping")
    identity = process_identity(os.getpid())
    # Written whole or not at all: a sweep beside it must never read half an owner.
    partial = root / f".{OWNER_RECORD}.partial"
    partial.write_text(f"{identity}\n")
    os.replace(partial, root / OWNER_RECORD)
    with _held_lock:
        _held.add(root)


def release(root: Path) -> None:
    """``root`` is no longer this process's to stop (its workspace is being removed)."""
    with _held_lock:
        _held.discard(root)


def adopt(root: Path, pid: int) -> None:
    """Record a kernel process started for ``root``, so a sweep can end it if we cannot.

    A kernel that started while this process was stopping its kernels is killed at once: it was
    launched from a workspace claimed just before the stop and missed by it.
    """
    identity = process_identity(pid)
    if identity is not None:
        with (root / PROCESS_RECORD).open("a") as records:
            records.write(f"{identity}\n")
    if _stopping.is_set():
        _kill_recorded(root)


@contextlib.contextmanager
def kernels_stopped() -> Iterator[None]:
    """Kill every kernel this process runs, and start none until the block ends.

    What graded in them then fails fast (its kernel gone, no new one allowed) and should be
    thrown away by the caller: it says nothing about the student's code. The caller ends the block
    only once nothing that could start a kernel runs any more.
    """
    _stopping.set()
    try:
        kill_own_kernels()
        yield
    finally:
        _stopping.clear()


def kill_own_kernels() -> None:
    """SIGKILL the kernels of every workspace this process holds now."""
    with _held_lock:
        roots = list(_held)
    for root in roots:
        _kill_recorded(root)


def sweep(base: Path, prefix: str) -> None:
    """Remove this user's workspaces under ``base`` whose grader is gone, killing their kernels.

    Best effort and quiet: another grader may be sweeping the same directory at the same time.
    """
    try:
        entries = list(os.scandir(base))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(prefix) and _abandoned(Path(entry.path)):
            _kill_recorded(Path(entry.path))
            remove_tree(Path(entry.path))


def _abandoned(root: Path) -> bool:
    try:
        info = root.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        return False  # a symlink planted in /tmp, or another user's: never ours to remove
    try:
        owner = (root / OWNER_RECORD).read_text().strip()
    except OSError:
        owner = ""
    pid, _, _ = owner.partition(":")
    if not pid.isdigit():
        # No owner yet, or one being written this instant (another thread's claim): young is not
        # abandoned.
        return time.time() - info.st_mtime > UNCLAIMED_GRACE_SECONDS
    return process_identity(int(pid)) != owner


def _kill_recorded(root: Path) -> None:
    try:
        records = (root / PROCESS_RECORD).read_text().split()
    except OSError:
        return
    for identity in records:
        pid, _, _ = identity.partition(":")
        if pid.isdigit() and int(pid) > 1 and process_identity(int(pid)) == identity:
            # Kernels lead their own session, so their process group is their pid.
            with contextlib.suppress(OSError):
                os.killpg(int(pid), signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(int(pid), signal.SIGKILL)


def remove_tree(path: Path) -> bool:
    """Remove a directory tree a hostile kernel had its hands on; True when it is gone.

    First ``shutil.rmtree``, making each directory writable and searchable and retrying where
    permission was refused. What that cannot remove (a tree deeper than the recursion limit)
    goes to coreutils, whose traversal has no depth limit. Never follows a symlink.
    """
    try:
        if not stat.S_ISDIR(path.lstat().st_mode):
            path.unlink()
            return True
        _rmtree(path)
    except FileNotFoundError:
        return True
    except (OSError, RecursionError):
        _remove_with_coreutils(path)
    return not os.path.lexists(path)


def _rmtree(path: Path) -> None:
    """``shutil.rmtree`` with ``_allow_and_retry`` as its error handler (renamed in 3.12)."""
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_allow_and_retry)
    else:
        shutil.rmtree(path, onerror=lambda step, failed, info: _allow_and_retry(step, failed, info[1]))


def _allow_and_retry(function: object, failed: str, error: BaseException) -> None:
    """``rmtree``'s error handler: chmod what refused us, then take the step again.

    A directory that could not be opened or listed is removed whole by a nested ``rmtree``
    (``rmtree`` itself would skip it); an entry that could not be unlinked is unlinked again
    once its directory is writable.
    """
    if isinstance(error, FileNotFoundError):
        return  # removed meanwhile (another sweep, or the kernel itself)
    if not isinstance(error, PermissionError):
        raise error
    target = Path(failed)
    for directory in (target.parent, target):
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(directory.lstat().st_mode):
                directory.chmod(stat.S_IRWXU)
    if function in (os.open, os.scandir):
        _rmtree(target)
    elif function is os.unlink:
        os.unlink(target)
    elif function is os.rmdir:
        os.rmdir(target)
    else:
        raise error


def _remove_with_coreutils(path: Path) -> None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(["chmod", "-R", "u+rwx", "--", str(path)], capture_output=True, timeout=120)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(["rm", "-rf", "--", str(path)], capture_output=True, timeout=120)
