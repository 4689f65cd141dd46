"""The HTML report, rendered from results built in code: heatmaps, outlines, answers, escaping, size."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reports import heatmap, render
from grader.reports.html import MAX_BYTES
from grader.results.model import CellError, ExecutionInfo, FreeTextAnswer, SubmissionResult
from tests.test_report_cases import (
    HINT_FLIPPED,
    SCRIPT,
    check,
    corr2d_wrong,
    everything,
    hostile,
    laplacian_wrong,
    result,
    shapes_checks,
    transpose_wrong,
)

VOID = {"meta", "br", "img", "input", "link", "hr"}


@dataclass
class Node:
    """An element of the rendered page, enough to find things by tag and class and read text."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and (cls is None or cls in child.attrs.get("class", "").split()):
                    found.append(child)
                found.extend(child.find_all(tag, cls))
        return found

    def find(self, tag: str, cls: str | None = None) -> Node:
        (only,) = self.find_all(tag, cls)[:1]
        return only

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def page(submission: SubmissionResult) -> Node:
    builder = _TreeBuilder()
    builder.feed(render(submission, "html"))
    return builder.root


def card(root: Node, item_id: str) -> Node:
    anchor = "check-" + re.sub(r"[^A-Za-z0-9_-]+", "-", item_id).strip("-")
    (found,) = [a for a in root.find_all("article") if a.attrs.get("id") == anchor]
    return found


def figures(node: Node) -> dict[str, Node]:
    """The figures of a card by the bold part of their caption (Expected, Yours, X, ...)."""
    return {f.find("figcaption").find("b").text: f for f in node.find_all("figure")}


def outlined(figure: Node) -> int:
    return sum(len(g.find_all("rect")) for g in figure.find_all("g", "outline"))


# --- a failing corr2d: three heatmaps side by side, differing cells outlined --------------------------


def test_when_corr2d_is_wrong_then_expected_yours_and_difference_are_drawn_side_by_side() -> None:
    found = figures(card(page(result([corr2d_wrong()])), "corr2d::book_example[cpu]"))
    assert {"X", "K", "Expected", "Yours", "Difference (yours \u2212 expected)"} <= set(found)
    for name in ("Expected", "Yours", "Difference (yours \u2212 expected)"):
        assert len(found[name].find_all("svg", "hm")) == 1, name
        assert len(found[name].find("g", "cells").find_all("rect")) == 4, name


def test_when_corr2d_is_wrong_then_exactly_the_differing_cells_are_outlined() -> None:
    found = figures(card(page(result([corr2d_wrong()])), "corr2d::book_example[cpu]"))
    assert outlined(found["Expected"]) == 0
    assert outlined(found["Yours"]) == 2
    assert outlined(found["Difference (yours \u2212 expected)"]) == 2
    cell = int(found["Yours"].find("g", "cells").find("rect").attrs["width"])
    xs = {float(r.attrs["x"]) for r in found["Yours"].find("g", "outline").find_all("rect")}
    assert xs == {cell + 1.5}  # the right-hand column, inset by half the stroke


def test_when_corr2d_is_wrong_then_expected_and_yours_share_a_scale_and_the_difference_has_its_own() -> None:
    found = figures(card(page(result([corr2d_wrong()])), "corr2d::book_example[cpu]"))
    fills = {name: [r.attrs["fill"] for r in found[name].find("g", "cells").find_all("rect")]
             for name in ("Expected", "Yours", "Difference (yours \u2212 expected)")}
    # 19 and 37 are right in both, so they have the same colour in both
    assert fills["Expected"][0] == fills["Yours"][0] == heatmap.color(19.0, 43.0)
    assert fills["Difference (yours \u2212 expected)"][1] == heatmap.color(-14.0, 14.0)
    assert fills["Difference (yours \u2212 expected)"][0] == "#f7f7f7"  # no difference: white


