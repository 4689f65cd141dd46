"""``grader check SUBMISSION``: grade one file, print the summary, write the JSON and a report.

Everything it prints or writes is the result as the feedback setting lets a student see it
(``grader.results.feedback``): ``--feedback full`` for an instructor's copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from grader.catalog import registry
from grader.frontends import messages as say
from grader.frontends.cli.exits import EXIT_USAGE, exit_code
from grader.frontends.cli.helptext import (
    DEFAULT_CHECK_FORMAT,
    DEFAULT_JSON,
    DEFAULT_NO_COLOR,
    DEFAULT_REPORT,
)
from grader.frontends.cli.options import add_options, course_epilog, grade_options, settings_from
from grader.frontends.cli.output import fail, use_color, write_output
from grader.options import with_default
from grader.reports.formats import FORMATS, format_for

if TYPE_CHECKING:
    from grader.results.model import SubmissionResult


NAME = "check"
HELP = say.HELP_CHECK


def register(parser: argparse.ArgumentParser) -> None:
    """Give the ``check`` subcommand its arguments."""
    parser.add_argument("submission", metavar="SUBMISSION", type=Path, help=say.HELP_SUBMISSION)
    add_options(parser)
    parser.add_argument("--json", metavar="OUT", help=with_default(say.HELP_JSON, DEFAULT_JSON))
    parser.add_argument("--report", metavar="OUT", help=with_default(say.HELP_REPORT, DEFAULT_REPORT))
    parser.add_argument("--format", choices=FORMATS,
                        help=with_default(say.HELP_FORMAT, DEFAULT_CHECK_FORMAT))
    parser.add_argument("--no-color", action="store_true",
                        help=with_default(say.HELP_NO_COLOR, DEFAULT_NO_COLOR))
    course_epilog(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Grade, print the summary, write the outputs, map the outcome to an exit code."""
    from grader import grading  # imports torch lazily, still kept off `grader list`'s path
    from grader.reports import render_terminal

    submission: Path = args.submission
    if not submission.exists():
        fail(say.NO_SUCH_FILE.format(path=submission))
        return EXIT_USAGE
    report_format = _report_format(args)
    if args.report is not None and report_format is None:
        fail(say.UNKNOWN_REPORT_FORMAT.format(path=args.report))
        return EXIT_USAGE
    if args.report is None and args.format is not None:
        fail(say.FORMAT_NEEDS_REPORT)
        return EXIT_USAGE
    from grader.results.feedback import redact

    settings = settings_from(args)
    options = grade_options(settings)
    pack = registry.load_pack(settings["pack"])
    result = redact(grading.grade(submission, options=options, pack=pack), options.feedback)
    summary_stream = sys.stderr if args.json == "-" else sys.stdout
    if result.error is not None:
        print(say.ERROR_LINE.format(message=result.error), file=sys.stderr)
    else:
        color = use_color(summary_stream, no_color=args.no_color)
        summary_stream.write(render_terminal(result, color=color))
        summary_stream.flush()
    written = args.json is None or _write_json(result, args.json)
    if args.report is not None and report_format is not None:
        from grader.reports import render

        if write_output(render(result, report_format), args.report):
            print(say.REPORT_WRITTEN.format(path=args.report), file=summary_stream)
        else:
            written = False
    return exit_code(result) if written else EXIT_USAGE


def _write_json(result: SubmissionResult, out: str) -> bool:
    if out == "-":
        sys.stdout.write(result.to_json() + "\n")
        sys.stdout.flush()
        return True
    return write_output(result.to_json() + "\n", out)


def _report_format(args: argparse.Namespace) -> str | None:
    """``--format`` if given, else what ``--report``'s extension names (None if it names none)."""
    if args.format is not None:
        return str(args.format)
    return format_for(args.report) if args.report is not None else None
