"""The class dashboard: its figures on a small class worked out by hand, escaping of hostile names
and hints, a bounded page for a class of 1,000, and the page in headless Chromium (no errors, no
requests, the student table sorts). The browser tests skip without Debian's chromium, as
tests/test_report_browser.py's do, and drive it the same way.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from grader.reports.dashboard import MAX_BYTES, SORT_SCRIPT, relative_href, render_dashboard
from grader.reports.dashboard_stats import Rate, class_stats
from grader.results.cohort import ClassEntry, Student
from grader.results.model import CheckResult, Status
from tests.test_report_browser import CHROMIUM, TIMEOUT, Chromium, problems
from tests.test_report_cases import SCRIPT, check, result

FLIPPED = "cross-correlation does not flip the kernel"
SHAPE = "the output is (n - k + 1) on each side"


def graded(student: str, checks: Sequence[CheckResult], duration: float = 1.0) -> ClassEntry:
    return ClassEntry(Student(student, name=student.title()), "graded", result(checks), duration=duration)


def small_class() -> list[ClassEntry]:
    """Four graded students on two questions (corr2d: two required checks on cpu and meta; edge:
    one required check and one bonus check), plus one of each other outcome."""
    def corr2d(ok: bool, hint: str | None = FLIPPED) -> list[CheckResult]:
        return [check("passed" if ok else "failed", id="matches", points=2.0 if ok else 0.0, max_points=2.0,
                      hint=None if ok else hint),
                check("passed" if ok else "failed", id="matches", device="meta",
                      points=1.0 if ok else 0.0, hint=None if ok else hint)]

    def edge(ok: bool, bonus: Status) -> list[CheckResult]:
        earned = 1.0 if bonus == "passed" else 0.0
        return [check("passed" if ok else "failed", exercise="edge", id="detects", points=1.0 if ok else 0.0,
                      hint=None if ok else SHAPE),
                check(bonus, exercise="edge", id="extra", bonus=True, points=earned)]

    return [
        graded("ana", corr2d(True) + edge(True, "passed"), duration=3.0),          # 4/4 = 100 %
        graded("ben", corr2d(False) + edge(True, "unanswered"), duration=9.0),     # 1/4 = 25 %
        graded("cho", corr2d(False) + edge(False, "failed"), duration=2.0),        # 0/4 = 0 %
        graded("dev", corr2d(True) + edge(False, "skipped"), duration=5.0),        # 3/4 = 75 %
        ClassEntry(Student("eve"), "missing"),
        ClassEntry(Student("fay"), "unusable", reason="not a notebook", path="fay/conv.txt"),
        ClassEntry(Student("gus"), "timeout", reason="past its 600 s limit", duration=600.0),
    ]


# --- the figures ----------------------------------------------------------------------------------

def test_when_a_small_class_is_summed_up_then_counts_scores_and_buckets_are_right() -> None:
    stats = class_stats(small_class())
    assert stats.total == 7
    # No "not graded yet": that count shows only when a stopped batch left some.
    assert dict(stats.counts) == {"graded": 4, "missing": 1, "unusable": 1, "timeout": 1}
    assert sorted(stats.percents) == [0.0, 25.0, 75.0, 100.0]
    assert stats.mean == pytest.approx(50.0)
    assert stats.median == pytest.approx(50.0)
    by_low = {b.low: b.count for b in stats.buckets}
    assert len(stats.buckets) == 10
    assert by_low[0] == 1 and by_low[20] == 1 and by_low[70] == 1 and by_low[90] == 1  # 100 % in the last
    assert sum(by_low.values()) == 4


def test_when_questions_mix_required_and_bonus_checks_then_their_pass_rates_are_apart() -> None:
    questions = {q.id: q for q in class_stats(small_class()).questions}
    assert questions["corr2d"].required == Rate(2, 4)
    assert questions["corr2d"].bonus is None
    assert questions["corr2d"].mean_points == pytest.approx(1.5) and questions["corr2d"].max_points == 3.0
    assert questions["edge"].required == Rate(2, 4)
    # ana passed the bonus, ben left it unanswered, cho failed it; dev's was skipped: not judged.
    assert questions["edge"].bonus == Rate(1, 3)
    assert questions["edge"].mean_bonus == pytest.approx(0.25)


def test_when_checks_are_summed_up_then_each_device_has_its_own_rate_and_outcomes() -> None:
    rows = {(c.exercise, c.id, c.device): c for c in class_stats(small_class()).checks}
    assert rows["corr2d", "matches", "meta"].rate == Rate(2, 4)
    assert rows["corr2d", "matches", "cpu"].others == (("failed", 2),)
    extra = rows["edge", "extra", "cpu"]
    assert extra.bonus and extra.rate == Rate(1, 3)
    assert dict(extra.others) == {"failed": 1, "unanswered": 1}
    assert extra.rate.percent == pytest.approx(100 / 3)
    assert Rate(0, 0).percent == 0.0


def test_when_a_check_ran_for_no_student_then_it_is_one_line_not_a_row_per_check() -> None:
    cuda = [check("skipped", id=name, device="cuda", max_points=0.0, counts=False) for name in ("a", "b")]
    entries = [graded(name, [check("passed", id="matches", points=2.0, max_points=2.0), *cuda])
               for name in ("ana", "ben")]
    page = render_dashboard(entries, title="Week 3")
    checks = page[page.index('<section id="checks">'):page.index('<section id="hints">')]
    assert "corr2d::matches" in checks and "corr2d::a" not in checks and "not run" not in checks
    assert "(skipped, as on a device the grading machine does not have): 2 on cuda." in checks


def test_when_hints_are_counted_then_a_student_counts_once_and_the_commonest_comes_first() -> None:
    hints = class_stats(small_class()).hints
    assert [(h.text, [s.id for s in h.students]) for h in hints] == [
        (FLIPPED, ["ben", "cho"]),   # given on cpu and meta, counted once per student
        (SHAPE, ["cho", "dev"]),
    ]
    assert hints[0].checks == ("corr2d::matches",)


def test_when_a_hint_comes_with_a_pass_or_an_unanswered_stub_then_it_is_no_misconception() -> None:
    entries = [graded("ana", [check("unanswered", hint="write corr2d"),
                              check("passed", id="b", hint="kept for a pass"),
                              check("error", id="c", hint="ours", internal=True)])]
    assert class_stats(entries).hints == ()


def test_when_problems_are_listed_then_unusable_timeouts_and_the_slowest_are_found() -> None:
    stats = class_stats(small_class(), slowest=3)
    assert [e.student.id for e in stats.unusable] == ["fay"]
    assert [e.student.id for e in stats.timeouts] == ["gus"]
    assert [e.student.id for e in stats.slowest] == ["gus", "ben", "dev"]


def test_when_nobody_was_graded_then_the_page_still_renders_without_a_mean() -> None:
    stats = class_stats([ClassEntry(Student("eve"), "missing")])
    assert stats.mean is None and stats.questions == () and sum(b.count for b in stats.buckets) == 0
    assert "No submission was graded." in render_dashboard([ClassEntry(Student("eve"), "missing")],
                                                           title="Week 3")


# --- the page -------------------------------------------------------------------------------------

def test_when_the_page_renders_then_it_shows_the_figures_and_links_each_report() -> None:
    page = render_dashboard(small_class(), title="Convolutions, week 3",
                            report_links={"ana": "reports/ana.html", "ben": "reports/ben smith.html"})
    assert "<svg class=\"chart\"" in page
    assert 'href="reports/ana.html"' in page and 'href="reports/ben%20smith.html"' in page
    assert FLIPPED in page and "not a notebook" in page and "past its 600 s limit" in page
    assert page.count("<tr><td data-sort=") == 7   # every student has a row of the table


def test_when_the_page_renders_then_its_one_script_is_allowed_by_hash_and_nothing_loads() -> None:
    page = render_dashboard(small_class(), title="Week 3")
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert scripts == [SORT_SCRIPT]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = html.unescape(re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)[0])
    assert policy.startswith("default-src 'none';") and policy.endswith(f"script-src 'sha256-{digest}'")
    assert "http://" not in page and "https://" not in page and " src=" not in page


@pytest.mark.parametrize("link", ["javascript:alert(1)", "https://evil.example/x", "//evil/x",
                                  "/etc/passwd", "..\\x.html", ""])
def test_when_a_report_link_is_not_a_relative_path_then_it_is_left_out(link: str) -> None:
    assert relative_href(link) is None
    page = render_dashboard(small_class(), title="Week 3", report_links={"ana": link})
    assert "report</a>" not in page


def test_when_names_hints_and_reasons_are_hostile_then_the_page_shows_them_as_text() -> None:
    hostile = Student("x" + SCRIPT, name=SCRIPT + '"><img src=x onerror=alert(1)>', section=SCRIPT)
    entries = [
        ClassEntry(hostile, "graded", result([check("failed", title=SCRIPT, hint=SCRIPT)])),
        ClassEntry(Student("u" + SCRIPT), "unusable", reason=SCRIPT, path=SCRIPT),
    ]
    page = render_dashboard(entries, title=SCRIPT, report_links={hostile.id: "r/" + SCRIPT + ".html"})
    assert SCRIPT not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1                      # the sorting script, and only it
    assert 'href="r/%3Cscript%3Ealert%281%29%3C/script%3E.html"' in page


def thousand(hostile: bool) -> list[ClassEntry]:
    """1,000 students; hostile: names and hints of 20,000 characters that escaping multiplies,
    each hint different, on 60 checks each."""
    long = '"<>&' * 5_000 if hostile else ""
    entries = []
    for i in range(1_000):
        checks = [check("failed" if (i + j) % 3 else "passed", id=f"c{j}", points=0.0,
                        hint=f"{long}hint {i} {j}" if (i + j) % 3 else None)
                  for j in range(60 if hostile else 8)]
        student = Student(f"s{i:04d}{long}", name=f"Student {i}{long}", section=long)
        entries.append(ClassEntry(student, "graded", result(checks), duration=i / 10))
    return entries


@pytest.mark.parametrize("hostile", [False, True])
def test_when_a_class_has_1000_students_then_the_page_is_bounded_and_lists_them_all(hostile: bool) -> None:
    entries = thousand(hostile)
    started = time.monotonic()
    page = render_dashboard(entries, title="Big class",
                            report_links={e.student.id: f"reports/{i}.html" for i, e in enumerate(entries)})
    assert time.monotonic() - started < 15
    assert len(page.encode("utf-8")) <= MAX_BYTES
    assert page.count("<tr><td data-sort=") == 1_000
    assert page.count(">report</a>") == 1_000


# --- in a browser ---------------------------------------------------------------------------------

#: The student table's first column, top to bottom, after clicking the heading numbered ``col`` (the
#: page's own script sorts it) ``times`` times.
SORTED = """(async (col, times) => {
  const th = document.querySelectorAll("#student-table thead th")[col];
  for (let i = 0; i < times; i++) th.querySelector("button.sort").click();
  return [...document.querySelectorAll("#student-table tbody tr")].map(r => r.cells[0].dataset.sort);
})(%d, %d)"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium; .ci/run does it)")
    browser = Chromium()
    yield browser
    browser.close()