def test_when_corr2d_is_wrong_then_small_values_are_printed_and_hover_titles_carry_them() -> None:
    found = figures(card(page(result([corr2d_wrong()])), "corr2d::book_example[cpu]"))
    cells = found["Yours"].find("g", "cells")
    assert [t.text for t in cells.find_all("text")] == ["19", "11", "37", "29"]
    assert [t.text for t in cells.find_all("title")][1] == "[0, 1] = 11"


def test_when_a_check_fails_then_its_card_has_the_question_verdict_mismatch_and_hint_box() -> None:
    found = card(page(result([corr2d_wrong()])), "corr2d::book_example[cpu]")
    assert "The cross-correlation operation: Gives the book's example output" in found.find("h3").text
    assert "corr2d(X, K) is wrong: 2 of 4 elements differ" in found.find("p", "verdict").text
    assert found.find("aside", "hint").text == "Hint: " + HINT_FLIPPED
    mismatch = " ".join(found.find("p", "mismatch").text.split())
    assert "2 of 4 elements differ (50.0%), outlined in black" in mismatch
    assert "Greatest difference 14 at (0, 1)" in mismatch


def test_when_a_check_has_a_traceback_then_the_students_failing_line_is_marked() -> None:
    found = card(page(result([corr2d_wrong()])), "corr2d::book_example[cpu]")
    assert "At cell 4, line 3, in corr2d" in " ".join(found.find("p", "where").text.split())
    (marked,) = found.find("pre", "trace").find_all("mark")
    assert marked.text.strip() == "Y[i, j] = (X[i:i + h, j:j + w] * K.flip(0, 1)).sum()"


# --- exhibits and structured answers ----------------------------------------------------------------


def test_when_a_laplacian_is_wrong_then_its_responses_to_x2_and_y2_are_both_drawn() -> None:
    found = card(page(result([laplacian_wrong()])), "laplacian::isotropic[cpu]")
    pictures = figures(found)
    assert set(pictures) == {"response to x^2", "response to y^2"}
    fills = {name: {r.attrs["fill"] for r in f.find("g", "cells").find_all("rect")}
             for name, f in pictures.items()}
    assert fills == {"response to x^2": {heatmap.color(2.0, 2.0)}, "response to y^2": {"#f7f7f7"}}
    assert "all zeros: the kernel does not look along y" in pictures["response to y^2"].text
    assert "These pictures share one colour scale." in found.text


def test_when_a_structured_answer_is_wrong_then_it_shows_beside_the_truth_on_the_students_x() -> None:
    found = card(page(result([transpose_wrong()])), "diagonal::transpose_X[cpu]")
    assert {"your X", "X.T"} <= set(figures(found))
    rows = {r.find_all("td")[0].text: " ".join(r.find_all("td")[1].text.split())
            for r in found.find("table", "answer").find_all("tr")}
    assert rows["You answered"] == "unchanged wrong"
    assert rows["The truth on your objects"] == "changes"
    assert [c.text for c in found.find_all("span", "chip")] == ["unchanged (yours)", "changes (right)"]
    details = found.find_all("table", "attrs")[-1].text
    assert "torch operations dispatched" in details and "8 x 8: 3, 16 x 16: 3" in details


def test_when_a_passing_check_has_exhibits_then_they_are_shown_under_computed_on_your_work() -> None:
    root = page(everything())
    (seen,) = [s for s in root.find_all("section") if s.attrs.get("id") == "seen"]
    assert "your diagonal_image(3)" in figures(seen)
    assert "passed" in seen.find("article").find("span", "status").text


# --- every shape and kind of value ----------------------------------------------------------------------


