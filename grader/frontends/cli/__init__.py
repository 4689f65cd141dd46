"""The ``grader`` command: ``grader check SUBMISSION`` grades one file, ``grader report RESULT``
renders a saved result again, ``grader list`` shows the pack.

Exit codes say whose move it is:

    0  everything that ran passed (skipped checks are fine)
    1  a check failed, timed out or errored: the student has something to fix
    2  the input is unusable or the command is wrong (bad option, missing file, unknown pack)
    3  a bug in the grader or the exercise pack: one line, no traceback (set GRADER_DEBUG=1 for it)

The terminal summary goes to standard output, or to standard error when ``--json -`` claims
standard output for the result, so piping the JSON into another tool always works. Writing a
report (``--report OUT``) never changes what the exit code says about the submission; only a
report that cannot be written turns it into 2, as an unwritable ``--json`` file does.
``grader report`` exits 0 once it has rendered, whatever the result says, and 2 if the result
cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from grader.catalog import registry
from grader.checking.devices import DEVICE_CHOICES
from grader.errors import ExerciseDefinitionError, SubmissionError, UsageError
from grader.frontends import messages as say
from grader.reports.formats import FORMATS, format_for

if TYPE_CHECKING:
    from grader.results.model import SubmissionResult

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

#: The statuses that mean "the student has something to fix".
NOT_PASSING = frozenset({"failed", "error", "timeout"})


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script passes it to ``sys.exit``)."""
    _tolerate_plain_terminals()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (2) and --help (0) this way
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        code: int = args.run(args)
        return code
    except (UsageError, SubmissionError) as exc:
        return _fail(exc.message, EXIT_USAGE)
    except ExerciseDefinitionError as exc:
        return _fail(say.PACK_BROKEN.format(message=exc.message), EXIT_INTERNAL)
    except KeyboardInterrupt:
        print(say.INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # our bug, whatever it is: one line, never blamed on the student
        if os.environ.get("GRADER_DEBUG") == "1":
            traceback.print_exc()
        line = say.INTERNAL_ERROR.format(type=type(exc).__name__, message=exc)
        print(line, file=sys.stderr)
        return EXIT_INTERNAL


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; option help is shared with the pytest plugin's twins."""
    parser = argparse.ArgumentParser(prog="grader", description=say.HELP_DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help=say.HELP_CHECK, description=say.HELP_CHECK)
    check.add_argument("submission", metavar="SUBMISSION", type=Path, help=say.HELP_SUBMISSION)
    check.add_argument("--device", choices=DEVICE_CHOICES, default="auto", help=say.HELP_DEVICE)
    check.add_argument("--json", metavar="OUT", help=say.HELP_JSON)
    check.add_argument("--pack", metavar="NAME", help=say.HELP_PACK)
    check.add_argument("--seed", metavar="N", type=_seed, default=0, help=say.HELP_SEED)
    check.add_argument("--cell-timeout", metavar="S", type=_seconds, default=60.0,
                       help=say.HELP_CELL_TIMEOUT)
    check.add_argument("--call-timeout", metavar="S", type=_seconds, default=10.0,
                       help=say.HELP_CALL_TIMEOUT)
    check.add_argument("--count-cuda", action="store_true", help=say.HELP_COUNT_CUDA)
    check.add_argument("--report", metavar="OUT", help=say.HELP_REPORT)
    check.add_argument("--format", choices=FORMATS, help=say.HELP_FORMAT)
    check.add_argument("--no-color", action="store_true", help=say.HELP_NO_COLOR)
    check.set_defaults(run=run_check)

    report = commands.add_parser("report", help=say.HELP_REPORT_COMMAND,
                                 description=say.HELP_REPORT_COMMAND)
    report.add_argument("result", metavar="RESULT", type=Path, help=say.HELP_RESULT)
    report.add_argument("--format", choices=FORMATS, help=say.HELP_FORMAT)
    report.add_argument("-o", "--output", metavar="OUT", help=say.HELP_OUTPUT)
    report.add_argument("--no-color", action="store_true", help=say.HELP_NO_COLOR)
    report.set_defaults(run=run_report)

    listing = commands.add_parser("list", help=say.HELP_LIST, description=say.HELP_LIST)
    listing.add_argument("--pack", metavar="NAME", help=say.HELP_PACK)
    listing.set_defaults(run=run_list)
    return parser


def run_check(args: argparse.Namespace) -> int:
    """``grader check``: grade, print the summary, write the JSON, map the outcome to an exit code."""
    from grader import grading  # imports torch lazily, still kept off `grader list`'s path
    from grader.reports import render_terminal

    submission: Path = args.submission
    if not submission.exists():
        return _fail(say.NO_SUCH_FILE.format(path=submission), EXIT_USAGE)
    report_format = _report_format(args)
    if args.report is not None and report_format is None:
        return _fail(say.UNKNOWN_REPORT_FORMAT.format(path=args.report), EXIT_USAGE)
    if args.report is None and args.format is not None:
        return _fail(say.FORMAT_NEEDS_REPORT, EXIT_USAGE)
    pack = registry.load_pack(args.pack)
    options = grading.GradeOptions(
        device=args.device, seed=args.seed, cell_timeout=args.cell_timeout,
        call_timeout=args.call_timeout, count_cuda=args.count_cuda,
    )
    result = grading.grade(submission, options=options, pack=pack)
    summary_stream = sys.stderr if args.json == "-" else sys.stdout
    if result.error is not None:
        print(say.ERROR_LINE.format(message=result.error), file=sys.stderr)
    else:
        summary_stream.write(render_terminal(result, color=_use_color(summary_stream, args)))
        summary_stream.flush()
    written = args.json is None or _write_json(result, args.json)
    if args.report is not None and report_format is not None:
        from grader.reports import render

        if _write(render(result, report_format), args.report):
            print(say.REPORT_WRITTEN.format(path=args.report), file=summary_stream)
        else:
            written = False
    return exit_code(result) if written else EXIT_USAGE


def run_report(args: argparse.Namespace) -> int:
    """``grader report``: render a saved result in any format, to a file or standard output."""
    from grader.reports import render
    from grader.results.model import SubmissionResult

    fmt = args.format or (format_for(args.output) if args.output else "txt")
    if fmt is None:
        return _fail(say.UNKNOWN_REPORT_FORMAT.format(path=args.output), EXIT_USAGE)
    try:
        result = SubmissionResult.read(args.result)
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
    else:
        color = fmt == "txt" and args.output is None and _use_color(sys.stdout, args)
        text = render(result, fmt, color=color)
        if args.output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return EXIT_OK
        return EXIT_OK if _write(text, args.output) else EXIT_USAGE
    return _fail(say.CANNOT_READ_RESULT.format(path=args.result, reason=reason), EXIT_USAGE)


def run_list(args: argparse.Namespace) -> int:
    """``grader list``: the pack's exercises and checks with points, without importing torch."""
    from grader.reports import render_pack

    sys.stdout.write(render_pack(registry.load_pack(args.pack)))
    return EXIT_OK


def exit_code(result: SubmissionResult) -> int:
    """0 when everything that ran passed, 1 when the student has something to fix, 2 if unusable,
    3 when a check broke on the grader's side (that is our bug, not the student's)."""
    if result.error is not None:
        return EXIT_USAGE
    if any(check.internal for check in result.checks):
        return EXIT_INTERNAL
    if any(check.status in NOT_PASSING for check in result.checks):
        return EXIT_FAILED
    return EXIT_OK


def _write_json(result: SubmissionResult, out: str) -> bool:
    if out == "-":
        sys.stdout.write(result.to_json() + "\n")
        sys.stdout.flush()
        return True
    return _write(result.to_json() + "\n", out)


def _write(text: str, out: str) -> bool:
    """Write a file, or say in one line why not (no traceback: a wrong path is not our bug)."""
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(say.CANNOT_WRITE.format(path=out, reason=exc.strerror or exc), EXIT_USAGE)
        return False
    return True


def _report_format(args: argparse.Namespace) -> str | None:
    """``--format`` if given, else what ``--report``'s extension names (None if it names none)."""
    if args.format is not None:
        return str(args.format)
    return format_for(args.report) if args.report is not None else None


def _use_color(stream: TextIO, args: argparse.Namespace) -> bool:
    """Colour only for a person at a terminal who has not opted out (https://no-color.org)."""
    if args.no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < 86_400:  # also refuses nan and inf, which no timer can honour
        raise argparse.ArgumentTypeError(say.NOT_POSITIVE_SECONDS.format(value=text))
    return value


def _seed(text: str) -> int:
    value = int(text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(say.BAD_SEED.format(value=text))
    return value


def _fail(message: str, code: int) -> int:
    print(say.ERROR_LINE.format(message=message), file=sys.stderr)
    return code


def _tolerate_plain_terminals() -> None:
    """Keep the ✔/✘ icons from crashing a terminal whose encoding cannot show them."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
