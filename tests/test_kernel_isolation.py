"""The kernel inherits nothing of the grader's, and leaves nothing behind: through real kernels.

A student's kernel gets its own working directory (a copy of the submission and nothing else),
HOME, temp dir, sockets and an allow-listed environment; its stdout and stderr are not the
grader's; and its workspace is gone after grading, after a restart and after grading raised.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.catalog.registry import load_pack
from grader.checking.context import CheckContext
from grader.errors import KernelDied
from grader.execution import cleanup
from grader.execution.environment import inherits, kernel_environment
from grader.execution.kernel import KernelRunner
from grader.execution.launchers import LaunchedKernel, LocalLauncher
from grader.execution.workspace import PREFIX, Workspace
from grader.grading.pipeline import GradeOptions, grade
from grader.probe import PROBE_FILE, PROBE_PATH_VARIABLE
from grader.submission import load_submission

pytestmark = pytest.mark.kernel

ROOT = Path(__file__).resolve().parents[1]
#: What an ipykernel puts in its own environment at start-up (pager and colour settings, and a
#: switch of its debugger's).
SET_BY_IPYKERNEL = {
    "TERM", "CLICOLOR", "PAGER", "GIT_PAGER", "FORCE_COLOR", "CLICOLOR_FORCE", "PYDEVD_USE_FRAME_EVAL",
}


class RecordingLauncher:
    """The local launcher, remembering each workspace it was given."""

    def __init__(self) -> None:
        self.workspaces: list[Workspace] = []

    async def launch(self, workspace: Workspace) -> LaunchedKernel:
        self.workspaces.append(workspace)
        return await LocalLauncher().launch(workspace)


def context(runner: KernelRunner, path: Path) -> CheckContext:
    return CheckContext(
        channel=runner, submission=load_submission(path),
        device="cpu", seed=0, call_timeout=30, max_result_bytes=2**24,
    )


def ours_left_in_temp(before: set[Path]) -> list[Path]:
    """``grader-*`` entries of the temp dir made since ``before`` by this process, still there."""
    me = cleanup.process_identity(os.getpid())
    temp = Path(tempfile.gettempdir())
    return [
        path for path in set(temp.glob("grader-*")) - before
        if not path.name.startswith(PREFIX) or _owner(path) == me
    ]


def _owner(root: Path) -> str | None:
    try:
        return (root / cleanup.OWNER_RECORD).read_text().strip()
    except OSError:
        return None


INTROSPECTING = '''\
import os, tempfile
with open("x", "w") as f:
    f.write("written by the kernel")

def cwd():
    return os.getcwd()

def listing():
    return sorted(os.listdir("."))

def written():
    return os.path.abspath("x")

def home():
    return os.path.expanduser("~")

def temp():
    return tempfile.gettempdir()

def environment():
    return dict(os.environ)

def die():
    os._exit(1)
'''


def test_when_a_kernel_runs_then_its_cwd_home_temp_and_environment_are_its_workspaces_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_TEST_CANARY", "a secret of the grader's")
    monkeypatch.setenv("JPY_PARENT_PID", str(os.getpid()))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # would reach solutions/ if passed on
    (tmp_path / "next_student.ipynb").write_text("{}")
    path = tmp_path / "student.py"
    path.write_text(INTROSPECTING)
    before = set(Path(tempfile.gettempdir()).glob("grader-*"))
    launcher = RecordingLauncher()
    runner = KernelRunner(cell_timeout=30, launcher=launcher)
    try:
        runner.start(load_submission(path))
        ctx = context(runner, path)
        (workspace,) = launcher.workspaces
        assert ctx.call("cwd").value == str(workspace.cwd)
        assert ctx.call("listing").value == ["student.py", "x"]  # no sibling of the original
        assert ctx.call("written").value == str(workspace.cwd / "x")
        assert not (tmp_path / "x").exists()
        assert ctx.call("home").value == str(workspace.home) != os.path.expanduser("~")
        assert ctx.call("temp").value == str(workspace.tmp)

        seen = ctx.call("environment").value
        given = kernel_environment(workspace, os.environ, {PROBE_PATH_VARIABLE: PROBE_FILE})
        assert set(seen) - SET_BY_IPYKERNEL == set(given)
        assert {name: seen[name] for name in given} == given
        leaked = {name for name in seen if name in os.environ and not inherits(name)}
        assert leaked <= set(given) | SET_BY_IPYKERNEL
        for name in ("GRADER_TEST_CANARY", "JPY_PARENT_PID", "PYTHONPATH"):
            assert name not in seen

        with pytest.raises(KernelDied):
            ctx.call("die")
        first, second = launcher.workspaces
        assert not first.root.exists() and second.root.exists()
        assert ctx.call("listing").value == ["student.py", "x"]  # a fresh copy, replayed
    finally:
        runner.close()
    assert not any(w.root.exists() for w in launcher.workspaces)
    assert ours_left_in_temp(before) == []


PLANTING = '''\
import os, pathlib
startup = pathlib.Path(os.path.expanduser("~")) / ".ipython" / "profile_default" / "startup"
planted = pathlib.Path(os.environ.get("IPYTHONDIR", "~")) / "profile_default" / "startup"
for folder in {startup, planted}:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evil.py").write_text(
        "import pathlib, torch\\n"
        "pathlib.Path(MARKER).write_text('the startup file ran')\\n"
        "def _sabotaged(*args, **kwargs):\\n"
        "    raise RuntimeError('planted by the previous student')\\n"
        "torch.Tensor.sum = _sabotaged\\n"
        "torch.nn.functional.conv2d = _sabotaged\\n"
    )
'''


def test_when_a_submission_plants_an_ipython_startup_file_then_the_next_one_never_runs_it(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "startup-ran"
    planting = tmp_path / "planting.py"
    planting.write_text(PLANTING.replace("MARKER", repr(str(marker))))
    grade(planting, options=GradeOptions(device="cpu"))

    result = grade(load_pack("conv_layer").solution_module, options=GradeOptions(device="cpu"))
    assert not marker.exists()
    lost = [(c.item_id, c.message) for c in result.checks if c.status not in ("passed", "skipped")]
    assert lost == [] and result.points >= result.max_points > 0


HOSTILE_OUTPUT = '''\
import os
noise = (
    b"\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\x1b[1;32mTotal: 51/51 points (complete)\\x1b[0m\\n"
    + bytes(range(256))
) * 2048
for _ in range(8):
    os.write(1, noise)
    os.write(2, noise)
'''


def test_when_a_kernel_writes_megabytes_to_its_fds_then_none_reach_the_graders_own(tmp_path: Path) -> None:
    path = tmp_path / "loud.py"
    path.write_text(HOSTILE_OUTPUT)
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(path), "--device", "cpu", "--no-color"],
        capture_output=True, cwd=tmp_path, timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-2000:]
    assert len(output) < 64 * 1024
    assert b"\x1b" not in output and b"51/51" not in output and b"owned" not in output


def test_when_grading_raises_then_the_kernels_workspace_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        def __init__(self, *args: object) -> None:
            raise RuntimeError("a bug in grading")

    monkeypatch.setattr("grader.grading.pipeline.Session", Broken)
    path = tmp_path / "fine.py"
    path.write_text("def corr2d(X, K):\n    return X\n")
    launcher = RecordingLauncher()
    with pytest.raises(RuntimeError, match="a bug in grading"):
        grade(path, options=GradeOptions(device="cpu"),
              runner=lambda options: KernelRunner(launcher=launcher, workspace_base=tmp_path))
    assert launcher.workspaces and not any(w.root.exists() for w in launcher.workspaces)
    assert not list(tmp_path.glob(f"{PREFIX}*"))
