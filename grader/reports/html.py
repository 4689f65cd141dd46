"""The HTML report: one self-contained page a student, a teacher or a CI artifact viewer opens.

Inline CSS and SVG only: no script is needed to read it, nothing is fetched (a Content-Security-
Policy of ``default-src 'none'`` makes sure of it), and it works offline. The template is
autoescaped, so every string that came from the student shows as text. Escaping can multiply a
string's length by six (``"`` becomes ``&#34;``), so a page over ``MAX_BYTES`` is rendered again
with smaller limits: no result makes a page of many megabytes.
"""

from __future__ import annotations

from grader.reports.environment import environment
from grader.reports.text import DEFAULT_LIMITS, Limits
from grader.reports.view import build
from grader.results.model import SubmissionResult

MAX_BYTES = 1_900_000
#: Each retry keeps this share of every limit of the one before.
SHRINK = (1.0, 0.4, 0.15, 0.05)


def render_html(result: SubmissionResult, limits: Limits = DEFAULT_LIMITS) -> str:
    """The page for ``result``, at most ``MAX_BYTES`` of UTF-8 whatever the result holds."""
    template = environment().get_template("report.html.j2")
    page = ""
    for factor in SHRINK:
        page = template.render(result=result, view=build(result, limits.scaled(factor)))
        if len(page.encode("utf-8")) <= MAX_BYTES:
            break
    return page
