"""Finding a class's submissions: from the sources an instructor names to one submission per student.

Sources are files, folders, glob patterns and zip archives, as an LMS downloads them. A zip is
validated and extracted under the work folder (``archives.py``); a folder is read by its layout
(``layouts.py``); a loose file is named by its LMS file name or its stem. Then each student's
submissions are ordered (the LMS's own order, then the file's modification time) and the latest
counts; the roster, when given, names every student and says who is missing. Nothing is dropped
silently: files that are not submissions are ``unrecognised``, refused archives, members and
sources are ``rejected``, each with a one-line reason.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.batch import messages
from grader.batch.archives import extract_archive
from grader.batch.layouts import GRADESCOPE_METADATA, IGNORED_NAMES, Candidate, classify_file, scan_folder
from grader.batch.roster import Roster
from grader.results.cohort import Student

__all__ = ["Found", "Located", "find_submissions"]

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Located:
    """The submission that counts for one student, and the others they made.

    ``late`` is the LMS's own late marker; ``earlier`` are the student's other submission files,
    oldest first, recorded but not graded; ``layout`` names the layout that said whose it is.
    """

    path: Path
    student: Student
    late: bool = False
    earlier: tuple[Path, ...] = ()
    layout: str = "file"


@dataclass(frozen=True)
class Found:
    """Everything the sources held: the submissions that count (in student order), the roster's
    students with none, files that are no submission, and one-line reasons for what was refused."""

    submissions: tuple[Located, ...]
    missing: tuple[Student, ...] = ()
    unrecognised: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()


def find_submissions(sources: Sequence[str | Path], work_dir: Path, roster: Roster | None) -> Found:
    """Find every submission in ``sources`` and whose it is. Archives are extracted only under
    ``work_dir``; a source that cannot be used is reported in ``rejected``, never raised."""
    candidates: list[Candidate] = []
    unrecognised: list[str] = []
    rejected: list[str] = []
    for path in _expand(sources, rejected):
        try:
            _read_source(path, work_dir, candidates, unrecognised, rejected)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            rejected.append(messages.CANNOT_READ_SOURCE.format(source=path, reason=reason))
    submissions = _latest_per_student(candidates, roster)
    missing: tuple[Student, ...] = ()
    if roster is not None:
        present = {located.student.id for located in submissions}
        missing = tuple(student for student in roster.students if student.id not in present)
    return Found(submissions, missing, tuple(unrecognised), tuple(rejected))


def _expand(sources: Sequence[str | Path], rejected: list[str]) -> list[Path]:
    """The paths the sources name, each once, in the order given; a pattern expands sorted."""
    paths: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.exists() or path.is_symlink():
            matches = [path]
        elif _GLOB_CHARACTERS & set(str(source)):
            matches = [Path(name) for name in sorted(glob.glob(str(source)))]
        else:
            matches = []
        if not matches:
            rejected.append(messages.NO_SUCH_SOURCE.format(source=source))
        paths.extend(match for match in matches if match not in paths)
    return paths


def _read_source(path: Path, work_dir: Path, candidates: list[Candidate], unrecognised: list[str],
                 rejected: list[str]) -> None:
    """Add what one source holds to the lists."""
    # The source itself is the instructor's own path, so a link there is followed; inside it, never.
    if path.is_dir():
        scanned, shown_as = scan_folder(path), ""
    elif path.is_file() and path.suffix.lower() == ".zip":
        extracted = extract_archive(path, work_dir)
        rejected.extend(extracted.rejected)
        if extracted.root is None:
            return
        scanned, shown_as = scan_folder(_unwrapped(extracted.root)), str(extracted.root)
    else:
        found = classify_file(path) if path.is_file() else None
        if found is None:
            unrecognised.append(str(path))
        else:
            candidates.append(found)
        return
    candidates.extend(scanned.candidates)
    rejected.extend(scanned.problems)
    for member in scanned.unrecognised:
        # A member of an archive is named as the archive and its name inside, not the work folder.
        inside = member.relative_to(shown_as).as_posix() if shown_as else ""
        unrecognised.append(f"{path}:{inside}" if shown_as else str(member))


def _unwrapped(root: Path) -> Path:
    """The class folder inside an archive: an archive often wraps it in one folder
    (``assignment_123_export/``, ``conv-submissions/``), which is skipped when it holds folders or
    Gradescope's metadata, so that a lone student's ``alice/conv.ipynb`` stays hers."""
    entries = [entry for entry in root.iterdir() if entry.name not in IGNORED_NAMES]
    if len(entries) != 1 or not _is_folder(entries[0]):
        return root
    inner = [entry for entry in entries[0].iterdir() if entry.name not in IGNORED_NAMES]
    wraps = any(_is_folder(entry) or _lms_named(entry) or entry.name == GRADESCOPE_METADATA
                for entry in inner)
    return entries[0] if wraps else root


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _lms_named(path: Path) -> bool:
    """Whether a file's name says whose it is (Canvas, Moodle), as a student's own file's does not."""
    found = classify_file(path) if path.is_file() and not path.is_symlink() else None
    return found is not None and found.layout != "file"


def _latest_per_student(candidates: list[Candidate], roster: Roster | None) -> tuple[Located, ...]:
    """One :class:`Located` per student: the latest of their files counts, the others are earlier."""
    by_student: dict[str, list[Candidate]] = {}
    students: dict[str, Student] = {}
    for candidate in candidates:
        student = candidate.student
        if roster is not None:
            student = roster.match(candidate.keys) or student
        by_student.setdefault(student.id, []).append(candidate)
        students.setdefault(student.id, student)
    located: list[Located] = []
    for student_id, files in by_student.items():
        ordered = sorted(files, key=lambda found: (found.order, found.mtime, str(found.path)))
        latest = ordered[-1]
        earlier = tuple(dict.fromkeys(found.path for found in ordered[:-1] if found.path != latest.path))
        located.append(Located(latest.path, students[student_id], latest.late, earlier, latest.layout))
    return tuple(sorted(located, key=lambda found: (found.student.name.casefold(), found.student.id)))
