"""Statuses and points as every report reads them: 'not answered' is the student's omission (an
icon and colour of its own, never summed up over a wrong answer), and a bonus reads as a bonus
(never 53/51, 104% or 'failed 0/0'). Results are built in code; each test renders every format."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from grader.catalog.model import Pack
from grader.reports import render, render_pack, render_terminal, render_total
from grader.reports.html import overall, render_html_fragment
from grader.reports.wording import NOT_ATTEMPTED
from grader.results.model import STATUS_LABELS, CheckResult, SubmissionResult
from tests.test_report_cases import check, result
from tests.test_report_html import Node, page

NOT_ANSWERED = STATUS_LABELS["unanswered"]
MISSING = "corr2d is not implemented yet (it raises NotImplementedError)"


def unanswered(**fields: Any) -> CheckResult:
    return check("unanswered", message=MISSING, **fields)


def wrong_beside_unanswered() -> SubmissionResult:
    """One question: a slot not filled, then a plainly wrong answer in another slot."""
    return result([
        check("unanswered", exercise="diagonal", id="apply_K", title="Says what K does",
              message="answer_apply_K is not set (it is still None)"),
        check("failed", exercise="diagonal", id="has_edge", title="Has a diagonal edge",
              message="diagonal_image(6) has no diagonal edge", hint="try torch.eye(n)"),
    ])


def with_bonus(bonus: CheckResult) -> SubmissionResult:
    """Every required point earned (7 of 7), and a bonus question beside them."""
    return result([check("passed", id="matches", points=7.0, max_points=7.0),
                   bonus])


def bonus_check(status: str, points: float, message: str = "") -> CheckResult:
    return check(status, exercise="conv2d_matmul", id="batched", title="Batched and strided",  # type: ignore[arg-type]
                 points=points, max_points=2.0, bonus=True, message=message)


def status_rows(root: Node) -> list[str]:
    return [r.find("span", "status").text for r in root.find("tbody").find_all("tr")]


# --- not answered -----------------------------------------------------------------------------------------


def test_when_a_slot_is_not_filled_then_every_format_says_not_answered_with_its_own_icon() -> None:
    case = result([unanswered(id="book_example"), unanswered(id="matches")])
    terminal = render_terminal(case, color=True)
    assert "\x1b[35m○ not answered" in terminal  # magenta: neither the red of a wrong answer nor an error's
    root = page(case)
    (badge,) = root.find("section").find("tbody").find_all("span", "status")
    assert badge.text == NOT_ANSWERED and "s-unanswered" in badge.attrs["class"]
    assert badge.find("use").attrs["href"] == "#icon-unanswered"
    assert 'id="icon-unanswered"' in render(case, "html")
    assert "| ⬜ not answered | The cross-correlation operation |" in render(case, "md")
    assert "! error" not in terminal and "❗" not in render(case, "md")
    assert root.find_all("span", "s-error") == [] and root.find_all("span", "s-failed") == []


def test_when_a_slot_is_not_filled_then_its_checks_are_one_line_of_what_is_missing_and_where() -> None:
    case = result([unanswered(id=name, cell=4, line=3, location="cell 4, line 3, in corr2d",
                              traceback="cell 4, line 3, in corr2d\n    raise")
                   for name in ("book_example", "matches", "keeps_dtype")])
    root = page(case)
    assert root.find_all("article", "card") == []
    (block,) = root.find_all("article", "todo")
    (line,) = block.find_all("li")
    assert " ".join(line.text.split()).startswith(f"{MISSING}, at cell 4, line 3, in corr2d.")
    assert "3 checks wait for it" in line.text
    markdown = render(case, "md")
    assert "### Not answered yet" in markdown and "<details>" not in markdown
    assert markdown.count(MISSING) == 2  # the question's row, and its one line
    terminal = render(case, "txt")
    assert terminal.count(MISSING) == 1 and "at cell 4, line 3, in corr2d" in terminal


def test_when_a_wrong_answer_sits_beside_an_unfilled_slot_then_the_question_reads_failed_everywhere() -> None:
    case = wrong_beside_unanswered()
    root = page(case)
    assert status_rows(root) == ["failed"]
    assert root.find("tbody").find("a").text == "Has a diagonal edge"  # the first thing to fix
    (row,) = [line for line in render(case, "md").splitlines() if line.startswith("| ❌")]
    assert "| ❌ failed | A diagonal edge | 0/2 | `diagonal::has_edge[cpu]`" in row
    lines = render(case, "txt").splitlines()
    at = next(i for i, line in enumerate(lines) if "A diagonal edge" in line)
    assert "✘ failed" in lines[at]
    assert lines[at + 1].strip() == "diagonal::has_edge[cpu]"
    assert lines[at + 2].strip() == "diagonal_image(6) has no diagonal edge"


def test_when_the_notebook_shows_a_wrong_answer_beside_a_students_error_then_it_reads_failed() -> None:
    case = result([check("error", exercise="laplacian", id="runs",
                         message="laplacian_kernel raised IndexError at cell 4, line 3"),
                   check("failed", id="matches", message="corr2d(X, K) is wrong")])
    assert overall(case) == "failed"  # the grader's own error alone outranks a wrong answer
    fragment = render_html_fragment(case)
    assert re.search(r'<p class="head"><span class="status s-failed">', fragment)
    internal = result([check("error", id="runs", message="the check crashed", internal=True),
                       check("failed", id="matches", message="corr2d(X, K) is wrong")])
    assert overall(internal) == "error"


# --- bonus ------------------------------------------------------------------------------------------------


def test_when_the_bonus_is_earned_then_the_total_is_the_required_points_plus_the_bonus() -> None:
    case = with_bonus(bonus_check("passed", 2.0))
    assert render_total(case) == "Total: 7/7 points + 2 bonus (complete)"
    assert render(case, "txt").splitlines()[0].startswith("ana.ipynb: 7/7 points + 2 bonus")
    markdown = render(case, "md")
    assert markdown.splitlines()[0] == "## ✅ ana.ipynb: 7/7 points + 2 bonus"
    assert "| ✅ passed | conv2d\\_matmul | bonus 2/2 |" in markdown
    top = page(case).find("header", "top")
    assert " ".join(top.find("div", "score").text.split()) == "7 / 7 points + 2 bonus 100% · complete"
    assert top.find("div", "bar").find("span").attrs["style"] == "width:100.0%"
    for fmt in ("txt", "md", "html"):
        text = render(case, fmt)
        assert "9/7" not in text and "9 / 7" not in text and "129%" not in text, fmt


def test_when_the_bonus_is_not_attempted_then_it_reads_so_and_comes_after_what_is_owed() -> None:
    case = result([check("failed", id="matches", max_points=7.0, message="corr2d(X, K) is wrong"),
                   bonus_check("unanswered", 0.0, "conv2d_matmul is not implemented yet")])
    assert render_total(case) == "Total: 0/7 points (complete)"
    lines = render(case, "txt").splitlines()
    (row,) = [line for line in lines if "conv2d_matmul" in line and NOT_ATTEMPTED in line]
    assert "○ not answered" in row
    assert lines.index(row) > next(i for i, line in enumerate(lines) if "✘ failed" in line)
    assert f"| ⬜ not answered | conv2d\\_matmul | {NOT_ATTEMPTED} |" in render(case, "md")
    root = page(case)
    assert status_rows(root) == ["failed", NOT_ANSWERED]
    assert root.find("tbody").find_all("tr")[1].find_all("td")[2].text == NOT_ATTEMPTED
    for fmt in ("txt", "md", "html"):
        assert "0/0" not in render(case, fmt) and "0 / 0" not in render(case, fmt), fmt


def test_when_the_bonus_is_attempted_and_wrong_then_its_row_reads_bonus_with_its_points() -> None:
    case = with_bonus(bonus_check("failed", 0.0, "wrong with stride 2"))
    assert "| ❌ failed | conv2d\\_matmul | bonus 0/2 |" in render(case, "md")
    assert render_total(case) == "Total: 7/7 points (complete)"
    fragment = render_html_fragment(case, ["conv2d_matmul"])
    assert "bonus 0/2" in fragment


def test_when_a_pack_has_a_bonus_question_then_grader_list_says_its_points_come_on_top(
    frontend_pack: Pack,
) -> None:
    *required, last = frontend_pack.exercises
    bonus = dataclasses.replace(last, checks=tuple(dataclasses.replace(c, bonus=True) for c in last.checks))
    text = render_pack(dataclasses.replace(frontend_pack, exercises=(*required, bonus)))
    assert text.splitlines()[0] == "frontend_pack: Front-end test pack (6 points + 1 bonus)"
    assert "gpu_only: On the GPU (1 bonus point)" in text
