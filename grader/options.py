"""How to grade one submission, said once: the option table every front end is generated from.

Each :class:`Option` holds a setting's name, default, help text and the rule its values follow. The
``grader`` CLI turns the table into argparse options (``--call-timeout``), the pytest plugin into
``--grade-call-timeout`` and the ini twin ``grade_call_timeout``, and :class:`GradeOptions`, which
grading takes, gets its defaults from it and checks its values with the same rules. A value breaking
a rule raises :class:`InvalidOption` with the reason; a front end places it (``--grade-call-timeout=nan
(command line): not a number of seconds between 0 and 86400``) so the user knows which setting to fix.

Nothing here imports torch, argparse or pytest: every front end and the grading core can use it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from grader.errors import UsageError

__all__ = [
    "CALL_TIMEOUT",
    "CELL_TIMEOUT",
    "COUNT_CUDA",
    "DEFAULT_SHOWN",
    "DEVICE",
    "DEVICE_CHOICES",
    "FEEDBACK",
    "FEEDBACK_CHOICES",
    "GRADING_OPTIONS",
    "OPTIONS",
    "PACK",
    "SEED",
    "SUBMISSION_TIMEOUT",
    "GradeOptions",
    "InvalidOption",
    "Option",
    "grade_options",
    "with_default",
]

T = TypeVar("T")

DEVICE_CHOICES = ("auto", "cpu", "cuda")
#: What feedback shows (``grader.results.feedback``), from the most to the least.
FEEDBACK_CHOICES = ("full", "hints", "verdicts")
MAX_SECONDS = 86_400
MAX_SEED = 2**32 - 1

#: How a misplaced value reads, from every front end: the setting as the user wrote it, where it came
#: from (the command line, a config file, the Python API) and why it cannot be used.
BAD_VALUE = "{setting} ({source}): {reason}"
SOURCE_API = "GradeOptions"

#: How every front end's help says a default: the option table's and the front ends' own arguments.
DEFAULT_SHOWN = "{help} (default: {default})"
SWITCH_OFF = "off"
SWITCH_ON = "on"
SECONDS = "s"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class InvalidOption(UsageError):
    """A value an option cannot take. ``reason`` says why, without naming the option or the source;
    :meth:`placed` adds both, for the front end that knows where the value came from."""

    def __init__(self, reason: str, *, setting: str | None = None, source: str | None = None) -> None:
        placed = setting is not None and source is not None
        super().__init__(BAD_VALUE.format(setting=setting, source=source, reason=reason) if placed
                         else reason)
        self.reason = reason
        self.setting = setting
        self.source = source

    def placed(self, setting: str, source: str) -> InvalidOption:
        """The same refusal, saying which setting (as the user spelled it) and where it was set."""
        return InvalidOption(self.reason, setting=setting, source=source)


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting of grading, as every front end offers it.

    ``kind`` is the Python type its values take (``bool`` makes a switch: ``--count-cuda``, no
    value); ``allows`` is the rule a value must follow beyond its type, and ``reason`` says, after "is",
    what a refused value is not ("not a number of seconds between 0 and 86400").
    """

    name: str
    kind: type[T]
    default: T | None
    help: str
    reason: str
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    allows: Callable[[T], bool] = lambda value: True
    #: Said after "default:" in help when the default itself would not say it (``None``: no pack).
    default_help: str | None = None
    #: The unit a number is in, said after the default in help (``60 s``).
    unit: str = ""

    @property
    def switch(self) -> bool:
        """Whether the option is an on/off flag rather than one taking a value."""
        return self.kind is bool

    @property
    def help_text(self) -> str:
        """The help every front end shows, with the default read from the table (a switch: off)."""
        shown = self.default_help
        if shown is None and self.switch:
            shown = SWITCH_ON if self.default else SWITCH_OFF
        elif shown is None and self.default is not None:
            value = f"{self.default:g}" if isinstance(self.default, float) else str(self.default)
            shown = f"{value} {self.unit}" if self.unit else value
        return with_default(self.help, shown) if shown is not None else self.help

    @property
    def shown_metavar(self) -> str | None:
        """The placeholder in usage lines: the metavar, or the choices as argparse shows them."""
        return self.metavar or ("{" + ",".join(self.choices) + "}" if self.choices else None)

    def check(self, value: object) -> T:
        """``value`` as this option's type (an int is a fine float), or :class:`InvalidOption`."""
        if isinstance(value, bool) and self.kind is not bool:
            raise InvalidOption(self.reason)  # True is an int to Python, never a seed or seconds
        if self.kind is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, self.kind):
            raise InvalidOption(self.reason)
        if (self.choices and value not in self.choices) or not self.allows(value):
            raise InvalidOption(self.reason)
        return value

    def parse(self, text: str) -> T:
        """A value written as text (command line, config file), checked; or :class:`InvalidOption`."""
        text = text.strip()
        converted: object
        try:
            if self.kind is bool:
                converted = _truth(text)
            elif self.kind is str:
                converted = text
            else:
                converted = self.kind(text)  # type: ignore[call-arg]
        except ValueError as exc:
            raise InvalidOption(self.reason) from exc
        return self.check(converted)


