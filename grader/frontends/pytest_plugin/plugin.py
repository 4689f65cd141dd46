"""The pytest adapter: ``pytest --grade SUBMISSION`` reports one test per check per device.

Without ``--grade`` every hook here returns at once, so installing the grader never changes anyone
else's test run. With it, the submissions are collected (only they, unless other paths were given),
one node each, their items built from the pack's declarations, and each submission is graded once,
by the first of its items that runs (see ``items``), on one worker under pytest-xdist (see
``distribution``). ``--grade`` repeats and takes folders (see ``submissions``). ``--grade-from
RESULT.json`` replays saved results instead, for CI jobs that grade in one step and report in
another, and for fast tests; each submission takes only a result of its own bytes (see ``replay``).
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grader.frontends import messages as say
from grader.frontends.pytest_plugin import distribution, messages, options, submissions, summary
from grader.frontends.pytest_plugin.items import (
    OUTCOMES_KEY,
    SETTINGS_KEY,
    CheckItem,
    GradeSettings,
    SubmissionFile,
)

if TYPE_CHECKING:
    from grader.results.model import SubmissionResult

#: The totals pytest-xdist workers sent the controller, by resolved path.
RECEIVED_KEY = pytest.StashKey[dict[Path, summary.Total]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--grade`` and ``--grade-from`` are repeated for several values rather than taking several
    after one flag: with ``nargs="+"`` argparse would take the paths that follow
    (``pytest --grade a.ipynb tests/``) as more submissions, where pytest means its own arguments."""
    group = parser.getgroup("grader", messages.GROUP)
    from grader.options import with_default

    group.addoption("--grade", metavar="SUBMISSION", action="append", default=None,
                    help=with_default(messages.HELP_GRADE, messages.DEFAULT_GRADE))
    options.add_options(group, parser)
    group.addoption("--grade-from", metavar="RESULT.json", action="append", default=None,
                    help=with_default(say.HELP_GRADE_FROM + messages.GRADE_FROM_SAME_FILE,
                                      messages.DEFAULT_GRADE_FROM))


