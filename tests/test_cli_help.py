"""`grader --help` and every command's `--help`, run as a user runs them: each option says its default."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.frontends import messages as say
from grader.frontends.cli import helptext
from grader.options import CELL_TIMEOUT, FEEDBACK, OPTIONS, with_default

#: The console script pip installed beside this interpreter.
GRADER = Path(sys.executable).with_name("grader")
COMMANDS = ("check", "report", "list", "stub")
#: An option's entry in argparse's help: from its "  --name" line to the next one.
ENTRY = re.compile(r"^  (-\S.*?)(?=^  -|^\S|\Z)", re.MULTILINE | re.DOTALL)


def help_of(*command: str) -> str:
    done = subprocess.run([str(GRADER), *command, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def one_line(text: str) -> str:
    """Help wrapped to the terminal, joined again, so a sentence can be looked for in it."""
    return " ".join(text.split())


def options_section(text: str) -> str:
    return text.split("\noptions:\n", 1)[1].split("\n\n", 1)[0] + "\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_when_a_command_is_asked_for_help_then_every_option_says_its_default(command: str) -> None:
    entries = [one_line(m.group(1)) for m in ENTRY.finditer(options_section(help_of(command)))]
    assert entries and entries[0].startswith("-h, --help")
    for entry in entries[1:]:
        assert re.search(r"\(default: [^()]+\)$", entry), entry


def test_when_grader_check_is_asked_for_help_then_the_cell_timeout_says_60_seconds() -> None:
    text = one_line(help_of("check"))
    assert "--cell-timeout S seconds one cell of the submission may run before it is stopped" \
        " (default: 60 s)" in text
    assert CELL_TIMEOUT.help_text in text
    assert with_default(say.HELP_JSON, helptext.DEFAULT_JSON) in text


@pytest.mark.parametrize(("command", "options"), [("check", OPTIONS), ("report", (FEEDBACK,))])
def test_when_a_command_reads_the_course_configuration_then_its_help_says_the_course_can_change_defaults(
    command: str, options: tuple[object, ...],
) -> None:
    keys = ", ".join(option.name for option in OPTIONS if option in options)
    assert one_line(helptext.EPILOG_COURSE.format(keys=keys)) in one_line(help_of(command))


@pytest.mark.parametrize("command", ["list", "stub"])
def test_when_a_command_ignores_the_course_configuration_then_its_help_does_not_promise_it(
    command: str,
) -> None:
    assert "[tool.grader]" not in help_of(command)


def test_when_grader_is_asked_for_help_then_it_says_where_each_commands_defaults_are() -> None:
    text = one_line(help_of())
    assert all(f" {command} " in text for command in COMMANDS)
    assert helptext.EPILOG in text
