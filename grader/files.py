"""Writing output files (results, reports) so that what is already at the path cannot subvert it.

An output folder may hold what a submission planted there: a ``result.json`` symlink pointing at
a file the grader may write, or a read-only forged ``result.json``. Writing in place would follow
the link, or fail and leave the forgery. Instead the text goes to a new file created beside the
target (``O_CREAT | O_EXCL | O_NOFOLLOW``, so nothing already there is opened), is flushed to disk,
and then ``os.replace`` renames it onto the target in one step: a symlink is replaced, not followed,
a read-only file is replaced where the folder allows it, and a reader sees the old file or the
new one, never half of it. On any failure the temporary file is removed and an ``OSError`` naming
the target is raised.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets

__all__ = ["write_bytes_atomic", "write_text_atomic"]

#: ``rw-r--r--`` before the umask, as ``open()`` would create the file.
FILE_MODE = 0o644
_TEMP_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
)
_ATTEMPTS = 8


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace whatever is at ``path`` with ``text`` in UTF-8, without following a symlink there.

    Raises ``OSError`` (with ``filename`` the target) when the folder is missing or not writable,
    or ``path`` is a folder; nothing is left behind then.
    """
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace whatever is at ``path`` with ``data``; see :func:`write_text_atomic`."""
    target = os.fspath(path)
    folder, name = os.path.split(target)
    if not name:  # "out/": the name of a folder, never a file's
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
    try:
        fd, temporary = _create_beside(folder, name)
    except OSError as exc:
        raise _about(exc, target) from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise _about(exc, target) from exc
        raise
    _sync_folder(folder)


def _create_beside(folder: str, name: str) -> tuple[int, str]:
    """A new file in ``folder`` that no one else had: a fresh random name, created exclusively."""
    for _ in range(_ATTEMPTS):
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, _TEMP_FLAGS, FILE_MODE), temporary
        except FileExistsError:
            continue  # someone holds that name (or planted it): draw another
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.path.join(folder, name))


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable; best effort, as some file systems cannot sync a folder."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _about(exc: OSError, target: str) -> OSError:
    """The same error, about the file the caller named rather than our temporary one."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), target)