def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Grading keeps the student's files out of this process, before anything is loaded.

    A conftest.py beside a submission is the student's code, and pytest would import it here,
    outside the kernel and its limits: conftest loading is turned off. ``python -m pytest`` (and a
    ``pythonpath`` setting) put the current directory or a submission's folder first on
    ``sys.path``, where a student's ``torch.py`` would shadow torch: they are taken off, for every
    submission named and every folder holding one.
    """
    namespace = early_config.known_args_namespace
    values = getattr(namespace, "grade", None)
    if values:
        from grader.catalog.origin import drop_unsafe_path_entries

        namespace.noconftest = True
        drop_unsafe_path_entries(submissions.folders(values, early_config.invocation_params.dir))


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Choose how pytest-xdist distributes before pytest's own implementation runs the session."""
    if config.getoption("grade") is not None:
        distribution.keep_submissions_whole(config)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("grade") is None:
        if config.getoption("grade_from") is not None:
            raise pytest.UsageError(say.GRADE_FROM_NEEDS_GRADE)
        return
    config.addinivalue_line("markers", say.MARKER_GPU)
    config.addinivalue_line("markers", say.MARKER_HIDDEN)
    distribution.refuse_splitting(config)
    settings = _settings(config)
    config.stash[SETTINGS_KEY] = settings
    paths = list(settings.submissions)
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args[:] = [str(path) for path in paths]  # no paths given: grade, not the test suite
        return
    given = list(config.args)
    config.args.extend(str(path) for path in paths
                       if not any(_covers(config, arg, path) for arg in given))


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A folder on the way to a submission is collected as a plain folder, never as a package:
    pytest imports a package's ``__init__.py`` in this process (to look for ``setup_module``), and
    beside a submission that file is the student's code."""
    settings = parent.config.stash.get(SETTINGS_KEY, None)
    if settings is None or not (path / "__init__.py").exists():
        return None
    folder = path.resolve()
    if any(submission.is_relative_to(folder) for submission in settings.submissions):
        return pytest.Dir.from_parent(parent, path=path)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> Generator[None, list[pytest.Collector | None], list[pytest.Collector | None]]:
    """Collect each submission as ours alone.

    Whatever else claims the file is dropped: pytest's own collector would import a ``.py``
    submission (or run its doctests) in this process, and student code runs only in a kernel.
    """
    collected = yield
    settings = parent.config.stash.get(SETTINGS_KEY, None)
    if settings is None or file_path.resolve() not in settings.submissions:
        return collected
    return [SubmissionFile.from_parent(parent, path=file_path)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Point a skipped check at the submission, not at the grader line that raised the skip."""
    report = yield
    if isinstance(item, CheckItem) and report.skipped and isinstance(report.longrepr, tuple):
        # No line: a check has none in the submission; pytest's skip summary folds on None itself.
        report.longrepr = (str(item.path), None, report.longrepr[2])  # type: ignore[assignment]
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a pytest-xdist worker, hand the totals of what it graded to the controller."""
    outcomes = session.config.stash.get(OUTCOMES_KEY, None)
    if outcomes and distribution.is_worker(session.config):
        distribution.send_totals(session.config, {
            str(path): summary.total_of(outcome).as_data() for path, outcome in outcomes.items()})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """pytest-xdist's: a worker is done; keep the totals it sent for the terminal summary."""
    config: pytest.Config | None = getattr(node, "config", None)
    if config is None or SETTINGS_KEY not in config.stash:
        return
    received = config.stash.setdefault(RECEIVED_KEY, {})
    for path, data in distribution.received_totals(node).items():
        received[Path(path)] = summary.Total.from_data(data)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is None:
        return
    received = config.stash.get(RECEIVED_KEY, None) or {}
    totals = dict(received)
    totals.update((path, summary.total_of(outcome))
                  for path, outcome in config.stash.get(OUTCOMES_KEY, {}).items())
    summary.write(terminalreporter, settings.submissions, totals)


def _covers(config: pytest.Config, arg: str, submission: Path) -> bool:
    """Whether collecting the path in ``arg`` already reaches the submission."""
    path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
    return submission == path or submission.is_relative_to(path)


def _settings(config: pytest.Config) -> GradeSettings:
    """The submissions, then options, their ini twins and the course's configuration; read the pack
    and any saved results now, failing early."""
    from grader.catalog import registry
    from grader.errors import GraderError
    from grader.options import grade_options

    base = config.invocation_params.dir
    found = submissions.find(config.getoption("grade"), base)
    values = _with_course(options.values(config))
    pack = values.get("pack")
    pack_name = pack if isinstance(pack, str) else None
    saved = config.getoption("grade_from")
    replayed: dict[Path, SubmissionResult] = {}
    if saved is not None:
        from grader.frontends.pytest_plugin.replay import replayed as read_replayed

        replayed = read_replayed(saved, found, base)
        pack_name = pack_name or next(iter(replayed.values())).pack
    try:
        return GradeSettings(submissions=found, pack=registry.load_pack(pack_name),
                             options=grade_options(values), replayed=replayed)
    except GraderError as exc:
        raise pytest.UsageError(exc.message) from exc


def _with_course(given: dict[str, object]) -> dict[str, object]:
    """What the command line and the ini file set, then the course's configuration for the rest
    (``[tool.grader]`` or ``grader.toml``, as ``grader check`` reads it); a bad one stops pytest."""
    from grader.errors import UsageError
    from grader.frontends.config import with_course
    from grader.options import OPTIONS

    try:
        settings = with_course({option.name: given.get(option.name) for option in OPTIONS})
    except UsageError as exc:
        raise pytest.UsageError(exc.message) from None
    return {name: value for name, value in settings.items() if value is not None}
