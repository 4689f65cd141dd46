"""Reports a student reads to the end: questions to fix first, checks of one question that fail for
one reason said once, each picture drawn once, a location said once and attributed to its function,
and the pictures a hint promises printed in the terminal too. Results are built in code."""

from __future__ import annotations

import dataclasses
from typing import Any

from grader.reports import render, render_failure, render_terminal
from grader.reports.wording import SHOWN_ABOVE, group_title
from grader.results.model import CheckResult, Status
from tests.test_report_cases import check, laplacian_wrong, result, tensor
from tests.test_report_html import card, figures, page
from tests.test_report_markdown import details_blocks

HINT_EDGE = "a diagonal edge is where the image changes along i = j: torch.eye(n) has one"
IMAGE = tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
TRACE = "cell 4, line 3, in corr2d\n    Y[i, j] = (X[i:i + h, j:j + w] * K).sum()"


def cannot_judge(name: str, **fields: Any) -> CheckResult:
    """An answer that cannot be judged on the student's image: the message names the answer, the
    hint (the reason) is the same for every answer."""
    return check("failed", exercise="diagonal", id=name, title=f"Says {name}", hint=HINT_EDGE,
                 message=f"answer_{name} cannot be judged on your image: it has no diagonal edge",
                 **fields)


def one_of_each(statuses: list[Status]) -> list[CheckResult]:
    return [check(status, exercise=f"q{n}", id="c", message=f"{status} {n}",
                  points=1.0 if status == "passed" else 0.0)
            for n, status in enumerate(statuses)]


# --- the questions to fix first ---------------------------------------------------------------------------


def test_when_questions_pass_and_fail_then_every_format_lists_those_to_fix_first() -> None:
    case = result(one_of_each(["passed", "unanswered", "skipped", "failed", "timeout", "error"]))
    want = ["q3", "q4", "q5", "q1", "q0", "q2"]  # failed, timeout, error, not answered, passed, skipped
    terminal = [line.split()[-1] for line in render_terminal(case, color=False).splitlines()
                if line.startswith("  ") and not line.startswith("   ")]
    assert terminal == want
    markdown = [line.split(" | ")[1] for line in render(case, "md").splitlines()
                if line.startswith("| ") and " | q" in line]
    assert markdown == want
    rows = page(case).find("section").find("tbody").find_all("tr")
    assert [r.find_all("td")[1].text for r in rows] == want


# --- one block per reason -------------------------------------------------------------------------------


def test_when_checks_of_a_question_fail_with_one_hint_then_one_card_lists_each_with_its_message() -> None:
    checks = [cannot_judge(name) for name in ("apply_K", "transpose_X", "transpose_K")]
    case = result(checks)
    (article,) = page(case).find_all("article")
    assert group_title("failed", 3) in article.find("h3").text
    items = article.find("ul", "what").find_all("li")
    assert [i.find("span", "own").text for i in items] == [c.message for c in checks]
    assert [a.text for a in article.find_all("aside", "hint")] == ["Hint: " + HINT_EDGE]
    (block,) = details_blocks(render(case, "md"))
    assert block.count(HINT_EDGE) == 1 and all(c.id in block for c in checks)
    terminal = render_terminal(case, color=False)
    assert "and 2 more checks, for the same reason" in terminal
    assert terminal.count(HINT_EDGE) == 1
    assert all(f"{c.item_id}: {c.message}" in terminal for c in checks)


def test_when_checks_share_a_message_but_not_their_values_then_each_keeps_its_own_card() -> None:
    same: dict[str, Any] = {"message": "corr2d(X, K) is wrong", "hint": "do not flip the kernel"}
    case = result([check("failed", id="book", expected=tensor([[19.0]]), actual=tensor([[1.0]]), **same),
                   check("failed", id="random", expected=tensor([[2.0]]), actual=tensor([[3.0]]), **same)])
    assert len(page(case).find_all("article")) == 2


def test_when_checks_of_a_card_show_the_same_picture_then_it_is_drawn_once() -> None:
    image = {"label": "your diagonal_image(3)", "value": IMAGE, "note": ""}
    case = result([cannot_judge("apply_K", exhibits=(image,)),
                   cannot_judge("transpose_X", exhibits=(image,))])
    (article,) = page(case).find_all("article")
    assert list(figures(article)) == ["your diagonal_image(3)"]
    terminal = render_terminal(case, color=False)
    assert terminal.count("your diagonal_image(3)") == 1


