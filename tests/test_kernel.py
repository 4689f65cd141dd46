"""The kernel runner against misbehaving student code: every failure is contained and reported.

These start real kernels (seconds each), so they are marked ``kernel``; the call-level cases share
one kernel and show that it keeps working after each failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from grader import messages
from grader.checking.context import CheckContext
from grader.errors import (
    CallTimedOut,
    KernelDied,
    MissingName,
    NotImplementedYet,
    ResultTooLarge,
    StudentRaised,
    WrongReturn,
)
from grader.execution.kernel import KernelRunner
from grader.execution.launchers import LaunchedKernel
from grader.execution.workspace import Workspace
from grader.submission import Submission, load_submission

pytestmark = pytest.mark.kernel

MISBEHAVING = '''\
import os, signal, sys
import numpy as np
import torch

# %%
def add(a, b):
    return a + b

def spin():
    while True:
        pass

def stubborn():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        pass

def die():
    os._exit(3)

def divide():
    return 1 / 0

def todo():
    raise NotImplementedError

def as_list():
    return [1.0, 2.0]

def as_array():
    return np.zeros(3)

class Mine(torch.Tensor):
    pass

def as_subclass():
    return torch.zeros(2).as_subclass(Mine)

def huge():
    return torch.empty(2**31)  # 8 GiB of address space, never touched

def chatty(x):
    print("x" * 200_000)
    return x

def leave():
    sys.exit(0)

def meta_copy():
    return torch.empty(2, device="meta").cpu()  # torch raises NotImplementedError itself

class NoBias(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(2))

def forge_deep_message():
    """Sends the grader a correctly signed message nested 200,000 levels deep."""
    from IPython import get_ipython
    kernel = get_ipython().kernel
    session = kernel.session
    msg = session.msg("stream", {"name": "stdout", "text": "x"}, parent=kernel.get_parent())
    deep = ("[" * 200_000 + "]" * 200_000).encode()
    parts = [session.pack(msg["header"]), session.pack(msg["parent_header"]), session.pack({}), deep]
    kernel.iopub_socket.send_multipart([b"stream", b"<IDS|MSG>", session.sign(parts), *parts])
    import time
    time.sleep(1)

not_a_function = 3
'''


#: The shared kernel and a check context on it.
Misbehaving = tuple[KernelRunner, CheckContext]


def make_context(runner: KernelRunner, submission: Submission, timeout: float = 2.0) -> CheckContext:
    return CheckContext(
        channel=runner, submission=submission,
        device="cpu", seed=0, call_timeout=timeout, max_result_bytes=2**24,
    )


@pytest.fixture(scope="module")
def misbehaving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Misbehaving]:
    path = tmp_path_factory.mktemp("kernel") / "misbehaving.py"
    path.write_text(MISBEHAVING)
    submission = load_submission(path)
    runner = KernelRunner(cell_timeout=20)
    runner.start(submission)
    yield runner, make_context(runner, submission)
    runner.close()


def test_when_calling_a_working_function_then_the_value_crosses_as_data(misbehaving: Misbehaving) -> None:
    _, ctx = misbehaving
    ones = torch.ones(2, 3, dtype=torch.float64)
    result = ctx.call_tensor("add", ones, ones)
    assert result.dtype == "float64" and result.device == "cpu"
    assert torch.equal(result.data, torch.full((2, 3), 2.0, dtype=torch.float64))


@pytest.mark.parametrize("name", ["spin", "stubborn"])
def test_when_a_function_loops_forever_then_the_call_times_out_and_the_kernel_recovers(
    misbehaving: Misbehaving, name: str
) -> None:
    _, ctx = misbehaving
    with pytest.raises(CallTimedOut, match="did not finish within 2 s"):
        ctx.call(name)
    assert ctx.call_tensor("add", torch.ones(1), torch.ones(1)).data.item() == 2.0


def test_when_a_function_kills_the_kernel_then_it_is_restarted_and_grading_goes_on(
    misbehaving: Misbehaving,
) -> None:
    runner, ctx = misbehaving
    restarts = runner.execution().kernel_restarts
    with pytest.raises(KernelDied, match="kernel died while running die"):
        ctx.call("die")
    assert runner.execution().kernel_restarts == restarts + 1
    assert ctx.call_tensor("add", torch.ones(1), torch.ones(1)).data.item() == 2.0


def test_when_a_function_raises_then_the_message_names_it_and_the_line(misbehaving: Misbehaving) -> None:
    _, ctx = misbehaving
    with pytest.raises(StudentRaised) as raised:
        ctx.call("divide")
    # The message says what; the place (line, and the function it is in) is carried apart, once.
    assert raised.value.message == "divide raised ZeroDivisionError: division by zero"
    assert raised.value.line is not None and raised.value.function == "divide"
    assert "1 / 0" in (raised.value.traceback or "")


def test_when_a_slot_is_not_filled_then_it_is_not_answered_not_an_error(misbehaving: Misbehaving) -> None:
    _, ctx = misbehaving
    with pytest.raises(NotImplementedYet) as raised:
        ctx.call("todo")
    assert raised.value.status == "unanswered"
    assert raised.value.message == messages.NOT_IMPLEMENTED.format(name="todo")


@pytest.mark.parametrize(
    ("name", "got"),
    [("as_list", "a list"), ("as_array", "a numpy.ndarray"), ("as_subclass", "a __main__.Mine (a subclass")],
)
def test_when_a_function_returns_the_wrong_kind_then_the_message_says_what_it_returned(
    misbehaving: Misbehaving, name: str, got: str
) -> None:
    _, ctx = misbehaving
    with pytest.raises(WrongReturn) as raised:
        ctx.call_tensor(name)
    assert got in raised.value.message
    assert raised.value.hint == messages.HINT_RETURN_TENSOR


def test_when_torch_itself_raises_not_implemented_then_it_is_an_error_in_a_filled_slot(
    misbehaving: Misbehaving,
) -> None:
    _, ctx = misbehaving
    with pytest.raises(StudentRaised, match="meta_copy raised NotImplementedError: Cannot copy out of meta"):
        ctx.call("meta_copy")


def test_when_a_module_lacks_an_attribute_the_check_sets_then_the_message_names_it(
    misbehaving: Misbehaving,
) -> None:
    _, ctx = misbehaving
    with pytest.raises(StudentRaised) as raised:
        ctx.build_module("NoBias", params={"bias": torch.zeros(1)})
    assert raised.value.message == messages.NO_ATTRIBUTE.format(
        name="NoBias", attribute="bias", type="__main__.NoBias"
    )


def test_when_the_kernel_forges_a_deeply_nested_message_then_the_call_errors_and_grading_goes_on(
    misbehaving: Misbehaving,
) -> None:
    _, ctx = misbehaving
    with pytest.raises(KernelDied, match="malformed reply while running forge_deep_message"):
        ctx.call("forge_deep_message")
    assert ctx.call_tensor("add", torch.ones(1), torch.ones(1)).data.item() == 2.0


def test_when_a_result_is_several_gigabytes_then_it_is_refused_not_sent(misbehaving: Misbehaving) -> None:
    _, ctx = misbehaving
    with pytest.raises(ResultTooLarge, match=r"8\.0 GiB, over the 16\.0 MiB cap"):
        ctx.call("huge")


def test_when_a_name_is_missing_or_not_callable_then_it_is_an_error(misbehaving: Misbehaving) -> None:
    _, ctx = misbehaving
    with pytest.raises(MissingName, match="nope is not defined"):
        ctx.call("nope")
    with pytest.raises(MissingName, match="not_a_function is a int"):
        ctx.call("not_a_function")


def test_when_a_function_prints_a_lot_then_the_output_is_capped(misbehaving: Misbehaving) -> None:
    _, ctx = misbehaving
    result = ctx.call("chatty", 1)
    assert result.value == 1
    assert 0 < len(result.stdout) <= 64 * 1024


def test_when_a_function_calls_sys_exit_then_it_is_reported_as_raised(misbehaving: Misbehaving) -> None:
    _, ctx = misbehaving
    with pytest.raises(StudentRaised, match="leave raised SystemExit"):
        ctx.call("leave")


CELLS = '''\
x = 1
# %%
def before():
    return 1
# %%
raise ValueError("broken cell")
# %%
import sys
sys.exit()
# %%
while True:
    pass
# %%
import os
os._exit(1)
# %%
def after():
    return 2
'''


def test_when_cells_raise_hang_exit_or_kill_the_kernel_then_each_is_recorded_and_the_rest_runs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cells.py"
    path.write_text(CELLS)
    submission = load_submission(path)
    runner = KernelRunner(cell_timeout=3)
    try:
        info = runner.start(submission)
        ctx = make_context(runner, submission, timeout=30)
        assert ctx.call("before").value == 1
        assert ctx.call("after").value == 2
    finally:
        runner.close()
    kinds = {error.cell: (error.kind, error.ename) for error in info.cell_errors}
    assert kinds == {
        3: ("raised", "ValueError"),
        4: ("raised", "SystemExit"),
        5: ("timeout", "TimeoutError"),
        6: ("died", "DeadKernelError"),
    }
    raised = next(e for e in info.cell_errors if e.cell == 3)
    assert raised.location == "line 6" and raised.evalue == "broken cell"
    assert info.kernel_restarts == 2


def test_when_a_notebook_prints_fifty_megabytes_then_grading_finishes(tmp_path: Path) -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("for _ in range(50):\n    print('x' * 1_000_000)"),
        nbformat.v4.new_code_cell("def f():\n    return 5"),
    ])
    path = tmp_path / "loud.ipynb"
    nbformat.write(notebook, path)
    submission = load_submission(path)
    runner = KernelRunner(cell_timeout=60)
    try:
        info = runner.start(submission)
        assert make_context(runner, submission, timeout=30).call("f").value == 5
    finally:
        runner.close()
    assert info.cell_errors == ()


def test_when_no_kernel_can_start_then_grade_returns_an_unusable_result_not_an_exception(
    tmp_path: Path,
) -> None:
    from grader.grading.pipeline import GradeOptions, grade

    class BrokenLauncher:
        async def launch(self, workspace: Workspace) -> LaunchedKernel:
            raise OSError("no python here")

    path = tmp_path / "fine.py"
    path.write_text("def corr2d(X, K):\n    return X\n")
    result = grade(path, options=GradeOptions(device="cpu"),
                   runner=lambda options: KernelRunner(launcher=BrokenLauncher()))
    assert result.error == "could not start a Python kernel: no python here"
    assert result.points == 0 and all(c.status == "error" for c in result.checks)


def test_when_a_grader_module_sits_next_to_the_submission_then_the_probe_is_not_shadowed(
    tmp_path: Path,
) -> None:
    (tmp_path / "grader.py").write_text("raise RuntimeError('the student\'s own grader.py')\n")
    path = tmp_path / "submission.py"
    path.write_text("def answer():\n    return 42\n")
    submission = load_submission(path)
    runner = KernelRunner(cell_timeout=30)
    try:
        runner.start(submission)
        assert make_context(runner, submission, timeout=30).call("answer").value == 42
    finally:
        runner.close()


def test_when_cuda_is_asked_for_without_cuda_then_no_kernel_is_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.checking import devices
    from grader.errors import UsageError
    from grader.grading.pipeline import GradeOptions, grade

    monkeypatch.setattr(devices, "cuda_available", lambda: False)
    path = tmp_path / "fine.py"
    path.write_text("x = 1\n")

    def no_runner(options: object) -> KernelRunner:
        raise AssertionError("a kernel was started before the usage error")

    with pytest.raises(UsageError, match="CUDA is not available"):
        grade(path, options=GradeOptions(device="cuda"), runner=no_runner)


def test_when_the_kernel_is_killed_before_the_probe_installs_then_that_is_noticed_at_once(
    tmp_path: Path,
) -> None:
    """A stopped batch kills kernels wherever they are, often while the probe is being installed:
    waiting there for the start-up timeout would hold Ctrl-C for a minute."""
    import asyncio
    import time

    from grader.execution import cleanup
    from grader.execution.connection import KernelConnection
    from grader.execution.launchers import LocalLauncher

    source = tmp_path / "sub.py"
    source.write_text("x = 1\n")

    async def install_after_stop() -> tuple[str, float]:
        with Workspace.create(source) as workspace:
            connection = await KernelConnection.open(await LocalLauncher().launch(workspace))
            try:
                with cleanup.kernels_stopped():
                    pass
                started = time.monotonic()
                with pytest.raises(KernelDied) as died:
                    await connection.install_probe()
                return died.value.message, time.monotonic() - started
            finally:
                await connection.close()

    message, waited = asyncio.run(install_after_stop())
    assert waited < 10 and "the kernel died" in message
