"""What feedback reveals is the course's choice: full, hints without answers (the default), verdicts.

Under "hints" no structured answer's truth reaches a student, right or wrong: not in the terminal
summary, the HTML or Markdown report, nor the JSON they are given. Each structured-answer question
is graded wrong (a fixture with that known mistake) and right (the worked solution), in this
process, and every student-facing rendering of the result is searched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exercises.conv_layer import PACK
from grader.catalog.model import Pack
from grader.reports import render
from grader.results import CheckResult, SubmissionResult, json_schema, redact
from grader.results.feedback import VERDICT_MESSAGES
from tests.pack_support import grade_here

#: Every structured-answer question, and a fixture that answers it wrong.
WRONG: dict[str, str] = {
    "diagonal_edge::apply_K[cpu]": "diagonal/apply_K_two_lines_for_triangle",
    "diagonal_edge::transpose_X[cpu]": "diagonal/eye_changed_by_transpose",
    "diagonal_edge::transpose_K[cpu]": "diagonal/transpose_K_zeros",
    "autograd::error_is_torchs[cpu]": "autograd/error_mxnet_in_place",
    "autograd::backpropagates[cpu]": "autograd/backpropagates_false",
    "second_derivative::min_size[cpu]": "kernels/second_min_size_five",
    "second_derivative::strongest_structure[cpu]": "kernels/second_strongest_step",
    "derivative_order_d::min_size[cpu]": "kernels/derivative_min_size_central",
}
#: Kernels of the wrong size: their shape failures must not give the minimum size away either.
WRONG_SIZE = ("kernels/second_five_taps", "kernels/second_laplacian")
FORMATS = ("txt", "md", "html", "json")
#: What only an answer-revealing rendering says (the report's words for the truth and a solution).
REVEALING_WORDS = ("The truth on your objects", "on your objects the answer is", "The answer:",
                   "answer: ", "(right)", "yours, right")


@pytest.fixture(scope="module")
def graded(variant: Callable[[str], Path]) -> dict[str, SubmissionResult]:
    """Each wrong fixture's full result, and the worked solution's under "solution"."""
    results = {name: grade_here(variant(name)) for name in sorted({*WRONG.values(), *WRONG_SIZE})}
    results["solution"] = grade_here(PACK.solution_module)
    return results


def check_of(result: SubmissionResult, item_id: str) -> CheckResult:
    return next(c for c in result.checks if c.item_id == item_id)


def renderings(result: SubmissionResult) -> dict[str, str]:
    return {fmt: render(result, fmt) for fmt in FORMATS}


def truth_of(check: CheckResult) -> Any:
    """The answer a wrong check knows: its recorded truth, else its expected value."""
    return check.answer["truth"] if check.answer is not None else check.expected


def answer_tokens(truth: Any) -> list[str]:
    """How an answer would read in a report: a choice or a message as itself, a number alone."""
    if isinstance(truth, bool):
        return []  # "True" is in every report's prose; the fields carrying it are checked instead
    if isinstance(truth, int):
        return [rf"(?<![\w.]){truth}(?![\w.])"]
    if isinstance(truth, str):
        return [re.escape(truth)]
    if isinstance(truth, dict) and isinstance(truth.get("message"), str):
        return [re.escape(truth["message"])]
    raise AssertionError(f"no token for {truth!r}")


def spoken(check: CheckResult) -> str:
    """What a check says to the student beyond the question and their own answer: message, hint,
    solution, the expected value and the answer's truth, as JSON text."""
    said = {"message": check.message, "hint": check.hint, "solution": check.solution,
            "expected": check.expected, "truth": check.answer["truth"] if check.answer else None,
            "exhibits": [e["label"] + e["note"] for e in check.exhibits]}
    return json.dumps(said, ensure_ascii=False)


# --- the default: hints without answers ------------------------------------------------------------
@pytest.mark.parametrize("item_id", sorted(WRONG))
def test_when_a_structured_answer_is_wrong_then_hints_never_state_its_truth(
    item_id: str, graded: dict[str, SubmissionResult]
) -> None:
    full = graded[WRONG[item_id]]
    wrong = check_of(full, item_id)
    assert wrong.status == "failed" and wrong.expected_is_answer and wrong.solution
    tokens = answer_tokens(truth_of(wrong))
    assert any(re.search(t, spoken(wrong)) for t in tokens) or not tokens  # full feedback says it

    shown = redact(full, "hints")
    check = check_of(shown, item_id)
    assert check.status == "failed" and check.message == wrong.message and check.hint
    assert check.solution is None and check.expected is None and check.mismatch is None
    assert check.answer is None or check.answer["truth"] is None
    assert not any(e.get("reveals") for e in check.exhibits)
    for token in tokens:
        assert not re.search(token, spoken(check)), (token, spoken(check))
    for fmt, text in renderings(shown).items():
        for words in REVEALING_WORDS:
            assert words not in text, (fmt, words)


