"""Hostile but legal submissions never crash the grader nor cost an honest answer.

Three classes, several members each: NUL bytes (in the source, in a string, in an answer),
requests to end the kernel from a cell (``exit()``, ``quit()``, ``sys.exit()``, ``raise SystemExit``,
``os._exit``), and cells or calls that silence the probe's comm. The time budget of a whole
submission bounds whatever is left. Tests that need a kernel are marked ``kernel``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from grader import messages
from grader.catalog.registry import load_pack
from grader.checking.context import CheckContext
from grader.errors import CallTimedOut, KernelDied, SubmissionError
from grader.execution import kernel
from grader.execution.kernel import KernelRunner
from grader.frontends.cli import main
from grader.grading.pipeline import GradeOptions, grade
from grader.options import SUBMISSION_TIMEOUT, InvalidOption
from grader.results.model import SubmissionResult
from grader.submission import load_submission, places, split_percent, top_level_names

PACK = load_pack("conv_layer")
#: Where a hostile cell goes in the solution notebook: after the first free-text answer, with
#: correct code on both sides of it.
MIDDLE = 21
#: Its In [n] prompt when the notebook runs top to bottom: the code cells before it, plus one.
HOSTILE_CELL = 1 + sum(
    1 for cell in nbformat.read(PACK.solution_notebook, as_version=4).cells[:MIDDLE]
    if cell.cell_type == "code" and cell.source.strip()
)
DIED = "os._exit, a crash or out of memory"


def solution_notebook_with(tmp_path: Path, source: str, name: str = "hostile.ipynb") -> Path:
    notebook = nbformat.read(PACK.solution_notebook, as_version=4)
    notebook.cells.insert(MIDDLE, nbformat.v4.new_code_cell(source))
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def solution_module_with(tmp_path: Path, extra: str, name: str = "hostile.py") -> Path:
    """The solution's code cells (no demo cells) with ``extra`` appended as one more cell."""
    code = "".join(f"# %%\n{cell.source}" for cell in split_percent(PACK.solution_module.read_text())
                   if cell.kind == "code" and cell.header != "demo")
    path = tmp_path / name
    path.write_text(code + "# %%\n" + extra)
    return path


def lost(result: SubmissionResult) -> dict[str, str]:
    return {c.item_id: c.message for c in result.checks if c.status not in ("passed", "skipped")}


def check_cli(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["check", str(path), "--pack", "conv_layer", "--device", "cpu", "--no-color", *extra])
    captured = capsys.readouterr()
    return code, captured.err


# === NUL bytes ====================================================================================


def nul_notebook(tmp_path: Path, *cells: nbformat.NotebookNode) -> Path:
    path = tmp_path / "nul.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=list(cells)), path)
    return path


#: A NUL byte where Python refuses it: the file's name, its content, and where the message says it is.
NUL_SOURCES = {
    "a .py module": ("nul.py", "import torch\n\ndef corr2d(X, K):\x00\n", "nul.py, line 3"),
    "a comment of a module": ("nul.py", "# \x00\nx = 1\n", "nul.py, line 1"),
    "a notebook code cell": ("nul.ipynb", ["# Title", "x = 1\ny = 2 \x00 + 3"],
                             'nul.ipynb, In [1] "x = 1", line 2'),
    "a string literal": ("nul.ipynb", ["def corr2d(X, K):\n    return 'a\x00b'"],
                         'nul.ipynb, In [1] "def corr2d(X, K):", line 2'),
}


@pytest.mark.parametrize("case", list(NUL_SOURCES))
def test_when_the_source_holds_a_nul_byte_then_the_cli_says_where_in_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str,
) -> None:
    name, content, where = NUL_SOURCES[case]
    if isinstance(content, str):
        path = _write(tmp_path / name, content)
    else:  # the first of several cells is markdown
        cells = [nbformat.v4.new_markdown_cell(content[0])] if len(content) > 1 else []
        path = nul_notebook(tmp_path, *cells, nbformat.v4.new_code_cell(content[-1]))
    expected = messages.NUL_BYTE.format(where=where)
    with pytest.raises(SubmissionError) as raised:
        load_submission(path)
    assert raised.value.message == expected
    code, err = check_cli(path, capsys, "--json", str(tmp_path / "r.json"))
    assert code == 2
    assert err.strip().splitlines() == [f"error: {expected}"]
    result = SubmissionResult.read(tmp_path / "r.json")
    assert result.error == expected and all(c.status == "error" and not c.internal for c in result.checks)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_when_a_markdown_cell_holds_a_nul_byte_then_it_is_harmless(tmp_path: Path) -> None:
    path = nul_notebook(tmp_path, nbformat.v4.new_markdown_cell("copied from a PDF: \x00"),
                        nbformat.v4.new_code_cell("x = '\\x00'"))  # an escape, not the byte itself
    submission = load_submission(path)
    assert [(c.number, c.source) for c in submission.cells] == [(1, "x = '\\x00'")]