def test_when_values_have_any_shape_then_each_is_drawn_or_summarized_with_a_note() -> None:
    root = page(result(shapes_checks()))
    scalar = figures(card(root, "shapes::scalar[cpu]"))
    assert len(scalar["Yours"].find("g", "cells").find_all("rect")) == 1
    vector = figures(card(root, "shapes::vector[cpu]"))
    assert len(vector["Yours"].find("g", "cells").find_all("rect")) == 3 and outlined(vector["Yours"]) == 1
    cube = card(root, "shapes::cube[cpu]")
    assert "The first 2-D slice [0, :, :] of a 2 \u00d7 2 \u00d7 2 tensor." in cube.text
    large = card(root, "shapes::large[cpu]").text
    assert "Too large to store every value; min \u22123, max 3" in large.replace("-", "\u2212")
    meta = card(root, "shapes::on_meta[meta]")
    assert "A meta tensor: it has a shape and a dtype but no values." in meta.text
    assert "cpu \u2717" in meta.find("table", "attrs").text
    wide = card(root, "shapes::wide[cpu]").text
    assert "Downsampled to 1 \u00d7 20" in wide
    losses = card(root, "shapes::losses[cpu]")
    assert [f.find("pre").text for f in losses.find_all("figure")] == ["losses: (1: 0.5, 10: 0.5)"]


def test_when_values_are_nan_or_infinite_then_those_cells_stand_apart_and_are_counted() -> None:
    yours = figures(card(page(result(shapes_checks())), "shapes::nonfinite[cpu]"))["Yours"]
    fills = [r.attrs["fill"] for r in yours.find("g", "cells").find_all("rect")]
    assert fills[1] == heatmap.NAN_FILL
    printed = [t.text for t in yours.find("g", "cells").find_all("text")]
    assert printed == ["1", "NaN", "\u221e", "\u2212\u221e"]
    assert "1 NaN, 2 infinite" in yours.text


# --- the page as a whole ----------------------------------------------------------------------------------


def test_when_rendering_then_the_header_has_score_bar_name_sha_versions_devices_and_seed() -> None:
    root = page(everything())
    top = root.find("header", "top")
    facts = dict(zip([t.text for t in top.find_all("dt")], [d.text for d in top.find_all("dd")],
                     strict=True))
    assert top.find("h1").text == "ana.ipynb"
    assert facts["sha256"] == "ab" * 32 and facts["seed"] == "3"
    assert facts["grader"] == "0.1.0 with torch 2.13.0"
    assert facts["devices"] == "cpu, meta, cuda (skipped: CUDA is not available on this machine)"
    score = " ".join(top.find("div", "score").text.split())
    assert score == "3 / 6 points 50% · complete"
    assert root.find("div", "bar").find("span").attrs["style"] == "width:50.0%"


def test_when_rendering_then_each_question_has_an_icon_and_a_word_for_its_status() -> None:
    rows = page(everything()).find("section").find("tbody").find_all("tr")
    statuses = [r.find("span", "status") for r in rows]
    assert [s.text for s in statuses] == ["failed", "failed", "failed"]
    assert all(s.find_all("svg") for s in statuses)
    assert rows[0].find("a").attrs["href"] == "#check-corr2d-book_example-cpu"


def test_when_a_cell_raised_then_it_is_listed_with_its_line_marked_and_library_frames_folded() -> None:
    root = page(everything())
    (notebook,) = [s for s in root.find_all("section") if s.attrs.get("id") == "notebook"]
    text = " ".join(notebook.text.split())
    assert "cell 6, line 2 raised ZeroDivisionError: division by zero" in text
    assert [m.text for m in notebook.find_all("mark")] == ["----> 2 print(1 / scale)"]
    assert "2 frames inside libraries left out" in text
    assert "site-packages" not in text


def test_when_free_text_was_written_then_it_is_shown_for_a_human_and_a_missing_one_says_so() -> None:
    (answers,) = [s for s in page(everything()).find_all("section") if s.attrs.get("id") == "answers"]
    assert [b.text for b in answers.find_all("blockquote", "free")] == ["Because the kernel is not flipped."]
    assert "Not answered." in answers.text


def test_when_every_check_passed_then_there_is_nothing_to_fix() -> None:
    root = page(result([check("passed", points=1.0)]))
    assert "Nothing to fix: every check that ran passed." in " ".join(root.text.split())
    assert root.find_all("article") == []


def test_when_the_submission_could_not_run_then_the_page_says_not_graded_and_has_no_cards() -> None:
    root = page(result([corr2d_wrong()], error="ana.ipynb is not valid JSON (line 1)"))
    text = " ".join(root.text.split())
    assert "Not graded ana.ipynb is not valid JSON (line 1)" in text
    assert root.find_all("article") == []


