"""The Markdown report for pull requests and job summaries: content, escaping, fences, the size cap."""

from __future__ import annotations

import dataclasses
import re

from grader.reports import render
from grader.reports.markdown import MAX_CHARS, code, fence, md, md_block, render_markdown
from grader.results.model import FreeTextAnswer
from tests.test_report_cases import (
    HINT_FLIPPED,
    SCRIPT,
    check,
    corr2d_wrong,
    everything,
    hostile,
    laplacian_wrong,
    result,
    transpose_wrong,
)


def details_blocks(text: str) -> list[str]:
    return re.findall(r"<details>\n<summary>.*?</details>", text, re.DOTALL)


def fenced_blocks(text: str) -> list[str]:
    """The bodies of the fenced code blocks, read the way CommonMark does (the closing fence is a
    line of at least as many backticks as the opening one)."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        opening = re.match(r"^(`{3,})", lines[i])
        if opening:
            ticks, body, i = opening.group(1), [], i + 1
            while i < len(lines) and not re.fullmatch(f"{ticks}`*\\s*", lines[i]):
                body.append(lines[i])
                i += 1
            blocks.append("\n".join(body))
        i += 1
    return blocks


def outside_fences(text: str) -> str:
    """The text with the bodies of its fenced code blocks removed (there, markup is inert)."""
    for body in fenced_blocks(text):
        text = text.replace(body, "", 1)
    return text


def test_when_rendering_then_it_starts_with_the_score_line_and_the_question_table() -> None:
    text = render(everything(), "md")
    lines = text.splitlines()
    assert lines[0] == "## \u274c ana.ipynb: 3/6 points"
    assert "| Status | Question | Points | First thing to fix |" in lines
    rows = [line for line in lines if line.startswith("| \u274c failed")]
    assert len(rows) == 3
    assert rows[0].startswith(
        "| \u274c failed | The cross-correlation operation | 1/2 | `corr2d::book_example[cpu]`")
    assert text.rstrip().endswith("**Total: 3/6 points** (complete)")


def test_when_checks_fail_then_each_is_a_collapsible_block_with_its_hint_and_small_tensors() -> None:
    text = render(result([corr2d_wrong()]), "md")
    (block,) = details_blocks(text)
    assert "<code>corr2d::book_example[cpu]</code>" in block
    assert f"> **Hint:** {md(HINT_FLIPPED)}" in block
    assert "19 25\n37 43" in fenced_blocks(block)
    assert "19  11*\n37  29*" in fenced_blocks(block)  # yours, with the differing values marked
    assert "**2 of 4 elements differ** (50.0%). Greatest difference 14 at (0, 1)." in block


def test_when_a_laplacian_is_wrong_then_both_responses_are_printed() -> None:
    (block,) = details_blocks(render(result([laplacian_wrong()]), "md"))
    assert "**response to x^2** (float32, 5 \u00d7 5)" in block
    assert "**response to y^2** (float32, 5 \u00d7 5)" in block
    assert fenced_blocks(block) == ["2 2 2 2 2\n" * 4 + "2 2 2 2 2", "0 0 0 0 0\n" * 4 + "0 0 0 0 0"]


def test_when_a_structured_answer_is_wrong_then_the_truth_and_the_choices_are_given() -> None:
    (block,) = details_blocks(render(result([transpose_wrong()]), "md"))
    assert ("You answered **unchanged** \u274c; on your objects the answer is **changes**."
            in block)
    assert "Choices: unchanged (yours), changes (right)." in block


def test_when_cells_raised_then_the_head_lists_them_and_their_traceback_is_collapsible() -> None:
    text = render(everything(), "md")
    assert "- \u2757 error: cell 6, line 2 raised ZeroDivisionError: division by zero" in text
    assert "Traceback of cell 6, line 2" in text
    assert "----> 2 print(1 / scale)" in "\n".join(fenced_blocks(text))


def test_when_free_text_was_written_then_it_is_in_a_code_block_for_a_human() -> None:
    text = render(everything(), "md")
    assert "### Written answers" in text
    assert "Because the kernel is not flipped." in fenced_blocks(text)
    assert "_Not answered._" in text


def test_when_student_text_has_markup_then_nothing_of_it_is_live_markdown_or_html() -> None:
    nasty = ("<img src=x onerror=alert(1)> [click](http://evil.example) ![i](http://evil.example/i.png)"
             " **bold** @octocat")
    bad = dataclasses.replace(corr2d_wrong(), message=nasty, hint=SCRIPT, location=SCRIPT)
    text = render(result([bad], name=SCRIPT, answers=(
        FreeTextAnswer("why", "corr2d", SCRIPT, "```\n</details>\n" + SCRIPT),)), "md")
    live = outside_fences(text)
    assert "<script" not in live and "<img" not in live
    assert not re.search(r"(?<!\\)\]\(", live) and "**bold**" not in live
    assert "http://" not in live  # GitHub would autolink it
    assert "@octocat" not in text
    assert "</details>\n" + SCRIPT in fenced_blocks(text)[-1]  # it stays inside its code block


def test_when_text_starts_a_line_then_it_cannot_open_a_heading_list_or_quote() -> None:
    assert md_block("# title") == "\\# title"
    assert md_block("- item") == "\\- item"
    assert md_block("1. first") == "1\\. first"
    assert md("a > b").startswith("a &gt; b")
    assert md("x | y") == "x \\| y"


def test_when_text_holds_backticks_then_its_fence_and_code_span_are_longer() -> None:
    assert fence("a ```` b").startswith("`````text\n")
    assert fence("plain").startswith("```text\n")
    assert code("a`b") == "``a`b``"


def test_when_the_result_is_hostile_then_it_is_cut_below_githubs_limit_with_a_note() -> None:
    text = render(hostile(), "md")
    assert len(text) <= MAX_CHARS < 65_000
    assert "This summary was cut to stay under 60,000 characters" in text
    assert text.startswith("## \u274c") and "**Total: 0/300 points**" in text
    assert "<script" not in outside_fences(text)
    assert len(re.findall("<details>", text)) == len(re.findall("</details>", text))


def test_when_a_small_limit_is_given_then_whole_sections_are_dropped_and_counted() -> None:
    full = render_markdown(everything())
    cut = render_markdown(everything(), limit=len(full) - 10)
    assert len(cut) <= len(full) - 10
    (dropped,) = re.findall(r"(\d+) more sections? left out", cut)
    assert int(dropped) >= 1
    assert cut.count("<details>") == full.count("<details>") - int(dropped)


def test_when_every_check_passed_then_the_score_line_has_a_tick_and_there_is_nothing_to_fix() -> None:
    text = render(result([check("passed", points=1.0)]), "md")
    assert text.startswith("## \u2705 ana.ipynb: 1/1 points")
    assert "### What to fix" not in text and "<details>" not in text
