"""The option table (``grader.options``) as argparse options: one call per command that grades.

``--call-timeout nan`` is refused by argparse itself, with the table's reason and the usage line;
values not given stay ``None``; the course's configuration (``config``) fills them, then the
table's defaults apply in ``GradeOptions``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any

from grader.frontends import config
from grader.frontends import messages as say
from grader.frontends.cli import helptext
from grader.options import OPTIONS, GradeOptions, InvalidOption, Option, grade_options

__all__ = ["add_options", "course_epilog", "flag", "grade_options", "options_from", "settings_from"]


def flag(option: Option[Any]) -> str:
    """``--call-timeout`` for ``call_timeout``."""
    return "--" + option.name.replace("_", "-")


def add_options(parser: argparse.ArgumentParser, options: Iterable[Option[Any]] = OPTIONS) -> None:
    """Give ``parser`` these options of the table (all by default), help and checks included."""
    for option in options:
        if option.switch:
            parser.add_argument(flag(option), dest=option.name, action="store_true", default=None,
                                help=option.help_text)
        else:
            parser.add_argument(flag(option), dest=option.name, metavar=option.shown_metavar,
                                type=_parser(option), default=None, help=option.help_text)


def course_epilog(parser: argparse.ArgumentParser, options: Iterable[Option[Any]] = OPTIONS) -> None:
    """Say below ``parser``'s options that a course's configuration can change these defaults."""
    parser.epilog = helptext.EPILOG_COURSE.format(keys=", ".join(o.name for o in options))


def settings_from(args: argparse.Namespace) -> dict[str, Any]:
    """Every table option's value: the command line's, else the course configuration's, else None
    (the table's default then applies)."""
    return config.with_course({option.name: getattr(args, option.name, None) for option in OPTIONS})


def options_from(args: argparse.Namespace) -> GradeOptions:
    """The GradeOptions the command line and the course's configuration asked for."""
    return grade_options(settings_from(args))


def _parser(option: Option[Any]) -> Callable[[str], Any]:
    """An argparse ``type``: the table's parse, its refusal in argparse's own usage error."""

    def parse(text: str) -> Any:
        try:
            return option.parse(text)
        except InvalidOption as exc:
            raise argparse.ArgumentTypeError(say.NOT_ACCEPTED.format(value=text, reason=exc.reason)) from exc

    parse.__name__ = option.name  # argparse names the type in some messages
    return parse
