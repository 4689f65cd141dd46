"""The pytest adapter: ``pytest --grade SUBMISSION`` reports one test per check per device.

Without ``--grade`` every hook here returns at once, so installing the grader never changes anyone
else's test run. With it, the submission is collected (only it, unless other paths were given),
its items are built from the pack's declarations, and the submission is graded once, by the first
item that runs (see ``items``). ``--grade-from RESULT.json`` replays a saved result instead, for CI
jobs that grade in one step and report in another, and for fast tests; only a result of the very
file ``--grade`` names (its sha256) is taken.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grader.frontends import messages as say
from grader.frontends.pytest_plugin import messages, options
from grader.frontends.pytest_plugin.items import (
    OUTCOME_KEY,
    SETTINGS_KEY,
    CheckItem,
    GradeSettings,
    GradingCrash,
    SubmissionFile,
)

if TYPE_CHECKING:
    from grader.results.model import SubmissionResult


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", messages.GROUP)
    from grader.options import with_default

    group.addoption("--grade", metavar="SUBMISSION", default=None,
                    help=with_default(say.HELP_GRADE, messages.DEFAULT_GRADE))
    options.add_options(group, parser)
    group.addoption("--grade-from", metavar="RESULT.json", default=None, help=with_default(
        say.HELP_GRADE_FROM + messages.GRADE_FROM_SAME_FILE, messages.DEFAULT_GRADE_FROM))


def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Grading keeps the student's files out of this process, before anything is loaded.

    A conftest.py beside a submission is the student's code, and pytest would import it here,
    outside the kernel and its limits: conftest loading is turned off. ``python -m pytest`` (and a
    ``pythonpath`` setting) put the current directory or the submission's folder first on
    ``sys.path``, where a student's ``torch.py`` would shadow torch: they are taken off.
    """
    namespace = early_config.known_args_namespace
    submission = getattr(namespace, "grade", None)
    if submission:
        from grader.catalog.origin import drop_unsafe_path_entries

        namespace.noconftest = True
        folder = Path(early_config.invocation_params.dir, submission).resolve().parent
        drop_unsafe_path_entries([folder])


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("grade") is None:
        if config.getoption("grade_from") is not None:
            raise pytest.UsageError(say.GRADE_FROM_NEEDS_GRADE)
        return
    config.addinivalue_line("markers", say.MARKER_GPU)
    config.addinivalue_line("markers", say.MARKER_HIDDEN)
    settings = _settings(config)
    config.stash[SETTINGS_KEY] = settings
    submission = str(settings.submission)
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args[:] = [submission]  # no paths given: grade, do not also run the test suite
    elif not any(_covers(config, arg, settings.submission) for arg in config.args):
        config.args.append(submission)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> Generator[None, list[pytest.Collector | None], list[pytest.Collector | None]]:
    """Collect the submission as ours alone.

    Whatever else claims the file is dropped: pytest's own collector would import a ``.py``
    submission (or run its doctests) in this process, and student code runs only in a kernel.
    """
    collected = yield
    settings = parent.config.stash.get(SETTINGS_KEY, None)
    if settings is None or file_path.resolve() != settings.submission:
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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    outcome = config.stash.get(OUTCOME_KEY, None)
    if outcome is None:
        return
    if isinstance(outcome, GradingCrash):
        terminalreporter.write_sep("=", say.SUMMARY_TITLE_CRASHED)
        terminalreporter.write_line(outcome.message, red=True)
        return
    from grader.reports import render_total

    terminalreporter.write_sep("=", say.SUMMARY_TITLE.format(name=outcome.submission.name))
    terminalreporter.write_line(render_total(outcome))


def _covers(config: pytest.Config, arg: str, submission: Path) -> bool:
    """Whether collecting the path in ``arg`` already reaches the submission."""
    path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
    return submission == path or submission.is_relative_to(path)


def _settings(config: pytest.Config) -> GradeSettings:
    """Options first, then their ini twins, then the course's configuration; read the pack and any
    saved result now, failing early."""
    from grader.catalog import registry
    from grader.errors import GraderError
    from grader.options import grade_options
    from grader.results.model import SubmissionResult

    submission = Path(config.invocation_params.dir, config.getoption("grade")).resolve()
    if not submission.is_file():
        raise pytest.UsageError(say.NO_SUCH_FILE.format(path=config.getoption("grade")))
    values = _with_course(options.values(config))
    pack = values.get("pack")
    pack_name = pack if isinstance(pack, str) else None
    saved = config.getoption("grade_from")
    if saved is not None:
        try:
            result = SubmissionResult.read(Path(config.invocation_params.dir, saved))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise pytest.UsageError(say.CANNOT_READ_RESULT.format(path=saved, reason=exc)) from exc
        _refuse_another_files(result, saved, config.getoption("grade"), submission)
        config.stash[OUTCOME_KEY] = result
        pack_name = pack_name or result.pack
    try:
        return GradeSettings(submission=submission, pack=registry.load_pack(pack_name),
                             options=grade_options(values))
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


def _refuse_another_files(result: SubmissionResult, saved: str, given: str, submission: Path) -> None:
    """A saved result stands for the file it graded: one of another file (or of this one before it
    changed) would report that file's verdicts under this one's name."""
    try:
        actual = hashlib.sha256(submission.read_bytes()).hexdigest()
    except OSError as exc:
        raise pytest.UsageError(messages.SUBMISSION_UNREADABLE.format(
            path=given, reason=exc.strerror or exc)) from None
    if result.submission.sha256 == actual:
        return
    shown = messages.SHA256_SHOWN
    graded = result.submission.name or result.submission.path
    refusal = messages.GRADE_FROM_CHANGED if graded == submission.name else messages.GRADE_FROM_OTHER_FILE
    command = messages.REGRADE_COMMAND.format(submission=shlex.quote(given), result=shlex.quote(saved))
    raise pytest.UsageError(refusal.format(
        result=saved, submission=given, graded=graded, command=command,
        saved=result.submission.sha256[:shown] or messages.UNKNOWN_SHA256, actual=actual[:shown]))
