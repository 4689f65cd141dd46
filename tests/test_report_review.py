"""What a report says sums up the submission as its exit code does, verdicts-only feedback claims
nothing it cannot know, a question mixing required and bonus checks reads as what is owed, and a
card or a link shows nothing twice and leads somewhere. Results are built in code."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from grader.reports import render, render_terminal
from grader.reports.grouping import failure_groups, first_to_fix, rank
from grader.reports.html import overall, render_html
from grader.reports.text import Limits
from grader.reports.view import build
from grader.reports.wording import group_title, points_text
from grader.results.feedback import redact
from grader.results.model import CheckResult, ExerciseResult, Status
from tests.test_report_cases import check, result
from tests.test_report_statuses import bonus_check, with_bonus

PLACE = 'In [3] "def corr2d(X, K):", line 3, in corr2d'


def mixed(required: Status, bonus: Status) -> ExerciseResult:
    """A question with a required check and a bonus check (the model allows it)."""
    return ExerciseResult("corr2d", "corr2d", (
        check(required, id="matches", points=1.0 if required == "passed" else 0.0,
              message=f"required {required}"),
        check(bonus, id="stride", max_points=2.0, bonus=True, message=f"bonus {bonus}"),
    ))


def page_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def heading(text: str) -> str:
    return text.splitlines()[0]


# --- 1: the heading sums up as the exit code does ----------------------------------------------------------


def test_when_nothing_is_answered_then_the_markdown_heading_is_not_a_pass() -> None:
    stub = result([check("unanswered", id=n, message="corr2d is not implemented yet")
                   for n in ("book", "matches")])
    assert not stub.all_required_passed
    assert heading(render(stub, "md")).startswith("## ❌")


def test_when_every_required_check_passes_beside_a_failing_bonus_then_it_reads_passed() -> None:
    case = with_bonus(bonus_check("failed", 0.0, "wrong with stride 2"))
    assert case.all_required_passed
    assert heading(render(case, "md")).startswith("## ✅")
    assert overall(case) == "passed"


# --- 2, 3: verdicts only --------------------------------------------------------------------------------


def test_when_verdicts_only_then_a_place_reads_as_grading_wrote_it() -> None:
    failing = check("failed", message="corr2d(X, K) is wrong", cell=3, line=3, location=PLACE)
    for kind in ("notebook", "module"):
        case = redact(result([failing]), "verdicts")
        case = dataclasses.replace(case, submission=dataclasses.replace(case.submission, kind=kind))
        for fmt in ("txt", "md", "html"):
            text = render(case, fmt).replace("&#34;", '"')
            assert "cell 3, line 3" not in text, (kind, fmt)
            assert "line 3, in corr2d" in text, (kind, fmt)


def test_when_verdicts_only_then_failures_are_not_said_to_share_a_reason() -> None:
    checks = [check("failed", id=f"c{n}", message=f"wrong in its own way {n}", hint=f"hint {n}")
              for n in range(3)]
    case = redact(result(checks), "verdicts")
    assert [len(g) for g in failure_groups(case)] == [1, 1, 1]
    for fmt in ("txt", "md", "html"):
        text = render(case, fmt)
        assert group_title("failed", 3) not in text and "for the same reason" not in text, fmt


# --- 4: a question mixing required and bonus checks --------------------------------------------------------


def test_when_a_question_has_bonus_checks_beside_required_ones_then_its_points_say_both() -> None:
    assert points_text(mixed("passed", "failed")) == "1/1 + bonus 0/2"
    assert points_text(ExerciseResult("q", "q", (check("passed", points=1.0),))) == "1/1"


def test_when_only_the_bonus_of_a_question_fails_then_it_ranks_as_an_unfinished_bonus() -> None:
    owed = ExerciseResult("edge", "edge", (check("unanswered", exercise="edge"),))
    assert rank(mixed("passed", "failed")) > rank(owed)
    assert rank(mixed("passed", "failed")) == rank(ExerciseResult("b", "b", (
        check("failed", exercise="b", bonus=True),)))


def test_when_a_required_and_a_bonus_check_fail_then_the_required_one_is_fixed_first() -> None:
    question = ExerciseResult("corr2d", "corr2d", (
        check("failed", id="stride", bonus=True, message="bonus failed"),
        check("unanswered", id="matches", message="required unanswered"),
    ))
    first = first_to_fix(question)
    assert first is not None and first.id == "matches"


def test_when_a_bonus_and_a_required_check_fail_alike_then_they_are_not_one_card() -> None:
    same: dict[str, Any] = {"message": "corr2d(X, K) is wrong", "hint": "do not flip the kernel"}
    case = result([check("failed", id="matches", **same),
                   check("failed", id="stride", bonus=True, **same)])
    assert [len(g) for g in failure_groups(case)] == [1, 1]


# --- 5: a card says its details and answers once -----------------------------------------------------------


def test_when_a_card_gathers_checks_then_their_shared_details_and_answer_show_once() -> None:
    answer = {"question": "Which kernel?", "given": "K1", "truth": "K2", "correct": False}
    shared: dict[str, Any] = {"message": "wrong", "hint": "look again",
                                 "details": {"multiplications": 36}, "answer": answer}
    case = result([check("failed", id=f"c{n}", **shared) for n in range(3)])
    (failure,) = build(case).failures
    assert len(failure.members) == 3
    assert len(failure.details) == 1 and len(failure.answers) == 1


# --- 6: what is past the detailed cards links nowhere ------------------------------------------------------


def test_when_failures_exceed_the_detailed_cards_then_no_link_leads_nowhere() -> None:
    checks: list[CheckResult] = [
        check("failed", exercise=f"q{n}", id="c", message=f"wrong {n}") for n in range(3)]
    limits = Limits(detailed=1)
    html = render_html(result(checks), limits)
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert all(target in ids for target in re.findall(r'href="#([^"]+)"', html))
    text = " ".join(page_text(html).split())
    assert "wrong 1" in text and "wrong 2" in text


def test_when_questions_are_not_answered_then_they_take_no_detailed_card_from_failures() -> None:
    checks = [check("unanswered", exercise=f"todo{n}", id="c", message="not implemented yet")
              for n in range(3)]
    checks.append(check("failed", exercise="wrong", id="c", message="wrong"))
    view = build(result(checks), Limits(detailed=2))
    assert len(view.todos) == 3 and len(view.failures) == 1 and view.more_failures == ()


def test_when_the_terminal_lists_points_of_different_widths_then_its_rows_align() -> None:
    case = result([check("failed", id="matches", max_points=7.0, message="wrong"),
                   bonus_check("unanswered", 0.0, "conv2d_matmul is not implemented yet")])
    rows = [line for line in render_terminal(case, color=False).splitlines()
            if line.startswith("  ") and not line.startswith("   ")]
    assert len(rows) == 2
    titles = ("The cross-correlation operation", "conv2d_matmul")
    assert len({row.index(title) for row, title in zip(rows, titles, strict=True)}) == 1

