"""The ``grader`` application: its parser, one module per command, and errors to exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from grader.errors import ExerciseDefinitionError, SubmissionError, UsageError
from grader.frontends import messages as say
from grader.frontends.cli import batch, check, export, listing, report, stub
from grader.frontends.cli.exits import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE
from grader.frontends.cli.helptext import EPILOG
from grader.frontends.cli.output import fail, tolerate_plain_terminals

#: The subcommands, in the order ``grader --help`` lists them; each module has ``NAME``, ``HELP`` and
#: ``register(parser)``, which adds its arguments and sets ``run``.
COMMANDS = (check, batch, report, export, listing, stub)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script passes it to ``sys.exit``)."""
    tolerate_plain_terminals()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (2) and --help (0) this way
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        code: int = args.run(args)
        return code
    except (UsageError, SubmissionError) as exc:
        fail(exc.message)
        return EXIT_USAGE
    except ExerciseDefinitionError as exc:
        fail(say.PACK_BROKEN.format(message=exc.message))
        return EXIT_INTERNAL
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
    """The argument parser: each command adds its own, grading options from the one table."""
    parser = argparse.ArgumentParser(prog="grader", description=say.HELP_DESCRIPTION, epilog=EPILOG)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands.add_parser(command.NAME, help=command.HELP, description=command.HELP))
    return parser
