"""What a check shows beside its verdict, and the structured answers it reads.

Kept apart from ``grader.checking.context`` (calls into the kernel): exhibits, figures and answers are
report material and answer parsing, which a ``CheckContext`` mixes in. ``get`` and the three lists
are the context's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grader import messages
from grader.errors import NotImplementedYet, WrongReturn
from grader.probe import wire


class Shown:
    """Exhibits, figures and structured answers of one check (shared with ``on()`` twins)."""

    exhibits: list[dict[str, Any]]
    details: dict[str, Any]
    answers: list[dict[str, Any]]

    def get(self, name: str) -> Any:
        raise NotImplementedError

    def exhibit(self, label: str, value: Any, note: str = "") -> None:
        """Show a tensor in the report (the student's X and X.T, a kernel's responses), pass or fail."""
        from grader.checking.tensors import describe

        self.exhibits.append({"label": label, "value": describe(value), "note": note})

    def detail(self, key: str, value: Any) -> None:
        """Report a figure for information only (an op count, a time); never judged."""
        from grader.checking.tensors import describe

        self.details[key] = describe(value)

    def record_answer(
        self, question: str, given: Any, truth: Any, choices: Sequence[str] = ()
    ) -> bool:
        """Keep a structured answer beside the truth computed for it; returns whether they agree."""
        from grader.checking.tensors import describe

        correct = given == truth
        self.answers.append({"question": question, "given": describe(given),
                             "truth": describe(truth), "choices": list(choices),
                             "correct": bool(correct)})
        return bool(correct)

    def choice(self, name: str, choices: Sequence[str]) -> str:
        """A structured answer that picks one of ``choices``; None (the stub's value) is not answered."""
        value = self.get(name)
        shown = ", ".join(repr(c) for c in choices)
        if value is None:
            raise NotImplementedYet(messages.NOT_ANSWERED.format(name=name, choices=shown),
                                    hint=messages.HINT_NOT_ANSWERED.format(name=name, choices=shown))
        if not isinstance(value, str) or value.strip().lower() not in choices:
            got = repr(value) if isinstance(value, str | bool | int | float) else describe_kind(value)
            raise WrongReturn(messages.WRONG_ANSWER_TYPE.format(name=name, got=got, choices=shown),
                              hint=messages.HINT_NOT_ANSWERED.format(name=name, choices=shown))
        return value.strip().lower()

    def value_answer(self, name: str, kinds: tuple[type, ...], expected: str) -> Any:
        """A structured answer that is a value (a bool, a number); None is not answered."""
        value = self.get(name)
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
        return f"a {value.type_name} (a subclass of torch.Tensor)"
    if isinstance(value, wire.OpaqueValue):
        return f"a {value.type_name}"
    if isinstance(value, wire.ExceptionValue):
        return f"an exception object ({value.type_name})"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"