def test_when_python_refuses_nul_with_value_error_then_it_is_still_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Python 3.11.2 (Debian 12) raises ValueError, not SyntaxError, from ast.parse and compile.
    def refuse(*args: object, **kwargs: object) -> ast.Module:
        raise ValueError("source code string cannot contain null bytes")

    path = _write(tmp_path / "sub.py", "def corr2d(X, K):\n    return X\n")
    monkeypatch.setattr(ast, "parse", refuse)
    with pytest.raises(SubmissionError, match=r"sub\.py: SyntaxError: source code string cannot"):
        load_submission(path)
    assert top_level_names("def corr2d(X, K):\n    return X\nK = 1\n") == {"corr2d", "K"}


NUL_ANSWERS = '''\
why_blur = "to smooth\\x00 noise"
answer_apply_K = "one_line\\x00"

def learn_kernel(X, Y, kernel_size, lr=3e-2, steps=10):
    raise ValueError("no\\x00pe")
'''


@pytest.mark.kernel
def test_when_answers_and_messages_hold_nul_bytes_then_grading_and_every_report_go_on(
    tmp_path: Path,
) -> None:
    path = solution_module_with(tmp_path, NUL_ANSWERS)
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(path), "--device", "cpu", "--no-color",
         "--json", str(tmp_path / "r.json"), "--report", str(tmp_path / "r.html")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # checks failed; no error, no crash
    assert "Traceback" not in done.stdout + done.stderr
    result = SubmissionResult.read(tmp_path / "r.json")
    assert result.error is None and not any(c.internal for c in result.checks)
    answers = {a.id: a.text for a in result.answers}
    assert answers["why_blur"] == "to smooth\x00 noise"
    failed = lost(result)
    assert {c.split("::")[0] for c in failed} == {"learn_kernel", "diagonal_edge"}, failed
    assert any("no\x00pe" in message for message in failed.values())
    assert json.loads((tmp_path / "r.json").read_text())["error"] is None
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    for name in ("r.md", "r.txt"):
        assert main(["report", str(tmp_path / "r.json"), "-o", str(tmp_path / name)]) == 0


# === exit requests in a cell =======================================================================

EXITS = {
    "exit()": ("died", "SystemExit", messages.CELL_EXITED),
    "quit()": ("died", "SystemExit", messages.CELL_EXITED),
    "import sys\nsys.exit(0)": ("raised", "SystemExit", messages.CELL_SYSTEM_EXIT),
    "raise SystemExit": ("raised", "SystemExit", messages.CELL_SYSTEM_EXIT),
    "import os\nos._exit(0)": ("died", "DeadKernelError", messages.CELL_DIED),
}


@pytest.mark.kernel
@pytest.mark.parametrize(
    ("source", "runs"),
    [("exit()", 2), ("quit()", 2), ("import sys\nsys.exit(0)", 1), ("raise SystemExit", 1),
     ("import os\nos._exit(0)", 1)],
)
def test_when_a_cell_asks_the_kernel_to_exit_then_that_cell_is_named_and_every_right_answer_scores(
    tmp_path: Path, source: str, runs: int,
) -> None:
    path = solution_notebook_with(tmp_path, source)
    kind, ename, sentence = EXITS[source]
    for _ in range(runs):  # exit() ends the kernel a moment later: the same verdicts every time
        result = grade(path, options=GradeOptions(device="cpu"))
        assert result.error is None
        assert lost(result) == {}
        assert result.points >= result.max_points > 0
        (error,) = result.execution.cell_errors
        assert (error.cell, error.kind, error.ename) == (HOSTILE_CELL, kind, ename)
        assert error.location == places.notebook_place(HOSTILE_CELL, source, None)
        assert error.evalue == sentence.format(where=error.location, detail=DIED)
        assert "asked the kernel to exit" in error.evalue or sentence is messages.CELL_DIED
        assert result.execution.kernel_restarts == (1 if kind == "died" else 0)
        assert all(a.text for a in result.answers)


