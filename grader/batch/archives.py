"""Zip archives, hostile until proven otherwise: every member validated before anything is extracted.

An LMS download is a zip whose member names students chose in part, and a zip can say anything:
``../../.bashrc``, ``/etc/passwd``, ``a\\..\\b`` (a Windows path), a symlink (its Unix mode in
``external_attr``), the same name twice (``zipfile.extractall`` lets the later copy overwrite the
earlier one), or 250 KB that inflates to gigabytes. So the archive is read whole first: too many
members or too many bytes in all reject the archive; a member with an unsafe name or type, a
duplicated name or a bomb's compression ratio is rejected on its own, with one line saying why,
and the rest are extracted. Extraction writes only into a fresh folder under the work folder,
checks every resolved target lies inside it, creates files without following links
(``O_EXCL | O_NOFOLLOW``) and never writes more than a member declared.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from grader.batch import messages

__all__ = [
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "RATIO_FLOOR_BYTES",
    "Extracted",
    "extract_archive",
]

#: Bytes an archive may expand to in all: a class's notebooks are a few MB; 200 MB is generous.
MAX_TOTAL_BYTES = 200 * 1024 * 1024
#: Members an archive may hold: a class of several hundred with a few files each.
MAX_MEMBERS = 5000
#: Uncompressed to compressed size a member may reach: notebooks and code compress 3 to 10 times,
#: a bomb a thousand times.
MAX_RATIO = 100
#: The ratio is judged only for members larger than this: a small file of blanks compresses past
#: the ratio honestly, and the total cap bounds what small members can do.
RATIO_FLOOR_BYTES = 1024 * 1024

_CHUNK = 1024 * 1024
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Extracted:
    """What came of one archive: the folder its accepted members are in (None when the whole
    archive was refused), and one line per refusal."""

    root: Path | None
    rejected: tuple[str, ...]


def extract_archive(archive: Path, work_dir: Path) -> Extracted:
    """Validate every member of ``archive``, then extract the accepted ones into a new folder under
    ``work_dir``. Never raises for a hostile or broken archive: it says why in ``rejected``."""
    name = str(archive)
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            refused = _refuse_archive(name, infos)
            if refused:
                return Extracted(None, (refused,))
            accepted, rejected = _validate_members(name, infos)
            root = _fresh_folder(work_dir, archive.stem)
            rejected += _extract(zf, accepted, root, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        return Extracted(None, (messages.NOT_A_ZIP.format(archive=name, reason=_one_line(error)),))
    return Extracted(root, tuple(rejected))


def _refuse_archive(name: str, infos: list[zipfile.ZipInfo]) -> str:
    """The reason to refuse the whole archive before looking at members one by one, or ''."""
    if len(infos) > MAX_MEMBERS:
        return messages.TOO_MANY_MEMBERS.format(archive=name, count=len(infos), limit=MAX_MEMBERS)
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        return messages.TOO_LARGE.format(archive=name, size=total, limit=MAX_TOTAL_BYTES)
    return ""


def _validate_members(name: str, infos: list[zipfile.ZipInfo]) -> tuple[list[zipfile.ZipInfo], list[str]]:
    """Split the members into those safe to extract and one-line reasons for the others."""
    counts = Counter(_normalised(info.filename) for info in infos)
    accepted: list[zipfile.ZipInfo] = []
    rejected: list[str] = []
    for info in infos:
        reason = _member_problem(info)
        count = counts[_normalised(info.filename)]
        if not reason and count > 1:
            reason = messages.REASON_DUPLICATE.format(count=count)
        if reason:
            rejected.append(_member_line(name, info, reason))
        elif not info.is_dir():
            accepted.append(info)
    return accepted, rejected


def _normalised(filename: str) -> str:
    """The name as a file system would see it: ``a/b`` and ``a//b/`` or a composed and decomposed
    accent are one file, so they count as duplicates."""
    parts = [part for part in filename.split("/") if part not in ("", ".")]
    return unicodedata.normalize("NFC", "/".join(parts)).casefold()


def _member_problem(info: zipfile.ZipInfo) -> str:
    """Why this member must not be extracted, or ''."""
    filename = info.filename
    if "\\" in filename:
        return messages.REASON_BACKSLASH
    if filename.startswith("/") or PurePosixPath(filename).is_absolute():
        return messages.REASON_ABSOLUTE
    if PureWindowsPath(filename).drive:
        return messages.REASON_DRIVE
    parts = filename.rstrip("/").split("/")
    if ".." in parts:
        return messages.REASON_PARENT
    if not filename.strip("/") or any(not part or _has_control(part) for part in parts):
        return messages.REASON_EMPTY_PART
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return messages.REASON_SYMLINK
    if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return messages.REASON_SPECIAL
    if info.flag_bits & 0x1:
        return messages.REASON_ENCRYPTED
    if info.file_size > RATIO_FLOOR_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            return messages.REASON_RATIO.format(ratio=ratio, limit=MAX_RATIO)
    return ""


def _has_control(part: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in part)


def _fresh_folder(work_dir: Path, stem: str) -> Path:
    """A new folder under ``work_dir/archives`` for one archive, never one that already exists."""
    parent = work_dir / "archives"
    parent.mkdir(parents=True, exist_ok=True)
    safe = "".join(char if char.isalnum() or char in "-_." else "_" for char in stem)[:60] or "archive"
    for number in range(1, 10_000):
        candidate = parent / f"{number:03d}-{safe}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise OSError(f"no free folder name under {parent}")


def _extract(zf: zipfile.ZipFile, accepted: list[zipfile.ZipInfo], root: Path, name: str) -> list[str]:
    """Write the accepted members under ``root``; a member that cannot be written is reported, and
    a half-written one removed."""
    rejected: list[str] = []
    resolved_root = root.resolve()
    for info in accepted:
        target = resolved_root.joinpath(*info.filename.split("/"))
        reason = ""
        if not target.resolve().is_relative_to(resolved_root):
            reason = messages.REASON_OUTSIDE
        else:
            try:
                _write_member(zf, info, target, resolved_root)
            except (FileExistsError, NotADirectoryError):
                reason = messages.REASON_COLLIDES
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
                target.unlink(missing_ok=True)
                rejected.append(messages.CANNOT_EXTRACT.format(archive=f"{name}:{info.filename}",
                                                               reason=_one_line(error)))
        if reason:
            rejected.append(_member_line(name, info, reason))
    return rejected


def _write_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, root: Path) -> None:
    """Copy one member to ``target``, stopping at its declared size, and give it the archive's
    modification time (the order of a student's files when the LMS gives none)."""
    _make_parents(target.parent, root)
    descriptor = os.open(target, _CREATE_FLAGS, 0o644)
    with os.fdopen(descriptor, "wb") as out, zf.open(info) as member:
        left = info.file_size
        while left > 0:
            chunk = member.read(min(_CHUNK, left))
            if not chunk:
                break
            out.write(chunk)
            left -= len(chunk)
    try:
        stamp = time.mktime((*info.date_time, 0, 0, -1))
        os.utime(target, (stamp, stamp), follow_symlinks=False)
    except (OverflowError, ValueError, OSError):
        pass  # a nonsense date in the archive: the file keeps the time of extraction


def _make_parents(folder: Path, root: Path) -> None:
    """Create the folders down to ``folder``, refusing any that is a link (none should be: only
    this extraction writes under ``root``)."""
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            raise NotADirectoryError(str(current))
        current.mkdir(exist_ok=True)


def _member_line(name: str, info: zipfile.ZipInfo, reason: str) -> str:
    return messages.MEMBER_REJECTED.format(archive=name, member=info.filename, reason=reason)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]
