"""``grader batch``: a whole class in one command, resumable.

Finds who each submission belongs to (``grader.batch``: folders, LMS downloads, zips, validated
before anything is extracted), grades them ``--jobs`` at a time (``grader.batch.runner``), and
commits each result to the gradebook the moment it is graded (``grader.gradebook``), so a crash
loses at most what was in flight and running the same command again grades only what is not graded
yet. Exports and the class dashboard come from the gradebook (``grader export``).
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from grader.frontends import messages as say
from grader.frontends.cli.exits import EXIT_OK, EXIT_USAGE
from grader.frontends.cli.options import add_options, course_epilog, grade_options, settings_from
from grader.frontends.cli.output import fail
from grader.frontends.cli.progress import BatchProgress
from grader.options import with_default

if TYPE_CHECKING:
    from grader.batch import Found, Located
    from grader.batch.runner import Outcome
    from grader.gradebook import Gradebook

NAME = "batch"
HELP = say.HELP_BATCH
DEFAULT_OUT = "grades"


def register(parser: argparse.ArgumentParser) -> None:
    """Give the ``batch`` subcommand its arguments."""
    from grader.batch.runner import default_jobs

    parser.add_argument("sources", metavar="SOURCE", nargs="+", help=say.HELP_SOURCES)
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path(DEFAULT_OUT),
                        help=with_default(say.HELP_BATCH_OUT, DEFAULT_OUT))
    parser.add_argument("--roster", metavar="FILE.csv", type=Path,
                        help=with_default(say.HELP_ROSTER, say.DEFAULT_ROSTER))
    parser.add_argument("--jobs", metavar="N", type=int, default=default_jobs(),
                        help=with_default(say.HELP_JOBS, say.DEFAULT_JOBS))
    parser.add_argument("--regrade", action="store_true",
                        help=with_default(say.HELP_REGRADE, say.DEFAULT_REGRADE))
    add_options(parser)
    course_epilog(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Find, grade what is not graded yet, record; 0 once the batch completed."""
    from grader.batch import find_submissions, read_roster
    from grader.batch.runner import grade_all
    from grader.catalog.hints import hint_catalog
    from grader.catalog.registry import load_pack
    from grader.gradebook import Gradebook, HandIn, installed_grader_version, resume_key

    if args.jobs < 1:
        fail(say.BAD_JOBS.format(jobs=args.jobs))
        return EXIT_USAGE
    settings = settings_from(args)
    options = grade_options(settings)
    pack = load_pack(settings["pack"])  # an unknown --pack stops here, before anything is found
    hints = hint_catalog(pack)
    roster = read_roster(args.roster) if args.roster else None
    args.out.mkdir(parents=True, exist_ok=True)
    found = find_submissions(args.sources, args.out / "work", roster)
    for line in (*found.rejected, *(_unrecognised(p) for p in found.unrecognised)):
        print(line, file=sys.stderr)
    if not found.submissions and not found.missing:
        fail(say.NOTHING_FOUND)
        return EXIT_USAGE
    # The pack ships with the grader, so its version is the grader's; its name tells two packs
    # graded into one gradebook apart, for resuming and for which result counts.
    version = f"{pack.id} {installed_grader_version()}"
    command = shlex.join(["grader", "batch", *sys.argv[2:]]) if sys.argv[1:2] == ["batch"] else NAME
    with Gradebook.open(args.out / "gradebook.sqlite") as gradebook:
        students = [*(roster.students if roster else ()), *(s.student for s in found.submissions)]
        gradebook.add_students(students)
        gradebook.begin_batch(command, seed=options.seed, pack_version=version,
                              torch_version=_torch_version())
        done = set() if args.regrade else gradebook.done_by_student()
        # Each file is read and hashed once: for the resume key here, and for its record below.
        hashed = [(s, _sha256(s.path)) for s in found.submissions]
        gradebook.hand_in([
            *(HandIn(s.student, str(s.path), sha, s.late) for s, sha in hashed),
            *(HandIn(s.student, str(path), _sha256(path), counts=False)
              for s in found.submissions for path in s.earlier),
        ])
        todo = [(s, sha) for s, sha in hashed
                if (s.student.id, resume_key(sha, pack_version=version, seed=options.seed)) not in done]
        print(say.BATCH_START.format(todo=len(todo), total=len(found.submissions), jobs=args.jobs,
                                     skipped=len(found.submissions) - len(todo)))

        with BatchProgress(len(todo)) as progress:

            def record(outcome: Outcome[tuple[Located, str]]) -> None:
                located, sha256 = outcome.item
                gradebook.record(located.student, str(located.path), sha256, outcome.result,
                                 status=outcome.status, late=located.late, duration=outcome.duration,
                                 reason=outcome.reason, seed=options.seed, pack_version=version,
                                 hint_id=hints.id_of)
                progress.done(_progress_line(outcome), ok=outcome.status == "graded")

            try:
                grade_all(todo, lambda item: item[0].path, options, record, jobs=args.jobs, pack=pack)
            except KeyboardInterrupt:
                print(say.BATCH_INTERRUPTED.format(command=command), file=sys.stderr)
                raise
        _summary(gradebook, found, args.out)
    return EXIT_OK


def _unrecognised(path: str) -> str:
    """One line per file left out; a zip found inside a source says how to have it opened."""
    archive = path.lower().endswith(".zip")
    return (say.UNRECOGNISED_ARCHIVE if archive else say.UNRECOGNISED).format(path=path)


def _torch_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("torch")
    except PackageNotFoundError:
        return ""


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _progress_line(outcome: Outcome[tuple[Located, str]]) -> str:
    result = outcome.result
    score = f"{result.points:g}/{result.max_points:g}" if result is not None and result.error is None else ""
    return say.BATCH_LINE.format(student=outcome.item[0].student.id, status=outcome.status, score=score,
                                 seconds=outcome.duration)


def _summary(gradebook: Gradebook, found: Found, out: Path) -> None:
    """Graded, missing, unusable, timed out, mean and median score, and where every file is."""
    entries = gradebook.entries()
    counts = {status: sum(e.status == status for e in entries)
              for status in ("graded", "missing", "unusable", "timeout", "ungraded")}
    scores = [100.0 * e.result.points / e.result.max_points for e in entries
              if e.status == "graded" and e.result is not None and e.result.max_points > 0]
    mean = f"{statistics.mean(scores):.1f}%" if scores else "-"
    median = f"{statistics.median(scores):.1f}%" if scores else "-"
    print(say.BATCH_SUMMARY.format(**counts, mean=mean, median=median,
                                   unrecognised=len(found.unrecognised), rejected=len(found.rejected),
                                   gradebook=out / "gradebook.sqlite"))