# === a silenced probe ==============================================================================

COMMS = (
    "from IPython import get_ipython\n"
    "for _comm in list(get_ipython().kernel.comm_manager.comms.values()):\n"
)
SILENCERS = {
    "a handler that never answers": COMMS + "    _comm.on_msg(lambda msg: None)\n",
    "a handler that raises": COMMS + "    _comm.on_msg(lambda msg: 1 / 0)\n",
    "the comm closed": COMMS + "    _comm.close()\n",
}


@pytest.mark.kernel
@pytest.mark.parametrize("hijack", list(SILENCERS))
def test_when_a_cell_silences_the_probe_then_grading_ends_quickly_blaming_the_submission(
    tmp_path: Path, hijack: str,
) -> None:
    path = solution_notebook_with(tmp_path, SILENCERS[hijack])
    started = time.monotonic()
    result = grade(path, options=GradeOptions())
    elapsed = time.monotonic() - started
    assert elapsed < 45, elapsed  # it was 302 s and 14 restarts
    assert result.error is None
    assert result.execution.kernel_restarts == 1 and result.execution.cell_errors == ()
    checks = [c for c in result.checks if c.status != "skipped"]
    assert checks and all(c.status == "error" and not c.internal for c in checks)
    assert all(messages.PROBE_SILENCED in c.message for c in checks)
    assert all(c.hint == messages.HINT_PROBE_SILENCED for c in checks)
    assert all(a.text is None for a in result.answers)


@pytest.mark.kernel
def test_when_a_cell_registers_its_own_probe_target_then_nothing_is_lost(tmp_path: Path) -> None:
    # The probe's comm is open before the student's cells run: a target registered later is unused.
    path = solution_notebook_with(tmp_path, (
        "from IPython import get_ipython\n"
        "get_ipython().kernel.comm_manager.register_target('grader.probe', lambda comm, msg: None)\n"
    ))
    result = grade(path, options=GradeOptions(device="cpu"))
    assert lost(result) == {} and result.execution.kernel_restarts == 0


PROBED = '''\
import time

def add(a, b):
    return a + b

def silence():
    from IPython import get_ipython
    for comm in list(get_ipython().kernel.comm_manager.comms.values()):
        comm.on_msg(lambda msg: None)
    return 1

def spin():
    while True:
        pass

def die():
    import os
    os._exit(1)

die_again = die
'''


@pytest.fixture
def probed(tmp_path: Path) -> Iterator[tuple[Path, list[KernelRunner]]]:
    """Where to write a submission, and the runners started on it (closed after the test)."""
    runners: list[KernelRunner] = []
    yield tmp_path, runners
    for runner in runners:
        runner.close()


def start(probed: tuple[Path, list[KernelRunner]], source: str, *, call_timeout: float,
          submission_timeout: float | None = None) -> tuple[KernelRunner, CheckContext]:
    folder, runners = probed
    path = folder / "probed.py"
    path.write_text(source)
    submission = load_submission(path)
    runner = KernelRunner(cell_timeout=30, submission_timeout=submission_timeout)
    runners.append(runner)
    runner.start(submission)
    return runner, CheckContext(channel=runner, submission=submission, device="cpu", seed=0,
                                call_timeout=call_timeout, max_result_bytes=2**20)


def timed(call: object) -> tuple[object, float]:
    started = time.monotonic()
    try:
        value = call()  # type: ignore[operator]
    except Exception as exc:
        value = exc
    return value, time.monotonic() - started


@pytest.mark.kernel
def test_when_a_call_silences_the_probe_then_the_next_request_is_asked_again_of_a_fresh_kernel(
    probed: tuple[Path, list[KernelRunner]],
) -> None:
    runner, ctx = start(probed, PROBED, call_timeout=30)
    assert ctx.call("silence").value == 1
    assert ctx.call("add", 1, 2).value == 3  # not add's fault: answered by the replacement
    assert runner.execution().kernel_restarts == 1
    assert ctx.call("add", 2, 2).value == 4


