"""The option table: one set of defaults, help and rules for GradeOptions, the CLI and pytest."""

from __future__ import annotations

import dataclasses
import math
import re
import subprocess
import sys

import pytest

from grader.errors import UsageError
from grader.frontends.cli import main
from grader.frontends.cli.options import flag as cli_flag
from grader.frontends.pytest_plugin.options import flag as pytest_flag
from grader.frontends.pytest_plugin.options import ini_name
from grader.options import (
    BAD_VALUE,
    CALL_TIMEOUT,
    CELL_TIMEOUT,
    COUNT_CUDA,
    DEVICE,
    GRADING_OPTIONS,
    OPTIONS,
    PACK,
    SEED,
    SOURCE_API,
    SUBMISSION_TIMEOUT,
    SWITCH_OFF,
    GradeOptions,
    InvalidOption,
    Option,
    grade_options,
    with_default,
)


def one_line(text: str) -> str:
    """Help wrapped to the terminal, joined again, so a sentence can be looked for in it."""
    return " ".join(text.split())


def test_when_grade_options_are_not_given_then_each_default_is_the_tables() -> None:
    options = GradeOptions()
    assert {o.name: getattr(options, o.name) for o in GRADING_OPTIONS} == {
        o.name: o.default for o in GRADING_OPTIONS
    }
    assert options.max_result_bytes == 16 * 2**20


def test_when_listing_grading_options_then_every_field_but_the_transport_cap_is_in_the_table() -> None:
    fields = {f.name for f in dataclasses.fields(GradeOptions)}
    assert fields - {o.name for o in GRADING_OPTIONS} == {"max_result_bytes"}
    assert PACK not in GRADING_OPTIONS and PACK in OPTIONS


def test_when_call_timeout_is_nan_then_grade_options_refuses_it_saying_why() -> None:
    with pytest.raises(UsageError) as raised:
        GradeOptions(call_timeout=float("nan"))
    assert raised.value.message == BAD_VALUE.format(
        setting="call_timeout=nan", source=SOURCE_API, reason=CALL_TIMEOUT.reason
    )


@pytest.mark.parametrize(
    ("field", "value", "option"),
    [
        ("call_timeout", math.inf, CALL_TIMEOUT), ("call_timeout", 0, CALL_TIMEOUT),
        ("cell_timeout", -1.0, CELL_TIMEOUT), ("cell_timeout", 86_400, CELL_TIMEOUT),
        ("cell_timeout", "60", CELL_TIMEOUT), ("seed", -1, SEED), ("seed", 2**32, SEED),
        ("seed", True, SEED), ("seed", 1.5, SEED), ("device", "tpu", DEVICE),
        ("count_cuda", 1, COUNT_CUDA), ("count_cuda", "yes", COUNT_CUDA),
    ],
)
def test_when_a_value_breaks_its_options_rule_then_grade_options_raises_a_usage_error_with_the_reason(
    field: str, value: object, option: Option[object],
) -> None:
    with pytest.raises(InvalidOption) as raised:
        GradeOptions(**{field: value})  # type: ignore[arg-type]
    assert raised.value.reason == option.reason
    assert raised.value.message.startswith(f"{field}={value!r} ({SOURCE_API}): ")


def test_when_a_whole_number_of_seconds_is_given_then_it_is_stored_as_a_float() -> None:
    options = GradeOptions(call_timeout=2, cell_timeout=30)
    assert type(options.call_timeout) is float and options.cell_timeout == 30.0


def test_when_replacing_a_field_then_the_new_value_is_checked_too() -> None:
    with pytest.raises(InvalidOption):
        dataclasses.replace(GradeOptions(), seed=-5)


