"""A batch's progress: a rich bar on a terminal (done / total, rate, time left, failures so far),
and one plain line per submission in a CI log or a file."""

from __future__ import annotations

import io

from grader.frontends import messages as say
from grader.frontends.cli.progress import BatchProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_when_the_output_is_a_terminal_then_a_bar_counts_done_and_failed() -> None:
    screen = Terminal()
    with BatchProgress(2, screen) as progress:
        progress.done("alice: graded 55/55 (3.1 s)", ok=True)
        progress.done("carol: unusable  (0.0 s)", ok=False)
    text = screen.getvalue()
    assert "2/2" in text and say.BATCH_NOT_CLEAN.format(count=1) in text
    assert "alice: graded 55/55" in text and "carol: unusable" in text


def test_when_the_output_is_a_log_then_each_submission_is_one_plain_line() -> None:
    log = io.StringIO()
    with BatchProgress(2, log) as progress:
        progress.done("alice: graded 55/55 (3.1 s)", ok=True)
        progress.done("carol: unusable  (0.0 s)", ok=False)
    assert log.getvalue().splitlines() == ["alice: graded 55/55 (3.1 s)", "carol: unusable  (0.0 s)"]
    assert progress.failed == 1
