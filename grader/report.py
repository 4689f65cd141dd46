"""Rendering results for people. Every word lives in ``grader/templates``; this module wires data in.

Reports are rendered from a ``SubmissionResult`` (or the pack's declarations), never from live
grading objects, so a saved result JSON renders exactly like a fresh one. ``environment()`` is the
one jinja2 environment every report shares: text templates are not escaped, HTML and XML ones
(``*.html.j2``, ``*.xml.j2``) are. ``render(result, format)`` picks one of the four formats: the
HTML page (``report_html``), Markdown (``report_markdown``), the terminal text and the JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jinja2

from grader import heatmap, report_text
from grader.exercise import Pack
from grader.report_formats import FORMATS
from grader.results import CheckResult, SubmissionResult

#: ANSI SGR codes per style name used by the templates' ``paint(text, style)``.
STYLES: dict[str, str] = {
    "passed": "32",
    "failed": "31",
    "error": "1;31",
    "timeout": "33",
    "skipped": "2",
    "bold": "1",
    "dim": "2",
    "hint": "36",
}

Paint = Callable[[str, str], str]


@functools.cache
def environment() -> jinja2.Environment:
    """The shared, cached environment loading from ``grader/templates``."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("grader", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2", "xml.j2"),
            default_for_string=False,
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["points"] = format_points
    env.globals.update(shape=report_text.shape_text, scale=heatmap.legend, value=heatmap.format_value)
    return env


def render(result: SubmissionResult, fmt: str, *, color: bool = False) -> str:
    """``result`` as one of ``FORMATS``; ``color`` only matters to the terminal text."""
    if fmt == "html":
        from grader.report_html import render_html

        return render_html(result)
    if fmt == "md":
        from grader.report_markdown import render_markdown

        return render_markdown(result)
    if fmt == "txt":
        return render_terminal(result, color)
    if fmt == "json":
        return result.to_json() + "\n"
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def format_points(value: float) -> str:
    """Points as a person writes them: ``3``, ``1.5``, ``0.33``."""
    return f"{round(value, 2):g}"


def painter(color: bool) -> Paint:
    """``paint(text, style)`` for the templates: ANSI colour when asked for, the text unchanged else."""
    if not color:
        return lambda text, style: text

    def paint(text: str, style: str) -> str:
        code = STYLES.get(style)
        return f"\x1b[{code}m{text}\x1b[0m" if code and text else text

    return paint


def render_terminal(result: SubmissionResult, color: bool) -> str:
    """The summary ``grader check`` prints: score, one line per exercise, what to fix first."""
    template = environment().get_template("terminal.txt.j2")
    return template.render(result=report_text.bounded(result), paint=painter(color))


def render_failure(check: CheckResult, kind: str = "notebook") -> str:
    """One check's failure for a student: message, hint and where in their code (no grader internals).

    ``kind`` is the submission's kind (``notebook`` or ``module``): it decides how a location reads.
    """
    macros = environment().get_template("_macros.txt.j2").module
    return str(macros.failure(check, kind, painter(False)))  # type: ignore[attr-defined]


def render_total(result: SubmissionResult, color: bool = False) -> str:
    """The one-line total (``Total: 7.5/12 points (complete)``), as the last line of every summary."""
    macros = environment().get_template("_macros.txt.j2").module
    return str(macros.total(result, painter(color)))  # type: ignore[attr-defined]


def render_pack(pack: Pack) -> str:
    """What ``grader list`` prints: the pack's exercises and checks with points, without grading."""
    return environment().get_template("pack.txt.j2").render(pack=pack)
