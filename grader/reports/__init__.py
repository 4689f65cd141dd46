"""Rendering results for people, and nothing else: every report is made from a ``SubmissionResult``.

``render(result, format)`` picks one of ``FORMATS``: the HTML page (``grader.reports.html``),
GitHub Markdown (``grader.reports.markdown``), the terminal text (``grader.reports.terminal``) and
the result's own JSON. All words and markup live in ``templates/``; the shared jinja2 environment
is ``grader.reports.environment``.
"""

from __future__ import annotations

from grader.reports.formats import FORMATS, format_for
from grader.reports.terminal import render_failure, render_pack, render_terminal, render_total
from grader.results.model import SubmissionResult

__all__ = [
    "FORMATS",
    "format_for",
    "render",
    "render_failure",
    "render_pack",
    "render_terminal",
    "render_total",
]


def render(result: SubmissionResult, fmt: str, *, color: bool = False) -> str:
    """``result`` as one of ``FORMATS``; ``color`` only matters to the terminal text."""
    if fmt == "html":
        from grader.reports.html import render_html

        return render_html(result)
    if fmt == "md":
        from grader.reports.markdown import render_markdown

        return render_markdown(result)
    if fmt == "txt":
        return render_terminal(result, color)
    if fmt == "json":
        return result.to_json() + "\n"
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