def test_when_a_question_fails_the_same_way_in_every_check_then_one_card_lists_them_all() -> None:
    stub = [check("failed", id=name, message="corr2d is not implemented yet", cell=4, line=3)
            for name in ("a", "b", "c")]
    root = page(result(stub))
    (article,) = root.find_all("article")
    assert "3 checks failed the same way" in article.find("h3").text
    assert len(article.find("ul", "what").find_all("li")) == 3


def test_when_rendered_from_json_then_the_page_is_the_same() -> None:
    case = everything()
    assert render(SubmissionResult.from_json(case.to_json()), "html") == render(case, "html")


# --- safety: escaping, no requests, bounded size ------------------------------------------------------------


def test_when_student_strings_contain_markup_then_every_one_shows_as_text() -> None:
    bad = dataclasses.replace(
        transpose_wrong(), message=SCRIPT, hint=SCRIPT, location=SCRIPT, traceback=SCRIPT,
        exhibits=({"label": SCRIPT, "value": {"kind": "tensor", "dtype": SCRIPT, "shape": [1],
                                              "device": SCRIPT, "values": [1.0]},
                   "note": SCRIPT},),
        answer={"question": SCRIPT, "given": SCRIPT, "truth": SCRIPT, "choices": [SCRIPT],
                "correct": False},
        details={SCRIPT: SCRIPT}, input={SCRIPT: SCRIPT}, expected=SCRIPT, actual=SCRIPT,
    )
    case = result(
        [bad], name=SCRIPT,
        answers=(FreeTextAnswer("why", "diagonal", SCRIPT, SCRIPT),),
        execution=ExecutionInfo(cells=1, cell_errors=(
            CellError(1, "raised", SCRIPT, SCRIPT, traceback=SCRIPT, location=SCRIPT),)),
    )
    html = render(case, "html")
    assert "<script" not in html.lower()
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 15
    free = page(case).find("blockquote", "free")
    assert free.text == SCRIPT


def test_when_rendering_then_the_page_needs_no_network_and_no_script() -> None:
    html = render(everything(), "html")
    assert "default-src 'none'" in html
    assert not re.search(r"https?:|//[a-z]|<script|<link|<img|@import|url\(", html, re.IGNORECASE)
    assert set(re.findall(r'(?:src|href)="([^"#])', html)) == set()


def test_when_the_result_is_hostile_then_the_page_stays_under_2_mb_and_says_what_it_left_out() -> None:
    html = render(hostile(), "html")
    assert len(html.encode("utf-8")) <= MAX_BYTES < 2_000_000
    assert "<script" not in html
    assert "more characters not shown" in html
    assert "more checks did not pass" in html
    assert "left out to keep this report small" in html


def odd_mappings(inner: st.SearchStrategy[object]) -> st.SearchStrategy[dict[str, object]]:
    """Mappings with the keys payloads have, untagged or tagged with a kind (known or not)."""
    found = st.dictionaries(st.sampled_from(["dtype", "shape", "device", "values", "summary", "mask",
                                             "label", "value", "given", "choices", "count", "items",
                                             "x"]), inner, max_size=4)
    kinds = st.sampled_from(["tensor", "property", "mapping", "x"])
    return found | st.builds(lambda kind, fields: {**fields, "kind": kind}, kinds, found)


@settings(max_examples=40, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["nan", "inf", "-inf"]),
    lambda inner: st.lists(inner, max_size=4) | odd_mappings(inner),
    max_leaves=20,
))
def test_when_a_result_holds_odd_data_then_every_format_still_renders(odd: object) -> None:
    weird = check("failed", message="odd", input={"X": odd}, expected=odd, actual=odd,
                  mismatch=odd if isinstance(odd, dict) else None,
                  exhibits=(odd,) if isinstance(odd, dict) else (),
                  answer=odd if isinstance(odd, dict) else None,
                  details=odd if isinstance(odd, dict) else None)
    case = result([weird])
    for fmt in ("html", "md", "txt"):
        assert "odd" in render(case, fmt)
