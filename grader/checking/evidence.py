"""What a check shows beside its verdict: exhibits, figures, structured answers, and what a failure
carries, as the payloads of its ``CheckResult`` (``grader.results.payloads``).

A ``CheckContext`` holds one ``Evidence`` and shares it with its ``on()`` twins; the grading session
turns it into the result's payload fields with ``payloads``, pass or fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

from grader.checking.tensors import describe
from grader.errors import CheckFailed
from grader.results.payloads import Answer, Described, Exhibit, Mismatch


class Payloads(TypedDict):
    """The payload fields of a ``CheckResult``."""

    input: dict[str, Described] | None
    expected: Described
    actual: Described
    mismatch: Mismatch | None
    exhibits: tuple[Exhibit, ...]
    answer: Answer | None
    details: dict[str, Described] | None
    solution: str | None
    expected_is_answer: bool


@dataclass
class Evidence:
    """Exhibits, figures and structured answers of one check, in the order the check showed them."""

    exhibits: list[Exhibit] = field(default_factory=list)
    details: dict[str, Described] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)

    def exhibit(self, label: str, value: Any, note: str = "", *, reveals: bool = False) -> None:
        """Show a value in the report (the student's X and X.T, a kernel's responses), pass or fail;
        ``reveals`` when it shows what the question asks the student to find out."""
        shown: Exhibit = {"label": label, "value": describe(value), "note": note}
        if reveals:
            shown["reveals"] = True
        self.exhibits.append(shown)

    def detail(self, key: str, value: Any) -> None:
        """Report a figure for information only (an op count, a time); never judged."""
        self.details[key] = describe(value)

    def record_answer(
        self, question: str, given: Any, truth: Any, choices: Sequence[str] = ()
    ) -> bool:
        """Keep a structured answer beside the truth computed for it; returns whether they agree."""
        correct = bool(given == truth)
        self.answers.append({"question": question, "given": describe(given),
                             "truth": describe(truth), "choices": list(choices), "correct": correct})
        return correct

    def payloads(self, failed: CheckFailed | None = None) -> Payloads:
        """What the result shows: this evidence (its last answer), and what a failure carries.

        A failure's values are described here even when ``compare`` described them already, so a
        check that raises with raw tensors still gives JSON.
        """
        shown: Payloads = {
            "input": None, "expected": None, "actual": None, "mismatch": None,
            "exhibits": tuple(self.exhibits), "answer": self.answers[-1] if self.answers else None,
            "details": None, "solution": None, "expected_is_answer": False,
        }
        details = dict(self.details)
        if failed is not None:
            shown["input"] = _named(failed.input)
            shown["expected"], shown["actual"] = describe(failed.expected), describe(failed.actual)
            # Only compare.assert_close writes a mismatch, as a Mismatch; grader.errors sits below
            # the result model and carries it as a plain mapping.
            shown["mismatch"] = cast("Mismatch | None", failed.mismatch)
            shown["solution"], shown["expected_is_answer"] = failed.solution, failed.expected_is_answer
            details.update(_named(failed.details) or {})
        shown["details"] = details or None
        return shown


def _named(values: Mapping[str, Any] | None) -> dict[str, Described] | None:
    """Named values (inputs, details) each described; the names stay names, never a description."""
    return {str(k): describe(v) for k, v in values.items()} if values else None