@pytest.mark.kernel
def test_when_a_cell_blocks_the_probe_then_one_timeout_and_one_restart_end_all_calls(
    probed: tuple[Path, list[KernelRunner]],
) -> None:
    blocking = PROBED + "# %%\n" + COMMS + "    _comm.on_msg(lambda msg: time.sleep(3600))\n"
    runner, ctx = start(probed, blocking, call_timeout=2)
    first, _ = timed(lambda: ctx.call("add", 1, 2))
    assert isinstance(first, KernelDied)
    assert first.message == messages.PROBE_UNANSWERED.format(name="add")
    second, _ = timed(lambda: ctx.get("why"))  # the fresh kernel does not answer either
    assert isinstance(second, KernelDied) and second.message == messages.PROBE_SILENCED
    for request in (lambda: ctx.call("spin"), lambda: ctx.kinds(["add"]),
                    lambda: ctx.warm_up([], 60.0), lambda: ctx.get("why_not")):
        error, seconds = timed(request)
        assert isinstance(error, KernelDied) and error.message == messages.PROBE_SILENCED
        assert seconds < 0.5
    assert runner.execution().kernel_restarts == 1


@pytest.mark.kernel
def test_when_kernels_die_repeatedly_then_every_kind_of_request_stops_at_the_restart_limit(
    probed: tuple[Path, list[KernelRunner]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kernel, "MAX_KERNEL_RESTARTS", 2)
    runner, ctx = start(probed, PROBED, call_timeout=30)
    for name in ("die", "die_again"):
        with pytest.raises(KernelDied, match=f"kernel died while running {name}"):
            ctx.call(name)
    gave_up = messages.GAVE_UP.format(count=2)
    for request in (lambda: ctx.warm_up([], 60.0), lambda: ctx.kinds(["add"]),
                    lambda: ctx.get("why"), lambda: ctx.call("add", 1, 2)):
        error, seconds = timed(request)
        assert isinstance(error, KernelDied) and error.message == gave_up
        assert seconds < 0.5
    assert runner.execution().kernel_restarts == 2


# === the submission's time budget ==================================================================


@pytest.mark.kernel
def test_when_the_time_budget_runs_out_during_a_call_then_it_and_every_later_request_say_so(
    probed: tuple[Path, list[KernelRunner]],
) -> None:
    _, ctx = start(probed, PROBED, call_timeout=60, submission_timeout=8)
    assert ctx.call("add", 1, 2).value == 3
    error, seconds = timed(lambda: ctx.call("spin"))
    assert isinstance(error, CallTimedOut) and seconds < 10
    assert error.message == messages.BUDGET_SPENT_DURING.format(name="spin", seconds=8)
    assert error.hint == messages.HINT_BUDGET
    later, seconds = timed(lambda: ctx.call("add", 1, 2))
    assert isinstance(later, CallTimedOut) and seconds < 0.5
    assert later.message == messages.BUDGET_SPENT.format(seconds=8)


@pytest.mark.kernel
def test_when_the_cells_outlast_the_time_budget_then_the_result_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path / "slow.py", "import time\n\ntime.sleep(120)\n")
    started = time.monotonic()
    result = grade(path, options=GradeOptions(device="cpu", submission_timeout=3))
    assert time.monotonic() - started < 30
    assert result.error == messages.BUDGET_SPENT_IN_CELLS.format(seconds=3)
    assert all(c.status == "error" for c in result.checks)


@pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), 86_400, "300"])
def test_when_the_submission_timeout_is_not_a_number_of_seconds_then_it_is_refused(value: object) -> None:
    with pytest.raises(InvalidOption) as raised:
        GradeOptions(submission_timeout=value)  # type: ignore[arg-type]
    assert raised.value.reason == SUBMISSION_TIMEOUT.reason


def test_when_the_submission_timeout_is_given_then_the_kernel_runner_gets_it() -> None:
    from grader.grading.pipeline import _kernel_runner

    runner = _kernel_runner(GradeOptions(submission_timeout=42))
    try:
        assert isinstance(runner, KernelRunner) and runner.submission_timeout == 42.0
    finally:
        runner.close()
    assert GradeOptions().submission_timeout == SUBMISSION_TIMEOUT.default == 300.0
