"""Reading structured answers: a variable of the student's that picks one of some choices, or that
holds a value (a bool, a number); and naming what came back when it is not what was asked for.

None, the stub's value, is "not answered"; anything else of the wrong kind is named for what it is,
and the hint lists the accepted values either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grader import messages
from grader.errors import NotImplementedYet, WrongReturn
from grader.probe import wire


def choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """``value`` of the variable ``name`` as one of ``choices`` (case and spaces aside)."""
    shown = ", ".join(repr(c) for c in choices)
    if value is None:
        raise NotImplementedYet(messages.NOT_ANSWERED.format(name=name, choices=shown),
                                hint=messages.HINT_NOT_ANSWERED.format(name=name, choices=shown))
    if not isinstance(value, str) or value.strip().lower() not in choices:
        got = repr(value) if isinstance(value, str | bool | int | float) else describe_kind(value)
        raise WrongReturn(messages.WRONG_ANSWER_TYPE.format(name=name, got=got, choices=shown),
                          hint=messages.HINT_NOT_ANSWERED.format(name=name, choices=shown))
    return value.strip().lower()


def value_answer(value: Any, name: str, kinds: tuple[type, ...], expected: str) -> Any:
    """``value`` of the variable ``name`` if it is one of ``kinds`` (a bool only if bool is one)."""
    if value is None:
        raise NotImplementedYet(messages.NOT_ANSWERED.format(name=name, choices=expected),
                                hint=messages.HINT_NOT_ANSWERED.format(name=name, choices=expected))
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise WrongReturn(messages.WRONG_ANSWER_TYPE.format(
            name=name, got=repr(value) if isinstance(value, str | int | float) else
            describe_kind(value), choices=expected),
            hint=messages.HINT_NOT_ANSWERED.format(name=name, choices=expected))
    return value


def describe_kind(value: Any) -> str:
    """A student-readable name for what came back ('a list', 'a numpy.ndarray', ...)."""
    if isinstance(value, wire.TensorValue):
        if value.is_plain:
            return "a torch.Tensor"
        return f"a {value.type_name} (a subclass of torch.Tensor)"
    if isinstance(value, wire.OpaqueValue):
        return f"a {value.type_name}"
    if isinstance(value, wire.ExceptionValue):
        return f"an exception object ({value.type_name})"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"