def test_when_passing_checks_show_pictures_drawn_above_then_their_card_names_them_instead() -> None:
    image = {"label": "your X", "value": IMAGE, "note": ""}
    transposed = {"label": "X.T", "value": tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]),
                  "note": ""}
    case = result([
        cannot_judge("apply_K", exhibits=(image,)),
        check("passed", exercise="diagonal", id="transpose_X", points=1.0, exhibits=(image, transposed)),
        check("passed", exercise="diagonal", id="transpose_K", points=1.0, exhibits=(image, transposed)),
    ])
    root = page(case)
    (seen,) = [s for s in root.find_all("section") if s.attrs.get("id") == "seen"]
    (article,) = seen.find_all("article")  # one card for the question's passing checks
    assert list(figures(article)) == ["X.T"]
    (link,) = [a for a in article.find_all("a") if a.text == "your X"]
    assert link.attrs["href"] == "#" + card(root, "diagonal::apply_K[cpu]").attrs["id"]
    assert f"Also {SHOWN_ABOVE}: your X." in " ".join(article.text.split())


# --- where, said once -----------------------------------------------------------------------------------


def test_when_a_check_failed_in_a_function_then_its_place_is_said_once_and_names_the_function() -> None:
    failing = check("failed", id="book", message="corr2d(X, K) is wrong", cell=4, line=3,
                    location="cell 4, line 3, in corr2d", traceback=TRACE)  # as grading says it
    case = result([failing])
    text = " ".join(card(page(case), "corr2d::book[cpu]").text.split())
    assert "At cell 4, line 3, in corr2d:" in text and text.count("cell 4, line 3") == 1
    assert "Y[i, j] = (X[i:i + h, j:j + w] * K).sum()" in text
    assert render_failure(failing).splitlines()[-1] == "at cell 4, line 3, in corr2d"
    assert render_terminal(case, color=False).count("cell 4, line 3") == 1
    markdown = render(case, "md")
    assert "At cell 4, line 3, in corr2d:" in markdown and markdown.count("cell 4, line 3") == 1
    # The place is the result's own: never parsed out of the traceback (grading attributes it,
    # and drops a forged function name), so a result without the function shows less.
    unattributed = dataclasses.replace(failing, location="cell 4, line 3")
    assert render_failure(unattributed).splitlines()[-1] == "at cell 4, line 3"


# --- the pictures a hint promises, in the terminal too ------------------------------------------------------


def test_when_a_hint_says_shown_below_then_the_terminal_prints_the_pictures_as_numbers() -> None:
    wrong = dataclasses.replace(laplacian_wrong(), hint="compare the responses to x^2 and y^2 shown below")
    for text in (render_terminal(result([wrong]), color=False), render_failure(wrong)):
        lines = text.splitlines()
        heads = [i for i, line in enumerate(lines) if "response to x^2" in line]
        assert heads and "response to y^2" in lines[heads[0]]  # side by side
        assert lines[heads[0] + 1].split() == ["2"] * 5 + ["0"] * 5
        assert "all zeros: the kernel does not look along y" in text


def test_when_a_picture_is_too_large_to_print_then_the_terminal_says_what_is_known_of_it() -> None:
    big = tensor([[float(i + j) for j in range(40)] for i in range(40)])
    summary = {"kind": "tensor", "dtype": "float32", "shape": [500, 500], "device": "cpu",
               "values": None, "summary": {"min": -3.0, "max": 3.0, "mean": 0.0, "std": 1.0}}
    wrong = check("failed", id="large", message="wrong", exhibits=(
        {"label": "your image", "value": big, "note": ""},
        {"label": "its response", "value": summary, "note": ""}))
    text = render_failure(wrong)
    assert "40 \u00d7 40 values, too many to print: min 0, max 78" in text
    assert "min -3, max 3, mean 0, std 1" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_when_the_traceback_has_several_frames_then_its_last_header_is_the_one_place_said() -> None:
    chain = ("cell 5, line 4, in corr2d_matmul\n    cols = im2col(X, K.shape)\n"
             "cell 5, line 2, in im2col\n    return X.unfold(0, h, 1)[9]")
    failing = check("failed", id="matmul", message="corr2d_matmul raised IndexError", cell=5, line=2,
                    location="cell 5, line 2, in im2col", traceback=chain)
    case = result([failing])
    text = " ".join(card(page(case), "corr2d::matmul[cpu]").text.split())
    assert "In your notebook:cell 5, line 4, in corr2d_matmul" in text  # a <p>, then the <pre>
    assert text.count("cell 5, line 2") == 1
    assert render(case, "md").count("cell 5, line 2") == 1
    assert render_failure(failing).splitlines()[-1] == "at cell 5, line 2, in im2col"