def open_page(browser: Chromium, path: Path) -> tuple[str, str]:
    """Load the page in a new tab; the tab's target and session (its events are ``browser.events``)."""
    browser.events = []
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session=session)
    browser.send("Page.navigate", {"url": path.as_uri()}, session)
    browser.wait_for("Page.loadEventFired")
    return target, session


def evaluate(browser: Chromium, session: str, expression: str) -> Any:
    reply = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                              "awaitPromise": True, "timeout": TIMEOUT * 1000}, session)
    return reply["result"]["value"]


@pytest.mark.browser
def test_when_the_dashboard_opens_in_chromium_then_it_renders_offline_and_the_table_sorts(
    chromium: Chromium, tmp_path: Path,
) -> None:
    entries = small_class()
    entries[0] = ClassEntry(Student("ana", name=SCRIPT), "graded", entries[0].result, duration=3.0)
    path = tmp_path / "class.html"
    path.write_text(render_dashboard(entries, title=SCRIPT, report_links={"ben": "reports/ben.html"}),
                    encoding="utf-8")
    target, session = open_page(chromium, path)

    by_percent = evaluate(chromium, session, SORTED % (4, 1))
    by_percent_down = evaluate(chromium, session, SORTED % (4, 1))
    by_name = evaluate(chromium, session, SORTED % (0, 1))
    buttons = evaluate(chromium, session, "document.querySelectorAll('th button.sort').length")
    bars = evaluate(chromium, session, "[...document.querySelectorAll('svg.chart rect.col')]"
                                       ".map(r => Math.round(r.getBoundingClientRect().height))")
    requested = [e["params"]["request"]["url"] for e in chromium.events
                 if e.get("method") == "Network.requestWillBeSent"]
    assert requested == [path.as_uri()]
    assert problems(chromium.events) == []
    assert buttons == 9
    # One student in each of the bars 0-10, 20-30, 70-80 and 90-100: four equal bars, none elsewhere.
    assert [i for i, height in enumerate(bars) if height] == [0, 2, 7, 9]
    assert len(set(bars)) == 2 and max(bars) >= 100
    # Not graded (-1) first, then 0 %, 25 %, 75 %, 100 %; the order of the three ungraded is stable.
    assert by_percent[3:] == ["Cho", "Ben", "Dev", SCRIPT]
    assert by_percent_down[:4] == [SCRIPT, "Dev", "Ben", "Cho"]
    assert by_name == [SCRIPT, "Ben", "Cho", "Dev", "eve", "fay", "gus"]
    chromium.send("Target.closeTarget", {"targetId": target})
