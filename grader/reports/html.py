"""The HTML report: one self-contained page a student, a teacher or a CI artifact viewer opens.

Inline CSS and SVG only: no script is needed to read it, nothing is fetched (a Content-Security-
Policy of ``default-src 'none'`` makes sure of it), and it works offline. The template is
autoescaped, so every string that came from the student shows as text. Escaping can multiply a
string's length by six (``"`` becomes ``&#34;``), so a page over ``MAX_BYTES`` is rendered again
with smaller limits: no result makes a page of many megabytes.

``render_html_fragment`` renders some questions of a result the same way, for a notebook's output
(``grader.check``): the report's cards inside one ``<div>``, with the report's style sheet scoped
to that ``<div>`` so the notebook around it keeps its own look.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable

from markupsafe import Markup

from grader.reports.environment import environment
from grader.reports.text import DEFAULT_LIMITS, Limits
from grader.reports.view import build
from grader.results.model import ExerciseResult, Status, SubmissionResult

MAX_BYTES = 1_900_000
#: A notebook keeps its outputs in the file: a fragment stays smaller than a page.
MAX_FRAGMENT_BYTES = 400_000
#: Each retry keeps this share of every limit of the one before.
SHRINK = (1.0, 0.4, 0.15, 0.05)
#: The class of the fragment's ``<div>``, which every rule of its style sheet is scoped to.
SCOPE = "conv-grader"
#: Selectors that mean the whole page; in a fragment they mean the fragment itself.
_PAGE = frozenset({":root", "html", "body"})


def render_html(result: SubmissionResult, limits: Limits = DEFAULT_LIMITS) -> str:
    """The page for ``result``, at most ``MAX_BYTES`` of UTF-8 whatever the result holds."""
    template = environment().get_template("report.html.j2")
    page = ""
    for factor in SHRINK:
        page = template.render(result=result, view=build(result, limits.scaled(factor)))
        if len(page.encode("utf-8")) <= MAX_BYTES:
            break
    return page


def render_html_fragment(
    result: SubmissionResult, exercise_ids: Iterable[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """The questions ``exercise_ids`` of ``result`` (all when None) as one ``<div>``: a one-line
    score, the report's cards (verdict, hint, input, expected and yours as heatmaps, what was
    computed on the student's objects) and every check in a fold; at most ``MAX_FRAGMENT_BYTES``."""
    if exercise_ids is not None:
        ids = set(exercise_ids)
        result = dataclasses.replace(
            result, exercises=tuple(e for e in result.exercises if e.id in ids),
            answers=tuple(a for a in result.answers if a.exercise in ids))
    macros = environment().get_template("_html.html.j2").module
    html = ""
    for factor in SHRINK:
        view = build(result, limits.scaled(factor))
        html = str(macros.fragment(result, view, overall(result), _scoped_css()))  # type: ignore[attr-defined]
        if len(html.encode("utf-8")) <= MAX_FRAGMENT_BYTES:
            break
    return html


def overall(result: SubmissionResult) -> Status:
    """What sums up the questions shown, as an exit code does: by the required checks, summed up
    as the model sums up one question's (``ExerciseResult.status``: a wrong answer is never summed
    up as an error), so a bonus that did not pass beside required checks that did reads passed;
    questions that are all bonus by their own checks; ``error`` when the submission could not be
    graded."""
    if result.error is not None:
        return "error"
    required = tuple(c for c in result.checks if not c.bonus)
    return ExerciseResult("", "", required or result.checks).status


@functools.cache
def _scoped_css() -> Markup:
    # The report's own style sheet, from the template, with nothing of a result in it: the one
    # string marked safe (inside <style>, escaping would break its quotes and `>` combinators).
    macros = environment().get_template("_html.html.j2").module
    sheet = str(macros.css()) + "\n" + str(macros.fragment_css())  # type: ignore[attr-defined]
    return Markup(scope_css(sheet, "." + SCOPE))


def scope_css(css: str, scope: str) -> str:
    """Every rule of ``css`` applied only inside ``scope``: ``h2`` becomes ``scope h2``, and the
    page's own selectors (``:root``, ``body``) become ``scope`` itself; ``@media`` blocks are
    scoped inside. Written for the report's style sheet: plain rules, no strings with braces."""
    out: list[str] = []
    at = 0
    while (opening := css.find("{", at)) >= 0:
        prelude = css[at:opening]
        if prelude.strip().startswith("@"):
            closing = _matching(css, opening)
            out.append(prelude + "{" + scope_css(css[opening + 1:closing], scope) + "}")
        else:
            closing = css.index("}", opening)
            out.append(_scope_selectors(prelude, scope) + css[opening:closing + 1])
        at = closing + 1
    out.append(css[at:])
    return "".join(out)


def _scope_selectors(prelude: str, scope: str) -> str:
    lead = prelude[: len(prelude) - len(prelude.lstrip())]
    selectors = (s.strip() for s in prelude.split(","))
    return lead + ",".join(scope if s in _PAGE else f"{scope} {s}" for s in selectors)


def _matching(css: str, opening: int) -> int:
    """The index of the brace that closes the one at ``opening``."""
    depth = 0
    for index in range(opening, len(css)):
        depth += {"{": 1, "}": -1}.get(css[index], 0)
        if depth == 0:
            return index
    raise ValueError("unbalanced braces in the report's style sheet")
