"""The ``grader`` command: ``grader check SUBMISSION`` grades one file, ``grader report RESULT``
renders a saved result again, ``grader list`` shows the pack, ``grader stub`` writes the file a
student fills in.

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

The package, by concern: ``app`` (the parser, its commands, errors to exit codes), ``exits`` (what
each code means), ``options`` (the option table as argparse options), one module per command
(``check``, ``report``, ``listing``, ``stub``), ``output`` (files, colour, error lines) and ``helptext``
(what ``--help`` says of defaults).
"""

from __future__ import annotations

from grader.frontends.cli.app import build_parser, main
from grader.frontends.cli.exits import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    exit_code,
)

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "exit_code",
    "main",
]
