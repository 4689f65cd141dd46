"""``grader export``: a graded class, read back from its gradebook, in the form an LMS or a teacher
wants; nothing is graded again, so an export is as fast as its files are to write."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from grader.frontends import messages as say
from grader.frontends.cli.exits import EXIT_OK, EXIT_USAGE
from grader.frontends.cli.options import add_options, course_epilog, grade_options, settings_from
from grader.frontends.cli.output import fail
from grader.options import FEEDBACK, with_default

if TYPE_CHECKING:
    from grader.catalog.hints import Hint
    from grader.results.cohort import ClassEntry

NAME = "export"
HELP = say.HELP_EXPORT
#: Each format and where it goes when -o is not given, inside the gradebook's folder.
FORMATS = {"csv": "grades.csv", "canvas": "canvas.csv", "gradescope": "gradescope", "reports": "reports",
           "dashboard": "class.html"}
DEFAULT_ASSIGNMENT = "Convolutions for Images"


def register(parser: argparse.ArgumentParser) -> None:
    """Give the ``export`` subcommand its arguments."""
    parser.add_argument("gradebook", metavar="GRADEBOOK", type=Path, help=say.HELP_GRADEBOOK)
    parser.add_argument("--format", choices=tuple(FORMATS), required=True, help=say.HELP_EXPORT_FORMAT)
    defaults = ", ".join(f"{fmt}: {name}" for fmt, name in FORMATS.items())
    parser.add_argument("-o", "--output", metavar="OUT", type=Path, help=with_default(
        say.HELP_EXPORT_OUTPUT, f"beside the gradebook ({defaults})"))
    parser.add_argument("--assignment", metavar="NAME", default=DEFAULT_ASSIGNMENT,
                        help=with_default(say.HELP_ASSIGNMENT, repr(DEFAULT_ASSIGNMENT)))
    add_options(parser, (FEEDBACK,))
    course_epilog(parser, (FEEDBACK,))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read every student's row, write the format; 2 if the gradebook or the output is unusable."""
    from grader.gradebook import Gradebook, exports

    if not args.gradebook.is_file():
        fail(say.NO_GRADEBOOK.format(path=args.gradebook))
        return EXIT_USAGE
    feedback = grade_options(settings_from(args)).feedback
    with Gradebook.open(args.gradebook) as gradebook:
        read = gradebook.read()
        entries = read.entries
        ungraded = sum(entry.status == "ungraded" for entry in entries)
        if ungraded:
            commands = " ; then: ".join(gradebook.resume_commands(read))
            print(say.UNGRADED_IN_EXPORT.format(count=ungraded, command=commands), file=sys.stderr)
    out: Path = args.output or args.gradebook.parent / FORMATS[args.format]
    if args.format == "csv":
        exports.write_csv(entries, out)
    elif args.format == "canvas":
        exports.write_canvas(entries, out, args.assignment)
    elif args.format == "gradescope":
        exports.write_gradescope(entries, out, feedback=feedback)
    elif args.format == "reports":
        exports.write_reports(entries, out, feedback=feedback)
    else:
        from grader.files import write_text_atomic
        from grader.reports.dashboard import render_dashboard

        # The page links each student's report: written beside it, as --format reports would.
        written = exports.write_reports(entries, out.parent / FORMATS["reports"], feedback=feedback)
        links = {sid: paths[0].relative_to(out.parent).as_posix() for sid, paths in written.items()}
        write_text_atomic(out, render_dashboard(entries, title=args.assignment, report_links=links,
                                                identify=_hint_catalog(entries)))
    print(say.EXPORTED.format(what=args.format, count=len(entries), path=out))
    return EXIT_OK


def _hint_catalog(entries: Sequence[ClassEntry]) -> Callable[[str], Hint] | None:
    """The templates of the pack the class was graded with, to count misconceptions rather than
    sentences; None (hints counted as written) when that pack is not installed here."""
    from grader.catalog.hints import hint_catalog
    from grader.catalog.registry import load_pack
    from grader.errors import GraderError

    pack = next((e.result.pack for e in entries if e.result is not None), None)
    try:
        return hint_catalog(load_pack(pack)).identify
    except GraderError:
        return None

