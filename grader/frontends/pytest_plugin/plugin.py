"""The pytest adapter: ``pytest --grade SUBMISSION`` reports one test per check per device.

Without ``--grade`` every hook here returns at once, so installing the grader never changes anyone
else's test run. With it, the submission is collected (only it, unless other paths were given),
its items are built from the pack's declarations, and the submission is graded once, by the first
item that runs (see ``items``). ``--grade-from RESULT.json`` replays a saved result instead, for CI
jobs that grade in one step and report in another, and for fast tests.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from grader.checking.devices import DEVICE_CHOICES
from grader.frontends import messages as say
from grader.frontends.pytest_plugin.items import (
    OUTCOME_KEY,
    SETTINGS_KEY,
    CheckItem,
    GradeSettings,
    GradingCrash,
    SubmissionFile,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grading a submission (conv-grader)")
    group.addoption("--grade", metavar="SUBMISSION", default=None, help=say.HELP_GRADE)
    group.addoption("--grade-device", choices=DEVICE_CHOICES, default=None, help=say.HELP_DEVICE)
    group.addoption("--grade-pack", metavar="NAME", default=None, help=say.HELP_PACK)
    group.addoption("--grade-seed", metavar="N", type=int, default=None, help=say.HELP_SEED)
    group.addoption("--grade-cell-timeout", metavar="S", type=float, default=None,
                    help=say.HELP_CELL_TIMEOUT)
    group.addoption("--grade-call-timeout", metavar="S", type=float, default=None,
                    help=say.HELP_CALL_TIMEOUT)
    group.addoption("--grade-count-cuda", action="store_true", default=None,
                    help=say.HELP_COUNT_CUDA)
    group.addoption("--grade-from", metavar="RESULT.json", default=None, help=say.HELP_GRADE_FROM)
    parser.addini("grade_device", say.HELP_DEVICE, default="auto")
    parser.addini("grade_pack", say.HELP_PACK, default="")
    parser.addini("grade_seed", say.HELP_SEED, default="0")
    parser.addini("grade_cell_timeout", say.HELP_CELL_TIMEOUT, default="60")
    parser.addini("grade_call_timeout", say.HELP_CALL_TIMEOUT, default="10")
    parser.addini("grade_count_cuda", say.HELP_COUNT_CUDA, type="bool", default=False)


def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Grading turns conftest loading off: a conftest.py beside a submission is the student's
    code, and pytest would import it into this process, outside the kernel and its limits."""
    namespace = early_config.known_args_namespace
    if getattr(namespace, "grade", None):
        namespace.noconftest = True


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
    """Options first, then their ini twins; read the pack and any saved result now, failing early."""
    from grader.catalog import registry
    from grader.errors import GraderError
    from grader.results.model import SubmissionResult

    submission = Path(config.invocation_params.dir, config.getoption("grade")).resolve()
    if not submission.is_file():
        raise pytest.UsageError(say.NO_SUCH_FILE.format(path=config.getoption("grade")))
    pack_name = config.getoption("grade_pack") or config.getini("grade_pack") or None
    saved = config.getoption("grade_from")
    if saved is not None:
        try:
            result = SubmissionResult.read(Path(config.invocation_params.dir, saved))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise pytest.UsageError(say.CANNOT_READ_RESULT.format(path=saved, reason=exc)) from exc
        config.stash[OUTCOME_KEY] = result
        pack_name = pack_name or result.pack
    device = _option(config, "grade_device")
    if device not in DEVICE_CHOICES:
        raise pytest.UsageError(say.UNKNOWN_DEVICE.format(
            device=device, choices=", ".join(DEVICE_CHOICES)))
    try:
        pack = registry.load_pack(pack_name)
        return GradeSettings(
            submission=submission,
            pack=pack,
            device=device,
            seed=int(_option(config, "grade_seed")),
            count_cuda=bool(config.getoption("grade_count_cuda")
                            or config.getini("grade_count_cuda")),
            cell_timeout=float(_option(config, "grade_cell_timeout")),
            call_timeout=float(_option(config, "grade_call_timeout")),
        )
    except GraderError as exc:
        raise pytest.UsageError(exc.message) from exc
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from exc


def _option(config: pytest.Config, name: str) -> str:
    """The command-line value when given, else the ini twin's (which has the default)."""
    value = config.getoption(name)
    return str(value if value is not None else config.getini(name))