def with_default(help: str, default: str) -> str:
    """``help`` followed by what happens when the option is not given, as every --help says it."""
    return DEFAULT_SHOWN.format(help=help, default=default)


def _truth(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(text)


def _seconds(value: float) -> bool:
    return 0 < value < MAX_SECONDS  # also refuses nan and inf, which no timer can honour


# --- the table: every front end is generated from these ------------------------------------------
PACK: Option[str] = Option(
    "pack", str, None, "the exercise pack to grade against",
    reason="not a pack name: use one that 'grader list' shows", metavar="NAME",
    allows=bool, default_help="the only installed pack",
)
DEVICE: Option[str] = Option(
    "device", str, "auto",
    "where tensor checks run: auto (cpu, and cuda where present), cpu (cpu only), "
    "cuda (fail unless CUDA is present)",
    reason=f"not a device: choose one of {', '.join(DEVICE_CHOICES)}", choices=DEVICE_CHOICES,
)
SEED: Option[int] = Option(
    "seed", int, 0, "seed for the random inputs of the checks",
    reason=f"not a seed: use a whole number from 0 to {MAX_SEED}", metavar="N",
    allows=lambda seed: 0 <= seed <= MAX_SEED,
)
CELL_TIMEOUT: Option[float] = Option(
    "cell_timeout", float, 60.0, "seconds one cell of the submission may run before it is stopped",
    reason=f"not a number of seconds between 0 and {MAX_SECONDS}", metavar="S", allows=_seconds,
    unit=SECONDS,
)
CALL_TIMEOUT: Option[float] = Option(
    "call_timeout", float, 10.0,
    "seconds one call into a student's function may run before it is stopped",
    reason=f"not a number of seconds between 0 and {MAX_SECONDS}", metavar="S", allows=_seconds,
    unit=SECONDS,
)
SUBMISSION_TIMEOUT: Option[float] = Option(
    "submission_timeout", float, 300.0,
    "seconds the whole submission (its cells and every call into it) may take; the checks not run"
    " by then say that its time budget ran out",
    reason=f"not a number of seconds between 0 and {MAX_SECONDS}", metavar="S", allows=_seconds,
    unit=SECONDS,
)
COUNT_CUDA: Option[bool] = Option(
    "count_cuda", bool, False,
    "let the CUDA variants of checks carry points (a score then needs a GPU)",
    reason="not an on/off setting: use true or false",
    default_help="off: the CUDA variants are reported and carry no points",
)
FEEDBACK: Option[str] = Option(
    "feedback", str, "hints",
    "what the feedback shows: full (the right answers too), hints (what went wrong and a hint,"
    " never the answer), verdicts (pass or fail only)",
    reason=f"not a feedback level: choose one of {', '.join(FEEDBACK_CHOICES)}",
    choices=FEEDBACK_CHOICES,
)

#: Every option, in the order help lists them.
OPTIONS: tuple[Option[Any], ...] = (PACK, DEVICE, SEED, CELL_TIMEOUT, CALL_TIMEOUT,
                                    SUBMISSION_TIMEOUT, COUNT_CUDA, FEEDBACK)


def _default(option: Option[T]) -> T:
    """An option's default, for a field that must have one."""
    if option.default is None:
        raise TypeError(f"option {option.name!r} has no default")
    return option.default


@dataclass(frozen=True)
class GradeOptions:
    """How to grade: devices, seed, time limits and the points policy.

    Defaults come from the option table and every value is checked by its option's rule, so the
    Python API refuses what the command line refuses (``call_timeout=float("nan")`` raises
    :class:`InvalidOption`, a :class:`~grader.errors.UsageError`). The pack is not here: grading
    takes it beside the options.
    """

    device: str = _default(DEVICE)
    seed: int = _default(SEED)
    cell_timeout: float = _default(CELL_TIMEOUT)
    call_timeout: float = _default(CALL_TIMEOUT)
    submission_timeout: float = _default(SUBMISSION_TIMEOUT)
    count_cuda: bool = _default(COUNT_CUDA)
    #: Not used by grading, which always computes the full result: front ends redact what they show.
    feedback: str = _default(FEEDBACK)
    max_result_bytes: int = 16 * 2**20

    def __post_init__(self) -> None:
        for option in GRADING_OPTIONS:
            value = getattr(self, option.name)
            try:
                checked = option.check(value)
            except InvalidOption as exc:
                raise exc.placed(f"{option.name}={value!r}", SOURCE_API) from None
            object.__setattr__(self, option.name, checked)  # 30 -> 30.0: one value, one type


#: The options that are fields of GradeOptions (the rest, like the pack, are resolved beside it).
GRADING_OPTIONS: tuple[Option[Any], ...] = tuple(
    option for option in OPTIONS
    if option.name in {field.name for field in dataclasses.fields(GradeOptions)}
)


def grade_options(values: Mapping[str, object]) -> GradeOptions:
    """GradeOptions from a front end's values by option name; a name absent or ``None`` keeps the
    table's default, and names that are not grading options (``pack``) are ignored."""
    given: dict[str, Any] = {
        option.name: values[option.name]
        for option in GRADING_OPTIONS
        if values.get(option.name) is not None
    }
    return dataclasses.replace(GradeOptions(), **given)

