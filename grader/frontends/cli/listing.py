"""``grader list``: the pack's exercises and checks with points, without importing torch."""

from __future__ import annotations

import argparse
import sys

from grader.catalog import registry
from grader.frontends import messages as say
from grader.frontends.cli.exits import EXIT_OK
from grader.frontends.cli.options import add_options
from grader.options import PACK

NAME = "list"
HELP = say.HELP_LIST


def register(parser: argparse.ArgumentParser) -> None:
    """Give the ``list`` subcommand its arguments."""
    add_options(parser, (PACK,))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the pack."""
    from grader.reports import render_pack

    sys.stdout.write(render_pack(registry.load_pack(args.pack)))
    return EXIT_OK