@pytest.mark.parametrize(
    ("option", "text", "value"),
    [
        (CALL_TIMEOUT, " 2.5 ", 2.5), (CELL_TIMEOUT, "1e3", 1000.0), (SEED, "7", 7),
        (DEVICE, "cpu", "cpu"), (COUNT_CUDA, "Yes", True), (COUNT_CUDA, "off", False),
        (COUNT_CUDA, "1", True), (PACK, "conv_layer", "conv_layer"),
    ],
)
def test_when_text_is_a_valid_value_then_parse_returns_it_typed(
    option: Option[object], text: str, value: object,
) -> None:
    assert option.parse(text) == value


@pytest.mark.parametrize(
    ("option", "text"),
    [
        (CALL_TIMEOUT, "nan"), (CALL_TIMEOUT, "inf"), (CALL_TIMEOUT, "ten"), (CELL_TIMEOUT, "0"),
        (SEED, "7.0"), (SEED, "-1"), (SEED, "4294967296"), (DEVICE, "GPU"), (COUNT_CUDA, "maybe"),
        (PACK, "  "),
    ],
)
def test_when_text_is_not_a_valid_value_then_parse_raises_with_the_options_reason(
    option: Option[object], text: str,
) -> None:
    with pytest.raises(InvalidOption) as raised:
        option.parse(text)
    assert raised.value.message == raised.value.reason == option.reason


def test_when_a_refusal_is_placed_then_it_says_the_setting_and_where_it_was_set() -> None:
    with pytest.raises(InvalidOption) as raised:
        CALL_TIMEOUT.parse("nan")
    placed = raised.value.placed("--grade-call-timeout=nan", "command line")
    assert placed.message == (
        "--grade-call-timeout=nan (command line): not a number of seconds between 0 and 86400"
    )


def test_when_a_front_end_passes_values_then_absent_and_none_keep_the_defaults_and_pack_is_ignored() -> None:
    options = grade_options({"pack": "conv_layer", "seed": 3, "device": None})
    assert options == GradeOptions(seed=3)


def test_when_help_is_shown_then_it_carries_the_tables_default_with_its_unit() -> None:
    assert CELL_TIMEOUT.help_text.endswith("(default: 60 s)")
    assert CALL_TIMEOUT.help_text.endswith("(default: 10 s)")
    assert SUBMISSION_TIMEOUT.help_text.endswith("(default: 300 s)")
    assert SEED.help_text.endswith("(default: 0)")
    assert DEVICE.help_text.endswith("(default: auto)")
    assert PACK.help_text.endswith("(default: the only installed pack)")
    assert COUNT_CUDA.help_text == with_default(COUNT_CUDA.help, COUNT_CUDA.default_help or "")
    assert (COUNT_CUDA.default_help or "").startswith(SWITCH_OFF)


def test_when_an_option_is_a_switch_then_help_says_it_is_off_unless_given() -> None:
    switch: Option[bool] = Option("dry_run", bool, False, "only say what would be done", reason="r")
    assert switch.help_text == "only say what would be done (default: off)"


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.name)
def test_when_help_is_shown_then_every_option_of_the_table_says_its_default(option: Option[object]) -> None:
    assert re.fullmatch(r".+ \(default: [^()]+\)", option.help_text), option.help_text


def test_when_importing_the_options_then_neither_torch_argparse_nor_pytest_is_loaded() -> None:
    code = (
        "import sys, grader.options;"
        "print([m for m in ('torch', 'argparse', 'pytest') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_when_asking_grader_check_and_pytest_for_help_then_every_option_is_there_with_the_same_text(
    capsys: pytest.CaptureFixture[str], pytester: pytest.Pytester,
) -> None:
    assert main(["check", "--help"]) == 0
    cli_help = one_line(capsys.readouterr().out)
    pytest_help = one_line(pytester.runpytest_inprocess("--help", "-p", "no:cacheprovider").stdout.str())
    for option in OPTIONS:
        assert f"{cli_flag(option)} " in cli_help and option.help_text in cli_help, option.name
        assert re.search(rf"{pytest_flag(option)}[= ]", pytest_help), option.name
        assert f"{ini_name(option)} (" in pytest_help, option.name
        assert pytest_help.count(option.help_text) == 2, option.name  # the option and its ini twin