@pytest.mark.parametrize("name", WRONG_SIZE)
def test_when_a_kernel_has_the_wrong_size_then_hints_name_the_mistake_without_the_fewest_taps(
    name: str, graded: dict[str, SubmissionResult]
) -> None:
    full = [c for c in graded[name].checks if c.exercise == "second_derivative" and c.status == "failed"]
    assert full and all(c.solution for c in full)  # full feedback explains with the size
    size = r"\b3\b|three|\[1, -2, 1\]"
    assert any(re.search(size, c.solution or "") for c in full)
    for check in redact(graded[name], "hints").checks:
        if check.exercise == "second_derivative" and check.status == "failed":
            said = re.sub(r"shape \([^)]*\)", "shape (yours)", spoken(check))  # theirs may be 3 x 3
            assert check.hint and not re.search(size, said), said


def test_when_every_structured_answer_is_right_then_hints_show_neither_the_answers_nor_the_truths(
    graded: dict[str, SubmissionResult]
) -> None:
    full = graded["solution"]
    answered = [c for c in full.checks if c.answer is not None]
    assert len(answered) >= 6 and all(c.answer and c.answer["correct"] for c in answered)
    revealing = [e for c in full.checks for e in c.exhibits if e.get("reveals")]
    assert revealing  # the solution's passing checks draw what the questions ask to find out

    shown = redact(full, "hints")
    for check in shown.checks:
        assert check.answer is None or (check.answer["given"], check.answer["truth"]) == (None, None)
        assert not any(e.get("reveals") for e in check.exhibits)
    texts = renderings(shown)
    for fmt, text in texts.items():
        for words in REVEALING_WORDS:
            assert words not in text, (fmt, words)
    assert "answers withheld" in texts["md"] and "answers themselves withheld" in texts["html"]


def test_when_full_feedback_is_rendered_then_the_solution_and_the_truth_are_shown(
    graded: dict[str, SubmissionResult]
) -> None:
    full = graded["diagonal/apply_K_two_lines_for_triangle"]
    check = check_of(full, "diagonal_edge::apply_K[cpu]")
    assert check.solution is not None
    texts = renderings(full)
    assert "The truth on your objects" in texts["html"] and "The answer:" in texts["html"]
    assert "The answer:" in texts["md"] and "answer: " in texts["txt"]
    assert check.solution in json.loads(texts["json"])["exercises"][4]["checks"][1]["solution"]


def test_when_the_answers_are_withheld_then_the_kernels_verdicts_and_the_hints_stay(
    graded: dict[str, SubmissionResult]
) -> None:
    full = graded["kernels/second_min_size_five"]
    shown = redact(full, "hints")
    assert [(c.item_id, c.status, c.points) for c in shown.checks] == \
        [(c.item_id, c.status, c.points) for c in full.checks]
    assert shown.points == full.points and shown.feedback == "hints"
    kept = [c for c in full.checks if c.expected is not None and not c.expected_is_answer]
    assert all(check_of(shown, c.item_id).expected == c.expected for c in kept)


# --- verdicts only ---------------------------------------------------------------------------------
def test_when_verdicts_only_then_each_check_says_its_status_and_points_and_nothing_else(
    graded: dict[str, SubmissionResult]
) -> None:
    full = graded["autograd/error_mxnet_in_place"]
    shown = redact(full, "verdicts")
    assert shown.points == full.points and shown.feedback == "verdicts"
    for check in shown.checks:
        assert check.message == VERDICT_MESSAGES[check.status]
        assert (check.hint, check.input, check.expected, check.actual, check.traceback) == (None,) * 5
        assert check.exhibits == () and check.answer is None and check.details is None
    wrong = check_of(full, "autograd::error_is_torchs[cpu]")
    for fmt, text in renderings(shown).items():
        assert wrong.message not in text and (wrong.hint or "") not in text, fmt


# --- the result model ------------------------------------------------------------------------------
@pytest.mark.parametrize("level", ["full", "hints", "verdicts"])
def test_when_a_result_is_redacted_then_its_json_is_valid_and_reads_back_the_same(
    level: str, graded: dict[str, SubmissionResult]
) -> None:
    import jsonschema

    shown = redact(graded["kernels/second_strongest_step"], level)
    data = json.loads(shown.to_json())
    jsonschema.validate(data, json_schema())
    assert SubmissionResult.from_dict(data) == shown
    assert data.get("feedback", "full") == level


def test_when_redacted_twice_or_back_to_full_then_nothing_comes_back(
    graded: dict[str, SubmissionResult]
) -> None:
    hints = redact(graded["kernels/second_strongest_step"], "hints")
    assert redact(hints, "hints") == hints
    assert redact(hints, "full") == hints
    verdicts = redact(hints, "verdicts")
    assert redact(verdicts, "hints") == verdicts == redact(verdicts, "full")


def test_when_the_level_is_unknown_then_redact_refuses_it(graded: dict[str, SubmissionResult]) -> None:
    with pytest.raises(ValueError, match="full, hints, verdicts"):
        redact(graded["solution"], "everything")


def test_when_the_pack_is_listed_then_no_title_states_an_answer() -> None:
    pack: Pack = PACK
    titles = [c.title for e in pack.exercises for c in e.checks]
    assert not [t for t in titles if re.search(r"\bis d \+ 1\b|\bis 3\b|truth is", t)]
