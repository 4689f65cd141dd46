"""The option table (``grader.options``) as pytest options and their ini twins.

Every table option ``name`` becomes ``--grade-name`` (``--grade-call-timeout``) and the ini setting
``grade_name`` (``grade_call_timeout``), with the table's help. Neither has a default of its own:
an option given in neither stays absent, for the course's configuration (``[tool.grader]``, as
``grader check`` reads it), then ``GradeOptions`` with the table's default, to fill. As
pytest-timeout does, a value is checked where it is read and a refusal says where it came from:

    --grade-call-timeout=nan (command line): not a number of seconds between 0 and 86400
    grade_call_timeout = nan (in pytest.ini): not a number of seconds between 0 and 86400
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pytest

from grader.frontends import messages as say
from grader.options import BAD_VALUE, OPTIONS, InvalidOption, Option

PREFIX = "grade"


def flag(option: Option[Any]) -> str:
    """``--grade-call-timeout`` for ``call_timeout``."""
    return f"--{PREFIX}-" + option.name.replace("_", "-")


def ini_name(option: Option[Any]) -> str:
    """``grade_call_timeout`` for ``call_timeout``: the ini setting, and the option's ``dest``."""
    return f"{PREFIX}_{option.name}"


def add_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    """Every table option in ``group``, and its ini twin with the same help."""
    for option in OPTIONS:
        if option.switch:
            group.addoption(flag(option), dest=ini_name(option), action="store_true", default=None,
                            help=option.help_text)
        else:
            group.addoption(flag(option), dest=ini_name(option), metavar=option.shown_metavar,
                            default=None, help=option.help_text)
        # No ini default either: "not set" must stay distinguishable from a value.
        ini_type: Literal["bool", "string"] = "bool" if option.switch else "string"
        parser.addini(ini_name(option), option.help_text, type=ini_type, default=None)


def values(config: pytest.Config) -> dict[str, object]:
    """Each table option that was set, by name: the command line first, then the ini setting.

    Raises ``pytest.UsageError`` for a value its option refuses, saying where it was set.
    """
    found: dict[str, object] = {}
    for option in OPTIONS:
        value = _from_command_line(config, option)
        if value is None:
            value = _from_ini(config, option)
        if value is not None:
            found[option.name] = value
    return found


def _from_command_line(config: pytest.Config, option: Option[Any]) -> object:
    raw = config.getoption(ini_name(option))
    if raw is None or option.switch:
        return raw
    try:
        return option.parse(raw)
    except InvalidOption as exc:
        setting = say.SETTING_FLAG.format(flag=flag(option), value=raw)
        raise pytest.UsageError(exc.placed(setting, say.SOURCE_COMMAND_LINE).message) from None


def _from_ini(config: pytest.Config, option: Option[Any]) -> object:
    name = ini_name(option)
    overridden = _overridden(config, name)
    source = say.SOURCE_COMMAND_LINE if overridden else _config_file(config)
    try:
        raw = config.getini(name)
    except (ValueError, TypeError, pytest.UsageError) as exc:
        # pytest refused the value itself (not true/false; a TOML number where text was declared).
        reason = f"{option.reason} ({exc})"
        raise pytest.UsageError(BAD_VALUE.format(setting=name, source=source, reason=reason)) from None
    if raw is None or raw == "":
        return None
    try:
        return option.check(raw) if isinstance(raw, bool) else option.parse(str(raw))
    except InvalidOption as exc:
        template = say.SETTING_OVERRIDE if overridden else say.SETTING_INI
        setting = template.format(name=name, value=raw)
        raise pytest.UsageError(exc.placed(setting, source).message) from None


def _overridden(config: pytest.Config, name: str) -> bool:
    """Whether ``-o name=...`` set it (pytest then prefers it to the file)."""
    overrides = config.getoption("override_ini", None) or ()
    return any(entry.split("=", 1)[0].strip() == name for entry in overrides)


def _config_file(config: pytest.Config) -> str:
    """``in pytest.ini``: the file pytest read its settings from, as the user would name it."""
    path = config.inipath
    if path is None:
        return say.SOURCE_CONFIGURATION
    try:
        shown: Path | str = path.relative_to(config.invocation_params.dir)
    except ValueError:
        shown = path
    return say.SOURCE_CONFIG_FILE.format(path=shown)
