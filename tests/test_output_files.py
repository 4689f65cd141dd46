"""Output files (results, reports) are written atomically and never through what is at the path.

The unit tests drive ``grader.files`` directly; the kernel tests run the ``grader`` console script on
the real stub notebook with an output folder prepared as a hostile submission left it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from grader.files import write_text_atomic
from grader.frontends.cli import EXIT_FAILED
from grader.results.model import SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "exercises" / "conv_layer" / "stub.ipynb"
CANARY = "the grader must never write here\n"
#: What a student might forge: full marks, in the result's shape.
FORGED = json.dumps({"schema": "grader.result/1", "points": 100, "max_points": 100}) + "\n"


def leftovers(folder: Path) -> list[str]:
    """Temporary files the writer left behind (its names start with a dot and end in .tmp)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    """A file outside the output folder that a planted symlink points at."""
    path = tmp_path / "elsewhere" / "canary.txt"
    path.parent.mkdir()
    path.write_text(CANARY, encoding="utf-8")
    return path


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


def test_when_the_target_is_new_then_it_holds_the_text_and_no_temporary_file_is_left(
    out_dir: Path,
) -> None:
    target = out_dir / "result.json"
    write_text_atomic(target, "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert leftovers(out_dir) == []


def test_when_the_target_is_new_then_its_mode_follows_the_umask(out_dir: Path) -> None:
    old = os.umask(0o027)
    try:
        write_text_atomic(out_dir / "r.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((out_dir / "r.txt").stat().st_mode) == 0o640


def test_when_the_target_is_a_symlink_to_a_file_outside_then_that_file_is_untouched_and_the_link_replaced(
    out_dir: Path, canary: Path,
) -> None:
    target = out_dir / "result.json"
    target.symlink_to(canary)
    write_text_atomic(target, "real\n")
    assert canary.read_text(encoding="utf-8") == CANARY
    assert not target.is_symlink() and target.is_file()
    assert target.read_text(encoding="utf-8") == "real\n"


def test_when_the_target_is_a_dangling_symlink_then_nothing_is_created_where_it_points(
    out_dir: Path, tmp_path: Path,
) -> None:
    nowhere = tmp_path / "planted-by-link.txt"
    target = out_dir / "result.json"
    target.symlink_to(nowhere)
    write_text_atomic(target, "real\n")
    assert not nowhere.exists()
    assert not target.is_symlink() and target.read_text(encoding="utf-8") == "real\n"


def test_when_the_target_is_a_read_only_forgery_then_it_is_replaced(out_dir: Path) -> None:
    target = out_dir / "result.json"
    target.write_text('{"points": 100}\n', encoding="utf-8")
    target.chmod(0o444)
    forged_inode = target.stat().st_ino
    write_text_atomic(target, "real\n")
    assert target.read_text(encoding="utf-8") == "real\n"
    assert target.stat().st_ino != forged_inode  # replaced, not opened: root could open it anyway
    assert leftovers(out_dir) == []


def test_when_the_target_is_a_directory_then_an_os_error_names_it_and_nothing_is_left(
    out_dir: Path,
) -> None:
    target = out_dir / "result.json"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as raised:
        write_text_atomic(target, "real\n")
    assert raised.value.filename == str(target)
    assert target.is_dir() and leftovers(out_dir) == []


def test_when_the_target_names_a_folder_with_a_trailing_slash_then_it_is_refused(out_dir: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_text_atomic(f"{out_dir}{os.sep}", "x")


def test_when_the_folder_is_missing_then_an_os_error_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "result.json"
    with pytest.raises(FileNotFoundError) as raised:
        write_text_atomic(target, "x")
    assert raised.value.filename == str(target)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_when_the_folder_is_not_writable_then_permission_is_refused_and_the_old_file_stays(
    out_dir: Path,
) -> None:
    target = out_dir / "result.json"
    target.write_text("old\n", encoding="utf-8")
    out_dir.chmod(0o555)
    try:
        with pytest.raises(PermissionError) as raised:
            write_text_atomic(target, "new\n")
    finally:
        out_dir.chmod(0o755)
    assert raised.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "old\n" and leftovers(out_dir) == []


def test_when_writing_fails_midway_then_the_temporary_file_is_removed_and_the_target_kept(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = out_dir / "result.json"
    target.write_text("old\n", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_text_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n" and leftovers(out_dir) == []


def test_when_a_temporary_name_is_already_taken_then_another_is_drawn(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch, canary: Path,
) -> None:
    names = iter(["planted", "planted", "fresh"])
    monkeypatch.setattr("grader.files.secrets.token_hex", lambda n: next(names))
    (out_dir / ".result.json.planted.tmp").symlink_to(canary)
    write_text_atomic(out_dir / "result.json", "real\n")
    assert canary.read_text(encoding="utf-8") == CANARY
    assert (out_dir / "result.json").read_text(encoding="utf-8") == "real\n"


# --- through the real CLI and a real kernel ---------------------------------------------------------


def grader_check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``grader check`` as the console script a user runs (beside this interpreter)."""
    script = Path(sys.executable).with_name("grader")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "grader"]
    return subprocess.run(
        [*command, "check", *args, "--device", "cpu", "--no-color"],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )


@pytest.fixture(scope="module")
def stub_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("submission")
    return Path(shutil.copy(STUB, folder / "stub.ipynb"))


@pytest.mark.kernel
def test_when_result_json_is_a_planted_symlink_then_the_canary_is_unchanged_and_the_result_is_real(
    stub_copy: Path, out_dir: Path, canary: Path,
) -> None:
    target = out_dir / "result.json"
    target.symlink_to(canary)
    done = grader_check(str(stub_copy), "--json", str(target), cwd=out_dir)
    assert done.returncode == EXIT_FAILED, done.stderr
    assert canary.read_text(encoding="utf-8") == CANARY
    assert not target.is_symlink()
    result = SubmissionResult.read(target)
    assert result.submission.sha256 and result.submission.name == "stub.ipynb"
    assert leftovers(out_dir) == []


@pytest.mark.kernel
def test_when_result_json_is_a_read_only_forgery_then_it_is_replaced_by_the_real_result(
    stub_copy: Path, out_dir: Path,
) -> None:
    target = out_dir / "result.json"
    target.write_text(FORGED, encoding="utf-8")
    target.chmod(0o444)
    forged_inode = target.stat().st_ino
    report = out_dir / "report.md"
    report.symlink_to(out_dir / "result.json")  # a report link must not overwrite the result either
    done = grader_check(str(stub_copy), "--json", str(target), "--report", str(report), cwd=out_dir)
    assert done.returncode == EXIT_FAILED, done.stderr
    result = SubmissionResult.read(target)
    assert target.read_text(encoding="utf-8") != FORGED
    assert target.stat().st_ino != forged_inode  # replaced, not rewritten (root may write 0o444)
    assert result.points < result.max_points  # the stub earns nothing, whatever the forgery said
    assert not report.is_symlink() and report.read_text(encoding="utf-8").startswith("## ")
