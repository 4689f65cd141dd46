"""Where the ``grader`` command's words go: output files, colour, one-line errors."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from grader.files import write_text_atomic
from grader.frontends import messages as say


def write_output(text: str, out: str) -> bool:
    """Write an output file safely (see ``grader.files``), or say in one line why not.

    No traceback: a wrong path is the user's to fix, not our bug.
    """
    try:
        write_text_atomic(out, text)
    except OSError as exc:
        fail(say.CANNOT_WRITE.format(path=out, reason=exc.strerror or exc))
        return False
    return True


def fail(message: str) -> None:
    """The one error line on standard error."""
    print(say.ERROR_LINE.format(message=message), file=sys.stderr)


def use_color(stream: TextIO, *, no_color: bool) -> bool:
    """Colour only for a person at a terminal who has not opted out (https://no-color.org)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def tolerate_plain_terminals() -> None:
    """Keep the ✔/✘ icons from crashing a terminal whose encoding cannot show them."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
