"""``grader stub``: write the pack's stub, the file a student fills in, from the installed package.

A student who installed the grader with pip has no checkout to copy the stub from; this writes it
into the current folder (``conv_layer.ipynb``, or ``conv_layer.py`` with ``--module``), byte for byte
as the pack ships it. An existing file is never replaced without ``--force``: it may be the
student's work. Neither torch nor the checks are imported.
"""

from __future__ import annotations

import argparse
import errno
import os
import shlex
from pathlib import Path

from grader.catalog import registry
from grader.errors import ExerciseDefinitionError
from grader.frontends import messages as say
from grader.frontends.cli.exits import EXIT_OK, EXIT_USAGE
from grader.frontends.cli.helptext import DEFAULT_FORCE, DEFAULT_MODULE, DEFAULT_STUB_OUTPUT
from grader.frontends.cli.options import add_options
from grader.frontends.cli.output import fail, write_output
from grader.options import PACK, with_default

NAME = "stub"
HELP = say.HELP_STUB


def register(parser: argparse.ArgumentParser) -> None:
    """Give the ``stub`` subcommand its arguments."""
    add_options(parser, (PACK,))
    parser.add_argument("--module", action="store_true", help=with_default(say.HELP_MODULE, DEFAULT_MODULE))
    parser.add_argument("-o", "--output", metavar="OUT",
                        help=with_default(say.HELP_STUB_OUTPUT, DEFAULT_STUB_OUTPUT))
    parser.add_argument("--force", action="store_true", help=with_default(say.HELP_FORCE, DEFAULT_FORCE))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Copy the stub to the target; 2 if a file is there (without --force) or it cannot be written."""
    pack = registry.load_pack(args.pack)
    source = pack.stub_module if args.module else pack.stub_notebook
    target = Path(args.output) if args.output else Path(pack.id + source.suffix)
    if target.is_dir() and not target.is_symlink():
        fail(say.CANNOT_WRITE.format(path=target, reason=os.strerror(errno.EISDIR)))
        return EXIT_USAGE
    if os.path.lexists(target) and not args.force:
        fail(say.STUB_EXISTS.format(path=target))
        return EXIT_USAGE
    try:  # bytes, then text: no newline is translated, so the copy is the shipped file exactly
        text = source.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # the installation is broken, not the command
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ExerciseDefinitionError(say.STUB_UNREADABLE.format(path=source, reason=reason)) from None
    if not write_output(text, str(target)):
        return EXIT_USAGE
    print(say.STUB_WRITTEN.format(path=target, quoted=shlex.quote(str(target))))
    return EXIT_OK
