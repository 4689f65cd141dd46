"""Who each file of a class folder belongs to, from the layouts instructors actually download.

- ``folder``: one folder per student, ``alice/conv.ipynb``.
- ``github-classroom``: clones named ``<assignment>-<login>/``; the assignment prefix is the part
  common to the folders' names, up to its last ``-``.
- ``canvas``: ``sortablename[_late]_USERID_SUBMISSIONID_original-name.ipynb``, a resubmitted file
  renamed ``name-1.ipynb``, ``name-2.ipynb``.
- ``moodle``: ``Full Name_12345_assignsubmission_file_/...`` (or the same prefix on a file).
- ``gradescope``: ``submission_NNNN/`` folders beside ``submission_metadata.yml``, which says who
  submitted each (``:submitters:`` with ``:sid:``, ``:name:``, ``:email:``) and when.
- ``file``: a loose ``alice.ipynb``, the student named by the file.

Each submission file becomes a :class:`Candidate` carrying the LMS's own order of a student's
submissions (Canvas's submission id and resubmission number, Gradescope's ``created_at``), which
the intake compares before the file's modification time. Only ``.ipynb`` and ``.py`` files are
submissions; every other file is handed back as unrecognised, except the noise of tools and
operating systems (``.git/``, ``__MACOSX/``, ``.ipynb_checkpoints/``, ...).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from grader.batch import messages
from grader.results.cohort import Student

__all__ = ["LAYOUTS", "SUBMISSION_SUFFIXES", "Candidate", "Scanned", "classify_file", "scan_folder"]

SUBMISSION_SUFFIXES = (".ipynb", ".py")
LAYOUTS = ("folder", "github-classroom", "canvas", "moodle", "gradescope", "file")
#: Names that tools and operating systems leave in a download: skipped, not unrecognised.
IGNORED_NAMES = frozenset({".git", ".github", "__MACOSX", ".ipynb_checkpoints", "__pycache__",
                           ".DS_Store", "Thumbs.db", "desktop.ini", ".venv", ".idea", ".vscode"})
GRADESCOPE_METADATA = "submission_metadata.yml"

_CANVAS = re.compile(r"^(?P<sortable>[^_]+)(?P<late>_late)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<name>.+)$",
                     re.IGNORECASE)
_RESUBMISSION = re.compile(r"^(?P<stem>.*?)-(?P<number>\d{1,3})$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_[a-z]+_(?P<rest>.*)$")
_GRADESCOPE_FOLDER = re.compile(r"^submission_\d+$")


@dataclass(frozen=True)
class Candidate:
    """One submission file and whose it is, as its layout says."""

    path: Path
    student: Student
    layout: str
    late: bool = False
    #: The LMS's order of this student's submissions (larger is later); empty where it gives none.
    order: tuple[float, ...] = ()
    #: Seconds since the epoch the file was last modified: the order when the LMS gives none.
    mtime: float = 0.0

    @property
    def keys(self) -> tuple[str, ...]:
        """Every id the student may be known by on a roster."""
        return tuple(key for key in (self.student.id, self.student.sis_id, self.student.email) if key)


@dataclass(frozen=True)
class Submitter:
    """One person on a Gradescope submission, as its metadata names them."""

    name: str = ""
    sid: str = ""
    email: str = ""


@dataclass(frozen=True)
class Scanned:
    """What a class folder holds: submissions with their owners, and every other file."""

    candidates: tuple[Candidate, ...]
    unrecognised: tuple[Path, ...]
    problems: tuple[str, ...] = ()


def is_submission(path: Path) -> bool:
    """Whether the file is of a kind the grader grades."""
    return path.suffix.lower() in SUBMISSION_SUFFIXES


def classify_file(path: Path) -> Candidate | None:
    """A loose submission file's owner from its name (Canvas, Moodle, else the file's stem), or None
    for a file that is not a submission."""
    if not is_submission(path):
        return None
    name = path.name
    canvas = _CANVAS.match(name)
    if canvas:
        original = Path(canvas["name"])
        again = _RESUBMISSION.match(original.stem)
        order = (float(canvas["sub"]), float(again["number"]) if again else 0.0)
        student = Student(id=canvas["user"], name=canvas["sortable"])
        return _candidate(path, student, "canvas", late=bool(canvas["late"]), order=order)
    moodle = _MOODLE.match(name)
    if moodle and moodle["rest"]:
        return _candidate(path, Student(id=moodle["id"], name=moodle["name"]), "moodle")
    return _candidate(path, Student(id=path.stem), "file")


def scan_folder(root: Path) -> Scanned:
    """Every file under a class folder, each attributed to a student by its layout or returned as
    unrecognised. Links are never followed: a link is unrecognised."""
    entries = sorted(root.iterdir())
    folders = [entry for entry in entries if _is_folder(entry) and entry.name not in IGNORED_NAMES]
    metadata_path = root / GRADESCOPE_METADATA
    submitters: _Metadata = {}
    problems: list[str] = []
    if metadata_path.is_file() and not metadata_path.is_symlink():
        submitters, problem = _read_metadata(metadata_path)
        problems.extend([problem] if problem else [])
    prefix = _classroom_prefix([entry.name for entry in folders if _owner_pattern(entry.name) is None])
    candidates: list[Candidate] = []
    unrecognised: list[Path] = []
    for entry in entries:
        if entry.name in IGNORED_NAMES or entry == metadata_path:
            continue
        if entry in folders:
            owners = _folder_owners(entry.name, prefix, submitters)
            for path in _files_under(entry, unrecognised):
                if not is_submission(path):
                    unrecognised.append(path)
                    continue
                for student, layout, order in owners:
                    candidates.append(_candidate(path, student, layout, order=order))
            continue
        found = classify_file(entry) if entry.is_file() and not entry.is_symlink() else None
        if found is None:
            unrecognised.append(entry)
        else:
            candidates.append(found)
    return Scanned(tuple(candidates), tuple(unrecognised), tuple(problems))


def _folder_owners(name: str, prefix: str,
                   submitters: _Metadata,
                   ) -> list[tuple[Student, str, tuple[float, ...]]]:
    """Who the files of one top-level folder belong to (several for a Gradescope group)."""
    kind = _owner_pattern(name)
    if kind == "gradescope":
        people, created = submitters.get(name, ([], None))
        order = (created,) if created is not None else ()
        students = [Student(id=person.sid or person.email or person.name or name, name=person.name,
                            email=person.email, sis_id=person.sid) for person in people]
        return [(student, "gradescope", order) for student in students or [Student(id=name)]]
    if kind == "moodle":
        moodle = _MOODLE.match(name)
        assert moodle is not None  # _owner_pattern matched it
        return [(Student(id=moodle["id"], name=moodle["name"]), "moodle", ())]
    if prefix and name.startswith(prefix) and len(name) > len(prefix):
        return [(Student(id=name[len(prefix):]), "github-classroom", ())]
    return [(Student(id=name), "folder", ())]


def _owner_pattern(name: str) -> str | None:
    if _GRADESCOPE_FOLDER.match(name):
        return "gradescope"
    moodle = _MOODLE.match(name)
    if moodle and not moodle["rest"]:
        return "moodle"
    return None


def _classroom_prefix(names: list[str]) -> str:
    """The assignment prefix GitHub Classroom puts before each login (``conv-lab-``), or '' when
    fewer than two folders share one."""
    if len(names) < 2:
        return ""
    # The common prefix of all the names is that of the first and last in sorted order.
    first, last = min(names), max(names)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))
    common = first[:size]
    cut = common.rfind("-")
    return common[:cut + 1] if cut > 0 else ""


def _files_under(folder: Path, unrecognised: list[Path]) -> list[Path]:
    """The regular files under ``folder``, noise skipped; links go to ``unrecognised``."""
    files: list[Path] = []
    def unreadable(error: OSError) -> None:  # a folder that cannot be listed is not dropped silently
        unrecognised.append(Path(error.filename or folder))

    for current, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=False):
        base = Path(current)
        for dirname in sorted(dirnames):
            if (base / dirname).is_symlink():
                unrecognised.append(base / dirname)
        dirnames[:] = sorted(name for name in dirnames
                             if name not in IGNORED_NAMES and not (base / name).is_symlink())
        for filename in sorted(filenames):
            path = base / filename
            if filename in IGNORED_NAMES:
                continue
            if path.is_symlink() or not path.is_file():
                unrecognised.append(path)
            else:
                files.append(path)
    return files


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _candidate(path: Path, student: Student, layout: str, *, late: bool = False,
               order: tuple[float, ...] = ()) -> Candidate:
    try:
        mtime = path.lstat().st_mtime
    except OSError:
        mtime = 0.0
    return Candidate(path, student, layout, late=late, order=order, mtime=mtime)


_Metadata = dict[str, tuple[list[Submitter], float | None]]
_MAX_METADATA_BYTES = 20 * 1024 * 1024
_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*([+-]\d{2}:?\d{2}|Z)?$")


def _read_metadata(path: Path) -> tuple[_Metadata, str]:
    """The submitters and time of each submission folder in Gradescope's ``submission_metadata.yml``,
    and a one-line problem ('' when none).

    Only the few fields needed are read, by a line reader over the shape Gradescope writes (a
    top-level ``submission_NNNN:`` key, ``:submitters:`` list items of ``:name:``, ``:sid:``,
    ``:email:``, and ``:created_at:``), so no YAML library is needed and nothing in the file can
    make the reader build objects; anything else in the file is ignored.
    """
    try:
        if path.stat().st_size > _MAX_METADATA_BYTES:
            raise ValueError(f"over {_MAX_METADATA_BYTES} bytes")
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = " ".join(str(error).split())[:200]
        return {}, messages.GRADESCOPE_METADATA_UNREADABLE.format(path=path, reason=reason)
    records: _Metadata = {}
    key, indent, in_submitters = "", -1, False
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip(" "))
        if depth == 0:
            key = _unquote(text[:-1]) if text.endswith(":") else ""
            indent, in_submitters = -1, False
            if key:
                records[key] = ([], None)
        elif key:
            indent = depth if indent < 0 else indent
            if depth == indent and not text.startswith("-"):
                in_submitters = text == ":submitters:"
                if text.startswith(":created_at:"):
                    records[key] = (records[key][0], _parse_timestamp(_unquote(text[12:])))
            elif in_submitters:
                _read_submitter_line(text, records[key][0])
    return records, ""


def _read_submitter_line(text: str, people: list[Submitter]) -> None:
    if text.startswith("- "):
        people.append(Submitter())
        text = text[2:].strip()
    if not people:
        return
    for field in ("name", "sid", "email"):
        tag = f":{field}:"
        if text.startswith(tag):
            value = _unquote(text[len(tag):])
            people[-1] = replace(people[-1], **{field: value})


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"')
    return value


def _parse_timestamp(text: str) -> float | None:
    """Gradescope's ``2024-02-01 10:00:00.123456000 -08:00`` as seconds since the epoch, or None."""
    found = _TIMESTAMP.match(text.strip())
    if not found:
        return None
    date, clock, fraction, zone = found.groups()
    zone = "+00:00" if zone in (None, "Z") else zone
    micro = (fraction or "0")[:6].ljust(6, "0")
    try:
        return datetime.fromisoformat(f"{date}T{clock}.{micro}{zone}").timestamp()
    except ValueError:
        return None
