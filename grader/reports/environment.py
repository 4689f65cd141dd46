"""The one jinja2 environment every report shares, and the helpers its templates call.

Every word of a report lives in ``grader/reports/templates``; Python code decides only what there
is to say. Text templates are not escaped, HTML and XML ones (``*.html.j2``, ``*.xml.j2``) are.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jinja2

from grader.reports import heatmap, wording
from grader.reports import text as report_text

#: ANSI SGR codes per style name used by the templates' ``paint(text, style)``.
STYLES: dict[str, str] = {
    "passed": "32",
    "failed": "31",
    "error": "1;31",
    "timeout": "33",
    "skipped": "2",
    "unanswered": "35",
    "bold": "1",
    "dim": "2",
    "hint": "36",
}

Paint = Callable[[str, str], str]


@functools.cache
def environment() -> jinja2.Environment:
    """The shared, cached environment loading from ``grader/reports/templates``."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("grader.reports", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2", "xml.j2"),
            default_for_string=False,
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["points"] = wording.format_points
    env.globals.update(shape=report_text.shape_text, scale=heatmap.legend, value=heatmap.format_value,
                       labels=wording.STATUS_LABELS, points_text=wording.points_text,
                       bonus_total=wording.bonus_total, check_points=wording.check_points,
                       cell_error_place=wording.cell_error_place,
                       group_title=wording.group_title, SHOWN_ABOVE=wording.SHOWN_ABOVE,
                       BONUS=wording.BONUS)
    return env


def painter(color: bool) -> Paint:
    """``paint(text, style)`` for the templates: ANSI colour when asked for, the text unchanged else."""
    if not color:
        return lambda text, style: text

    def paint(text: str, style: str) -> str:
        code = STYLES.get(style)
        return f"\x1b[{code}m{text}\x1b[0m" if code and text else text

    return paint
