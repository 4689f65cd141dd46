"""Under pytest-xdist, each submission is graded once, on one worker; xdist itself is never imported.

An item grades its submission in the process it runs in, so a submission's items must share a
worker: ``--dist load`` (what ``-n`` means when no mode is given), ``worksteal`` and ``loadscope``
(one unit per exercise, for our node ids) spread them, every worker that got one grading the whole
submission again, and ``each`` runs everything on every worker. Of the ways xdist leaves a plugin
to keep them together, ``--dist loadfile`` is the one that holds: it schedules by the node id's
file part, for our items the submission. A scheduler of our own (``pytest_xdist_make_scheduler``)
would mean importing xdist's classes; ``xdist_group`` marks work only through ``--dist loadgroup``,
which appends ``@group`` to node ids, and pytest 9.2's structured node ids ignore that rewrite
(pytest-xdist#1386): tried here, each submission was graded on both workers, without a warning.
So when the user chose no mode, ``-n`` means ``loadfile`` with ``--grade``; any other mode is
refused before a worker starts, saying what to use instead.

Each worker grades only its own submissions, so the totals for the terminal summary travel back to
the controller in xdist's ``workeroutput``, the channel it gives plugins for that.
"""

from __future__ import annotations

import pytest

from grader.frontends.pytest_plugin import messages

#: The one mode that keeps a submission's items on one worker.
GROUPING = "loadfile"
#: Where a worker leaves its totals for the controller.
OUTPUT_KEY = "grader_totals"


def keep_submissions_whole(config: pytest.Config) -> None:
    """Make ``-n`` distribute by submission when no ``--dist`` was given (at ``pytest_cmdline_main``,
    before or after xdist turns the unset mode into ``load``)."""
    if not hasattr(config.option, "dist") or is_worker(config):
        return
    chosen = getattr(config.known_args_namespace, "dist", "no")
    if chosen == "no" and not config.option.distload and config.option.numprocesses:
        config.option.dist = GROUPING


def refuse_splitting(config: pytest.Config) -> None:
    """Stop before any worker starts when the distribution mode would grade a submission twice."""
    mode = config.getoption("dist", "no")
    distributing = mode != "no" and bool(config.getoption("tx", None))
    if distributing and mode != GROUPING and not config.getoption("collectonly"):
        raise pytest.UsageError(messages.DIST_SPLITS.format(mode=mode))


def send_totals(config: pytest.Config, totals: dict[str, dict[str, object]]) -> None:
    """On a worker: leave its submissions' totals (plain data, by resolved path) for the controller."""
    output = getattr(config, "workeroutput", None)
    if output is not None:
        output[OUTPUT_KEY] = totals


def received_totals(node: object) -> dict[str, dict[str, object]]:
    """On the controller: the totals a worker left (none from a worker that crashed)."""
    output = getattr(node, "workeroutput", None) or {}
    totals: dict[str, dict[str, object]] = output.get(OUTPUT_KEY, {})
    return totals


def is_worker(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist worker."""
    return hasattr(config, "workerinput")
