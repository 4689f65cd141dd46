"""The class dashboard: one self-contained HTML page that tells an instructor how a class did.

Rendered from ``ClassEntry`` values alone (``grader.results.cohort``), so it imports neither the
batch nor the gradebook that produced them. The same rules as the student report hold: inline CSS
and SVG, nothing fetched, everything a student wrote escaped by the autoescaping template and
clipped (``Clip``), and a page over ``MAX_BYTES`` rendered again with smaller limits, so a class of
a thousand hostile submissions still makes a page a browser opens at once.

The one script sorts the student table; the table reads the same without it. The page's
Content-Security-Policy allows that script by its hash and nothing else, so no string in a result
could run as code even if it escaped the template.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace

from markupsafe import Markup

from grader.catalog.hints import Hint
from grader.reports.dashboard_stats import class_stats
from grader.reports.environment import environment
from grader.reports.text import clip
from grader.results.cohort import ClassEntry

__all__ = ["MAX_BYTES", "DashboardLimits", "render_dashboard"]

MAX_BYTES = 2_500_000
#: Each retry keeps this share of every limit of the one before.
SHRINK = (1.0, 0.4, 0.15, 0.05)

#: Sorts a ``table.sortable`` by the column whose header is clicked: by each cell's ``data-sort``
#: (numbers where the header says ``data-type="number"``), else its text. Without it the table is
#: still all there, in the order it was rendered.
SORT_SCRIPT = """
for (const table of document.querySelectorAll("table.sortable")) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener("click", () => {
      const up = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      const numeric = th.dataset.type === "number";
      const key = (row) => row.cells[col].dataset.sort ?? row.cells[col].textContent.trim();
      const body = table.tBodies[0];
      const rows = [...body.rows].sort((a, b) => {
        const order = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b));
        return up ? order : -order;
      });
      body.append(...rows);
    });
  });
}
"""


@dataclass(frozen=True)
class DashboardLimits:
    """How much of each kind of text (characters) and how many of each kind of row the page keeps.

    Every student appears in the student table whatever the limits; the lists around it are
    bounded so that a class of thousands, or of hostile names and hints, stays a readable page.
    """

    label: int = 120
    hint: int = 600
    reason: int = 300
    #: Hints listed, and the students named under each (the count is always the full one).
    hints: int = 20
    names: int = 40
    checks: int = 400
    questions: int = 100
    #: Unusable and timed-out submissions listed one by one.
    listed: int = 200
    slowest: int = 10

    def scaled(self, factor: float) -> DashboardLimits:
        return replace(self, **{f.name: max(1, int(getattr(self, f.name) * factor)) for f in fields(self)})


DEFAULT_LIMITS = DashboardLimits()


def render_dashboard(
    entries: Sequence[ClassEntry], *, title: str, report_links: Mapping[str, str] | None = None,
    limits: DashboardLimits = DEFAULT_LIMITS, identify: Callable[[str], Hint] | None = None,
) -> str:
    """The class page for ``entries``, at most ``MAX_BYTES`` of UTF-8; ``identify`` groups the
    hints by the template they were filled from (see ``class_stats``).

    ``report_links`` maps a student's id to their report's path relative to the page; a link that
    is not a relative path (a scheme, a host, an absolute path) is left out rather than followed.
    """
    stats = class_stats(entries, slowest=limits.slowest, identify=identify)
    links = {student: href for student, path in (report_links or {}).items()
             if (href := relative_href(path)) is not None}
    template = environment().get_template("class.html.j2")
    page = ""
    for factor in SHRINK:
        scaled = limits.scaled(factor)
        page = template.render(
            title=title, stats=stats, entries=entries, links=links, limits=scaled, clip=clip,
            script=Markup(SORT_SCRIPT), csp=content_security_policy(),
        )
        if len(page.encode("utf-8")) <= MAX_BYTES:
            break
    return page


def relative_href(path: str) -> str | None:
    """``path`` as a link relative to the page, percent-encoded; None for anything else."""
    parts = urllib.parse.urlsplit(path)
    if not path or parts.scheme or parts.netloc or path.startswith(("/", "\\")) or "\\" in path:
        return None
    return urllib.parse.quote(path, safe="/")


def content_security_policy() -> str:
    """Nothing may load, and the only script that may run is ``SORT_SCRIPT``, by its hash."""
    digest = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'")
