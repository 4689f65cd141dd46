"""The ``grader`` command: ``grader check SUBMISSION`` grades one file, ``grader list`` shows the pack.

Exit codes say whose move it is:

    0  everything that ran passed (skipped checks are fine)
    1  a check failed, timed out or errored: the student has something to fix
    2  the input is unusable or the command is wrong (bad option, missing file, unknown pack)
    3  a bug in the grader or the exercise pack: one line, no traceback (set GRADER_DEBUG=1 for it)

The terminal summary goes to standard output, or to standard error when ``--json -`` claims
standard output for the result, so piping the JSON into another tool always works.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from grader import cli_messages as say
from grader import registry
from grader.devices import DEVICE_CHOICES
from grader.errors import ExerciseDefinitionError, SubmissionError, UsageError

if TYPE_CHECKING:
    from grader.results import SubmissionResult

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
    check.add_argument("--no-color", action="store_true", help=say.HELP_NO_COLOR)
    check.set_defaults(run=run_check)

    listing = commands.add_parser("list", help=say.HELP_LIST, description=say.HELP_LIST)
    listing.add_argument("--pack", metavar="NAME", help=say.HELP_PACK)
    listing.set_defaults(run=run_list)
    return parser


def run_check(args: argparse.Namespace) -> int:
    """``grader check``: grade, print the summary, write the JSON, map the outcome to an exit code."""
    from grader import grading  # imports torch lazily, still kept off `grader list`'s path
    from grader.report import render_terminal

    submission: Path = args.submission
    if not submission.exists():
        return _fail(say.NO_SUCH_FILE.format(path=submission), EXIT_USAGE)
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
    if args.json is not None and not _write_json(result, args.json):
        return EXIT_USAGE
    return exit_code(result)


def run_list(args: argparse.Namespace) -> int:
    """``grader list``: the pack's exercises and checks with points, without importing torch."""
    from grader.report import render_pack

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
    try:
        result.write(out)
    except OSError as exc:
        _fail(say.CANNOT_WRITE.format(path=out, reason=exc.strerror or exc), EXIT_USAGE)
        return False
    return True


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
