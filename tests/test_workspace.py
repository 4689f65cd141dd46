"""The per-kernel workspace without a kernel: its layout, its removal, the sweep of abandoned ones,
and the environment a kernel is given. All of it runs in milliseconds, under ``tmp_path``.
"""

from __future__ import annotations

import os
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.execution import cleanup
from grader.execution.environment import FIXED, INHERITED, kernel_environment
from grader.execution.workspace import MAX_SOCKET_PATH, PREFIX, Workspace

#: No process has this pid (Linux caps pids at 2**22), so an owner recorded so is dead.
DEAD_OWNER = "999999999:1"


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "next_student.ipynb").write_text("{}")
    path = folder / "student.py"
    path.write_text("def corr2d(X, K):\n    return X\n")
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    path.mkdir()
    return path


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A process in a session of its own, as a kernel is."""
    process = subprocess.Popen(["sleep", "60"], start_new_session=True)
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def abandoned(base: Path, name: str = "abandoned", owner: str = DEAD_OWNER) -> Path:
    root = base / f"{PREFIX}{name}"
    (root / "scratch").mkdir(parents=True)
    (root / cleanup.OWNER_RECORD).write_text(owner)
    return root


def test_when_a_workspace_is_created_then_it_is_private_and_holds_only_the_submission(
    submission: Path, base: Path
) -> None:
    with Workspace.create(submission, base=base) as workspace:
        assert workspace.root.parent == base and workspace.root.name.startswith(PREFIX)
        assert stat.S_IMODE(workspace.root.stat().st_mode) == 0o700
        assert os.listdir(workspace.cwd) == ["student.py"]
        assert workspace.submission.read_bytes() == submission.read_bytes()
        for directory in (workspace.cwd, workspace.home, workspace.tmp, workspace.sockets):
            assert directory.is_dir() and directory.is_relative_to(workspace.root)
        assert workspace.home.is_relative_to(workspace.scratch)
        owner = (workspace.root / cleanup.OWNER_RECORD).read_text().strip()
        assert owner == cleanup.process_identity(os.getpid())


def test_when_a_workspace_is_closed_then_it_is_gone_and_closing_again_does_nothing(
    submission: Path, base: Path
) -> None:
    workspace = Workspace.create(submission, base=base)
    (workspace.cwd / "x").write_text("written by the kernel")
    workspace.close()
    assert not workspace.root.exists() and workspace.closed
    workspace.close()


def test_when_grading_raises_inside_the_workspace_then_it_is_removed_all_the_same(
    submission: Path, base: Path
) -> None:
    with pytest.raises(RuntimeError), Workspace.create(submission, base=base) as workspace:
        raise RuntimeError("grading failed")
    assert not workspace.root.exists()


def test_when_the_kernel_left_read_only_weird_and_deep_files_then_the_tree_is_removed_anyway(
    tmp_path: Path,
) -> None:
    root = tmp_path / "tree"
    locked = root / "locked"
    locked.mkdir(parents=True)
    (locked / "file").write_text("x")
    os.chmod(locked / "file", 0)
    os.chmod(locked, 0)
    readonly = root / "readonly"
    readonly.mkdir()
    (readonly / "file").write_text("x")
    os.chmod(readonly, stat.S_IRUSR | stat.S_IXUSR)
    for name in (b"new\nline", b"\x1b[2J", b"not-utf8-\xff", b"-rf"):
        (root / os.fsdecode(name)).write_text("x")
    os.mkfifo(root / "fifo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    (root / "link").symlink_to(outside)
    deep = os.open(root, os.O_RDONLY)
    for _ in range(1200):  # deeper than the recursion limit shutil.rmtree runs into on 3.11
        os.mkdir("d", dir_fd=deep)
        inner = os.open("d", os.O_RDONLY, dir_fd=deep)
        os.close(deep)
        deep = inner
    os.close(deep)

    assert cleanup.remove_tree(root)
    assert not root.exists()
    assert (outside / "keep").exists()  # a symlink is removed, never followed


def test_when_a_grader_was_killed_then_the_next_workspace_sweeps_its_leftovers_and_kernels(
    submission: Path, base: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    stale = abandoned(base)
    cleanup.adopt(stale, sleeper.pid)
    with Workspace.create(submission, base=base) as workspace:
        assert not stale.exists()
        assert sleeper.wait(timeout=10) == -9
        assert workspace.root.exists()


def test_when_this_grader_stops_its_kernels_then_they_die_and_none_starts_until_it_is_done(
    submission: Path, base: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    with Workspace.create(submission, base=base) as workspace:
        workspace.adopt(sleeper.pid)
        with cleanup.kernels_stopped():
            assert sleeper.wait(timeout=10) == -9
            with pytest.raises(cleanup.KernelsStopped):
                Workspace.create(submission, base=base)
            late = subprocess.Popen(["sleep", "60"], start_new_session=True)
            workspace.adopt(late.pid)  # launched from a workspace claimed just before the stop
            assert late.wait(timeout=10) == -9
        with Workspace.create(submission, base=base):
            pass  # the stop is over: kernels start again
    assert [p.name for p in base.iterdir()] == []


def test_when_a_pid_was_reused_then_the_sweep_neither_trusts_the_owner_nor_kills_the_stranger(
    submission: Path, base: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    stale = abandoned(base, owner=f"{os.getpid()}:0")  # our pid, another start time
    (stale / cleanup.PROCESS_RECORD).write_text(f"{sleeper.pid}:0\n")
    with Workspace.create(submission, base=base):
        assert not stale.exists()
    time.sleep(0.2)
    assert sleeper.poll() is None


def test_when_a_workspace_is_live_new_or_not_a_workspace_then_the_sweep_leaves_it(
    submission: Path, base: Path, tmp_path: Path
) -> None:
    live = abandoned(base, "live", owner=str(cleanup.process_identity(os.getpid())))
    being_made = base / f"{PREFIX}being_made"
    being_made.mkdir()  # another grader's, between mkdtemp and its owner record
    being_claimed = abandoned(base, "being_claimed", owner="")  # its owner record half written
    unclaimed = base / f"{PREFIX}unclaimed"
    unclaimed.mkdir()
    old = time.time() - 2 * cleanup.UNCLAIMED_GRACE_SECONDS
    os.utime(unclaimed, (old, old))
    other = base / "grader-results"
    other.mkdir()
    os.utime(other, (old, old))
    target = tmp_path / "target"
    target.mkdir()
    (base / f"{PREFIX}link").symlink_to(target)

    with Workspace.create(submission, base=base):
        pass
    assert live.exists() and being_made.exists() and being_claimed.exists()
    assert other.exists() and target.exists()
    assert not unclaimed.exists()


def test_when_the_base_is_too_long_for_unix_sockets_then_it_is_refused_or_replaced_by_tmp(
    submission: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = tmp_path / ("d" * (MAX_SOCKET_PATH - len(str(tmp_path))))
    long.mkdir()
    with pytest.raises(ValueError, match="too long a path for unix sockets"):
        Workspace.create(submission, base=long)
    monkeypatch.setattr("tempfile.tempdir", str(long))
    with Workspace.create(submission) as workspace:
        assert workspace.root.parent == Path("/tmp")
        assert len(os.fsencode(workspace.socket_stem)) + len("-99999") <= MAX_SOCKET_PATH


def test_when_the_kernel_environment_is_built_then_only_the_allow_list_passes(
    submission: Path, base: Path
) -> None:
    grader = {
        "PATH": "/usr/bin", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1", "HOME": "/root",
        "JPY_PARENT_PID": "1", "PYTHONPATH": "/work/main", "AWS_SECRET_ACCESS_KEY": "canary",
        "PYTEST_CURRENT_TEST": "x", "TMPDIR": "/var/tmp", "MPLBACKEND": "module://inline",
    }
    with Workspace.create(submission, base=base) as workspace:
        environment = kernel_environment(workspace, grader, {"GRADER_PROBE_PATH": "/probe.py"})
        assert {k: environment[k] for k in ("PATH", "LC_ALL", "OMP_NUM_THREADS")} == {
            "PATH": "/usr/bin", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1"}
        for dropped in ("JPY_PARENT_PID", "PYTHONPATH", "AWS_SECRET_ACCESS_KEY", "PYTEST_CURRENT_TEST"):
            assert dropped not in environment
        assert environment["HOME"] == str(workspace.home)
        assert environment["IPYTHONDIR"] == str(workspace.ipython_dir)
        for name in ("TMPDIR", "TMP", "TEMP"):
            assert environment[name] == str(workspace.tmp)
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR", "JUPYTER_CONFIG_DIR",
                     "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
            assert Path(environment[name]).is_relative_to(workspace.home)
        assert environment["MPLBACKEND"] == FIXED["MPLBACKEND"] == "agg"
        assert environment["GRADER_PROBE_PATH"] == "/probe.py"
        assert "HOME" not in INHERITED and "PYTHONPATH" not in INHERITED
