"""``grader report RESULT``: render a saved result in any format, to a file or standard output.

The result is shown as the feedback setting allows (``--feedback``, else the course's configuration,
else hints): a saved instructor's copy can be rendered for students, never the other way round."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from grader.errors import UsageError
from grader.frontends import messages as say
from grader.frontends.cli.exits import EXIT_OK, EXIT_USAGE
from grader.frontends.cli.helptext import DEFAULT_NO_COLOR, DEFAULT_OUTPUT, DEFAULT_REPORT_FORMAT
from grader.frontends.cli.options import add_options, course_epilog, grade_options, settings_from
from grader.frontends.cli.output import fail, use_color, write_output
from grader.options import FEEDBACK, with_default
from grader.reports.formats import FORMATS, format_for

if TYPE_CHECKING:
    from grader.results.model import SubmissionResult


NAME = "report"
HELP = say.HELP_REPORT_COMMAND


def register(parser: argparse.ArgumentParser) -> None:
    """Give the ``report`` subcommand its arguments."""
    parser.add_argument("result", metavar="RESULT", type=Path, help=say.HELP_RESULT)
    parser.add_argument("--format", choices=FORMATS,
                        help=with_default(say.HELP_FORMAT, DEFAULT_REPORT_FORMAT))
    parser.add_argument("-o", "--output", metavar="OUT", help=with_default(say.HELP_OUTPUT, DEFAULT_OUTPUT))
    parser.add_argument("--no-color", action="store_true",
                        help=with_default(say.HELP_NO_COLOR, DEFAULT_NO_COLOR))
    add_options(parser, (FEEDBACK,))
    course_epilog(parser, (FEEDBACK,))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the result, render it, write it; 0 once rendered, 2 if it cannot be read or written."""
    from grader.reports import render
    from grader.results.feedback import redact

    fmt = args.format or (format_for(args.output) if args.output else "txt")
    if fmt is None:
        fail(say.UNKNOWN_REPORT_FORMAT.format(path=args.output))
        return EXIT_USAGE
    try:
        feedback = grade_options(settings_from(args)).feedback
        result = redact(_read(args.result), feedback)
    except UsageError as exc:
        fail(exc.message)
        return EXIT_USAGE
    color = fmt == "txt" and args.output is None and use_color(sys.stdout, no_color=args.no_color)
    text = render(result, fmt, color=color)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    return EXIT_OK if write_output(text, args.output) else EXIT_USAGE


def _read(path: Path) -> SubmissionResult:
    """The saved result, or a UsageError saying in one line why it cannot be read."""
    from grader.results.model import SubmissionResult

    try:
        return SubmissionResult.read(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except json.JSONDecodeError as exc:
        reason = say.NOT_JSON.format(detail=f"line {exc.lineno}, column {exc.colno}")
    except UnicodeDecodeError:
        reason = say.NOT_UTF8
    except ValueError as exc:  # another schema version
        reason = str(exc)
    except KeyError as exc:
        reason = say.NOT_A_RESULT.format(detail=say.MISSING_FIELD.format(name=exc.args[0]))
    except (TypeError, AttributeError) as exc:
        reason = say.NOT_A_RESULT.format(detail=exc)
    raise UsageError(say.CANNOT_READ_RESULT.format(path=path, reason=reason))
